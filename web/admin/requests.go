package admin

import (
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"envoybot/store"
)

// Issue 15: residents' help requests (点单—派单—评单) on the dashboard:
// the list with filters, per community the requests by status, the
// median time to take and to finish and the ratings, a chart of both,
// and each community's points leaderboard (names of those who opted in).

// requestStatusText names request statuses in Chinese.
var requestStatusText = map[string]string{
	store.RequestOpen: "待接单", store.RequestTaken: "已接单", store.RequestDone: "已完成", store.RequestCancelled: "已撤销",
}

// requestStatuses are the statuses in the order they are shown.
var requestStatuses = []string{store.RequestOpen, store.RequestTaken, store.RequestDone, store.RequestCancelled}

// leaderboardSize is how many volunteers each community's board lists.
const leaderboardSize = 10

// requestsView is the requests page.
type requestsView struct {
	Communities, Statuses []string
	Community, Status     string
	From, To              string
	Rows                  []*store.HelpRequest
	More                  int
	Stats                 []store.CommunityRequestStats
	Charts                []chart
	Boards                []leaderboard
	LocalTime             func(time.Time) string
	StatusText            map[string]string
	Duration              func(time.Duration) string
	Rating                func(float64) string
}

// leaderboard is one community's top volunteers by points.
type leaderboard struct {
	Community string
	Rows      []leaderRow
}

// leaderRow is one place on a leaderboard; Name is "" for a volunteer who
// did not opt in.
type leaderRow struct {
	Rank          int
	Name          string
	Hours, Points string
	Star          string
}

// requestsPage lists requests with their summary, chart and leaderboards.
func (s *server) requestsPage(w http.ResponseWriter, r *http.Request, ss *session) {
	q := r.URL.Query()
	v := requestsView{Community: q.Get("community"), Status: q.Get("status"), From: q.Get("from"), To: q.Get("to"),
		Statuses: requestStatuses, LocalTime: s.localTime, StatusText: requestStatusText, Duration: waitText,
		Rating: func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }}
	var bad []string
	if v.Status != "" && requestStatusText[v.Status] == "" {
		bad = append(bad, "状态只能是：待接单、已接单、已完成、已撤销")
		v.Status = ""
	}
	f := store.HelpRequestFilter{Community: v.Community, Status: v.Status}
	f.From, f.To, bad = s.parseDays(&v.From, &v.To, bad)
	ctx := r.Context()
	var err error
	if v.Communities, err = s.communityNames(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := s.st.ListHelpRequests(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Rows = all
	if len(all) > listLimit {
		v.Rows, v.More = all[:listLimit], len(all)-listLimit
	}
	v.Stats = store.SummariseRequests(all)
	sort.SliceStable(v.Stats, func(i, j int) bool { return v.Stats[i].Community < v.Stats[j].Community })
	v.Charts = requestCharts(v.Stats)
	standings, err := s.st.CommunityStandings(ctx, v.Community)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Boards = s.leaderboards(standings)
	s.renderAuthed(w, r, ss, "requests", page{Title: "居民求助", Nav: "requests", Data: v, Error: strings.Join(bad, "；")})
}

// requestCharts are the requests per community by status, and the median
// time to take per community.
func requestCharts(stats []store.CommunityRequestStats) []chart {
	cats := make([]string, len(stats))
	ss := make([]series, len(requestStatuses))
	for j, st := range requestStatuses {
		ss[j] = series{Name: requestStatusText[st], Fill: palette[j%len(palette)], Values: make([]int, len(stats))}
	}
	var bars []hbar
	for i, c := range stats {
		cats[i] = c.Community
		for j, st := range requestStatuses {
			ss[j].Values[i] = c.ByStatus[st]
		}
		if c.MedianToTake > 0 {
			bars = append(bars, hbar{Label: c.Community, Value: c.MedianToTake.Hours(), ValueText: waitText(c.MedianToTake)})
		}
	}
	return []chart{
		stackedColumns("requests-by-status", "各社区居民求助（按状态）", "每个社区收到的居民求助数，按待接单、已接单、已完成、已撤销分段。", "社区", "求助（条）", cats, ss),
		horizontalBars("requests-time-to-take", "接单用时中位数", "每个社区从居民求助到有人接单所用时间的中位数（只计已接单的求助）。", "小时", "社区", bars),
	}
}

// waitText writes a duration as 小时 and 分钟.
func waitText(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m < 60:
		return fmt.Sprintf("%d分钟", m)
	case m%60 == 0:
		return fmt.Sprintf("%d小时", m/60)
	}
	return fmt.Sprintf("%d小时%d分钟", m/60, m%60)
}

// leaderboards ranks each community's volunteers by points.
func (s *server) leaderboards(standings []store.VolunteerStanding) []leaderboard {
	p := s.cfg.Requests.Points
	byCommunity := map[string][]store.VolunteerStanding{}
	var names []string
	for _, st := range standings {
		if _, ok := byCommunity[st.Community]; !ok {
			names = append(names, st.Community)
		}
		byCommunity[st.Community] = append(byCommunity[st.Community], st)
	}
	sort.Strings(names)
	var out []leaderboard
	for _, c := range names {
		list := byCommunity[c]
		sort.SliceStable(list, func(i, j int) bool {
			return p.Earned(list[i].Minutes, list[i].Rated5) > p.Earned(list[j].Minutes, list[j].Rated5)
		})
		b := leaderboard{Community: c}
		for i, st := range list {
			if i == leaderboardSize {
				break
			}
			row := leaderRow{Rank: i + 1, Hours: formatHours(st.Minutes), Points: strconv.FormatFloat(math.Round(p.Earned(st.Minutes, st.Rated5)*10)/10, 'f', -1, 64)}
			if st.Public {
				row.Name = st.Name
			}
			if star, _ := p.StarAt(float64(st.Minutes) / 60); star != nil {
				row.Star = star.Name
			}
			b.Rows = append(b.Rows, row)
		}
		out = append(out, b)
	}
	return out
}
