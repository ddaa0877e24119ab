package xlsx_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"envoybot/configs"
	"envoybot/store"
	"envoybot/web/xlsx"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

const campaignName = "让社区更美好——和谐使者在行动"

// open reads the produced bytes back as a workbook.
func open(t *testing.T, buf *bytes.Buffer) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(buf)
	if err != nil {
		t.Fatalf("open produced xlsx: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func cell(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, ref)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, ref, err)
	}
	return v
}

// number asserts that a cell holds a number and returns it.
func number(t *testing.T, f *excelize.File, sheet, ref string) float64 {
	t.Helper()
	typ, err := f.GetCellType(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Fatalf("%s!%s is type %v (%q), want a number", sheet, ref, typ, raw)
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("%s!%s = %q, want a number", sheet, ref, raw)
	}
	return v
}

func row(t *testing.T, f *excelize.File, sheet string, n int) []string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if n > len(rows) {
		t.Fatalf("%s has %d rows, want row %d", sheet, len(rows), n)
	}
	return rows[n-1]
}

// checkLayout asserts what every sheet shares: title with the campaign and
// export time, merged across the table; headers; frozen rows above data.
func checkLayout(t *testing.T, f *excelize.File, sheet string, headers []string, exported string) {
	t.Helper()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != sheet {
		t.Fatalf("sheets = %v, want [%s]", got, sheet)
	}
	checkSheetLayout(t, f, sheet, headers, exported)
}

// checkSheetLayout is checkLayout for one sheet of a workbook of several.
func checkSheetLayout(t *testing.T, f *excelize.File, sheet string, headers []string, exported string) {
	t.Helper()
	title := cell(t, f, sheet, "A1")
	if !strings.Contains(title, campaignName) || !strings.Contains(title, "导出时间："+exported) {
		t.Errorf("title = %q, want the campaign name and export time %s", title, exported)
	}
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := excelize.ColumnNumberToName(len(headers))
	found := false
	for _, m := range merged {
		if m.GetStartAxis() == "A1" && m.GetEndAxis() == last+"1" {
			found = true
		}
	}
	if !found {
		t.Errorf("title not merged over A1:%s1 (merged: %v)", last, merged)
	}
	got := row(t, f, sheet, xlsx.HeaderRow)
	if strings.Join(got, "|") != strings.Join(headers, "|") {
		t.Errorf("headers =\n %q\nwant\n %q", got, headers)
	}
	style, err := f.GetCellStyle(sheet, "A3")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := f.GetStyle(style); err != nil || s.Font == nil || !s.Font.Bold {
		t.Errorf("header style = %+v (%v), want bold", s, err)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != xlsx.HeaderRow || panes.TopLeftCell != "A4" {
		t.Errorf("panes = %+v, want rows 1-3 frozen", panes)
	}
	for i := range headers {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if w, err := f.GetColWidth(sheet, col); err != nil || w < 6 {
			t.Errorf("column %s width = %v (%v)", col, w, err)
		}
	}
}

// scenario is the chat-commands story: 张三 served 2h at A12, 李四 1.5h,
// and a volunteer who deleted their profile 1h.
func scenario() []store.ServiceRecord {
	base := store.ServiceRecord{
		ActivityCode: "A12", ActivityTitle: "敬老院包饺子", Category: "关爱困难群体", ServiceType: "文体活动",
		Community: "古槐社区", Place: "古槐社区敬老院", StartsAt: at("2026-12-05 14:00"), EndsAt: at("2026-12-05 16:00"),
		Organiser: "王芳", Recorder: "王芳", ConfirmedAt: at("2026-12-05 16:30"),
	}
	zhang := base
	zhang.VolunteerName, zhang.VolunteerPhone, zhang.VolunteerID = "张三", "13812345678", 7
	zhang.CheckInAt, zhang.CheckOutAt, zhang.ConfirmedMinutes = at("2026-12-05 13:55"), at("2026-12-05 16:05"), 120
	li := base
	li.VolunteerName, li.VolunteerPhone, li.VolunteerID = "李四", "13900001111", 8
	li.CheckInAt, li.ConfirmedMinutes = at("2026-12-05 14:30"), 90
	gone := base
	gone.VolunteerID, gone.Anonymised, gone.ConfirmedMinutes = 9, true, 60
	gone.CheckInAt, gone.CheckOutAt = at("2026-12-05 14:00"), at("2026-12-05 15:00")
	return []store.ServiceRecord{zhang, li, gone}
}

// recordsBook is the scenario with real-name profiles, trainings, awards
// and evaluations.
func recordsBook() xlsx.RecordsBook {
	records := scenario()
	records[0].Gender, records[0].BirthYear, records[0].IDType, records[0].IDMasked = "男", 1990, "居民身份证", "3708**********123X"
	notes := []*store.VolunteerRecord{
		{UserID: 7, VolunteerName: "张三", Kind: store.RecordTraining, Title: "急救知识培训", Detail: "市红十字会", On: at("2026-12-03 00:00"), Minutes: 180, RecorderName: "王芳"},
		{UserID: 7, VolunteerName: "张三", Kind: store.RecordAward, Title: "优秀志愿者", Detail: "市文明办", On: at("2026-12-04 00:00"), RecorderName: "王芳"},
		{UserID: 8, VolunteerName: "李四", Kind: store.RecordEvaluation, Title: "良好", Detail: "服务认真", On: at("2026-12-05 00:00"), RecorderName: "王芳"},
		{UserID: 9, Kind: store.RecordEvaluation, Title: "优秀", On: at("2026-12-05 00:00"), RecorderName: "王芳"},
	}
	return xlsx.RecordsBook{Campaign: campaignName, NumberPrefix: "HX", Records: records, Notes: notes,
		From: at("2026-12-01 00:00"), To: at("2027-01-01 00:00"), Now: at("2026-12-06 09:30"), Loc: shanghai}
}

func TestServiceRecords(t *testing.T) {
	var buf bytes.Buffer
	if err := xlsx.ServiceRecords(&buf, recordsBook()); err != nil {
		t.Fatal(err)
	}
	f := open(t, &buf)
	const sheet = xlsx.SheetService
	if got := f.GetSheetList(); strings.Join(got, "|") != "志愿服务记录|培训情况|表彰奖励|评价情况" {
		t.Fatalf("sheets = %v", got)
	}
	checkSheetLayout(t, f, sheet, []string{"序号", "志愿者姓名", "志愿者编号", "性别", "出生年份", "证件类型", "证件号码", "手机号",
		"活动编号", "活动名称", "服务类别", "服务内容", "服务地点", "服务开始时间", "服务结束时间", "服务时长(小时)",
		"组织单位/和谐使者", "记录人", "记录时间"}, "2026-12-06 09:30")

	t.Run("info names the period and totals", func(t *testing.T) {
		info := cell(t, f, sheet, "A2")
		for _, want := range []string{"2026-12-01 至 2026-12-31", "共 3 条", "合计 4.5 小时"} {
			if !strings.Contains(info, want) {
				t.Errorf("info = %q, want %q in it", info, want)
			}
		}
	})
	t.Run("one row per record with every MCA field, the ID masked", func(t *testing.T) {
		want := []string{"1", "张三", "HX000007", "男", "1990", "居民身份证", "3708**********123X", "13812345678",
			"A12", "敬老院包饺子", "关爱困难群体", "文体活动",
			"古槐社区敬老院", "2026-12-05 13:55", "2026-12-05 16:05", "2.0", "王芳", "王芳", "2026-12-05 16:30"}
		if got := row(t, f, sheet, 4); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("row 4 =\n %q\nwant\n %q", got, want)
		}
		if got := row(t, f, sheet, 5)[1:8]; strings.Join(got, "|") != "李四|HX000008||||||13900001111" && strings.Join(got, "|") != "李四|HX000008|||||13900001111" {
			t.Errorf("row 5 identity = %q: no real-name profile, blank", got)
		}
	})
	t.Run("hours are numbers", func(t *testing.T) {
		for ref, want := range map[string]float64{"P4": 2, "P5": 1.5, "P6": 1} {
			if got := number(t, f, sheet, ref); got != want {
				t.Errorf("%s = %v, want %v", ref, got, want)
			}
		}
	})
	t.Run("times are dates in the campaign's zone", func(t *testing.T) {
		serial := number(t, f, sheet, "N4")
		got, err := excelize.ExcelDateToTime(serial, false)
		if err != nil {
			t.Fatal(err)
		}
		if got.Format("2006-01-02 15:04") != "2026-12-05 13:55" {
			t.Errorf("N4 = %v, want 2026-12-05 13:55", got)
		}
	})
	t.Run("missing check-out falls back to the activity's end", func(t *testing.T) {
		if got := cell(t, f, sheet, "O5"); got != "2026-12-05 16:00" {
			t.Errorf("O5 = %q", got)
		}
	})
	t.Run("a deleted profile is anonymous", func(t *testing.T) {
		if got := cell(t, f, sheet, "B6"); got != "匿名志愿者#9" {
			t.Errorf("B6 = %q", got)
		}
		for _, ref := range []string{"D6", "E6", "F6", "G6", "H6"} {
			if got := cell(t, f, sheet, ref); got != "" {
				t.Errorf("%s = %q, want nothing of the person", ref, got)
			}
		}
	})
	t.Run("nothing after the records", func(t *testing.T) {
		rows, _ := f.GetRows(sheet)
		if len(rows) != 6 {
			t.Errorf("%d rows, want 6", len(rows))
		}
	})
	t.Run("trainings, awards and evaluations, cell by cell", func(t *testing.T) {
		checkSheetLayout(t, f, xlsx.SheetTraining, []string{"序号", "志愿者姓名", "志愿者编号", "培训内容", "培训日期", "培训时长(小时)", "组织单位/说明", "记录人"}, "2026-12-06 09:30")
		checkSheetLayout(t, f, xlsx.SheetAwards, []string{"序号", "志愿者姓名", "志愿者编号", "表彰奖励名称", "表彰日期", "授予单位/说明", "记录人"}, "2026-12-06 09:30")
		checkSheetLayout(t, f, xlsx.SheetEvaluation, []string{"序号", "志愿者姓名", "志愿者编号", "评价等级", "评价日期", "评语", "评价人"}, "2026-12-06 09:30")
		for _, tt := range []struct {
			sheet string
			row   int
			want  []string
		}{
			{xlsx.SheetTraining, 4, []string{"1", "张三", "HX000007", "急救知识培训", "2026-12-03", "3.0", "市红十字会", "王芳"}},
			{xlsx.SheetAwards, 4, []string{"1", "张三", "HX000007", "优秀志愿者", "2026-12-04", "市文明办", "王芳"}},
			{xlsx.SheetEvaluation, 4, []string{"1", "李四", "HX000008", "良好", "2026-12-05", "服务认真", "王芳"}},
			{xlsx.SheetEvaluation, 5, []string{"2", "匿名志愿者#9", "HX000009", "优秀", "2026-12-05", "", "王芳"}},
		} {
			if got := row(t, f, tt.sheet, tt.row); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("%s row %d =\n %q\nwant\n %q", tt.sheet, tt.row, got, tt.want)
			}
		}
		if got := number(t, f, xlsx.SheetTraining, "F4"); got != 3 {
			t.Errorf("training hours = %v, want the number 3", got)
		}
		if info := cell(t, f, xlsx.SheetEvaluation, "A2"); !strings.Contains(info, "共 2 条评价记录") {
			t.Errorf("evaluation info = %q", info)
		}
	})
}

// TestNationalBatchFile opens the national system's batch file and checks
// it cell by cell: headers in row 1, the ID whole and as text, the
// volunteer without an ID on the sheet of those left out.
func TestNationalBatchFile(t *testing.T) {
	records := scenario()
	records[0].Gender, records[0].BirthYear, records[0].IDType, records[0].IDMasked = "男", 1990, "居民身份证", "3708**********123X"
	b := xlsx.NationalBatch{Issuer: "古槐社区志愿服务站", NumberPrefix: "HX", Loc: shanghai,
		Rows:    []xlsx.NationalRow{{ServiceRecord: records[0], IDNumber: "37080219900101123X"}},
		Missing: []store.ServiceRecord{records[1]}}
	var buf bytes.Buffer
	if err := xlsx.NationalBatchFile(&buf, b); err != nil {
		t.Fatal(err)
	}
	f := open(t, &buf)
	if got := f.GetSheetList(); strings.Join(got, "|") != xlsx.NationalSheet+"|"+xlsx.NationalMissingSheet {
		t.Fatalf("sheets = %v", got)
	}
	if got := row(t, f, xlsx.NationalSheet, 1); strings.Join(got, "|") != strings.Join(xlsx.NationalColumns, "|") {
		t.Errorf("headers = %q", got)
	}
	want := []string{"张三", "居民身份证", "37080219900101123X", "男", "1990-01-01", "13812345678", "HX000007",
		"敬老院包饺子", "关爱困难群体", "古槐社区敬老院", "2026-12-05 13:55", "2026-12-05 16:05", "2", "古槐社区志愿服务站", "王芳"}
	if got := row(t, f, xlsx.NationalSheet, 2); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("row 2 =\n %q\nwant\n %q", got, want)
	}
	if typ, _ := f.GetCellType(xlsx.NationalSheet, "C2"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("the ID number's cell is of type %v, want text", typ)
	}
	if rows, _ := f.GetRows(xlsx.NationalSheet); len(rows) != 2 {
		t.Errorf("%d rows, want the headers and one record", len(rows))
	}
	left := row(t, f, xlsx.NationalMissingSheet, 2)
	if left[0] != "李四" || left[1] != "13900001111" || !strings.Contains(left[5], "实名") {
		t.Errorf("left out = %q", left)
	}
}

func TestServiceRecordsEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := xlsx.ServiceRecords(&buf, xlsx.RecordsBook{Campaign: campaignName, Now: at("2026-12-06 09:30"), Loc: shanghai}); err != nil {
		t.Fatal(err)
	}
	f := open(t, &buf)
	if info := cell(t, f, "志愿服务记录", "A2"); !strings.Contains(info, "不限 至 不限") || !strings.Contains(info, "共 0 条") {
		t.Errorf("info = %q", info)
	}
}

func TestActivityAttendance(t *testing.T) {
	a := &store.Activity{Code: "A12", Title: "敬老院包饺子", Category: "关爱困难群体", ServiceType: "文体活动",
		StartsAt: at("2026-12-05 14:00"), EndsAt: at("2026-12-05 16:00"), Place: "古槐社区敬老院", Community: "古槐社区", EnvoyName: "王芳"}
	records := scenario()
	records[1].ConfirmedMinutes = -1 // not confirmed yet
	records = append(records, store.ServiceRecord{VolunteerName: "赵六", VolunteerPhone: "13700002222", ConfirmedMinutes: -1})
	var buf bytes.Buffer
	ev := xlsx.Evidence{Photos: 3, Album: "https://envoy.example.gov.cn/admin/hours?activity=A12"}
	if err := xlsx.ActivityAttendance(&buf, campaignName, a, records, ev, at("2026-12-05 17:00"), shanghai); err != nil {
		t.Fatal(err)
	}
	f := open(t, &buf)
	const sheet = "签到表"
	checkLayout(t, f, sheet, []string{"序号", "姓名", "手机号", "签到时间", "签退时间", "确认时长(小时)", "签名"}, "2026-12-05 17:00")
	if title := cell(t, f, sheet, "A1"); !strings.Contains(title, "A12") {
		t.Errorf("title = %q, want the activity code", title)
	}
	info := cell(t, f, sheet, "A2")
	for _, want := range []string{"A12 敬老院包饺子", "关爱困难群体·文体活动", "2026-12-05 14:00–16:00", "古槐社区敬老院", "王芳", "名单 4 人，签到 3 人", "证据照片 3 张：https://envoy.example.gov.cn/admin/hours?activity=A12"} {
		if !strings.Contains(info, want) {
			t.Errorf("info = %q, want %q in it", info, want)
		}
	}
	tests := []struct {
		name string
		row  int
		want []string
	}{
		{"confirmed", 4, []string{"1", "张三", "13812345678", "2026-12-05 13:55", "2026-12-05 16:05", "2.0"}},
		{"not confirmed: hours blank", 5, []string{"2", "李四", "13900001111", "2026-12-05 14:30"}},
		{"never checked in: times blank", 7, []string{"4", "赵六", "13700002222"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := row(t, f, sheet, tt.row); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("row %d = %q, want %q", tt.row, got, tt.want)
			}
		})
	}
	if got := number(t, f, sheet, "F4"); got != 2 {
		t.Errorf("F4 = %v, want 2", got)
	}
	if h, _ := f.GetRowHeight(sheet, 4); h < 24 {
		t.Errorf("row height %v, want room to sign", h)
	}
}

func TestActivityAttendanceNeedsActivity(t *testing.T) {
	if err := xlsx.ActivityAttendance(&bytes.Buffer{}, campaignName, nil, nil, xlsx.Evidence{}, time.Now(), shanghai); err == nil {
		t.Error("no error without an activity")
	}
}

func TestProgressReport(t *testing.T) {
	cfg, err := configs.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Campaign
	c.Name = campaignName
	standings := []store.EnvoyStanding{
		{Envoy: &store.User{Name: "王芳", Phone: "13600003333", EnvoyLevel: "市", EnvoyKind: "和谐使者"}, Progress: &store.Progress{
			ContactPoints:    []*store.ContactPoint{{Community: "古槐社区"}},
			Teams:            []*store.Team{{Code: "T1", Name: "古槐银发志愿队", Members: 3}},
			ActivitiesByLine: map[string]int{"关爱困难群体": 2, "平安和谐": 1},
			HeldActivities:   1, ConfirmedMinutes: 270, Volunteers: 3,
		}},
		{Envoy: &store.User{Name: "刘强", Phone: "13500004444", EnvoyLevel: "省", EnvoyKind: "敬老使者"}},
		{Envoy: nil}, // skipped
	}
	var buf bytes.Buffer
	now := at("2019-12-20 10:00")
	if err := xlsx.ProgressReport(&buf, c, standings, nil, now, shanghai); err != nil {
		t.Fatal(err)
	}
	f := open(t, &buf)
	const sheet = "进度"
	headers := []string{"序号", "姓名", "级别", "类型", "手机号", "社区联系点", "志愿者团队", "团队人数", "服务品牌"}
	for _, l := range c.Lines {
		headers = append(headers, l.Name+"\n（活动数）")
	}
	headers = append(headers, "活动合计", "已开展\n（使者签到）", "确认服务时长\n（小时）", "参与志愿者\n（人）")
	for _, tg := range c.Targets {
		headers = append(headers, tg.Name+"\n截至 "+tg.Deadline.String())
	}
	checkLayout(t, f, sheet, headers, "2019-12-20 10:00")
	if info := cell(t, f, sheet, "A2"); !strings.Contains(info, "当前阶段：") || !strings.Contains(info, "和谐使者 2 名") {
		t.Errorf("info = %q", info)
	}
	got := row(t, f, sheet, 4)
	want := []string{"1", "王芳", "市级", "和谐使者", "13600003333", "古槐社区", "古槐银发志愿队（T1，3人）", "3", ""}
	if strings.Join(got[:len(want)], "|") != strings.Join(want, "|") {
		t.Errorf("row 4 starts %q, want %q", got[:len(want)], want)
	}
	col := func(header string) string {
		for i, h := range headers {
			if h == header || strings.HasPrefix(h, header+"\n") {
				name, _ := excelize.ColumnNumberToName(i + 1)
				return name
			}
		}
		t.Fatalf("no column %q", header)
		return ""
	}
	if got := number(t, f, sheet, col("关爱困难群体")+"4"); got != 2 {
		t.Errorf("关爱困难群体 = %v", got)
	}
	if got := number(t, f, sheet, col("活动合计")+"4"); got != 3 {
		t.Errorf("活动合计 = %v", got)
	}
	if got := number(t, f, sheet, col("确认服务时长")+"4"); got != 4.5 {
		t.Errorf("hours = %v, want 4.5", got)
	}
	targets := map[string][2]string{ // target → (王芳, 刘强)
		"建立社区联系点":  {"已完成", "未完成（剩 12 天）"},
		"成立志愿者团队":  {"已完成", "未完成（剩 12 天）"},
		"打造志愿服务品牌": {"未完成（剩 378 天）", "未完成（剩 378 天）"},
	}
	for name, w := range targets {
		if got := cell(t, f, sheet, col(name)+"4"); got != w[0] {
			t.Errorf("王芳 %s = %q, want %q", name, got, w[0])
		}
		if got := cell(t, f, sheet, col(name)+"5"); got != w[1] {
			t.Errorf("刘强 %s = %q, want %q", name, got, w[1])
		}
	}
	if rows, _ := f.GetRows(sheet); len(rows) != 5 {
		t.Errorf("%d rows, want 5 (the envoy-less standing skipped)", len(rows))
	}

	t.Run("overdue targets are red", func(t *testing.T) {
		var buf bytes.Buffer
		if err := xlsx.ProgressReport(&buf, c, standings[1:2], nil, at("2020-01-02 10:00"), shanghai); err != nil {
			t.Fatal(err)
		}
		f := open(t, &buf)
		ref := col("建立社区联系点") + "4"
		if got := cell(t, f, sheet, ref); got != "未完成（已逾期）" {
			t.Errorf("%s = %q", ref, got)
		}
		id, _ := f.GetCellStyle(sheet, ref)
		s, err := f.GetStyle(id)
		if err != nil || len(s.Fill.Color) == 0 || s.Fill.Color[0] != "FFC7CE" && s.Fill.Color[0] != "#FFC7CE" {
			t.Errorf("fill = %+v (%v), want red", s.Fill, err)
		}
	})
}

// TestActivityAttendanceCompanions: the roster says who brings people, and
// how many in all, so the envoy counts them at the door.
func TestActivityAttendanceCompanions(t *testing.T) {
	a := &store.Activity{Code: "A12", Title: "敬老院包饺子", StartsAt: at("2026-12-05 14:00"), EndsAt: at("2026-12-05 16:00")}
	records := []store.ServiceRecord{
		{VolunteerName: "张三", VolunteerPhone: "13812345678", ConfirmedMinutes: -1, Companions: 2},
		{VolunteerName: "李四", VolunteerPhone: "13900001111", ConfirmedMinutes: -1},
	}
	var buf bytes.Buffer
	if err := xlsx.ActivityAttendance(&buf, campaignName, a, records, xlsx.Evidence{}, at("2026-12-05 17:00"), shanghai); err != nil {
		t.Fatal(err)
	}
	f := open(t, &buf)
	if info := cell(t, f, "签到表", "A2"); !strings.Contains(info, "名单 2 人（另带家属 2 人）") {
		t.Errorf("info = %q, want the companions counted", info)
	}
	if got := cell(t, f, "签到表", "B4"); got != "张三（另带2人）" {
		t.Errorf("B4 = %q, want the companions beside the name", got)
	}
}

// TestProgressReportRequests: the 居民求助 sheet sums each community's
// requests, medians in hours.
func TestProgressReportRequests(t *testing.T) {
	cfg, err := configs.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Campaign
	stats := []store.CommunityRequestStats{{Community: "古槐社区", Total: 3, ByStatus: map[string]int{store.RequestOpen: 1, store.RequestDone: 2},
		MedianToTake: 90 * time.Minute, MedianToFinish: 5 * time.Hour, Rated: 2, AverageRating: 4.5, ConfirmedMinutes: 180, OnBehalf: 1, Escalated: 1}}
	var buf bytes.Buffer
	if err := xlsx.ProgressReport(&buf, c, nil, stats, at("2026-12-20 10:00"), shanghai); err != nil {
		t.Fatal(err)
	}
	f := open(t, &buf)
	if info := cell(t, f, "居民求助", "A2"); !strings.Contains(info, "求助 3 条") {
		t.Errorf("info = %q", info)
	}
	got := strings.Join(row(t, f, "居民求助", 4), "|")
	if want := "1|古槐社区|3|1|0|2|0|1.5|5.0|2|4.5|3.0|1|1"; got != want {
		t.Errorf("row = %q, want %q", got, want)
	}
}
