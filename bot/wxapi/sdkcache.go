package wxapi

import (
	"context"
	"fmt"
	"time"

	"envoybot/store"
)

// sdkCache adapts store.Cache (go-redis v9 or in-process) to the SDK's
// cache.ContextCache, whose own Redis cache is built on go-redis v8.
// Values are stored as strings, which is all the SDK keeps (tokens, tickets).
type sdkCache struct{ c store.Cache }

func (s sdkCache) Get(key string) any { return s.GetContext(context.Background(), key) }

func (s sdkCache) Set(key string, val any, timeout time.Duration) error {
	return s.SetContext(context.Background(), key, val, timeout)
}

func (s sdkCache) IsExist(key string) bool { return s.IsExistContext(context.Background(), key) }

func (s sdkCache) Delete(key string) error { return s.DeleteContext(context.Background(), key) }

func (s sdkCache) GetContext(ctx context.Context, key string) any {
	v, ok, err := s.c.Get(ctx, "sdk:"+key)
	if err != nil || !ok {
		return nil
	}
	return v
}

func (s sdkCache) SetContext(ctx context.Context, key string, val any, timeout time.Duration) error {
	return s.c.Set(ctx, "sdk:"+key, fmt.Sprint(val), timeout)
}

func (s sdkCache) IsExistContext(ctx context.Context, key string) bool {
	_, ok, err := s.c.Get(ctx, "sdk:"+key)
	return err == nil && ok
}

func (s sdkCache) DeleteContext(ctx context.Context, key string) error {
	return s.c.Delete(ctx, "sdk:"+key)
}
