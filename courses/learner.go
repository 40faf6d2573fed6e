package courses

import (
	"context"
	"fmt"
	"strings"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/course"
	"peixun/ent/lessonprogress"
	"peixun/fault"
)

// PageSize is how many courses a page of MyCourses lists.
const PageSize = 20

// CourseCard is a course in a learner's list, with their progress.
type CourseCard struct {
	ID             int
	Title          string
	Summary        string
	Tags           []string
	CreditHours    float64
	Assigned       bool // the training package assigned it to the person
	Lessons        int
	LessonsDone    int
	SecondsStudied int
}

// Completed tells whether every lesson is done.
func (c CourseCard) Completed() bool { return c.Lessons > 0 && c.LessonsDone >= c.Lessons }

// MyCourses lists published courses for a learner, page by page (page counts from 1): the assigned
// ones first (their ids come from the training package), then the newest. search filters titles
// (case-insensitively). It also returns how many courses match in all.
func (s *Service) MyCourses(ctx context.Context, a accounts.Actor, search string, page int, assigned []int) ([]CourseCard, int, error) {
	page = max(page, 1)
	q := s.db.Client.Course.Query().Where(course.StatusEQ(course.StatusPublished))
	if search = strings.TrimSpace(search); search != "" {
		q = q.Where(course.TitleContainsFold(search))
	}
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("counting courses: %w", err)
	}
	isAssigned := make(map[int]bool, len(assigned))
	for _, id := range assigned {
		isAssigned[id] = true
	}
	cs, err := q.Order(func(sel *entsql.Selector) {
		if len(assigned) > 0 {
			sel.OrderExpr(entsql.ExprP("CASE WHEN "+sel.C(course.FieldID)+" IN ("+placeholders(len(assigned))+") THEN 0 ELSE 1 END", intArgs(assigned)...))
		}
		sel.OrderBy(entsql.Desc(sel.C(course.FieldPublishedAt)), entsql.Desc(sel.C(course.FieldID)))
	}).Offset((page - 1) * PageSize).Limit(PageSize).All(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("listing courses: %w", err)
	}
	cards := make([]CourseCard, len(cs))
	for i, c := range cs {
		cards[i] = CourseCard{ID: c.ID, Title: c.Title, Summary: c.Summary, Tags: c.Tags,
			CreditHours: c.CreditHours, Assigned: isAssigned[c.ID]}
	}
	if err := s.fillProgress(ctx, a.PersonID, cards); err != nil {
		return nil, 0, err
	}
	return cards, total, nil
}

// fillProgress counts the lessons of each card's course and the person's progress on them, in one
// grouped query.
func (s *Service) fillProgress(ctx context.Context, personID int, cards []CourseCard) error {
	if len(cards) == 0 {
		return nil
	}
	ids := make([]int, len(cards))
	for i, c := range cards {
		ids[i] = c.ID
	}
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT l.course_id, COUNT(l.id), COUNT(p.completed_at), COALESCE(SUM(p.seconds_studied), 0)
FROM lessons l LEFT JOIN lesson_progresses p ON p.lesson_id = l.id AND p.person_id = ?
WHERE l.course_id IN (`+placeholders(len(ids))+`) GROUP BY l.course_id`, append([]any{personID}, intArgs(ids)...)...)
	if err != nil {
		return fmt.Errorf("counting progress: %w", err)
	}
	defer rows.Close()
	at := make(map[int]*CourseCard, len(cards))
	for i := range cards {
		at[cards[i].ID] = &cards[i]
	}
	for rows.Next() {
		var id, n, done, secs int
		if err := rows.Scan(&id, &n, &done, &secs); err != nil {
			return fmt.Errorf("counting progress: %w", err)
		}
		c := at[id]
		c.Lessons, c.LessonsDone, c.SecondsStudied = n, done, secs
	}
	return rows.Err()
}

// LessonView is a lesson on the course page, with the person's progress.
type LessonView struct {
	*ent.Lesson
	SecondsStudied int
	LastPosition   float64
	MaxPosition    float64
	CompletedAt    *time.Time
}

// CourseView is the course page of a learner.
type CourseView struct {
	Course    *ent.Course
	Lessons   []LessonView
	Completed bool
	// ResumeLessonID and ResumePosition say where the person stopped last, on whatever device; zero
	// when they have not started.
	ResumeLessonID int
	ResumePosition float64
}

// CoursePage shows a course with its lessons and the actor's progress. Learners see published
// courses, and archived ones they had started; trainers and administrators see all.
func (s *Service) CoursePage(ctx context.Context, a accounts.Actor, courseID int) (*CourseView, error) {
	c, err := s.loadCourse(ctx, courseID)
	if err != nil {
		return nil, err
	}
	ps, err := s.db.Client.LessonProgress.Query().
		Where(lessonprogress.PersonID(a.PersonID), lessonprogress.CourseID(courseID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading progress on course %d: %w", courseID, err)
	}
	visible := c.Status == course.StatusPublished || canPreview(a, c) ||
		(c.Status == course.StatusArchived && len(ps) > 0)
	if !visible {
		return nil, fault.ForbiddenErr()
	}
	ls, err := s.lessons(ctx, courseID)
	if err != nil {
		return nil, err
	}
	byLesson := make(map[int]*ent.LessonProgress, len(ps))
	var last *ent.LessonProgress
	for _, p := range ps {
		byLesson[p.LessonID] = p
		if p.LastReportAt != nil && (last == nil || last.LastReportAt == nil || p.LastReportAt.After(*last.LastReportAt)) {
			last = p
		}
	}
	v := &CourseView{Course: c, Lessons: make([]LessonView, len(ls)), Completed: len(ls) > 0}
	for i, l := range ls {
		v.Lessons[i] = LessonView{Lesson: l}
		if p := byLesson[l.ID]; p != nil {
			v.Lessons[i].SecondsStudied, v.Lessons[i].LastPosition = p.SecondsStudied, p.LastPosition
			v.Lessons[i].MaxPosition, v.Lessons[i].CompletedAt = p.MaxPosition, p.CompletedAt
		}
		v.Completed = v.Completed && v.Lessons[i].CompletedAt != nil
	}
	if last != nil {
		v.ResumeLessonID, v.ResumePosition = last.LessonID, last.LastPosition
	}
	return v, nil
}

// placeholders makes "?, ?, ?" for an IN list.
func placeholders(n int) string {
	if n <= 0 {
		return "NULL"
	}
	return strings.Repeat("?, ", n-1) + "?"
}

func intArgs(ids []int) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}
