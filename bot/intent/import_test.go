package intent

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// realPaste is a 接龙 as WeChat groups paste it: header, title, the 例
// line, mixed numbering, notes, mobiles typed every way, a community.
const realPaste = "#接龙\n12月5日敬老院包饺子\n例 张三 138xxxx\n" +
	"1. 李秀英 13812345678\n2. 王建国（带家属1人）\n3、赵六 139 0537 1234\n4. 孙丽 15853712345 古槐社区\n5 周 强"

var realPasteEntries = []ImportEntry{
	{Name: "李秀英", Phone: "13812345678"}, {Name: "王建国", Companions: 1}, {Name: "赵六", Phone: "13905371234"},
	{Name: "孙丽", Phone: "15853712345"}, {Name: "周强"},
}

func TestImportEntries(t *testing.T) {
	tests := []struct {
		name, text string
		want       []ImportEntry
	}{
		{"a real paste below the command", "导入 A12\n" + realPaste, realPasteEntries},
		{"the list first, the command below it", realPaste + "\n导入 A12", realPasteEntries},
		{"numbering 1. 1、 1 ① and glued", "导入 A12\n1. 张三\n2、李四\n3 王五\n④赵六\n5.钱七\n6)孙八",
			[]ImportEntry{{Name: "张三"}, {Name: "李四"}, {Name: "王五"}, {Name: "赵六"}, {Name: "钱七"}, {Name: "孙八"}}},
		{"mobiles with spaces, dashes, +86, brackets and glued", "导入 A12\n1. 张三 138-1234-5678\n2. 李四 +86 139 0537 1234\n3. 王五(15853712345)\n4.刘洋15165781234\n5. 韩雪 +8617861234567",
			[]ImportEntry{{Name: "张三", Phone: "13812345678"}, {Name: "李四", Phone: "13905371234"}, {Name: "王五", Phone: "15853712345"}, {Name: "刘洋", Phone: "15165781234"}, {Name: "韩雪", Phone: "17861234567"}}},
		{"full-width digits, numbering and code", "导入 Ａ１２\n＃接龙\n１．陈思雨 １３８１２３４５６７８\n２．韩雪",
			[]ImportEntry{{Name: "陈思雨", Phone: "13812345678"}, {Name: "韩雪"}}},
		{"家属 and 带 notes are no names; a count is companions", "导入 A12\n1. 张桂兰 +家属1人\n2. 马玉梅（带孙子）\n3. 李建国 13863726651 家属2人\n4. 孔祥东带孙子\n5. 赵六+1\n6. 孙八 2人",
			[]ImportEntry{{Name: "张桂兰", Companions: 1}, {Name: "马玉梅"}, {Name: "李建国", Phone: "13863726651", Companions: 2}, {Name: "孔祥东"}, {Name: "赵六", Companions: 1}, {Name: "孙八"}}},
		{"emoji, check marks and 已 notes", "导入 A12\n1. 孔祥东🌹\n2. 王芳 ✅\n3. 周敏 已报\n4. 吴建华 13792345678 (学生家长)\n5. 😊李娜",
			[]ImportEntry{{Name: "孔祥东"}, {Name: "王芳"}, {Name: "周敏"}, {Name: "吴建华", Phone: "13792345678"}, {Name: "李娜"}}},
		{"community words, before, after or glued", "导入 A12\n1. 古槐社区 张三\n2. 李四 北关社区\n3. 古槐社区王五 13800000003",
			[]ImportEntry{{Name: "张三"}, {Name: "李四"}, {Name: "王五", Phone: "13800000003"}}},
		{"labels are no names", "导入 A12\n1. 姓名：王芳，手机：15053712345\n2. 电话 13912345678 马玉梅",
			[]ImportEntry{{Name: "王芳", Phone: "15053712345"}, {Name: "马玉梅", Phone: "13912345678"}}},
		{"a line with only a mobile", "导入 A12\n1. 13812345678\n2. 张三",
			[]ImportEntry{{Phone: "13812345678"}, {Name: "张三"}}},
		{"two people on one line, each with a mobile", "导入 A12\n1. 张三 13812345678，李四 13912345678\n2. 王五、赵六",
			[]ImportEntry{{Name: "张三", Phone: "13812345678"}, {Name: "李四", Phone: "13912345678"}, {Name: "王五"}, {Name: "赵六"}}},
		{"one person with an address after a comma", "导入 A12\n1. 张三, 3号楼2单元, 13812345678",
			[]ImportEntry{{Name: "张三", Phone: "13812345678"}}},
		{"a mobile that is no mobile is dropped, the name kept", "导入 A12\n1. 张三 1381234567\n2. 李四 05371234567",
			[]ImportEntry{{Name: "张三"}, {Name: "李四"}}},
		{"a list pasted on one line", "导入 A12 #接龙 1. 张三 2. 李四 13812345678 3. 王五",
			[]ImportEntry{{Name: "张三"}, {Name: "李四", Phone: "13812345678"}, {Name: "王五"}}},
		{"empty entries and blank lines", "导入 A12\n#接龙\n\n1. \n2. 张三\n\n3.",
			[]ImportEntry{{Name: "张三"}}},
		{"politeness around the command", "麻烦导入A22的接龙\n#接龙\n1. 张伟\n2. 周敏 谢谢",
			[]ImportEntry{{Name: "张伟"}, {Name: "周敏"}}},
		{"a list sent alone, without its command", "1. 张三\n2. 李四 13812345678",
			[]ImportEntry{{Name: "张三"}, {Name: "李四", Phone: "13812345678"}}},
		{"the list right after the command on its line", "导入 A12 1. 张三\n2. 李四",
			[]ImportEntry{{Name: "张三"}, {Name: "李四"}}},
		{"no list", "导入 A12", nil},
		{"companions on a line count", "导入 A12\n1. 张三 +1\n2. 李四（家属2人）\n3. 王五+家属1人\n4. 赵六 13812345678 带2人\n5. 钱七（带家属）",
			[]ImportEntry{{Name: "张三", Companions: 1}, {Name: "李四", Companions: 2}, {Name: "王五", Companions: 1}, {Name: "赵六", Phone: "13812345678", Companions: 2}, {Name: "钱七"}}},
		{"a +86 mobile brings nobody", "导入 A12\n1. 张三 +8613812345678",
			[]ImportEntry{{Name: "张三", Phone: "13812345678"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ImportEntries(tt.text)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ImportEntries(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
			}
			for _, e := range got {
				if strings.ContainsFunc(e.Name, unicode.IsDigit) || looksLikeCommunity(e.Name) || strings.ContainsAny(e.Name, " ()（）+") {
					t.Errorf("name %q holds more than a name", e.Name)
				}
				if e.Phone != "" && len(e.Phone) != 11 {
					t.Errorf("mobile %q is not 11 digits", e.Phone)
				}
			}
		})
	}
}

// TestImportParseKeepsItsShape pins the parse of an import: intent,
// activity and names, one per person, as before ImportEntries existed.
func TestImportParseKeepsItsShape(t *testing.T) {
	tests := []struct {
		name, text string
		want       Result
	}{
		{"a real paste", "导入 A12\n" + realPaste,
			Result{Intent: Import, Activity: "A12", Names: []string{"李秀英 13812345678", "王建国", "赵六 13905371234", "孙丽 15853712345", "周强"}}},
		{"the command below the list", realPaste + "\n导入 a12",
			Result{Intent: Import, Activity: "A12", Names: []string{"李秀英 13812345678", "王建国", "赵六 13905371234", "孙丽 15853712345", "周强"}}},
		{"only mobiles still make a list", "导入 A12\n1. 13812345678",
			Result{Intent: Import, Activity: "A12", Names: []string{"13812345678"}}},
		{"the list starting on the command line", "导入 A12 1. 张三\n2. 李四",
			Result{Intent: Import, Activity: "A12", Names: []string{"张三", "李四"}}},
		{"a time on the command line is no person", "导入A12 14:00\n1. 张三",
			Result{Intent: Import, Activity: "A12", Names: []string{"张三"}}},
		{"a title line with a code is no command", "#接龙\nA12 周六包饺子\n1. 张三",
			Result{Intent: Import, Names: []string{"张三"}, Missing: []string{FieldActivity}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.text, fixedNow)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
			}
		})
	}
}

// FuzzImportEntries checks, on any text, that entries keep names and
// mobiles apart: no digits in a name, a mobile of 11 digits or none.
func FuzzImportEntries(f *testing.F) {
	for _, s := range []string{"导入 A12\n" + realPaste, realPaste, "导入 A12 #接龙 1. 张三 2. 李四 13812345678", "1. (138 1234 5678", "①"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, e := range ImportEntries(text) {
			if e.Name == "" && e.Phone == "" {
				t.Fatalf("ImportEntries(%q): an empty entry", text)
			}
			if strings.ContainsAny(e.Name, "0123456789") {
				t.Fatalf("ImportEntries(%q): name %q holds digits", text, e.Name)
			}
			if _, ok := mobile(e.Phone); e.Phone != "" && !ok {
				t.Fatalf("ImportEntries(%q): mobile %q", text, e.Phone)
			}
		}
	})
}
