package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"

	"envoybot/store"
)

// goMigrations are the migrations both engines run as Go, after their own
// SQL files: changes that need the domain's code.
func goMigrations() []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(3, &goose.GoFunc{RunTx: addRecurrenceRules}, &goose.GoFunc{RunTx: dropRecurrenceRules}),
	}
}

// addRecurrenceRules keeps lectures' rules structurally
// (lectures.recurrence_rule, the JSON of store.Recurrence) beside their
// words, so that nothing reads Chinese text to expand them. The rules of
// existing lectures are read from their words, which the parser always
// wrote in the one form store.Recurrence.String writes; a lecture whose
// words are not such a rule keeps none, as it was never expanded.
func addRecurrenceRules(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `ALTER TABLE lectures ADD COLUMN recurrence_rule TEXT NOT NULL DEFAULT ''`); err != nil {
		return fmt.Errorf("add recurrence_rule: %w", err)
	}
	type lecture struct {
		id   int64
		text string
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, recurrence FROM lectures WHERE recurrence <> ''`)
	lectures, err := collect(rows, err, func(row rowScanner) (l lecture, err error) {
		return l, row.Scan(&l.id, &l.text)
	})
	if err != nil {
		return fmt.Errorf("read recurrences: %w", err)
	}
	for _, l := range lectures {
		r, err := store.ParseRecurrenceText(l.text)
		if err != nil {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE lectures SET recurrence = $1, recurrence_rule = $2 WHERE id = $3`,
			r.String(), store.MarshalRecurrence(r), l.id); err != nil {
			return fmt.Errorf("keep the rule of lecture %d: %w", l.id, err)
		}
	}
	return nil
}

// dropRecurrenceRules undoes addRecurrenceRules; the words stay.
func dropRecurrenceRules(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `ALTER TABLE lectures DROP COLUMN recurrence_rule`)
	return err
}
