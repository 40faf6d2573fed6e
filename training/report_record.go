package training

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/certificate"
	"peixun/ent/enrollment"
	"peixun/ent/program"
	"peixun/fault"
)

// RecordCourse is a course a person completed (every lesson) in the year.
type RecordCourse struct {
	CourseID    int
	Title       string
	Hours       float64
	CompletedAt time.Time
}

// RecordLecture is an in-person session a person attended in the year.
type RecordLecture struct {
	LectureID int
	Title     string
	HeldOn    time.Time
	Hours     float64
}

// RecordQuiz is a quiz a person sat in the year: graded attempts and the best score.
type RecordQuiz struct {
	QuizID   int
	Title    string
	Mode     string
	Attempts int
	Best     float64
	MaxScore float64
	Passed   bool
	Last     time.Time
}

// RecordCertificate is a certificate issued to the person in the year.
type RecordCertificate struct {
	ID       int
	Serial   string
	Program  string
	IssuedAt time.Time
	Hours    float64
	Revoked  bool
}

// RecordProgram is a program the person is enrolled in whose period touches the year.
type RecordProgram struct {
	ProgramID   int
	Name        string
	Status      string
	Progress    float64 // percent
	CompletedAt *time.Time
	DueAt       time.Time
}

// StudyRecord (学习档案) is what a person studied in a calendar year (Asia/Shanghai).
type StudyRecord struct {
	Person       *ent.Person
	UnitName     string
	Year         int
	Courses      []RecordCourse
	Lectures     []RecordLecture
	Quizzes      []RecordQuiz
	Certificates []RecordCertificate
	Programs     []RecordProgram
	CourseHours  float64
	LectureHours float64
	Printed      time.Time
}

// TotalHours is every credit hour of the year.
func (r *StudyRecord) TotalHours() float64 { return r.CourseHours + r.LectureHours }

// CheckYear validates a report year.
func (s *Service) CheckYear(year int) error {
	now := s.clock().In(Shanghai).Year()
	if year < 2000 || year > now+1 {
		return fault.Field("year", "reports.year_invalid", "min", 2000, "max", now+1)
	}
	return nil
}

// StudyRecord gathers a person's record of a year. The person themself, a manager whose scope holds
// the person's unit and administrators may read it; to anyone else the person does not exist.
func (s *Service) StudyRecord(ctx context.Context, actor accounts.Actor, personID, year int) (*StudyRecord, error) {
	if err := s.CheckYear(year); err != nil {
		return nil, err
	}
	p, err := s.client.Person.Get(ctx, personID)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("person")
	}
	if err != nil {
		return nil, fmt.Errorf("loading person %d: %w", personID, err)
	}
	u, err := s.client.Unit.Get(ctx, p.UnitID)
	if err != nil {
		return nil, fmt.Errorf("loading unit of person %d: %w", personID, err)
	}
	if actor.PersonID != personID && !actor.Manages(u.Path) {
		return nil, fault.NotFoundf("person")
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, Shanghai).UTC()
	to := time.Date(year+1, 1, 1, 0, 0, 0, 0, Shanghai).UTC()
	r := &StudyRecord{Person: p, UnitName: u.Name, Year: year, Printed: s.clock()}
	steps := []func(context.Context, *StudyRecord, time.Time, time.Time) error{
		s.recordCourses, s.recordLectures, s.recordQuizzes, s.recordCertificates, s.recordPrograms}
	for _, step := range steps {
		if err := step(ctx, r, from, to); err != nil {
			return nil, fmt.Errorf("study record of person %d for %d: %w", personID, year, err)
		}
	}
	return r, nil
}

// recordCourses finds the courses completed in the year the way courses.HoursForYear counts them:
// every lesson completed, the last of them within the year.
func (s *Service) recordCourses(ctx context.Context, r *StudyRecord, from, to time.Time) error {
	return s.each(ctx, `SELECT c.id, c.title, c.credit_hours, x.done FROM (
  SELECT p.course_id, MAX(p.completed_at) AS done FROM lesson_progresses p
  JOIN (SELECT course_id, COUNT(*) AS n FROM lessons GROUP BY course_id) lc ON lc.course_id = p.course_id
  WHERE p.completed_at IS NOT NULL AND p.person_id = ?
  GROUP BY p.course_id, lc.n
  HAVING COUNT(*) = lc.n AND MAX(p.completed_at) >= ? AND MAX(p.completed_at) < ?
) x JOIN courses c ON c.id = x.course_id ORDER BY x.done, c.id`, []any{r.Person.ID, from, to}, func(rs *sql.Rows) error {
		var c RecordCourse
		var done any
		if err := rs.Scan(&c.CourseID, &c.Title, &c.Hours, &done); err != nil {
			return err
		}
		c.CompletedAt, _ = dbTime(done)
		r.Courses = append(r.Courses, c)
		r.CourseHours += c.Hours
		return nil
	})
}

func (s *Service) recordLectures(ctx context.Context, r *StudyRecord, from, to time.Time) error {
	return s.each(ctx, `SELECT l.id, l.title, l.held_on, a.hours FROM attendances a JOIN lectures l ON l.id = a.lecture_id
WHERE a.person_id = ? AND l.held_on >= ? AND l.held_on < ? ORDER BY l.held_on, l.id`, []any{r.Person.ID, from, to},
		func(rs *sql.Rows) error {
			var l RecordLecture
			var held any
			if err := rs.Scan(&l.LectureID, &l.Title, &held, &l.Hours); err != nil {
				return err
			}
			l.HeldOn, _ = dbTime(held)
			r.Lectures = append(r.Lectures, l)
			r.LectureHours += l.Hours
			return nil
		})
}

func (s *Service) recordQuizzes(ctx context.Context, r *StudyRecord, from, to time.Time) error {
	return s.each(ctx, `SELECT q.id, q.title, q.mode, COUNT(*), MAX(a.score), MAX(a.max_score),
  SUM(CASE WHEN a.passed THEN 1 ELSE 0 END), MAX(a.submitted_at)
FROM attempts a JOIN quizs q ON q.id = a.quiz_id
WHERE a.person_id = ? AND a.status = 'graded' AND a.submitted_at >= ? AND a.submitted_at < ?
GROUP BY q.id, q.title, q.mode ORDER BY MAX(a.submitted_at), q.id`, []any{r.Person.ID, from, to}, func(rs *sql.Rows) error {
		var q RecordQuiz
		var passed int
		var last any
		if err := rs.Scan(&q.QuizID, &q.Title, &q.Mode, &q.Attempts, &q.Best, &q.MaxScore, &passed, &last); err != nil {
			return err
		}
		q.Passed = passed > 0
		q.Last, _ = dbTime(last)
		r.Quizzes = append(r.Quizzes, q)
		return nil
	})
}

func (s *Service) recordCertificates(ctx context.Context, r *StudyRecord, from, to time.Time) error {
	cs, err := s.client.Certificate.Query().Where(certificate.PersonID(r.Person.ID), certificate.IssuedAtGTE(from),
		certificate.IssuedAtLT(to)).Order(ent.Asc(certificate.FieldIssuedAt)).All(ctx)
	if err != nil {
		return err
	}
	for _, c := range cs {
		r.Certificates = append(r.Certificates, RecordCertificate{ID: c.ID, Serial: c.Serial, Program: c.ProgramName,
			IssuedAt: c.IssuedAt, Hours: c.CreditHours, Revoked: c.RevokedAt != nil})
	}
	return nil
}

func (s *Service) recordPrograms(ctx context.Context, r *StudyRecord, from, to time.Time) error {
	es, err := s.client.Enrollment.Query().Where(enrollment.PersonID(r.Person.ID), enrollment.LeftScopeAtIsNil()).All(ctx)
	if err != nil {
		return err
	}
	byProgram := map[int]*ent.Enrollment{}
	ids := make([]int, 0, len(es))
	for _, e := range es {
		byProgram[e.ProgramID] = e
		ids = append(ids, e.ProgramID)
	}
	ps, err := s.client.Program.Query().Where(program.IDIn(ids...), program.StatusNEQ(program.StatusDraft),
		program.StartsAtLT(to), program.DueAtGTE(from)).Order(ent.Asc(program.FieldDueAt)).All(ctx)
	if err != nil {
		return err
	}
	for _, p := range ps {
		e := byProgram[p.ID]
		r.Programs = append(r.Programs, RecordProgram{ProgramID: p.ID, Name: p.Name, Status: string(e.Status),
			Progress: e.Progress * 100, CompletedAt: e.CompletedAt, DueAt: p.DueAt})
	}
	return nil
}
