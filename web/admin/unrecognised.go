package admin

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"envoybot/store"
)

// unrecognisedView is the page 未识别消息: what the bot did not
// understand, most frequent first.
type unrecognisedView struct {
	From, To  string
	Rows      []*store.UnrecognisedMessage
	Total     int // occurrences of the rows shown
	Capped    bool
	Export    string // the export's URL, with the same period
	LocalTime func(time.Time) string
	RoleText  map[store.Role]string
}

// unrecognisedFilter reads the period filter (last seen from..to, dates
// inclusive); bad dates are named in bad and ignored.
func (s *server) unrecognisedFilter(q url.Values) (f store.UnrecognisedFilter, from, to string, bad []string) {
	from, to = q.Get("from"), q.Get("to")
	f.From, f.To, bad = s.parseDays(&from, &to, bad)
	if f.From.IsZero() {
		from = ""
	}
	if f.To.IsZero() {
		to = ""
	}
	return f, from, to, bad
}

// periodQuery is the query string of a period filter, "" without one.
func periodQuery(from, to string) string {
	v := url.Values{}
	if from != "" {
		v.Set("from", from)
	}
	if to != "" {
		v.Set("to", to)
	}
	return v.Encode()
}

// unrecognisedPage lists unrecognised messages for the period.
func (s *server) unrecognisedPage(w http.ResponseWriter, r *http.Request, ss *session) {
	q := r.URL.Query()
	f, from, to, bad := s.unrecognisedFilter(q)
	f.Limit = listLimit + 1
	rows, err := s.st.ListUnrecognised(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := unrecognisedView{From: from, To: to, LocalTime: s.localTime, RoleText: roleText,
		Export: "/admin/export/unrecognised.jsonl"}
	if pq := periodQuery(from, to); pq != "" {
		v.Export += "?" + pq
	}
	if len(rows) > listLimit {
		rows, v.Capped = rows[:listLimit], true
	}
	v.Rows = rows
	for _, m := range rows {
		v.Total += m.Count
	}
	p := page{Title: "未识别消息", Data: v, Error: strings.Join(bad, "；")}
	if q.Get("deleted") != "" {
		p.Flash = "已处理，这条消息已删除。"
	}
	s.renderAuthed(w, r, ss, "unrecognised", p)
}

// deleteUnrecognised removes one message staff have handled, then shows
// the list again with the same period.
func (s *server) deleteUnrecognised(w http.ResponseWriter, r *http.Request, ss *session) {
	id, err := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	if err != nil || id <= 0 {
		http.Error(w, "请从列表中选择一条消息。", http.StatusBadRequest)
		return
	}
	switch err := s.st.DeleteUnrecognised(r.Context(), id); store.ErrorCode(err) {
	case "", store.ENOTFOUND: // already gone: handled by someone else
	default:
		s.fail(w, r, err)
		return
	}
	s.log.Info("admin handled an unrecognised message", slog.String("admin", ss.Name), slog.Int64("id", id))
	target := "/admin/unrecognised?deleted=1"
	if pq := periodQuery(r.PostFormValue("from"), r.PostFormValue("to")); pq != "" {
		target += "&" + pq
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// corpusLine is one unrecognised message in the format of the parser's
// corpus (bot/intent/testdata/heldout/messages.jsonl), with want.intent
// (and why) left for staff to fill in, and how often it came.
type corpusLine struct {
	ID    string            `json:"id"`
	Role  store.Role        `json:"role"`
	Now   string            `json:"now"`
	Text  string            `json:"text"`
	Count int               `json:"count"`
	Want  map[string]string `json:"want"`
	Why   string            `json:"why"`
}

// ndjsonType is the media type of the JSONL export.
const ndjsonType = "application/x-ndjson; charset=utf-8"

// exportUnrecognised writes the unrecognised messages of the period as
// JSONL in the corpus format, most frequent first: id u1, u2, …, the role
// of the last sender, now the last sighting in the campaign's zone.
func (s *server) exportUnrecognised(w http.ResponseWriter, r *http.Request, _ *session) {
	f, _, _, bad := s.unrecognisedFilter(r.URL.Query())
	if len(bad) > 0 {
		http.Error(w, strings.Join(bad, "；"), http.StatusBadRequest)
		return
	}
	rows, err := s.st.ListUnrecognised(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	day := s.now().In(s.loc).Format("20060102")
	w.Header().Set("Content-Type", ndjsonType)
	w.Header().Set("Content-Disposition", `attachment; filename="unrecognised-`+day+`.jsonl"; filename*=UTF-8''`+
		url.PathEscape("未识别消息-"+day+".jsonl"))
	out := bufio.NewWriter(w)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for i, m := range rows {
		line := corpusLine{ID: "u" + strconv.Itoa(i+1), Role: m.Role, Now: m.LastSeenAt.In(s.loc).Format(time.RFC3339),
			Text: m.Text, Count: m.Count, Want: map[string]string{"intent": ""}}
		if err := enc.Encode(line); err != nil {
			s.log.Warn("admin: unrecognised export cut short", slog.Any("error", err))
			return
		}
	}
	if err := out.Flush(); err != nil {
		s.log.Warn("admin: unrecognised export cut short", slog.Any("error", err))
	}
}
