package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"envoybot/store"
)

// RecordSubscriptionChoices upserts each choice, keeping the later one.
func (db *DB) RecordSubscriptionChoices(ctx context.Context, openID string, choices []store.SubscriptionChoice, at time.Time) error {
	if openID == "" {
		return db.wrapError("record subscription choices", store.Errorf(store.EINVALID, "no openid"))
	}
	err := db.inTx(ctx, func(tx conn) error {
		for _, c := range choices {
			if c.TemplateID == "" {
				continue
			}
			if _, err := tx.exec(ctx, `
				INSERT INTO subscription_choices (openid, template_id, accepted, chosen_at)
				VALUES ($1, $2, $3, $4)
				ON CONFLICT (openid, template_id) DO UPDATE SET accepted = excluded.accepted, chosen_at = excluded.chosen_at
				WHERE subscription_choices.chosen_at <= excluded.chosen_at`,
				openID, c.TemplateID, c.Accepted, at); err != nil {
				return err
			}
		}
		return nil
	})
	return db.wrapError("record subscription choices", err)
}

// SubscriptionAccepted reads openID's latest choice for templateID.
func (db *DB) SubscriptionAccepted(ctx context.Context, openID, templateID string) (bool, error) {
	var accepted bool
	err := db.reader().row(ctx, `
		SELECT accepted FROM subscription_choices WHERE openid = $1 AND template_id = $2`,
		openID, templateID).Scan(&accepted)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, db.wrapError("subscription accepted", err)
	}
	return accepted, nil
}
