package memory

import (
	"testing"
	"time"
)

func TestSweep(t *testing.T) {
	t.Run("drops expired entries nobody reads", func(t *testing.T) {
		c := New()
		defer c.Close()
		ctx := t.Context()
		c.Set(ctx, "old", "v", time.Minute)
		c.Set(ctx, "new", "v", time.Hour)
		c.Set(ctx, "forever", "v", 0)
		c.sweep(time.Now().Add(2 * time.Minute))
		c.mu.Lock()
		defer c.mu.Unlock()
		if _, ok := c.entries["old"]; ok {
			t.Errorf("expired entry kept")
		}
		if len(c.entries) != 2 {
			t.Errorf("%d entries after sweep, want 2", len(c.entries))
		}
	})

	t.Run("close stops the sweeper and may repeat", func(t *testing.T) {
		c := New()
		c.Close()
		c.Close()
		select {
		case <-c.done:
		default:
			t.Fatal("sweeper still running after Close")
		}
	})
}
