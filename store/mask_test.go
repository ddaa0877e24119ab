package store

import "testing"

func TestMaskPhone(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"masks a mobile", "13812345678", "138****5678"},
		{"masks every mobile in a text", "张三 13812345678 李四 15900001111", "张三 138****5678 李四 159****1111"},
		{"leaves short numbers", "12345", "12345"},
		{"leaves empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MaskPhone(tc.in); got != tc.want {
				t.Errorf("MaskPhone(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
