package admin

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
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
	requests, err := s.st.ListHelpRequests(r.Context(), store.HelpRequestFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	stats := append([]store.CommunityRequestStats{}, store.SummariseRequests(requests)...) // the sheet even when none
	sort.SliceStable(stats, func(i, j int) bool { return stats[i].Community < stats[j].Community })
	now := s.now()
	s.sendWorkbook(w, r, "进度报表-"+now.In(s.loc).Format("20060102")+".xlsx", func(out io.Writer) error {
		return xlsx.ProgressReport(out, s.cfg.Campaign, standings, stats, now, s.loc)
	})
}

// exportRecords is the MCA's service record (志愿服务记录 with the
// volunteers' identity, and their trainings, awards and evaluations) for
// activities starting in [from, to] (dates, inclusive; default: the
// campaign so far).
func (s *server) exportRecords(w http.ResponseWriter, r *http.Request, ss *session) {
	from, end, bad := s.parsePeriod(r)
	if len(bad) > 0 {
		http.Error(w, strings.Join(bad, "；"), http.StatusBadRequest)
		return
	}
	records, err := s.st.ServiceRecords(r.Context(), from, end)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	notes, err := s.st.ListVolunteerRecords(r.Context(), 0, from, end)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	name := fmt.Sprintf("志愿服务记录-%s至%s.xlsx", from.In(s.loc).Format("20060102"), end.Add(-time.Second).In(s.loc).Format("20060102"))
	s.sendWorkbook(w, r, name, func(out io.Writer) error {
		return xlsx.ServiceRecords(out, xlsx.RecordsBook{Campaign: s.cfg.Campaign.Name, NumberPrefix: s.cfg.Records.VolunteerNumberPrefix,
			Records: records, Notes: notes, From: from, To: end, Now: now, Loc: s.loc})
	})
}

// exportNational is the national volunteer system's batch file of service
// hours for [from, to]: the one export with ID numbers whole, opened with
// the configured keys. Volunteers without a real-name profile are listed
// on a sheet of their own. Who downloaded it, for which period and how
// many rows is logged, never what it holds.
func (s *server) exportNational(w http.ResponseWriter, r *http.Request, ss *session) {
	if s.ids == nil {
		http.Error(w, "409 没有配置证件号码密钥（records.id_keys），无法导出全国系统批量文件。", http.StatusConflict)
		return
	}
	from, end, bad := s.parsePeriod(r)
	if len(bad) > 0 {
		http.Error(w, strings.Join(bad, "；"), http.StatusBadRequest)
		return
	}
	records, err := s.st.ServiceRecords(r.Context(), from, end)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, rec := range records {
		if rec.IDMasked != "" && !seen[rec.VolunteerID] {
			seen[rec.VolunteerID] = true
			ids = append(ids, rec.VolunteerID)
		}
	}
	opened := map[int64]string{}
	if len(ids) > 0 {
		sealed, err := s.st.SealedIDs(r.Context(), ids)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, sid := range sealed {
			plain, err := s.ids.Open(sid.Sealed, store.IDSealContext(sid.UserID))
			if err != nil {
				s.log.Error("national export: an ID number does not open", slog.Int64("user", sid.UserID), slog.Any("error", err))
				http.Error(w, "500 有证件号码无法解密（"+err.Error()+"），请检查 records.id_keys 是否仍包含加密它的密钥。", http.StatusInternalServerError)
				return
			}
			opened[sid.UserID] = plain
		}
	}
	b := xlsx.NationalBatch{Issuer: s.cfg.CertificateIssuer(), NumberPrefix: s.cfg.Records.VolunteerNumberPrefix, Loc: s.loc}
	for _, rec := range records {
		if id, ok := opened[rec.VolunteerID]; ok && !rec.Anonymised {
			b.Rows = append(b.Rows, xlsx.NationalRow{ServiceRecord: rec, IDNumber: id})
		} else if !rec.Anonymised {
			b.Missing = append(b.Missing, rec)
		}
	}
	s.log.Info("national batch exported", slog.String("admin", ss.Name), slog.Int("rows", len(b.Rows)), slog.Int("left_out", len(b.Missing)),
		slog.String("from", from.In(s.loc).Format("2006-01-02")), slog.String("to", end.Add(-time.Second).In(s.loc).Format("2006-01-02")))
	name := fmt.Sprintf("全国志愿服务信息系统-服务时长-%s至%s.xlsx", from.In(s.loc).Format("20060102"), end.Add(-time.Second).In(s.loc).Format("20060102"))
	s.sendWorkbook(w, r, name, func(out io.Writer) error { return xlsx.NationalBatchFile(out, b) })
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
	photos, err := s.st.ListActivityPhotos(r.Context(), a.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ev := xlsx.Evidence{Album: strings.TrimSuffix(s.cfg.Admin.PublicURL, "/") + "/admin/hours?activity=" + a.Code}
	for _, p := range photos {
		if p.Status == store.PhotoStored {
			ev.Photos++
		}
	}
	now := s.now()
	s.sendWorkbook(w, r, "签到表-"+a.Code+".xlsx", func(out io.Writer) error {
		return xlsx.ActivityAttendance(out, s.cfg.Campaign.Name, a, records, ev, now, s.loc)
	})
}
