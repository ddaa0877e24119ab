package certificate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"envoybot/store"
)

// Deps are what the public certificate pages need.
type Deps struct {
	Store    store.CertificateService
	Renderer *Renderer
	Log      *slog.Logger
}

// Handler serves GET /verify/{number} (anyone may check a certificate: its
// summary without the ID number, or that it is unknown or revoked) and GET
// /certificates/{number}.pdf?t=TOKEN (the PDF behind the link sent in
// chat; a wrong token is a 404 like an unknown number).
func Handler(d Deps) http.Handler {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s := &server{d: d}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /verify/{number}", s.verify)
	mux.HandleFunc("GET /certificates/{file}", s.download)
	return headers(mux)
}

type server struct{ d Deps }

// headers keep the pages out of frames and caches.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// Verdicts of the verification page.
const (
	VerdictValid   = "本证明真实有效"
	VerdictRevoked = "本证明已作废"
	VerdictUnknown = "没有这个编号的证明"
)

// verifyView is what the verification page shows.
type verifyView struct {
	Number, Verdict, Status string
	Cert                    *store.Certificate
	Holder, From, To, Hours string
	IssuedOn, RevokedOn     string
}

func (s *server) verify(w http.ResponseWriter, r *http.Request) {
	number := strings.ToUpper(strings.TrimSpace(r.PathValue("number")))
	v := verifyView{Number: number}
	c, err := s.d.Store.FindCertificate(r.Context(), number)
	status := http.StatusOK
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND || len(number) > 40:
		v.Verdict, v.Status, status = VerdictUnknown, "unknown", http.StatusNotFound
	case err != nil:
		s.d.Log.Error("verify: find certificate", slog.Any("error", err))
		http.Error(w, "500 服务器内部错误，请稍后再试。", http.StatusInternalServerError)
		return
	default:
		loc := s.d.Renderer.Loc
		v.Cert, v.Holder, v.Hours = c, MaskName(c.HolderName), Hours(c.Minutes)
		v.From, v.To = Period(c, loc)
		v.IssuedOn = c.IssuedAt.In(loc).Format("2006年1月2日")
		v.Verdict, v.Status = VerdictValid, "valid"
		if c.Revoked() {
			v.Verdict, v.Status, status = VerdictRevoked, "revoked", http.StatusGone
			v.RevokedOn = c.RevokedAt.In(loc).Format("2006年1月2日")
		}
	}
	var buf bytes.Buffer
	if err := verifyPage.Execute(&buf, v); err != nil {
		s.d.Log.Error("verify: render", slog.Any("error", err))
		http.Error(w, "500 服务器内部错误，请稍后再试。", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

func (s *server) download(w http.ResponseWriter, r *http.Request) {
	number, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
	token := r.URL.Query().Get("t")
	if !ok || token == "" {
		http.Error(w, "404 没有这个证明，或链接不完整。", http.StatusNotFound)
		return
	}
	sum := sha256.Sum256([]byte(token))
	c, err := s.d.Store.CertificateDownload(r.Context(), number, hex.EncodeToString(sum[:]))
	switch {
	case store.ErrorCode(err) == store.ENOTFOUND:
		http.Error(w, "404 没有这个证明，或链接不完整。", http.StatusNotFound)
		return
	case err != nil:
		s.d.Log.Error("certificate: download", slog.Any("error", err))
		http.Error(w, "500 服务器内部错误，请稍后再试。", http.StatusInternalServerError)
		return
	case c.Revoked():
		http.Error(w, "410 这份证明已作废："+c.RevokeReason, http.StatusGone)
		return
	}
	ServePDF(w, r, s.d.Renderer, c, s.d.Log)
}

// ServePDF writes the certificate's PDF as the response (the dashboard
// serves it too).
func ServePDF(w http.ResponseWriter, _ *http.Request, rd *Renderer, c *store.Certificate, log *slog.Logger) {
	var buf bytes.Buffer
	if err := rd.PDF(&buf, c); err != nil {
		log.Error("certificate: render pdf", slog.String("number", c.Number), slog.Any("error", err))
		http.Error(w, "500 服务器内部错误，请稍后再试。", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+c.Number+`.pdf"`)
	_, _ = buf.WriteTo(w)
}

// MaskName keeps a name's first character and, for three characters or
// more, its last: 张三 → 张*, 欧阳小明 → 欧**明. The verification page
// shows the holder so, enough to match the paper without publishing it.
func MaskName(name string) string {
	n := utf8.RuneCountInString(name)
	r := []rune(name)
	switch {
	case n == 0:
		return "—"
	case n <= 2:
		return string(r[0]) + strings.Repeat("*", n-1)
	}
	return string(r[0]) + strings.Repeat("*", n-2) + string(r[n-1])
}

var verifyPage = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>志愿服务记录证明核验 {{.Number}}</title>
<style>
body{font-family:system-ui,"PingFang SC","Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem}
.verdict{font-size:1.2rem;font-weight:bold;padding:.6rem .8rem;border-radius:.4rem}
.valid{background:#e3f4e6;color:#17612a}.revoked{background:#fde7e9;color:#9c0006}.unknown{background:#fff3cd;color:#7a5600}
dl{display:grid;grid-template-columns:8rem 1fr;gap:.4rem .8rem}dt{color:#666}dd{margin:0}
.note{color:#666;font-size:.9rem}
</style>
</head>
<body>
<h1>志愿服务记录证明核验</h1>
<p class="verdict {{.Status}}" data-status="{{.Status}}">{{.Verdict}}</p>
<dl>
<dt>证明编号</dt><dd>{{.Number}}</dd>
{{with .Cert}}
<dt>志愿者</dt><dd>{{$.Holder}}</dd>
{{if .VolunteerNumber}}<dt>志愿者编号</dt><dd>{{.VolunteerNumber}}</dd>{{end}}
<dt>服务时间段</dt><dd>{{$.From}} 至 {{$.To}}</dd>
<dt>累计服务时长</dt><dd>{{$.Hours}} 小时（{{.Activities}} 次活动）</dd>
<dt>出具组织</dt><dd>{{.Issuer}}</dd>
<dt>出具日期</dt><dd>{{$.IssuedOn}}</dd>
{{if .Revoked}}<dt>作废日期</dt><dd>{{$.RevokedOn}}</dd><dt>作废原因</dt><dd>{{if .RevokeReason}}{{.RevokeReason}}{{else}}—{{end}}</dd>{{end}}
{{end}}
</dl>
{{if eq .Status "unknown"}}<p class="note">请核对证明上的编号。如有疑问，请联系出具证明的组织。</p>{{end}}
{{if eq .Status "valid"}}<p class="note">请核对志愿者姓名、时长与纸质证明一致。本页不显示身份证件号码。</p>{{end}}
</body>
</html>
`))
