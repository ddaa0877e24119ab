package certificate_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"envoybot/store"
	"envoybot/store/storetest"
	"envoybot/web/certificate"
)

var shanghai = time.FixedZone("CST", 8*3600)

// at is the issue time of the tests' certificates.
var at = time.Date(2026, 12, 10, 10, 0, 0, 0, shanghai)

// pdfText extracts the text of a PDF with a PDF reader (as a verifier's
// tool would), without the spaces and line breaks layout puts between
// runs, so that the tests read "志愿者姓名：张三" however it was laid out.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("read PDF: %v", err)
	}
	rd, err := r.GetPlainText()
	if err != nil {
		t.Fatalf("PDF text: %v", err)
	}
	raw, err := io.ReadAll(rd)
	if err != nil {
		t.Fatal(err)
	}
	return regexp.MustCompile(`\s+`).ReplaceAllString(string(raw), "")
}

func renderer(t *testing.T, publicURL string) *certificate.Renderer {
	t.Helper()
	fonts, err := certificate.LoadFonts("")
	if err != nil {
		t.Fatal(err)
	}
	return &certificate.Renderer{Fonts: fonts, Contact: "王老师 0537-1234567", PublicURL: publicURL, Loc: shanghai}
}

// TestCertificateFlow issues a certificate from real records on both
// engines, downloads its PDF through the chat link, reads its text with a
// PDF reader and checks the MCA fields and the number, then verifies it on
// /verify/<number>, revokes it and verifies again.
func TestCertificateFlow(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		h := storetest.RecordsFixture(t, s, "v1:test:sealed", "3708**********123X", at)
		token := "0123456789abcdef0123456789abcdef"
		sum := sha256.Sum256([]byte(token))
		c, err := s.IssueCertificate(t.Context(), store.NewCertificate{Number: "ZM2026-7K3QX9PD", UserID: h.User.ID,
			Issuer: "古槐社区志愿服务站", VolunteerNumber: store.VolunteerNumber("HX", h.User.ID), IssuedVia: store.IssuedViaChat,
			DownloadHash: hex.EncodeToString(sum[:])}, at)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(certificate.Handler(certificate.Deps{Store: s, Renderer: renderer(t, "https://envoybot.example.org")}))
		defer srv.Close()
		get := func(path string) (int, string, []byte) {
			t.Helper()
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, resp.Header.Get("Content-Type"), b
		}

		t.Run("the PDF carries the MCA fields and the number", func(t *testing.T) {
			status, typ, body := get(store.CertificatePDFPath(c.Number) + "?t=" + token)
			if status != http.StatusOK || typ != "application/pdf" {
				t.Fatalf("GET pdf = %d %s: %s", status, typ, body)
			}
			text := pdfText(t, body)
			t.Logf("PDF text: %s", text)
			for _, want := range []string{
				"志愿服务记录证明",
				"志愿者姓名：张三",
				"身份证件类型：居民身份证",
				"身份证件号码：3708**********123X",
				"志愿者编号：" + c.VolunteerNumber,
				"服务时间段：2026年12月9日至2026年12月9日",
				"累计服务时长：2小时（1次活动）",
				"服务内容：关爱困难群体1次2小时",
				"出具组织：古槐社区志愿服务站",
				"联系人及电话：王老师0537-1234567",
				"出具日期：2026年12月10日",
				"证明编号：ZM2026-7K3QX9PD",
				"https://envoybot.example.org/verify/ZM2026-7K3QX9PD",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("PDF text lacks %q", want)
				}
			}
		})
		t.Run("a wrong or missing token finds nothing", func(t *testing.T) {
			for _, q := range []string{"?t=nope", ""} {
				if status, _, _ := get(store.CertificatePDFPath(c.Number) + q); status != http.StatusNotFound {
					t.Errorf("GET pdf%s = %d, want 404", q, status)
				}
			}
		})
		t.Run("verify confirms it, without the ID", func(t *testing.T) {
			status, _, body := get(store.VerifyPath(c.Number))
			page := string(body)
			if status != http.StatusOK || !strings.Contains(page, certificate.VerdictValid) || !strings.Contains(page, `data-status="valid"`) {
				t.Fatalf("verify = %d: %s", status, page)
			}
			for _, want := range []string{"张*", "2 小时（1 次活动）", "古槐社区志愿服务站", "2026年12月10日", c.VolunteerNumber} {
				if !strings.Contains(page, want) {
					t.Errorf("verify page lacks %q", want)
				}
			}
			if strings.Contains(page, "3708") || strings.Contains(page, "张三") {
				t.Errorf("verify page shows the ID or the whole name: %s", page)
			}
		})
		t.Run("an unknown number is said to be unknown", func(t *testing.T) {
			status, _, body := get(store.VerifyPath("ZM2026-NOTREAL1"))
			if status != http.StatusNotFound || !strings.Contains(string(body), certificate.VerdictUnknown) {
				t.Fatalf("verify unknown = %d: %s", status, body)
			}
		})
		t.Run("revoked: verify says so, the PDF is gone", func(t *testing.T) {
			if _, err := s.RevokeCertificate(t.Context(), c.Number, "admin", "信息有误，已重新开具", at.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			status, _, body := get(store.VerifyPath(c.Number))
			if status != http.StatusGone || !strings.Contains(string(body), certificate.VerdictRevoked) || !strings.Contains(string(body), "信息有误，已重新开具") {
				t.Fatalf("verify revoked = %d: %s", status, body)
			}
			if status, _, _ := get(store.CertificatePDFPath(c.Number) + "?t=" + token); status != http.StatusGone {
				t.Errorf("GET pdf of a revoked certificate = %d, want 410", status)
			}
		})
	})
}

func TestMaskName(t *testing.T) {
	for name, want := range map[string]string{"张三": "张*", "王小明": "王*明", "欧阳小明": "欧**明", "": "—", "李": "李"} {
		if got := certificate.MaskName(name); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", name, got, want)
		}
	}
}
