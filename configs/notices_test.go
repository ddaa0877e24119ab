package configs

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNoticesPaceDefaults(t *testing.T) {
	c := mustLoad(t, nil)
	if n := c.Notices; n.Concurrency != 16 || n.FlushInterval != 200*time.Millisecond || n.Batch != 100 || n.Lease != 2*time.Minute {
		t.Errorf("notices = concurrency %d, flush_interval %s, batch %d, lease %s; want 16, 200ms, 100, 2m",
			n.Concurrency, n.FlushInterval, n.Batch, n.Lease)
	}
}

func TestNoticesPaceLimits(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, key, msg string
	}{
		{"no sends in flight", "notices: {concurrency: 0}", "notices.concurrency", "between 1 and 256, got 0"},
		{"too many sends in flight", "notices: {concurrency: 257}", "notices.concurrency", "between 1 and 256, got 257"},
		{"no flush interval", "notices: {flush_interval: 0s}", "notices.flush_interval", "positive and at most a tenth of notices.lease (12s), got 0s"},
		{"flush interval near the lease", "notices: {lease: 100s, flush_interval: 11s}", "notices.flush_interval", "at most a tenth of notices.lease (10s), got 11s"},
		{"a batch the rate cannot send within the lease", "notices: {batch: 1000, rate_per_second: 20}", "notices.lease",
			"at least 4 × batch / rate_per_second (3m20s), got 2m0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(env(map[string]string{"ENVOYBOT_CONFIG": writeFile(t, "envoybot.yaml", tc.yaml)}))
			var ke *KeyError
			if !errors.As(err, &ke) || ke.Key != tc.key || !strings.Contains(ke.Msg, tc.msg) {
				t.Errorf("Load = %v, want %s: …%s", err, tc.key, tc.msg)
			}
		})
	}
	for _, ok := range []string{
		"notices: {concurrency: 1, flush_interval: 1ms}",
		"notices: {concurrency: 256, batch: 1000, rate_per_second: 20, lease: 200s}",
	} {
		if _, err := Load(env(map[string]string{"ENVOYBOT_CONFIG": writeFile(t, "envoybot.yaml", ok)})); err != nil {
			t.Errorf("Load(%s) = %v, want it accepted", ok, err)
		}
	}
}
