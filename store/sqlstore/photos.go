package sqlstore

import (
	"context"
	"strings"
	"time"

	"envoybot/store"
)

// photoColumns selects an activity_photos row p with its activity's code.
const photoColumns = `p.id, a.code, p.media_id, p.path, p.status, p.attempts, p.next_attempt_at,
	p.last_error, p.created_at, p.stored_at`

// AddActivityPhoto inserts the photo unless its MediaId is there already.
func (db *DB) AddActivityPhoto(ctx context.Context, code, mediaID string, at time.Time) (*store.ActivityPhoto, bool, error) {
	mediaID = strings.TrimSpace(mediaID)
	if mediaID == "" {
		return nil, false, db.wrapError("add activity photo", store.Errorf(store.EINVALID, "no media id"))
	}
	var (
		p     *store.ActivityPhoto
		added bool
	)
	err := db.inTx(ctx, func(tx conn) error {
		res, err := tx.exec(ctx, `
			INSERT INTO activity_photos (activity_id, media_id, next_attempt_at, created_at)
			SELECT id, $2, $3, $3 FROM activities WHERE code = $1
			ON CONFLICT (activity_id, media_id) DO NOTHING`, code, mediaID, at)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		added = n > 0
		p, err = scanPhoto(tx.row(ctx, `
			SELECT `+photoColumns+` FROM activity_photos p JOIN activities a ON a.id = p.activity_id
			WHERE a.code = $1 AND p.media_id = $2`, code, mediaID))
		return err
	})
	if err != nil {
		return nil, false, db.wrapError("add activity photo", err)
	}
	return p, added, nil
}

// DuePhotos reads the pending photos due at at.
func (db *DB) DuePhotos(ctx context.Context, at time.Time, limit int) ([]*store.ActivityPhoto, error) {
	return readAll(ctx, db, "due photos", scanPhoto, `
		SELECT `+photoColumns+` FROM activity_photos p JOIN activities a ON a.id = p.activity_id
		WHERE p.status = 'pending' AND p.next_attempt_at <= $1
		ORDER BY p.id LIMIT $2`, at, limit)
}

// PhotoStored marks the photo stored at path.
func (db *DB) PhotoStored(ctx context.Context, id int64, path string, at time.Time) error {
	err := db.writer().mustAffect(ctx, `
		UPDATE activity_photos SET status = 'stored', path = $1, stored_at = $2, attempts = attempts + 1, last_error = ''
		WHERE id = $3`, path, at, id)
	return db.wrapError("photo stored", err)
}

// PhotoAttemptFailed records a failed download.
func (db *DB) PhotoAttemptFailed(ctx context.Context, id int64, errText string, next, at time.Time) error {
	status, due := store.PhotoPending, next
	if next.IsZero() {
		status, due = store.PhotoFailed, at
	}
	err := db.writer().mustAffect(ctx, `
		UPDATE activity_photos SET status = $1, next_attempt_at = $2, attempts = attempts + 1, last_error = $3
		WHERE id = $4`, status, due, errText, id)
	return db.wrapError("photo attempt failed", err)
}

// ListActivityPhotos reads the activity's photos in the order received.
func (db *DB) ListActivityPhotos(ctx context.Context, code string) ([]*store.ActivityPhoto, error) {
	return readAll(ctx, db, "list activity photos", scanPhoto, `
		SELECT `+photoColumns+` FROM activity_photos p JOIN activities a ON a.id = p.activity_id
		WHERE a.code = $1 ORDER BY p.id`, code)
}

// scanPhoto reads the photoColumns of one row.
func scanPhoto(row rowScanner) (*store.ActivityPhoto, error) {
	var p store.ActivityPhoto
	err := row.Scan(&p.ID, &p.ActivityCode, &p.MediaID, &p.Path, &p.Status, &p.Attempts, timeColumn{&p.NextAttemptAt},
		&p.LastError, timeColumn{&p.CreatedAt}, timeColumn{&p.StoredAt})
	if err != nil {
		return nil, err
	}
	return &p, nil
}
