package courses

import (
	"context"
	"fmt"
	"strings"
	"time"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/attendance"
	"peixun/ent/course"
	"peixun/ent/lecture"
	"peixun/ent/lessonprogress"
	"peixun/ent/person"
	"peixun/ent/predicate"
	"peixun/fault"
)

// ManageCourses lists, page by page (from 1), the courses the actor may edit (all of them for an
// administrator), newest first, with titles filtered by search. It also returns how many match.
func (s *Service) ManageCourses(ctx context.Context, a accounts.Actor, search string, page int) ([]*ent.Course, int, error) {
	if !isStaff(a) {
		return nil, 0, fault.ForbiddenErr()
	}
	q := s.db.Client.Course.Query()
	if !a.IsAdmin() {
		q = q.Where(course.OwnerID(a.PersonID))
	}
	if search = strings.TrimSpace(search); search != "" {
		q = q.Where(course.TitleContainsFold(search))
	}
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("counting courses: %w", err)
	}
	cs, err := q.Order(ent.Desc(course.FieldID)).Offset((max(page, 1) - 1) * PageSize).Limit(PageSize).All(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("listing courses: %w", err)
	}
	return cs, total, nil
}

// LectureRow is a session in the trainer's list, with how many attended.
type LectureRow struct {
	*ent.Lecture
	Attendees int
}

// Lectures lists, page by page, the sessions the actor recorded (all of them for an administrator),
// the most recent first, with titles filtered by search. It also returns how many match.
func (s *Service) Lectures(ctx context.Context, a accounts.Actor, search string, page int) ([]LectureRow, int, error) {
	if !isStaff(a) {
		return nil, 0, fault.ForbiddenErr()
	}
	q := s.db.Client.Lecture.Query()
	if !a.IsAdmin() {
		q = q.Where(lecture.CreatedBy(a.PersonID))
	}
	if search = strings.TrimSpace(search); search != "" {
		q = q.Where(lecture.TitleContainsFold(search))
	}
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("counting lectures: %w", err)
	}
	ls, err := q.Order(ent.Desc(lecture.FieldHeldOn), ent.Desc(lecture.FieldID)).
		Offset((max(page, 1) - 1) * PageSize).Limit(PageSize).All(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("listing lectures: %w", err)
	}
	rows := make([]LectureRow, len(ls))
	ids := make([]int, len(ls))
	for i, l := range ls {
		rows[i].Lecture, ids[i] = l, l.ID
	}
	if len(ids) == 0 {
		return rows, total, nil
	}
	var counts []struct {
		LectureID int `json:"lecture_id"`
		Count     int `json:"count"`
	}
	err = s.db.Client.Attendance.Query().Where(attendance.LectureIDIn(ids...)).
		GroupBy(attendance.FieldLectureID).Aggregate(ent.Count()).Scan(ctx, &counts)
	if err != nil {
		return nil, 0, fmt.Errorf("counting attendees: %w", err)
	}
	n := map[int]int{}
	for _, c := range counts {
		n[c.LectureID] = c.Count
	}
	for i := range rows {
		rows[i].Attendees = n[rows[i].ID]
	}
	return rows, total, nil
}

// Lecture returns a session its creator or an administrator may manage.
func (s *Service) Lecture(ctx context.Context, a accounts.Actor, id int) (*ent.Lecture, error) {
	return s.editableLecture(ctx, a, id)
}

// LectureByCode finds the session whose check-in code was given, for the check-in page. Any signed-in
// person may look: the code itself is the secret. Whether the window is open is CheckIn's business.
func (s *Service) LectureByCode(ctx context.Context, code string) (*ent.Lecture, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return nil, fault.Field("code", "lecture.code_required")
	}
	l, err := s.db.Client.Lecture.Query().Where(lecture.CheckinCode(code)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fault.Field("code", "lecture.code_unknown")
	}
	if err != nil {
		return nil, fmt.Errorf("finding lecture by code: %w", err)
	}
	return l, nil
}

// AttendeeRow is one attendance with the person's name, for the session page.
type AttendeeRow struct {
	PersonID   int
	Name       string
	EmployeeNo string
	UnitName   string
	Hours      float64
	Source     string
	RecordedAt time.Time
}

// AttendeeList is Attendees with names, in the order recorded.
func (s *Service) AttendeeList(ctx context.Context, a accounts.Actor, lectureID int) ([]AttendeeRow, error) {
	atts, err := s.Attendees(ctx, a, lectureID)
	if err != nil {
		return nil, err
	}
	ids := make([]int, len(atts))
	for i, at := range atts {
		ids[i] = at.PersonID
	}
	people, err := s.candidates(ctx, person.IDIn(ids...))
	if err != nil {
		return nil, err
	}
	byID := map[int]Candidate{}
	for _, p := range people {
		byID[p.ID] = p
	}
	rows := make([]AttendeeRow, len(atts))
	for i, at := range atts {
		p := byID[at.PersonID]
		rows[i] = AttendeeRow{PersonID: at.PersonID, Name: p.Name, EmployeeNo: p.EmployeeNo, UnitName: p.UnitName,
			Hours: at.Hours, Source: string(at.Source), RecordedAt: at.RecordedAt}
	}
	return rows, nil
}

// Candidate is a person a trainer may add to a session.
type Candidate struct {
	ID         int
	Name       string
	EmployeeNo string
	UnitName   string
}

// Candidates searches the roster (active people, by name or employee number) for a trainer choosing
// attendees, page by page. Trainers teach the whole bureau, so the search is not limited to a unit.
func (s *Service) Candidates(ctx context.Context, a accounts.Actor, search string, page int) ([]Candidate, int, error) {
	if !isStaff(a) {
		return nil, 0, fault.ForbiddenErr()
	}
	q := s.db.Client.Person.Query().Where(person.StatusEQ(person.StatusActive))
	if search = strings.TrimSpace(search); search != "" {
		q = q.Where(person.Or(person.NameContains(search), person.EmployeeNoContainsFold(search),
			person.UsernameContains(strings.ToLower(search))))
	}
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("counting people: %w", err)
	}
	ids, err := q.Order(ent.Asc(person.FieldUnitID), ent.Asc(person.FieldID)).
		Offset((max(page, 1) - 1) * PageSize).Limit(PageSize).IDs(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("listing people: %w", err)
	}
	out, err := s.candidates(ctx, person.IDIn(ids...))
	return out, total, err
}

// candidates loads people with their unit names, ordered by unit then id.
func (s *Service) candidates(ctx context.Context, where ...predicate.Person) ([]Candidate, error) {
	ps, err := s.db.Client.Person.Query().Where(where...).WithUnit().Order(ent.Asc(person.FieldUnitID), ent.Asc(person.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading people: %w", err)
	}
	out := make([]Candidate, len(ps))
	for i, p := range ps {
		out[i] = Candidate{ID: p.ID, Name: p.Name}
		if p.EmployeeNo != nil {
			out[i].EmployeeNo = *p.EmployeeNo
		}
		if p.Edges.Unit != nil {
			out[i].UnitName = p.Edges.Unit.Name
		}
	}
	return out, nil
}

// Lesson returns a lesson for its course's editor.
func (s *Service) Lesson(ctx context.Context, a accounts.Actor, id int) (*ent.Lesson, error) {
	return s.editableLesson(ctx, a, id)
}

// Material returns an uploaded file's record for trainers and administrators (the lesson form shows
// its name and size).
func (s *Service) Material(ctx context.Context, a accounts.Actor, id int) (*ent.Material, error) {
	if !isStaff(a) {
		return nil, fault.ForbiddenErr()
	}
	m, err := s.db.Client.Material.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("material")
	}
	return m, err
}

// LessonPage is the course page of the lesson's course (with the actor's progress) and the lesson's
// index in it: what the lesson player shows. Permission is CoursePage's.
func (s *Service) LessonPage(ctx context.Context, a accounts.Actor, lessonID int) (*CourseView, int, error) {
	l, err := s.db.Client.Lesson.Get(ctx, lessonID)
	if ent.IsNotFound(err) {
		return nil, 0, fault.NotFoundf("lesson")
	}
	if err != nil {
		return nil, 0, fmt.Errorf("loading lesson %d: %w", lessonID, err)
	}
	v, err := s.CoursePage(ctx, a, l.CourseID)
	if err != nil {
		return nil, 0, err
	}
	for i, lv := range v.Lessons {
		if lv.ID == lessonID {
			return v, i, nil
		}
	}
	return nil, 0, fault.NotFoundf("lesson")
}

// StartedCourses lists the courses the actor has progress on (published or since archived), with
// that progress, most recently studied first: "my progress".
func (s *Service) StartedCourses(ctx context.Context, a accounts.Actor) ([]CourseCard, error) {
	ids, err := s.db.Client.LessonProgress.Query().Where(lessonprogress.PersonID(a.PersonID)).
		Unique(true).Select(lessonprogress.FieldCourseID).Ints(ctx)
	if err != nil {
		return nil, fmt.Errorf("finding started courses: %w", err)
	}
	if len(ids) == 0 {
		return []CourseCard{}, nil
	}
	cs, err := s.db.Client.Course.Query().Where(course.IDIn(ids...)).Order(ent.Desc(course.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading started courses: %w", err)
	}
	cards := make([]CourseCard, len(cs))
	for i, c := range cs {
		cards[i] = CourseCard{ID: c.ID, Title: c.Title, Summary: c.Summary, Tags: c.Tags, CreditHours: c.CreditHours}
	}
	return cards, s.fillProgress(ctx, a.PersonID, cards)
}
