package configs

import "time"

// FollowerLimit caps how many messages one follower may send, counted in
// the shared cache so that every replica applies one limit: at most
// PerMinute in a clock minute, and at most Burst in any BurstWindow slot
// of it. A message over either gets one polite reply (the first in the
// minute) and then a plain "success", never the handler. Events are not
// counted (an unfollow or a scan must always get through).
type FollowerLimit struct {
	// PerMinute is the most messages a follower may send in a minute; 0
	// turns the limit off.
	PerMinute int `yaml:"per_minute"`
	// Burst is the most messages in one BurstWindow slot.
	Burst int `yaml:"burst"`
}

// BurstWindow is the slot FollowerLimit.Burst counts in.
const BurstWindow = 10 * time.Second

// DefaultDevAddr is where the server listens with the development token
// and no addr configured: the token is public and /dev/chat hands out
// invites, so only this machine may reach it.
const DefaultDevAddr = "127.0.0.1:8080"

// DefaultAddr is where a configured account's server listens when no addr
// is given.
const DefaultAddr = ":8080"

// defaultAddr fills in an unset Addr: loopback only while the public
// development token is in use.
func (c *Config) defaultAddr() {
	if c.Addr != "" {
		return
	}
	c.Addr = DefaultAddr
	if c.UsingDevToken() {
		c.Addr = DefaultDevAddr
	}
}

// validateLimits checks the follower limit.
func (c *Config) validateLimits() error {
	l := c.WeChat.FollowerLimit
	if l.PerMinute < 0 {
		return c.keyErr("wechat.follower_limit.per_minute", "must be 0 (off) or more, got %d", l.PerMinute)
	}
	if l.PerMinute > 0 && (l.Burst < 1 || l.Burst > l.PerMinute) {
		return c.keyErr("wechat.follower_limit.burst", "must be between 1 and per_minute (%d), got %d", l.PerMinute, l.Burst)
	}
	return nil
}
