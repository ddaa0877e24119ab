// Package xlsx writes the admin's Excel exports with excelize: the progress
// report, the service records (志愿服务记录) with the fields the MCA's
// 《志愿服务记录与证明出具办法》 asks for, and one activity's attendance
// sheet (签到表). Every sheet has the same shape so that readers and tests
// know where to look: row 1 a merged title with the campaign name and the
// export time, row 2 a merged line saying what the sheet covers, row 3 the
// Chinese headers (bold, frozen), data from row 4.
//
// These exports are for admins only: they carry full mobile numbers.
package xlsx

import (
	"fmt"
	"io"
	"math"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Rows of every sheet.
const (
	// TitleRow holds the campaign name and the export time.
	TitleRow = 1
	// InfoRow says what the sheet covers (period, activity, phase).
	InfoRow = 2
	// HeaderRow holds the column headers.
	HeaderRow = 3
	// FirstDataRow is the first row of data.
	FirstDataRow = 4
)

// kind says how a column's cells are written and formatted.
type kind int

const (
	kindText     kind = iota
	kindInt           // whole numbers: 序号, counts
	kindHours         // hours as a number, two decimals at most
	kindDateTime      // an instant, shown as yyyy-mm-dd hh:mm in the export's zone
	kindSign          // an empty box to sign on paper
)

// column is one column of a sheet.
type column struct {
	header string
	kind   kind
}

// status colours a cell red, amber or green (a target's standing).
type status int

const (
	statusNone status = iota
	statusGreen
	statusAmber
	statusRed
)

// statusText is a text cell with a traffic-light fill.
type statusText struct {
	text   string
	status status
}

// styles are the cell styles of one workbook.
type styles struct {
	title, info, header     int
	text, integer, hours    int
	dateTime, sign          int
	green, amber, red, none int
}

// sheet writes one table into a new workbook.
type sheet struct {
	f      *excelize.File
	name   string
	loc    *time.Location
	cols   []column
	widths []float64
	st     styles
	row    int // the next row to write
	err    error
	// more are further sheets of the same workbook (addSheet), written
	// with this one.
	more []*sheet
}

// addSheet adds a sheet to s's workbook, with s's styles and zone; write
// on s writes it too.
func (s *sheet) addSheet(name string, cols []column) *sheet {
	n := &sheet{f: s.f, name: name, loc: s.loc, cols: cols, widths: make([]float64, len(cols)), st: s.st, row: FirstDataRow}
	if _, err := s.f.NewSheet(name); err != nil {
		s.set(fmt.Errorf("xlsx: add sheet %s: %w", name, err))
	}
	s.more = append(s.more, n)
	return n
}

// newSheet starts a workbook whose only sheet is name with cols.
func newSheet(name string, cols []column, loc *time.Location) (*sheet, error) {
	if loc == nil {
		loc = time.UTC
	}
	f := excelize.NewFile()
	s := &sheet{f: f, name: name, loc: loc, cols: cols, widths: make([]float64, len(cols)), row: FirstDataRow}
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("xlsx: name sheet: %w", err)
	}
	if err := s.makeStyles(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("xlsx: styles: %w", err)
	}
	return s, nil
}

func (s *sheet) makeStyles() error {
	border := []excelize.Border{
		{Type: "left", Color: "#BFBFBF", Style: 1}, {Type: "top", Color: "#BFBFBF", Style: 1},
		{Type: "right", Color: "#BFBFBF", Style: 1}, {Type: "bottom", Color: "#BFBFBF", Style: 1},
	}
	cell := &excelize.Alignment{Vertical: "center", WrapText: true}
	fill := func(color string) excelize.Fill {
		return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{color}}
	}
	numFmt := func(f string) *string { return &f }
	defs := []struct {
		dst   *int
		style excelize.Style
	}{
		{&s.st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.st.info, excelize.Style{Font: &excelize.Font{Size: 10, Color: "#404040"}, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}}},
		{&s.st.header, excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill("#DDEBF7"), Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.st.text, excelize.Style{Border: border, Alignment: cell}},
		{&s.st.integer, excelize.Style{Border: border, Alignment: cell, NumFmt: 1}},
		{&s.st.hours, excelize.Style{Border: border, Alignment: cell, CustomNumFmt: numFmt("0.0#")}},
		{&s.st.dateTime, excelize.Style{Border: border, Alignment: cell, CustomNumFmt: numFmt("yyyy-mm-dd hh:mm")}},
		{&s.st.sign, excelize.Style{Border: border}},
		{&s.st.green, excelize.Style{Border: border, Alignment: cell, Fill: fill("#C6EFCE"), Font: &excelize.Font{Color: "#006100"}}},
		{&s.st.amber, excelize.Style{Border: border, Alignment: cell, Fill: fill("#FFEB9C"), Font: &excelize.Font{Color: "#9C5700"}}},
		{&s.st.red, excelize.Style{Border: border, Alignment: cell, Fill: fill("#FFC7CE"), Font: &excelize.Font{Color: "#9C0006"}}},
	}
	for _, d := range defs {
		id, err := s.f.NewStyle(&d.style)
		if err != nil {
			return err
		}
		*d.dst = id
	}
	s.st.none = s.st.text
	return nil
}

// cellName is the A1 name of a 0-based column in a row.
func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col+1, row)
	return name
}

// lastCol is the A1 name of the last column in a row.
func (s *sheet) lastCol(row int) string { return cellName(len(s.cols)-1, row) }

// heading writes the title, the info line and the headers, and freezes
// the rows above the data.
func (s *sheet) heading(title, info string) {
	f, name := s.f, s.name
	s.set(f.SetCellValue(name, "A1", title))
	s.set(f.MergeCell(name, "A1", s.lastCol(TitleRow)))
	s.set(f.SetCellStyle(name, "A1", s.lastCol(TitleRow), s.st.title))
	s.set(f.SetRowHeight(name, TitleRow, 30))
	s.set(f.SetCellValue(name, cellName(0, InfoRow), info))
	s.set(f.MergeCell(name, cellName(0, InfoRow), s.lastCol(InfoRow)))
	s.set(f.SetCellStyle(name, cellName(0, InfoRow), s.lastCol(InfoRow), s.st.info))
	s.set(f.SetRowHeight(name, InfoRow, 20))
	for i, c := range s.cols {
		s.set(f.SetCellValue(name, cellName(i, HeaderRow), c.header))
		s.fit(i, c.header)
	}
	s.set(f.SetCellStyle(name, cellName(0, HeaderRow), s.lastCol(HeaderRow), s.st.header))
	s.set(f.SetRowHeight(name, HeaderRow, 32))
	s.set(f.SetPanes(name, &excelize.Panes{
		Freeze: true, YSplit: HeaderRow, TopLeftCell: cellName(0, FirstDataRow), ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: cellName(0, FirstDataRow), ActiveCell: cellName(0, FirstDataRow), Pane: "bottomLeft"}},
	}))
}

// add writes one data row: a string, int, float64 (hours), time.Time
// (zero: blank), statusText, or nil (blank) per column.
func (s *sheet) add(values ...any) {
	row := s.row
	s.row++
	for i, c := range s.cols {
		var v any
		if i < len(values) {
			v = values[i]
		}
		ref := cellName(i, row)
		style := s.styleOf(c.kind)
		switch v := v.(type) {
		case nil:
		case time.Time:
			if !v.IsZero() {
				s.set(s.f.SetCellValue(s.name, ref, wallClock(v, s.loc)))
			}
		case float64:
			s.set(s.f.SetCellFloat(s.name, ref, v, -1, 64))
		case statusText:
			s.set(s.f.SetCellStr(s.name, ref, v.text))
			s.fit(i, v.text)
			style = s.statusStyle(v.status)
		case string:
			s.set(s.f.SetCellStr(s.name, ref, v))
			s.fit(i, v)
		default:
			s.set(s.f.SetCellValue(s.name, ref, v))
			s.fit(i, fmt.Sprint(v))
		}
		s.set(s.f.SetCellStyle(s.name, ref, ref, style))
	}
}

func (s *sheet) styleOf(k kind) int {
	switch k {
	case kindInt:
		return s.st.integer
	case kindHours:
		return s.st.hours
	case kindDateTime:
		return s.st.dateTime
	case kindSign:
		return s.st.sign
	}
	return s.st.text
}

func (s *sheet) statusStyle(st status) int {
	switch st {
	case statusGreen:
		return s.st.green
	case statusAmber:
		return s.st.amber
	case statusRed:
		return s.st.red
	}
	return s.st.none
}

// fit widens column i for text: CJK characters take two widths.
func (s *sheet) fit(i int, text string) {
	w := 0.0
	line := 0.0
	for _, r := range text {
		switch {
		case r == '\n':
			w, line = math.Max(w, line), 0
		case r >= 0x2E80 || utf8.RuneLen(r) > 2:
			line += 2
		default:
			line++
		}
	}
	if w = math.Max(w, line) + 2; w > s.widths[i] {
		s.widths[i] = w
	}
}

// setRowHeights gives data rows a height, e.g. room to sign.
func (s *sheet) setRowHeights(h float64) {
	for r := FirstDataRow; r < s.row; r++ {
		s.set(s.f.SetRowHeight(s.name, r, h))
	}
}

// write sets column widths and the filter of every sheet, and writes the
// workbook to w.
func (s *sheet) write(w io.Writer) error {
	defer s.f.Close()
	s.finish()
	for _, m := range s.more {
		m.finish()
		s.set(m.err)
	}
	if s.err != nil {
		return fmt.Errorf("xlsx: %s: %w", s.name, s.err)
	}
	if err := s.f.Write(w); err != nil {
		return fmt.Errorf("xlsx: write %s: %w", s.name, err)
	}
	return nil
}

// finish sets the sheet's column widths, filter and page layout.
func (s *sheet) finish() {
	for i, c := range s.cols {
		width := s.widths[i]
		switch c.kind {
		case kindDateTime:
			width = math.Max(width, 18)
		case kindHours, kindInt:
			width = math.Max(width, 8)
		case kindSign:
			width = math.Max(width, 20)
		}
		width = math.Min(math.Max(width, 6), 40)
		col, _ := excelize.ColumnNumberToName(i + 1)
		s.set(s.f.SetColWidth(s.name, col, col, width))
	}
	last := s.row - 1
	if last < HeaderRow+1 {
		last = HeaderRow + 1
	}
	s.set(s.f.AutoFilter(s.name, cellName(0, HeaderRow)+":"+s.lastCol(last), nil))
	landscape := "landscape"
	s.set(s.f.SetPageLayout(s.name, &excelize.PageLayoutOptions{Orientation: &landscape}))
}

// set keeps the first error, so that building a sheet reads as a list of
// steps.
func (s *sheet) set(err error) {
	if err != nil && s.err == nil {
		s.err = err
	}
}

// wallClock is t as read on a clock in loc, labelled UTC: Excel has no
// time zones and excelize counts from a UTC epoch.
func wallClock(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// hours turns minutes into hours rounded to 0.01, nil when not confirmed.
func hours(minutes int) any {
	if minutes < 0 {
		return nil
	}
	return math.Round(float64(minutes)/60*100) / 100
}

// titleLine is the title row: the campaign, the sheet and when it was made.
func titleLine(campaign, what string, now time.Time, loc *time.Location) string {
	t := campaign + " · " + what
	if campaign == "" {
		t = what
	}
	return t + "　　导出时间：" + now.In(loc).Format("2006-01-02 15:04")
}
