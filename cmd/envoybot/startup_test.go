package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"envoybot/store/storetest"
)

// TestStartFailsFastOnSilentServices: serve against a PostgreSQL or Redis
// that accepts connections and never answers exits 1 within the connect
// timeout, with JSON lines only (go-redis's own included) naming the host.
func TestStartFailsFastOnSilentServices(t *testing.T) {
	silent := storetest.SilentServer(t)
	refused := "127.0.0.1:1"
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"silent PostgreSQL", map[string]string{"ENVOYBOT_DATABASE_URL": "postgres://envoy:s3cret@" + silent + "/campaign?sslmode=disable"},
			"database at " + silent + "/campaign did not answer within 5s"},
		{"silent Redis", map[string]string{"ENVOYBOT_DATA_DIR": t.TempDir(), "ENVOYBOT_REDIS_URL": "redis://:s3cret@" + silent + "/0"},
			"redis at " + silent + " did not answer (gave up after"},
		{"Redis refusing connections", map[string]string{"ENVOYBOT_DATA_DIR": t.TempDir(), "ENVOYBOT_REDIS_URL": "redis://:s3cret@" + refused + "/0"},
			"redis at " + refused + " did not answer (gave up after"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["ENVOYBOT_ADDR"] = "127.0.0.1:0"
			var stdout, stderr bytes.Buffer
			start := time.Now()
			code := run(context.Background(), []string{"serve"}, func(k string) string { return tc.env[k] }, nil, &stdout, &stderr)
			took := time.Since(start)
			t.Logf("serve: exit %d after %s\n%s", code, took.Round(10*time.Millisecond), stderr.String())
			if code != 1 || took > 7*time.Second {
				t.Errorf("exit %d after %s, want 1 within the 5s connect timeout", code, took)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr does not say %q", tc.want)
			}
			if strings.Contains(stderr.String(), "s3cret") {
				t.Errorf("stderr shows the password")
			}
			for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
				if !json.Valid([]byte(line)) {
					t.Errorf("not a JSON log line: %q", line)
				}
			}
		})
	}
}

// TestCLIRefusesMissingDatabase: a CLI command run where there is no
// embedded database refuses, naming the path it looked at, and creates
// nothing; --init creates the database.
func TestCLIRefusesMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"ENVOYBOT_DATA_DIR": filepath.Join(dir, "data")}
	getenv := func(k string) string { return env[k] }
	for _, args := range [][]string{
		{"invite", "--role", "envoy", "--name", "李使者"},
		{"migrate"},
		{"jobs", "run", "outbox"},
		{"idkeys", "status"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, getenv, nil, &stdout, &stderr)
		want := "no embedded database at " + filepath.Join(dir, "data", "envoybot.db")
		if code != 1 || !strings.Contains(stderr.String(), want) || !strings.Contains(stderr.String(), "--init") {
			t.Errorf("%v: exit %d, stderr %q; want 1 saying %q and --init", args, code, stderr.String(), want)
		}
		if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
			t.Fatalf("%v created the data directory (%v)", args, err)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"invite", "--init", "--role", "envoy", "--name", "李使者"}, getenv, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("invite --init: exit %d\n%s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "envoybot.db")); err != nil {
		t.Fatalf("invite --init made no database: %v", err)
	}
	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"invite", "--role", "admin", "--name", "王科"}, getenv, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("invite on the database --init made: exit %d\n%s", code, stderr.String())
	}
}
