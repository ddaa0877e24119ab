package admin

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"envoybot/store"
)

// Cookie and form names.
const (
	sessionCookie = "envoybot_admin"
	loginCookie   = "envoybot_admin_login" // CSRF token of the login form
	csrfField     = "csrf"
	cookiePath    = "/admin/"
)

// session is a logged-in admin as kept in the cache.
type session struct {
	Name string `json:"name"` // the account name shown and audited
	// Actor is the user the store records as acting (recorder of hours,
	// issuer of invites): the admin's OpenID from chat, or for a password
	// account its own user "admin:<name>".
	Actor string `json:"actor,omitempty"`
	// Password tells a password login from one by a chat link.
	Password bool      `json:"password,omitempty"`
	CSRF     string    `json:"csrf"`
	Created  time.Time `json:"created"`
}

// newToken returns 32 random bytes, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("admin: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionKey is the cache key of a token: its hash, so that whoever reads
// the cache cannot use what they see as a cookie.
func sessionKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "admin:session:" + hex.EncodeToString(sum[:])
}

// createSession stores a new session and sets its cookie.
func (s *server) createSession(ctx context.Context, w http.ResponseWriter, r *http.Request, name, actor string, password bool) error {
	token := newToken()
	ss := session{Name: name, Actor: actor, Password: password, CSRF: newToken(), Created: s.now()}
	data, err := json.Marshal(ss)
	if err != nil {
		return err
	}
	ttl := s.cfg.Admin.SessionTTL
	if err := s.cache.Set(ctx, sessionKey(token), string(data), ttl); err != nil {
		return fmt.Errorf("admin: store session: %w", err)
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, token, int(ttl/time.Second)))
	return nil
}

// cookie is an admin cookie: HttpOnly, SameSite=Lax, and Secure when the
// dashboard is served over HTTPS (secureCookie).
func (s *server) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: name, Value: value, Path: cookiePath, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secureCookie(r),
	}
}

// secureCookie reports whether the cookies r gets are Secure. A browser
// never sends a Secure cookie back over plain HTTP, so marking them Secure
// on a dashboard reached by http:// makes every login fail: they are
// Secure when admin.public_url is https, or, without a public URL, when r
// itself came over HTTPS (directly, or as a trusted proxy's
// X-Forwarded-Proto says); never with the development token or with
// admin.secure_cookies false.
func (s *server) secureCookie(r *http.Request) bool {
	if !s.cfg.Admin.SecureCookies || s.cfg.UsingDevToken() {
		return false
	}
	if u := s.cfg.Admin.PublicURL; u != "" {
		return strings.HasPrefix(strings.ToLower(u), "https://")
	}
	return s.overHTTPS(r)
}

// overHTTPS reports whether r reached the dashboard over HTTPS.
func (s *server) overHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return inNets(net.ParseIP(host), s.trusted) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// currentSession returns the request's session, or nil without a valid one.
func (s *server) currentSession(r *http.Request) (*session, string, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, "", nil
	}
	v, ok, err := s.cache.Get(r.Context(), sessionKey(c.Value))
	if err != nil {
		return nil, "", fmt.Errorf("admin: read session: %w", err)
	}
	if !ok {
		return nil, "", nil
	}
	var ss session
	if err := json.Unmarshal([]byte(v), &ss); err != nil {
		return nil, "", nil
	}
	if !s.stillAdmin(r.Context(), &ss) {
		_ = s.cache.Delete(r.Context(), sessionKey(c.Value))
		return nil, "", nil
	}
	return &ss, c.Value, nil
}

// stillAdmin re-checks a session's admin on every request: a password
// account must still be configured, an admin from chat must still hold
// the role. A removed account or a revoked role ends its sessions at once.
// A chat admin's name is filled in here, from the store, never kept in the
// session.
func (s *server) stillAdmin(ctx context.Context, ss *session) bool {
	if ss.Password {
		for _, a := range s.cfg.AdminAccounts() {
			if a.Name == ss.Name {
				return true
			}
		}
		return false
	}
	u, err := s.st.FindUserByOpenID(ctx, ss.Actor)
	if err != nil || u.Role != store.RoleAdmin || !u.AnonymisedAt.IsZero() {
		return false
	}
	ss.Name = u.Name
	if ss.Name == "" {
		ss.Name = "管理员"
	}
	return true
}

// authedHandler is a page that needs a session.
type authedHandler func(w http.ResponseWriter, r *http.Request, ss *session)

// authed lets only logged-in admins through: others get a redirect to the
// login page (GET from a browser) or 401. POSTs must carry the session's
// CSRF token, else 403.
func (s *server) authed(h authedHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ss, _, err := s.currentSession(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if ss == nil {
			s.unauthorised(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !validCSRF(r, ss.CSRF) {
				s.log.Warn("admin: CSRF token missing or wrong", slog.String("admin", ss.Name), slog.String("path", r.URL.Path))
				http.Error(w, "403 禁止访问：表单已过期或来源不明，请刷新页面后重试。", http.StatusForbidden)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r, ss)
	})
}

// unauthorised redirects a browser's GET to the login page and answers
// anything else (other methods, XHR, API clients) with 401.
func (s *server) unauthorised(w http.ResponseWriter, r *http.Request) {
	xhr := r.Header.Get("X-Requested-With") != "" ||
		(strings.Contains(r.Header.Get("Accept"), "application/json") && !strings.Contains(r.Header.Get("Accept"), "text/html"))
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && !xhr {
		http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	w.Header().Set("WWW-Authenticate", `Cookie realm="envoybot admin"`)
	http.Error(w, "401 需要登录", http.StatusUnauthorized)
}

// validCSRF compares the form's token with want in constant time.
func validCSRF(r *http.Request, want string) bool {
	got := r.PostFormValue(csrfField)
	if got == "" {
		got = r.Header.Get("X-CSRF-Token")
	}
	return want != "" && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// logout ends the session and clears the cookie.
func (s *server) logout(w http.ResponseWriter, r *http.Request, ss *session) {
	if _, token, _ := s.currentSession(r); token != "" {
		if err := s.cache.Delete(r.Context(), sessionKey(token)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
	s.log.Info("admin logged out", slog.String("admin", ss.Name))
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}
