package redis_test

import (
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
