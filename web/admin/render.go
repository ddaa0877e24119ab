package admin

import (
	"bytes"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"envoybot/store"
)

// pageNames are the templates in templates/, each rendered inside layout.
var pageNames = []string{"login", "progress", "charts", "activities", "lectures", "volunteers", "outbox", "invites", "hours", "broadcast", "unrecognised", "communities", "audit", "makeups", "certificates", "requests"}

// pages maps a page name to its parsed template set.
type pages map[string]*template.Template

// page is what the layout gets: the page's own Data plus the frame.
type page struct {
	Title    string
	Nav      string // the active menu entry
	Campaign string
	Admin    string
	CSRF     string
	Flash    string
	Error    string
	Data     any
}

// mustParsePages parses layout, partials and each page once at start.
func mustParsePages() pages {
	ps := pages{}
	for _, name := range pageNames {
		t := template.New(name).Funcs(funcs)
		ps[name] = template.Must(t.ParseFS(templateFS, "templates/layout.html", "templates/svg.html", "templates/"+name+".html"))
	}
	return ps
}

// funcs are the helpers templates use.
var funcs = template.FuncMap{
	"hours":   func(minutes int) string { return formatHours(minutes) },
	"mask":    store.MaskPhone,
	"pct":     func(n, of int) string { return percent(n, of) },
	"join":    joinOr,
	"kind":    kindText,
	"status":  statusText,
	"channel": channelText,
	"errtext": errorText,
	"short": func(s string, n int) string {
		r := []rune(s)
		if len(r) <= n {
			return s
		}
		return string(r[:n]) + "…"
	},
}

// formatHours shows minutes as hours with at most one decimal.
func formatHours(minutes int) string {
	if minutes < 0 {
		return "—"
	}
	return strings.TrimSuffix(strconv.FormatFloat(float64(minutes)/60, 'f', 1, 64), ".0")
}

// percent is n of `of` as a percentage with one decimal, "—" when of is 0.
func percent(n, of int) string {
	if of == 0 {
		return "—"
	}
	return strconv.FormatFloat(100*float64(n)/float64(of), 'f', 1, 64) + "%"
}

// render writes the named page inside the layout, buffered so that a
// template error becomes a clean 500.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	p.Campaign = s.cfg.Campaign.Name
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.fail(w, r, fmt.Errorf("admin: render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// renderAuthed renders a page for a logged-in admin.
func (s *server) renderAuthed(w http.ResponseWriter, r *http.Request, ss *session, name string, p page) {
	p.Admin, p.CSRF = ss.Name, ss.CSRF
	if p.Nav == "" {
		p.Nav = name
	}
	status := http.StatusOK
	if p.Error != "" {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, name, p)
}

// fail logs an unexpected error and answers 500 without details.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("admin: request failed", slog.String("path", r.URL.Path), slog.Any("error", err))
	http.Error(w, "500 服务器内部错误，请稍后再试。", http.StatusInternalServerError)
}

// localTime formats t in the campaign's zone, "" for the zero time.
func (s *server) localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.loc).Format("2006-01-02 15:04")
}
