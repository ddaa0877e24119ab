package admin

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"envoybot/store"
	"envoybot/web/xlsx"
)

// xlsxType is the media type of an .xlsx workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendWorkbook writes a workbook built into a buffer first, so that a
// failure can still become an error page.
func (s *server) sendWorkbook(w http.ResponseWriter, r *http.Request, name string, build func(io.Writer) error) {
	var buf bytes.Buffer
	if err := build(&buf); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Content-Length", fmt.Sprint(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}

// exportProgress is the progress report: every envoy against the targets.
func (s *server) exportProgress(w http.ResponseWriter, r *http.Request, _ *session) {
	standings, err := s.st.EnvoyStandings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	s.sendWorkbook(w, r, "进度报表-"+now.In(s.loc).Format("20060102")+".xlsx", func(out io.Writer) error {
		return xlsx.ProgressReport(out, s.cfg.Campaign, standings, now, s.loc)
	})
}

// exportRecords is 志愿服务记录 for activities starting in [from, to]
// (dates, inclusive; default: the campaign so far).
func (s *server) exportRecords(w http.ResponseWriter, r *http.Request, _ *session) {
	var bad []string
	from, bad := s.parseDay(r.URL.Query().Get("from"), "开始日期", bad)
	to, bad := s.parseDay(r.URL.Query().Get("to"), "结束日期", bad)
	if len(bad) > 0 {
		http.Error(w, strings.Join(bad, "；"), http.StatusBadRequest)
		return
	}
	now := s.now()
	if from.IsZero() {
		from = s.cfg.Campaign.Start.In(s.loc)
	}
	end := now
	if !to.IsZero() {
		end = to.AddDate(0, 0, 1) // the whole last day
	}
	if !end.After(from) {
		http.Error(w, "结束日期不能早于开始日期", http.StatusBadRequest)
		return
	}
	records, err := s.st.ServiceRecords(r.Context(), from, end)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := fmt.Sprintf("志愿服务记录-%s至%s.xlsx", from.In(s.loc).Format("20060102"), end.Add(-time.Second).In(s.loc).Format("20060102"))
	s.sendWorkbook(w, r, name, func(out io.Writer) error {
		return xlsx.ServiceRecords(out, s.cfg.Campaign.Name, records, from, end, now, s.loc)
	})
}

// exportAttendance is one activity's attendance sheet (签到表).
func (s *server) exportAttendance(w http.ResponseWriter, r *http.Request, _ *session) {
	code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("activity")))
	if code == "" {
		http.Error(w, "请指定活动编号，例如 ?activity=A12", http.StatusBadRequest)
		return
	}
	a, err := s.st.FindActivityByCode(r.Context(), code)
	if store.ErrorCode(err) == store.ENOTFOUND {
		http.Error(w, "没有找到活动 "+code, http.StatusNotFound)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	records, err := s.st.ActivityRecords(r.Context(), a.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	s.sendWorkbook(w, r, "签到表-"+a.Code+".xlsx", func(out io.Writer) error {
		return xlsx.ActivityAttendance(out, s.cfg.Campaign.Name, a, records, now, s.loc)
	})
}
