package admin

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// chart is an SVG bar chart laid out on the server; templates/svg.html
// draws it. Coordinates are in SVG user units (px).
type chart struct {
	ID             string
	Title, Desc    string
	Width, Height  int
	XLabel, YLabel textAt
	Axes           []line
	Grid           []line
	Ticks          []textAt // value axis labels
	Cats           []textAt // category labels
	Bars           []rect
	Values         []textAt // numbers on or beside the bars
	Legend         []legendItem
	Empty          bool
	Middle         textAt // where "暂无数据" goes when Empty
}

// rect is one bar (or one stacked segment) with its tooltip.
type rect struct {
	X, Y, W, H float64
	Fill, Tip  string
}

// line is an axis or grid line.
type line struct{ X1, Y1, X2, Y2 float64 }

// textAt is a label; Rotate turns it by -45° about its anchor point.
type textAt struct {
	X, Y   float64
	Text   string
	Anchor string // start, middle, end
	Rotate int
	Class  string
}

// legendItem is a colour swatch and its name.
type legendItem struct {
	X, Y        float64
	Fill, Label string
}

// series is one stack layer: a name, a colour and a value per category.
type series struct {
	Name   string
	Fill   string
	Values []int
}

// hbar is one horizontal bar.
type hbar struct {
	Label     string
	Value     float64
	ValueText string
	Fill      string
}

// palette colours series and bars; readable for most colour vision.
var palette = []string{"#2b6cb0", "#dd8a2b", "#2f855a", "#c53030", "#6b46c1", "#718096", "#b7791f", "#319795"}

// niceScale returns a round maximum and step for an axis up to max.
func niceScale(max float64) (top, step float64) {
	if max <= 0 {
		return 1, 1
	}
	raw := max / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if step = m * mag; step >= raw {
			break
		}
	}
	if step < 1 && max >= 1 {
		step = 1
	}
	return math.Ceil(max/step) * step, step
}

// num formats an axis value without trailing zeros.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// stackedColumns lays out vertical stacked columns: one per category,
// one layer per series, with the total above each column.
func stackedColumns(id, title, desc, xLabel, yLabel string, cats []string, ss []series) chart {
	const left, right, top, bottom, legendH = 56.0, 16.0, 40.0, 78.0, 24.0
	colW := 30.0
	plotW := math.Max(560, colW*float64(len(cats)))
	plotH := 240.0
	c := chart{ID: id, Title: title, Desc: desc, Width: int(left + plotW + right), Height: int(top + legendH + plotH + bottom)}
	totals := make([]int, len(cats))
	maxTotal := 0
	for i := range cats {
		for _, s := range ss {
			totals[i] += s.Values[i]
		}
		maxTotal = max(maxTotal, totals[i])
	}
	if len(cats) == 0 || maxTotal == 0 {
		c.Empty = true
	}
	y0 := top + legendH + plotH // the baseline
	hi, step := niceScale(float64(maxTotal))
	scale := plotH / hi
	c.axesAndTicks(left, top+legendH, plotW, plotH, hi, step, false)
	for j, s := range ss {
		c.Legend = append(c.Legend, legendItem{X: left + float64(j)*130, Y: top, Fill: s.Fill, Label: s.Name})
	}
	slot := plotW / math.Max(1, float64(len(cats)))
	barW := math.Min(slot*0.7, 40)
	for i, cat := range cats {
		x := left + slot*float64(i) + (slot-barW)/2
		y := y0
		for _, s := range ss {
			v := s.Values[i]
			if v == 0 {
				continue
			}
			h := float64(v) * scale
			y -= h
			c.Bars = append(c.Bars, rect{X: x, Y: y, W: barW, H: h, Fill: s.Fill, Tip: cat + " " + s.Name + "：" + strconv.Itoa(v)})
			if h >= 14 && barW >= 16 {
				c.Values = append(c.Values, textAt{X: x + barW/2, Y: y + h/2 + 4, Text: strconv.Itoa(v), Anchor: "middle", Class: "in"})
			}
		}
		if totals[i] > 0 {
			c.Values = append(c.Values, textAt{X: x + barW/2, Y: y - 4, Text: strconv.Itoa(totals[i]), Anchor: "middle"})
		}
		c.Cats = append(c.Cats, textAt{X: x + barW/2, Y: y0 + 14, Text: cat, Anchor: "end", Rotate: -45})
	}
	c.Middle = textAt{X: left + plotW/2, Y: top + legendH + plotH/2}
	c.XLabel = textAt{X: left + plotW/2, Y: float64(c.Height) - 6, Text: xLabel, Anchor: "middle", Class: "axis-label"}
	c.YLabel = textAt{X: 14, Y: top + legendH + plotH/2, Text: yLabel, Anchor: "middle", Rotate: -90, Class: "axis-label"}
	return c
}

// horizontalBars lays out one bar per item, label at the left and the
// value at the bar's end: long Chinese names stay readable.
func horizontalBars(id, title, desc, xLabel, yLabel string, items []hbar) chart {
	labelW := 0
	for _, it := range items {
		labelW = max(labelW, utf8.RuneCountInString(it.Label))
	}
	left := math.Min(16+13*float64(labelW), 260)
	const right, top, bottom, barH, gap = 64.0, 36.0, 52.0, 20.0, 10.0
	plotW := 440.0
	plotH := math.Max(2, float64(len(items)))*(barH+gap) + gap
	c := chart{ID: id, Title: title, Desc: desc, Width: int(left + plotW + right), Height: int(top + plotH + bottom)}
	maxV := 0.0
	for _, it := range items {
		maxV = math.Max(maxV, it.Value)
	}
	if len(items) == 0 || maxV == 0 {
		c.Empty = true
	}
	hi, step := niceScale(maxV)
	c.axesAndTicks(left, top, plotW, plotH, hi, step, true)
	for i, it := range items {
		y := top + gap + float64(i)*(barH+gap)
		w := it.Value / hi * plotW
		fill := it.Fill
		if fill == "" {
			fill = palette[0]
		}
		c.Bars = append(c.Bars, rect{X: left, Y: y, W: w, H: barH, Fill: fill, Tip: it.Label + "：" + it.ValueText})
		c.Values = append(c.Values, textAt{X: left + w + 4, Y: y + barH/2 + 4, Text: it.ValueText, Anchor: "start"})
		c.Cats = append(c.Cats, textAt{X: left - 6, Y: y + barH/2 + 4, Text: shorten(it.Label, 18), Anchor: "end"})
	}
	c.Middle = textAt{X: left + plotW/2, Y: top + plotH/2 + 5}
	c.XLabel = textAt{X: left + plotW/2, Y: float64(c.Height) - 8, Text: xLabel, Anchor: "middle", Class: "axis-label"}
	c.YLabel = textAt{X: 8, Y: top - 14, Text: yLabel, Anchor: "start", Class: "axis-label"}
	return c
}

// axesAndTicks draws both axes and the value grid; horizontal puts the
// value axis along the bottom.
func (c *chart) axesAndTicks(left, top, w, h, hi, step float64, horizontal bool) {
	c.Axes = []line{{left, top, left, top + h}, {left, top + h, left + w, top + h}}
	for v := 0.0; v <= hi+step/2; v += step {
		if horizontal {
			x := left + v/hi*w
			c.Grid = append(c.Grid, line{x, top, x, top + h})
			c.Ticks = append(c.Ticks, textAt{X: x, Y: top + h + 16, Text: num(v), Anchor: "middle"})
			continue
		}
		y := top + h - v/hi*h
		c.Grid = append(c.Grid, line{left, y, left + w, y})
		c.Ticks = append(c.Ticks, textAt{X: left - 6, Y: y + 4, Text: num(v), Anchor: "end"})
	}
}

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
