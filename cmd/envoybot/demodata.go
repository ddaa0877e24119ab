package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"envoybot/configs"
	"envoybot/scheduler"
	"envoybot/store"
)

// The demo's people are fake and look it: 演示 names, mobiles from 170 0000
// 0000 up, OpenIDs starting "demo-".
var (
	demoSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹")
	demoGiven    = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
		"霞", "平", "刚", "桂英", "秀兰", "建国", "淑珍", "志强", "海燕", "小红", "文博", "子涵", "浩然"}
	demoTitles = map[string][]string{
		"care":        {"敬老院包饺子", "空巢老人上门探访", "困境儿童课业辅导", "义诊进社区", "助残理发服务", "农民工子女夏令营"},
		"civility":    {"文明劝导进路口", "小区环境卫生清扫", "垃圾分类宣传", "文明礼仪进校园", "车辆有序停放劝导"},
		"new_customs": {"红色故事分享会", "社区读书会", "移风易俗宣讲", "科普知识展览", "书香家庭阅读推广"},
		"peace":       {"法律知识讲座", "反诈宣传进社区", "五老关爱小组走访", "青少年普法课堂", "社区矫正帮扶"},
	}
	demoVenues = []string{"活动室", "文化广场", "敬老院", "党群服务中心", "综合文化站"}
	demoBrands = []struct{ name, desc string }{
		{"银发守护", "为空巢老人提供上门陪伴和生活照料"}, {"邻里守望", "楼栋长带志愿者结对帮扶困难家庭"},
		{"法治同行", "每月一次法律知识讲座和免费法律咨询"}, {"书香运河", "社区书屋阅读推广和亲子共读"},
		{"文明先锋", "路口文明劝导和环境卫生常态化服务"}, {"暖心驿站", "为环卫工人和快递小哥提供歇脚服务"},
		{"夕阳红课堂", "老年人智能手机和防诈骗课堂"}, {"小小志愿者", "困境儿童课业辅导和假期托管"},
		{"和美家园", "邻里纠纷调解和移风易俗宣传"}, {"绿色家园", "垃圾分类指导和社区绿化认养"},
	}
	demoLectures = []struct {
		title string
		rule  store.Recurrence
	}{
		{"法律知识讲座", store.Recurrence{Every: store.RecurMonthly, Nth: 1, Weekday: time.Saturday, Hour: 9, Minute: 30}},
		{"老年人防诈骗课堂", store.Recurrence{Every: store.RecurWeekly, Weekday: time.Wednesday, Hour: 15}},
		{"健康养生讲座", store.Recurrence{Every: store.RecurMonthly, MonthDay: 15, Hour: 9}},
		{"家庭教育讲座", store.Recurrence{Every: store.RecurWeekly, Weekday: time.Saturday, Hour: 10}},
		{"垃圾分类知识讲座", store.Recurrence{Every: store.RecurMonthly, Nth: -1, Weekday: time.Friday, Hour: 14, Minute: 30}},
		{"智能手机使用课堂", store.Recurrence{Every: store.RecurWeekly, Weekday: time.Tuesday, Hour: 9, Minute: 30}},
	}
)

// demoShape is how many of each the demo makes.
const (
	demoGreen      = 10 // envoys with every target met (one brand per community)
	demoAmber      = 12 // contact point and team, no brand yet (time left)
	demoRed        = 8  // contact point or team missing, days before its deadline
	demoVolunteers = 320
)

// demoSummary counts what loadDemo wrote.
type demoSummary struct {
	Envoys, Green, Amber, Red            int
	Volunteers, Subscribers, TeamMembers int
	PastActivities, Upcoming, Held       int
	Signups, Attended, Confirmed         int
	Lectures, Sessions                   int
	Notices                              map[string]int
}

// demoLoader writes the demo through the store's own methods, so that
// everything is as chat and the dashboard would have made it.
type demoLoader struct {
	st  store.Store
	cfg *configs.Config
	loc *time.Location
	now time.Time
	rng *rand.Rand
	sum demoSummary
	// byCommunity are the volunteers' ids per community.
	byCommunity map[string][]demoPerson
}

type demoPerson struct {
	id     int64
	openID string
}

// loadDemo fills an empty store with the demo as of now.
func loadDemo(ctx context.Context, st store.Store, cfg *configs.Config, now time.Time) (demoSummary, error) {
	l := &demoLoader{st: st, cfg: cfg, loc: cfg.Location(), now: now, rng: rand.New(rand.NewPCG(2019, 3)),
		byCommunity: map[string][]demoPerson{}, sum: demoSummary{Notices: map[string]int{}}}
	for _, step := range []func(context.Context) error{l.volunteers, l.envoys, l.lectures, l.notices} {
		if err := step(ctx); err != nil {
			return l.sum, err
		}
	}
	return l.sum, nil
}

// day is midnight of now's date plus days, in the campaign's zone, at
// hour:minute.
func (l *demoLoader) day(days, hour, minute int) time.Time {
	n := l.now.In(l.loc)
	return time.Date(n.Year(), n.Month(), n.Day()+days, hour, minute, 0, 0, l.loc)
}

func (l *demoLoader) name(i int) string {
	return string(demoSurnames[i%len(demoSurnames)]) + demoGiven[(i*7+i/len(demoSurnames))%len(demoGiven)]
}

func (l *demoLoader) volunteers(ctx context.Context) error {
	comms := l.cfg.Campaign.Communities
	for i := range demoVolunteers {
		c := comms[l.rng.IntN(len(comms))]
		openID := fmt.Sprintf("demo-v-%03d", i)
		at := l.day(-150+l.rng.IntN(140), 8+l.rng.IntN(12), l.rng.IntN(60))
		u, _, err := l.st.RegisterVolunteer(ctx, store.Registration{OpenID: openID, Name: l.name(i + 100), Phone: fmt.Sprintf("170%08d", 1000+i), Community: c}, at)
		if err != nil {
			return fmt.Errorf("demo: volunteer %d: %w", i, err)
		}
		if err := l.st.SetFollowing(ctx, openID, i%10 != 9, at); err != nil {
			return fmt.Errorf("demo: follow: %w", err)
		}
		if i%3 == 0 {
			if _, err := l.st.TouchUser(ctx, openID, l.now.Add(-time.Duration(l.rng.IntN(40))*time.Hour)); err != nil {
				return fmt.Errorf("demo: touch: %w", err)
			}
		}
		if i%5 < 2 {
			if _, err := l.st.Subscribe(ctx, u.ID, c, at.Add(time.Hour)); err != nil {
				return fmt.Errorf("demo: subscribe: %w", err)
			}
			l.sum.Subscribers++
		}
		l.byCommunity[c] = append(l.byCommunity[c], demoPerson{u.ID, openID})
		l.sum.Volunteers++
	}
	return nil
}

// envoys makes demoGreen + demoAmber + demoRed envoys, each with what its
// colour on the progress page needs, and their activities.
func (l *demoLoader) envoys(ctx context.Context) error {
	comms := l.cfg.Campaign.Communities
	total := demoGreen + demoAmber + demoRed
	for i := range total {
		c := comms[i%len(comms)]
		openID := fmt.Sprintf("demo-e-%02d", i)
		name := l.name(i)
		at := l.day(-170+i, 10, 0)
		u, _, err := l.st.RegisterVolunteer(ctx, store.Registration{OpenID: openID, Name: name, Phone: fmt.Sprintf("170%08d", i+1), Community: c}, at)
		if err != nil {
			return fmt.Errorf("demo: envoy %d: %w", i, err)
		}
		inv := store.NewInvite{Role: store.RoleEnvoy, Name: name, EnvoyLevel: "市", EnvoyKind: "和谐使者", ExpiresAt: at.Add(72 * time.Hour)}
		if i%3 == 0 {
			inv.EnvoyLevel = "省"
		}
		if i%4 == 1 {
			inv.EnvoyKind = "敬老使者"
		}
		code, err := createInvite(ctx, l.st, inv, at)
		if err != nil {
			return fmt.Errorf("demo: invite: %w", err)
		}
		if _, _, err := l.st.RedeemInvite(ctx, u.ID, code, at.Add(time.Hour), 5, time.Hour); err != nil {
			return fmt.Errorf("demo: redeem: %w", err)
		}
		if err := l.st.SetFollowing(ctx, openID, true, at); err != nil {
			return err
		}
		if _, err := l.st.TouchUser(ctx, openID, l.now.Add(-3*time.Hour)); err != nil {
			return err
		}
		l.sum.Envoys++
		var activities int
		switch {
		case i < demoGreen:
			l.sum.Green++
			activities = 6 + l.rng.IntN(4)
			err = l.campaignWork(ctx, u.ID, c, at, true, true, true)
			if err == nil {
				b := demoBrands[i%len(demoBrands)]
				_, _, err = l.st.SetBrand(ctx, u.ID, c, b.name, b.desc, at.Add(60*24*time.Hour))
			}
		case i < demoGreen+demoAmber:
			l.sum.Amber++
			activities = 3 + l.rng.IntN(4)
			err = l.campaignWork(ctx, u.ID, c, at, true, true, true)
		default:
			l.sum.Red++
			activities = l.rng.IntN(3)
			// Half have a contact point and an empty team, half nothing.
			err = l.campaignWork(ctx, u.ID, c, at, i%2 == 0, i%2 == 0, false)
		}
		if err != nil {
			return fmt.Errorf("demo: envoy %s: %w", name, err)
		}
		for k := range activities {
			if err := l.pastActivity(ctx, u.ID, c, k); err != nil {
				return err
			}
		}
		if i < demoGreen+demoAmber {
			for k := range 1 + i%2 {
				if err := l.upcomingActivity(ctx, u.ID, c, i, k); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// campaignWork gives an envoy a contact point and a team, with members or
// without.
func (l *demoLoader) campaignWork(ctx context.Context, envoyID int64, c string, at time.Time, contact, team, members bool) error {
	if contact {
		if _, _, err := l.st.AddContactPoint(ctx, envoyID, c, at.Add(24*time.Hour)); err != nil {
			return fmt.Errorf("contact point: %w", err)
		}
	}
	if !team {
		return nil
	}
	name := strings.TrimSuffix(c, "社区") + "志愿服务队"
	if l.rng.IntN(2) == 0 {
		name = strings.TrimSuffix(c, "社区") + "和谐使者队"
	}
	t, err := l.st.CreateTeam(ctx, envoyID, name, c, at.Add(48*time.Hour))
	if err != nil {
		return fmt.Errorf("team: %w", err)
	}
	if !members {
		return nil
	}
	pool := l.byCommunity[c]
	for k := range min(len(pool), 4+l.rng.IntN(6)) {
		if _, joined, err := l.st.JoinTeam(ctx, t.Code, pool[k].id, at.Add(72*time.Hour)); err != nil {
			return fmt.Errorf("join team: %w", err)
		} else if joined {
			l.sum.TeamMembers++
		}
	}
	return nil
}

// pastActivity is an activity of the last four months with sign-ups,
// check-ins and check-outs, mostly held and confirmed.
func (l *demoLoader) pastActivity(ctx context.Context, envoyID int64, c string, k int) error {
	line := l.cfg.Campaign.Lines[l.rng.IntN(len(l.cfg.Campaign.Lines))]
	titles := demoTitles[line.Key]
	if len(titles) == 0 {
		titles = []string{line.Name + "志愿服务"}
	}
	hour := []int{9, 14, 15}[l.rng.IntN(3)]
	starts := l.day(-3-l.rng.IntN(118), hour, 0)
	ends := starts.Add(time.Duration(2+l.rng.IntN(2)) * time.Hour)
	pool := l.byCommunity[c]
	quota := 0
	if k%2 == 0 {
		quota = 15 + l.rng.IntN(16)
	}
	a, err := l.st.CreateActivity(ctx, store.NewActivity{EnvoyID: envoyID, Title: titles[l.rng.IntN(len(titles))], Category: line.Name,
		ServiceType: demoServiceType(line), StartsAt: starts, EndsAt: ends,
		Place: c + demoVenues[l.rng.IntN(len(demoVenues))], Community: c, Quota: quota}, starts.Add(-7*24*time.Hour))
	if err != nil {
		return fmt.Errorf("demo: activity: %w", err)
	}
	l.sum.PastActivities++
	n := min(len(pool), 6+l.rng.IntN(14))
	if quota > 0 {
		n = min(n, quota)
	}
	signed := l.rng.Perm(len(pool))[:n]
	for _, p := range signed {
		if _, _, err := l.st.SignUp(ctx, a.Code, pool[p].id, store.SourceChat, starts.Add(-time.Duration(24+l.rng.IntN(120))*time.Hour)); err != nil {
			return fmt.Errorf("demo: sign up: %w", err)
		}
		l.sum.Signups++
	}
	held := l.rng.IntN(10) != 0
	if !held {
		return nil
	}
	if _, err := l.st.MarkActivityHeld(ctx, a.Code, starts.Add(10*time.Minute), ""); err != nil {
		return fmt.Errorf("demo: held: %w", err)
	}
	l.sum.Held++
	for _, p := range signed {
		if l.rng.IntN(100) < 18 {
			continue // signed up, did not come
		}
		in := starts.Add(time.Duration(l.rng.IntN(25)-15) * time.Minute)
		far := l.rng.IntN(40) == 0
		if _, _, err := l.st.CheckIn(ctx, a.Code, pool[p].id, in, nil, far); err != nil {
			return fmt.Errorf("demo: check in: %w", err)
		}
		out := ends.Add(time.Duration(l.rng.IntN(30)-15) * time.Minute)
		minutes := int(earlier(out, ends).Sub(later(in, starts)).Minutes()) / 30 * 30
		if _, err := l.st.CheckOut(ctx, a.Code, pool[p].id, out, nil, false, minutes); err != nil {
			return fmt.Errorf("demo: check out: %w", err)
		}
		l.sum.Attended++
	}
	if l.rng.IntN(7) == 0 {
		return nil // left for the envoy to confirm
	}
	att, err := l.st.ListAttendance(ctx, a.Code)
	if err != nil {
		return err
	}
	var changes []store.HoursChange
	for _, x := range att {
		if x.ComputedMinutes >= 0 {
			changes = append(changes, store.HoursChange{AttendanceID: x.ID, Minutes: x.ComputedMinutes})
		}
	}
	if len(changes) == 0 {
		return nil
	}
	n, err = l.st.ConfirmHours(ctx, a.Code, envoyID, changes, "", ends.Add(2*time.Hour))
	if err != nil {
		return fmt.Errorf("demo: confirm hours: %w", err)
	}
	l.sum.Confirmed += n
	return nil
}

// upcomingActivity is an activity of the next two weeks open for sign-up;
// the first envoy's is full, with a wait-list.
func (l *demoLoader) upcomingActivity(ctx context.Context, envoyID int64, c string, i, k int) error {
	line := l.cfg.Campaign.Lines[(i+k)%len(l.cfg.Campaign.Lines)]
	titles := demoTitles[line.Key]
	if len(titles) == 0 {
		titles = []string{line.Name + "志愿服务"}
	}
	starts := l.day(1+l.rng.IntN(14), []int{9, 14}[k%2], 0)
	quota := 10 + l.rng.IntN(20)
	pool := l.byCommunity[c]
	n := l.rng.IntN(min(quota, len(pool)) + 1)
	if i == 0 && k == 0 {
		quota, n = 8, min(11, len(pool))
	}
	a, err := l.st.CreateActivity(ctx, store.NewActivity{EnvoyID: envoyID, Title: titles[l.rng.IntN(len(titles))], Category: line.Name,
		ServiceType: demoServiceType(line), StartsAt: starts, EndsAt: starts.Add(2 * time.Hour),
		Place: c + demoVenues[l.rng.IntN(len(demoVenues))], Community: c, Quota: quota}, l.now.Add(-48*time.Hour))
	if err != nil {
		return fmt.Errorf("demo: upcoming activity: %w", err)
	}
	l.sum.Upcoming++
	for _, p := range l.rng.Perm(len(pool))[:n] {
		if _, _, err := l.st.SignUp(ctx, a.Code, pool[p].id, store.SourceChat, l.now.Add(-time.Duration(1+l.rng.IntN(40))*time.Hour)); err != nil {
			return fmt.Errorf("demo: sign up: %w", err)
		}
		l.sum.Signups++
	}
	return nil
}

func demoServiceType(line configs.ActivityLine) string {
	if len(line.ServiceTypes) == 0 {
		return ""
	}
	return line.ServiceTypes[0]
}

// lectures makes recurring lectures by the green envoys, with their past
// and coming sessions.
func (l *demoLoader) lectures(ctx context.Context) error {
	envoys, err := l.st.ListUsersByRole(ctx, store.RoleEnvoy)
	if err != nil {
		return err
	}
	byOpenID := map[string]*store.User{}
	for _, e := range envoys {
		byOpenID[e.OpenID] = e
	}
	for i, lec := range demoLectures {
		e := byOpenID[fmt.Sprintf("demo-e-%02d", i)]
		if e == nil {
			return fmt.Errorf("demo: envoy %d missing", i)
		}
		c := l.cfg.Campaign.Communities[i%len(l.cfg.Campaign.Communities)]
		sessions := lec.rule.Occurrences(l.day(-60, 0, 0), l.day(60, 0, 0), l.loc, 40)
		_, err := l.st.CreateLecture(ctx, store.NewLecture{EnvoyID: e.ID, Title: lec.title, Community: c,
			Place: c + "活动室", Recurrence: lec.rule, Occurrences: sessions}, l.day(-61, 9, 0))
		if err != nil {
			return fmt.Errorf("demo: lecture: %w", err)
		}
		l.sum.Lectures++
		l.sum.Sessions += len(sessions)
	}
	return nil
}

// notices puts notices in the outbox in every state a dispatcher leaves
// them: sent by either channel, undeliverable for each reason, failed,
// pending a retry, pending for later, and one batch claimed (sending).
func (l *demoLoader) notices(ctx context.Context) error {
	var subs []demoPerson
	for _, c := range l.cfg.Campaign.Communities {
		subs = append(subs, l.byCommunity[c]...)
	}
	seq := 0
	batch := func(n int, kind, text string, notBefore time.Time) []store.NewNotice {
		var ns []store.NewNotice
		for range n {
			p := subs[seq%len(subs)]
			seq++
			ns = append(ns, store.NewNotice{Key: fmt.Sprintf("demo|%s|%d", kind, seq), Kind: kind, Subject: "demo", OpenID: p.openID,
				Text: text, Fields: map[string]string{"thing1": "法律知识讲座"}, NotBefore: notBefore})
		}
		return ns
	}
	// claimAndComplete enqueues ns due at at, claims them all there and
	// completes each with outcome(i).
	claimAndComplete := func(ns []store.NewNotice, at time.Time, outcome func(i int) store.NoticeOutcome) error {
		if _, err := l.st.EnqueueNotices(ctx, ns, at.Add(-time.Minute)); err != nil {
			return err
		}
		claimed, err := l.st.ClaimNotices(ctx, "demo", at, len(ns), time.Minute)
		if err != nil {
			return err
		}
		for i, n := range claimed {
			o := outcome(i)
			if err := l.st.CompleteNotice(ctx, n.ID, "demo", o, at.Add(time.Second)); err != nil {
				return err
			}
			l.sum.Notices[o.Status]++
		}
		return nil
	}
	for d := 30; d > 0; d -= 3 {
		at := l.day(-d, 9, 0)
		err := claimAndComplete(batch(12, scheduler.KindLectureNotice, "明天上午9:30 法律知识讲座，古槐社区活动室，欢迎参加。", time.Time{}), at,
			func(i int) store.NoticeOutcome {
				switch {
				case i%6 == 5:
					return store.NoticeOutcome{Status: store.NoticeSent, Channel: store.ChannelTemplate}
				case i == 4 && d%2 == 0:
					return store.NoticeOutcome{Status: store.NoticeUndeliverable, Channel: store.ChannelCustomer, Error: scheduler.WhyOutsideWindow + "," + scheduler.WhyNoSubscription + "," + scheduler.WhyNoTemplate}
				case i == 3 && d%9 == 0:
					return store.NoticeOutcome{Status: store.NoticeUndeliverable, Channel: store.ChannelCustomer, Error: scheduler.ReasonUnfollowed}
				case i == 2 && d%12 == 0:
					return store.NoticeOutcome{Status: store.NoticeFailed, Channel: store.ChannelCustomer, Error: "wxapi: message/custom/send: errcode=40003 errmsg=invalid openid"}
				}
				return store.NoticeOutcome{Status: store.NoticeSent, Channel: store.ChannelCustomer}
			})
		if err != nil {
			return fmt.Errorf("demo: notices: %w", err)
		}
	}
	err := claimAndComplete(batch(4, scheduler.KindActivityReminder, "您报名的活动明天14:00开始。", time.Time{}), l.day(-1, 14, 0),
		func(int) store.NoticeOutcome {
			return store.NoticeOutcome{Status: store.NoticePending, Channel: store.ChannelCustomer,
				Error: "wxapi: temporary: connection reset by peer", NextAttemptAt: l.now.Add(6 * time.Hour)}
		})
	if err != nil {
		return fmt.Errorf("demo: notices: %w", err)
	}
	// A batch some dispatcher holds (sending) for another day.
	sending := batch(3, scheduler.KindWeeklyReport, "上周共举办活动12场，服务时长86小时。", time.Time{})
	if _, err := l.st.EnqueueNotices(ctx, sending, l.now.Add(-2*time.Minute)); err != nil {
		return err
	}
	claimed, err := l.st.ClaimNotices(ctx, "demo-replica", l.now.Add(-time.Minute), len(sending), 24*time.Hour)
	if err != nil {
		return fmt.Errorf("demo: notices: %w", err)
	}
	l.sum.Notices[store.NoticeSending] += len(claimed)
	// Reminders of the coming days, pending until their time.
	later := batch(20, scheduler.KindLectureNotice, "后天上午9:30 法律知识讲座，古槐社区活动室。", l.day(2, 9, 30))
	n, err := l.st.EnqueueNotices(ctx, later, l.now)
	if err != nil {
		return fmt.Errorf("demo: notices: %w", err)
	}
	l.sum.Notices[store.NoticePending] += n
	return nil
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
