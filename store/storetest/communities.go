package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/sqlstore"
)

func runCommunityConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("none at first", func(t *testing.T) {
		got, err := open(t).ListCommunities(t.Context())
		if err != nil || got == nil || len(got) != 0 {
			t.Fatalf("ListCommunities = %v, %v; want an empty list", got, err)
		}
	})

	t.Run("configured ones added once each, listed in name order", func(t *testing.T) {
		s := open(t)
		names := []string{"古槐社区", "Alpha社区", "北关社区", "古槐社区", "阳光里社区"}
		if n, err := s.AddCommunities(t.Context(), names, base); err != nil || n != 4 {
			t.Fatalf("AddCommunities = %d, %v; want 4 added", n, err)
		}
		if n, err := s.AddCommunities(t.Context(), names, base.Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("AddCommunities again = %d, %v; want none added", n, err)
		}
		assertCommunities(t, s, slices.Compact(slices.Sorted(slices.Values(names)))...)
		got, _ := s.ListCommunities(t.Context())
		for _, c := range got {
			if c.ID == 0 {
				t.Errorf("community %q has no id", c.Name)
			}
			assertTime(t, "community CreatedAt", c.CreatedAt, base)
		}
	})

	t.Run("a configured list with a bad name adds nothing", func(t *testing.T) {
		s := open(t)
		_, err := s.AddCommunities(t.Context(), []string{"古槐社区", " "}, base)
		assertCode(t, "AddCommunities with an empty name", err, store.EINVALID, "")
		assertCommunities(t, s)
	})

	t.Run("an admin's community is cleaned, and refused when empty, too long or taken", func(t *testing.T) {
		s := open(t)
		c, err := s.CreateCommunity(t.Context(), " 新兴 社区 ", base)
		if err != nil || c.ID == 0 || c.Name != "新兴社区" {
			t.Fatalf("CreateCommunity = %+v, %v; want 新兴社区 with an id", c, err)
		}
		assertTime(t, "CreatedAt", c.CreatedAt, base)
		for _, tc := range []struct{ name, code string }{
			{"新兴社区", store.ECONFLICT},
			{"新兴社区居委会", store.ECONFLICT},
			{"", store.EINVALID},
			{strings.Repeat("古", store.MaxCommunityName+1), store.EINVALID},
		} {
			_, err := s.CreateCommunity(t.Context(), tc.name, base)
			assertCode(t, fmt.Sprintf("CreateCommunity(%q)", tc.name), err, tc.code, "")
		}
		if _, err := s.CreateCommunity(t.Context(), strings.Repeat("古", store.MaxCommunityName), base); err != nil {
			t.Fatalf("CreateCommunity of %d characters: %v", store.MaxCommunityName, err)
		}
		assertCommunities(t, s, strings.Repeat("古", store.MaxCommunityName), "新兴社区")
	})

	t.Run("renamed, what refers to it follows", func(t *testing.T) {
		s := withCommunities(open)(t)
		c := findCommunity(t, s, "北关社区")
		reg := store.Registration{OpenID: "o-1", Name: "张三", Phone: "13812345678", Community: "北关社区"}
		if _, _, err := s.RegisterVolunteer(t.Context(), reg, base); err != nil {
			t.Fatal(err)
		}
		renamed, err := s.RenameCommunity(t.Context(), c.ID, "北关新社区")
		if err != nil || renamed.ID != c.ID || renamed.Name != "北关新社区" {
			t.Fatalf("RenameCommunity = %+v, %v", renamed, err)
		}
		if u := mustFind(t, s, "o-1"); u.Community != "北关新社区" {
			t.Errorf("the volunteer's community is %q after the rename", u.Community)
		}
		for _, tc := range []struct {
			id         int64
			name, code string
		}{
			{c.ID, "古槐社区", store.ECONFLICT},
			{c.ID, "古槐社区居委会", store.ECONFLICT},
			{c.ID, " ", store.EINVALID},
			{unknownUser, "无名社区", store.ENOTFOUND},
		} {
			_, err := s.RenameCommunity(t.Context(), tc.id, tc.name)
			assertCode(t, fmt.Sprintf("RenameCommunity(%d, %q)", tc.id, tc.name), err, tc.code, "")
		}
		if again, err := s.RenameCommunity(t.Context(), c.ID, "北关新社区居委会"); err != nil || again.Name != "北关新社区居委会" {
			t.Errorf("a community renamed to its own name's variant = %+v, %v", again, err)
		}
	})

	t.Run("merged, every reference moves and the community goes", func(t *testing.T) {
		s := withCommunities(open)(t)
		from, into := findCommunity(t, s, "北关社区"), findCommunity(t, s, "古槐社区")
		mergeFixture(t, s)
		before := referenceCounts(t, s, from.ID, into.ID)
		m, err := s.MergeCommunities(t.Context(), from.ID, into.ID)
		if err != nil {
			t.Fatalf("MergeCommunities: %v", err)
		}
		after := referenceCounts(t, s, from.ID, into.ID)
		// A contact point or subscription that both had is one after.
		both := map[string]int{"contact_points": 1, "lecture_subscriptions": 1}
		for table, b := range before {
			if after[table][0] != 0 {
				t.Errorf("%s: %d rows still refer to the merged community", table, after[table][0])
			}
			if want := b[0] + b[1] - both[table]; after[table][1] != want {
				t.Errorf("%s: %d rows refer to %s after the merge, want %d (%d + %d - %d)", table, after[table][1], into.Name, want, b[0], b[1], both[table])
			}
			if want := b[0] - both[table]; m.Moved[table] != want {
				t.Errorf("Moved[%s] = %d, want %d", table, m.Moved[table], want)
			}
		}
		if m.From != "北关社区" || m.Into != "古槐社区" || m.DroppedBrand != "" {
			t.Errorf("merge = %+v", m)
		}
		if got := namesOf(t, s); slices.Contains(got, "北关社区") || len(got) != len(Communities)-1 {
			t.Errorf("communities after the merge: %v; want all but 北关社区", got)
		}
		subs, err := s.ListSubscriptions(t.Context(), mustUser(t, s, "o-both"))
		if err != nil || !slices.Equal(subs, []string{"古槐社区"}) {
			t.Errorf("subscriptions of a user on in the merged community and off in the other = %v, %v; want on in 古槐社区", subs, err)
		}
		cps, err := s.ListContactPoints(t.Context(), mustUser(t, s, "o-envoy"))
		if err != nil || len(cps) != 1 || cps[0].Community != "古槐社区" {
			t.Fatalf("contact points = %v, %v", cps, err)
		}
		assertTime(t, "the kept contact point's CreatedAt (the earlier)", cps[0].CreatedAt, base)
	})

	t.Run("merged into a community with a brand, the merged one's brand goes", func(t *testing.T) {
		s := withCommunities(open)(t)
		envoy := mustEnvoy(t, s, "o-envoy").ID
		for community, brand := range map[string]string{"北关社区": "北关红马甲", "古槐社区": "银发守护"} {
			if _, _, err := s.SetBrand(t.Context(), envoy, community, brand, "", base); err != nil {
				t.Fatal(err)
			}
		}
		m, err := s.MergeCommunities(t.Context(), findCommunity(t, s, "北关社区").ID, findCommunity(t, s, "古槐社区").ID)
		if err != nil || m.DroppedBrand != "北关红马甲" || m.Moved["brands"] != 0 {
			t.Fatalf("MergeCommunities = %+v, %v; want 北关红马甲 dropped", m, err)
		}
		brands, err := s.ListBrandsByEnvoy(t.Context(), envoy)
		if err != nil || len(brands) != 1 || brands[0].Name != "银发守护" || brands[0].Community != "古槐社区" {
			t.Errorf("brands = %v, %v; want 银发守护 of 古槐社区 only", brands, err)
		}
	})

	t.Run("merge errors", func(t *testing.T) {
		s := withCommunities(open)(t)
		c := findCommunity(t, s, "古槐社区")
		_, err := s.MergeCommunities(t.Context(), c.ID, c.ID)
		assertCode(t, "MergeCommunities into itself", err, store.EINVALID, "")
		_, err = s.MergeCommunities(t.Context(), unknownUser, c.ID)
		assertCode(t, "MergeCommunities of an unknown community", err, store.ENOTFOUND, "")
		_, err = s.MergeCommunities(t.Context(), c.ID, unknownUser)
		assertCode(t, "MergeCommunities into an unknown community", err, store.ENOTFOUND, "")
		assertKnownCommunities(t, s)
	})

	t.Run("merge covers every table that refers to communities", func(t *testing.T) {
		s := open(t)
		referring := referringTables(t, s)
		covered := sqlstore.MergeTables()
		slices.Sort(covered)
		if !slices.Equal(referring, covered) {
			t.Errorf("tables with a foreign key to communities %v, merged %v: a merge would leave references behind or fail", referring, covered)
		}
	})

	t.Run("counted for the dashboard", func(t *testing.T) {
		s := withCommunities(open)(t)
		mergeFixture(t, s)
		stats, err := s.ListCommunityStats(t.Context())
		if err != nil || len(stats) != len(Communities) {
			t.Fatalf("ListCommunityStats = %v, %v", stats, err)
		}
		got := map[string]store.CommunityStats{}
		for _, c := range stats {
			got[c.Name] = *c
		}
		if names := slices.Collect(maps.Keys(got)); !slices.Contains(names, "北关社区") {
			t.Fatalf("stats of %v", names)
		}
		b := got["北关社区"]
		if b.ID == 0 || b.Volunteers != 1 || b.Subscribers != 2 || b.Activities != 1 || b.Lectures != 1 ||
			b.ContactPoints != 2 || b.Teams != 1 || b.Brands != 1 {
			t.Errorf("北关社区 stats = %+v", b)
		}
		g := got["古槐社区"]
		// Volunteers: the envoy registered in 古槐社区; the off
		// subscription is not counted.
		if g.Volunteers != 1 || g.Subscribers != 0 || g.ContactPoints != 1 || g.Activities != 0 {
			t.Errorf("古槐社区 stats = %+v", g)
		}
	})
}

// mergeFixture fills 北关社区 with one row of every kind that refers to a
// community, and gives 古槐社区 a contact point of the same envoy (made
// later) and a subscription, turned off, of a user also on in 北关社区.
func mergeFixture(t *testing.T, s store.Store) {
	t.Helper()
	ctx := t.Context()
	envoy := mustEnvoy(t, s, "o-envoy").ID
	other := mustUser(t, s, "o-other-envoy")
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, _, err := s.AddContactPoint(ctx, envoy, "北关社区", base)
	must("AddContactPoint", err)
	_, _, err = s.AddContactPoint(ctx, envoy, "古槐社区", base.Add(time.Hour))
	must("AddContactPoint", err)
	_, _, err = s.AddContactPoint(ctx, other, "北关社区", base)
	must("AddContactPoint", err)
	_, err = s.CreateTeam(ctx, envoy, "北关红马甲队", "北关社区", base)
	must("CreateTeam", err)
	_, _, err = s.SetBrand(ctx, envoy, "北关社区", "北关红马甲", "", base)
	must("SetBrand", err)
	na := newActivity(envoy, later, 0)
	na.Community = "北关社区"
	mustActivity(t, s, na)
	_, err = s.CreateLecture(ctx, newLecture(envoy, "北关社区", later), base)
	must("CreateLecture", err)
	_, _, err = s.RegisterVolunteer(ctx, store.Registration{OpenID: "o-vol", Name: "张三", Phone: "13812345670", Community: "北关社区"}, base)
	must("RegisterVolunteer", err)
	only, both := mustUser(t, s, "o-only"), mustUser(t, s, "o-both")
	_, err = s.Subscribe(ctx, only, "北关社区", base)
	must("Subscribe", err)
	_, err = s.Subscribe(ctx, both, "北关社区", base)
	must("Subscribe", err)
	_, err = s.Subscribe(ctx, both, "古槐社区", base)
	must("Subscribe", err)
	_, err = s.Unsubscribe(ctx, both, "古槐社区", base)
	must("Unsubscribe", err)
}

// referenceCounts counts, per table MergeCommunities moves, the rows that
// refer to community a and to community b.
func referenceCounts(t *testing.T, s store.Store, a, b int64) map[string][2]int {
	t.Helper()
	counts := map[string][2]int{}
	for _, table := range sqlstore.MergeTables() {
		rows := rawQuery(t, s, func(rows *sql.Rows) (n [2]int, err error) {
			return n, rows.Scan(&n[0], &n[1])
		}, `SELECT
			(SELECT COUNT(*) FROM `+table+` WHERE community_id = $1),
			(SELECT COUNT(*) FROM `+table+` WHERE community_id = $2)`, a, b)
		counts[table] = rows[0]
	}
	return counts
}

// referringTables lists the tables with a foreign key to communities, as
// the database's catalogue has them, sorted.
func referringTables(t *testing.T, s store.Store) []string {
	t.Helper()
	r, ok := rawDBs.Load(s)
	if !ok {
		t.Skip("the tables of this store cannot be read directly")
	}
	query := `
		SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND f."table" = 'communities' ORDER BY m.name`
	if r.(rawDB).driver == "pgx" {
		query = `
			SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c
			WHERE c.contype = 'f' AND c.confrelid = 'communities'::regclass
			ORDER BY 1`
	}
	tables := rawQuery(t, s, func(rows *sql.Rows) (name string, err error) { return name, rows.Scan(&name) }, query)
	slices.Sort(tables)
	return tables
}

// findCommunity returns the named community.
func findCommunity(t *testing.T, s store.Store, name string) *store.Community {
	t.Helper()
	cs, err := s.ListCommunities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no community %q", name)
	return nil
}

// namesOf lists the names of the known communities.
func namesOf(t *testing.T, s store.Store) []string {
	t.Helper()
	cs, err := s.ListCommunities(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(cs))
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return names
}
