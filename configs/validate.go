package configs

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"envoybot/store"
)

// KeyError is a configuration value that is wrong. Key is the environment
// variable when the value came from the environment, the YAML key path
// (wechat.aes_key) otherwise; the message fits on one line of a log.
type KeyError struct {
	Key string
	Msg string
}

// Error implements the error interface.
func (e *KeyError) Error() string { return "config: " + e.Key + ": " + e.Msg }

// Validate checks every value and returns a *KeyError naming the first bad
// one, so that a misconfigured server refuses to start with a clear line.
func (c *Config) Validate() error {
	for _, check := range []func() error{c.validateServer, c.validateWeChat, c.validateRules, c.validateNotices, c.validateAdmin, c.validateCampaign, c.validateLimits, c.validateRecords, c.validateRequests} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// keyErr builds a *KeyError for the YAML key path, named as the operator
// set it.
func (c *Config) keyErr(path, format string, args ...any) *KeyError {
	key := path
	if env, ok := c.sources[path]; ok {
		key = env
	}
	return &KeyError{Key: key, Msg: fmt.Sprintf(format, args...)}
}

// validateServer checks the top-level keys.
func (c *Config) validateServer() error {
	if err := checkAddr(c.Addr); err != nil {
		return c.keyErr("addr", "%s", err)
	}
	if c.MetricsOn() {
		if err := checkAddr(c.MetricsAddr); err != nil {
			return c.keyErr("metrics_addr", "%s", err)
		}
		if c.MetricsAddr == c.Addr {
			return c.keyErr("metrics_addr", "must differ from addr (%s): /metrics is kept off the public listener", c.Addr)
		}
	}
	if c.PprofAddr != "" {
		if err := checkAddr(c.PprofAddr); err != nil {
			return c.keyErr("pprof_addr", "%s", err)
		}
	}
	if c.DataDir == "" {
		return c.keyErr("data_dir", "must name a directory for the embedded database")
	}
	if c.DatabaseURL != "" {
		if err := checkURL(c.DatabaseURL, "postgres", "postgresql"); err != nil {
			return c.keyErr("database_url", "%s", err)
		}
	}
	if c.RedisURL != "" {
		if err := checkURL(c.RedisURL, "redis", "rediss", "unix"); err != nil {
			return c.keyErr("redis_url", "%s", err)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return c.keyErr("log_level", "must be debug, info, warn or error, got %q", c.LogLevel)
	}
	if c.TimeZone == "" {
		return c.keyErr("time_zone", "must name a time zone such as Asia/Shanghai")
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		return c.keyErr("time_zone", "unknown time zone %q (want an IANA name such as Asia/Shanghai)", c.TimeZone)
	}
	return nil
}

// validateWeChat checks the wechat keys against WeChat's own rules.
func (c *Config) validateWeChat() error {
	w := &c.WeChat
	if n := len(w.Token); n < 3 || n > 32 {
		return c.keyErr("wechat.token", "must be 3–32 letters or digits (the Token from the WeChat console), got %d characters", n)
	}
	for _, r := range w.Token {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return c.keyErr("wechat.token", "must be 3–32 letters or digits (the Token from the WeChat console), got %q in it", r)
		}
	}
	if w.AESKey != "" {
		if len(w.AESKey) != 43 {
			return c.keyErr("wechat.aes_key", "must be 43 characters of base64 (the EncodingAESKey from the WeChat console), got %d", len(w.AESKey))
		}
		if k, err := base64.StdEncoding.DecodeString(w.AESKey + "="); err != nil || len(k) != 32 {
			return c.keyErr("wechat.aes_key", "must be 43 characters of base64 (the EncodingAESKey from the WeChat console), got characters that are not base64")
		}
		if w.AppID == "" {
			return c.keyErr("wechat.app_id", "must be set when wechat.aes_key is: encrypted messages carry the AppID and are checked against it")
		}
	}
	if err := checkURL(w.APIBase, "http", "https"); err != nil {
		return c.keyErr("wechat.api_base", "%s", err)
	}
	if w.TimestampWindow < time.Second {
		return c.keyErr("wechat.timestamp_window", "must be at least 1s, got %s", w.TimestampWindow)
	}
	if w.ReplyDeadline < time.Second || w.ReplyDeadline > 4900*time.Millisecond {
		return c.keyErr("wechat.reply_deadline", "must be between 1s and 4.9s (WeChat gives up after 5s), got %s", w.ReplyDeadline)
	}
	if w.HandlerTimeout < w.ReplyDeadline {
		return c.keyErr("wechat.handler_timeout", "must be at least the reply deadline (%s), got %s", w.ReplyDeadline, w.HandlerTimeout)
	}
	if w.DedupTTL < time.Minute {
		return c.keyErr("wechat.dedup_ttl", "must be at least 60s (WeChat retries a message for about 15s), got %s", w.DedupTTL)
	}
	if w.MaxBodyBytes < 1024 {
		return c.keyErr("wechat.max_body_bytes", "must be at least 1024, got %d", w.MaxBodyBytes)
	}
	if w.APITimeout <= 0 {
		return c.keyErr("wechat.api_timeout", "must be positive, got %s", w.APITimeout)
	}
	for k, v := range w.MenuKeys {
		if k == "" || v == "" {
			return c.keyErr("wechat.menu_keys", "must map a non-empty EventKey to non-empty chat text, got %q: %q", k, v)
		}
	}
	realAccount := (w.AppID != "" && w.AppID != DevAppID) || w.Secret != "" || (w.AESKey != "" && w.AESKey != DevAESKey)
	if c.UsingDevToken() && realAccount {
		// The development token is public: with it anyone could sign
		// messages to a real account.
		return &KeyError{Key: "ENVOYBOT_WECHAT_TOKEN", Msg: "must be set to the account's own Token (3–32 letters or digits, from the WeChat console) when its AppID, secret or EncodingAESKey is configured; the development token is public"}
	}
	return nil
}

// validateCampaign checks that the campaign's dates are in order and that
// every line can be told apart by what users type.
func (c *Config) validateCampaign() error {
	cp := &c.Campaign
	bad := func(path, format string, args ...any) error {
		e := &KeyError{Key: "campaign." + path, Msg: fmt.Sprintf(format, args...)}
		if c.campaignSource != "" {
			e.Msg += " (in " + c.campaignSource + ")"
		}
		return e
	}
	if cp.Name == "" {
		return bad("name", "must be set")
	}
	if cp.Start.IsZero() || cp.End.IsZero() {
		return bad("start", "start and end must both be set")
	}
	if cp.End.Before(cp.Start) {
		return bad("end", "%s is before start %s", cp.End, cp.Start)
	}
	seen := map[string]bool{}
	for i, p := range cp.Phases {
		at := fmt.Sprintf("phases[%d]", i)
		switch {
		case p.Key == "" || p.Name == "":
			return bad(at, "key and name must be set")
		case seen[p.Key]:
			return bad(at+".key", "%q is used twice", p.Key)
		case p.Start.IsZero() || p.End.IsZero():
			return bad(at, "start and end must both be set")
		case p.End.Before(p.Start):
			return bad(at+".end", "%s is before start %s", p.End, p.Start)
		case p.Start.Before(cp.Start) || cp.End.Before(p.End):
			return bad(at, "%s…%s is outside the campaign %s…%s", p.Start, p.End, cp.Start, cp.End)
		case i > 0 && !cp.Phases[i-1].End.Before(p.Start):
			return bad(at+".start", "%s must be after the previous phase ends (%s)", p.Start, cp.Phases[i-1].End)
		}
		seen[p.Key] = true
	}
	seen = map[string]bool{}
	for i := range cp.Targets {
		if len(cp.Targets[i].RemindDaysBefore) == 0 {
			cp.Targets[i].RemindDaysBefore = []int{7, 3, 1}
		}
	}
	for i, t := range cp.Targets {
		at := fmt.Sprintf("targets[%d]", i)
		switch {
		case t.Key == "" || t.Name == "":
			return bad(at, "key and name must be set")
		case seen[t.Key]:
			return bad(at+".key", "%q is used twice", t.Key)
		case !MeasurableTargets[t.Key]:
			return bad(at+".key", "%q is not a target envoybot can measure (contact_point, team, brand)", t.Key)
		case t.Deadline.IsZero():
			return bad(at+".deadline", "must be set")
		case t.Deadline.Before(cp.Start) || cp.End.Before(t.Deadline):
			return bad(at+".deadline", "%s is outside the campaign %s…%s", t.Deadline, cp.Start, cp.End)
		}
		for _, d := range t.RemindDaysBefore {
			if d < 1 {
				return bad(at+".remind_days_before", "must be whole days ≥ 1, got %d", d)
			}
		}
		seen[t.Key] = true
	}
	if err := validateCommunities(cp.Communities, bad); err != nil {
		return err
	}
	owner := map[string]int{} // a word users may type → the line it picks
	for i, l := range cp.Lines {
		at := fmt.Sprintf("lines[%d]", i)
		if l.Key == "" || l.Name == "" {
			return bad(at, "key and name must be set")
		}
		for _, w := range l.names() {
			w = strings.ToLower(strings.TrimSpace(w))
			if prev, ok := owner[w]; ok && prev != i {
				return bad(at, "%q already picks lines[%d] (%s); keys, names and aliases must be unique", w, prev, cp.Lines[prev].Key)
			}
			owner[w] = i
		}
	}
	return nil
}

// validateCommunities checks that each community has a name users can be
// matched to and that no two are the same community written twice
// (古槐社区 and 古槐社区居委会).
func validateCommunities(names []string, bad func(path, format string, args ...any) error) error {
	seen := map[string]int{}
	for i, name := range names {
		at := fmt.Sprintf("communities[%d]", i)
		if err := store.ValidateCommunityName(name); err != nil {
			return bad(at, "must be a name of 1–%d characters, got %q", store.MaxCommunityName, name)
		}
		if store.CleanCommunityName(name) != name {
			return bad(at, "must be written as it is shown, %q (no spaces, half-width letters and digits), got %q", store.CleanCommunityName(name), name)
		}
		key := store.CommunityKey(name)
		if prev, ok := seen[key]; ok {
			return bad(at, "%q is communities[%d] (%s) again", name, prev, names[prev])
		}
		seen[key] = i
	}
	return nil
}

// checkAddr accepts host:port with a numeric port.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("must be host:port such as :8080, got %q", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("must be host:port with a port 0–65535, got %q", addr)
	}
	return nil
}

// checkURL accepts a URL with one of schemes; the message never repeats
// the URL, which may hold a password.
func checkURL(raw string, schemes ...string) error {
	want := ""
	for i, s := range schemes {
		if i > 0 {
			want += " or "
		}
		want += s + "://"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("must be a %s URL, got one that does not parse", want)
	}
	for _, s := range schemes {
		if u.Scheme == s {
			return nil
		}
	}
	return fmt.Errorf("must be a %s URL, got scheme %q", want, u.Scheme)
}
