package courses

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"entgo.io/ent/dialect/sql/sqlgraph"

	"peixun/accounts"
	"peixun/fault"
)

// Progress is one person's state on one lesson, as a progress report leaves it.
type Progress struct {
	LessonID        int
	CourseID        int
	SecondsStudied  int
	LastPosition    float64 // where to resume
	MaxPosition     float64 // the furthest point reached
	Credited        int     // seconds this report added
	CompletedAt     *time.Time
	JustCompleted   bool // this report completed the lesson
	CourseCompleted bool // this report completed the lesson and with it the whole course
}

// Completed tells whether the lesson is done.
func (p *Progress) Completed() bool { return p.CompletedAt != nil }

// reportRow is the lesson, its course's rules and the person's progress, read in one query.
type reportRow struct {
	courseID, minSeconds, duration int
	kind, status                   string
	noSkip                         bool
	progressID                     sql.NullInt64
	seconds                        sql.NullInt64
	lastPos, maxPos                sql.NullFloat64
	lastReport, completedAt        sql.NullTime
}

const reportRead = `SELECT l.course_id, l.kind, l.min_seconds, l.duration_seconds, c.status, c.no_skip,
  p.id, p.seconds_studied, p.last_position, p.max_position, p.last_report_at, p.completed_at
FROM lessons l JOIN courses c ON c.id = l.course_id
LEFT JOIN lesson_progresses p ON p.lesson_id = l.id AND p.person_id = ?
WHERE l.id = ?`

const reportInsert = `INSERT INTO lesson_progresses
  (person_id, lesson_id, course_id, seconds_studied, last_position, max_position, last_report_at, completed_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

// reportUpdate only applies if nobody reported in between (same last_report_at): two reports racing
// from two tabs must not both credit the same wall-clock interval.
const reportUpdate = `UPDATE lesson_progresses
SET seconds_studied = ?, last_position = ?, max_position = ?, last_report_at = ?, completed_at = ?, updated_at = ?
WHERE id = ? AND last_report_at = ?`

// Report records where the player of a lesson stands. at is when the server received the report
// (pass the service clock; a client's clock is never trusted). The player reports when playback
// starts and then about every 15 seconds; text, document and link lessons report while the page is
// open, with position 0.
//
// Study time is credited no faster than wall-clock time: min(time since the last report, distance
// played for videos, ReportCap); the first report credits nothing. With "no skipping ahead" a video
// report beyond the furthest point reached (plus what playback could have covered since) is refused
// until the lesson is completed. The lesson completes when its minimum study time is reached and, for
// a video of known duration, 95% of it was reached. Normally one read and one write.
func (s *Service) Report(ctx context.Context, a accounts.Actor, lessonID int, position float64, at time.Time) (*Progress, error) {
	if math.IsNaN(position) || math.IsInf(position, 0) || position < 0 {
		return nil, fault.Field("position", "progress.position_invalid")
	}
	if at.IsZero() {
		at = s.now()
	}
	at = utcMicro(at)
	for attempt := 0; attempt < 5; attempt++ {
		var r reportRow
		err := s.db.SQL.QueryRowContext(ctx, reportRead, a.PersonID, lessonID).Scan(
			&r.courseID, &r.kind, &r.minSeconds, &r.duration, &r.status, &r.noSkip,
			&r.progressID, &r.seconds, &r.lastPos, &r.maxPos, &r.lastReport, &r.completedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fault.NotFoundf("lesson")
		}
		if err != nil {
			return nil, fmt.Errorf("reading progress on lesson %d: %w", lessonID, err)
		}
		if r.status != "published" {
			return nil, fault.ForbiddenErr()
		}
		at := at
		if r.lastReport.Valid && at.Before(r.lastReport.Time) {
			// Replicas' clocks differ slightly: never move last_report_at backwards, or the next
			// report would be credited time that did not pass.
			at = r.lastReport.Time.UTC()
		}
		p, err := s.advance(&r, lessonID, position, at)
		if err != nil {
			return nil, err
		}
		done, err := s.writeProgress(ctx, a.PersonID, lessonID, &r, p, at)
		if err != nil {
			return nil, err
		}
		if !done {
			continue // another report won the race: recompute from what it wrote
		}
		if p.JustCompleted {
			if p.CourseCompleted, err = s.courseDone(ctx, a.PersonID, p.CourseID); err != nil {
				return nil, err
			}
			if s.OnLessonCompleted != nil {
				s.OnLessonCompleted(ctx, a.PersonID, p.CourseID)
			}
		}
		return p, nil
	}
	return nil, fault.New(fault.Conflict, "progress.busy")
}

// advance computes the new state from the old one, or refuses a skip ahead.
func (s *Service) advance(r *reportRow, lessonID int, position float64, at time.Time) (*Progress, error) {
	p := &Progress{
		LessonID: lessonID, CourseID: r.courseID, SecondsStudied: int(r.seconds.Int64),
		LastPosition: r.lastPos.Float64, MaxPosition: r.maxPos.Float64,
	}
	if r.completedAt.Valid {
		t := r.completedAt.Time.UTC()
		p.CompletedAt = &t
	}
	video := r.kind == KindVideo
	if !video {
		position = 0
	}
	if video && r.duration > 0 && position > float64(r.duration) {
		position = float64(r.duration)
	}
	capSec := s.ReportCap.Seconds()
	elapsed := 0.0
	if r.lastReport.Valid {
		elapsed = math.Max(0, at.Sub(r.lastReport.Time).Seconds())
	}
	if video && r.noSkip && p.CompletedAt == nil {
		allowed := p.MaxPosition + s.SkipTolerance + s.MaxRate*math.Min(elapsed, capSec)
		if position > allowed {
			return nil, fault.Field("position", "progress.skip_ahead", "max", p.MaxPosition)
		}
	}
	credit := math.Min(math.Floor(elapsed), capSec)
	if video {
		credit = math.Min(credit, math.Max(0, math.Round(position-p.LastPosition)))
	}
	if r.lastReport.Valid && credit > 0 {
		p.Credited = int(credit)
	}
	p.SecondsStudied += p.Credited
	p.LastPosition = position
	p.MaxPosition = math.Max(p.MaxPosition, position)
	if p.CompletedAt == nil && p.SecondsStudied >= r.minSeconds &&
		(!video || r.duration == 0 || p.MaxPosition >= 0.95*float64(r.duration)) {
		p.CompletedAt = &at
		p.JustCompleted = true
	}
	return p, nil
}

// writeProgress stores p; false means a concurrent report changed the row first.
func (s *Service) writeProgress(ctx context.Context, personID, lessonID int, r *reportRow, p *Progress, at time.Time) (bool, error) {
	var completed any
	if p.CompletedAt != nil {
		completed = *p.CompletedAt
	}
	if !r.progressID.Valid {
		_, err := s.db.SQL.ExecContext(ctx, reportInsert, personID, lessonID, p.CourseID,
			p.SecondsStudied, p.LastPosition, p.MaxPosition, at, completed, at)
		if sqlgraph.IsUniqueConstraintError(err) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("recording progress on lesson %d: %w", lessonID, err)
		}
		return true, nil
	}
	if r.lastReport.Valid && !at.After(r.lastReport.Time) && p.Credited == 0 && !p.JustCompleted &&
		p.LastPosition == r.lastPos.Float64 && p.MaxPosition == r.maxPos.Float64 {
		// A repeat of the last report (same instant, same place): nothing to write, and MySQL would
		// report zero rows changed, which looks like a lost race.
		return true, nil
	}
	var res sql.Result
	var err error
	if r.lastReport.Valid {
		res, err = s.db.SQL.ExecContext(ctx, reportUpdate, p.SecondsStudied, p.LastPosition, p.MaxPosition,
			at, completed, at, r.progressID.Int64, r.lastReport.Time)
	} else {
		res, err = s.db.SQL.ExecContext(ctx,
			`UPDATE lesson_progresses SET seconds_studied = ?, last_position = ?, max_position = ?,
  last_report_at = ?, completed_at = ?, updated_at = ? WHERE id = ? AND last_report_at IS NULL`,
			p.SecondsStudied, p.LastPosition, p.MaxPosition, at, completed, at, r.progressID.Int64)
	}
	if err != nil {
		return false, fmt.Errorf("updating progress on lesson %d: %w", lessonID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("updating progress on lesson %d: %w", lessonID, err)
	}
	return n == 1, nil
}

// courseDone tells whether the person has completed every lesson of the course.
func (s *Service) courseDone(ctx context.Context, personID, courseID int) (bool, error) {
	var lessons, done int
	err := s.db.SQL.QueryRowContext(ctx, `SELECT
  (SELECT COUNT(*) FROM lessons WHERE course_id = ?),
  (SELECT COUNT(*) FROM lesson_progresses p JOIN lessons l ON l.id = p.lesson_id
   WHERE p.person_id = ? AND p.course_id = ? AND p.completed_at IS NOT NULL)`,
		courseID, personID, courseID).Scan(&lessons, &done)
	if err != nil {
		return false, fmt.Errorf("checking completion of course %d: %w", courseID, err)
	}
	return lessons > 0 && done >= lessons, nil
}
