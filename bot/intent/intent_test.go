package intent

import (
	"envoybot/store"
	"reflect"
	"slices"
	"testing"
	"time"
)

// fixedNow is the clock for every test: Sunday 29 November 2026, 10:00 in
// Shanghai, given in UTC so that Parse has to convert it.
var fixedNow = time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC).In(time.FixedZone("CST", 8*3600))

func reg(name, phone, community string, missing ...string) Result {
	return Result{Intent: Register, Name: name, Phone: phone, Community: community, Missing: missing}
}

func TestParse(t *testing.T) {
	help := Result{Intent: Help}
	unknown := Result{Intent: Unknown}
	full := reg("张三", "13812345678", "古槐社区")
	badPhone := Result{Intent: Register, Name: "张三", Community: "古槐社区", Problem: ProblemBadPhone}

	tests := []struct {
		name string
		text string
		want Result
	}{
		// help
		{"help keyword", "帮助", help},
		{"half-width question mark asks for help", "?", help},
		{"full-width question mark asks for help", "？", help},
		{"several question marks ask for help", "？？？", help},
		{"menu", "菜单", help},
		{"english help", "help", help},
		{"english help in capitals", "HELP", help},
		{"full-width english help", "ＨＥＬＰ", help},
		{"how to use", "怎么用", help},
		{"instructions", "使用说明", help},
		{"greeting alone asks for help", "你好", help},
		{"polite greeting alone asks for help", "您好！", help},
		{"hi alone asks for help", "hi", help},
		{"Hi with emoji asks for help", "Hi 👋", help},
		{"greeting with help request", "你好，帮助一下", help},
		{"polite how-to question", "请问怎么用？", help},
		{"help with surrounding spaces", "  帮助  ", help},
		{"help with a topic", "帮助 报名", help},
		{"help with zero-width space inside", "帮\u200b助", help},
		{"are you there", "在吗？", help},
		{"how-to about the account is help", "请问这个怎么用", Result{Intent: Help}},

		// register: canonical and reordered
		{"register canonical", "注册 张三 13812345678 古槐社区", full},
		{"register community first", "注册 古槐社区 13812345678 张三", full},
		{"register phone first", "注册 13812345678 古槐社区 张三", full},
		{"register full-width digits", "注册 张三 １３８１２３４５６７８ 古槐社区", full},
		{"register full-width spaces", "注册\u3000张三\u300013812345678\u3000古槐社区", full},
		{"register chinese commas", "注册，张三，13812345678，古槐社区", full},
		{"register enumeration commas", "注册、张三、13812345678、古槐社区", full},
		{"register semicolons and colon", "注册：张三；13812345678；古槐社区", full},
		{"register without any separator", "注册张三13812345678古槐社区", full},
		{"register on separate lines", "注册\n张三\n13812345678\n古槐社区", full},
		{"register with crlf and blank lines", "注册\r\n\r\n张三\r\n13812345678\r\n古槐社区\r\n", full},
		{"register with trailing full stop", "注册 张三 13812345678 古槐社区。", full},

		// register: phone spellings
		{"phone with spaces", "注册 张三 138 1234 5678 古槐社区", full},
		{"phone with dashes", "注册 张三 138-1234-5678 古槐社区", full},
		{"phone with full-width dashes", "注册 张三 138－1234－5678 古槐社区", full},
		{"phone with em dashes", "注册 张三 138—1234—5678 古槐社区", full},
		{"phone with +86", "注册 张三 +86 13812345678 古槐社区", full},
		{"phone with +86 glued", "注册 张三 +8613812345678 古槐社区", full},
		{"phone with 86", "注册 张三 8613812345678 古槐社区", full},
		{"phone with 0086", "注册 张三 008613812345678 古槐社区", full},
		{"phone with 19x prefix", "注册 张三 19912345678 古槐社区", reg("张三", "19912345678", "古槐社区")},

		// register: politeness and synonyms
		{"polite register", "你好，我想注册：张三，13812345678，古槐社区，谢谢", full},
		{"i want to register", "我要注册 张三 13812345678 古槐社区", full},
		{"register with thanks and emoji", "注册 张三 13812345678 古槐社区 谢谢🙏", full},
		{"enrol synonym", "登记 张三 13812345678 古槐社区", full},
		{"register as volunteer", "注册志愿者 张三 13812345678 古槐社区", full},
		{"please help me register", "麻烦帮我注册一下：张三 13812345678 古槐社区", full},
		{"register with capital greeting", "Hello，注册 张三 13812345678 古槐社区", full},

		// register: labels
		{"labelled fields glued", "注册 姓名张三 手机13812345678 社区古槐社区", full},
		{"labelled fields with colons", "注册 姓名：张三 手机：13812345678 社区：古槐社区", full},
		{"labelled fields without spaces", "注册姓名张三手机13812345678社区古槐社区", full},
		{"labelled fields in other order", "注册 社区：古槐社区 姓名：张三 电话：13812345678", full},
		{"labels on separate lines", "注册\n姓名：张三\n手机号码：13812345678\n所在社区：古槐社区", full},
		{"self introduction", "注册 我叫张三 手机号是13812345678 我是古槐社区的", full},
		{"community label makes short community", "注册 张三 13812345678 社区：古槐", reg("张三", "13812345678", "古槐")},

		// register: names and communities
		{"minority name with middle dot", "注册 买买提·艾力 13812345678 古槐社区", reg("买买提·艾力", "13812345678", "古槐社区")},
		{"minority name with katakana dot", "注册 阿依古丽・买买提 13812345678 古槐社区", reg("阿依古丽·买买提", "13812345678", "古槐社区")},
		{"compound surname", "注册 欧阳晓明 13812345678 古槐社区", reg("欧阳晓明", "13812345678", "古槐社区")},
		{"village", "注册 李四 13912345678 王家村", reg("李四", "13912345678", "王家村")},
		{"street", "注册 李四 13912345678 古槐街道", reg("李四", "13912345678", "古槐街道")},
		{"residents committee", "注册 李四 13912345678 红星居委会", reg("李四", "13912345678", "红星居委会")},
		{"estate with a number", "注册 李四 13912345678 幸福里1号小区", reg("李四", "13912345678", "幸福里1号小区")},
		{"community without suffix in form order", "注册 张三 13812345678 古槐", reg("张三", "13812345678", "古槐")},

		// register: half understood
		{"register alone", "注册", reg("", "", "", FieldName, FieldPhone, FieldCommunity)},
		{"register with name only", "注册 张三", reg("张三", "", "", FieldPhone, FieldCommunity)},
		{"register without phone", "注册 张三 古槐社区", reg("张三", "", "古槐社区", FieldPhone)},
		{"register without name", "注册 13812345678 古槐社区", reg("", "13812345678", "古槐社区", FieldName)},
		{"register with latin name", "注册 Tom 13812345678 古槐社区", reg("", "13812345678", "古槐社区", FieldName)},
		{"asking how to register", "怎么注册？", reg("", "", "", FieldName, FieldPhone, FieldCommunity)},
		{"asking how registering works", "注册怎么弄", reg("", "", "", FieldName, FieldPhone, FieldCommunity)},
		{"phone too short", "注册 张三 1381234567 古槐社区", badPhone},
		{"phone too long", "注册 张三 138123456789 古槐社区", badPhone},
		{"phone not a mobile prefix", "注册 张三 12812345678 古槐社区", badPhone},
		{"landline is not a mobile", "注册 张三 0537-2345678 古槐社区", badPhone},
		{"bad phone and no community", "注册 张三 1381234", Result{Intent: Register, Name: "张三", Problem: ProblemBadPhone, Missing: []string{FieldCommunity}}},
		{"first of two mobiles", "注册 张三 13812345678 13912345678 古槐社区", full},

		// unknown
		{"empty message", "", unknown},
		{"only spaces", " \u3000 ", unknown},
		{"thanks alone", "谢谢", unknown},
		{"small talk", "今天天气不错", unknown},
		{"help for the elderly is not help", "帮助老人", unknown},
		{"deregistration is not registration", "注销", Result{Intent: DeleteAccount}},
		{"signup is not registration", "报名 A12", Result{Intent: Signup, Activity: "A12"}},
		{"polite signup is not registration", "你好，我想报名A12，谢谢", Result{Intent: Signup, Activity: "A12"}},
		{"check-in is not registration", "签到 A12", Result{Intent: Checkin, Activity: "A12"}},
		{"my hours is not registration", "我的时长", Result{Intent: MyHours}},
		{"bind is not registration", "绑定 8H3K2Q", Result{Intent: Bind, Code: "8H3K2Q"}},
		{"details without command", "张三 13812345678 古槐社区", unknown},
		{"latin word starting with hi", "history", unknown},
		{"latin word starting with help", "helpful", unknown},
		{"picture placeholder", "[图片]", unknown},
		{"invalid utf-8", "\xff\xfe注\xc3", unknown},
		{"the next page", "更多。", Result{Intent: More}},
		{"the next page politely", "请 下一页", Result{Intent: More}},
		{"dashboard link", "登录后台", Result{Intent: AdminLogin}},
		{"attendance confirmed", "确认参加 A12", Result{Intent: ConfirmAttendance, Activity: "A12"}},
		{"attendance confirmed glued", "确认参加a12", Result{Intent: ConfirmAttendance, Activity: "A12"}},
		{"broadcast to the own community", "群发 周六上午义诊，欢迎参加", Result{Intent: Broadcast, Description: "周六上午义诊,欢迎参加"}},
		{"broadcast naming a community", "群发 北关社区 周六义诊", Result{Intent: Broadcast, Community: "北关社区", Description: "周六义诊"}},
		{"broadcast confirmed", "确认群发", Result{Intent: ConfirmBroadcast}},
		{"urgent recruitment", "紧急招募 A12", Result{Intent: UrgentRecruit, Activity: "A12"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.text, fixedNow)
			if !reflect.DeepEqual(got, withRecurrence(t, tt.want)) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
			}
		})
	}
}

func TestAllHoldsEveryIntentOnce(t *testing.T) {
	if len(All) != 51 {
		t.Errorf("len(All) = %d, want 51", len(All))
	}
	seen := map[string]bool{}
	for _, name := range All {
		if seen[name] {
			t.Errorf("%q listed twice", name)
		}
		seen[name] = true
	}
	for _, name := range []string{Help, Register, Unknown, DeleteAccount, PublishLecture, More, AdminLogin} {
		if !slices.Contains(All, name) {
			t.Errorf("All lacks %q", name)
		}
	}
}

func TestKeywordsAreMatchedLongestFirst(t *testing.T) {
	for i := 1; i < len(keywordIndex); i++ {
		if len(keywordIndex[i].keyword) > len(keywordIndex[i-1].keyword) {
			t.Fatalf("keyword %q after shorter %q", keywordIndex[i].keyword, keywordIndex[i-1].keyword)
		}
	}
}

func TestKeywordsBelongToOneCommand(t *testing.T) {
	seen := map[string]*command{}
	for _, e := range keywordIndex {
		if c, ok := seen[e.keyword]; ok && c != e.cmd {
			t.Errorf("keyword %q starts two commands", e.keyword)
		}
		seen[e.keyword] = e.cmd
	}
}

// withRecurrence fills in the structural rule a recurring lecture's
// description says in words: the two must agree.
func withRecurrence(t *testing.T, want Result) Result {
	t.Helper()
	if want.Intent != PublishLecture || want.Description == "" || len(want.Occurrences) == 0 {
		return want
	}
	r, err := store.ParseRecurrenceText(want.Description)
	if err != nil {
		t.Fatalf("expected description: %v", err)
	}
	want.Recurrence = &r
	return want
}

// TestNegationDoesNothing: a message that says not to delete or cancel is
// never read as the deletion or cancellation, and a question about one is
// not the command.
func TestNegationDoesNothing(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, text := range []string{
		"千万别注销我的账号", "我不想删除我的信息", "不要取消报名", "别取消我的报名啊", "取消活动的话会通知我吗",
		"不要取消活动A3", "我没想退出",
	} {
		switch got := Parse(text, now).Intent; got {
		case DeleteAccount, Cancel, CancelActivity, CancelLecture, Signup:
			t.Errorf("Parse(%q) = %s, want no command", text, got)
		}
	}
	for text, want := range map[string]string{"我不参加了A3": Cancel, "不要再给我发讲座通知了": Unsubscribe, "注销": DeleteAccount} {
		if got := Parse(text, now).Intent; got != want {
			t.Errorf("Parse(%q) = %s, want %s", text, got, want)
		}
	}
}
