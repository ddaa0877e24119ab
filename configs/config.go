// Package configs holds envoybot's configuration: the built-in defaults and
// campaign (embedded YAML), and the typed loader that lays a config file and
// the environment over them and validates the result.
package configs

import (
	_ "embed"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Shanghai must load even where the host has no zoneinfo.
)

//go:embed envoybot.yaml
var defaultConfig []byte

//go:embed campaign.yaml
var defaultCampaign []byte

// DevToken is the WeChat token used when none is configured, so that the
// server and its chat simulator work out of the box. It is public: never
// expose a server using it.
const DevToken = "envoybotdev"

// DevAppID and DevAESKey go with DevToken so that the chat simulator can
// exercise safe mode (安全模式) without a real account. They are public too.
const (
	DevAppID  = "wxenvoybotdev00000"
	DevAESKey = "ZW52b3lib3QgZGV2ZWxvcG1lbnQgQUVTIGtleSAzMmI" // base64 of "envoybot development AES key 32b"
)

// Config is envoybot's whole configuration. Build it with Load; a Config
// built by hand should be checked with Validate.
type Config struct {
	Addr        string `yaml:"addr"`         // host:port to listen on; empty → DefaultDevAddr with the development token, else DefaultAddr
	DataDir     string `yaml:"data_dir"`     // the embedded database lives here as envoybot.db
	DatabaseURL string `yaml:"database_url"` // PostgreSQL; empty → embedded database
	RedisURL    string `yaml:"redis_url"`    // empty → in-process cache
	// RedisPrefix starts every key envoybot writes to Redis, so that
	// deployments (and tests) can share one Redis database.
	RedisPrefix string `yaml:"redis_prefix"`
	LogLevel    string `yaml:"log_level"` // debug|info|warn|error
	// PprofAddr, when set, serves Go's profiler (net/http/pprof) there;
	// keep it on localhost.
	PprofAddr string `yaml:"pprof_addr"`
	// MetricsAddr is where /metrics is served, apart from the public
	// listener (Addr, which has no /metrics); "" or "off": nowhere.
	MetricsAddr string `yaml:"metrics_addr"`
	// MetricsToken, when set, must come with every scrape as
	// "Authorization: Bearer <token>": for a MetricsAddr reachable beyond
	// this machine.
	MetricsToken string `yaml:"metrics_token"`
	TimeZone     string `yaml:"time_zone"` // IANA name, e.g. Asia/Shanghai
	// CampaignFile names a campaign YAML that replaces the built-in one.
	CampaignFile string    `yaml:"campaign_file"`
	WeChat       WeChat    `yaml:"wechat"`
	Rules        Rules     `yaml:"rules"`
	Notices      Notices   `yaml:"notices"`
	Schedules    Schedules `yaml:"schedules"`
	Admin        Admin     `yaml:"admin"`
	Records      Records   `yaml:"records"`
	Requests     Requests  `yaml:"requests"`
	Campaign     Campaign  `yaml:"-"` // from CampaignFile or the built-in campaign.yaml

	// sources maps a YAML key path to the environment variable that set it,
	// so errors name what the operator actually wrote.
	sources map[string]string
	// campaignSource is the campaign file that was read, "" when built in.
	campaignSource string
	// loc is the loaded TimeZone, set by Load.
	loc *time.Location
}

// WeChat configures the Official Account callback and API client.
type WeChat struct {
	AppID   string `yaml:"app_id"`
	Secret  string `yaml:"secret"`
	Token   string `yaml:"token"`   // empty → DevToken
	AESKey  string `yaml:"aes_key"` // EncodingAESKey; empty → plaintext mode
	APIBase string `yaml:"api_base"`
	// TimestampWindow: requests further from now are refused, nonces are
	// remembered this long.
	TimestampWindow time.Duration `yaml:"timestamp_window"`
	// ReplyDeadline: the HTTP answer is sent by then (WeChat waits 5s).
	ReplyDeadline time.Duration `yaml:"reply_deadline"`
	// HandlerTimeout: a handler may go on this long; its reply then goes out
	// as a customer-service message.
	HandlerTimeout time.Duration `yaml:"handler_timeout"`
	// DedupTTL: how long a processed message's reply is kept for retries.
	DedupTTL     time.Duration `yaml:"dedup_ttl"`
	MaxBodyBytes int64         `yaml:"max_body_bytes"`
	// APITimeout is the timeout of the HTTP client that calls the WeChat API.
	APITimeout time.Duration `yaml:"api_timeout"`
	// MenuKeys maps a CLICK EventKey to the chat text it stands for.
	MenuKeys map[string]string `yaml:"menu_keys"`
	// FollowerLimit caps the messages of one follower.
	FollowerLimit FollowerLimit `yaml:"follower_limit"`
}

// envVars are the environment variables Load reads, in order, with the YAML
// key each one overrides.
var envVars = []struct {
	name, key string
	set       func(c *Config, v string) error
}{
	{"ENVOYBOT_ADDR", "addr", func(c *Config, v string) error { c.Addr = v; return nil }},
	{"ENVOYBOT_DATA_DIR", "data_dir", func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"ENVOYBOT_DATABASE_URL", "database_url", func(c *Config, v string) error { c.DatabaseURL = v; return nil }},
	{"ENVOYBOT_REDIS_URL", "redis_url", func(c *Config, v string) error { c.RedisURL = v; return nil }},
	{"ENVOYBOT_REDIS_PREFIX", "redis_prefix", func(c *Config, v string) error { c.RedisPrefix = v; return nil }},
	{"ENVOYBOT_PPROF_ADDR", "pprof_addr", func(c *Config, v string) error { c.PprofAddr = v; return nil }},
	{"ENVOYBOT_METRICS_ADDR", "metrics_addr", func(c *Config, v string) error { c.MetricsAddr = v; return nil }},
	{"ENVOYBOT_METRICS_TOKEN", "metrics_token", func(c *Config, v string) error { c.MetricsToken = v; return nil }},
	{"ENVOYBOT_LOG_LEVEL", "log_level", func(c *Config, v string) error { c.LogLevel = v; return nil }},
	{"ENVOYBOT_WECHAT_APPID", "wechat.app_id", func(c *Config, v string) error { c.WeChat.AppID = v; return nil }},
	{"ENVOYBOT_WECHAT_SECRET", "wechat.secret", func(c *Config, v string) error { c.WeChat.Secret = v; return nil }},
	{"ENVOYBOT_WECHAT_TOKEN", "wechat.token", func(c *Config, v string) error { c.WeChat.Token = v; return nil }},
	{"ENVOYBOT_WECHAT_AES_KEY", "wechat.aes_key", func(c *Config, v string) error { c.WeChat.AESKey = v; return nil }},
	{"ENVOYBOT_WECHAT_API_BASE", "wechat.api_base", func(c *Config, v string) error { c.WeChat.APIBase = v; return nil }},
	{"ENVOYBOT_ID_KEYS", "records.id_keys", func(c *Config, v string) (err error) {
		c.Records.IDKeys, err = parseIDKeys(v)
		return err
	}},
	{"ENVOYBOT_WECHAT_REPLY_DEADLINE", "wechat.reply_deadline", func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("must be a duration like 4.5s, got %q", v)
		}
		c.WeChat.ReplyDeadline = d
		return nil
	}},
}

// Load builds the configuration: the embedded defaults, then the YAML file
// named by ENVOYBOT_CONFIG (if set), then the ENVOYBOT_* environment
// variables, and validates the result. getenv is usually os.Getenv; nil
// means os.Getenv.
func Load(getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := &Config{}
	if err := decodeStrict(defaultConfig, "embedded envoybot.yaml", c); err != nil {
		return nil, err
	}
	if path := getenv("ENVOYBOT_CONFIG"); path != "" {
		if err := c.loadFile(path); err != nil {
			return nil, err
		}
	}
	for _, e := range envVars {
		v := getenv(e.name)
		if v == "" {
			continue
		}
		if err := e.set(c, v); err != nil {
			return nil, &KeyError{Key: e.name, Msg: err.Error()}
		}
		if c.sources == nil {
			c.sources = make(map[string]string)
		}
		c.sources[e.key] = e.name
	}
	if c.WeChat.Token == "" {
		c.WeChat.Token = DevToken
	}
	c.defaultAddr()
	if err := c.loadCampaign(); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.loc, _ = time.LoadLocation(c.TimeZone) // Validate has loaded it once.
	return c, nil
}

// loadFile lays the YAML file at path over c. A file that sets
// wechat.menu_keys replaces the default menu rather than adding to it.
func (c *Config) loadFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: ENVOYBOT_CONFIG: %w", err)
	}
	if hasKey(data, "wechat", "menu_keys") {
		c.WeChat.MenuKeys = nil
	}
	if err := decodeStrict(data, path, c); err != nil {
		return err
	}
	if c.CampaignFile != "" && !filepath.IsAbs(c.CampaignFile) {
		c.CampaignFile = filepath.Join(filepath.Dir(path), c.CampaignFile)
	}
	return nil
}

// loadCampaign reads CampaignFile, or the built-in campaign when it is empty.
// DefaultCampaign is the campaign of the embedded campaign.yaml.
func DefaultCampaign() (Campaign, error) {
	var c Campaign
	err := decodeStrict(defaultCampaign, "embedded campaign.yaml", &c)
	return c, err
}

func (c *Config) loadCampaign() error {
	data, source := defaultCampaign, "embedded campaign.yaml"
	if c.CampaignFile != "" {
		var err error
		if data, err = os.ReadFile(c.CampaignFile); err != nil {
			return &KeyError{Key: "campaign_file", Msg: err.Error()}
		}
		source, c.campaignSource = c.CampaignFile, c.CampaignFile
	}
	c.Campaign = Campaign{}
	if err := decodeStrict(data, source, &c.Campaign); err != nil {
		return err
	}
	return nil
}

// UsingDevToken reports whether no WeChat token was configured and the
// public DevToken is in use; fine for the simulator, not for a real account.
func (c *Config) UsingDevToken() bool {
	return c.WeChat.Token == "" || c.WeChat.Token == DevToken
}

// Location returns the configured time zone, in which every campaign date,
// chat date and schedule is read. It falls back to UTC only for a Config
// that did not pass Validate.
func (c *Config) Location() *time.Location {
	if c.loc != nil {
		return c.loc
	}
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// SQLitePath is the file of the embedded database.
func (c *Config) SQLitePath() string {
	return filepath.Join(c.DataDir, "envoybot.db")
}

// MetricsOn reports whether /metrics is served (on MetricsAddr).
func (c *Config) MetricsOn() bool { return c.MetricsAddr != "" && c.MetricsAddr != "off" }

// Embedded reports whether the embedded database is used (no DatabaseURL).
func (c *Config) Embedded() bool { return c.DatabaseURL == "" }

// SlogLevel returns LogLevel as a slog level (info when it is not one).
func (c *Config) SlogLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(c.LogLevel))); err != nil {
		return slog.LevelInfo
	}
	return l
}
