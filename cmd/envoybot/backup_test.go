package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"envoybot/configs"
)

// serveDataDir opens envoybot on the embedded store in dir as serve does
// (the demo's campaign included) and serves it over HTTP.
func serveDataDir(t *testing.T, dir string) *running {
	t.Helper()
	cfg := loadConfig(t, map[string]string{"ENVOYBOT_DATA_DIR": dir})
	if _, err := cfg.UseDemoCampaign(); err != nil {
		t.Fatal(err)
	}
	r := serveDev(t, cfg, time.Now)
	return r
}

// TestBackupUnderWriteLoadRestores: `envoybot backup DIR` of a live
// embedded database, taken while chat registrations pour in through
// /wechat, is a consistent snapshot (the registrations in it are exactly
// the first k of the sequence), and restored into a fresh data directory
// it serves the same data: the same replies to the same questions.
func TestBackupUnderWriteLoadRestores(t *testing.T) {
	live, backup, restored := t.TempDir(), filepath.Join(t.TempDir(), "backup"), t.TempDir()
	if code, _, stderr := runDemoCommand(t, map[string]string{"ENVOYBOT_DATA_DIR": live}); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	src := serveDataDir(t, live)

	var wrote atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			reply := src.say(t, fmt.Sprintf("load-%05d", i), fmt.Sprintf("注册 压测%d 171%08d 古槐社区", i, i), false)
			if !strings.Contains(reply, "注册成功") {
				t.Errorf("registration %d: %q", i, reply)
				return
			}
			wrote.Store(int64(i + 1))
		}
	})
	for wrote.Load() < 20 {
		time.Sleep(10 * time.Millisecond)
	}
	var stdout, stderr bytes.Buffer
	before := wrote.Load()
	code := run(context.Background(), []string{"backup", backup}, func(k string) string {
		return map[string]string{"ENVOYBOT_DATA_DIR": live}[k]
	}, nil, &stdout, &stderr)
	atBackup := wrote.Load()
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	t.Logf("envoybot backup (exit %d), %d registrations written before it began, %d when it ended, %d in all:\n%s%s",
		code, before, atBackup, wrote.Load(), stdout.String(), stderr.String())
	if code != 0 || !strings.Contains(stdout.String(), "integrity ok") {
		t.Fatalf("backup: exit %d", code)
	}
	if wrote.Load() <= atBackup {
		t.Errorf("no registration was written after the backup: the load did not overlap it")
	}

	// Restore as the output says: the file into a fresh data directory.
	for _, name := range []string{"envoybot.db", configs.DemoCampaignFile} {
		data, err := os.ReadFile(filepath.Join(backup, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(restored, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dst := serveDataDir(t, restored)

	// A consistent snapshot: registrations 0..k-1 and none after.
	k := 0
	for ; k < int(wrote.Load()); k++ {
		if _, err := dst.app.store.FindUserByOpenID(context.Background(), fmt.Sprintf("load-%05d", k)); err != nil {
			break
		}
	}
	for j := k; j < int(wrote.Load()); j++ {
		if _, err := dst.app.store.FindUserByOpenID(context.Background(), fmt.Sprintf("load-%05d", j)); err == nil {
			t.Fatalf("the backup has registration %d but not %d: not one snapshot", j, k)
		}
	}
	t.Logf("the backup holds registrations 0..%d of %d written (%d before the backup began, %d when it ended)", k-1, wrote.Load(), before, atBackup)
	if k < int(before) || k > int(atBackup) {
		t.Errorf("the backup holds %d registrations, want between the %d committed before it began and the %d when it ended", k, before, atBackup)
	}

	// The same data: the same answers, from the demo's people and the
	// loaded ones.
	for _, q := range []struct{ openID, text string }{
		{"demo-v-001", "我的时长"}, {"demo-v-002", "我的报名"}, {"demo-v-017", "我的时长"}, {"demo-e-00", "进度"},
		{"demo-e-12", "进度"}, {"demo-e-25", "进度"}, {"demo-v-003", "讲座"}, {"load-00003", "我的报名"},
	} {
		want, got := src.say(t, q.openID, q.text, false), dst.say(t, q.openID, q.text, false)
		if got != want {
			t.Errorf("%s %s: restored answers %q, live %q", q.openID, q.text, got, want)
		}
	}
	t.Logf("进度 of a red envoy on the restored server: %q", dst.say(t, "demo-e-25", "进度", false))
}

// TestBackupRefusals: an existing backup is never overwritten, and
// PostgreSQL gets the pg_dump line.
func TestBackupRefusals(t *testing.T) {
	live := t.TempDir()
	if code, _, stderr := runDemoCommand(t, map[string]string{"ENVOYBOT_DATA_DIR": live}); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	env := func(k string) string { return map[string]string{"ENVOYBOT_DATA_DIR": live}[k] }
	dir := t.TempDir()
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"backup", dir}, env, nil, &out, &errs); code != 0 {
		t.Fatalf("backup: %d %s", code, errs.String())
	}
	errs.Reset()
	if code := run(context.Background(), []string{"backup", dir}, env, nil, &out, &errs); code != 1 || !strings.Contains(errs.String(), "never overwrites") {
		t.Errorf("second backup into %s: exit %d %q", dir, code, errs.String())
	}
	errs.Reset()
	pg := func(k string) string {
		return map[string]string{"ENVOYBOT_DATABASE_URL": "postgres://envoy:s3cret@db.example:5432/envoybot"}[k]
	}
	if code := run(context.Background(), []string{"backup", dir}, pg, nil, &out, &errs); code != 2 || !strings.Contains(errs.String(), "pg_dump --format=custom") || strings.Contains(errs.String(), "s3cret") {
		t.Errorf("backup on PostgreSQL: exit %d %q", code, errs.String())
	}
}
