package handlers

// RequestCatalogue is the Chinese of help requests (issue 15), in one
// place for review.
type RequestCatalogue struct {
	FieldNames, Examples                                       map[string]string
	Ask, DraftKept, BadTime, BadContact, TooMany, Invalid      string
	BadOwnContact, NoContact, NoContactForVolunteer            string
	Summary, Filed, FiledFor                                   string
	ToldEnvoysAndTeams, ToldEnvoys, ToldAdmins, NewNotice      string
	WhichRequest, NotFound, AlreadyTaken, NotOpen              string
	Taken, Assigned, TakenNotice, AssignedNotice               string
	ResidentLine, ResidentLineFor                              string
	NoSuchVolunteer, SeveralVolunteers, NotYourCommunity       string
	CheckedIn, CheckedOut, NotYours, NotTakenYet, NotCheckedIn string
	AlreadyIn, AlreadyOut, DoneNotice, ConfirmNotice           string
	ConfirmNotDone, AlreadyConfirmed, Confirmed, HoursNotice   string
	RateHow, NotRater, AlreadyRated, RateNotDone, Rated        string
	Cancelled                                                  string
}

// RequestText is the catalogue of help requests.
var RequestText = RequestCatalogue{
	FieldNames:            map[string]string{"need": "需要什么帮助", "community": "所在社区", "wished": "希望的时间", "name": "居民姓名", "phone": "居民的联系电话"},
	Examples:              map[string]string{"need": "家里老人想理发", "name": "王奶奶", "phone": "13812345678"},
	Ask:                   "还差%s，请回复例如“%s”",
	DraftKept:             "（已记下前面的内容，10分钟内回复即可；回复“取消”就不提交了）",
	BadTime:               "这个时间已经过去了或不存在，请说一个以后的时间，例如“%s”，或“尽快”。",
	BadContact:            "联系电话好像不对，请填写11位手机号，例如：\n代办 求助 王奶奶 13812345678 想理发 古槐社区 周六上午",
	BadOwnContact:         "联系电话好像不对，请填写11位手机号，或不写电话，例如：\n求助 家里老人想理发 古槐社区 周六上午 电话13812345678",
	NoContact:             "您没有留联系电话，志愿者上门前无法联系您；可以再发一次并写上电话，例如“求助 … 电话13812345678”，或告诉社区的和谐使者。",
	NoContactForVolunteer: "居民没有留电话，需要时请找社区的和谐使者",
	TooMany:               "您还有%d条求助没有人接单，请等一等；着急的话可以联系社区的和谐使者。",
	Invalid:               "这条求助内容太长或不完整，请简短地重新发送，例如：\n%s",

	Summary:  "%s（%s，%s）",
	Filed:    "已收到您的求助 %s：%s。\n%s有人接单后会告诉您谁来、什么时候来。",
	FiledFor: "已为%s（%s）登记求助 %s：%s。\n%s有人接单后会通知您，请转告居民。",

	ToldEnvoysAndTeams: "已通知%s的和谐使者%s和志愿队（%d人）。",
	ToldEnvoys:         "已通知%s的和谐使者%s。",
	ToldAdmins:         "%s暂时没有和谐使者，已转给管理员安排。",
	NewNotice:          "新的居民求助 %s：%s。\n能帮忙请回复“接单 %s”；和谐使者也可回复“派单 %s 志愿者姓名”。",

	WhichRequest: "请写上求助编号，例如：%s",
	NotFound:     "没有找到求助 %s，请核对编号。",
	AlreadyTaken: "求助 %s 已经有人接单了，谢谢您！",
	NotOpen:      "求助 %s 已完成或已撤销，不能再接单。",

	Taken:          "接单成功：%s %s。\n%s\n到达后回复“签到 %s”，服务结束回复“签退 %s”。",
	Assigned:       "已把求助 %s 派给%s，已通知志愿者和居民。",
	TakenNotice:    "您的求助 %s（%s）有人接单了：志愿者%s，时间：%s。如需改时间，请直接联系志愿者。",
	AssignedNotice: "和谐使者把求助 %s 派给了您：%s。\n%s\n到达后回复“签到 %s”，服务结束回复“签退 %s”。",

	ResidentLine:    "居民：%s，联系方式：%s",
	ResidentLineFor: "居民：%s，联系电话：%s（由%s代办）",

	NoSuchVolunteer:   "没有找到%s的志愿者“%s”。请核对姓名或手机号（只能派给本社区注册的志愿者），例如：派单 R12 13812345678",
	SeveralVolunteers: "“%s”有重名，请用手机号派单，例如：派单 %s 13812345678",
	NotYourCommunity:  "求助 %s 属于%s，只有该社区的和谐使者或管理员可以操作。",

	CheckedIn:    "已签到求助 %s（%s）。服务结束后回复“签退 %s”。",
	CheckedOut:   "已签退求助 %s，服务时长%s小时，待和谐使者确认。谢谢您！",
	NotYours:     "求助 %s 不是您接的单。",
	NotTakenYet:  "求助 %s 还没有人接单（或已撤销）。要接单请回复“接单 %s”。",
	NotCheckedIn: "您还没有签到求助 %s，请先回复“签到 %s”。",
	AlreadyIn:    "您已签到过求助 %s，服务结束后回复“签退 %s”。",
	AlreadyOut:   "您已签退过求助 %s，无需重复签退。",

	DoneNotice:    "求助 %s（%s）已由志愿者%s完成服务。请为这次服务打分（1-5分），例如回复：评价 %s 5 很满意",
	ConfirmNotice: "求助 %s（%s）志愿者%s已签退，服务时长%s小时。请回复“确认时长 %s”确认。",

	ConfirmNotDone:   "求助 %s 还没有完成（志愿者签退后才能确认时长）。",
	AlreadyConfirmed: "求助 %s 的时长已经确认过了。",
	Confirmed:        "已确认求助 %s：%s服务%s小时。",
	HoursNotice:      "您在求助 %s（%s）的服务时长%s小时已确认，计入“%s”。回复“我的积分”查看积分和星级。",

	RateHow:      "请写上求助编号和分数（1-5分），例如：评价 R12 5 很满意",
	NotRater:     "只有提出求助 %s 的居民或代办人可以评价。",
	AlreadyRated: "求助 %s 已经评价过了，谢谢您！",
	RateNotDone:  "求助 %s 的服务还没有完成，完成后再评价吧。",
	Rated:        "谢谢您的评价！求助 %s：%s",
	Cancelled:    "好的，这条求助不提交了。",
}
