package admin

import (
	"embed"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"envoybot/configs"
	"envoybot/store"
	"envoybot/web/certificate"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps are what the dashboard needs; Store, Cache and Config are required.
type Deps struct {
	Store store.Store
	// Cache holds sessions, CSRF tokens and login failure counts; with
	// several replicas it must be the shared one (Redis).
	Cache  store.Cache
	Config *configs.Config
	// IDs opens sealed ID numbers for the national system's batch file;
	// nil: that export is refused.
	IDs store.IDSealer
	// Certificates writes certificate PDFs.
	Certificates *certificate.Renderer
	Log          *slog.Logger // nil: discard
	Now          func() time.Time
}

// server is the dashboard: its dependencies and parsed pages.
type server struct {
	st    store.Store
	cache store.Cache
	cfg   *configs.Config
	log   *slog.Logger
	now   func() time.Time
	loc   *time.Location
	pages pages
	ids   store.IDSealer
	certs *certificate.Renderer
	// trusted are the reverse proxies whose X-Forwarded-For is believed.
	trusted []*net.IPNet
}

// New returns the dashboard's handler. It serves full paths under /admin/
// (mount it with mux.Handle("/admin/", h), no StripPrefix). It panics when
// a required dependency is missing or an embedded template is broken: both
// are programming errors.
func New(d Deps) http.Handler {
	if d.Store == nil || d.Cache == nil || d.Config == nil {
		panic("admin: Store, Cache and Config are required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &server{st: d.Store, cache: d.Cache, cfg: d.Config, log: d.Log, now: d.Now, loc: d.Config.Location(),
		trusted: d.Config.Admin.ProxyNets(), ids: d.IDs, certs: d.Certificates}
	if s.certs == nil {
		fonts, err := certificate.LoadFonts("")
		if err != nil {
			panic(err) // the embedded fonts are part of the binary
		}
		s.certs = &certificate.Renderer{Fonts: fonts, PublicURL: d.Config.Admin.PublicURL, Contact: d.Config.Records.IssuerContact, Loc: s.loc}
	}
	s.pages = mustParsePages()
	return s.routes()
}

// routes maps every path. Pages behind a session go through s.authed; POST
// handlers also check the CSRF token there.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /admin/static/", http.StripPrefix("/admin/static/", staticHandler(static)))
	mux.HandleFunc("GET /admin/login", s.loginForm)
	mux.HandleFunc("POST /admin/login", s.login)
	mux.HandleFunc("GET "+store.AdminLinkPath, s.loginLink)

	mux.Handle("GET /admin/{$}", s.authed(s.progressPage))
	mux.Handle("GET /admin/charts", s.authed(s.chartsPage))
	mux.Handle("GET /admin/activities", s.authed(s.activitiesPage))
	mux.Handle("GET /admin/lectures", s.authed(s.lecturesPage))
	mux.Handle("GET /admin/volunteers", s.authed(s.volunteersPage))
	mux.Handle("GET /admin/outbox", s.authed(s.outboxPage))
	mux.Handle("GET /admin/invites", s.authed(s.inviteForm))
	mux.Handle("POST /admin/invites", s.authed(s.issueInvite))
	mux.Handle("GET /admin/hours", s.authed(s.hoursForm))
	mux.Handle("POST /admin/hours", s.authed(s.confirmHours))
	mux.Handle("GET /admin/communities", s.authed(s.communitiesPage))
	mux.Handle("POST /admin/communities", s.authed(s.addCommunity))
	mux.Handle("POST /admin/communities/rename", s.authed(s.renameCommunity))
	mux.Handle("POST /admin/communities/merge", s.authed(s.mergeCommunity))
	mux.Handle("GET /admin/broadcast", s.authed(s.broadcastForm))
	mux.Handle("POST /admin/broadcast", s.authed(s.broadcast))
	mux.Handle("POST /admin/logout", s.authed(s.logout))
	mux.Handle("GET /admin/export/progress.xlsx", s.authed(s.exportProgress))
	mux.Handle("GET /admin/export/records.xlsx", s.authed(s.exportRecords))
	mux.Handle("GET /admin/export/attendance.xlsx", s.authed(s.exportAttendance))
	mux.Handle("GET /admin/audit", s.authed(s.auditPage))
	mux.Handle("GET /admin/makeups", s.authed(s.makeupsPage))
	mux.Handle("POST /admin/makeups", s.authed(s.decideMakeup))
	mux.Handle("GET /admin/certificates", s.authed(s.certificatesPage))
	mux.Handle("POST /admin/certificates", s.authed(s.issueCertificate))
	mux.Handle("POST /admin/certificates/revoke", s.authed(s.revokeCertificate))
	mux.Handle("GET /admin/certificates/{file}", s.authed(s.certificatePDF))
	mux.Handle("GET /admin/export/national.xlsx", s.authed(s.exportNational))
	mux.Handle("GET /admin/requests", s.authed(s.requestsPage))
	mux.Handle("GET /admin/unrecognised", s.authed(s.unrecognisedPage))
	mux.Handle("POST /admin/unrecognised/delete", s.authed(s.deleteUnrecognised))
	mux.Handle("GET /admin/export/unrecognised.jsonl", s.authed(s.exportUnrecognised))
	mux.Handle("GET /admin/photos/{activity}/{id}", s.authed(s.photo))
	// Anything else under /admin/ still needs a session before it can learn
	// that the page does not exist.
	mux.Handle("/admin/", s.authed(func(w http.ResponseWriter, r *http.Request, _ *session) {
		http.NotFound(w, r)
	}))
	return securityHeaders(mux)
}

// maxFormBytes caps a POSTed form; the largest is a broadcast.
const maxFormBytes = 64 << 10

// securityHeaders keeps pages out of frames and caches and lets them load
// nothing from elsewhere; it also caps request bodies.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// staticHandler serves the embedded assets with a short cache lifetime.
func staticHandler(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}
