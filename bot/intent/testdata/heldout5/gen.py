# Writes messages.jsonl (data only). Checks ids, the now range, duplicate texts and the
# missing-field order, and prints the counts per intent and per role.
import json, datetime as dt, collections, os

WD = "一二三四五六日"
PART = {"上午": 9, "下午": 14, "晚上": 19}

def W(m, d, when=None, y=2027):
    """wished (as the reply shows it) and start for a request's wished time."""
    day = dt.date(y, m, d)
    label = f"{m}月{d}日(周{WD[day.weekday()]})"
    if when is None:                      # a whole day: no window start
        return {"wished": label}
    if when in PART:
        h, mi = PART[when], 0
        label += when
    else:
        h, mi = map(int, when.split(":"))
        label += f"{h:02d}:{mi:02d}"
    return {"wished": label, "start": f"{y}-{m:02d}-{d:02d}T{h:02d}:{mi:02d}:00+08:00"}

ASAP = {"wished": "尽快"}
rows = []
def add(role, now, text, want, why):
    rows.append(dict(role=role, now=now + ":00+08:00", text=text, want=want, why=why))

def rh(**kw):
    return dict(intent="request_help", **kw)
def rf(**kw):
    return dict(intent="request_for", **kw)

# ---------------- request_help ----------------
add("resident", "2027-03-02T09:10", "求助 老伴想理个发 古槐社区 周六上午",
    rh(description="老伴想理个发", community="古槐社区", **W(3, 6, "上午")),
    "the contract's form with another need; bare 周六 sent on Tuesday is this coming Saturday 3月6日, 上午 starts 9:00")
add("resident", "2027-03-03T20:15", "求助，帮忙买药，运河社区，越快越好",
    rh(description="帮忙买药", community="运河社区", **ASAP),
    "full-width commas between the fields; 越快越好 is shown as 尽快 (contract example)")
add("resident", "2027-03-04T10:20", "喂你好我想求助一下我家老太太八十多了腿脚不好想找个人上门给理理发我们是古槐社区的看周六上午行不行",
    rh(description="我家老太太八十多了腿脚不好想找个人上门给理理发", community="古槐社区", **W(3, 6, "上午")),
    "voice transcription without any punctuation; the need is everything between 求助一下 and the community clause (the volunteer wants the context 腿脚不好/上门); 行不行 is a tag question, not the need")
add("resident", "2027-03-05T08:30", "我要求助 厨房水管漏水了 南池社区 明天下午三点",
    rh(description="厨房水管漏水了", community="南池社区", **W(3, 6, "15:00")),
    "明天 on Friday is Saturday 3月6日; 下午三点 in Chinese numerals is 15:00, a clock time so the start is that time; wished shows the clock time after the day")
add("resident", "2027-03-08T14:00", "求助：想找人陪我去医院复查，仙营社区，下周一上午",
    rh(description="想找人陪我去医院复查", community="仙营社区", **W(3, 15, "上午")),
    "陪诊 need in plain words; 下周一 sent on Monday 3月8日 is the Monday of next week, 3月15日 (not today)")
add("resident", "2027-03-09T19:40", "求助 想请志愿者帮忙打扫一下卫生 观音阁社区 这周六下午",
    rh(description="想请志愿者帮忙打扫一下卫生", community="观音阁社区", **W(3, 13, "下午")),
    "打扫 need; 这周六 of the week of Tuesday 3月9日 is 3月13日; 下午 starts 14:00")
add("resident", "2027-03-10T11:00", "求助 独居老人想找人送午饭 越河社区 尽快",
    rh(description="独居老人想找人送午饭", community="越河社区", **ASAP),
    "送餐 need; 尽快 typed as such")
add("resident", "2027-03-11T09:05", "俺眼睛不好使了，想求助，找个人来读读报纸，俺是洸河社区的，明天上午就行",
    rh(description="找个人来读读报纸", community="洸河社区", **W(3, 12, "上午")),
    "elderly dialect 俺; a reason clause in front of 求助 and the community in a 俺是…的 clause; the need is the 读报 clause; 明天 from Thursday is Friday 3月12日; 就行 is politeness")
add("resident", "2027-03-12T21:30", "求助 帮我爸代缴下电费 琵琶山社区 这两天",
    rh(description="帮我爸代缴下电费", community="琵琶山社区", wished="这两天"),
    "a child asking for a parent (代缴电费); 这两天 is a vague wish like 尽快, no day the parser may resolve: judgement call, shown as typed, no start (the parser never invents a date), and not missing (asking the resident again for a time they already gave annoys)")
add("resident", "2027-03-15T07:50", "求助 卫生间灯泡坏了够不着 红星社区 今晚",
    rh(description="卫生间灯泡坏了够不着", community="红星社区", **W(3, 15, "晚上")),
    "今晚 is today evening: window start 19:00")
add("resident", "2027-03-16T10:00", "求助 阜桥社区 后天下午 想找人陪我妈去医院拿药",
    rh(description="想找人陪我妈去医院拿药", community="阜桥社区", **W(3, 18, "下午")),
    "fields in mixed order, the need last; 后天 from Tuesday is Thursday 3月18日")
add("resident", "2027-03-17T16:20", "求助 下周三上午10点 古槐社区 陪诊去市一院看眼科",
    rh(description="陪诊去市一院看眼科", community="古槐社区", **W(3, 24, "10:00")),
    "time first; 下周三 from Wednesday 3月17日 is 3月24日; 上午10点 is a clock time, so start 10:00 and wished shows 10:00")
add("resident", "2027-03-18T09:00", "求助 想理发 周六上午",
    rh(description="想理发", missing=["community"], **W(3, 20, "上午")),
    "no community: missing lists it (the handler then uses the sender's own); the parser does not fill it")
add("resident", "2027-03-19T18:00", "求助 水龙头关不严一直滴水 运河社区",
    rh(description="水龙头关不严一直滴水", community="运河社区", missing=["wished"]),
    "no wished time: missing wished")
add("resident", "2027-03-20T20:00", "求助 南池社区 明天上午",
    rh(community="南池社区", missing=["need"], **W(3, 21, "上午")),
    "community and time but no need: missing need; 明天 from Saturday is Sunday 3月21日")
add("resident", "2027-03-21T08:00", "求助",
    rh(missing=["need", "community", "wished"]),
    "the bare command: all three missing, in the contract's order need, community, wished")
add("resident", "2027-03-22T10:00", "求助 想找人帮忙买点菜",
    rh(description="想找人帮忙买点菜", missing=["community", "wished"]),
    "need only; missing community then wished")
add("resident", "2027-03-23T07:40", "求住 家里下水道堵了 越河社区 尽快",
    rh(description="家里下水道堵了", community="越河社区", **ASAP),
    "sound-alike slip 住 for 助 (both zhù) on the keyword")
add("resident", "2027-03-24T12:00", "求助：想请人帮忙修一下水管，洸河社区，明天下午２点",
    rh(description="想请人帮忙修一下水管", community="洸河社区", **W(3, 25, "14:00")),
    "full-width colon, commas and digit; 下午２点 is 14:00 on Thursday 3月25日")
add("resident", "2027-03-25T06:50", "家里水管爆了能不能派个志愿者来修修 古槐社区 越快越好",
    rh(description="家里水管爆了能不能派个志愿者来修修", community="古槐社区", **ASAP),
    "no 求助 keyword: a household need + asking for a volunteer + community + urgency is a help request to a careful operator (judgement call); the whole need clause is the description")
add("resident", "2027-03-26T10:00", "需要帮忙 想找人帮忙取个快递 仙营社区 今天下午",
    rh(description="想找人帮忙取个快递", community="仙营社区", **W(3, 26, "下午")),
    "需要帮忙 instead of 求助; 今天下午 at 10:00 is still ahead (14:00)")
add("resident", "2027-03-27T14:30", "求助 想理发 古槐社区 今天上午10点",
    rh(description="想理发", community="古槐社区", problem="bad_time", **W(3, 27, "10:00")),
    "a time already gone by (10:00 at 14:30): bad_time, the read start and wished kept so the reply can quote them")
add("resident", "2027-03-29T09:00", "求助 陪诊 运河社区 3月25日上午",
    rh(description="陪诊", community="运河社区", problem="bad_time", **W(3, 25, "上午")),
    "3月25日 passed four days ago (less than two months): that past day, refused as bad_time, start kept")
add("resident", "2027-03-30T15:00", "求助 帮忙读报 红星社区 4月3日上午",
    rh(description="帮忙读报", community="红星社区", **W(4, 3, "上午")),
    "explicit date; 4月3日 is a Saturday")
add("resident", "2027-03-31T11:00", "求助 家里要大扫除想找两个志愿者 阜桥社区 下周一",
    rh(description="家里要大扫除想找两个志愿者", community="阜桥社区", **W(4, 5)),
    "a day without a part of day: 下周一 from Wednesday 3月31日 is 4月5日; judgement call: a wish for a whole day is a valid wish (no no_time, that is for publishing), shown as the day, and no start since no time of day was said")
add("resident", "2027-04-01T20:00", "求助 明天早上八点 陪我老伴去做透析 南池社区",
    rh(description="陪我老伴去做透析", community="南池社区", **W(4, 2, "08:00")),
    "time before the need; 早上八点 is 8:00 (8 is not a bare 1–6 o'clock)")
add("resident", "2027-04-02T09:00", "求助 修水管 幸福小区 明天上午",
    rh(description="修水管", community="幸福小区", **W(4, 3, "上午")),
    "a word ending in 小区 is a community wherever it stands, known or not (the handler suggests the closest)")
add("resident", "2027-04-05T10:00", "求助 我家在越河这边 想找人帮忙换个煤气罐 周日上午",
    rh(description="想找人帮忙换个煤气罐", community="越河", **W(4, 11, "上午")),
    "community as a configured name without 社区 inside a clause (like 听说越河那边), kept as typed; the location clause is no part of the need; 周日 from Monday 4月5日 is 4月11日")
add("resident", "2027-04-06T08:00", "想求助一下 帮我家老爷子剪剪指甲洗洗头 观音阁社区 周四下午两点半",
    rh(description="帮我家老爷子剪剪指甲洗洗头", community="观音阁社区", **W(4, 8, "14:30")),
    "想求助一下; 下午两点半 is 14:30; 周四 from Tuesday is 4月8日")
add("resident", "2027-04-07T19:00", "那个我是红星社区的，我想求助，下周二上午来个人帮我拆洗被子",
    rh(description="来个人帮我拆洗被子", community="红星社区", **W(4, 13, "上午")),
    "voice style: filler 那个, self-introduction clause with the community, time before the need; 下周二 from Wednesday 4月7日 is 4月13日")
add("resident", "2027-04-09T07:10", "求助 家里马桶堵了 洸河社区 越早越好",
    rh(description="家里马桶堵了", community="洸河社区", **ASAP),
    "越早越好 means the same as the contract's 越快越好: 尽快 (judgement call)")
add("resident", "2027-04-10T07:30", "求助 帮忙买降压药 琵琶山社区 周六上午",
    rh(description="帮忙买降压药", community="琵琶山社区", **W(4, 10, "上午")),
    "sent on Saturday 7:30: a bare 周六 is today when its time (上午, 9:00) is still ahead")
add("resident", "2027-04-20T10:00", "求助 陪诊 下个月5号上午 古槐社区",
    rh(description="陪诊", community="古槐社区", **W(5, 5, "上午")),
    "下个月5号 from April is 5月5日 (a Wednesday); the short need 陪诊 alone")
add("resident", "2027-04-21T16:00", "求助 家里电视没信号了不会弄",
    rh(description="家里电视没信号了不会弄", missing=["community", "wished"]),
    "elderly everyday need, no community and no time")
add("resident", "2027-04-26T09:00", "您好，麻烦您，我想求助，帮我代缴一下这个月的水费，阜桥社区，这周五上午",
    rh(description="帮我代缴一下这个月的水费", community="阜桥社区", **W(4, 30, "上午")),
    "politeness in front; 这个月 inside the need is no date field; 这周五 of the week of Monday 4月26日 is 4月30日")
add("resident", "2027-03-14T15:00", "求助是怎么用的",
    rh(missing=["need", "community", "wished"]),
    "a question how to use a command is that command without its fields, so the reply shows its form")
# not help requests although they contain 帮 / 求
add("resident", "2027-03-13T11:20", "谢谢你们上次帮我家老爷子理发，小伙子人真好",
    dict(intent="unknown"),
    "a thank-you with 帮 and 理发, no request and no R code (so no rating either): unknown, answered with a friendly word")
add("resident", "2027-03-06T16:45", "我也想帮助社区里的老人，怎么当志愿者",
    dict(intent="register", missing=["name", "phone", "community"]),
    "contains 帮助 but asks how to become a volunteer: judgement call as in heldout4 (我要当志愿者，怎么注册啊): register without its fields, so the reply shows the registration form")
add("resident", "2027-04-03T09:30", "求问古槐社区最近有没有养生讲座",
    dict(intent="lectures", community="古槐社区"),
    "求问 is asking, not 求助; a lecture question with a community")
add("resident", "2027-04-13T08:10", "帮助",
    dict(intent="help"),
    "帮助 alone is the help menu (contract example), not a help request")

# ---------------- request_for ----------------
add("volunteer", "2027-03-01T10:00", "代办 求助 李大爷 13953701234 想理发 运河社区 周六上午",
    rf(name="李大爷", phone="13953701234", description="想理发", community="运河社区", **W(3, 6, "上午")),
    "the contract's form; 周六 from Monday 3月1日 is 3月6日")
add("volunteer", "2027-03-03T15:00", "代办求助 张奶奶 没有手机 电话留她儿子的 139 5371 8866 要买药 南池社区 尽快",
    rf(name="张奶奶", phone="13953718866", description="要买药", community="南池社区", **ASAP),
    "no space inside 代办求助; explanation clauses about the phone are no part of the need; mobile typed in groups")
add("volunteer", "2027-03-05T20:00", "我替楼下的刘大娘代办个求助，她没有手机，联系电话15866620315，想找人陪着去医院复查，仙营社区，下周二上午",
    rf(name="刘大娘", phone="15866620315", description="想找人陪着去医院复查", community="仙营社区", **W(3, 9, "上午")),
    "voice-style sentence: the resident named as neighbours say it inside 替…代办; 下周二 from Friday 3月5日 is 3月9日")
add("envoy", "2027-03-10T09:00", "代办 求助 赵爷爷 18653702468 家里水管漏了 观音阁社区 明天下午",
    rf(name="赵爷爷", phone="18653702468", description="家里水管漏了", community="观音阁社区", **W(3, 11, "下午")),
    "envoy filing for a resident; 明天下午 from Wednesday is Thursday 3月11日 14:00")
add("volunteer", "2027-03-15T11:00", "代办 求助 孙奶奶 想找人打扫卫生 越河社区 周六上午",
    rf(name="孙奶奶", description="想找人打扫卫生", community="越河社区", missing=["phone"], **W(3, 20, "上午")),
    "no contact given: missing phone")
add("volunteer", "2027-03-16T08:00", "代办 求助 想理发 洸河社区 明天上午",
    rf(description="想理发", community="洸河社区", missing=["name", "phone"], **W(3, 17, "上午")),
    "neither the resident's name nor a contact: missing name, phone")
add("volunteer", "2027-03-18T14:00", "代办 求助 陈大爷 13562710088 帮忙读报 红星社区",
    rf(name="陈大爷", phone="13562710088", description="帮忙读报", community="红星社区", missing=["wished"]),
    "no wished time")
add("volunteer", "2027-03-19T09:30", "代办 求助 周奶奶 15264791234 送午饭",
    rf(name="周奶奶", phone="15264791234", description="送午饭", missing=["community", "wished"]),
    "no community and no time: community before wished")
add("envoy", "2027-03-22T09:00", "我是网格员小李，代办 求助 马大娘 13905378765 代缴电费 古槐社区 这周五下午",
    rf(name="马大娘", phone="13905378765", description="代缴电费", community="古槐社区", **W(3, 26, "下午")),
    "self-introduction clause in front (小李 is the sender, not the resident); 这周五 of the week of Monday 3月22日 is 3月26日")
add("volunteer", "2027-03-24T18:00", "代办求助 阜桥社区 吴奶奶 后天上午10点 陪诊 电话13853712345",
    rf(name="吴奶奶", phone="13853712345", description="陪诊", community="阜桥社区", **W(3, 26, "10:00")),
    "fields in mixed order, phone last after 电话; 后天 from Wednesday is Friday 3月26日")
add("volunteer", "2027-03-29T10:00", "代办 求助 郑大爷 1385371234 修水管 南池社区 尽快",
    rf(name="郑大爷", description="修水管", community="南池社区", problem="bad_phone", **ASAP),
    "a 10-digit mobile: bad_phone, no phone field (as a bad phone in register/signup)")
add("volunteer", "2027-04-01T10:00", "代办　求助　钱奶奶　１３７８５６４３２１０　想理发　琵琶山社区　周日上午",
    rf(name="钱奶奶", phone="13785643210", description="想理发", community="琵琶山社区", **W(4, 4, "上午")),
    "full-width digits and ideographic spaces; 周日 from Thursday is 4月4日")
add("volunteer", "2027-04-06T15:00", "代办 求助 老孙头 138-5370-6612 帮忙买菜 运河社区 今晚",
    rf(name="老孙头", phone="13853706612", description="帮忙买菜", community="运河社区", **W(4, 6, "晚上")),
    "a nickname as neighbours say it; mobile with dashes; 今晚 is today 19:00")
add("envoy", "2027-04-12T16:00", "代办 求助 冯大娘 13305371122 陪诊 越河社区 今天下午两点",
    rf(name="冯大娘", phone="13305371122", description="陪诊", community="越河社区", problem="bad_time", **W(4, 12, "14:00")),
    "14:00 already past at 16:00: bad_time, start and wished kept")
add("volunteer", "2027-04-14T10:00", "帮隔壁王大爷代办个求助，王大爷没手机，电话打我的13012345678就行，想理个发，观音阁社区，下周六上午",
    rf(name="王大爷", phone="13012345678", description="想理个发", community="观音阁社区", **W(4, 24, "上午")),
    "run-on with the filer's own number as contact; 帮…代办 is still 代办; 下周六 from Wednesday 4月14日 is 4月24日")

# ---------------- take_request / rate_request ----------------
add("volunteer", "2027-03-06T08:40", "接单 R12", dict(intent="take_request", request="R12"), "the contract's form")
add("volunteer", "2027-03-09T12:15", "我接单r12", dict(intent="take_request", request="R12"), "no space, lower-case code (contract example)")
add("volunteer", "2027-03-12T07:20", "接R3", dict(intent="take_request", request="R3"), "shortest form, 接 alone before the code")
add("volunteer", "2027-03-20T19:05", "R12我来", dict(intent="take_request", request="R12"), "code first, 我来 as taking it")
add("volunteer", "2027-03-28T11:30", "这单我接了 R7", dict(intent="take_request", request="R7"), "colloquial 这单我接了 with the code behind")
add("volunteer", "2027-04-08T09:50", "接单", dict(intent="take_request", missing=["request"]), "no code: missing request")
add("resident", "2027-04-17T11:40", "接单的志愿者怎么还没来啊，都等了一上午了",
    dict(intent="unknown"), "near miss: complains about a taken request, no code and no command; 接单 is the subject, not a command")
add("resident", "2027-03-07T18:00", "评价 R8 5 很满意",
    dict(intent="rate_request", request="R8", rating=5, reason="很满意"), "the contract's form")
add("resident", "2027-03-21T17:30", "评价r5 五星 小姑娘干活真利索",
    dict(intent="rate_request", request="R5", rating=5, reason="小姑娘干活真利索"), "lower-case code glued to 评价; 五星 is 5")
add("resident", "2027-04-04T20:10", "评价 R21 很满意",
    dict(intent="rate_request", request="R21", rating=5, reason="很满意"),
    "很满意 alone is 5 (contract); judgement call: it is also the comment the resident wrote, so reason keeps it")
add("resident", "2027-04-11T09:00", "R9评价 4分 来得晚了点但活干得细",
    dict(intent="rate_request", request="R9", rating=4, reason="来得晚了点但活干得细"), "code first; 4分 as the rating")
add("volunteer", "2027-04-15T21:00", "评价 R14 3",
    dict(intent="rate_request", request="R14", rating=3), "a filer rating with a bare number, no comment")
add("envoy", "2027-04-16T10:00", "评价 李娜 优秀 服务很耐心",
    dict(intent="record_evaluation", name="李娜", title="优秀", description="服务很耐心"),
    "near miss: 评价 without an R code stays record_evaluation")

# ---------------- signup with companions ----------------
add("volunteer", "2027-03-04T19:00", "报名 A12 带2人", dict(intent="signup", activity="A12", companions=2), "the contract's form")
add("resident", "2027-03-08T10:30", "报名A5带老伴", dict(intent="signup", activity="A5"),
    "带老伴 names a person but gives no count: the contract fills companions only when a count is given, so none (read literally)")
add("resident", "2027-03-11T20:40", "我和我家孩子一起报A3", dict(intent="signup", activity="A3"),
    "signs up with a child but no count of people: no companions (literal reading of the contract)")
add("resident", "2027-03-17T09:15", "报名 A8 家属两位", dict(intent="signup", activity="A8", companions=2), "家属 + Chinese numeral 两位")
add("volunteer", "2027-03-23T13:00", "A16报名，带3个人", dict(intent="signup", activity="A16", companions=3), "code first, comma, 带3个人")
add("resident", "2027-03-26T18:30", "报名A20 带两位家属", dict(intent="signup", activity="A20", companions=2), "contract's 带两位家属")
add("volunteer", "2027-03-31T12:00", "A9我报一个 再带一个朋友", dict(intent="signup", activity="A9", companions=1),
    "报一个 is the sign-up itself; 带一个朋友 is a count of one brought")
add("volunteer", "2027-04-02T08:05", "+1 A14", dict(intent="signup", activity="A14"), "+1 is the sign-up itself, no companions (contract)")
add("resident", "2027-04-07T10:00", "抱名A7 带俩孩子", dict(intent="signup", activity="A7", companions=2),
    "input-method slip 抱名; 俩 is the numeral two (a count)")
add("resident", "2027-04-19T09:00", "报名 A18 带２人 张建华 13905371234 古槐社区",
    dict(intent="signup", activity="A18", companions=2, name="张建华", phone="13905371234", community="古槐社区"),
    "first-time form plus companions, full-width digit in 带２人")
add("resident", "2027-04-09T15:20", "帮我报个名 A15", dict(intent="signup", activity="A15"),
    "contains 帮 but is a plain sign-up")

# ---------------- my_points / leaderboard ----------------
add("volunteer", "2027-03-02T21:00", "我的积分多少", dict(intent="my_points"), "我的积分 with a question word")
add("volunteer", "2027-03-10T22:10", "我现在几星了", dict(intent="my_points"), "star level asked colloquially")
add("volunteer", "2027-03-18T20:00", "查一下我的星级", dict(intent="my_points"), "查一下 in front of the contract's 我的星级")
add("volunteer", "2027-04-05T21:15", "我还差多少小时升到二星",
    dict(intent="my_points"), "judgement call: contains 小时, but the hours to the next star are in the points reply, not in my_hours")
add("volunteer", "2027-04-14T20:45", "帮我查查我的积分", dict(intent="my_points"), "contains 帮 but asks for points")
add("volunteer", "2027-03-13T09:00", "积分榜上显示我的名字吧", dict(intent="leaderboard_public"), "paraphrase of 积分榜显示姓名")
add("volunteer", "2027-03-27T08:30", "积分榜匿名", dict(intent="leaderboard_private"), "the contract's form")
add("volunteer", "2027-04-18T19:10", "积分榜不要显示我名字", dict(intent="leaderboard_private"), "negated 显示: anonymous, the opposite of the public form (veto word 不要)")
add("volunteer", "2027-04-23T18:20", "积分榜可以显示我的姓名", dict(intent="leaderboard_public"), "可以 + 显示我的姓名")
add("volunteer", "2027-04-22T20:30", "我这个月服务了多少小时", dict(intent="my_hours"), "near miss of my_points: hours asked, no points or stars")
add("resident", "2027-04-28T10:15", "超市买菜攒的积分能在这里用吗", dict(intent="unknown"),
    "near miss: shop points, not the sender's campaign points; nothing to read (judgement call)")

assert len(rows) == 90, len(rows)
ORDER = ["name", "phone", "need", "community", "activity", "code", "team", "title", "start", "wished", "place", "names", "request"]
lo, hi = "2027-03-01T00:00:00+08:00", "2027-04-30T23:59:59+08:00"
seen = set()
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "messages.jsonl"), "w", encoding="utf-8") as f:
    for i, r in enumerate(rows, 1):
        assert lo <= r["now"] <= hi, r
        assert r["text"] not in seen, r["text"]; seen.add(r["text"])
        m = r["want"].get("missing")
        if m:
            assert m == sorted(m, key=ORDER.index), r
        out = {"id": f"m{i:03d}", "role": r["role"], "now": r["now"], "text": r["text"], "want": r["want"], "why": r["why"]}
        f.write(json.dumps(out, ensure_ascii=False) + "\n")
print(collections.Counter(r["want"]["intent"] for r in rows).most_common())
print(collections.Counter(r["role"] for r in rows).most_common())
