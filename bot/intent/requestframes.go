package intent

import (
	"regexp"
	"strings"
	"time"
)

// Requests as people type them when the command word is not first (issue
// 15): "我替楼下的刘大娘代办个求助，…", "接R3", "这单我接了 R7", "R9评价
// 4分 …", "我现在几星了", "积分榜上显示我的名字吧", "家里水管爆了能不能派个
// 志愿者来修修 古槐社区 越快越好". Each is rewritten to the command's own
// form and parsed as that; nothing here decides a field itself.

var (
	// reRequestForInside is 代办 (个) 求助 anywhere in a message.
	reRequestForInside = regexp.MustCompile(`代办\s*(?:个|一个|一下)?\s*(?:求助|点单)`)
	// reTakeInside is taking a request said around its code: "接R3",
	// "这单我接了 R7", "R12我来", "R5 我去".
	reTakeBefore = regexp.MustCompile(`^(?:这单|这个单子?|那单)?\s*(?:我)?\s*(?:来)?\s*接(?:了|下|单了?|这单)?\s*([Rr]\d{1,6})$`)
	reTakeAfter  = regexp.MustCompile(`^([Rr]\d{1,6})\s*(?:这单)?\s*(?:我来|我去|我接了?|我接单|归我)(?:吧|了)?$`)
	// reTogether is signing up with others: "我和我家孩子一起报A3" (who
	// comes along is not a count: only a number is, see companionCount).
	reTogether = regexp.MustCompile(`一起(?:报名?|参加|去)\s*([Aa]\d{1,6})\s*(?:吧|了|啊)?$`)
	// reRateCodeFirst is a rating with the code first: "R9评价 4分 …",
	// "给R9打5分".
	reRateCodeFirst = regexp.MustCompile(`^(?:给)?\s*([Rr]\d{1,6})\s*(?:评价|打分|评分|打)\s*(.*)$`)
	// reStarQuestion asks for one's own star level or points: "我现在几星了",
	// "我还差多少小时升到二星", "我是几星志愿者".
	reStarQuestion = regexp.MustCompile(`几星|几颗星|什么星级|星级|升到?[一二三四五1-5]星|[一二三四五1-5]星志愿者`)
	// reLeaderboardName is about one's name on the leaderboard.
	reLeaderboardName = regexp.MustCompile(`(?:积分榜|排行榜|榜单).*(?:名字|姓名|实名|匿名)|(?:名字|姓名).*(?:积分榜|排行榜)`)
	reLeaderboardNo   = regexp.MustCompile(`不要|不想|别|不用|不显示|隐藏|匿名|去掉`)
	// requestAsks are the words of a help request without 求助: a
	// volunteer is asked for.
	requestAsks = []string{"派个志愿者", "派志愿者", "找个志愿者", "找志愿者", "来个志愿者", "需要帮忙", "需要帮助", "请求帮助", "想请人帮忙", "找人帮忙", "找个人帮忙"}
)

// parseRequestFrames reads body as one of the forms above, or Unknown.
func parseRequestFrames(body string, now time.Time) Result {
	b := trimGaps(body)
	if m := reRequestForInside.FindStringIndex(b); m != nil && m[0] > 0 {
		return parseBody("代办求助 "+b[:m[0]]+" "+b[m[1]:], now)
	}
	if m := reTakeBefore.FindStringSubmatch(b); m != nil {
		return parseBody("接单 "+m[1], now)
	}
	if m := reTakeAfter.FindStringSubmatch(b); m != nil {
		return parseBody("接单 "+m[1], now)
	}
	if m := reTogether.FindStringSubmatch(b); m != nil {
		return withCompanions(parseBody("报名 "+m[1], now), b)
	}
	if m := reRateCodeFirst.FindStringSubmatch(b); m != nil {
		return parseBody("评价 "+m[1]+" "+m[2], now)
	}
	if reLeaderboardName.MatchString(b) {
		if reLeaderboardNo.MatchString(b) {
			return Result{Intent: LeaderboardPrivate}
		}
		return Result{Intent: LeaderboardPublic}
	}
	if reStarQuestion.MatchString(b) && !strings.ContainsAny(b, "RrAaLl") {
		return Result{Intent: MyPoints}
	}
	for _, w := range requestAsks {
		if strings.Contains(b, w) {
			if r := parseBody("求助 "+b, now); r.Intent == RequestHelp && r.Description != "" {
				return r
			}
			break
		}
	}
	return Result{Intent: Unknown}
}

// withCompanions gives a sign-up read from part of body, or by a frame
// that does not count them, the companions body names: "A9我报一个 再带
// 一个朋友".
func withCompanions(r Result, body string) Result {
	if r.Intent == Signup && r.Companions == 0 {
		r.Companions, _ = companionCount(body, false)
	}
	return r
}

// withCommunityFrom gives a request read from part of body (its clauses)
// the community named in the rest: "我是红星社区的，我想求助，…".
func withCommunityFrom(r Result, body string) Result {
	if (r.Intent != RequestHelp && r.Intent != RequestFor) || r.Community != "" {
		return r
	}
	if c := communityIn(body); c != "" {
		r.Community = c
		r.Missing = without(r.Missing, FieldCommunity)
	}
	return r
}
