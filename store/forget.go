package store

// Forgotten is what ForgetUser (注销) removed beyond the user's own row,
// for the caller to clear the copies kept outside the database.
type Forgotten struct {
	// User is the anonymised user.
	User *User
	// DedupKeys are the processed messages whose stored replies were
	// blanked: the sender's own, and others' replies that named the user.
	// Their cached copies (the dedup cache) must go too.
	DedupKeys []string
	// ReplyOpenIDs are the senders of those messages other than the user
	// (an envoy whose roster or import reply named the user): the rest of
	// a long list kept for their 更多 may name the user too.
	ReplyOpenIDs []string
}
