package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"envoybot/store"
)

// mustRecord records one unrecognised text or fails the test.
func mustRecord(t *testing.T, s store.Store, text string, role store.Role, at time.Time) {
	t.Helper()
	if err := s.RecordUnrecognised(t.Context(), text, role, at); err != nil {
		t.Fatalf("RecordUnrecognised(%q): %v", text, err)
	}
}

// listUnrecognised lists with f or fails the test.
func listUnrecognised(t *testing.T, s store.Store, f store.UnrecognisedFilter) []*store.UnrecognisedMessage {
	t.Helper()
	list, err := s.ListUnrecognised(t.Context(), f)
	if err != nil {
		t.Fatalf("ListUnrecognised: %v", err)
	}
	return list
}

// unrecognisedTexts are the texts of list, in order.
func unrecognisedTexts(list []*store.UnrecognisedMessage) []string {
	texts := make([]string, len(list))
	for i, m := range list {
		texts[i] = m.Text
	}
	return texts
}

func runUnrecognisedConformance(t *testing.T, open func(t *testing.T) store.Store) {
	t.Run("a repeat counts and keeps the first and last sighting and the last role", func(t *testing.T) {
		s := open(t)
		mustRecord(t, s, "今天天气不错", store.RoleResident, base)
		mustRecord(t, s, "今天天气不错", store.RoleEnvoy, base.Add(2*time.Hour))
		mustRecord(t, s, "今天天气不错", store.RoleVolunteer, base.Add(time.Hour)) // arrives late
		list := listUnrecognised(t, s, store.UnrecognisedFilter{})
		if len(list) != 1 {
			t.Fatalf("ListUnrecognised = %q, want one row", unrecognisedTexts(list))
		}
		m := list[0]
		if m.ID == 0 || m.Text != "今天天气不错" || m.Count != 3 || m.Role != store.RoleEnvoy {
			t.Fatalf("row = %+v, want the text counted 3 times, last by an envoy", m)
		}
		assertTime(t, "FirstSeenAt", m.FirstSeenAt, base)
		assertTime(t, "LastSeenAt", m.LastSeenAt, base.Add(2*time.Hour))
	})

	t.Run("an earlier sighting moves the first one back", func(t *testing.T) {
		s := open(t)
		mustRecord(t, s, "哈哈", store.RoleResident, base)
		mustRecord(t, s, "哈哈", store.RoleAdmin, base.Add(-time.Hour))
		m := listUnrecognised(t, s, store.UnrecognisedFilter{})[0]
		assertTime(t, "FirstSeenAt", m.FirstSeenAt, base.Add(-time.Hour))
		assertTime(t, "LastSeenAt", m.LastSeenAt, base)
		if m.Role != store.RoleResident {
			t.Errorf("Role = %s, want resident (the latest sighting)", m.Role)
		}
	})

	t.Run("most frequent first, then most recent", func(t *testing.T) {
		s := open(t)
		for i := range 3 {
			mustRecord(t, s, "谢谢", store.RoleVolunteer, base.Add(time.Duration(i)*time.Minute))
		}
		mustRecord(t, s, "好的", store.RoleVolunteer, base)
		mustRecord(t, s, "收到", store.RoleVolunteer, base.Add(time.Hour))
		mustRecord(t, s, "在吗在吗", store.RoleVolunteer, base.Add(time.Hour))
		mustRecord(t, s, "在吗在吗", store.RoleVolunteer, base.Add(time.Hour))
		got := strings.Join(unrecognisedTexts(listUnrecognised(t, s, store.UnrecognisedFilter{})), "|")
		if want := "谢谢|在吗在吗|收到|好的"; got != want {
			t.Fatalf("order = %s, want %s", got, want)
		}
		got = strings.Join(unrecognisedTexts(listUnrecognised(t, s, store.UnrecognisedFilter{Limit: 2})), "|")
		if want := "谢谢|在吗在吗"; got != want {
			t.Fatalf("order with limit 2 = %s, want %s", got, want)
		}
	})

	t.Run("a period selects by last sighting", func(t *testing.T) {
		s := open(t)
		mustRecord(t, s, "早", store.RoleResident, base.Add(-48*time.Hour))
		mustRecord(t, s, "中午好呀", store.RoleResident, base)
		mustRecord(t, s, "晚安", store.RoleResident, base.Add(48*time.Hour))
		got := unrecognisedTexts(listUnrecognised(t, s, store.UnrecognisedFilter{From: base.Add(-time.Hour), To: base.Add(time.Hour)}))
		if len(got) != 1 || got[0] != "中午好呀" {
			t.Fatalf("texts last seen around base = %q, want [中午好呀]", got)
		}
		got = unrecognisedTexts(listUnrecognised(t, s, store.UnrecognisedFilter{From: base}))
		if len(got) != 2 {
			t.Fatalf("texts last seen from base = %q, want 2", got)
		}
	})

	t.Run("a text is capped and trimmed; empty texts and unknown roles are invalid", func(t *testing.T) {
		s := open(t)
		long := strings.Repeat("长", store.UnrecognisedMaxRunes+50)
		mustRecord(t, s, "  "+long+"  ", store.RoleResident, base)
		mustRecord(t, s, long[:3*store.UnrecognisedMaxRunes], store.RoleResident, base) // the same once capped
		list := listUnrecognised(t, s, store.UnrecognisedFilter{})
		if len(list) != 1 || len([]rune(list[0].Text)) != store.UnrecognisedMaxRunes || list[0].Count != 2 {
			t.Fatalf("capped rows = %d, first %d runes counted %d; want one of %d runes counted twice",
				len(list), len([]rune(list[0].Text)), list[0].Count, store.UnrecognisedMaxRunes)
		}
		for _, c := range []struct {
			text string
			role store.Role
			at   time.Time
		}{{" ", store.RoleResident, base}, {"x", "", base}, {"x", "guest", base}, {"x", store.RoleResident, time.Time{}}} {
			if err := s.RecordUnrecognised(t.Context(), c.text, c.role, c.at); store.ErrorCode(err) != store.EINVALID {
				t.Errorf("RecordUnrecognised(%q, %q, %v) = %v, want code %s", c.text, c.role, c.at, err, store.EINVALID)
			}
		}
	})

	t.Run("delete removes one row; an unknown id is not found", func(t *testing.T) {
		s := open(t)
		mustRecord(t, s, "啊啊啊", store.RoleResident, base)
		mustRecord(t, s, "嗯嗯", store.RoleResident, base)
		list := listUnrecognised(t, s, store.UnrecognisedFilter{})
		if err := s.DeleteUnrecognised(t.Context(), list[0].ID); err != nil {
			t.Fatalf("DeleteUnrecognised: %v", err)
		}
		if got := unrecognisedTexts(listUnrecognised(t, s, store.UnrecognisedFilter{})); len(got) != 1 || got[0] != list[1].Text {
			t.Fatalf("after delete = %q, want [%s]", got, list[1].Text)
		}
		if err := s.DeleteUnrecognised(t.Context(), list[0].ID); store.ErrorCode(err) != store.ENOTFOUND {
			t.Fatalf("second DeleteUnrecognised = %v, want code %s", err, store.ENOTFOUND)
		}
		mustRecord(t, s, "啊啊啊", store.RoleResident, base.Add(time.Hour))
		for _, m := range listUnrecognised(t, s, store.UnrecognisedFilter{}) {
			if m.Text == "啊啊啊" && m.Count != 1 {
				t.Errorf("a deleted text sent again counts %d, want 1", m.Count)
			}
		}
	})

	t.Run("prune removes rows last seen before the cutoff", func(t *testing.T) {
		s := open(t)
		mustRecord(t, s, "老的", store.RoleResident, base.Add(-100*24*time.Hour))
		mustRecord(t, s, "又老又新", store.RoleResident, base.Add(-100*24*time.Hour))
		mustRecord(t, s, "又老又新", store.RoleResident, base.Add(-time.Hour))
		mustRecord(t, s, "新的", store.RoleResident, base)
		n, err := s.PruneUnrecognised(t.Context(), base.Add(-store.UnrecognisedRetention))
		if err != nil || n != 1 {
			t.Fatalf("PruneUnrecognised = %d, %v; want 1", n, err)
		}
		got := strings.Join(unrecognisedTexts(listUnrecognised(t, s, store.UnrecognisedFilter{})), "|")
		if got != "又老又新|新的" {
			t.Fatalf("after prune = %s, want 又老又新|新的", got)
		}
		if n, err := s.PruneUnrecognised(t.Context(), base.Add(-store.UnrecognisedRetention)); err != nil || n != 0 {
			t.Fatalf("second PruneUnrecognised = %d, %v; want 0", n, err)
		}
	})

	t.Run("registered names are found among candidates", func(t *testing.T) {
		s := open(t)
		for _, r := range []store.Registration{
			{OpenID: "o-1", Name: "张三", Phone: "13812345678", Community: "古槐社区"},
			{OpenID: "o-2", Name: "欧阳娜娜", Phone: "13812345679", Community: "古槐社区"},
			{OpenID: "o-3", Name: "张三", Phone: "13812345670", Community: "北关社区"},
		} {
			if _, _, err := s.RegisterVolunteer(t.Context(), r, base); err != nil {
				t.Fatalf("RegisterVolunteer: %v", err)
			}
		}
		mustTouch(t, s, "o-resident", base) // no name
		got, err := s.RegisteredNames(t.Context(), store.NameCandidates("我是张三，欧阳娜娜让我来的"))
		if err != nil {
			t.Fatalf("RegisteredNames: %v", err)
		}
		if strings.Join(slices.Sorted(slices.Values(got)), "|") != "张三|欧阳娜娜" {
			t.Fatalf("RegisteredNames = %q, want 张三 and 欧阳娜娜 once each", got)
		}
		many := make([]string, 1200) // more than one query's worth
		for i := range many {
			many[i] = strings.Repeat("甲", i%10+2) + string(rune('a'+i%26)) + string(rune('a'+i/26))
		}
		many = append(many, "欧阳娜娜", "")
		got, err = s.RegisteredNames(t.Context(), many)
		if err != nil || len(got) != 1 || got[0] != "欧阳娜娜" {
			t.Fatalf("RegisteredNames of 1202 candidates = %q, %v; want [欧阳娜娜]", got, err)
		}
		if got, err := s.RegisteredNames(t.Context(), nil); err != nil || len(got) != 0 {
			t.Fatalf("RegisteredNames(nil) = %q, %v; want none", got, err)
		}
	})
}
