// Package certificate writes 志愿服务记录证明 (the volunteer service-record
// certificate of the MCA's 《志愿服务记录与证明出具办法》) as PDF, with a
// CJK font embedded (gopdf subsets it to the characters used), and serves
// the public pages around it: /verify/<number>, which anyone may open to
// check a certificate, and the PDF behind the link sent in chat.
package certificate

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/signintech/gopdf"
	qrcode "github.com/skip2/go-qrcode"

	"envoybot/store"
)

// Labels are the MCA's fields as the certificate prints them, in order:
// the volunteer's identity, the service, the issuer, the certificate.
var Labels = struct {
	Title, Name, IDType, IDNumber, VolunteerNumber, Period, Hours, Content string
	Issuer, Contact, IssuedOn, Number, Verify, Seal                        string
}{
	Title:           "志愿服务记录证明",
	Name:            "志愿者姓名",
	IDType:          "身份证件类型",
	IDNumber:        "身份证件号码",
	VolunteerNumber: "志愿者编号",
	Period:          "服务时间段",
	Hours:           "累计服务时长",
	Content:         "服务内容",
	Issuer:          "出具组织",
	Contact:         "联系人及电话",
	IssuedOn:        "出具日期",
	Number:          "证明编号",
	Verify:          "验证方式",
	Seal:            "（盖章）",
}

// Renderer writes certificates.
type Renderer struct {
	// Fonts are the TrueType fonts (LoadFonts).
	Fonts Fonts
	// Contact is printed as the issuer's contact (records.issuer_contact).
	Contact string
	// PublicURL is where the server is reached (admin.public_url): the QR
	// code links to PublicURL/verify/<number>. Empty: the path is printed,
	// with no QR code.
	PublicURL string
	Loc       *time.Location
}

// VerifyURL is the verification link printed and encoded in the QR code.
func (r *Renderer) VerifyURL(number string) string {
	return strings.TrimRight(r.PublicURL, "/") + store.VerifyPath(number)
}

// Period is the service period a certificate covers, as dates: From (or
// the first service) to the day before To (or the last service).
func Period(c *store.Certificate, loc *time.Location) (from, to string) {
	const day = "2006年1月2日"
	f, t := c.From, c.To
	if f.IsZero() {
		f = c.FirstAt
	}
	if t.IsZero() {
		t = c.LastAt
	} else {
		t = t.Add(-time.Second)
	}
	return f.In(loc).Format(day), t.In(loc).Format(day)
}

// Hours writes minutes as hours, at most two decimals.
func Hours(minutes int) string {
	s := fmt.Sprintf("%.2f", float64(minutes)/60)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// page geometry, in millimetres (A4).
const (
	pageW, margin = 210.0, 22.0
	textW         = pageW - 2*margin
	lineH         = 8.0
)

// PDF writes the certificate c. A revoked certificate is not written: the
// caller shows that it was revoked.
func (r *Renderer) PDF(w io.Writer, c *store.Certificate) error {
	if c.Revoked() {
		return fmt.Errorf("certificate: %s is revoked", c.Number)
	}
	loc := r.Loc
	if loc == nil {
		loc = time.UTC
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitMM})
	pdf.SetInfo(gopdf.PdfInfo{Title: Labels.Title + " " + c.Number, Creator: "envoybot", CreationDate: c.IssuedAt})
	if err := pdf.AddTTFFontData("cjk", r.Fonts.CJK); err != nil {
		return fmt.Errorf("certificate: font: %w", err)
	}
	if err := pdf.AddTTFFontData("latin", r.Fonts.Latin); err != nil {
		return fmt.Errorf("certificate: font: %w", err)
	}
	pdf.AddPage()
	d := drawer{pdf: pdf}

	d.font(22)
	d.centred(30, Labels.Title)
	d.font(11)
	d.at(margin, 44).text(Labels.Number + "：" + c.Number)

	from, to := Period(c, loc)
	d.font(13)
	body := fmt.Sprintf("兹证明 %s（%s：%s，%s：%s，%s：%s）于 %s 至 %s 期间参加 %s 组织开展的志愿服务活动 %d 次，累计志愿服务时长 %s 小时。",
		c.HolderName, Labels.IDType, c.IDType, Labels.IDNumber, c.IDMasked, Labels.VolunteerNumber, c.VolunteerNumber,
		from, to, c.Issuer, c.Activities, Hours(c.Minutes))
	y := d.paragraph(margin, 56, "　　"+body)
	y = d.paragraph(margin, y+2, "　　特此证明。")

	d.font(11)
	y += 6
	rows := [][2]string{
		{Labels.Name, c.HolderName},
		{Labels.IDType, c.IDType},
		{Labels.IDNumber, c.IDMasked},
		{Labels.VolunteerNumber, c.VolunteerNumber},
		{Labels.Period, from + " 至 " + to},
		{Labels.Hours, Hours(c.Minutes) + " 小时（" + fmt.Sprint(c.Activities) + " 次活动）"},
		{Labels.Content, content(c)},
		{Labels.Issuer, c.Issuer},
		{Labels.Contact, orDash(r.Contact)},
		{Labels.IssuedOn, c.IssuedAt.In(loc).Format("2006年1月2日")},
		{Labels.Number, c.Number},
	}
	for _, row := range rows {
		y = d.field(y, row[0], row[1])
	}

	y += 8
	link := r.VerifyURL(c.Number)
	if r.PublicURL != "" {
		png, err := qrcode.Encode(link, qrcode.Medium, 256)
		if err != nil {
			return fmt.Errorf("certificate: qr code: %w", err)
		}
		img, err := gopdf.ImageHolderByBytes(png)
		if err != nil {
			return fmt.Errorf("certificate: qr code: %w", err)
		}
		if err := pdf.ImageByHolder(img, margin, y, &gopdf.Rect{W: 32, H: 32}); err != nil {
			return fmt.Errorf("certificate: qr code: %w", err)
		}
		d.at(margin+36, y+8).text(Labels.Verify + "：扫描二维码或打开")
		d.at(margin+36, y+15).text(link)
	} else {
		d.at(margin, y+4).text(Labels.Verify + "：在本系统网址后打开 " + link)
	}
	d.font(12)
	d.at(pageW-margin-60, y+30).text(c.Issuer)
	d.at(pageW-margin-60, y+38).text(Labels.Seal + "　" + c.IssuedAt.In(loc).Format("2006年1月2日"))
	if d.err != nil {
		return fmt.Errorf("certificate: %w", d.err)
	}
	if err := pdf.Write(w); err != nil {
		return fmt.Errorf("certificate: write: %w", err)
	}
	return nil
}

// content lists the service by activity line: 关爱困难群体 3 次 6 小时.
func content(c *store.Certificate) string {
	var parts []string
	for _, l := range c.Lines {
		parts = append(parts, fmt.Sprintf("%s %d 次 %s 小时", l.Category, l.Activities, Hours(l.Minutes)))
	}
	return orDash(strings.Join(parts, "；"))
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// drawer writes text in two fonts, keeping the first error: Latin-1 in
// the Latin font, the rest in the CJK font.
type drawer struct {
	pdf  *gopdf.GoPdf
	size float64
	err  error
}

func (d *drawer) keep(err error) {
	if err != nil && d.err == nil {
		d.err = err
	}
}

func (d *drawer) font(size float64) { d.size = size }

func (d *drawer) at(x, y float64) *drawer {
	d.pdf.SetXY(x, y)
	return d
}

// familyOf names the font that writes r.
func familyOf(r rune) string {
	if r < 0x100 {
		return "latin"
	}
	return "cjk"
}

// runs cuts s where the font changes.
func runs(s string) (out [][2]string) {
	start, family := 0, ""
	for i, r := range s {
		if f := familyOf(r); f != family {
			if i > start {
				out = append(out, [2]string{family, s[start:i]})
			}
			start, family = i, f
		}
	}
	if len(s) > start {
		out = append(out, [2]string{family, s[start:]})
	}
	return out
}

// text writes s from the current position, run by run.
func (d *drawer) text(s string) {
	for _, run := range runs(s) {
		d.keep(d.pdf.SetFont(run[0], "", d.size))
		d.keep(d.pdf.Text(run[1]))
	}
}

// width measures s as text writes it.
func (d *drawer) width(s string) float64 {
	w := 0.0
	for _, run := range runs(s) {
		d.keep(d.pdf.SetFont(run[0], "", d.size))
		rw, err := d.pdf.MeasureTextWidth(run[1])
		d.keep(err)
		w += rw
	}
	return w
}

// wrap cuts s into lines no wider than width, between characters (a run
// of Latin letters and digits is kept whole when it fits a line).
func (d *drawer) wrap(s string, width float64) []string {
	var lines []string
	line := ""
	for _, word := range words(s) {
		if line != "" && !strings.Contains(noLineStart, word) && d.width(line+word) > width {
			lines = append(lines, line)
			line = strings.TrimLeft(word, " ")
			continue
		}
		line += word
	}
	return append(lines, line)
}

// noLineStart are the marks a line never starts with (避头点).
const noLineStart = "，。、；：！？）》”’"

// words are the units wrap keeps together: a run of Latin-1 characters
// other than spaces, or one other character.
func words(s string) []string {
	var out []string
	cur := ""
	for _, r := range s {
		if r < 0x100 && r != ' ' {
			cur += string(r)
			continue
		}
		if cur != "" {
			out, cur = append(out, cur), ""
		}
		out = append(out, string(r))
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// centred writes s centred on the page at y.
func (d *drawer) centred(y float64, s string) {
	d.at((pageW-d.width(s))/2, y).text(s)
}

// paragraph writes s wrapped to the text width from (x, y) and returns the
// y below it.
func (d *drawer) paragraph(x, y float64, s string) float64 {
	for _, l := range d.wrap(s, textW) {
		d.at(x, y).text(l)
		y += lineH
	}
	return y
}

// field writes "label：value" as one row of the fields table.
func (d *drawer) field(y float64, label, value string) float64 {
	const labelW = 34.0
	d.at(margin, y).text(label + "：")
	lines := d.wrap(value, textW-labelW)
	for i, l := range lines {
		d.at(margin+labelW, y+float64(i)*6.5).text(l)
	}
	return y + float64(len(lines))*6.5 + 1.5
}
