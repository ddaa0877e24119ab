package main

import (
	"bytes"
	"context"
	"encoding/json"
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
			"redis at " + silent + " did not answer within 5s"},
		{"Redis refusing connections", map[string]string{"ENVOYBOT_DATA_DIR": t.TempDir(), "ENVOYBOT_REDIS_URL": "redis://:s3cret@" + refused + "/0"},
			"redis at " + refused + " did not answer within 5s"},
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
