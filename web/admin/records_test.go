package admin

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"envoybot/store"
	"envoybot/store/idseal"
	"envoybot/store/storetest"
	"envoybot/web/xlsx"
)

// recordsID is the fixture holder's ID number.
const recordsID = "37080219900101123X"

// TestRecordsPages is issue 14 on the dashboard, on both engines: the
// hours audit, deciding make-up requests, issuing and revoking
// certificates, and the two exports for a date range, opened and read
// cell by cell.
func TestRecordsPages(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s store.Store) {
		ctx := t.Context()
		keys, err := idseal.New([]idseal.Key{{Name: "test", Key: []byte("0123456789abcdef0123456789abcdef")}})
		if err != nil {
			t.Fatal(err)
		}
		holderAt := testNow.Add(-24 * time.Hour)
		// The fixture seals with the user's id, which it does not know
		// yet: it stores a placeholder that is sealed right after.
		h := storetest.RecordsFixture(t, s, "v1:test:placeholder", "3708**********123X", holderAt)
		sealed, err := keys.Seal(recordsID, store.IDSealContext(h.User.ID))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetRealName(ctx, h.User.ID, store.RealName{IDType: store.IDTypeResident, Sealed: sealed, Masked: "3708**********123X", Gender: "男", BirthYear: 1990}, holderAt); err != nil {
			t.Fatal(err)
		}
		day := time.Date(testNow.Year(), testNow.Month(), testNow.Day()-2, 0, 0, 0, 0, shanghai)
		if _, err := s.AddVolunteerRecord(ctx, store.VolunteerRecord{UserID: h.User.ID, Kind: store.RecordTraining, Title: "急救知识培训",
			Detail: "市红十字会", On: day, Minutes: 180, RecordedBy: h.Envoy.ID}, holderAt); err != nil {
			t.Fatal(err)
		}
		late, _, err := s.RegisterVolunteer(ctx, store.Registration{OpenID: "o-late", Name: "王五", Phone: "13700007777", Community: "古槐社区"}, holderAt)
		if err != nil {
			t.Fatal(err)
		}
		m, _, err := s.RequestMakeup(ctx, store.NewMakeup{ActivityCode: h.Activity.Code, UserID: late.ID, CheckInAt: h.Activity.StartsAt,
			CheckOutAt: h.Activity.EndsAt, Minutes: 120, Reason: "忘记签到"}, testNow)
		if err != nil {
			t.Fatal(err)
		}
		cfg := testConfig(t)
		cache := storetest.OpenMemoryCache(t)
		e := &env{t: t, st: s, cfg: cfg, cache: cache,
			h: New(Deps{Store: s, Cache: cache, Config: cfg, IDs: keys, Now: func() time.Time { return testNow }})}
		b := e.browser("10.0.0.1").login()

		t.Run("the hours audit lists the confirmation; filters by activity and date", func(t *testing.T) {
			r := b.do("GET", "/admin/audit", nil)
			if r.Code != http.StatusOK || !strings.Contains(r.Body, "确认时长（聊天）") || !strings.Contains(r.Body, "张三") || !strings.Contains(r.Body, "李使者") {
				t.Fatalf("GET /admin/audit = %d:\n%s", r.Code, r.Body)
			}
			if r := b.do("GET", "/admin/audit?activity=A999", nil); !strings.Contains(r.Body, "没有符合条件的记录") {
				t.Errorf("audit of A999 shows rows")
			}
			if r := b.do("GET", "/admin/audit?from=2019/6/1", nil); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "开始日期应写成") {
				t.Errorf("a bad date = %d", r.Code)
			}
		})
		t.Run("a make-up request: no CSRF 403, reject needs a reason, approve once", func(t *testing.T) {
			if r := b.do("POST", "/admin/makeups", formOf("code", m.Code, "decision", "approve")); r.Code != http.StatusForbidden {
				t.Errorf("POST without CSRF = %d", r.Code)
			}
			if r := b.post("/admin/makeups", "/admin/makeups", formOf("code", m.Code, "decision", "reject")); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "驳回请填写原因") {
				t.Errorf("reject without a reason = %d", r.Code)
			}
			if r := b.post("/admin/makeups", "/admin/makeups", formOf("code", m.Code, "decision", "approve")); r.Code != http.StatusSeeOther {
				t.Fatalf("approve = %d:\n%s", r.Code, r.Body)
			}
			if r := b.post("/admin/makeups", "/admin/makeups", formOf("code", m.Code, "decision", "approve")); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "已经处理过了") {
				t.Errorf("approve twice = %d", r.Code)
			}
			if r := b.post("/admin/makeups", "/admin/makeups", formOf("code", "B999", "decision", "approve")); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "没有找到补录申请") {
				t.Errorf("an unknown request = %d", r.Code)
			}
			hours, err := s.UserHours(ctx, late.ID)
			if err != nil || len(hours) != 1 || hours[0].Minutes != 120 {
				t.Errorf("王五's hours = %+v, %v", hours, err)
			}
			if r := b.do("GET", "/admin/audit?activity="+h.Activity.Code, nil); !strings.Contains(r.Body, "补录 "+m.Code+"：忘记签到") {
				t.Errorf("the audit lacks the approval:\n%s", r.Body)
			}
			notices, err := s.ListNotices(ctx, "makeup_decided", 50)
			told := false
			for _, n := range notices {
				told = told || n.OpenID == "o-late"
			}
			if err != nil || !told {
				t.Errorf("王五 was not told: %+v, %v", notices, err)
			}
		})
		var number string
		t.Run("certificates: issued by mobile, refused without hours or real name, revoked with a reason", func(t *testing.T) {
			if r := b.post("/admin/certificates", "/admin/certificates", formOf("phone", "13700007777")); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "还没有实名登记") {
				t.Errorf("a volunteer without real name = %d", r.Code)
			}
			if r := b.post("/admin/certificates", "/admin/certificates", formOf("phone", "13800138000", "from", "2018-01-01", "to", "2018-12-31")); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "没有已确认的服务时长") {
				t.Errorf("a period without service = %d", r.Code)
			}
			if r := b.post("/admin/certificates", "/admin/certificates", formOf("phone", "13999999999")); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "没有找到手机号") {
				t.Errorf("an unknown mobile = %d", r.Code)
			}
			r := b.post("/admin/certificates", "/admin/certificates", formOf("phone", "13800138000"))
			number = regexp.MustCompile(`ZM\d{4}-[0-9A-Z]{8}`).FindString(r.Header.Get("Location"))
			if r.Code != http.StatusSeeOther || number == "" {
				t.Fatalf("issue = %d %s", r.Code, r.Header.Get("Location"))
			}
			c, err := s.FindCertificate(ctx, number)
			if err != nil || c.IssuedVia != store.IssuedViaAdmin || c.IssuedBy != "wangke" || c.Minutes != 120 {
				t.Fatalf("certificate = %+v, %v", c, err)
			}
			if r := b.do("GET", "/admin/certificates/"+number+".pdf", nil); r.Code != http.StatusOK || !strings.HasPrefix(r.Body, "%PDF") {
				t.Errorf("PDF = %d", r.Code)
			}
			if r := b.post("/admin/certificates", "/admin/certificates/revoke", formOf("number", number)); r.Code != http.StatusBadRequest || !strings.Contains(r.Body, "请填写作废原因") {
				t.Errorf("revoke without a reason = %d", r.Code)
			}
			if r := b.post("/admin/certificates", "/admin/certificates/revoke", formOf("number", number, "reason", "重复开具")); r.Code != http.StatusSeeOther {
				t.Errorf("revoke = %d", r.Code)
			}
			if r := b.do("GET", "/admin/certificates/"+number+".pdf", nil); r.Code != http.StatusGone {
				t.Errorf("PDF of a revoked certificate = %d, want 410", r.Code)
			}
			if r := b.do("GET", "/admin/certificates", nil); !strings.Contains(r.Body, "已作废") || !strings.Contains(r.Body, "重复开具") || strings.Contains(r.Body, recordsID) {
				t.Errorf("the list does not show the revocation, or shows the ID whole")
			}
		})
		from, to := day.AddDate(0, 0, -3).Format("2006-01-02"), testNow.Format("2006-01-02")
		t.Run("the MCA sheet for a date range, cell by cell", func(t *testing.T) {
			r := b.do("GET", "/admin/export/records.xlsx?from="+from+"&to="+to, nil)
			if r.Code != http.StatusOK {
				t.Fatalf("export = %d: %s", r.Code, r.Body)
			}
			f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows(xlsx.SheetService)
			if len(rows) != xlsx.FirstDataRow+1 {
				t.Fatalf("%d rows: %q", len(rows), rows)
			}
			byName := map[string][]string{}
			for _, row := range rows[xlsx.FirstDataRow-1:] {
				byName[row[1]] = row
			}
			zhang := byName["张三"]
			want := []string{"张三", store.VolunteerNumber("HX", h.User.ID), "男", "1990", "居民身份证", "3708**********123X", "13800138000",
				h.Activity.Code, "敬老院包饺子", "关爱困难群体", "文体活动", "古槐社区敬老院"}
			if len(zhang) < 13 || strings.Join(zhang[1:13], "|") != strings.Join(want, "|") {
				t.Errorf("张三's row = %q\nwant %q", zhang, want)
			}
			if got := byName["王五"]; len(got) < 16 || got[5] != "" || got[6] != "" || got[15] != "2.0" {
				t.Errorf("王五's row = %q: no real name, 2 hours from the make-up", got)
			}
			training, _ := f.GetRows(xlsx.SheetTraining)
			if len(training) != xlsx.FirstDataRow || strings.Join(training[3][1:7], "|") != "张三|"+store.VolunteerNumber("HX", h.User.ID)+"|急救知识培训|"+day.Format("2006-01-02")+"|3.0|市红十字会" {
				t.Errorf("training rows = %q", training)
			}
			for _, sheet := range f.GetSheetList() {
				all, _ := f.GetRows(sheet)
				for _, row := range all {
					if strings.Contains(strings.Join(row, "|"), recordsID[6:]) {
						t.Errorf("%s holds the ID whole: %q", sheet, row)
					}
				}
			}
			if r := b.do("GET", "/admin/export/records.xlsx?from="+to+"&to="+from, nil); r.Code != http.StatusBadRequest {
				t.Errorf("a period ending before it starts = %d", r.Code)
			}
		})
		t.Run("the national batch file for a date range, cell by cell", func(t *testing.T) {
			r := b.do("GET", "/admin/export/national.xlsx?from="+from+"&to="+to, nil)
			if r.Code != http.StatusOK {
				t.Fatalf("export = %d: %s", r.Code, r.Body)
			}
			f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows(xlsx.NationalSheet)
			if len(rows) != 2 || strings.Join(rows[0], "|") != strings.Join(xlsx.NationalColumns, "|") {
				t.Fatalf("rows = %q", rows)
			}
			start := h.Activity.StartsAt.In(shanghai)
			want := []string{"张三", "居民身份证", recordsID, "男", "1990-01-01", "13800138000", store.VolunteerNumber("HX", h.User.ID),
				"敬老院包饺子", "关爱困难群体", "古槐社区敬老院", start.Add(-5 * time.Minute).Format("2006-01-02 15:04"),
				start.Add(125 * time.Minute).Format("2006-01-02 15:04"), "2", cfg.CertificateIssuer(), "李使者"}
			if strings.Join(rows[1], "|") != strings.Join(want, "|") {
				t.Errorf("row 2 =\n %q\nwant\n %q", rows[1], want)
			}
			left, _ := f.GetRows(xlsx.NationalMissingSheet)
			if len(left) != 2 || left[1][0] != "王五" {
				t.Errorf("left out = %q", left)
			}
			noKeys := &env{t: t, st: s, cfg: cfg, cache: cache, h: New(Deps{Store: s, Cache: cache, Config: cfg, Now: func() time.Time { return testNow }})}
			nb := noKeys.browser("10.0.0.2").login()
			if r := nb.do("GET", "/admin/export/national.xlsx", nil); r.Code != http.StatusConflict || !strings.Contains(r.Body, "records.id_keys") {
				t.Errorf("without keys = %d: %s", r.Code, r.Body)
			}
		})
	})
}
