package main

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// SetupSummary is what wxload did before the measured run.
type SetupSummary struct {
	Registered int     `json:"users_registered"`
	Envoy      string  `json:"envoy,omitempty"`
	Published  string  `json:"activity_published,omitempty"`
	Seconds    float64 `json:"seconds"`
}

// Name parts for the pool's volunteers; the parser wants a real-looking
// Chinese name, not one with digits.
var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	givens   = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平")
)

func volunteerName(i int) string {
	return string([]rune{surnames[i%len(surnames)], givens[i/len(surnames)%len(givens)], givens[i%len(givens)]})
}

var activityCode = regexp.MustCompile(`A\d+`)

// setUp binds an envoy and publishes an activity when given an invite, then
// registers every user of the pool once, through chat as people would.
func (l *loader) setUp(ctx context.Context, log *slog.Logger) (*SetupSummary, error) {
	start := time.Now()
	sum := &SetupSummary{}
	if l.o.Invite != "" {
		code, err := l.publish(ctx, log)
		if err != nil {
			return sum, fmt.Errorf("set-up: %w", err)
		}
		sum.Envoy, sum.Published = l.o.Prefix+"envoy", code
		if l.o.Activity == "" {
			l.o.Activity = code
		}
	}
	var registered atomic.Int64
	var failed atomic.Int64
	var firstErr sync.Once
	var setupErr error
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(l.o.Concurrency, 16) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(l.users) {
					return
				}
				text := fmt.Sprintf("注册 %s 139%08d 古槐社区", volunteerName(l.o.First+i), l.o.First+i)
				out := l.send(ctx, "register", l.users[i], text)
				if out.Err != "" || !(strings.Contains(out.Reply, "注册成功") || strings.Contains(out.Reply, "资料已更新")) {
					failed.Add(1)
					firstErr.Do(func() { setupErr = fmt.Errorf("register %s: %s %q", l.users[i], out.Err, out.Reply) })
					continue
				}
				registered.Add(1)
			}
		})
	}
	wg.Wait()
	sum.Registered = int(registered.Load())
	sum.Seconds = round3(time.Since(start).Seconds())
	if setupErr != nil {
		return sum, fmt.Errorf("set-up: %d of %d registrations failed, first: %w", failed.Load(), len(l.users), setupErr)
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	log.Info("set-up done", slog.Int("registered", sum.Registered), slog.String("activity", l.o.Activity), slog.Float64("seconds", sum.Seconds))
	return sum, nil
}

// publish binds the envoy with the invite and publishes an activity whose
// check-in window is open for the next hours, returning its code.
func (l *loader) publish(ctx context.Context, log *slog.Logger) (string, error) {
	envoy := l.o.Prefix + "envoy"
	steps := []struct{ text, want string }{
		{"绑定 " + l.o.Invite, "绑定成功"},
		{"联系点 古槐社区", "联系点"},
		{publishText(time.Now()), "活动已发布"},
	}
	var reply string
	for _, s := range steps {
		out := l.send(ctx, "setup", envoy, s.text)
		if out.Err != "" || !strings.Contains(out.Reply, s.want) {
			return "", fmt.Errorf("%q: %s %q", s.text, out.Err, out.Reply)
		}
		reply = out.Reply
	}
	code := activityCode.FindString(reply)
	if code == "" {
		return "", fmt.Errorf("no activity code in %q", reply)
	}
	log.Info("activity published", slog.String("envoy", envoy), slog.String("activity", code))
	return code, nil
}

// publishText is a 发布活动 command for an activity starting ten minutes
// after now (check-in opens 30 minutes before the start) and lasting the
// next four hours (at most to the end of the day), with a quota no load run fills; close to midnight it is
// tomorrow morning's, and check-ins get the window reply.
func publishText(now time.Time) string {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	start := now.In(loc).Add(10 * time.Minute).Truncate(time.Minute)
	end := start.Add(4 * time.Hour)
	if end.Day() != start.Day() {
		end = time.Date(start.Year(), start.Month(), start.Day(), 23, 59, 0, 0, loc)
	}
	if end.Sub(start) < 30*time.Minute {
		y, m, d := now.In(loc).AddDate(0, 0, 1).Date()
		start = time.Date(y, m, d, 9, 0, 0, 0, loc)
		end = start.Add(4 * time.Hour)
	}
	return fmt.Sprintf("发布活动 压测活动 %d月%d日 %s-%s 古槐社区活动室 关爱困难群体 名额99999",
		start.Month(), start.Day(), start.Format("15:04"), end.Format("15:04"))
}
