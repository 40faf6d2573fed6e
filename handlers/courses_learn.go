package handlers

import (
	"html/template"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/courses"
	"peixun/fault"
)

// MyCoursesView is the learner's list of courses.
type MyCoursesView struct {
	Cards  []courses.CourseCard
	Search string
	Pager  pager
}

// CoursePageView is a learner's course page.
type CoursePageView struct {
	*courses.CourseView
	Rows       []lessonRow
	Done       int
	ResumeURL  string // where "continue" leads
	ResumeFrom string // m:ss of the resume position, for videos
}

// lessonRow is a lesson on the course page with its study time written out.
type lessonRow struct {
	courses.LessonView
	Studied string
}

// LessonPlayerView is the lesson player.
type LessonPlayerView struct {
	Course   *courses.CourseView
	Lesson   courses.LessonView
	Index    int
	Prev     int // lesson ids, 0 when none
	Next     int
	Body     template.HTML // a text lesson's body, sanitized when saved
	Download bool          // the course allows downloads
	Studied  string        // m:ss studied so far
	MinText  string        // m:ss needed
}

func (s *Server) myCoursesPage(c echo.Context) error {
	page, q := queryPage(c), c.QueryParam("q")
	assigned, err := s.assignedCourses(c)
	if err != nil {
		return err
	}
	cards, total, err := s.Courses.MyCourses(c.Request().Context(), actorOf(c), q, page, assigned)
	if err != nil {
		return err
	}
	v := MyCoursesView{Cards: cards, Search: q, Pager: newPager(page, total, courses.PageSize)}
	return s.render(c, http.StatusOK, "courses.html", s.page(c, "title.my_courses", v))
}

func (s *Server) coursePage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cv, err := s.Courses.CoursePage(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	v := CoursePageView{CourseView: cv}
	for _, l := range cv.Lessons {
		v.Rows = append(v.Rows, lessonRow{LessonView: l, Studied: clockText(float64(l.SecondsStudied))})
		if l.CompletedAt != nil {
			v.Done++
		}
	}
	switch {
	case cv.ResumeLessonID != 0:
		v.ResumeURL = "/lessons/" + strconv.Itoa(cv.ResumeLessonID)
		if cv.ResumePosition > 0 {
			v.ResumeFrom = clockText(cv.ResumePosition)
		}
	case len(cv.Lessons) > 0:
		v.ResumeURL = "/lessons/" + strconv.Itoa(cv.Lessons[0].ID)
	}
	p := s.page(c, "title.course", v)
	p.Title = cv.Course.Title
	return s.render(c, http.StatusOK, "course_view.html", p)
}

// clockText writes seconds as m:ss (or h:mm:ss).
func clockText(sec float64) string {
	d := time.Duration(sec) * time.Second
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return strconv.Itoa(h) + ":" + pad2(m) + ":" + pad2(s)
	}
	return strconv.Itoa(m) + ":" + pad2(s)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func (s *Server) lessonPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cv, i, err := s.Courses.LessonPage(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	v := LessonPlayerView{Course: cv, Lesson: cv.Lessons[i], Index: i + 1, Download: cv.Course.AllowDownload,
		Studied: clockText(float64(cv.Lessons[i].SecondsStudied)), MinText: clockText(float64(cv.Lessons[i].MinSeconds))}
	if i > 0 {
		v.Prev = cv.Lessons[i-1].ID
	}
	if i+1 < len(cv.Lessons) {
		v.Next = cv.Lessons[i+1].ID
	}
	if v.Lesson.Kind == "text" {
		v.Body = template.HTML(v.Lesson.Body) // sanitized by the domain when it was saved
	}
	p := s.page(c, "title.lesson", v)
	p.Title = v.Lesson.Title
	return s.render(c, http.StatusOK, "course_lesson.html", p)
}

// serveMaterial sends an uploaded file with Range support (206/416), a strong ETag from its SHA-256
// and Last-Modified, after courses.Open checked the caller's permission. PDFs and videos are shown
// inline; ?download=1 makes an attachment where the course allows downloads.
func (s *Server) serveMaterial(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := s.Courses.Open(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	defer f.Close()
	download := c.QueryParam("download") == "1"
	if download && !f.AllowDownload {
		return fault.New(fault.Forbidden, "material.download_off")
	}
	h := c.Response().Header()
	disposition := "inline"
	if download {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.FileName}))
	h.Set(echo.HeaderContentType, f.ContentType)
	h.Set("ETag", `"`+f.SHA256+`"`)
	// The bytes under one id never change; the permission may, so only the browser keeps a copy.
	h.Set("Cache-Control", "private, max-age=3600")
	// The lesson player frames PDFs from this origin; nothing else may.
	h.Set("Content-Security-Policy", "frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	http.ServeContent(c.Response(), c.Request(), "", f.ModTime, f)
	return nil
}

// progressRequest is the body of a progress report: JSON from the player, or a form.
type progressRequest struct {
	Position float64 `json:"position" form:"position"`
}

// ProgressJSON is a lesson's progress as the API shows it.
type ProgressJSON struct {
	LessonID        int        `json:"lesson_id"`
	CourseID        int        `json:"course_id"`
	SecondsStudied  int        `json:"seconds_studied"`
	LastPosition    float64    `json:"last_position"`
	MaxPosition     float64    `json:"max_position"`
	Credited        int        `json:"credited"`
	Completed       bool       `json:"completed"`
	CompletedAt     *time.Time `json:"completed_at,omitempty"`
	JustCompleted   bool       `json:"just_completed"`
	CourseCompleted bool       `json:"course_completed"`
}

func (s *Server) apiReportProgress(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r progressRequest
	if c.Request().ContentLength != 0 {
		if err := (&echo.DefaultBinder{}).BindBody(c, &r); err != nil {
			return fault.Field("position", "progress.position_invalid")
		}
	}
	// The server's clock, never the client's: study time is credited from when reports arrive.
	p, err := s.Courses.Report(c.Request().Context(), actorOf(c), id, r.Position, s.Accounts.Now())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ProgressJSON{LessonID: p.LessonID, CourseID: p.CourseID, SecondsStudied: p.SecondsStudied,
		LastPosition: p.LastPosition, MaxPosition: p.MaxPosition, Credited: p.Credited, Completed: p.Completed(),
		CompletedAt: p.CompletedAt, JustCompleted: p.JustCompleted, CourseCompleted: p.CourseCompleted})
}

// HoursJSON is a person's credit hours of a year.
type HoursJSON struct {
	Year     int     `json:"year"`
	Courses  float64 `json:"courses"`
	Lectures float64 `json:"lectures"`
	Total    float64 `json:"total"`
}

func (s *Server) apiMyHours(c echo.Context) error {
	year := s.Accounts.Now().In(shanghai).Year()
	if v := strings.TrimSpace(c.QueryParam("year")); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return fault.Field("year", "field.bad_number")
		}
		year = y
	}
	h, err := s.Courses.HoursForYear(c.Request().Context(), actorOf(c).PersonID, year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, HoursJSON{Year: year, Courses: h.Courses, Lectures: h.Lectures, Total: h.Total()})
}

// assignedCourses are the courses the caller's programs require; "my courses" lists them first.
func (s *Server) assignedCourses(c echo.Context) ([]int, error) {
	if s.Training == nil {
		return nil, nil
	}
	return s.Training.AssignedCourses(c.Request().Context(), actorOf(c))
}
