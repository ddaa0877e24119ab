package sqlstore

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"envoybot/store"
)

// The embedded store keeps in process what every chat message reads: its
// sender (TouchUser, FindUserByOpenID; on SQLite that read cost a fifth of
// a busy server's CPU) and the activity a sign-up or check-in names
// (FindActivityByCode, with its seat counts). Every write this process
// commits that mentions a table an entry depends on invalidates that
// whole cache (a role, a profile, a community's name, a seat count may
// have changed); the one write that changes nothing cached — TouchUser's
// interaction time — refreshes its own entry instead. Another process on
// the same file (the CLI's jobs) is seen within cacheTTL. PostgreSQL,
// shared by replicas, keeps no such cache: a replica cannot see another's
// writes, and a stale role is never acceptable.

// cacheTTL bounds how long an entry is trusted without a write of this
// process invalidating it.
const cacheTTL = 5 * time.Second

// maxCachedRows bounds a cache; past it, it starts again empty.
const maxCachedRows = 50_000

// rowCache keeps rows of type T by key, valid until a commit that
// mentions one of deps.
type rowCache[T any] struct {
	deps []string
	gen  atomic.Uint64 // bumped by every invalidating commit
	mu   sync.RWMutex
	m    map[string]cachedRow[T]
}

type cachedRow[T any] struct {
	v   T
	gen uint64
	at  time.Time
}

// userCache keeps users by OpenID; they depend on their community.
type userCache = rowCache[store.User]

func newUserCache() *userCache {
	return &userCache{deps: []string{"users", "communities"}, m: map[string]cachedRow[store.User]{}}
}

// activityCache keeps activities by code, with their seat counts and
// their envoy.
type activityCache = rowCache[store.Activity]

func newActivityCache() *activityCache {
	return &activityCache{deps: []string{"activities", "signups", "users", "communities"}, m: map[string]cachedRow[store.Activity]{}}
}

// generation is taken before a read whose result may be kept: a commit
// after it makes the result stale.
func (c *rowCache[T]) generation() uint64 {
	if c == nil {
		return 0
	}
	return c.gen.Load()
}

// get returns a copy of the cached row, if still valid.
func (c *rowCache[T]) get(key string) (*T, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	e, ok := c.m[key]
	c.mu.RUnlock()
	if !ok || e.gen != c.gen.Load() || time.Since(e.at) >= cacheTTL {
		return nil, false
	}
	v := e.v
	return &v, true
}

// put keeps a copy of v under key, read at generation gen.
func (c *rowCache[T]) put(key string, v *T, gen uint64) {
	if c == nil || v == nil || gen != c.gen.Load() {
		return
	}
	c.mu.Lock()
	if len(c.m) >= maxCachedRows {
		c.m = map[string]cachedRow[T]{}
	}
	c.m[key] = cachedRow[T]{v: *v, gen: gen, at: time.Now()}
	c.mu.Unlock()
}

// dependsOn reports whether query mentions a table the rows depend on.
func (c *rowCache[T]) dependsOn(query string) bool {
	for _, t := range c.deps {
		if strings.Contains(query, t) {
			return true
		}
	}
	return false
}

// invalidate makes every entry stale.
func (c *rowCache[T]) invalidate() {
	if c != nil {
		c.gen.Add(1)
	}
}

// writeMark notes whether a write transaction (or a statement on its own,
// autocommit) changed what the caches keep, so that its commit
// invalidates them.
type writeMark struct {
	db         *DB
	autocommit bool // each statement commits on its own
	users      bool // the user cache is to be invalidated
	activities bool // the activity cache
}

// note looks at a statement about to run.
func (w *writeMark) note(query string) {
	if w == nil || w.db.users == nil || !isWrite(w.db, query) {
		return
	}
	w.users = w.users || w.db.users.dependsOn(query)
	w.activities = w.activities || w.db.activities.dependsOn(query)
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
	if w == nil {
		return
	}
	if w.users {
		w.db.users.invalidate()
	}
	if w.activities {
		w.db.activities.invalidate()
	}
	w.users, w.activities = false, false
}

// isWrite reports whether query may change a cached row: a write (or a
// locking read in a write), other than the statements that keep the
// caches right themselves.
func isWrite(db *DB, query string) bool {
	if !strings.Contains(query, "INSERT") && !strings.Contains(query, "UPDATE") && !strings.Contains(query, "DELETE") {
		return false
	}
	_, own := db.userNeutral[query]
	return !own
}
