package configs

import (
	"encoding/base64"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Records configures issue 14's records: the keys that seal ID numbers,
// and what certificates (志愿服务记录证明) say of their issuer.
type Records struct {
	// IDKeys seal the ID numbers volunteers give with 实名 (AES-256-GCM).
	// The first seals; every key listed opens what it sealed. Rotate by
	// putting a new key first, running `envoybot idkeys reseal`, then
	// removing the old key. Empty: with the development token, the public
	// DevIDKey; in a configured deployment, 实名 is refused.
	IDKeys []IDKey `yaml:"id_keys"`
	// Issuer is the organisation that issues certificates (出具组织), as
	// on its seal; empty: the campaign's name.
	Issuer string `yaml:"issuer"`
	// IssuerContact is the contact printed on certificates (联系人及电话).
	IssuerContact string `yaml:"issuer_contact"`
	// VolunteerNumberPrefix starts the organisation's volunteer numbers
	// (志愿者编号): the prefix and the volunteer's id, six digits at least.
	VolunteerNumberPrefix string `yaml:"volunteer_number_prefix"`
	// FontFile is a TrueType font (.ttf) with the Chinese characters
	// certificates need; empty: the font embedded in the binary (Droid Sans
	// Fallback cut to the characters of GBK).
	FontFile string `yaml:"font_file"`
}

// IDKey is one named ID key: 32 bytes, base64.
type IDKey struct {
	Name string `yaml:"name"`
	Key  string `yaml:"key"`
}

// DevIDKey is the public key that seals ID numbers while the development
// token is in use and no key is configured, so that 实名 can be tried in
// the simulator. Like DevToken it is public: a configured deployment never
// uses it.
var DevIDKey = IDKey{Name: "dev", Key: base64.StdEncoding.EncodeToString([]byte("envoybot development ID key 32b!"))}

var idKeyName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// EffectiveIDKeys are the configured keys, or with the development token
// and none configured, DevIDKey; nil when 实名 is off.
func (c *Config) EffectiveIDKeys() []IDKey {
	if len(c.Records.IDKeys) == 0 && c.UsingDevToken() {
		return []IDKey{DevIDKey}
	}
	return c.Records.IDKeys
}

// DecodeIDKey returns the 32 bytes of a key written in base64 (standard
// or URL alphabet, padded or not).
func DecodeIDKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != 32 {
				return nil, fmt.Errorf("has %d bytes, needs 32 (make one with: head -c 32 /dev/urandom | base64)", len(b))
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("is not base64 (make one with: head -c 32 /dev/urandom | base64)")
}

// parseIDKeys reads ENVOYBOT_ID_KEYS: name=base64 pairs separated by
// commas, the sealing key first.
func parseIDKeys(v string) ([]IDKey, error) {
	var keys []IDKey
	for _, part := range strings.Split(v, ",") {
		name, key, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("must be name=base64key pairs separated by commas")
		}
		keys = append(keys, IDKey{Name: strings.TrimSpace(name), Key: strings.TrimSpace(key)})
	}
	return keys, nil
}

// validateRecords checks the ID keys, never printing one.
func (c *Config) validateRecords() error {
	seen := map[string]bool{}
	for i, k := range c.Records.IDKeys {
		path := fmt.Sprintf("records.id_keys[%d]", i)
		if !idKeyName.MatchString(k.Name) {
			return c.keyErr("records.id_keys", "%s: name must be 1 to 32 letters, digits, _ or -", path)
		}
		if seen[k.Name] {
			return c.keyErr("records.id_keys", "%s: name %q listed twice", path, k.Name)
		}
		seen[k.Name] = true
		if _, err := DecodeIDKey(k.Key); err != nil {
			return c.keyErr("records.id_keys", "%s (%s): the key %s", path, k.Name, err)
		}
	}
	if c.Records.FontFile != "" {
		if _, err := os.Stat(c.Records.FontFile); err != nil {
			return c.keyErr("records.font_file", "%s", err)
		}
	}
	if len(c.Records.VolunteerNumberPrefix) > 10 {
		return c.keyErr("records.volunteer_number_prefix", "at most 10 characters")
	}
	return nil
}

// CertificateIssuer is the issuing organisation: records.issuer, or the
// campaign's name.
func (c *Config) CertificateIssuer() string {
	if s := strings.TrimSpace(c.Records.Issuer); s != "" {
		return s
	}
	return c.Campaign.Name
}
