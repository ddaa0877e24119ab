package intent

import (
	"encoding/json"
	"slices"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"帮助", "?", "你好，帮助一下", "注册 张三 13812345678 古槐社区",
		"你好，我想注册：张三，１３８１２３４５６７８，古槐社区，谢谢",
		"注册姓名张三手机+86 138-1234-5678社区古槐社区", "注册 买买提·艾力 13812345678 王家村",
		"注册 张三 1381234567", "报名 A12", "\xff注册\xfe", "注\u200b册\ufe0f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r := Parse(text, fixedNow)
		if !slices.Contains(All, r.Intent) {
			t.Fatalf("Parse(%q).Intent = %q, not in All", text, r.Intent)
		}
		if r.Phone != "" && !isElevenDigits(r.Phone) {
			t.Fatalf("Parse(%q).Phone = %q, not 11 digits", text, r.Phone)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("Parse(%q): marshal: %v", text, err)
		}
		var back Result
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("Parse(%q): unmarshal %s: %v", text, b, err)
		}
		for _, s := range []string{r.Name, r.Community} {
			if !utf8.ValidString(s) {
				t.Fatalf("Parse(%q): invalid UTF-8 field %q", text, s)
			}
		}
		n := Normalize(text)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q, invalid UTF-8", text, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: %q → %q → %q", text, n, again)
		}
		if Parse(n, fixedNow).Intent != r.Intent {
			t.Fatalf("Parse(%q) and Parse(Normalize) disagree", text)
		}
	})
}

func isElevenDigits(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
