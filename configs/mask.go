package configs

import (
	"net/url"
	"strings"
)

// Mask hides the password of a URL (user info and a password= query
// parameter) so that a database or Redis URL can be logged.
func Mask(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// Do not echo what we cannot take apart: keep only the scheme.
		if scheme, _, ok := strings.Cut(raw, "://"); ok && !strings.ContainsAny(scheme, "@:/") {
			return scheme + "://xxxxx"
		}
		return "xxxxx"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
