package admin

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"envoybot/configs"
)

// loginView is what the login page shows.
type loginView struct {
	CSRF, Next, Name, Error string
}

// loginForm shows the login page; a logged-in admin goes straight on.
func (s *server) loginForm(w http.ResponseWriter, r *http.Request) {
	if ss, _, _ := s.currentSession(r); ss != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	s.renderLogin(w, r, http.StatusOK, loginView{Next: r.URL.Query().Get("next")})
}

// renderLogin renders the login page with a fresh login CSRF token, kept
// in a cookie of its own (there is no session yet to hold it).
func (s *server) renderLogin(w http.ResponseWriter, r *http.Request, status int, v loginView) {
	v.CSRF = newToken()
	v.Next = safeNext(v.Next)
	http.SetCookie(w, s.cookie(r, loginCookie, v.CSRF, 3600))
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "login", page{Title: "登录", Data: v})
}

// login checks a password against the configured accounts. Wrong
// passwords slow further attempts on the account and from the address
// down (throttle); nothing locks an account.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := r.Cookie(loginCookie)
	form := r.PostFormValue(csrfField)
	if err != nil && s.secureCookie(r) && !s.overHTTPS(r) {
		// The browser kept the form's Secure cookie to itself: no refresh
		// helps, only opening the dashboard by its https:// address.
		s.log.Warn("admin login over plain HTTP while cookies are Secure", slog.String("public_url", s.cfg.Admin.PublicURL))
		http.Error(w, fmt.Sprintf("403 无法登录：后台的 Cookie 只在 HTTPS 下发送（admin.public_url 是 %s），而本页是用 http:// 打开的。请用 %s/admin/login 打开后台。",
			s.cfg.Admin.PublicURL, strings.TrimSuffix(s.cfg.Admin.PublicURL, "/")), http.StatusForbidden)
		return
	}
	if err != nil || form == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(form)) != 1 {
		http.Error(w, "403 禁止访问：登录表单已过期，请刷新页面后重试。", http.StatusForbidden)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	password := r.PostFormValue("password")
	v := loginView{Next: r.PostFormValue("next"), Name: name}
	ip := clientIP(r, s.trusted)
	l := s.throttle()

	wait, release, err := l.admit(ctx, name, ip)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer release()
	if wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		s.log.Info("admin login delayed", append(s.attemptAttrs(name, ip), slog.Int("wait_seconds", secs))...)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		v.Error = fmt.Sprintf("尝试次数较多，请 %d 秒后再试。", secs)
		s.renderLogin(w, r, http.StatusTooManyRequests, v)
		return
	}
	if name == "" || password == "" || len(name) > 64 || len(password) > 72 || !s.checkPassword(name, password) {
		if err := l.fail(ctx, name, ip); err != nil {
			s.fail(w, r, err)
			return
		}
		s.log.Warn("admin login failed", s.attemptAttrs(name, ip)...)
		v.Error = "用户名或密码不正确。"
		s.renderLogin(w, r, http.StatusUnauthorized, v)
		return
	}
	if err := l.succeed(ctx, name, ip); err != nil {
		s.log.Warn("admin: reset login failures", slog.Any("error", err))
	}
	actor, err := s.accountUser(ctx, name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.createSession(ctx, w, r, name, actor, true); err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, s.cookie(r, loginCookie, "", -1))
	s.log.Info("admin logged in", slog.String("admin", name), slog.String("ip", ip))
	http.Redirect(w, r, safeNext(v.Next), http.StatusSeeOther)
}

// attemptAttrs describe a failed or delayed login for the log. The typed
// name is logged only when it is an account's: people type passwords into
// the name field, and those must not reach the log.
func (s *server) attemptAttrs(name, ip string) []any {
	for _, a := range s.cfg.AdminAccounts() {
		if a.Name == name {
			return []any{slog.String("name", name), slog.String("ip", ip)}
		}
	}
	return []any{slog.Bool("unknown_account", true), slog.String("ip", ip)}
}

// dummyHash is compared against when the account is unknown, so that the
// answer takes as long as for a known one.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("envoybot: no such account"), PasswordCost)
	return h
})

// PasswordCost is the bcrypt cost of new password hashes.
const PasswordCost = 12

// bcryptSlots bounds the password checks running at once: each costs a
// quarter second of CPU.
var bcryptSlots = make(chan struct{}, 4)

// checkPassword checks a password, a few at a time.
func (s *server) checkPassword(name, password string) bool {
	bcryptSlots <- struct{}{}
	defer func() { <-bcryptSlots }()
	return checkPassword(s.cfg.AdminAccounts(), name, password)
}

// checkPassword reports whether password is that of the named account.
func checkPassword(accounts []configs.AdminAccount, name, password string) bool {
	for _, a := range accounts {
		if a.Name == name {
			return bcrypt.CompareHashAndPassword([]byte(a.PasswordHash), []byte(password)) == nil
		}
	}
	_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
	return false
}

// HashPassword returns the bcrypt hash (PasswordCost) to put under
// admin.accounts for password.
func HashPassword(password string) (string, error) {
	if len(password) > 72 {
		return "", bcrypt.ErrPasswordTooLong
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	return string(h), err
}

// clientIP is the address the request came from. X-Forwarded-For counts
// only when the connection comes from a trusted proxy (admin.trusted_proxies);
// then the rightmost address not itself a trusted proxy is the client.
func clientIP(r *http.Request, trusted []*net.IPNet) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !inNets(net.ParseIP(host), trusted) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		ip := net.ParseIP(strings.TrimSpace(hops[i]))
		if ip == nil {
			break
		}
		if !inNets(ip, trusted) {
			return ip.String()
		}
	}
	return host
}

func inNets(ip net.IP, nets []*net.IPNet) bool {
	for _, n := range nets {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}

// safeNext keeps a post-login redirect inside the dashboard.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/admin/") || strings.HasPrefix(next, "/admin/login") ||
		strings.ContainsAny(next, "\\\r\n") || strings.Contains(next, "//") {
		return "/admin/"
	}
	return next
}
