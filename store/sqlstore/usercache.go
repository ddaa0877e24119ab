package sqlstore

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"envoybot/store"
)

// The embedded store keeps the users that chat messages read (TouchUser,
// FindUserByOpenID) in process: every chat message reads its sender, and
// on SQLite that read cost a fifth of a busy server's CPU. Every write
// this process commits that mentions users or communities invalidates the
// whole cache (a role, a profile, a community's name may have changed);
// the one write that changes nothing cached — TouchUser's interaction time
// — refreshes its own entry instead. Another process on the same file (the
// CLI's jobs) is seen within userCacheTTL. PostgreSQL, shared by replicas,
// keeps no such cache: a replica cannot see another's writes, and a stale
// role is never acceptable.

// userCacheTTL bounds how long an entry is trusted without a write of
// this process invalidating it.
const userCacheTTL = 5 * time.Second

// maxCachedUsers bounds the cache; past it, it starts again empty.
const maxCachedUsers = 50_000

type userCache struct {
	gen atomic.Uint64 // bumped by every invalidating commit
	mu  sync.RWMutex
	m   map[string]cachedUser
}

type cachedUser struct {
	u   store.User
	gen uint64
	at  time.Time
}

func newUserCache() *userCache { return &userCache{m: map[string]cachedUser{}} }

// generation is taken before a read whose result may be kept: a commit
// after it makes the result stale.
func (c *userCache) generation() uint64 {
	if c == nil {
		return 0
	}
	return c.gen.Load()
}

// get returns a copy of the cached user, if still valid.
func (c *userCache) get(openID string) (*store.User, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	e, ok := c.m[openID]
	c.mu.RUnlock()
	if !ok || e.gen != c.gen.Load() || time.Since(e.at) >= userCacheTTL {
		return nil, false
	}
	u := e.u
	return &u, true
}

// put keeps a copy of u, read at generation gen.
func (c *userCache) put(u *store.User, gen uint64) {
	if c == nil || u == nil || gen != c.gen.Load() {
		return
	}
	c.mu.Lock()
	if len(c.m) >= maxCachedUsers {
		c.m = map[string]cachedUser{}
	}
	c.m[u.OpenID] = cachedUser{u: *u, gen: gen, at: time.Now()}
	c.mu.Unlock()
}

// invalidate makes every entry stale.
func (c *userCache) invalidate() {
	if c != nil {
		c.gen.Add(1)
	}
}

// writeMark notes whether a write transaction (or a statement on its own,
// autocommit) changed what the user cache keeps, so that its commit
// invalidates it.
type writeMark struct {
	db         *DB
	autocommit bool // each statement commits on its own
	dirty      bool
}

// note looks at a statement about to run.
func (w *writeMark) note(query string) {
	if w == nil || w.db.users == nil || w.dirty || !changesUsers(w.db, query) {
		return
	}
	w.dirty = true
}

// ran follows a statement that ran: on its own, it committed.
func (w *writeMark) ran() {
	if w != nil && w.autocommit {
		w.committed(nil)
	}
}

// committed invalidates the cache after a commit of a marked write (even
// a failed one: whether it committed is not known). A reader takes the
// generation before it reads, so that what it read before the commit is
// never kept after it.
func (w *writeMark) committed(error) {
	if w != nil && w.dirty {
		w.db.users.invalidate()
		w.dirty = false
	}
}

// changesUsers reports whether query may change a cached user: a write
// (or a locking read in a write) that mentions users or communities,
// other than the statements that keep the cache right themselves.
func changesUsers(db *DB, query string) bool {
	if !strings.Contains(query, "users") && !strings.Contains(query, "communities") {
		return false
	}
	if !strings.Contains(query, "INSERT") && !strings.Contains(query, "UPDATE") && !strings.Contains(query, "DELETE") {
		return false
	}
	_, own := db.userNeutral[query]
	return !own
}
