package sqlstore

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"strings"
	"time"

	"envoybot/store"
)

// certificateColumns selects a certificate (FROM certificates k).
const certificateColumns = `k.id, k.number, k.user_id, k.holder_name, k.id_type, k.id_masked, k.volunteer_number,
	k.period_from, k.period_to, k.minutes, k.activities, CAST(k.lines AS TEXT), k.first_at, k.last_at, k.issuer,
	k.issued_at, k.issued_via, k.issued_by, k.revoked_at, k.revoked_by, k.revoke_reason`

// IssueCertificate counts the user's confirmed service of activities
// starting in the period, by line, and records the certificate with the
// holder as the profile says now, in one transaction (the user row locked,
// so that a racing 注销 comes wholly before or after).
func (db *DB) IssueCertificate(ctx context.Context, n store.NewCertificate, at time.Time) (*store.Certificate, error) {
	if err := n.Validate(); err != nil {
		return nil, db.wrapError("issue certificate", err)
	}
	return write(ctx, db, "issue certificate", func(tx conn) (*store.Certificate, error) {
		var name, idType, idMasked string
		if err := tx.row(ctx, `SELECT real_name, id_type, id_masked FROM users WHERE id = $1`+tx.d.forUpdate,
			n.UserID).Scan(&name, &idType, &idMasked); err != nil {
			return nil, err
		}
		if idMasked == "" || name == "" {
			return nil, store.Errorf(store.EINVALID, store.MsgCertificateNoID)
		}
		q := filter{conds: []string{"t.confirmed_minutes IS NOT NULL", "t.confirmed_minutes > 0"}}
		q.where("t.user_id", "=", n.UserID)
		q.between("a.starts_at", n.From, n.To)
		// Help requests served (issue 15) count as activities of their
		// line, dated by the check-in, with the same conditions.
		onRequests := strings.NewReplacer("t.confirmed_minutes", "h.confirmed_minutes", "t.user_id", "h.taker_id", "a.starts_at", "h.check_in_at")
		rows, err := tx.query(ctx, `
			SELECT x.category, COUNT(*), SUM(x.minutes), MIN(x.at), MAX(x.at) FROM (
				SELECT a.category AS category, t.confirmed_minutes AS minutes, a.starts_at AS at
				FROM attendances t JOIN activities a ON a.id = t.activity_id`+q.clause()+`
				UNION ALL
				SELECT h.category, h.confirmed_minutes, h.check_in_at
				FROM help_requests h`+onRequests.Replace(q.clause())+`) x
			GROUP BY x.category
			ORDER BY `+tx.d.codePointOrder("x.category"), q.args...)
		type line struct {
			store.CertificateLine
			first, last time.Time
		}
		lines, err := collect(rows, err, func(row rowScanner) (line, error) {
			var l line
			err := row.Scan(&l.Category, &l.Activities, &l.Minutes, timeColumn{&l.first}, timeColumn{&l.last})
			return l, err
		})
		if err != nil {
			return nil, err
		}
		c := store.Certificate{Lines: []store.CertificateLine{}}
		for _, l := range lines {
			c.Lines = append(c.Lines, l.CertificateLine)
			c.Minutes += l.Minutes
			c.Activities += l.Activities
			if c.FirstAt.IsZero() || l.first.Before(c.FirstAt) {
				c.FirstAt = l.first
			}
			if l.last.After(c.LastAt) {
				c.LastAt = l.last
			}
		}
		if c.Minutes == 0 {
			return nil, store.Errorf(store.EINVALID, store.MsgCertificateNoHours)
		}
		js, err := json.Marshal(c.Lines)
		if err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `
			INSERT INTO certificates (number, user_id, holder_name, id_type, id_masked, volunteer_number,
				period_from, period_to, minutes, activities, lines, first_at, last_at, issuer,
				issued_at, issued_via, issued_by, download_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, `+db.jsonParam("$11")+`, $12, $13, $14, $15, $16, $17, $18)`,
			n.Number, n.UserID, name, idType, idMasked, n.VolunteerNumber, n.From, n.To, c.Minutes, c.Activities,
			string(js), c.FirstAt, c.LastAt, n.Issuer, at, n.IssuedVia, n.IssuedBy, n.DownloadHash); err != nil {
			return nil, err
		}
		return findCertificate(ctx, tx, n.Number)
	})
}

// jsonParam is a text parameter as a value of a JSON column.
func (db *DB) jsonParam(p string) string {
	if db.d.pg {
		return "CAST(" + p + " AS jsonb)"
	}
	return p
}

// FindCertificate returns ENOTFOUND for an unknown number.
func (db *DB) FindCertificate(ctx context.Context, number string) (*store.Certificate, error) {
	return read(db, "find certificate", func(q conn) (*store.Certificate, error) { return findCertificate(ctx, q, number) })
}

// CertificateDownload returns the certificate when tokenHash is the one it
// was issued with (compared in constant time); ENOTFOUND otherwise, as for
// an unknown number, so that a wrong token says nothing.
func (db *DB) CertificateDownload(ctx context.Context, number, tokenHash string) (*store.Certificate, error) {
	return read(db, "certificate download", func(q conn) (*store.Certificate, error) {
		var stored string
		if err := q.row(ctx, `SELECT download_hash FROM certificates WHERE number = $1`, number).Scan(&stored); err != nil {
			return nil, err
		}
		if stored == "" || subtle.ConstantTimeCompare([]byte(stored), []byte(tokenHash)) != 1 {
			return nil, store.Errorf(store.ENOTFOUND, "certificate: not found")
		}
		return findCertificate(ctx, q, number)
	})
}

// RevokeCertificate marks the certificate revoked, keeping a first
// revocation.
func (db *DB) RevokeCertificate(ctx context.Context, number, by, reason string, at time.Time) (*store.Certificate, error) {
	if err := (store.Field{Key: "revoke reason", Max: 200}).Check(reason); err != nil {
		return nil, db.wrapError("revoke certificate", err)
	}
	return write(ctx, db, "revoke certificate", func(tx conn) (*store.Certificate, error) {
		if err := tx.mustAffect(ctx, `
			UPDATE certificates SET revoked_at = COALESCE(revoked_at, $1),
				revoked_by = CASE WHEN revoked_at IS NULL THEN $2 ELSE revoked_by END,
				revoke_reason = CASE WHEN revoked_at IS NULL THEN $3 ELSE revoke_reason END
			WHERE number = $4`, at, by, reason, number); err != nil {
			return nil, err
		}
		return findCertificate(ctx, tx, number)
	})
}

// ListCertificates returns certificates newest first.
func (db *DB) ListCertificates(ctx context.Context, userID int64, limit int) ([]*store.Certificate, error) {
	var q filter
	if userID != 0 {
		q.where("k.user_id", "=", userID)
	}
	return readAll(ctx, db, "list certificates", scanCertificate,
		`SELECT `+certificateColumns+` FROM certificates k`+q.clause()+` ORDER BY k.issued_at DESC, k.id DESC`+q.limit(limit), q.args...)
}

func findCertificate(ctx context.Context, q conn, number string) (*store.Certificate, error) {
	return scanCertificate(q.row(ctx, `SELECT `+certificateColumns+` FROM certificates k WHERE k.number = $1`, number))
}

func scanCertificate(row rowScanner) (*store.Certificate, error) {
	var (
		c     store.Certificate
		lines string
	)
	err := row.Scan(&c.ID, &c.Number, &c.UserID, &c.HolderName, &c.IDType, &c.IDMasked, &c.VolunteerNumber,
		timeColumn{&c.From}, timeColumn{&c.To}, &c.Minutes, &c.Activities, &lines, timeColumn{&c.FirstAt},
		timeColumn{&c.LastAt}, &c.Issuer, timeColumn{&c.IssuedAt}, &c.IssuedVia, &c.IssuedBy,
		timeColumn{&c.RevokedAt}, &c.RevokedBy, &c.RevokeReason)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(lines), &c.Lines); err != nil {
		return nil, err
	}
	return &c, nil
}
