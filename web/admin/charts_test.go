package admin

import (
	"strconv"
	"testing"
)

func TestNiceScale(t *testing.T) {
	for _, c := range []struct{ max, top, step float64 }{
		{0, 1, 1}, {1, 1, 1}, {3, 3, 1}, {7, 8, 2}, {12, 15, 5}, {47, 50, 10}, {230, 250, 50}, {0.4, 0.4, 0.1},
	} {
		t.Run(strconv.FormatFloat(c.max, 'f', -1, 64), func(t *testing.T) {
			top, step := niceScale(c.max)
			if top != c.top || step != c.step {
				t.Fatalf("niceScale(%v) = %v, %v; want %v, %v", c.max, top, step, c.top, c.step)
			}
		})
	}
}

func TestStackedColumns(t *testing.T) {
	t.Run("totals sit above each column and segments stack", func(t *testing.T) {
		c := stackedColumns("x", "标题", "说明", "月份", "活动数", []string{"2019-03", "2019-04"}, []series{
			{Name: "关爱困难群体", Fill: "#111", Values: []int{2, 0}},
			{Name: "文明有礼", Fill: "#222", Values: []int{3, 4}},
		})
		if c.Empty || len(c.Bars) != 3 || len(c.Cats) != 2 || len(c.Legend) != 2 {
			t.Fatalf("chart = %+v", c)
		}
		totals := map[string]bool{}
		for _, v := range c.Values {
			if v.Class == "" {
				totals[v.Text] = true
			}
		}
		if !totals["5"] || !totals["4"] {
			t.Fatalf("totals = %v, want 5 and 4", totals)
		}
		first, second := c.Bars[0], c.Bars[1]
		if first.Y+0.001 < second.Y+second.H || first.H >= second.H {
			t.Fatalf("segments %+v and %+v do not stack", first, second)
		}
	})
	t.Run("no data is an empty chart", func(t *testing.T) {
		if c := stackedColumns("x", "t", "d", "x", "y", nil, nil); !c.Empty || len(c.Bars) != 0 {
			t.Fatalf("chart = %+v", c)
		}
	})
	t.Run("a long campaign widens the chart instead of squeezing it", func(t *testing.T) {
		cats := make([]string, 34)
		vals := make([]int, 34)
		for i := range cats {
			cats[i], vals[i] = strconv.Itoa(i), i
		}
		c := stackedColumns("x", "t", "d", "x", "y", cats, []series{{Name: "a", Values: vals}})
		if c.Width < 34*30 {
			t.Fatalf("width %d for 34 months", c.Width)
		}
	})
}

func TestHorizontalBars(t *testing.T) {
	c := horizontalBars("x", "t", "d", "小时", "社区", []hbar{{Label: "古槐社区", Value: 3, ValueText: "3 小时"}, {Label: "北关社区", Value: 1.5, ValueText: "1.5 小时"}})
	if c.Empty || len(c.Bars) != 2 || c.Bars[0].W != 2*c.Bars[1].W || c.Values[1].Text != "1.5 小时" {
		t.Fatalf("chart = %+v", c)
	}
}

func TestFormatHours(t *testing.T) {
	for minutes, want := range map[int]string{0: "0", 60: "1", 90: "1.5", 100: "1.7", -1: "—"} {
		if got := formatHours(minutes); got != want {
			t.Errorf("formatHours(%d) = %q, want %q", minutes, got, want)
		}
	}
}
