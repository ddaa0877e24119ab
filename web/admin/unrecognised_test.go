package admin

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"envoybot/store"
	"envoybot/store/storetest"
)

// unrecognisedRow finds a row's count and text on the page.
var unrecognisedRow = regexp.MustCompile(`<td class="num">(\d+)</td><td class="text">([^<]*)</td>`)

// deleteIDPattern finds the id of a row's delete form.
var deleteIDPattern = regexp.MustCompile(`name="id" value="(\d+)"`)

func TestUnrecognisedPage(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		record := func(text string, role store.Role, at time.Time, times int) {
			t.Helper()
			for range times {
				if err := s.RecordUnrecognised(ctx, text, role, at); err != nil {
					t.Fatal(err)
				}
			}
		}
		script := `<script>alert("x")</script>&`
		record("谢谢", store.RoleVolunteer, testNow.Add(-time.Hour), 3)
		record(script, store.RoleResident, testNow.Add(-2*time.Hour), 1)
		record("好的 138****5678", store.RoleEnvoy, testNow.Add(-3*time.Hour), 2)
		record("上个月的", store.RoleResident, testNow.AddDate(0, -1, 0), 5)
		e := newEnv(t, s)

		t.Run("a session is required", func(t *testing.T) {
			b := e.browser("10.0.0.9")
			for _, path := range []string{"/admin/unrecognised", "/admin/export/unrecognised.jsonl"} {
				if r := b.do("GET", path, nil); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/admin/login?next=") {
					t.Errorf("GET %s without a session = %d %q, want a redirect to the login", path, r.Code, r.Header.Get("Location"))
				}
			}
			if r := b.do("POST", "/admin/unrecognised/delete", formOf("id", "1", "csrf", "x")); r.Code != http.StatusUnauthorized {
				t.Errorf("POST delete without a session = %d, want 401", r.Code)
			}
			if n := len(mustList(t, s, store.UnrecognisedFilter{})); n != 4 {
				t.Errorf("%d rows after refused requests, want 4", n)
			}
		})

		b := e.browser("10.0.0.1").login()

		t.Run("most frequent first, text escaped, linked in the menu", func(t *testing.T) {
			r := b.do("GET", "/admin/unrecognised", nil)
			if r.Code != http.StatusOK {
				t.Fatalf("GET /admin/unrecognised = %d:\n%s", r.Code, r.Body)
			}
			var got []string
			for _, m := range unrecognisedRow.FindAllStringSubmatch(r.Body, -1) {
				got = append(got, m[1]+" "+m[2])
			}
			want := []string{"5 上个月的", "3 谢谢", "2 好的 138****5678", "1 &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;"}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("rows = %q, want %q", got, want)
			}
			if strings.Contains(r.Body, "<script>") {
				t.Error("the page carries a raw <script> from a chat message")
			}
			for _, s := range []string{`href="/admin/unrecognised" class="active">未识别消息</a>`, "志愿者", "使者", "4 条不同的消息，共 11 次"} {
				if !strings.Contains(r.Body, s) {
					t.Errorf("the page lacks %q", s)
				}
			}
		})

		t.Run("a period filters by last sighting", func(t *testing.T) {
			r := b.do("GET", "/admin/unrecognised?from="+testNow.AddDate(0, 0, -7).Format("2006-01-02")+"&to="+testNow.Format("2006-01-02"), nil)
			rows := unrecognisedRow.FindAllStringSubmatch(r.Body, -1)
			if r.Code != http.StatusOK || len(rows) != 3 || strings.Contains(r.Body, "上个月的") {
				t.Errorf("filtered page = %d with %d rows", r.Code, len(rows))
			}
			if r := b.do("GET", "/admin/unrecognised?from=yesterday", nil); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "开始日期应写成") {
				t.Errorf("a bad date = %d", r.Code)
			}
		})

		t.Run("export is JSONL in the corpus format", func(t *testing.T) {
			r := b.do("GET", "/admin/export/unrecognised.jsonl", nil)
			if r.Code != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-ndjson") {
				t.Fatalf("export = %d %q", r.Code, r.Header.Get("Content-Type"))
			}
			if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, `.jsonl"`) {
				t.Errorf("Content-Disposition = %q", cd)
			}
			lines := strings.Split(strings.TrimSuffix(r.Body, "\n"), "\n")
			if len(lines) != 4 {
				t.Fatalf("%d lines:\n%s", len(lines), r.Body)
			}
			type line struct {
				ID    string         `json:"id"`
				Role  string         `json:"role"`
				Now   string         `json:"now"`
				Text  string         `json:"text"`
				Count int            `json:"count"`
				Want  map[string]any `json:"want"`
			}
			var got []line
			for _, l := range lines {
				var x line
				dec := json.NewDecoder(strings.NewReader(l))
				if err := dec.Decode(&x); err != nil {
					t.Fatalf("line %q: %v", l, err)
				}
				got = append(got, x)
			}
			if g := got[1]; g.ID != "u2" || g.Role != "volunteer" || g.Text != "谢谢" || g.Count != 3 ||
				g.Now != testNow.Add(-time.Hour).Format(time.RFC3339) || !strings.HasSuffix(g.Now, "+08:00") {
				t.Errorf("second line = %+v", g)
			}
			if w, ok := got[0].Want["intent"]; !ok || w != "" || len(got[0].Want) != 1 {
				t.Errorf("want = %v, want {\"intent\": \"\"}", got[0].Want)
			}
			if got[3].Text != script || !strings.Contains(lines[3], `"<script>`) {
				t.Errorf("last line = %s, want the text as sent", lines[3])
			}
			period := b.do("GET", "/admin/export/unrecognised.jsonl?from="+testNow.AddDate(0, 0, -7).Format("2006-01-02"), nil)
			if n := strings.Count(period.Body, "\n"); period.Code != http.StatusOK || n != 3 {
				t.Errorf("export of the last week = %d with %d lines", period.Code, n)
			}
		})

		t.Run("handled messages are deleted with the CSRF token only", func(t *testing.T) {
			page := b.do("GET", "/admin/unrecognised", nil)
			m := deleteIDPattern.FindStringSubmatch(page.Body)
			if m == nil {
				t.Fatal("no delete form")
			}
			if r := b.do("POST", "/admin/unrecognised/delete", formOf("id", m[1])); r.Code != http.StatusForbidden {
				t.Errorf("POST without CSRF = %d, want 403", r.Code)
			}
			if n := len(mustList(t, s, store.UnrecognisedFilter{})); n != 4 {
				t.Fatalf("%d rows after a forged delete, want 4", n)
			}
			r := b.post("/admin/unrecognised", "/admin/unrecognised/delete", url.Values{"id": {m[1]}, "from": {"2019-06-01"}})
			if r.Code != http.StatusSeeOther || r.Header.Get("Location") != "/admin/unrecognised?deleted=1&from=2019-06-01" {
				t.Fatalf("POST delete = %d %q", r.Code, r.Header.Get("Location"))
			}
			left := mustList(t, s, store.UnrecognisedFilter{})
			if len(left) != 3 || left[0].Text != "谢谢" {
				t.Fatalf("after delete %d rows, first %q; want 3, 谢谢 first", len(left), left[0].Text)
			}
			if r := b.do("GET", r.Header.Get("Location"), nil); !strings.Contains(r.Body, "已处理") {
				t.Errorf("no flash after delete")
			}
			if r := b.post("/admin/unrecognised", "/admin/unrecognised/delete", url.Values{"id": {"x"}}); r.Code != http.StatusBadRequest {
				t.Errorf("POST with a bad id = %d, want 400", r.Code)
			}
		})
	})
}

// mustList lists unrecognised messages or fails the test.
func mustList(t *testing.T, s store.Store, f store.UnrecognisedFilter) []*store.UnrecognisedMessage {
	t.Helper()
	rows, err := s.ListUnrecognised(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
