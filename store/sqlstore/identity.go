package sqlstore

import (
	"context"
	"strings"
	"time"

	"envoybot/store"
)

// ConsentRealName records the user's agreement to give their ID; the
// first agreement's time is kept.
func (db *DB) ConsentRealName(ctx context.Context, userID int64, at time.Time) (*store.User, error) {
	return write(ctx, db, "consent real name", func(tx conn) (*store.User, error) {
		if err := tx.mustAffect(ctx, `
			UPDATE users SET id_consent_at = COALESCE(id_consent_at, $1), updated_at = $1
			WHERE id = $2`, at, userID); err != nil {
			return nil, err
		}
		return findUserWhere(ctx, tx, "u.id = $1", userID)
	})
}

// SetRealName stores the sealed and masked number, gender and birth year;
// the user row is locked so that a racing 注销 either comes first (no
// consent left: refused) or after (blanks it).
func (db *DB) SetRealName(ctx context.Context, userID int64, r store.RealName, at time.Time) (*store.User, error) {
	if err := r.Validate(); err != nil {
		return nil, db.wrapError("set real name", err)
	}
	return write(ctx, db, "set real name", func(tx conn) (*store.User, error) {
		var consentAt time.Time
		if err := tx.row(ctx, `SELECT id_consent_at FROM users WHERE id = $1`+tx.d.forUpdate, userID).Scan(timeColumn{&consentAt}); err != nil {
			return nil, err
		}
		if consentAt.IsZero() {
			return nil, store.Errorf(store.EFORBIDDEN, store.MsgNoConsent)
		}
		var birth any
		if r.BirthYear != 0 {
			birth = r.BirthYear
		}
		if _, err := tx.exec(ctx, `
			UPDATE users SET id_type = $1, id_sealed = $2, id_masked = $3, gender = $4, birth_year = $5,
				real_name_at = $6, updated_at = $6
			WHERE id = $7`, r.IDType, r.Sealed, r.Masked, r.Gender, birth, at, userID); err != nil {
			return nil, err
		}
		return findUserWhere(ctx, tx, "u.id = $1", userID)
	})
}

// SealedIDs returns the sealed numbers of the users, by user id; of every
// user with one when ids is empty.
func (db *DB) SealedIDs(ctx context.Context, userIDs []int64) ([]store.SealedID, error) {
	q := filter{conds: []string{"id_sealed <> ''"}}
	if len(userIDs) > 0 {
		var in []string
		for _, id := range userIDs {
			in = append(in, q.arg(id))
		}
		q.conds = append(q.conds, "id IN ("+strings.Join(in, ", ")+")")
	}
	return readAll(ctx, db, "sealed ids", scanSealedID, `SELECT id, id_sealed FROM users`+q.clause()+` ORDER BY id`, q.args...)
}

// ResealIDs re-seals every stored number in one transaction.
func (db *DB) ResealIDs(ctx context.Context, reseal func(store.SealedID) (string, error)) (int, error) {
	return write(ctx, db, "reseal ids", func(tx conn) (int, error) {
		rows, err := tx.query(ctx, `SELECT id, id_sealed FROM users WHERE id_sealed <> '' ORDER BY id`+tx.d.forUpdate)
		list, err := collect(rows, err, scanSealedID)
		if err != nil {
			return 0, err
		}
		changed := 0
		for _, s := range list {
			sealed, err := reseal(s)
			if err != nil {
				return 0, err
			}
			if sealed == s.Sealed {
				continue
			}
			if _, err := tx.exec(ctx, `UPDATE users SET id_sealed = $1 WHERE id = $2`, sealed, s.UserID); err != nil {
				return 0, err
			}
			changed++
		}
		return changed, nil
	})
}

func scanSealedID(row rowScanner) (store.SealedID, error) {
	var s store.SealedID
	return s, row.Scan(&s.UserID, &s.Sealed)
}
