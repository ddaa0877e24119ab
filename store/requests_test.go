package store

import (
	"testing"
	"time"
)

// TestSummariseRequests: counts by status, medians of time to take and to
// finish over the requests that got there, the average rating.
func TestSummariseRequests(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	rs := []*HelpRequest{
		{Community: "古槐社区", Status: RequestDone, CreatedAt: at, TakenAt: at.Add(time.Hour), CheckOutAt: at.Add(5 * time.Hour), Rating: 5, ResidentID: 1, FiledBy: 1, ConfirmedMinutes: 60},
		{Community: "古槐社区", Status: RequestTaken, CreatedAt: at, TakenAt: at.Add(3 * time.Hour), ResidentID: 2, FiledBy: 2, ConfirmedMinutes: -1},
		{Community: "古槐社区", Status: RequestOpen, CreatedAt: at, FiledBy: 3, ResidentName: "王奶奶", Escalation: EscalationAdmins, ConfirmedMinutes: -1},
		{Community: "运河社区", Status: RequestDone, CreatedAt: at, TakenAt: at.Add(30 * time.Minute), CheckOutAt: at.Add(2 * time.Hour), Rating: 4, ResidentID: 4, FiledBy: 4, ConfirmedMinutes: -1},
	}
	got := SummariseRequests(rs)
	if len(got) != 2 || got[0].Community != "古槐社区" || got[1].Community != "运河社区" {
		t.Fatalf("communities = %+v", got)
	}
	g := got[0]
	if g.Total != 3 || g.ByStatus[RequestOpen] != 1 || g.ByStatus[RequestTaken] != 1 || g.ByStatus[RequestDone] != 1 {
		t.Errorf("counts = %+v", g)
	}
	if g.MedianToTake != 2*time.Hour || g.MedianToFinish != 5*time.Hour || g.AverageRating != 5 || g.OnBehalf != 1 || g.ToAdmins != 1 || g.ConfirmedMinutes != 60 {
		t.Errorf("古槐社区 = %+v", g)
	}
	if got[1].MedianToTake != 30*time.Minute || got[1].AverageRating != 4 {
		t.Errorf("运河社区 = %+v", got[1])
	}
	if median(nil) != 0 {
		t.Error("median of none")
	}
}
