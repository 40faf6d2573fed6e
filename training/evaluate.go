package training

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"peixun/ent"
	"peixun/ent/program"
)

// enrollmentRow is the part of an enrollment that evaluation reads.
type enrollmentRow struct {
	id, program, person int
	status              string
	progress            float64
}

// change is an evaluation's verdict on one enrollment.
type change struct {
	id       int
	status   string
	progress float64
}

// decide evaluates one enrollment; ok is false when nothing changes. Completed and exempt
// enrollments are settled and not evaluated. Both the event path and the sweep decide here.
func decide(e enrollmentRow, r rule, f *facts, cat catalog, now time.Time) (change, bool) {
	if e.status == Completed || e.status == Exempt {
		return change{}, false
	}
	if f == nil {
		f = &facts{}
	}
	done, progress := r.evaluate(f, cat)
	st := nextStatus(e.status, done, progress, r.due, now)
	if st == Completed {
		progress = 1
	}
	if st == e.status && math.Abs(progress-e.progress) < 1e-9 {
		return change{}, false
	}
	return change{id: e.id, status: st, progress: progress}, true
}

// updateOne writes one verdict. The status guard keeps a concurrent exemption or completion, and
// completed_at is only ever set once.
const updateOne = `UPDATE enrollments SET status = ?, progress = ?, updated_at = ?,
  completed_at = CASE WHEN ? = 'completed' THEN COALESCE(completed_at, ?) ELSE completed_at END
WHERE id = ? AND status NOT IN ('completed', 'exempt')`

// EvaluatePerson re-evaluates one person's enrollments in every active program, at once. It is the
// event path: a handful of indexed reads of that person's rows, whatever the size of the database.
func (s *Service) EvaluatePerson(ctx context.Context, personID int) error {
	now := s.clock()
	var rows []enrollmentRow
	err := s.each(ctx, `SELECT e.id, e.program_id, e.status, e.progress FROM enrollments e
JOIN programs p ON p.id = e.program_id WHERE e.person_id = ? AND p.status = 'active'`, []any{personID},
		func(rs *sql.Rows) error {
			e := enrollmentRow{person: personID}
			if err := rs.Scan(&e.id, &e.program, &e.status, &e.progress); err != nil {
				return err
			}
			if e.status != Completed && e.status != Exempt {
				rows = append(rows, e)
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("reading enrollments of person %d: %w", personID, err)
	}
	if len(rows) == 0 {
		return nil
	}
	ids := make([]int, len(rows))
	for i, e := range rows {
		ids[i] = e.program
	}
	ps, err := s.client.Program.Query().Where(program.IDIn(ids...)).All(ctx)
	if err != nil {
		return fmt.Errorf("loading programs of person %d: %w", personID, err)
	}
	for _, group := range groupsOf(ps) {
		if err := s.evaluateGroup(ctx, personID, group, rows, now); err != nil {
			return err
		}
	}
	return nil
}

// evaluateGroup evaluates one person's enrollments in a group of programs.
func (s *Service) evaluateGroup(ctx context.Context, personID int, ps []*ent.Program, rows []enrollmentRow, now time.Time) error {
	rules, list, starts := compile(ps)
	n := needsOf(list)
	all, err := s.loadFacts(ctx, n, starts, personID)
	if err != nil {
		return fmt.Errorf("evaluating person %d: %w", personID, err)
	}
	f := all[personID]
	cat, err := s.catalogFor(ctx, n, f)
	if err != nil {
		return fmt.Errorf("evaluating person %d: %w", personID, err)
	}
	for _, e := range rows {
		r, ok := rules[e.program]
		if !ok {
			continue
		}
		c, ok := decide(e, r, f, cat, now)
		if !ok {
			continue
		}
		res, err := s.db.SQL.ExecContext(ctx, updateOne, c.status, c.progress, now, c.status, now, c.id)
		if err != nil {
			return fmt.Errorf("updating enrollment %d: %w", c.id, err)
		}
		if k, _ := res.RowsAffected(); k == 1 && c.status == Completed {
			s.issue(ctx, c.id)
		}
	}
	return nil
}

// OnLessonCompleted is the courses package's hook: a person completed a lesson of a course.
// Errors are logged; the nightly sweep catches up with anything missed.
func (s *Service) OnLessonCompleted(ctx context.Context, personID, courseID int) {
	if err := s.EvaluatePerson(ctx, personID); err != nil {
		s.log.Error("evaluating after a lesson", "person", personID, "course", courseID, "err", err)
	}
}

// OnQuizGraded is the quizzes package's hook: an attempt of a person at a quiz was graded.
func (s *Service) OnQuizGraded(ctx context.Context, personID, quizID int) {
	if err := s.EvaluatePerson(ctx, personID); err != nil {
		s.log.Error("evaluating after a quiz", "person", personID, "quiz", quizID, "err", err)
	}
}

// OnAttendance is the courses package's hook: a person's attendance at an in-person session was
// recorded (by roster or check-in).
func (s *Service) OnAttendance(ctx context.Context, personID int) {
	if err := s.EvaluatePerson(ctx, personID); err != nil {
		s.log.Error("evaluating after attendance", "person", personID, "err", err)
	}
}

// issue asks the certificates service for the certificate of a newly completed enrollment. A
// failure is logged, not returned: the completion stands and the sweep retries the certificate.
func (s *Service) issue(ctx context.Context, enrollmentID int) {
	if s.certs == nil {
		return
	}
	if _, err := s.certs.OnEnrollmentCompleted(ctx, enrollmentID); err != nil {
		s.log.Error("issuing certificate", "enrollment", enrollmentID, "err", err)
	}
}

// activePrograms loads the active programs, all or those with the given ids.
func (s *Service) activePrograms(ctx context.Context, ids []int) ([]*ent.Program, error) {
	q := s.client.Program.Query().Where(program.StatusEQ(program.StatusActive)).Order(ent.Asc(program.FieldID))
	if ids != nil {
		q.Where(program.IDIn(ids...))
	}
	ps, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading active programs: %w", err)
	}
	return ps, nil
}
