package handlers

import (
	"fmt"
	"strings"
	"time"

	"peixun/training"
)

// Charts are SVG drawn by the dashboard template from these coordinates, in the units of the
// chart's viewBox; no chart library.

// Chart geometry of the bar chart: a label column, then the bars scaled 0-100%.
const (
	chartWidth = 640.0
	barLeft    = 190.0
	barWidth   = 400.0
	barRow     = 28.0
	barTop     = 24.0
)

// BarChart is a bar per unit with the expected-rate and target lines.
type BarChart struct {
	Height    float64
	Bars      []Bar
	ExpectedX float64
	TargetX   float64
	Expected  float64
	Target    float64
	Ticks     []Tick
	Left      float64
	Width     float64
	LabelX    float64
}

// Bar is one unit's bar.
type Bar struct {
	Label  string
	Link   string
	Y      float64 // top of the bar
	TextY  float64 // baseline of the label
	W      float64
	EndX   float64 // where the rate is written
	Rate   float64
	Pace   string
	Counts string // completed / denominator
}

// Tick is a grid line with its label.
type Tick struct {
	X, Y  float64
	GridY float64
	Label string
}

// barChart draws the units just below the top of the detail (or the top itself when it has no
// units below), linking each bar to the dashboard drilled into that unit.
func barChart(rp *training.ReportProgram, link func(unitID int) string) *BarChart {
	level := 1
	has := false
	for _, u := range rp.Units {
		if u.Depth == level {
			has = true
			break
		}
	}
	if !has {
		level = 0
	}
	scale := func(rate float64) float64 { return barLeft + barWidth*min(max(rate, 0), 100)/100 }
	ch := &BarChart{Expected: rp.Expected, Target: rp.Program.TargetRate, ExpectedX: scale(rp.Expected),
		TargetX: scale(rp.Program.TargetRate), Left: barLeft, Width: barWidth, LabelX: barLeft - 8}
	for _, u := range rp.Units {
		if u.Depth != level {
			continue
		}
		y := barTop + float64(len(ch.Bars))*barRow
		w := scale(u.Rate) - barLeft
		ch.Bars = append(ch.Bars, Bar{Label: shorten(u.Name, 12), Link: link(u.UnitID), Y: y + 4, TextY: y + 18, W: w,
			EndX: barLeft + w + 4, Rate: u.Rate, Pace: u.Pace,
			Counts: fmt.Sprintf("%d/%d", u.Subtree.Completed, u.Subtree.Denominator())})
	}
	ch.Height = barTop + float64(len(ch.Bars))*barRow + 8
	for _, v := range []float64{0, 25, 50, 75, 100} {
		ch.Ticks = append(ch.Ticks, Tick{X: scale(v), Y: 14, Label: fmt.Sprintf("%.0f%%", v)})
	}
	return ch
}

// shorten cuts a label to n characters with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Geometry of the trend chart.
const (
	trendHeight = 220.0
	trendLeft   = 44.0
	trendRight  = 620.0
	trendTop    = 16.0
	trendBottom = 186.0
)

// TrendChart is the daily rate from the snapshots with the expected pace under it.
type TrendChart struct {
	Height   float64
	Rate     string // polyline points
	Expected string
	Points   []TrendDot
	Ticks    []Tick
	Days     []Tick
	Left     float64
	Right    float64
	Bottom   float64
}

// TrendDot is one day's point, with its tooltip.
type TrendDot struct {
	X, Y  float64
	Title string
}

func trendChart(rp *training.ReportProgram, now time.Time) *TrendChart {
	ch := &TrendChart{Height: trendHeight, Left: trendLeft, Right: trendRight, Bottom: trendBottom}
	y := func(rate float64) float64 { return trendBottom - (trendBottom-trendTop)*min(max(rate, 0), 100)/100 }
	for _, v := range []float64{0, 50, 100} {
		ch.Ticks = append(ch.Ticks, Tick{X: trendLeft - 6, Y: y(v) + 4, GridY: y(v), Label: fmt.Sprintf("%.0f%%", v)})
	}
	n := len(rp.Trend)
	if n == 0 {
		return ch
	}
	var rate, exp []string
	for i, t := range rp.Trend {
		x := (trendLeft + trendRight) / 2
		if n > 1 {
			x = trendLeft + (trendRight-trendLeft)*float64(i)/float64(n-1)
		}
		day, err := time.ParseInLocation("2006-01-02", t.Day, training.Shanghai)
		if err != nil {
			day = now
		}
		e := training.ExpectedRate(rp.Program, day.Add(24*time.Hour-time.Second))
		rate = append(rate, fmt.Sprintf("%.1f,%.1f", x, y(t.Rate())))
		exp = append(exp, fmt.Sprintf("%.1f,%.1f", x, y(e)))
		ch.Points = append(ch.Points, TrendDot{X: x, Y: y(t.Rate()),
			Title: fmt.Sprintf("%s %.1f%% (%d/%d)", t.Day, t.Rate(), t.Completed, t.Denominator())})
		if i == 0 || i == n-1 || (n > 6 && i%(n/4) == 0 && i < n-n/8) {
			ch.Days = append(ch.Days, Tick{X: x, Y: trendBottom + 18, Label: t.Day[5:]})
		}
	}
	ch.Rate, ch.Expected = strings.Join(rate, " "), strings.Join(exp, " ")
	return ch
}
