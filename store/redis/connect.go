package redis

import (
	"net/url"
	"time"

	"envoybot/store"
)

// ConnectTimeout bounds opening the cache at start: the first dial and the
// answer to PING. A server that accepts the connection but never answers
// fails the start with one line instead of a silent hang.
const ConnectTimeout = 5 * time.Second

// unreachable is the error of a cache that did not answer at start: it
// names the host of rawURL (never the password) and how long it waited.
func unreachable(rawURL string, waited time.Duration, err error) error {
	host := "?"
	if u, perr := url.Parse(rawURL); perr == nil {
		host = u.Host
		if u.Scheme == "unix" {
			host = u.Path
		}
	}
	return store.Errorf(store.EUNAVAILABLE, "redis at %s did not answer (gave up after %s): %v", host, waited, err)
}
