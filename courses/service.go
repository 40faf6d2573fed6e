// Package courses owns courses, their ordered lessons, uploaded materials (in a gocloud.dev blob
// bucket), each person's learning progress, in-person sessions (lectures and their attendance) and the
// credit hours (学时) a person earns from both.
package courses

import (
	"context"
	"log/slog"
	"time"

	"gocloud.dev/blob"

	"peixun/accounts"
	"peixun/database"
	"peixun/ent"
	"peixun/fault"
)

// Material kinds accepted by Upload; they match the lesson kinds that carry a file.
const (
	KindVideo    = "video"
	KindDocument = "document"
	KindText     = "text"
	KindLink     = "link"
)

// Shanghai is the zone in which years and days are counted: credit hours of 2021 are those earned
// between 2021-01-01 and 2022-01-01 in China Standard Time, whatever the server's zone.
var Shanghai = mustZone("Asia/Shanghai")

// Service is the courses domain: every operation the HTTP layer and the other domain packages call.
type Service struct {
	db     *database.DB
	bucket *blob.Bucket
	now    func() time.Time
	log    *slog.Logger

	// MaxSize limits an upload by material kind (KindVideo, KindDocument), in bytes.
	MaxSize map[string]int64
	// ReportCap is the most study time one progress report can credit, however long ago the last
	// report was: a paused or backgrounded player must not earn the time it sat idle.
	ReportCap time.Duration
	// SkipTolerance is how far (seconds) a report may lie beyond the furthest position reached, on
	// top of what playback at MaxRate could cover since the last report, before "no skipping ahead"
	// refuses it.
	SkipTolerance float64
	// MaxRate is the fastest playback speed the skip check allows for.
	MaxRate float64
	// OnLessonCompleted, when set (by the training package), is called after a person completes a
	// lesson, and so also when that completes the course. It must not block for long: it runs inside
	// the progress report.
	OnLessonCompleted func(ctx context.Context, personID, courseID int)
	// OnAttendance, when set (by the training package), is called after a person's attendance of an
	// in-person session is recorded or removed: session hours count towards programs.
	OnAttendance func(ctx context.Context, personID int)
}

// New makes the courses service over a database, a blob bucket for materials, a clock and a logger.
func New(db *database.DB, bucket *blob.Bucket, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{
		db:     db,
		bucket: bucket,
		now:    now,
		log:    log,
		MaxSize: map[string]int64{
			KindVideo:    2 << 30,
			KindDocument: 200 << 20,
		},
		ReportCap:     60 * time.Second,
		SkipTolerance: 15,
		MaxRate:       2,
	}
}

// clock returns the current time in UTC, truncated to microseconds: MySQL's datetime(6) keeps no
// more, and the progress write compares the stored value for equality.
func (s *Service) clock() time.Time { return utcMicro(s.now()) }

func utcMicro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// isStaff tells whether the actor may manage courses at all.
func isStaff(a accounts.Actor) bool { return a.IsAdmin() || a.Has(accounts.RoleTrainer) }

// canEdit tells whether the actor may change the course: its owner (a trainer) or an administrator.
func canEdit(a accounts.Actor, c *ent.Course) bool {
	return a.IsAdmin() || (a.Has(accounts.RoleTrainer) && c.OwnerID == a.PersonID)
}

// canPreview tells whether the actor may see a course that learners cannot (draft or archived).
func canPreview(a accounts.Actor, c *ent.Course) bool { return isStaff(a) || c.OwnerID == a.PersonID }

// loadCourse finds a course or answers not found.
func (s *Service) loadCourse(ctx context.Context, id int) (*ent.Course, error) {
	c, err := s.db.Client.Course.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("course")
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// editableCourse loads a course the actor may change.
func (s *Service) editableCourse(ctx context.Context, a accounts.Actor, id int) (*ent.Course, error) {
	c, err := s.loadCourse(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canEdit(a, c) {
		return nil, fault.ForbiddenErr()
	}
	return c, nil
}

// withTx runs fn in a transaction, rolling back on error or panic.
func (s *Service) withTx(ctx context.Context, fn func(tx *ent.Tx) error) (err error) {
	tx, err := s.db.Client.Tx(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if v := recover(); v != nil {
			_ = tx.Rollback()
			panic(v)
		}
	}()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Asia/Shanghai has had no daylight saving since 1991: a fixed zone is exact for our dates.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// attended tells OnAttendance about each person whose attendance changed.
func (s *Service) attended(ctx context.Context, personIDs ...int) {
	if s.OnAttendance == nil {
		return
	}
	for _, id := range personIDs {
		s.OnAttendance(ctx, id)
	}
}
