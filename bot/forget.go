package bot

// DedupCacheKey is the cache key under which the callback keeps a
// message's dedup state and reply: 注销 deletes those of replies that
// named the user, whose durable record it blanks.
func DedupCacheKey(dedupKey string) string { return "dedup:" + dedupKey }
