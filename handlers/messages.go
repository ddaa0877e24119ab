package handlers

// Every sentence envoybot says in chat lives here, so that it can be read
// and changed in one place.

// Text is the message catalogue.
var Text = struct {
	Busy, Welcome, WelcomeBack, Unsupported, Image, Location, MenuUnknown, ScanUnknown string
	Unknown, NotYet                                                                    string
	HelpResident, HelpVolunteer, HelpEnvoy, HelpAdmin                                  string
	RegisterForm, RegisterMissing, RegisterBadPhone, RegisterBadName                   string
	Registered, RegisterUpdated                                                        string
	FieldNames                                                                         map[string]string
}{
	Busy:        "系统繁忙，请稍后再试。",
	Welcome:     "欢迎关注“让社区更美好——和谐使者在行动”！\n回复“注册 姓名 手机号 社区”成为志愿者，例如：\n注册 张三 13812345678 古槐社区\n回复“帮助”查看全部功能。",
	WelcomeBack: "欢迎回来！回复“帮助”查看可用功能。",
	Unsupported: "暂时只能看懂文字消息。回复“帮助”查看可用功能。",
	Image:       "已收到图片。回复“帮助”查看可用功能。",
	Location:    "已收到您的位置。",
	MenuUnknown: "这个菜单暂不可用，回复“帮助”查看可用功能。",
	ScanUnknown: "这个二维码暂时无法识别，回复“帮助”查看可用功能。",
	Unknown:     "抱歉，没看懂这条消息。\n注册志愿者请回复：注册 张三 13812345678 古槐社区\n回复“帮助”查看全部功能。",
	NotYet:      "这个功能即将开放，敬请期待。回复“帮助”查看现在可用的功能。",

	HelpResident: "【让社区更美好——和谐使者在行动】\n" +
		"· 注册志愿者：注册 姓名 手机号 社区\n  例：注册 张三 13812345678 古槐社区\n" +
		"· 帮助：回复“帮助”或“?”",
	HelpVolunteer: "【志愿者帮助】您已注册为志愿者。\n" +
		"· 修改资料：注册 姓名 手机号 社区\n" +
		"· 帮助：回复“帮助”或“?”",
	HelpEnvoy: "【和谐使者帮助】\n" +
		"· 登记资料：注册 姓名 手机号 社区\n" +
		"· 帮助：回复“帮助”或“?”",
	HelpAdmin: "【管理员帮助】\n" +
		"· 登记资料：注册 姓名 手机号 社区\n" +
		"· 帮助：回复“帮助”或“?”",

	RegisterForm:     "注册 张三 13812345678 古槐社区",
	RegisterMissing:  "注册还缺少：%s。\n请按这个格式发送：\n注册 张三 13812345678 古槐社区",
	RegisterBadPhone: "手机号好像不对，请填写11位手机号，例如：\n注册 张三 13812345678 古槐社区",
	RegisterBadName:  "姓名好像不对，请填写真实姓名，例如：\n注册 张三 13812345678 古槐社区",
	Registered:       "注册成功！\n姓名：%s\n手机：%s\n社区：%s\n欢迎加入志愿者队伍，回复“帮助”查看可用功能。",
	RegisterUpdated:  "资料已更新。\n姓名：%s\n手机：%s\n社区：%s",

	FieldNames: map[string]string{
		"name": "姓名", "phone": "手机号", "community": "社区", "activity": "活动编号",
		"code": "邀请码", "team": "队伍", "title": "标题", "start": "时间", "place": "地点",
	},
}
