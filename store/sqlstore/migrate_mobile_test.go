package sqlstore

import (
	"path/filepath"
	"testing"
	"time"

	"envoybot/store"
)

// TestUniqueMobileMigration undoes migration 6, lets three live users
// register one mobile (as the check-then-insert race could) beside an
// anonymised user, and runs it again: it does not fail, the earliest user
// keeps the mobile, the later ones are blanked (and count as unregistered),
// and from then on the mobile cannot be taken again.
func TestUniqueMobileMigration(t *testing.T) {
	for _, e := range []struct {
		name string
		open func(t *testing.T) *DB
	}{
		{"sqlite", func(t *testing.T) *DB {
			db, err := OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "envoybot.db"))
			if err != nil {
				t.Fatal(err)
			}
			return db
		}},
		{"postgres", openPostgresSchema},
	} {
		t.Run(e.name, func(t *testing.T) {
			ctx := t.Context()
			db := e.open(t)
			defer db.Close()
			at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			if _, err := db.AddCommunities(ctx, []string{"古槐社区"}, at); err != nil {
				t.Fatal(err)
			}
			if _, err := db.migrations.DownTo(ctx, 5); err != nil {
				t.Fatalf("down to 5: %v", err)
			}
			// Registrations as version 5 stored them, written in SQL: today's
			// code reads columns that later migrations (14) add.
			register := func(openID, phone string) *store.User {
				t.Helper()
				var id int64
				if err := db.write.QueryRowContext(ctx, `
					INSERT INTO users (openid, role, real_name, mobile, community_id, following, registered_at, created_at, updated_at)
					VALUES ($1, 'volunteer', '张三', $2, (SELECT id FROM communities WHERE name = '古槐社区'), TRUE, $3, $3, $3)
					RETURNING id`, openID, phone, db.d.time(at)).Scan(&id); err != nil {
					t.Fatalf("register %s before the migration: %v", openID, err)
				}
				return &store.User{ID: id, OpenID: openID}
			}
			// 注销 as version 5 left it: the profile marked anonymised (the
			// code of today's 注销 needs later migrations' tables).
			gone := register("o-gone", "13800000009")
			if _, err := db.write.ExecContext(ctx, `UPDATE users SET anonymised_at = $1, real_name = '', mobile = '' WHERE id = $2`, db.d.time(at), gone.ID); err != nil {
				t.Fatal(err)
			}
			register("o-first", "13800000001")
			register("o-second", "13800000001")
			register("o-third", "13800000001")
			register("o-other", "13800000002")

			if _, err := db.migrations.UpTo(ctx, 6); err != nil {
				t.Fatalf("up to 6 with duplicates: %v", err)
			}
			if _, err := db.migrations.Up(ctx); err != nil {
				t.Fatalf("the later migrations after 6: %v", err)
			}
			kept := 0
			for _, want := range []struct{ openID, phone string }{
				{"o-first", "13800000001"}, {"o-second", ""}, {"o-third", ""}, {"o-other", "13800000002"}, {"o-gone", ""},
			} {
				u, err := db.FindUserByOpenID(ctx, want.openID)
				if err != nil {
					t.Fatal(err)
				}
				if u.Phone != want.phone {
					t.Errorf("%s has mobile %q after the migration, want %q", want.openID, u.Phone, want.phone)
				}
				if u.Phone == "13800000001" {
					kept++
				}
			}
			t.Logf("3 live users shared 13800000001 before migration 6: %d keeps it after, the later ones were blanked", kept)
			_, _, err := db.RegisterVolunteer(ctx, store.Registration{OpenID: "o-second", Name: "张三", Phone: "13800000001", Community: "古槐社区"}, at)
			if store.ErrorCode(err) != store.ECONFLICT || store.ErrorMessage(err) != store.MsgPhoneTaken {
				t.Errorf("registering the kept mobile again = %v, want ECONFLICT %s", err, store.MsgPhoneTaken)
			}
			if _, _, err := db.RegisterVolunteer(ctx, store.Registration{OpenID: "o-second", Name: "张三", Phone: "13800000003", Community: "古槐社区"}, at); err != nil {
				t.Errorf("a blanked user registering a mobile of their own: %v", err)
			}
		})
	}
}
