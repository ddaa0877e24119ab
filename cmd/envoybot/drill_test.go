package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"envoybot/bot/wechattest"
	"envoybot/bot/wxsign"
	"envoybot/store"
	"envoybot/store/storetest"
)

// Fault drills stop the machine's PostgreSQL or Redis in the middle of a
// load, so they run only when asked (.ci/run does, after the other tests):
// ENVOYBOT_DRILLS=1 with the commands that stop and start each service.
const (
	drillsEnv     = "ENVOYBOT_DRILLS"
	pgStopEnv     = "ENVOYBOT_DRILL_PG_STOP"
	pgStartEnv    = "ENVOYBOT_DRILL_PG_START"
	redisStopEnv  = "ENVOYBOT_DRILL_REDIS_STOP"
	redisStartEnv = "ENVOYBOT_DRILL_REDIS_START"
)

// drillResult is one request of the drill's load.
type drillResult struct {
	at      time.Duration // since the load began
	took    time.Duration
	openID  string
	reply   string
	err     error
	signup  bool
	success bool // a sign-up acknowledged as done
}

func TestDrill(t *testing.T) {
	if os.Getenv(drillsEnv) != "1" {
		t.Skipf("fault drills skipped: set %s=1 and the %s/%s/%s/%s commands to run them (they stop shared services)",
			drillsEnv, pgStopEnv, pgStartEnv, redisStopEnv, redisStartEnv)
	}
	for _, d := range []struct{ name, stop, start string }{
		{"PostgreSQL stopped", os.Getenv(pgStopEnv), os.Getenv(pgStartEnv)},
		{"Redis stopped", os.Getenv(redisStopEnv), os.Getenv(redisStartEnv)},
	} {
		t.Run(d.name, func(t *testing.T) {
			if d.stop == "" || d.start == "" {
				t.Fatalf("%s=1 but the stop/start commands are not set", drillsEnv)
			}
			runDrill(t, d.stop, d.start)
		})
	}
}

func shell(t *testing.T, command string) {
	t.Helper()
	out, err := exec.Command("bash", "-c", command).CombinedOutput()
	if err != nil {
		t.Logf("%s: %v\n%s", command, err, out)
	}
}

// runDrill sends sign-ups and help messages, stops the service at 3 s and
// starts it again 4 s after it stopped, goes on for 5 s more, then checks every request was answered in
// time and every acknowledged sign-up is in the database.
func runDrill(t *testing.T, stop, start string) {
	env := map[string]string{"ENVOYBOT_DATABASE_URL": storetest.PostgresSchemaURL(t), "ENVOYBOT_REDIS_URL": redisURL(t),
		"ENVOYBOT_REDIS_PREFIX": fmt.Sprintf("envoybot-drill-%d:", time.Now().UnixNano())}
	api := wechattest.NewFakeAPI(t)
	before := runtime.NumGoroutine()
	r := startWith(t, env, api)
	tr := transcript{t: t, r: r}
	code, err := createInvite(context.Background(), r.app.store, drillInvite(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tr.say("使者", "o-envoy", "绑定 "+code, "成功")
	act := codePattern.FindString(tr.say("使者", "o-envoy", "发布活动 防汛演练 12月31日 9:00-11:00 古槐社区 平安和谐 名额9999 古槐社区", "报名"))

	client := &http.Client{Timeout: 10 * time.Second}
	var mu sync.Mutex
	var results []drillResult
	began := time.Now()
	// The load goes on until 5 s after the restart: stopping the service
	// can take seconds on a busy machine (PostgreSQL's shutdown checkpoint).
	load, stopLoad := context.WithCancel(context.Background())
	defer stopLoad()
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; load.Err() == nil; i++ {
				openID := fmt.Sprintf("o-drill-%d-%d", w, i)
				text, signup := "帮助", i%2 == 0
				if signup {
					name := []string{"周", "吴", "郑", "王", "冯", "陈", "褚", "卫"}[w] + []string{"志强", "秀英", "建国", "丽华", "明", "芳"}[i%6]
					text = fmt.Sprintf("报名 %s %s 139%04d%04d", act, name, w, i)
				}
				res := drillResult{at: time.Since(began), openID: openID, signup: signup}
				t0 := time.Now()
				resp, err := client.Do(r.signer.Post(r.url+"/wechat", r.signer.TextXML(openID, text, wxsign.NextMsgID()), i%3 == 0))
				if err == nil {
					res.reply, err = r.signer.ReadReply(resp, i%3 == 0)
				}
				res.took, res.err = time.Since(t0), err
				res.success = signup && strings.Contains(res.reply, "报名成功")
				mu.Lock()
				results = append(results, res)
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	time.Sleep(3 * time.Second)
	stopAt := time.Since(began)
	shell(t, stop)
	time.Sleep(4 * time.Second)
	startAt := time.Since(began)
	shell(t, start)
	time.Sleep(5 * time.Second)
	stopLoad()
	wg.Wait()

	var late, failed, busy, acked int
	var slowest time.Duration
	firstOKAfterStart := time.Duration(-1)
	sort.Slice(results, func(i, j int) bool { return results[i].at < results[j].at })
	for _, res := range results {
		switch {
		case res.err != nil:
			failed++
		case res.took > 5*time.Second:
			late++
		}
		if res.took > slowest {
			slowest = res.took
		}
		if strings.Contains(res.reply, "系统繁忙") {
			busy++
		}
		if res.success {
			acked++
		}
		if res.at > startAt && res.err == nil && !strings.Contains(res.reply, "系统繁忙") && res.reply != "" && firstOKAfterStart < 0 {
			firstOKAfterStart = res.at - startAt
		}
	}
	t.Logf("stopped at %s, started at %s: %d requests, %d answered (%d in time, slowest %s), %d busy replies, first good reply %s after the restart",
		stopAt.Round(time.Millisecond), startAt.Round(time.Millisecond), len(results), len(results)-failed, len(results)-failed-late,
		slowest.Round(time.Millisecond), busy, firstOKAfterStart.Round(time.Millisecond))
	if failed > 0 || late > 0 {
		t.Errorf("%d requests unanswered and %d answered after 5 s", failed, late)
	}
	if firstOKAfterStart < 0 || firstOKAfterStart > 5*time.Second {
		t.Errorf("service came back %s after the restart, want within 5 s", firstOKAfterStart)
	}
	ss, err := r.app.store.ListActivitySignups(context.Background(), act)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, s := range ss {
		found[s.OpenID] = true
	}
	lost := 0
	for _, res := range results {
		if res.success && !found[res.openID] {
			lost++
		}
	}
	t.Logf("sign-ups acknowledged: %d; found in the database: %d of them (%d rows in all)", acked, acked-lost, len(ss))
	if lost > 0 {
		t.Errorf("%d acknowledged sign-ups are not in the database", lost)
	}
	r.stop(t)
	time.Sleep(500 * time.Millisecond)
	if after := runtime.NumGoroutine(); after > before+20 {
		t.Errorf("%d goroutines after the drill, %d before", after, before)
	}
}

func drillInvite() store.NewInvite {
	return store.NewInvite{Role: store.RoleEnvoy, Name: "演练使者", EnvoyKind: "和谐使者", ExpiresAt: time.Now().Add(time.Hour)}
}

// startWith is start under another name: inside runDrill, start is the
// service's start command.
var startWith = start
