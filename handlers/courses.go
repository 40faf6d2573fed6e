package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"peixun/courses"
	"peixun/ent"
	"peixun/fault"
)

// pager is what a paginated list shows under it.
type pager struct{ Page, Pages, Total int }

func newPager(page, total, size int) pager {
	return pager{Page: max(page, 1), Pages: (total + size - 1) / size, Total: total}
}

// queryPage reads ?page=, 1 when missing or bad.
func queryPage(c echo.Context) int {
	p, _ := strconv.Atoi(c.QueryParam("page"))
	return max(p, 1)
}

// CourseListView is the trainer's list of courses.
type CourseListView struct {
	Courses []*ent.Course
	Search  string
	Pager   pager
}

// CourseForm holds a course form's values, from the record or from what was submitted.
type CourseForm struct {
	Title, Summary, Tags, CreditHours string
	NoSkip, AllowDownload             bool
}

// CourseEditView is the course form with, for an existing course, its lessons.
type CourseEditView struct {
	Course  *ent.Course // nil when new
	Form    CourseForm
	Lessons []*ent.Lesson
	Kinds   []string
}

func (s *Server) manageCoursesPage(c echo.Context) error {
	page, q := queryPage(c), c.QueryParam("q")
	cs, total, err := s.Courses.ManageCourses(c.Request().Context(), actorOf(c), q, page)
	if err != nil {
		return err
	}
	v := CourseListView{Courses: cs, Search: q, Pager: newPager(page, total, courses.PageSize)}
	return s.render(c, http.StatusOK, "course_manage.html", s.page(c, "title.manage_courses", v))
}

func (s *Server) newCoursePage(c echo.Context) error {
	v := CourseEditView{Form: CourseForm{CreditHours: "1", AllowDownload: true}}
	return s.render(c, http.StatusOK, "course_edit.html", s.page(c, "title.course_new", v))
}

func (s *Server) editCoursePage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	v, err := s.courseEditView(c, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "course_edit.html", s.page(c, "title.course_edit", v))
}

func (s *Server) courseEditView(c echo.Context, id int) (CourseEditView, error) {
	co, ls, err := s.Courses.Course(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return CourseEditView{}, err
	}
	if !canEditCourse(c, co) {
		return CourseEditView{}, fault.ForbiddenErr()
	}
	f := CourseForm{Title: co.Title, Summary: co.Summary, Tags: strings.Join(co.Tags, ", "),
		CreditHours: strconv.FormatFloat(co.CreditHours, 'f', -1, 64), NoSkip: co.NoSkip, AllowDownload: co.AllowDownload}
	return CourseEditView{Course: co, Form: f, Lessons: ls, Kinds: lessonKinds}, nil
}

// canEditCourse mirrors the domain's rule for showing edit controls: the owner or an administrator.
// The domain checks again on every change.
func canEditCourse(c echo.Context, co *ent.Course) bool {
	a := actorOf(c)
	return a.IsAdmin() || co.OwnerID == a.PersonID
}

var lessonKinds = []string{courses.KindVideo, courses.KindDocument, courses.KindText, courses.KindLink}

// courseInput reads the course form; a malformed number is reported on its field.
func courseInput(c echo.Context) (courses.CourseInput, CourseForm, error) {
	f := CourseForm{Title: c.FormValue("title"), Summary: c.FormValue("summary"), Tags: c.FormValue("tags"),
		CreditHours: strings.TrimSpace(c.FormValue("credit_hours")), NoSkip: c.FormValue("no_skip") != "",
		AllowDownload: c.FormValue("allow_download") != ""}
	in := courses.CourseInput{Title: f.Title, Summary: strings.TrimSpace(f.Summary), Tags: courseTags(f.Tags),
		NoSkip: f.NoSkip, AllowDownload: f.AllowDownload}
	if f.CreditHours != "" {
		h, err := strconv.ParseFloat(f.CreditHours, 64)
		if err != nil {
			return in, f, fault.Field("credit_hours", "field.bad_number")
		}
		in.CreditHours = h
	}
	if len([]rune(in.Summary)) > 2000 {
		return in, f, fault.Field("summary", "field.too_long", "max", 2000)
	}
	return in, f, nil
}

// courseTags accepts tags separated by commas (Latin or Chinese), 、 or spaces.
func courseTags(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\t' || r == '\n'
	})
}

func (s *Server) createCourse(c echo.Context) error {
	in, f, err := courseInput(c)
	if err == nil {
		var co *ent.Course
		if co, err = s.Courses.CreateCourse(c.Request().Context(), actorOf(c), in); err == nil {
			return redirect(c, "/manage/courses/"+strconv.Itoa(co.ID)+"?ok=course_created")
		}
	}
	p := s.page(c, "title.course_new", CourseEditView{Form: f})
	if err := s.formErrors(c, p, err); err != nil {
		return err
	}
	return s.render(c, http.StatusUnprocessableEntity, "course_edit.html", p)
}

func (s *Server) updateCourse(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in, f, err := courseInput(c)
	if err == nil {
		if _, err = s.Courses.UpdateCourse(c.Request().Context(), actorOf(c), id, in); err == nil {
			return redirect(c, "/manage/courses/"+strconv.Itoa(id)+"?ok=course_saved")
		}
	}
	v, verr := s.courseEditView(c, id)
	if verr != nil {
		return verr
	}
	v.Form = f
	p := s.page(c, "title.course_edit", v)
	if err := s.formErrors(c, p, err); err != nil {
		return err
	}
	return s.render(c, http.StatusUnprocessableEntity, "course_edit.html", p)
}

// setCourseStatus publishes or archives a course. One route with the target status in the form, so
// that a request without it changes nothing.
func (s *Server) setCourseStatus(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), actorOf(c)
	switch c.FormValue("status") {
	case "published":
		_, err = s.Courses.Publish(ctx, a, id)
	case "archived":
		_, err = s.Courses.Archive(ctx, a, id)
	default:
		// Check the permission first, so that a stranger learns nothing about the form.
		if _, _, err := s.Courses.Course(ctx, a, id); err != nil {
			return err
		}
		return fault.Field("status", "course.status_invalid")
	}
	if err != nil {
		return err
	}
	return redirect(c, "/manage/courses/"+strconv.Itoa(id)+"?ok=course_"+c.FormValue("status"))
}

func (s *Server) deleteCourse(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.Courses.DeleteCourse(c.Request().Context(), actorOf(c), id); err != nil {
		return err
	}
	return redirect(c, "/manage/courses?ok=course_deleted")
}
