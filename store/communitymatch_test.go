package store

import (
	"slices"
	"testing"
)

// jining are communities of 任城区 as the shipped campaign links them, and
// two whose names differ by one character, to show ambiguity.
var jining = []string{"古槐社区", "运河社区", "南池社区", "仙营社区", "观音阁社区", "越河社区", "洸河社区",
	"琵琶山社区", "红星社区", "阜桥社区", "东池社区"}

func TestMatchCommunity(t *testing.T) {
	tests := []struct {
		name        string
		words       string
		want        string
		exact       bool
		suggestions []string
	}{
		{"the name itself", "古槐社区", "古槐社区", true, nil},
		{"spaces, full width and quotes do not matter", " “古槐 社区” ", "古槐社区", true, nil},
		{"the name without 社区", "古槐", "古槐社区", false, nil},
		{"the residents' committee after the name", "古槐社区居委会", "古槐社区", true, nil},
		{"the committee after the bare name", "古槐居委会", "古槐社区", false, nil},
		{"the community service centre", "古槐社区服务中心", "古槐社区", true, nil},
		{"the full committee name", "运河社区居民委员会", "运河社区", true, nil},
		{"a known name inside longer words", "任城区古槐社区", "古槐社区", false, nil},
		{"the start of a name", "观音", "观音阁社区", false, nil},
		{"part of a name", "琵琶", "琵琶山社区", false, nil},
		{"a typo one character off", "古淮社区", "古槐社区", false, nil},
		{"a typo in a three-character stem", "观音格", "观音阁社区", false, nil},
		{"小区 for 社区 is one character off", "阜桥小区", "阜桥社区", false, nil},
		{"one character off two names is ambiguous", "北池社区", "", false, []string{"东池社区", "南池社区"}},
		{"an unknown name gets the closest", "古怪小区", "", false, []string{"古槐社区"}},
		{"a two-character typo without 社区 is only suggested", "古淮", "", false, []string{"古槐社区"}},
		{"suggestions closest first, at most three", "河", "", false, []string{"洸河社区", "越河社区", "运河社区"}},
		{"nothing alike has no suggestions", "太白湖", "", false, nil},
		{"bare 社区 names nothing", "社区", "", false, nil},
		{"empty names nothing", "  ", "", false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := MatchCommunity(tc.words, jining)
			if got.Name != tc.want || got.Exact != tc.exact {
				t.Errorf("MatchCommunity(%q) = %+v, want %q (exact %v)", tc.words, got, tc.want, tc.exact)
			}
			if tc.suggestions != nil && !slices.Equal(got.Suggestions, tc.suggestions) {
				t.Errorf("MatchCommunity(%q).Suggestions = %v, want %v", tc.words, got.Suggestions, tc.suggestions)
			}
			if got.Ambiguous != (tc.name == "one character off two names is ambiguous") {
				t.Errorf("MatchCommunity(%q).Ambiguous = %v", tc.words, got.Ambiguous)
			}
			if got.Name != "" && len(got.Suggestions) > 0 {
				t.Errorf("MatchCommunity(%q) both matched and suggested: %+v", tc.words, got)
			}
		})
	}
	t.Run("words inside two names suggest both, in code point order", func(t *testing.T) {
		got := MatchCommunity("运河", []string{"运河花园社区", "运河新村社区"})
		if got.Name != "" || !got.Ambiguous || !slices.Equal(got.Suggestions, []string{"运河新村社区", "运河花园社区"}) {
			t.Errorf("MatchCommunity = %+v", got)
		}
	})
	t.Run("nothing known matches nothing", func(t *testing.T) {
		if got := MatchCommunity("古槐社区", nil); got.Name != "" || len(got.Suggestions) != 0 {
			t.Errorf("MatchCommunity = %+v", got)
		}
	})
}

func TestCommunityInPlace(t *testing.T) {
	known := append(slices.Clone(jining), "古槐社区二区")
	tests := []struct{ place, want string }{
		{"古槐社区敬老院", "古槐社区"},
		{"古槐社区二区活动室", "古槐社区二区"},
		{"任城区运河社区卫生室", "运河社区"},
		{"ＡＢＣ 南池社区 广场", "南池社区"},
		{"市图书馆", ""},
		{"古槐敬老院", ""},
	}
	for _, tc := range tests {
		t.Run(tc.place, func(t *testing.T) {
			if got := CommunityInPlace(tc.place, known); got != tc.want {
				t.Errorf("CommunityInPlace(%q) = %q, want %q", tc.place, got, tc.want)
			}
		})
	}
}

func TestCommunityKeyAndValidation(t *testing.T) {
	for in, want := range map[string]string{
		"古槐社区居委会": "古槐社区", "王庄村委会": "王庄村", "Ａｌｐｈａ社区": "alpha社区", "古槐社区": "古槐社区",
		"居委会": "居委会",
	} {
		if got := CommunityKey(in); got != want {
			t.Errorf("CommunityKey(%q) = %q, want %q", in, got, want)
		}
	}
	if got := CommunityName(" 新兴社区居委会 "); got != "新兴社区" {
		t.Errorf("CommunityName = %q, want 新兴社区", got)
	}
	for name, ok := range map[string]bool{
		"古槐社区": true, "": false, "  ": false, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十": true,
		"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一": false,
	} {
		if err := ValidateCommunityName(name); (err == nil) != ok || (err != nil && ErrorCode(err) != EINVALID) {
			t.Errorf("ValidateCommunityName(%q) = %v, want ok %v", name, err, ok)
		}
	}
}
