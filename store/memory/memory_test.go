package memory_test

import (
	"testing"

	"envoybot/store"
	"envoybot/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.RunCacheConformance(t, func(t *testing.T) store.Cache { return storetest.OpenMemoryCache(t) })
}
