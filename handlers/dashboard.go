package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/fault"
	"peixun/quizzes"
	"peixun/training"
)

// queryInt reads an optional non-negative number from the query string; 0 when absent.
func queryInt(c echo.Context, name string) (int, error) {
	v := strings.TrimSpace(c.QueryParam(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fault.Field(name, "field.bad_number")
	}
	return n, nil
}

// queryInts reads several optional numbers; the first bad one is the error.
func queryInts(c echo.Context, names ...string) ([]int, error) {
	out := make([]int, len(names))
	for i, n := range names {
		v, err := queryInt(c, n)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// DashboardView is the dashboard page: the programs of the scope, and the chosen program by unit
// with its charts.
type DashboardView struct {
	D         *training.Dashboard
	ProgramID int
	UnitID    int
	Bars      *BarChart
	Trend     *TrendChart
	Days      int
}

// UnitQuery is the query string of the dashboard drilled into a unit.
func (v DashboardView) UnitQuery(unitID int) string {
	q := url.Values{}
	if v.ProgramID != 0 {
		q.Set("program", strconv.Itoa(v.ProgramID))
	}
	if unitID != 0 {
		q.Set("unit", strconv.Itoa(unitID))
	}
	return q.Encode()
}

// ExportQuery is the query string of the exports and report for what the page shows.
func (v DashboardView) ExportQuery(format string) string {
	q, _ := url.ParseQuery(v.UnitQuery(v.UnitID))
	if format != "" {
		q.Set("format", format)
	}
	return q.Encode()
}

// Indent is the left padding of a unit line, in rem.
func (DashboardView) Indent(depth int) int { return max(depth, 0) }

func (s *Server) dashboardPage(c echo.Context) error {
	n, err := queryInts(c, "program", "unit", "days")
	if err != nil {
		return err
	}
	d, err := s.Training.Dashboard(c.Request().Context(), actorOf(c),
		training.DashboardQuery{ProgramID: n[0], UnitID: n[1], TrendDays: n[2]})
	if err != nil {
		return err
	}
	v := DashboardView{D: d, ProgramID: n[0], UnitID: n[1], Days: n[2]}
	if d.Detail != nil {
		v.Bars = barChart(d.Detail, func(unitID int) string { return "/dashboard?" + v.UnitQuery(unitID) })
		v.Trend = trendChart(d.Detail, d.Now)
	}
	p := s.page(c, "title.dashboard", v)
	if d.Detail != nil {
		p.Title = d.Detail.Program.Name
	}
	return s.render(c, http.StatusOK, "dashboard.html", p)
}

// RankingsView is the rankings page: units by completion rate for a program, and a competition's
// results by person and by unit.
type RankingsView struct {
	Programs     []training.ReportProgram
	ProgramID    int
	Level        int
	Levels       []int
	Units        []training.RankedUnit
	Report       *training.ReportProgram
	Competitions []CompetitionOption
	QuizID       int
	People       []quizzes.PersonRank
	UnitScores   []quizzes.UnitRank
}

// CompetitionOption is a competition in the chooser.
type CompetitionOption struct {
	ID    int
	Title string
}

func (s *Server) rankingsPage(c echo.Context) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	n, err := queryInts(c, "program", "level", "quiz")
	if err != nil {
		return err
	}
	d, err := s.Training.Dashboard(ctx, a, training.DashboardQuery{})
	if err != nil {
		return err
	}
	v := RankingsView{Programs: d.Programs, ProgramID: n[0], Level: n[1], QuizID: n[2], Levels: []int{1, 2, 3}}
	if v.ProgramID == 0 && len(d.Programs) > 0 {
		v.ProgramID = d.Programs[0].Program.ID
	}
	if v.ProgramID != 0 {
		if v.Units, v.Report, v.Level, err = s.Training.UnitRanking(ctx, a, v.ProgramID, v.Level); err != nil {
			return err
		}
	}
	qs, err := s.Training.Competitions(ctx)
	if err != nil {
		return err
	}
	for _, q := range qs {
		v.Competitions = append(v.Competitions, CompetitionOption{ID: q.ID, Title: q.Title})
	}
	if v.QuizID == 0 && len(qs) > 0 {
		v.QuizID = qs[0].ID
	}
	if v.QuizID != 0 {
		if v.People, v.UnitScores, err = s.Training.CompetitionRanking(ctx, a, v.QuizID); err != nil {
			return err
		}
	}
	return s.render(c, http.StatusOK, "report_rankings.html", s.page(c, "title.rankings", v))
}

// DashboardJSON is the dashboard as the API gives it.
type DashboardJSON struct {
	Day      string                `json:"day"`
	UnitID   int                   `json:"unit_id,omitempty"`
	Programs []ProgramSummaryJSON  `json:"programs"`
	Detail   *ProgramCompletionOut `json:"detail,omitempty"`
}

// ProgramSummaryJSON is one program's totals over the scope.
type ProgramSummaryJSON struct {
	ID           int         `json:"id"`
	Name         string      `json:"name"`
	DueAt        time.Time   `json:"due_at"`
	TargetRate   float64     `json:"target_rate"`
	ExpectedRate float64     `json:"expected_rate"`
	Total        FiguresJSON `json:"total"`
	Pace         string      `json:"pace"`
}

// ProgramCompletionOut is a program unit by unit, with the trend.
type ProgramCompletionOut struct {
	ProgramSummaryJSON
	Units []ReportUnitJSON `json:"units"`
	Trend []TrendJSON      `json:"trend,omitempty"`
}

// ReportUnitJSON is one unit's line: its own people and its subtree.
type ReportUnitJSON struct {
	Rank     int         `json:"rank,omitempty"`
	UnitID   int         `json:"unit_id"`
	ParentID int         `json:"parent_id,omitempty"`
	Name     string      `json:"name"`
	Depth    int         `json:"depth"`
	Direct   FiguresJSON `json:"direct"`
	Subtree  FiguresJSON `json:"subtree"`
	Pace     string      `json:"pace"`
}

// TrendJSON is one day of the trend.
type TrendJSON struct {
	Day       string  `json:"day"`
	InScope   int     `json:"in_scope"`
	Completed int     `json:"completed"`
	Exempt    int     `json:"exempt"`
	Rate      float64 `json:"rate"`
}

func summaryJSON(rp training.ReportProgram) ProgramSummaryJSON {
	return ProgramSummaryJSON{ID: rp.Program.ID, Name: rp.Program.Name, DueAt: rp.Program.DueAt, TargetRate: rp.Program.TargetRate,
		ExpectedRate: rp.Expected, Total: figuresJSON(rp.Total), Pace: rp.Pace}
}

func reportUnitJSON(u training.ReportUnit) ReportUnitJSON {
	return ReportUnitJSON{UnitID: u.UnitID, ParentID: u.ParentID, Name: u.Name, Depth: u.Depth, Direct: figuresJSON(u.Direct),
		Subtree: figuresJSON(u.Subtree), Pace: u.Pace}
}

func (s *Server) apiDashboard(c echo.Context) error {
	n, err := queryInts(c, "program", "unit", "days")
	if err != nil {
		return err
	}
	d, err := s.Training.Dashboard(c.Request().Context(), actorOf(c),
		training.DashboardQuery{ProgramID: n[0], UnitID: n[1], TrendDays: n[2]})
	if err != nil {
		return err
	}
	out := DashboardJSON{Day: d.Day, UnitID: n[1], Programs: []ProgramSummaryJSON{}}
	for _, rp := range d.Programs {
		out.Programs = append(out.Programs, summaryJSON(rp))
	}
	if d.Detail != nil {
		det := &ProgramCompletionOut{ProgramSummaryJSON: summaryJSON(*d.Detail), Units: []ReportUnitJSON{}}
		for _, u := range d.Detail.Units {
			det.Units = append(det.Units, reportUnitJSON(u))
		}
		for _, t := range d.Detail.Trend {
			det.Trend = append(det.Trend, TrendJSON{Day: t.Day, InScope: t.InScope, Completed: t.Completed, Exempt: t.Exempt, Rate: t.Rate()})
		}
		out.Detail = det
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiRanking(c echo.Context) error {
	id, err := paramID(c, "program")
	if err != nil {
		return err
	}
	level, err := queryInt(c, "level")
	if err != nil {
		return err
	}
	rank, rp, level, err := s.Training.UnitRanking(c.Request().Context(), actorOf(c), id, level)
	if err != nil {
		return err
	}
	units := make([]ReportUnitJSON, 0, len(rank))
	for _, r := range rank {
		u := reportUnitJSON(r.ReportUnit)
		u.Rank = r.Rank
		units = append(units, u)
	}
	return c.JSON(http.StatusOK, map[string]any{"program": summaryJSON(*rp), "level": level, "units": units})
}
