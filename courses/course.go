package courses

import (
	"context"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/course"
	"peixun/ent/lesson"
	"peixun/ent/lessonprogress"
	"peixun/fault"
)

// CourseInput is what a trainer fills in for a course.
type CourseInput struct {
	Title         string
	Summary       string
	Tags          []string
	CreditHours   float64
	NoSkip        bool // no skipping ahead in a video on the first viewing
	AllowDownload bool
}

func (in *CourseInput) validate() error {
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case in.Title == "":
		return fault.Field("title", "course.title_required")
	case utf8.RuneCountInString(in.Title) > 200:
		return fault.Field("title", "course.title_too_long", "max", 200)
	case math.IsNaN(in.CreditHours) || in.CreditHours < 0 || in.CreditHours > 1000:
		return fault.Field("credit_hours", "course.credit_hours_range", "min", 0, "max", 1000)
	}
	tags := in.Tags[:0:0]
	for _, t := range in.Tags {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	in.Tags = tags
	return nil
}

// CreateCourse creates a draft course owned by the actor, who must be a trainer or an administrator.
func (s *Service) CreateCourse(ctx context.Context, a accounts.Actor, in CourseInput) (*ent.Course, error) {
	if !isStaff(a) {
		return nil, fault.ForbiddenErr()
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	c, err := s.db.Client.Course.Create().
		SetTitle(in.Title).SetSummary(in.Summary).SetTags(in.Tags).SetCreditHours(in.CreditHours).
		SetNoSkip(in.NoSkip).SetAllowDownload(in.AllowDownload).SetOwnerID(a.PersonID).
		SetCreatedAt(s.clock()).SetUpdatedAt(s.clock()).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("creating course %q: %w", in.Title, err)
	}
	return c, nil
}

// UpdateCourse changes a course's details; only its owner or an administrator may.
func (s *Service) UpdateCourse(ctx context.Context, a accounts.Actor, id int, in CourseInput) (*ent.Course, error) {
	if _, err := s.editableCourse(ctx, a, id); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	c, err := s.db.Client.Course.UpdateOneID(id).
		SetTitle(in.Title).SetSummary(in.Summary).SetTags(in.Tags).SetCreditHours(in.CreditHours).
		SetNoSkip(in.NoSkip).SetAllowDownload(in.AllowDownload).SetUpdatedAt(s.clock()).
		Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("updating course %d: %w", id, err)
	}
	return c, nil
}

// Course returns a course for its editor, with its lessons in order.
func (s *Service) Course(ctx context.Context, a accounts.Actor, id int) (*ent.Course, []*ent.Lesson, error) {
	c, err := s.loadCourse(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !canPreview(a, c) && c.Status != course.StatusPublished {
		return nil, nil, fault.ForbiddenErr()
	}
	ls, err := s.lessons(ctx, id)
	return c, ls, err
}

// OwnCourses lists the courses the actor may edit (all of them for an administrator), newest first.
func (s *Service) OwnCourses(ctx context.Context, a accounts.Actor) ([]*ent.Course, error) {
	if !isStaff(a) {
		return nil, fault.ForbiddenErr()
	}
	q := s.db.Client.Course.Query()
	if !a.IsAdmin() {
		q = q.Where(course.OwnerID(a.PersonID))
	}
	return q.Order(ent.Desc(course.FieldID)).All(ctx)
}

// Publish opens a draft (or re-opens an archived) course to learners. A course without lessons
// cannot be published: nobody could complete it.
func (s *Service) Publish(ctx context.Context, a accounts.Actor, id int) (*ent.Course, error) {
	c, err := s.editableCourse(ctx, a, id)
	if err != nil {
		return nil, err
	}
	n, err := s.db.Client.Lesson.Query().Where(lesson.CourseID(id)).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("counting lessons of course %d: %w", id, err)
	}
	if n == 0 {
		return nil, fault.New(fault.Conflict, "course.no_lessons")
	}
	up := s.db.Client.Course.UpdateOneID(id).SetStatus(course.StatusPublished).SetUpdatedAt(s.clock())
	if c.PublishedAt == nil {
		up = up.SetPublishedAt(s.clock())
	}
	return up.Save(ctx)
}

// Archive closes a course to new study; progress and the hours already earned stay.
func (s *Service) Archive(ctx context.Context, a accounts.Actor, id int) (*ent.Course, error) {
	if _, err := s.editableCourse(ctx, a, id); err != nil {
		return nil, err
	}
	return s.db.Client.Course.UpdateOneID(id).SetStatus(course.StatusArchived).SetUpdatedAt(s.clock()).Save(ctx)
}

// DeleteCourse removes a draft course that nobody has studied, with its lessons. A course with
// learners (any progress) is never deleted, because their hours rest on it; a published course is
// archived instead, so that links to it keep answering.
func (s *Service) DeleteCourse(ctx context.Context, a accounts.Actor, id int) error {
	c, err := s.editableCourse(ctx, a, id)
	if err != nil {
		return err
	}
	if c.Status != course.StatusDraft {
		return fault.New(fault.Conflict, "course.not_draft")
	}
	return s.withTx(ctx, func(tx *ent.Tx) error {
		// Checked inside the transaction so that a report arriving meanwhile is not orphaned: the
		// progress insert of Report needs the lesson row, which we delete here.
		learners, err := tx.LessonProgress.Query().Where(lessonprogress.CourseID(id)).Exist(ctx)
		if err != nil {
			return fmt.Errorf("checking learners of course %d: %w", id, err)
		}
		if learners {
			return fault.New(fault.Conflict, "course.has_learners")
		}
		if _, err := tx.Lesson.Delete().Where(lesson.CourseID(id)).Exec(ctx); err != nil {
			return fmt.Errorf("deleting lessons of course %d: %w", id, err)
		}
		if err := tx.Course.DeleteOneID(id).Exec(ctx); err != nil {
			return fmt.Errorf("deleting course %d: %w", id, err)
		}
		return nil
	})
}
