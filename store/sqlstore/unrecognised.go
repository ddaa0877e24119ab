package sqlstore

import (
	"context"
	"strings"
	"time"

	"envoybot/store"
)

// RecordUnrecognised counts one occurrence of text in a single upsert: a
// repeat adds one, keeps the earliest first sighting and takes the role of
// the latest one.
func (db *DB) RecordUnrecognised(ctx context.Context, text string, role store.Role, at time.Time) error {
	text = store.TruncateRunes(strings.TrimSpace(text), store.UnrecognisedMaxRunes)
	switch {
	case text == "":
		return db.wrapError("record unrecognised", store.Errorf(store.EINVALID, "an unrecognised message needs a text"))
	case !role.Valid():
		return db.wrapError("record unrecognised", store.Errorf(store.EINVALID, "unknown role %q", role))
	case at.IsZero():
		return db.wrapError("record unrecognised", store.Errorf(store.EINVALID, "an unrecognised message needs a time"))
	}
	const later = `excluded.last_seen_at >= unrecognised_messages.last_seen_at`
	_, err := db.writer().exec(ctx, `
		INSERT INTO unrecognised_messages (text, count, role, first_seen_at, last_seen_at)
		VALUES ($1, 1, $2, $3, $3)
		ON CONFLICT (text) DO UPDATE SET
			count = unrecognised_messages.count + 1,
			role = CASE WHEN `+later+` THEN excluded.role ELSE unrecognised_messages.role END,
			last_seen_at = CASE WHEN `+later+` THEN excluded.last_seen_at ELSE unrecognised_messages.last_seen_at END,
			first_seen_at = CASE WHEN excluded.first_seen_at < unrecognised_messages.first_seen_at
				THEN excluded.first_seen_at ELSE unrecognised_messages.first_seen_at END`,
		text, string(role), at)
	return db.wrapError("record unrecognised", err)
}

// ListUnrecognised returns the texts most frequent first.
func (db *DB) ListUnrecognised(ctx context.Context, f store.UnrecognisedFilter) ([]*store.UnrecognisedMessage, error) {
	var q filter
	q.between("last_seen_at", f.From, f.To)
	return readAll(ctx, db, "list unrecognised", scanUnrecognised, `
		SELECT id, text, count, role, first_seen_at, last_seen_at
		FROM unrecognised_messages`+q.clause()+`
		ORDER BY count DESC, last_seen_at DESC, id`+q.limit(f.Limit), q.args...)
}

func scanUnrecognised(row rowScanner) (*store.UnrecognisedMessage, error) {
	var m store.UnrecognisedMessage
	var role string
	err := row.Scan(&m.ID, &m.Text, &m.Count, &role, timeColumn{&m.FirstSeenAt}, timeColumn{&m.LastSeenAt})
	m.Role = store.Role(role)
	return &m, err
}

// DeleteUnrecognised removes one text; ENOTFOUND when absent.
func (db *DB) DeleteUnrecognised(ctx context.Context, id int64) error {
	err := db.writer().mustAffect(ctx, `DELETE FROM unrecognised_messages WHERE id = $1`, id)
	return db.wrapError("delete unrecognised", err)
}

// PruneUnrecognised removes the texts last seen before cutoff.
func (db *DB) PruneUnrecognised(ctx context.Context, cutoff time.Time) (int64, error) {
	if cutoff.IsZero() {
		return 0, db.wrapError("prune unrecognised", store.Errorf(store.EINVALID, "pruning needs a cutoff"))
	}
	res, err := db.writer().exec(ctx, `DELETE FROM unrecognised_messages WHERE last_seen_at < $1`, cutoff)
	if err != nil {
		return 0, db.wrapError("prune unrecognised", err)
	}
	n, err := res.RowsAffected()
	return n, db.wrapError("prune unrecognised", err)
}

// nameLookupSizes are the only numbers of placeholders a name lookup
// uses: a statement per text length would crowd the hot statements out of
// PostgreSQL's per-connection statement cache. Candidates are padded up to
// the next size with their first one, not with "": PostgreSQL's planner
// counts "" as the many unregistered users and scans the table. The
// largest size bounds one query, well inside both engines' limits.
var nameLookupSizes = []int{32, 128, 512}

// RegisteredNames looks the candidates up by equality on the indexed
// users.real_name: its cost grows with the text, not with the users.
func (db *DB) RegisteredNames(ctx context.Context, candidates []string) ([]string, error) {
	found := []string{}
	largest := nameLookupSizes[len(nameLookupSizes)-1]
	for len(candidates) > 0 {
		chunk := candidates[:min(len(candidates), largest)]
		candidates = candidates[len(chunk):]
		size := largest
		for _, n := range nameLookupSizes {
			if n >= len(chunk) {
				size = n
				break
			}
		}
		var q filter
		marks := make([]string, size)
		for i := range marks {
			c := chunk[0]
			if i < len(chunk) {
				c = chunk[i]
			}
			marks[i] = q.arg(c)
		}
		names, err := readAll(ctx, db, "registered names", scanString, `
			SELECT DISTINCT real_name FROM users
			WHERE real_name <> '' AND real_name IN (`+strings.Join(marks, ", ")+`)`, q.args...)
		if err != nil {
			return nil, err
		}
		found = append(found, names...)
	}
	return found, nil
}
