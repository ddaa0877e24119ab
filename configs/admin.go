package configs

import (
	"fmt"
	"net"
	"strings"
	"time"
)

// Admin configures the admin dashboard (/admin).
type Admin struct {
	// Accounts may log in with a password; hashes are bcrypt
	// (`envoybot admin passwd NAME` makes one). Admins bound in chat log in
	// with a one-time link sent to them instead.
	Accounts []AdminAccount `yaml:"accounts"`
	// PublicURL is how admins reach the dashboard (for login links sent in
	// chat), e.g. https://envoybot.example.org.
	PublicURL string `yaml:"public_url"`
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration `yaml:"session_ttl"`
	// After LoginMaxFailures wrong passwords for an account (or from an
	// address), each further attempt there waits 1 s, doubling per failure
	// up to a minute; failures are remembered for LoginLockout. Nothing is
	// locked: the right password gets in once the wait is over.
	LoginMaxFailures int           `yaml:"login_max_failures"`
	LoginLockout     time.Duration `yaml:"login_lockout"`
	// SecureCookies marks the session cookie Secure; turn off only for
	// plain-HTTP local trials.
	SecureCookies bool `yaml:"secure_cookies"`
	// TrustedProxies are the addresses (CIDR or single IPs) of the reverse
	// proxies in front of envoybot: from them, X-Forwarded-For names the
	// client, so that login limits apply to the real address.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// ProxyNets parses TrustedProxies (validated by Load).
func (a Admin) ProxyNets() []*net.IPNet {
	var out []*net.IPNet
	for _, p := range a.TrustedProxies {
		if n, err := parseNet(p); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// parseNet reads a CIDR or a single address.
func parseNet(s string) (*net.IPNet, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		ip := net.ParseIP(s)
		if ip == nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR", s)
		}
		bits := 32
		if ip.To4() == nil {
			bits = 128
		}
		return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
	}
	_, n, err := net.ParseCIDR(s)
	return n, err
}

// The development admin account: with the development token and no
// accounts configured, the dashboard can be tried as admin / envoybotdev.
// Public, like DevToken; never available in a configured deployment.
const (
	DevAdminName     = "admin"
	DevAdminPassword = "envoybotdev"
	devAdminHash     = "$2a$12$n4RrnY3V.CJk.OAtORWIeeEhKuxHpflVZ..tesWWaM.ysyRYMbfH6"
)

// AdminAccounts returns the password logins: the configured ones, or with
// the development token and none configured, the development account.
func (c *Config) AdminAccounts() []AdminAccount {
	if len(c.Admin.Accounts) == 0 && c.UsingDevToken() {
		return []AdminAccount{{Name: DevAdminName, PasswordHash: devAdminHash}}
	}
	return c.Admin.Accounts
}

// AdminAccount is one password login.
type AdminAccount struct {
	Name         string `yaml:"name"`
	PasswordHash string `yaml:"password_hash"`
}

// validateAdmin checks the admin section.
func (c *Config) validateAdmin() error {
	a := c.Admin
	seen := map[string]bool{}
	for i, acc := range a.Accounts {
		switch {
		case strings.TrimSpace(acc.Name) == "":
			return c.keyErr("admin.accounts", "account %d has no name", i+1)
		case seen[acc.Name]:
			return c.keyErr("admin.accounts", "account %q appears twice", acc.Name)
		case !strings.HasPrefix(acc.PasswordHash, "$2"):
			return c.keyErr("admin.accounts", "account %q: password_hash must be a bcrypt hash (envoybot admin passwd %s makes one)", acc.Name, acc.Name)
		}
		seen[acc.Name] = true
	}
	switch {
	case a.SessionTTL < time.Minute:
		return c.keyErr("admin.session_ttl", "must be at least 1m, got %s", a.SessionTTL)
	case a.LoginMaxFailures < 1:
		return c.keyErr("admin.login_max_failures", "must be at least 1, got %d", a.LoginMaxFailures)
	case a.LoginLockout < time.Minute:
		return c.keyErr("admin.login_lockout", "must be at least 1m, got %s", a.LoginLockout)
	}
	for _, p := range a.TrustedProxies {
		if _, err := parseNet(p); err != nil {
			return c.keyErr("admin.trusted_proxies", "%v", err)
		}
	}
	if a.PublicURL != "" {
		if err := checkURL(a.PublicURL, "http", "https"); err != nil {
			return c.keyErr("admin.public_url", "%s", err)
		}
	}
	return nil
}
