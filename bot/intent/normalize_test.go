package intent

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"full-width letters digits punctuation", "ＡＢ１２，：；？", "AB12,:,?"},
		{"ideographic space", "注册\u3000张三", "注册 张三"},
		{"chinese separators fold to one comma", "张三，李四、王五；赵六", "张三,李四,王五,赵六"},
		{"full-width colon keeps time readable", "14：30", "14:30"},
		{"separators and spaces collapse", "张三 ， 、 李四", "张三,李四"},
		{"space runs collapse", "a \t  b", "a b"},
		{"line breaks kept once", "1.张三\r\n\r\n2.李四 \n", "1.张三\n2.李四"},
		{"comma before line break dropped", "张三，\n李四", "张三\n李四"},
		{"trimmed", " \u3000，帮助，\n ", "帮助"},
		{"zero-width dropped", "帮\u200b助\u200d\ufeff", "帮助"},
		{"variation selector dropped", "👍\ufe0f好", "👍好"},
		{"invalid utf-8 dropped", "a\xffb\xc3", "ab"},
		{"control characters dropped", "a\x00b\x07c", "abc"},
		{"case kept", "A12 help", "A12 help"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(tt.want); again != tt.want {
				t.Errorf("Normalize not idempotent on %q: %q", tt.want, again)
			}
		})
	}
}
