package courses

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/lesson"
	"peixun/ent/lessonprogress"
	"peixun/fault"
)

// LessonInput is what a trainer fills in for a lesson. Which fields matter depends on Kind: a video or
// document names an uploaded material, a text carries a body (HTML, sanitized on save), a link a URL.
type LessonInput struct {
	Title           string
	Kind            string // KindVideo, KindDocument, KindText, KindLink
	MaterialID      int
	Body            string
	URL             string
	MinSeconds      int // minimum study time before the lesson can complete
	DurationSeconds int // a video's length, if known: completion then also needs 95% of it watched
}

// validate checks the input against its kind and cleans it (sanitized body, trimmed URL).
func (s *Service) validateLesson(ctx context.Context, in *LessonInput) error {
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case in.Title == "":
		return fault.Field("title", "lesson.title_required")
	case utf8.RuneCountInString(in.Title) > 200:
		return fault.Field("title", "lesson.title_too_long", "max", 200)
	case in.MinSeconds < 0 || in.MinSeconds > 24*3600:
		return fault.Field("min_seconds", "lesson.min_seconds_range", "min", 0, "max", 24*3600)
	case in.DurationSeconds < 0 || in.DurationSeconds > 24*3600:
		return fault.Field("duration_seconds", "lesson.duration_range", "min", 0, "max", 24*3600)
	}
	switch in.Kind {
	case KindVideo, KindDocument:
		if in.MaterialID == 0 {
			return fault.Field("material_id", "lesson.material_required")
		}
		m, err := s.db.Client.Material.Get(ctx, in.MaterialID)
		if ent.IsNotFound(err) {
			return fault.Field("material_id", "lesson.material_unknown")
		}
		if err != nil {
			return fmt.Errorf("loading material %d: %w", in.MaterialID, err)
		}
		if kindOfType(m.ContentType) != in.Kind {
			return fault.Field("material_id", "lesson.material_wrong_kind", "kind", in.Kind)
		}
		in.Body, in.URL = "", ""
	case KindText:
		in.Body = Sanitize(in.Body)
		if strings.TrimSpace(in.Body) == "" {
			return fault.Field("body", "lesson.body_required")
		}
		in.MaterialID, in.URL, in.DurationSeconds = 0, "", 0
	case KindLink:
		in.URL = strings.TrimSpace(in.URL)
		u, err := url.Parse(in.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(in.URL) > 1000 {
			return fault.Field("url", "lesson.url_invalid")
		}
		in.MaterialID, in.Body, in.DurationSeconds = 0, "", 0
	default:
		return fault.Field("kind", "lesson.kind_invalid")
	}
	return nil
}

// AddLesson appends a lesson to the end of a course.
func (s *Service) AddLesson(ctx context.Context, a accounts.Actor, courseID int, in LessonInput) (*ent.Lesson, error) {
	if _, err := s.editableCourse(ctx, a, courseID); err != nil {
		return nil, err
	}
	if err := s.validateLesson(ctx, &in); err != nil {
		return nil, err
	}
	var l *ent.Lesson
	err := s.withTx(ctx, func(tx *ent.Tx) error {
		last, err := tx.Lesson.Query().Where(lesson.CourseID(courseID)).
			Order(ent.Desc(lesson.FieldPosition)).First(ctx)
		pos := 1
		switch {
		case err == nil:
			pos = last.Position + 1
		case !ent.IsNotFound(err):
			return fmt.Errorf("finding the last lesson of course %d: %w", courseID, err)
		}
		c := tx.Lesson.Create().SetCourseID(courseID).SetPosition(pos).SetTitle(in.Title).
			SetKind(lesson.Kind(in.Kind)).SetBody(in.Body).SetURL(in.URL).
			SetMinSeconds(in.MinSeconds).SetDurationSeconds(in.DurationSeconds).SetCreatedAt(s.clock())
		if in.MaterialID != 0 {
			c = c.SetMaterialID(in.MaterialID)
		}
		l, err = c.Save(ctx)
		if err != nil {
			return fmt.Errorf("adding lesson to course %d: %w", courseID, err)
		}
		return nil
	})
	return l, err
}

// UpdateLesson changes a lesson; its position stays.
func (s *Service) UpdateLesson(ctx context.Context, a accounts.Actor, lessonID int, in LessonInput) (*ent.Lesson, error) {
	l, err := s.editableLesson(ctx, a, lessonID)
	if err != nil {
		return nil, err
	}
	if err := s.validateLesson(ctx, &in); err != nil {
		return nil, err
	}
	up := s.db.Client.Lesson.UpdateOne(l).SetTitle(in.Title).SetKind(lesson.Kind(in.Kind)).
		SetBody(in.Body).SetURL(in.URL).SetMinSeconds(in.MinSeconds).SetDurationSeconds(in.DurationSeconds)
	if in.MaterialID != 0 {
		up = up.SetMaterialID(in.MaterialID)
	} else {
		up = up.ClearMaterialID()
	}
	l, err = up.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("updating lesson %d: %w", lessonID, err)
	}
	return l, nil
}

// DeleteLesson removes a lesson nobody has studied yet; studied lessons carry people's progress.
func (s *Service) DeleteLesson(ctx context.Context, a accounts.Actor, lessonID int) error {
	if _, err := s.editableLesson(ctx, a, lessonID); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *ent.Tx) error {
		studied, err := tx.LessonProgress.Query().Where(lessonprogress.LessonID(lessonID)).Exist(ctx)
		if err != nil {
			return fmt.Errorf("checking progress on lesson %d: %w", lessonID, err)
		}
		if studied {
			return fault.New(fault.Conflict, "lesson.has_learners")
		}
		return tx.Lesson.DeleteOneID(lessonID).Exec(ctx)
	})
}

// MoveUp moves a lesson one place towards the start of its course; the first lesson stays.
func (s *Service) MoveUp(ctx context.Context, a accounts.Actor, lessonID int) error {
	return s.move(ctx, a, lessonID, -1)
}

// MoveDown moves a lesson one place towards the end of its course; the last lesson stays.
func (s *Service) MoveDown(ctx context.Context, a accounts.Actor, lessonID int) error {
	return s.move(ctx, a, lessonID, +1)
}

// move swaps a lesson with its neighbour. It renumbers the whole course 1..n in one transaction, so
// that positions duplicated by concurrent edits heal instead of making the swap a no-op.
func (s *Service) move(ctx context.Context, a accounts.Actor, lessonID, step int) error {
	l, err := s.editableLesson(ctx, a, lessonID)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *ent.Tx) error {
		ls, err := tx.Lesson.Query().Where(lesson.CourseID(l.CourseID)).
			Order(ent.Asc(lesson.FieldPosition), ent.Asc(lesson.FieldID)).All(ctx)
		if err != nil {
			return fmt.Errorf("loading lessons of course %d: %w", l.CourseID, err)
		}
		i := 0
		for i < len(ls) && ls[i].ID != lessonID {
			i++
		}
		j := i + step
		if i == len(ls) || j < 0 || j >= len(ls) {
			return nil
		}
		ls[i], ls[j] = ls[j], ls[i]
		for k, x := range ls {
			if x.Position == k+1 {
				continue
			}
			if err := tx.Lesson.UpdateOneID(x.ID).SetPosition(k + 1).Exec(ctx); err != nil {
				return fmt.Errorf("moving lesson %d: %w", x.ID, err)
			}
		}
		return nil
	})
}

// editableLesson loads a lesson whose course the actor may change.
func (s *Service) editableLesson(ctx context.Context, a accounts.Actor, lessonID int) (*ent.Lesson, error) {
	l, err := s.db.Client.Lesson.Get(ctx, lessonID)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("lesson")
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.editableCourse(ctx, a, l.CourseID); err != nil {
		return nil, err
	}
	return l, nil
}

// lessons lists a course's lessons in order.
func (s *Service) lessons(ctx context.Context, courseID int) ([]*ent.Lesson, error) {
	ls, err := s.db.Client.Lesson.Query().Where(lesson.CourseID(courseID)).
		Order(ent.Asc(lesson.FieldPosition), ent.Asc(lesson.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading lessons of course %d: %w", courseID, err)
	}
	return ls, nil
}
