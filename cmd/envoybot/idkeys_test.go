package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/idseal"
)

// TestIDKeyRotation rotates the ID key as the README says, on the
// embedded store and PostgreSQL: numbers sealed with the old key are
// sealed again with the new one, open with it alone, and status says so.
func TestIDKeyRotation(t *testing.T) {
	for _, d := range deployments[:2] {
		t.Run(d.name, func(t *testing.T) {
			env := d.env(t)
			ctx := context.Background()
			oldKey, newKey := "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
			env["ENVOYBOT_ID_KEYS"] = "old=" + encode(oldKey)
			cfg := loadConfig(t, env)
			st, err := openStore(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.AddCommunities(ctx, cfg.Campaign.Communities, testStart); err != nil {
				t.Fatal(err)
			}
			old, _ := idseal.New([]idseal.Key{{Name: "old", Key: []byte(oldKey)}})
			var ids []int64
			for i, name := range []string{"张三", "李四"} {
				u, _, err := st.RegisterVolunteer(ctx, store.Registration{OpenID: "o-" + name, Name: name, Phone: "1380000000" + string(rune('1'+i)), Community: "古槐社区"}, testStart)
				if err != nil {
					t.Fatal(err)
				}
				sealed, _ := old.Seal("37080219900101123X", store.IDSealContext(u.ID))
				if _, err := st.ConsentRealName(ctx, u.ID, testStart); err != nil {
					t.Fatal(err)
				}
				if _, err := st.SetRealName(ctx, u.ID, store.RealName{IDType: store.IDTypeResident, Sealed: sealed, Masked: "3708**********123X"}, testStart); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, u.ID)
			}
			st.Close()

			env["ENVOYBOT_ID_KEYS"] = "new=" + encode(newKey) + ",old=" + encode(oldKey)
			var out, errs bytes.Buffer
			if code := run(ctx, []string{"idkeys", "status"}, mapEnv(env), nil, &out, &errs); code != 0 || !strings.Contains(out.String(), `key "old": 2`) {
				t.Fatalf("status before = %d: %s %s", code, out.String(), errs.String())
			}
			out.Reset()
			if code := run(ctx, []string{"idkeys", "reseal"}, mapEnv(env), nil, &out, &errs); code != 0 || !strings.Contains(out.String(), `2 ID numbers sealed again with key "new"`) {
				t.Fatalf("reseal = %d: %s %s", code, out.String(), errs.String())
			}
			t.Logf("envoybot idkeys reseal> %s", strings.TrimSpace(out.String()))
			out.Reset()
			if code := run(ctx, []string{"idkeys", "status"}, mapEnv(env), nil, &out, &errs); code != 0 || !strings.Contains(out.String(), `key "new": 2`) || strings.Contains(out.String(), `key "old"`) {
				t.Fatalf("status after = %d: %s", code, out.String())
			}
			t.Logf("envoybot idkeys status> %s", strings.TrimSpace(out.String()))
			st, err = openStore(ctx, loadConfig(t, env))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			newOnly, _ := idseal.New([]idseal.Key{{Name: "new", Key: []byte(newKey)}})
			sealed, err := st.SealedIDs(ctx, ids)
			if err != nil || len(sealed) != 2 {
				t.Fatalf("sealed = %+v, %v", sealed, err)
			}
			for _, s := range sealed {
				if plain, err := newOnly.Open(s.Sealed, store.IDSealContext(s.UserID)); err != nil || plain != "37080219900101123X" {
					t.Errorf("user %d: opened with the new key alone: %q, %v", s.UserID, plain, err)
				}
			}
		})
	}
}

// testStart is when the rotation test's volunteers register.
var testStart = time.Date(2026, 12, 1, 9, 0, 0, 0, cst)

// encode is a key as records.id_keys writes it.
func encode(key string) string { return base64.StdEncoding.EncodeToString([]byte(key)) }

// mapEnv is getenv over env.
func mapEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}
