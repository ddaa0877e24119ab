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
		"你好，我想报名A12，谢谢", "报名 a 12 张三 13812345678", "A12不去了", "取消讲座 L3",
		"退出", "我的报名", "我的服务时长是多少", "签到 Ａ１２", "签退", "讲座 古槐社区",
		"订阅 古槐社区的讲座通知", "取消订阅", "活动 心理疏导", "绑定 8h3 k2q", "联系点：古槐社区",
		"建队 古槐银发志愿队 古槐社区", "入队 t3", "加入群聊",
		"发布活动 敬老院包饺子 12月5日 14:00-16:00 古槐社区敬老院 关爱困难群体 名额20",
		"发布活动\n活动名称：敬老院包饺子\n时间：十二月五日 下午两点到四点\n地点：古槐社区敬老院\n名额：二十",
		"发布活动 广场舞 2月30日 25:00-99:99 古槐社区", "发布活动 x 12.5 3点半 限一百零五人",
		"发布讲座 法律知识讲座 每月第一个周六 9:30 古槐社区活动室", "发布讲座 x 每月最后一个周五 晚上7点",
		"发布讲座 x 每月三十二号 19:00", "发布讲座 x 每周日 15:00", "活动签到 A12", "确认工时a12",
		"品牌 银发守护 为空巢老人提供上门陪伴", "导入 A12\n#接龙\n1. 张三\n2、李四 13812345678\n3 王五（带家属）",
		"导入 A12 #接龙 1. 张三 2. 李四", "#接龙\n12月5日\n1.", "进度", "注销账号", "A12，报名，张三",
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
