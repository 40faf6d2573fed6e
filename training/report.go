package training

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/program"
	"peixun/ent/unit"
	"peixun/fault"
)

// Pace colours of a rate against the expected rate.
const (
	PaceGreen = "green" // on or ahead of pace
	PaceAmber = "amber" // behind, by less than PaceAmberPoints
	PaceRed   = "red"   // further behind
	PaceNone  = "grey"  // nobody to count
)

// PaceAmberPoints is how far below the expected rate a unit may be and still be amber.
const PaceAmberPoints = 10.0

// PaceOf colours figures against the expected rate (percent).
func PaceOf(f Figures, expected float64) string {
	switch {
	case f.Denominator() <= 0:
		return PaceNone
	case !f.Behind(expected):
		return PaceGreen
	case f.Rate() >= expected-PaceAmberPoints:
		return PaceAmber
	}
	return PaceRed
}

// ReportUnit is one unit's line of a report: its own people, its subtree, and the subtree's rate
// and pace colour.
type ReportUnit struct {
	UnitID   int
	ParentID int
	Name     string
	Path     string
	Depth    int // 0 for the top unit of the report
	Direct   Figures
	Subtree  Figures
	Rate     float64
	Pace     string
	Children int // units below it with people in the program
}

// ReportProgram is a program's completion over a unit subtree: totals, pace, the units in tree
// order (detail only) and the daily trend from the snapshots (detail only).
type ReportProgram struct {
	Program  *ent.Program
	Expected float64 // percent: target × elapsed share of the period
	Total    Figures
	Rate     float64
	Pace     string
	Units    []ReportUnit
	Trend    []TrendPoint
}

// Dashboard is what a manager sees: every program of their scope with its totals, and, when one is
// chosen, that program unit by unit with its trend. Focus is the unit drilled into.
type Dashboard struct {
	Now      time.Time
	Day      string
	Focus    *ent.Unit   // nil: the whole scope (administrators over several roots)
	Trail    []*ent.Unit // the units from the top of the scope down to Focus
	Programs []ReportProgram
	Detail   *ReportProgram
}

// DashboardQuery chooses what the dashboard shows: a program (0: the overview only) and a unit of
// the actor's scope to drill into (0: the whole scope). TrendDays bounds the trend (default 90).
type DashboardQuery struct {
	ProgramID int
	UnitID    int
	TrendDays int
}

// reportScope is the unit path prefix an actor's reports cover: administrators everything,
// managers their subtree, anyone else nothing.
func reportScope(actor accounts.Actor) (string, error) {
	scope := actor.ScopePath()
	if scope == "" {
		return "", fault.ForbiddenErr()
	}
	return scope, nil
}

// reportUnits is the units of the actor's scope (or of a unit within it), with the focus unit and
// the trail down to it. Units number in the hundreds.
type reportUnits struct {
	scope string
	focus *ent.Unit
	trail []*ent.Unit
	all   []*ent.Unit // units under the focus (or the scope), in tree order
	byID  map[int]*ent.Unit
	base  int // path depth of the top of the report
}

func (s *Service) loadReportUnits(ctx context.Context, actor accounts.Actor, unitID int) (*reportUnits, error) {
	scope, err := reportScope(actor)
	if err != nil {
		return nil, err
	}
	us, err := s.client.Unit.Query().Where(unit.PathHasPrefix(scope)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading units of %s: %w", scope, err)
	}
	r := &reportUnits{scope: scope, byID: make(map[int]*ent.Unit, len(us))}
	for _, u := range us {
		r.byID[u.ID] = u
	}
	top := scope
	if unitID != 0 {
		u, ok := r.byID[unitID]
		if !ok {
			// Outside the scope and unknown look the same: nothing to learn about other units.
			return nil, fault.Field("unit", "reports.unit_unknown")
		}
		r.focus, top = u, u.Path
	} else if scope != "/" {
		r.focus = r.byID[actor.UnitID]
	}
	if r.focus != nil {
		for _, id := range pathKey(r.focus.Path) {
			if u, ok := r.byID[id]; ok {
				r.trail = append(r.trail, u)
			}
		}
	}
	for _, u := range us {
		if strings.HasPrefix(u.Path, top) {
			r.all = append(r.all, u)
		}
	}
	slices.SortFunc(r.all, func(a, b *ent.Unit) int { return slices.Compare(pathKey(a.Path), pathKey(b.Path)) })
	r.base = strings.Count(top, "/")
	if top == "/" {
		r.base = 2 // roots at depth 0
	}
	return r, nil
}

// reportPrograms is the programs the actor's reports cover: those they may see, drafts excluded.
func (s *Service) reportPrograms(ctx context.Context, actor accounts.Actor) ([]*ent.Program, error) {
	ps, err := s.Programs(ctx, actor, ProgramFilter{})
	if err != nil {
		return nil, err
	}
	out := ps[:0]
	for _, p := range ps {
		if p.Status != program.StatusDraft {
			out = append(out, p)
		}
	}
	return out, nil
}

// directFigures counts the enrollments of programs per program and unit, from stored statuses: one
// grouped pass over the (program_id, left_scope_at, unit_id, status, person_id) index. Managers'
// counts are limited to the units of their scope.
func (s *Service) directFigures(ctx context.Context, programIDs []int, ru *reportUnits) (map[int]map[int]Figures, error) {
	out := map[int]map[int]Figures{}
	if len(programIDs) == 0 {
		return out, nil
	}
	q := `SELECT program_id, unit_id, status, COUNT(*) FROM enrollments
WHERE program_id IN (` + marks(len(programIDs)) + `) AND left_scope_at IS NULL`
	args := intArgs(programIDs)
	if ru.scope != "/" {
		ids := make([]int, 0, len(ru.byID))
		for id := range ru.byID {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		q += ` AND unit_id IN (` + marks(len(ids)) + `)`
		args = append(args, intArgs(ids)...)
	}
	q += ` GROUP BY program_id, unit_id, status`
	err := s.each(ctx, q, args, func(rs *sql.Rows) error {
		var pid, uid, n int
		var status string
		if err := rs.Scan(&pid, &uid, &status, &n); err != nil {
			return err
		}
		m := out[pid]
		if m == nil {
			m = map[int]Figures{}
			out[pid] = m
		}
		f := m[uid]
		f.InScope += n
		switch status {
		case "completed":
			f.Completed += n
		case "exempt":
			f.Exempt += n
		case "overdue":
			f.Overdue += n
		}
		m[uid] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("counting enrollments for the dashboard: %w", err)
	}
	return out, nil
}

// unitLines turns direct figures into the report's unit lines: every unit of the report with
// people in the program, with its subtree summed along the materialised paths.
func unitLines(ru *reportUnits, direct map[int]Figures, expected float64) ([]ReportUnit, Figures) {
	in := make(map[int]int, len(ru.all)) // unit id → index in lines
	lines := make([]ReportUnit, len(ru.all))
	for i, u := range ru.all {
		in[u.ID] = i
		lines[i] = ReportUnit{UnitID: u.ID, Name: u.Name, Path: u.Path, Depth: strings.Count(u.Path, "/") - ru.base,
			Direct: direct[u.ID]}
		if u.ParentID != nil {
			lines[i].ParentID = *u.ParentID
		}
	}
	var total Figures
	for _, u := range ru.all {
		f, ok := direct[u.ID]
		if !ok {
			continue
		}
		total = total.Add(f)
		for _, id := range pathKey(u.Path) {
			if i, ok := in[id]; ok {
				lines[i].Subtree = lines[i].Subtree.Add(f)
			}
		}
	}
	out := lines[:0]
	for _, l := range lines {
		if l.Subtree.InScope == 0 {
			continue
		}
		l.Rate, l.Pace = l.Subtree.Rate(), PaceOf(l.Subtree, expected)
		out = append(out, l)
	}
	pos := make(map[int]int, len(out))
	for i := range out {
		pos[out[i].UnitID] = i
	}
	for _, l := range out {
		if i, ok := pos[l.ParentID]; ok {
			out[i].Children++
		}
	}
	return out, total
}

// Dashboard gathers the completion of every program in the actor's scope (or a unit within it)
// from stored statuses, and for a chosen program its units and its trend from the snapshots.
func (s *Service) Dashboard(ctx context.Context, actor accounts.Actor, q DashboardQuery) (*Dashboard, error) {
	ru, err := s.loadReportUnits(ctx, actor, q.UnitID)
	if err != nil {
		return nil, err
	}
	ps, err := s.reportPrograms(ctx, actor)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	d := &Dashboard{Now: now, Day: Day(now), Focus: ru.focus, Trail: ru.trail}
	var chosen *ent.Program
	ids := make([]int, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
		if p.ID == q.ProgramID {
			chosen = p
		}
	}
	if q.ProgramID != 0 && chosen == nil {
		return nil, fault.NotFoundf("program")
	}
	direct, err := s.directFigures(ctx, ids, ru)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		exp := ExpectedRate(p, now)
		lines, total := unitLines(ru, direct[p.ID], exp)
		if total.InScope == 0 {
			continue // a program that counts nobody here
		}
		rp := ReportProgram{Program: p, Expected: exp, Total: total, Rate: total.Rate(), Pace: PaceOf(total, exp)}
		if p == chosen {
			detail := rp
			detail.Units = lines
			days := q.TrendDays
			if days <= 0 || days > 366 {
				days = 90
			}
			from := Day(now.AddDate(0, 0, -days))
			if start := Day(p.StartsAt); start > from {
				from = start
			}
			unitID := q.UnitID
			if unitID == 0 && ru.focus != nil {
				unitID = ru.focus.ID
			}
			if detail.Trend, err = s.Trend(ctx, actor, p.ID, unitID, from, d.Day); err != nil {
				return nil, err
			}
			d.Detail = &detail
		}
		d.Programs = append(d.Programs, rp)
	}
	if chosen != nil && d.Detail == nil {
		exp := ExpectedRate(chosen, now)
		d.Detail = &ReportProgram{Program: chosen, Expected: exp, Pace: PaceNone}
	}
	return d, nil
}

// ProgramReport is one program's completion over the actor's scope (or a unit within it), unit by
// unit: what the ranking, the exports and the formal report are made of.
func (s *Service) ProgramReport(ctx context.Context, actor accounts.Actor, programID, unitID int) (*ReportProgram, *ent.Unit, error) {
	ru, err := s.loadReportUnits(ctx, actor, unitID)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.Program(ctx, actor, programID)
	if err != nil {
		return nil, nil, err
	}
	if p.Status == program.StatusDraft {
		return nil, nil, fault.NotFoundf("program")
	}
	direct, err := s.directFigures(ctx, []int{p.ID}, ru)
	if err != nil {
		return nil, nil, err
	}
	exp := ExpectedRate(p, s.clock())
	lines, total := unitLines(ru, direct[p.ID], exp)
	return &ReportProgram{Program: p, Expected: exp, Total: total, Rate: total.Rate(), Pace: PaceOf(total, exp),
		Units: lines}, ru.focus, nil
}

// RankedUnit is a unit's place in the completion ranking (通报).
type RankedUnit struct {
	Rank int
	ReportUnit
}

// UnitRanking ranks the units at one level of the actor's scope by the completion rate of their
// subtree, best first; equal rates share a rank. Level 0 is the top of the scope; level ≤ 0 picks
// the first level with more than one unit (the squads of a bureau).
func (s *Service) UnitRanking(ctx context.Context, actor accounts.Actor, programID, level int) ([]RankedUnit, *ReportProgram, int, error) {
	rp, _, err := s.ProgramReport(ctx, actor, programID, 0)
	if err != nil {
		return nil, nil, 0, err
	}
	if level <= 0 {
		level = 0
		counts := map[int]int{}
		for _, u := range rp.Units {
			counts[u.Depth]++
		}
		for d := 0; d <= 8; d++ {
			if counts[d] > 1 {
				level = d
				break
			}
		}
	}
	var out []RankedUnit
	for _, u := range rp.Units {
		if u.Depth == level && u.Subtree.Denominator() > 0 {
			out = append(out, RankedUnit{ReportUnit: u})
		}
	}
	slices.SortStableFunc(out, func(a, b RankedUnit) int {
		switch {
		case a.Rate > b.Rate+1e-9:
			return -1
		case b.Rate > a.Rate+1e-9:
			return 1
		}
		return b.Subtree.Completed - a.Subtree.Completed
	})
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && out[i].Rate > out[i-1].Rate-1e-9 && out[i].Rate < out[i-1].Rate+1e-9 {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out, rp, level, nil
}

// reportUnitName is a unit's name for report titles: the focus unit, or the whole platform.
func reportUnitName(u *ent.Unit) string {
	if u == nil {
		return "全部单位"
	}
	return u.Name
}
