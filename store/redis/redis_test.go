package redis_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/redis"
	"envoybot/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.RunCacheConformance(t, func(t *testing.T) store.Cache { return storetest.OpenRedisCache(t) })
}

func TestPrefix(t *testing.T) {
	t.Run("caches with different prefixes do not see each other", func(t *testing.T) {
		a, b := storetest.OpenRedisCache(t), storetest.OpenRedisCache(t)
		if err := a.Set(t.Context(), "k", "a", time.Minute); err != nil {
			t.Fatalf("Set: %v", err)
		}
		if _, ok, err := b.Get(t.Context(), "k"); err != nil || ok {
			t.Fatalf("Get through another prefix = %v, %v; want absent", ok, err)
		}
	})
}

func TestOpen(t *testing.T) {
	t.Run("an unreachable server is unavailable", func(t *testing.T) {
		_, err := redis.Open(t.Context(), "redis://127.0.0.1:1/0?max_retries=-1", "x:")
		if store.ErrorCode(err) != store.EUNAVAILABLE {
			t.Fatalf("Open = %v, want code %s", err, store.EUNAVAILABLE)
		}
	})
}

func TestOpenTimeout(t *testing.T) {
	t.Run("a server that never answers fails the start in bounded time, naming it", func(t *testing.T) {
		addr := storetest.SilentServer(t)
		start := time.Now()
		_, err := redis.Open(t.Context(), "redis://:s3cret@"+addr+"/0", "x:")
		took := time.Since(start)
		t.Logf("redis.Open on a silent server: %v after %s", err, took.Round(10*time.Millisecond))
		if store.ErrorCode(err) != store.EUNAVAILABLE {
			t.Fatalf("Open = %v, want code %s", err, store.EUNAVAILABLE)
		}
		if took > redis.ConnectTimeout+time.Second {
			t.Errorf("failed after %s, want within %s", took, redis.ConnectTimeout)
		}
		msg := err.Error()
		if !strings.Contains(msg, "redis at "+addr) || !strings.Contains(msg, "gave up after ") {
			t.Errorf("error %q does not name %s and how long it waited", msg, addr)
		}
		if strings.Contains(msg, "s3cret") {
			t.Errorf("error %q shows the password", msg)
		}
	})
}

func TestLogger(t *testing.T) {
	t.Run("go-redis's own lines go to the JSON log", func(t *testing.T) {
		var buf bytes.Buffer
		redis.SetLogger(slog.New(slog.NewJSONHandler(&buf, nil)))
		t.Cleanup(func() { redis.SetLogger(slog.New(slog.NewTextHandler(os.Stderr, nil))) })
		c := storetest.OpenRedisCache(t)
		// go-redis logs that it truncates a sub-millisecond expiry.
		if err := c.Set(t.Context(), "k", "v", 500*time.Microsecond); err != nil {
			t.Fatalf("Set: %v", err)
		}
		line := strings.TrimSpace(buf.String())
		t.Logf("go-redis line: %s", line)
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log %q is not one JSON line: %v", line, err)
		}
		if rec["component"] != "redis" || rec["level"] != "WARN" || !strings.Contains(rec["msg"].(string), "truncating to 1ms") {
			t.Errorf("log line = %v, want a WARN of component redis about the truncation", rec)
		}
	})
}
