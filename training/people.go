package training

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"peixun/accounts"
	"peixun/fault"
)

// People filters of a program's people list.
const (
	FilterIncomplete = "incomplete" // assigned, in progress or overdue
	FilterOverdue    = "overdue"
	FilterCompleted  = "completed"
	FilterExempt     = "exempt"
	FilterLeft       = "left" // left scope: kept for history, out of the figures
)

// PeopleFilter selects and pages a program's people. Without FilterLeft only people in scope are
// listed.
type PeopleFilter struct {
	Status  string
	UnitID  int    // a unit subtree within the actor's scope; 0 for all of it
	Search  string // part of a name, username or employee number
	Page    int    // from 1
	PerPage int    // 50 when 0, at most 500
}

// PersonLine is one person in a program's people list.
type PersonLine struct {
	EnrollmentID int
	PersonID     int
	Name         string
	Username     string
	EmployeeNo   string
	UnitID       int
	UnitName     string
	Status       string
	Progress     float64 // 0-1
	CompletedAt  *time.Time
	LeftScopeAt  *time.Time
	ExemptReason string
}

// PeoplePage is one page of a people list.
type PeoplePage struct {
	Items   []PersonLine
	Total   int
	Page    int
	PerPage int
}

// Pages is the number of pages.
func (p PeoplePage) Pages() int { return (p.Total + p.PerPage - 1) / p.PerPage }

// ProgramPeople lists the people of a program in the actor's scope, by unit and name.
func (s *Service) ProgramPeople(ctx context.Context, actor accounts.Actor, programID int, f PeopleFilter) (PeoplePage, error) {
	page := PeoplePage{Page: max(f.Page, 1), PerPage: f.PerPage}
	if page.PerPage <= 0 {
		page.PerPage = 50
	}
	page.PerPage = min(page.PerPage, 500)
	if _, err := s.Program(ctx, actor, programID); err != nil {
		return page, err
	}
	scope, err := s.subtreeOf(ctx, actor, f.UnitID)
	if err != nil {
		return page, err
	}
	where := "e.program_id = ? AND u.path LIKE ?"
	args := []any{programID, likePrefix(scope)}
	switch f.Status {
	case "":
		where += " AND e.left_scope_at IS NULL"
	case FilterIncomplete:
		where += " AND e.left_scope_at IS NULL AND e.status IN ('assigned', 'in_progress', 'overdue')"
	case FilterOverdue, FilterCompleted, FilterExempt:
		where += " AND e.left_scope_at IS NULL AND e.status = ?"
		args = append(args, f.Status)
	case FilterLeft:
		where += " AND e.left_scope_at IS NOT NULL"
	default:
		return page, fault.Field("status", "training.filter_invalid")
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		like := "%" + escapeLike(q) + "%"
		where += " AND (p.name LIKE ? ESCAPE '!' OR p.username LIKE ? ESCAPE '!' OR p.employee_no LIKE ? ESCAPE '!')"
		args = append(args, like, strings.ToLower(like), like)
	}
	from := " FROM enrollments e JOIN persons p ON p.id = e.person_id JOIN units u ON u.id = e.unit_id WHERE " + where
	if err := s.db.SQL.QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("counting people of program %d: %w", programID, err)
	}
	q := `SELECT e.id, p.id, p.name, p.username, COALESCE(p.employee_no, ''), u.id, u.name, e.status, e.progress,
  e.completed_at, e.left_scope_at, COALESCE(e.exempt_reason, '')` + from + ` ORDER BY u.path, p.name, p.id LIMIT ? OFFSET ?`
	err = s.each(ctx, q, append(args, page.PerPage, (page.Page-1)*page.PerPage), func(rs *sql.Rows) error {
		var l PersonLine
		var done, left any
		if err := rs.Scan(&l.EnrollmentID, &l.PersonID, &l.Name, &l.Username, &l.EmployeeNo, &l.UnitID, &l.UnitName,
			&l.Status, &l.Progress, &done, &left, &l.ExemptReason); err != nil {
			return err
		}
		l.CompletedAt, l.LeftScopeAt = optTime(done), optTime(left)
		page.Items = append(page.Items, l)
		return nil
	})
	if err != nil {
		return page, fmt.Errorf("listing people of program %d: %w", programID, err)
	}
	return page, nil
}

// subtreeOf is the unit path prefix a list covers: the actor's scope, or a unit within it.
func (s *Service) subtreeOf(ctx context.Context, actor accounts.Actor, unitID int) (string, error) {
	scope := actor.ScopePath()
	if canAuthor(actor) {
		scope = "/"
	}
	if scope == "" {
		return "", fault.ForbiddenErr()
	}
	if unitID == 0 {
		return scope, nil
	}
	u, err := s.client.Unit.Get(ctx, unitID)
	if err != nil {
		return "", fault.Field("unit_id", "training.unit_unknown")
	}
	if !strings.HasPrefix(u.Path, scope) {
		return "", fault.ForbiddenErr()
	}
	return u.Path, nil
}

// escapeLike escapes LIKE wildcards with '!', an escape character both SQLite and MySQL accept.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

func optTime(v any) *time.Time {
	t, err := dbTime(v)
	if err != nil || t.IsZero() {
		return nil
	}
	return &t
}
