package storetest

import (
	"fmt"
	"testing"
	"time"

	"envoybot/store"
)

// BenchmarkEnqueue enqueues a fan-out of n lecture notices (one lecture
// session, n subscribers) per iteration into s, each iteration about
// another session so that every notice is new, and reports notices/s. It
// skips in short mode.
func BenchmarkEnqueue(b *testing.B, s store.Store, n int) {
	if testing.Short() {
		b.Skip("enqueue benchmark skipped in short mode")
	}
	at := time.Date(2026, 12, 5, 9, 30, 0, 0, shanghai)
	iteration := 0
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		session := at.Add(time.Duration(iteration) * 24 * time.Hour).Format(time.RFC3339)
		ns := make([]store.NewNotice, n)
		for i := range ns {
			openID := fmt.Sprintf("o-bench-%06d", i)
			ns[i] = store.NewNotice{
				Key:       fmt.Sprintf("lecture_notice|L1|%s|%s|24h", session, openID),
				Kind:      "lecture_notice",
				Subject:   "L1",
				OpenID:    openID,
				Text:      "明天上午9:30 法律知识讲座，古槐社区活动室",
				Fields:    map[string]string{"thing1": "法律知识讲座", "time2": session},
				NotBefore: at.Add(-24 * time.Hour),
			}
		}
		iteration++
		b.StartTimer()
		start := time.Now()
		added, err := s.EnqueueNotices(b.Context(), ns, at)
		total += time.Since(start)
		if err != nil || added != n {
			b.Fatalf("EnqueueNotices = %d, %v; want %d new", added, err, n)
		}
	}
	b.ReportMetric(float64(n*iteration)/total.Seconds(), "notices/s")
}
