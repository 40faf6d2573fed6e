package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/courses"
	"peixun/ent"
)

// CourseCardJSON is a course in a learner's list, with their progress.
type CourseCardJSON struct {
	ID             int      `json:"id"`
	Title          string   `json:"title"`
	Summary        string   `json:"summary"`
	Tags           []string `json:"tags"`
	CreditHours    float64  `json:"credit_hours"`
	Assigned       bool     `json:"assigned"`
	Lessons        int      `json:"lessons"`
	LessonsDone    int      `json:"lessons_done"`
	SecondsStudied int      `json:"seconds_studied"`
	Completed      bool     `json:"completed"`
}

// LessonJSON is a lesson with the caller's progress.
type LessonJSON struct {
	ID              int        `json:"id"`
	Position        int        `json:"position"`
	Title           string     `json:"title"`
	Kind            string     `json:"kind"`
	MaterialURL     string     `json:"material_url,omitempty"`
	URL             string     `json:"url,omitempty"`
	MinSeconds      int        `json:"min_seconds"`
	DurationSeconds int        `json:"duration_seconds,omitempty"`
	SecondsStudied  int        `json:"seconds_studied"`
	LastPosition    float64    `json:"last_position"`
	CompletedAt     *time.Time `json:"completed_at,omitempty"`
}

// CourseJSON is a course with its lessons and the caller's progress.
type CourseJSON struct {
	ID             int          `json:"id"`
	Title          string       `json:"title"`
	Summary        string       `json:"summary"`
	Tags           []string     `json:"tags"`
	CreditHours    float64      `json:"credit_hours"`
	Status         string       `json:"status"`
	NoSkip         bool         `json:"no_skip"`
	AllowDownload  bool         `json:"allow_download"`
	Completed      bool         `json:"completed"`
	ResumeLessonID int          `json:"resume_lesson_id,omitempty"`
	ResumePosition float64      `json:"resume_position"`
	Lessons        []LessonJSON `json:"lessons"`
}

// LectureJSON is an in-person session.
type LectureJSON struct {
	ID            int        `json:"id"`
	Title         string     `json:"title"`
	HeldOn        time.Time  `json:"held_on"`
	Hours         float64    `json:"hours"`
	Trainer       string     `json:"trainer,omitempty"`
	Attendees     int        `json:"attendees"`
	CheckinOpens  *time.Time `json:"checkin_opens,omitempty"`
	CheckinCloses *time.Time `json:"checkin_closes,omitempty"`
}

// AttendeeJSON is one attendance.
type AttendeeJSON struct {
	PersonID   int       `json:"person_id"`
	Name       string    `json:"name"`
	EmployeeNo string    `json:"employee_no,omitempty"`
	Unit       string    `json:"unit"`
	Hours      float64   `json:"hours"`
	Source     string    `json:"source"`
	RecordedAt time.Time `json:"recorded_at"`
}

// lectureRequest is the body of a session create call.
type lectureRequest struct {
	Title     string  `json:"title"`
	HeldOn    string  `json:"held_on"` // YYYY-MM-DD
	Hours     float64 `json:"hours"`
	Trainer   string  `json:"trainer"`
	Attendees []int   `json:"attendees"`
}

func cardsJSON(cards []courses.CourseCard) []CourseCardJSON {
	out := make([]CourseCardJSON, len(cards))
	for i, c := range cards {
		out[i] = CourseCardJSON{ID: c.ID, Title: c.Title, Summary: c.Summary, Tags: c.Tags, CreditHours: c.CreditHours,
			Assigned: c.Assigned, Lessons: c.Lessons, LessonsDone: c.LessonsDone, SecondsStudied: c.SecondsStudied, Completed: c.Completed()}
		if out[i].Tags == nil {
			out[i].Tags = []string{}
		}
	}
	return out
}

func (s *Server) apiCourses(c echo.Context) error {
	page := queryPage(c)
	assigned, err := s.assignedCourses(c)
	if err != nil {
		return err
	}
	cards, total, err := s.Courses.MyCourses(c.Request().Context(), actorOf(c), c.QueryParam("q"), page, assigned)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"courses": cardsJSON(cards), "total": total, "page": page, "per_page": courses.PageSize})
}

func (s *Server) apiCourse(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := s.Courses.CoursePage(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	co := v.Course
	out := CourseJSON{ID: co.ID, Title: co.Title, Summary: co.Summary, Tags: co.Tags, CreditHours: co.CreditHours,
		Status: string(co.Status), NoSkip: co.NoSkip, AllowDownload: co.AllowDownload, Completed: v.Completed,
		ResumeLessonID: v.ResumeLessonID, ResumePosition: v.ResumePosition, Lessons: make([]LessonJSON, len(v.Lessons))}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	for i, l := range v.Lessons {
		out.Lessons[i] = LessonJSON{ID: l.ID, Position: l.Position, Title: l.Title, Kind: string(l.Kind), URL: l.URL,
			MinSeconds: l.MinSeconds, DurationSeconds: l.DurationSeconds, SecondsStudied: l.SecondsStudied,
			LastPosition: l.LastPosition, CompletedAt: l.CompletedAt}
		if l.MaterialID != nil {
			out.Lessons[i].MaterialURL = "/materials/" + strconv.Itoa(*l.MaterialID)
		}
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiMyProgress(c echo.Context) error {
	cards, err := s.Courses.StartedCourses(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"courses": cardsJSON(cards)})
}

func lectureJSON(l *ent.Lecture, attendees int) LectureJSON {
	return LectureJSON{ID: l.ID, Title: l.Title, HeldOn: l.HeldOn, Hours: l.Hours, Trainer: l.Trainer, Attendees: attendees,
		CheckinOpens: l.CheckinOpens, CheckinCloses: l.CheckinCloses}
}

func (s *Server) apiLectures(c echo.Context) error {
	page := queryPage(c)
	rows, total, err := s.Courses.Lectures(c.Request().Context(), actorOf(c), c.QueryParam("q"), page)
	if err != nil {
		return err
	}
	out := make([]LectureJSON, len(rows))
	for i, r := range rows {
		out[i] = lectureJSON(r.Lecture, r.Attendees)
	}
	return c.JSON(http.StatusOK, map[string]any{"lectures": out, "total": total, "page": page, "per_page": courses.PageSize})
}

func (s *Server) apiCreateLecture(c echo.Context) error {
	var r lectureRequest
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	in, err := lectureInput(r.Title, r.HeldOn, "", r.Trainer)
	if err != nil {
		return err
	}
	in.Hours, in.Attendees = r.Hours, r.Attendees
	l, err := s.Courses.RecordLecture(c.Request().Context(), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, lectureJSON(l, len(r.Attendees)))
}

func (s *Server) apiAttendees(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	rows, err := s.Courses.AttendeeList(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	out := make([]AttendeeJSON, len(rows))
	for i, r := range rows {
		out[i] = AttendeeJSON{PersonID: r.PersonID, Name: r.Name, EmployeeNo: r.EmployeeNo, Unit: r.UnitName,
			Hours: r.Hours, Source: r.Source, RecordedAt: r.RecordedAt}
	}
	return c.JSON(http.StatusOK, map[string]any{"attendees": out})
}

func (s *Server) apiAddAttendees(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r struct {
		PersonIDs []int `json:"person_ids"`
	}
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	n, err := s.Courses.AddAttendees(c.Request().Context(), actorOf(c), id, r.PersonIDs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"added": n})
}
