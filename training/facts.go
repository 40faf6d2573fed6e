package training

import (
	"context"
	"database/sql"
	"fmt"
	"peixun/database"
	"slices"
	"strconv"
	"strings"
	"time"
)

// needs is what the rules of a set of programs read: which courses (all of them when any program
// counts credit hours), whether attendance, which quizzes.
type needs struct {
	allCourses bool
	courses    []int
	lectures   bool
	quizzes    []int
}

func needsOf(rules []rule) needs {
	var n needs
	for _, r := range rules {
		n.allCourses = n.allCourses || r.minHours > 0
		n.lectures = n.lectures || r.minHours > 0 || r.minEvents > 0
		n.courses = append(n.courses, r.courses...)
		if r.quiz > 0 {
			n.quizzes = append(n.quizzes, r.quiz)
		}
	}
	n.courses, n.quizzes = uniq(n.courses), uniq(n.quizzes)
	return n
}

// courseFilter restricts a query over lesson_progresses to the courses the rules read; ok is false
// when they read none.
func (n needs) courseFilter() (cond string, args []any, ok bool) {
	if n.allCourses {
		return "", nil, true
	}
	if len(n.courses) == 0 {
		return "", nil, false
	}
	return " AND course_id IN (" + marks(len(n.courses)) + ")", intArgs(n.courses), true
}

// loadFacts reads the facts of everyone (personID 0) or of one person. For everyone, the lessons are
// counted in one grouped pass over the (course_id, person_id, completed_at) index.
func (s *Service) loadFacts(ctx context.Context, n needs, starts []time.Time, personID int) (map[int]*facts, error) {
	out := map[int]*facts{}
	get := func(id int) *facts {
		f := out[id]
		if f == nil {
			f = &facts{}
			out[id] = f
		}
		return f
	}
	who, whoArgs := "", []any{}
	if personID > 0 {
		who, whoArgs = " AND person_id = ?", []any{personID}
	}
	if cond, args, ok := n.courseFilter(); ok {
		cols, cargs := sinceColumns("MAX(completed_at)", starts)
		q := `SELECT person_id, course_id, COUNT(*)` + cols + ` FROM lesson_progresses
WHERE completed_at IS NOT NULL` + who + cond + ` GROUP BY course_id, person_id`
		var pid, course, done dbInt
		flags := make([]dbInt, len(starts))
		dest := []any{&pid, &course, &done}
		for i := range flags {
			dest = append(dest, &flags[i])
		}
		err := s.each(ctx, q, cat(cargs, whoArgs, args), func(rs *sql.Rows) error {
			if err := rs.Scan(dest...); err != nil {
				return err
			}
			cf := courseFact{course: int(course), done: int(done), last: sinceOf(flags)}
			f := get(int(pid))
			f.courses = append(f.courses, cf)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading lesson progress: %w", err)
		}
	}
	if n.lectures {
		cols, cargs := sinceColumns("l.held_on", starts)
		q := `SELECT a.person_id, a.hours` + cols + ` FROM attendances a JOIN lectures l ON l.id = a.lecture_id WHERE 1=1` +
			strings.ReplaceAll(who, "person_id", "a.person_id")
		flags := make([]dbInt, len(starts))
		dest := []any{nil, nil}
		for i := range flags {
			dest = append(dest, &flags[i])
		}
		err := s.each(ctx, q, cat(cargs, whoArgs), func(rs *sql.Rows) error {
			var pid int
			var lf lectureFact
			dest[0], dest[1] = &pid, &lf.hours
			if err := rs.Scan(dest...); err != nil {
				return err
			}
			lf.held = sinceOf(flags)
			f := get(pid)
			f.lectures = append(f.lectures, lf)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading attendance: %w", err)
		}
	}
	if len(n.quizzes) > 0 {
		cols, cargs := sinceColumns("MAX(COALESCE(submitted_at, started_at))", starts)
		q := `SELECT person_id, quiz_id` + cols + ` FROM attempts
WHERE quiz_id IN (` + marks(len(n.quizzes)) + `) AND status = 'graded' AND passed = ?` + who + ` GROUP BY quiz_id, person_id`
		flags := make([]dbInt, len(starts))
		dest := []any{nil, nil}
		for i := range flags {
			dest = append(dest, &flags[i])
		}
		err := s.each(ctx, q, cat(cargs, intArgs(n.quizzes), []any{true}, whoArgs), func(rs *sql.Rows) error {
			var pid int
			var qf quizFact
			dest[0], dest[1] = &pid, &qf.quiz
			if err := rs.Scan(dest...); err != nil {
				return err
			}
			qf.passed = sinceOf(flags)
			f := get(pid)
			f.quizzes = append(f.quizzes, qf)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("reading passed quizzes: %w", err)
		}
	}
	return out, nil
}

// sinceColumns selects, for each start, whether expr is on or after it (1 or 0). Both SQLite and
// MySQL give a comparison as an integer.
func sinceColumns(expr string, starts []time.Time) (string, []any) {
	var b strings.Builder
	args := make([]any, len(starts))
	for i, t := range starts {
		b.WriteString(", CASE WHEN " + expr + " >= ? THEN 1 ELSE 0 END")
		args[i] = t
	}
	return b.String(), args
}

func sinceOf(flags []dbInt) since {
	var s since
	for i, f := range flags {
		if f != 0 {
			s |= 1 << uint(i)
		}
	}
	return s
}

// loadCatalog reads the lesson count and credit hours of the given courses (all when ids is nil).
func (s *Service) loadCatalog(ctx context.Context, ids []int, all bool) (catalog, error) {
	c := catalog{lessons: map[int]int{}, hours: map[int]float64{}}
	if !all && len(ids) == 0 {
		return c, nil
	}
	q := `SELECT c.id, c.credit_hours, COUNT(l.id) FROM courses c LEFT JOIN lessons l ON l.course_id = c.id`
	var args []any
	if !all {
		q += ` WHERE c.id IN (` + marks(len(ids)) + `)`
		args = intArgs(ids)
	}
	q += ` GROUP BY c.id, c.credit_hours`
	err := s.each(ctx, q, args, func(rs *sql.Rows) error {
		var id, n int
		var h float64
		if err := rs.Scan(&id, &h, &n); err != nil {
			return err
		}
		c.lessons[id], c.hours[id] = n, h
		return nil
	})
	if err != nil {
		return c, fmt.Errorf("reading courses: %w", err)
	}
	return c, nil
}

// catalogFor reads the catalog one person's evaluation needs: the required courses and the courses
// the person has finished lessons of.
func (s *Service) catalogFor(ctx context.Context, n needs, f *facts) (catalog, error) {
	ids := slices.Clone(n.courses)
	if f != nil && n.allCourses {
		for _, cf := range f.courses {
			ids = append(ids, cf.course)
		}
	}
	return s.loadCatalog(ctx, uniq(ids), false)
}

// each runs a query and calls fn for every row.
func (s *Service) each(ctx context.Context, query string, args []any, fn func(*sql.Rows) error) error {
	rs, err := s.db.SQL.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		if err := fn(rs); err != nil {
			return err
		}
	}
	return rs.Err()
}

// dbInt is an integer column scanned without database/sql's generic conversion, which formats
// and parses every integer it puts into an int: the sweep reads a few million of them.
type dbInt int

// Scan reads an integer as the drivers give it: int64, or text (MySQL's text protocol).
func (n *dbInt) Scan(v any) error {
	switch x := v.(type) {
	case int64:
		*n = dbInt(x)
	case []byte:
		i, err := strconv.Atoi(string(x))
		*n = dbInt(i)
		return err
	case string:
		i, err := strconv.Atoi(x)
		*n = dbInt(i)
		return err
	default:
		return fmt.Errorf("reading an integer from %T", v)
	}
	return nil
}

// dbTime reads a time from a column or an aggregate (see database.TimeValue).
func dbTime(v any) (time.Time, error) { return database.TimeValue(v) }
