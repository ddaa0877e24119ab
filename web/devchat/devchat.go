// Package devchat is the /dev/chat browser chat simulator: a page where a
// developer without a WeChat account picks or creates a user (resident,
// volunteer, envoy, admin), types messages, sends a location, scans a QR
// scene, follows, clicks menu buttons, and sees envoybot's replies.
//
// Nothing takes a shortcut: every message is built as WeChat's servers
// build it — signed and, when the Signer has an AESKey, encrypted (safe mode)
// — and goes through the real /wechat handler, in process or over HTTP; the
// reply is decrypted and its signature verified as WeChat would. The
// simulator signs with the public development credentials, so it must only
// be mounted while those are in use.
package devchat

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"envoybot/bot/wxsign"
)

// Path is where the simulator lives; mount the handler on Path and Path+"/".
const Path = "/dev/chat"

// OpenIDPrefix starts every simulated user's OpenID (dev-张三), so that
// simulated users are easy to tell apart from real followers.
const OpenIDPrefix = "dev-"

//go:embed assets
var assets embed.FS

// Deps are what the simulator talks to.
type Deps struct {
	// Signer signs (and encrypts) requests with the account's development
	// Token, AppID and AESKey, exactly as the /wechat handler expects them.
	Signer wxsign.Signer
	// Target is the real /wechat handler, called in process; when nil,
	// requests go over HTTP to TargetURL (e.g. http://127.0.0.1:8080/wechat).
	Target    http.Handler
	TargetURL string
	// Client calls TargetURL; a client with a 10s timeout when nil.
	Client *http.Client
	// Invite issues a one-time invite code for role (envoy or admin) and
	// name, so that the page can make envoys and admins; when nil the page
	// explains `envoybot invite` instead.
	Invite func(ctx context.Context, role, name string) (code string, err error)
	// MenuKeys (CLICK EventKey → chat text) become menu buttons on the page.
	MenuKeys map[string]string
	// Log receives one line per message; slog.Default when nil.
	Log *slog.Logger
}

// Handler serves the simulator's page, assets and endpoints.
type Handler struct {
	deps Deps
	mux  *http.ServeMux
	log  *slog.Logger
}

// New returns the simulator; it panics when Deps names no target, a wiring
// mistake.
func New(d Deps) *Handler {
	if d.Target == nil && d.TargetURL == "" {
		panic("devchat: Deps needs Target or TargetURL")
	}
	if d.Client == nil {
		d.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	h := &Handler{deps: d, mux: http.NewServeMux(), log: d.Log.With(slog.String("component", "devchat"))}
	static, err := fs.Sub(assets, "assets")
	if err != nil {
		panic("devchat: " + err.Error())
	}
	h.mux.HandleFunc("GET "+Path, h.page)
	h.mux.Handle("GET "+Path+"/{$}", http.RedirectHandler(Path, http.StatusMovedPermanently))
	h.mux.HandleFunc("GET "+Path+"/info", h.info)
	h.mux.Handle("GET "+Path+"/static/", http.StripPrefix(Path+"/static/", http.FileServerFS(static)))
	h.mux.HandleFunc("POST "+Path+"/send", h.send)
	h.mux.HandleFunc("POST "+Path+"/invite", h.invite)
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Everything the page needs comes from here: no CDN, no inline script.
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) page(w http.ResponseWriter, _ *http.Request) {
	page, err := assets.ReadFile("assets/index.html")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(page)
}

// menuButton is a menu key the page offers as a button.
type menuButton struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// infoResponse tells the page what the server offers.
type infoResponse struct {
	Invite bool         `json:"invite"`
	Safe   bool         `json:"safe"`
	Menu   []menuButton `json:"menu"`
	Prefix string       `json:"prefix"`
}

// menuOrder puts the default menu keys in the order the menu shows them.
var menuOrder = []string{"MENU_ACTIVITIES", "MENU_LECTURES", "MENU_MY_SIGNUPS", "MENU_MY_HOURS", "MENU_HELP"}

func (h *Handler) info(w http.ResponseWriter, _ *http.Request) {
	res := infoResponse{Invite: h.deps.Invite != nil, Safe: h.deps.Signer.AESKey != "", Prefix: OpenIDPrefix, Menu: []menuButton{}}
	seen := map[string]bool{}
	for _, k := range menuOrder {
		if t, ok := h.deps.MenuKeys[k]; ok {
			res.Menu, seen[k] = append(res.Menu, menuButton{k, t}), true
		}
	}
	var rest []string
	for k := range h.deps.MenuKeys {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		res.Menu = append(res.Menu, menuButton{k, h.deps.MenuKeys[k]})
	}
	writeJSON(w, http.StatusOK, res)
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// errorResponse is how endpoints fail; Hint tells the developer what to do.
type errorResponse struct {
	Error string `json:"error"`
	Hint  string `json:"hint,omitempty"`
}

// maxRequestBytes bounds a request from the page (a pasted 接龙 fits).
const maxRequestBytes = 64 << 10

// decode reads a JSON request. Requiring application/json keeps other
// sites' plain form posts out: a cross-site JSON post needs CORS, which
// this handler never grants.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		writeJSON(w, http.StatusUnsupportedMediaType, errorResponse{Error: "Content-Type must be application/json"})
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, errorResponse{Error: "bad request: " + err.Error()})
		return false
	}
	return true
}

// maxUserRunes bounds a simulated user's name (and so its OpenID).
const maxUserRunes = 24

// openID checks a user name and returns its OpenID: letters (Chinese
// too), digits, - and _ only, as it ends up in XML.
func openID(user string) (string, error) {
	if user == "" || utf8.RuneCountInString(user) > maxUserRunes {
		return "", fmt.Errorf("user name must be 1 to %d characters", maxUserRunes)
	}
	for _, r := range user {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' {
			return "", fmt.Errorf("user name %q: only letters, digits, - and _", user)
		}
	}
	return OpenIDPrefix + user, nil
}

// forward passes a signed request to the target and reads the reply as
// WeChat would: decrypted and its signature verified.
func (h *Handler) forward(ctx context.Context, r *http.Request, body string) (reply string, status int, err error) {
	safe := h.deps.Signer.AESKey != ""
	var resp *http.Response
	if h.deps.Target != nil {
		req := h.deps.Signer.Post("/wechat", body, safe).WithContext(ctx)
		req.RequestURI = req.URL.RequestURI()
		req.Host, req.RemoteAddr = r.Host, "127.0.0.1:0"
		rec := httptest.NewRecorder()
		h.deps.Target.ServeHTTP(rec, req)
		resp = rec.Result()
	} else {
		req := h.deps.Signer.Post(h.deps.TargetURL, body, safe).WithContext(ctx)
		if resp, err = h.deps.Client.Do(req); err != nil {
			return "", 0, fmt.Errorf("post to %s: %w", h.deps.TargetURL, err)
		}
	}
	status = resp.StatusCode
	reply, err = h.deps.Signer.ReadReply(resp, safe)
	return reply, status, err
}

// cdata makes s safe inside <![CDATA[...]]>, as WeChat does for "]]>".
func cdata(s string) string {
	return strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>")
}
