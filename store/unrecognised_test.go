package store

import (
	"slices"
	"strings"
	"testing"
)

func TestMaskDigits(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"masks a mobile", "我的电话13812345678", "我的电话138****5678"},
		{"masks a mobile typed in groups", "电话 138 1234 5678 或 139-8765-4321", "电话 138****5678 或 139****4321"},
		{"masks a mobile after +86", "+86 138 1234 5678", "+86 138****5678"},
		{"masks an 18-character ID card number", "身份证370802199001011234", "身份证370***********1234"},
		{"masks an ID card number ending in x", "37080219900101123x号", "370***********123x号"},
		{"masks a 15-digit ID card number", "370802900101123", "370********1123"},
		{"masks an ID card number typed in groups", "370802 19900101 1234", "370***********1234"},
		{"masks a mistyped mobile", "1381234567 和 138123456789", "138*****67 和 138*****6789"},
		{"masks a landline", "电话0537-2345678", "电话0537-234**78"},
		{"keeps codes, dates and times", "报名A12 12月5日 14:00-16:00 名额20", "报名A12 12月5日 14:00-16:00 名额20"},
		{"keeps a code beside a mobile apart", "A12 13812345678", "A12 138****5678"},
		{"keeps short numbers in groups", "1 2 3 4", "1 2 3 4"},
		{"leaves empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MaskDigits(tc.in); got != tc.want {
				t.Errorf("MaskDigits(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNameCandidates(t *testing.T) {
	t.Run("stretches of letters between digits and punctuation", func(t *testing.T) {
		got := NameCandidates("张三丰,A12 李四")
		want := []string{"张三", "张三丰", "三丰", "李四"}
		if !slices.Equal(got, want) {
			t.Errorf("NameCandidates = %q, want %q", got, want)
		}
	})
	t.Run("minority names with a dot and at most 12 runes", func(t *testing.T) {
		got := NameCandidates("阿依古丽·买买提")
		if !slices.Contains(got, "阿依古丽·买买提") {
			t.Errorf("NameCandidates lacks the whole name: %q", got)
		}
		for _, c := range NameCandidates(strings.Repeat("长", 300)) {
			if n := len([]rune(c)); n < 2 || n > 12 {
				t.Fatalf("candidate of %d runes", n)
			}
		}
	})
	t.Run("a text of n runes gives at most 11n candidates", func(t *testing.T) {
		var b strings.Builder
		for i := range 200 {
			b.WriteRune(rune(0x4e00 + i))
		}
		if n := len(NameCandidates(b.String())); n > 11*200 {
			t.Errorf("%d candidates", n)
		}
	})
}

func TestRemoveNames(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		names    []string
		want     string
	}{
		{"replaces every occurrence", "张三叫张三来", []string{"张三"}, "某某叫某某来"},
		{"longer names first", "张三丰和张三", []string{"张三", "张三丰"}, "某某和某某"},
		{"no names, no change", "你好", nil, "你好"},
		{"ignores one-rune names", "王说", []string{"王"}, "王说"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RemoveNames(tc.in, tc.names); got != tc.want {
				t.Errorf("RemoveNames(%q, %q) = %q, want %q", tc.in, tc.names, got, tc.want)
			}
		})
	}
}

func TestTruncateRunes(t *testing.T) {
	if got := TruncateRunes("一二三四", 2); got != "一二" {
		t.Errorf("TruncateRunes = %q", got)
	}
	if got := TruncateRunes("ab", 5); got != "ab" {
		t.Errorf("TruncateRunes = %q", got)
	}
}

func TestMaskUnrecognised(t *testing.T) {
	registered := func(cs []string) ([]string, error) {
		var found []string
		for _, c := range cs {
			if c == "张三" || c == "欧阳娜娜" {
				found = append(found, c)
			}
		}
		return found, nil
	}
	t.Run("masks numbers and removes registered names", func(t *testing.T) {
		got, err := MaskUnrecognised(" 我是张三 电话13812345678 找欧阳娜娜 ", registered)
		if want := "我是某某 电话138****5678 找某某"; err != nil || got != want {
			t.Errorf("MaskUnrecognised = %q, %v; want %q", got, err, want)
		}
	})
	t.Run("caps the text and bounds the candidates", func(t *testing.T) {
		var asked int
		got, _ := MaskUnrecognised(strings.Repeat("张三说", 1000), func(cs []string) ([]string, error) {
			asked = len(cs)
			return registered(cs)
		})
		if n := len([]rune(got)); n != UnrecognisedMaxRunes || strings.Contains(got, "张三") {
			t.Errorf("kept %d runes, names left: %v", n, strings.Contains(got, "张三"))
		}
		if asked > 11*(UnrecognisedMaxRunes+nameMaxRunes) {
			t.Errorf("%d candidates asked", asked)
		}
	})
	t.Run("a lookup error is returned", func(t *testing.T) {
		if _, err := MaskUnrecognised("张三", func([]string) ([]string, error) { return nil, Errorf(EUNAVAILABLE, "down") }); err == nil {
			t.Error("no error")
		}
	})
}
