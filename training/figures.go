package training

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"peixun/accounts"
	"peixun/ent"
	"peixun/fault"
)

// Figures are the completion counts of a unit (or a subtree) in a program. In scope counts everyone
// the unit answers for today, exempt people included; they leave the denominator.
type Figures struct {
	InScope   int
	Completed int
	Exempt    int
	Overdue   int
}

// Denominator is the people the rate is measured against: in scope, less the exempt.
func (f Figures) Denominator() int { return f.InScope - f.Exempt }

// Rate is the completion rate in percent; 0 when nobody is counted.
func (f Figures) Rate() float64 {
	d := f.Denominator()
	if d <= 0 {
		return 0
	}
	return float64(f.Completed) * 100 / float64(d)
}

// Add sums two sets of figures.
func (f Figures) Add(o Figures) Figures {
	return Figures{f.InScope + o.InScope, f.Completed + o.Completed, f.Exempt + o.Exempt, f.Overdue + o.Overdue}
}

// ElapsedShare is the share of a program's period gone by at now, between 0 and 1.
func ElapsedShare(start, due, now time.Time) float64 {
	total := due.Sub(start)
	switch {
	case total <= 0 || !now.Before(due):
		return 1
	case !now.After(start):
		return 0
	}
	return float64(now.Sub(start)) / float64(total)
}

// ExpectedRate is the pace: the rate a unit should have reached by now, in percent, if it moves
// evenly towards the target over the period (target × elapsed share of the period).
func ExpectedRate(p *ent.Program, now time.Time) float64 {
	return p.TargetRate * ElapsedShare(p.StartsAt, p.DueAt, now)
}

// Behind tells whether figures are behind the expected rate. Nobody to count is never behind.
func (f Figures) Behind(expected float64) bool {
	return f.Denominator() > 0 && f.Rate() < expected-1e-9
}

// figuresByUnit counts a program's enrollments per unit (the unit people count for today).
func (s *Service) figuresByUnit(ctx context.Context, programID int) (map[int]Figures, error) {
	out := map[int]Figures{}
	err := s.each(ctx, `SELECT unit_id, COUNT(*),
  SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END),
  SUM(CASE WHEN status = 'exempt' THEN 1 ELSE 0 END),
  SUM(CASE WHEN status = 'overdue' THEN 1 ELSE 0 END)
FROM enrollments WHERE program_id = ? AND left_scope_at IS NULL GROUP BY unit_id`, []any{programID},
		func(rs *sql.Rows) error {
			var u int
			var f Figures
			if err := rs.Scan(&u, &f.InScope, &f.Completed, &f.Exempt, &f.Overdue); err != nil {
				return err
			}
			out[u] = f
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("counting program %d by unit: %w", programID, err)
	}
	return out, nil
}

// UnitFigures is one unit's line in a program view: its own people and its whole subtree.
type UnitFigures struct {
	UnitID   int
	ParentID int
	Name     string
	Path     string
	Depth    int     // 0 for the top unit of the view
	Direct   Figures // people of this unit itself
	Subtree  Figures // this unit and every unit below it
	Rate     float64 // of the subtree, percent
	Behind   bool    // the subtree's rate is below the expected rate
}

// ProgramView is what a manager sees of a program: the expected rate today, the total of their
// scope and each of their units with people in the program, in tree order.
type ProgramView struct {
	Program  *ent.Program
	Now      time.Time
	Expected float64 // percent: target × elapsed share of the period
	Total    Figures
	Rate     float64
	Behind   bool
	Units    []UnitFigures
}

// ProgramView gathers the figures of a program over the actor's scope (everything for
// administrators and trainers, the subtree of their unit for managers).
func (s *Service) ProgramView(ctx context.Context, actor accounts.Actor, programID int) (*ProgramView, error) {
	p, err := s.Program(ctx, actor, programID)
	if err != nil {
		return nil, err
	}
	scope := actor.ScopePath()
	if canAuthor(actor) {
		scope = "/"
	}
	if scope == "" {
		return nil, fault.ForbiddenErr()
	}
	byUnit, err := s.figuresByUnit(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	us, err := s.client.Unit.Query().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading units: %w", err)
	}
	now := s.clock()
	v := &ProgramView{Program: p, Now: now, Expected: ExpectedRate(p, now)}
	base := strings.Count(scope, "/")
	if scope == "/" {
		base = 2 // the roots themselves are at depth 0
	}
	for _, u := range us {
		if !strings.HasPrefix(u.Path, scope) {
			continue
		}
		line := UnitFigures{UnitID: u.ID, Name: u.Name, Path: u.Path, Depth: strings.Count(u.Path, "/") - base,
			Direct: byUnit[u.ID]}
		if u.ParentID != nil {
			line.ParentID = *u.ParentID
		}
		for _, o := range us {
			if strings.HasPrefix(o.Path, u.Path) {
				line.Subtree = line.Subtree.Add(byUnit[o.ID])
			}
		}
		if line.Subtree.InScope == 0 {
			continue
		}
		line.Rate, line.Behind = line.Subtree.Rate(), line.Subtree.Behind(v.Expected)
		v.Total = v.Total.Add(line.Direct)
		v.Units = append(v.Units, line)
	}
	slices.SortFunc(v.Units, func(a, b UnitFigures) int { return slices.Compare(pathKey(a.Path), pathKey(b.Path)) })
	v.Rate, v.Behind = v.Total.Rate(), v.Total.Behind(v.Expected)
	return v, nil
}

// pathKey turns "/1/4/9/" into [1 4 9], so that units sort depth-first.
func pathKey(path string) []int {
	var out []int
	for _, part := range strings.Split(strings.Trim(path, "/"), "/") {
		n, _ := strconv.Atoi(part)
		out = append(out, n)
	}
	return out
}
