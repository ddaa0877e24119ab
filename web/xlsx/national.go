package xlsx

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"envoybot/store"
)

// The national volunteer system's (全国志愿服务信息系统) batch file of
// service hours, in the layout docs/NATIONAL.md describes and says where
// from: one sheet, the headers in row 1, one row per volunteer and
// activity from row 2, every cell text (an ID number must not become a
// number), hours with at most two decimals. It is the one export with ID
// numbers whole: the system matches volunteers by them.

// NationalSheet is the sheet of the batch file, NationalMissingSheet the
// sheet listing service left out for want of a real-name profile.
const (
	NationalSheet        = "志愿服务时长"
	NationalMissingSheet = "未实名未导出"
)

// NationalColumns are the batch file's headers, in order.
var NationalColumns = []string{
	"姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号码", "志愿者编号",
	"活动名称", "服务类别", "服务地点", "服务开始时间", "服务结束时间", "服务时长（小时）",
	"组织单位", "记录人",
}

// NationalRow is a service record with the volunteer's ID number opened.
type NationalRow struct {
	store.ServiceRecord
	IDNumber string
}

// NationalBatch is what the batch file holds.
type NationalBatch struct {
	Issuer       string // 组织单位: the organisation that records
	NumberPrefix string
	Rows         []NationalRow
	// Missing are records of volunteers without a real-name profile,
	// listed on their own sheet so that staff can ask them to give it.
	Missing []store.ServiceRecord
	Loc     *time.Location
}

// NationalBatchFile writes the batch file.
func NationalBatchFile(w io.Writer, b NationalBatch) error {
	loc := b.Loc
	if loc == nil {
		loc = time.UTC
	}
	f := excelize.NewFile()
	defer f.Close()
	var firstErr error
	set := func(err error) {
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	set(f.SetSheetName(f.GetSheetName(0), NationalSheet))
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // @: text
	set(err)
	clock := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	writeRow := func(sheet string, row int, values []string) {
		for i, v := range values {
			ref, _ := excelize.CoordinatesToCellName(i+1, row)
			set(f.SetCellStr(sheet, ref, v))
		}
	}
	writeRow(NationalSheet, 1, NationalColumns)
	for i, r := range b.Rows {
		start, end := r.CheckInAt, r.CheckOutAt
		if start.IsZero() {
			start = r.StartsAt
		}
		if end.IsZero() {
			end = r.EndsAt
		}
		place := r.Place
		if place == "" {
			place = r.Community
		}
		writeRow(NationalSheet, i+2, []string{
			r.VolunteerName, r.IDType, r.IDNumber, r.Gender, birthDate(r.IDType, r.IDNumber, r.BirthYear), r.VolunteerPhone,
			store.VolunteerNumber(b.NumberPrefix, r.VolunteerID), r.ActivityTitle, r.Category, place,
			clock(start), clock(end), strconv.FormatFloat(float64(r.ConfirmedMinutes)/60, 'f', -1, 64), b.Issuer, r.Recorder,
		})
	}
	last, _ := excelize.CoordinatesToCellName(len(NationalColumns), len(b.Rows)+1)
	set(f.SetCellStyle(NationalSheet, "A1", last, text))
	set(f.SetColWidth(NationalSheet, "A", "O", 16))
	set(f.SetColWidth(NationalSheet, "C", "C", 22))

	_, err = f.NewSheet(NationalMissingSheet)
	set(err)
	writeRow(NationalMissingSheet, 1, []string{"姓名", "手机号码", "活动名称", "服务开始时间", "服务时长（小时）", "说明"})
	for i, r := range b.Missing {
		name, phone := volunteer(r)
		writeRow(NationalMissingSheet, i+2, []string{name, phone, r.ActivityTitle, clock(r.StartsAt),
			strconv.FormatFloat(float64(r.ConfirmedMinutes)/60, 'f', -1, 64), "未实名登记：请志愿者在公众号回复“实名”"})
	}
	set(f.SetColWidth(NationalMissingSheet, "A", "F", 18))
	if firstErr != nil {
		return fmt.Errorf("xlsx: national batch: %w", firstErr)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: write national batch: %w", err)
	}
	return nil
}

// birthDate is the birth date a 居民身份证 number holds (1990-01-01), else
// the birth year given, else "".
func birthDate(idType, number string, year int) string {
	if (idType == store.IDTypeResident || idType == store.IDTypeResidence) && len(number) == 18 {
		if t, err := time.Parse("20060102", number[6:14]); err == nil {
			return t.Format("2006-01-02")
		}
	}
	if year != 0 {
		return strconv.Itoa(year)
	}
	return ""
}
