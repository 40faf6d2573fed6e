package handlers

import (
	"bytes"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"
	"github.com/labstack/echo/v4"

	"peixun/courses"
	"peixun/ent"
	"peixun/fault"
)

// LectureListView is the trainer's list of in-person sessions.
type LectureListView struct {
	Lectures []courses.LectureRow
	Search   string
	Pager    pager
}

// LectureForm holds the session form's values.
type LectureForm struct{ Title, HeldOn, Hours, Trainer string }

// LectureView is one session: its attendees, the roster search to add more, and the check-in link.
type LectureView struct {
	Lecture      *ent.Lecture
	Attendees    []courses.AttendeeRow
	Present      map[int]bool
	Candidates   []courses.Candidate
	Search       string
	Pager        pager
	CheckinURL   string
	CheckinOpen  bool // the window has not closed yet
	Opens        time.Time
	Closes       time.Time
	WindowChoice []int
}

// CheckinView is the learner's check-in page.
type CheckinView struct {
	Code    string
	Lecture *ent.Lecture
	Done    *ent.Attendance
}

func (s *Server) lecturesPage(c echo.Context) error {
	page, q := queryPage(c), c.QueryParam("q")
	rows, total, err := s.Courses.Lectures(c.Request().Context(), actorOf(c), q, page)
	if err != nil {
		return err
	}
	v := LectureListView{Lectures: rows, Search: q, Pager: newPager(page, total, courses.PageSize)}
	return s.render(c, http.StatusOK, "lectures.html", s.page(c, "title.lectures", v))
}

func (s *Server) newLecturePage(c echo.Context) error {
	f := LectureForm{HeldOn: s.Accounts.Now().In(shanghai).Format("2006-01-02"), Hours: "2", Trainer: callerOf(c).Person.Name}
	return s.render(c, http.StatusOK, "lecture_form.html", s.page(c, "title.lecture_new", f))
}

// lectureInput reads a session form (page or API); the date is a day in Asia/Shanghai.
func lectureInput(title, heldOn, hours, trainer string) (courses.LectureInput, error) {
	in := courses.LectureInput{Title: title, Trainer: trainer}
	if v := strings.TrimSpace(heldOn); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, shanghai)
		if err != nil {
			return in, fault.Field("held_on", "field.bad_date")
		}
		in.HeldOn = t.UTC()
	}
	if v := strings.TrimSpace(hours); v != "" {
		h, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return in, fault.Field("hours", "field.bad_number")
		}
		in.Hours = h
	}
	return in, nil
}

func (s *Server) createLecture(c echo.Context) error {
	f := LectureForm{Title: c.FormValue("title"), HeldOn: c.FormValue("held_on"), Hours: c.FormValue("hours"), Trainer: c.FormValue("trainer")}
	in, err := lectureInput(f.Title, f.HeldOn, f.Hours, f.Trainer)
	if err == nil {
		var l *ent.Lecture
		if l, err = s.Courses.RecordLecture(c.Request().Context(), actorOf(c), in); err == nil {
			return redirect(c, "/manage/lectures/"+strconv.Itoa(l.ID)+"?ok=lecture_created")
		}
	}
	p := s.page(c, "title.lecture_new", f)
	if err := s.formErrors(c, p, err); err != nil {
		return err
	}
	return s.render(c, http.StatusUnprocessableEntity, "lecture_form.html", p)
}

func (s *Server) lecturePage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), actorOf(c)
	l, err := s.Courses.Lecture(ctx, a, id)
	if err != nil {
		return err
	}
	att, err := s.Courses.AttendeeList(ctx, a, id)
	if err != nil {
		return err
	}
	page, q := queryPage(c), c.QueryParam("q")
	cands, total, err := s.Courses.Candidates(ctx, a, q, page)
	if err != nil {
		return err
	}
	v := LectureView{Lecture: l, Attendees: att, Present: map[int]bool{}, Candidates: cands, Search: q,
		Pager: newPager(page, total, courses.PageSize), WindowChoice: []int{30, 60, 120, 240, 480}}
	for _, a := range att {
		v.Present[a.PersonID] = true
	}
	if l.CheckinCode != nil && l.CheckinCloses != nil && s.Accounts.Now().Before(*l.CheckinCloses) {
		v.CheckinOpen = true
		v.Opens, v.Closes = *l.CheckinOpens, *l.CheckinCloses
		v.CheckinURL = s.checkinURL(c, *l.CheckinCode)
	}
	p := s.page(c, "title.lecture", v)
	p.Title = l.Title
	return s.render(c, http.StatusOK, "lecture_view.html", p)
}

// checkinURL is the public address of a check-in code: BaseURL when configured, else this request's.
func (s *Server) checkinURL(c echo.Context, code string) string {
	base := strings.TrimRight(s.BaseURL, "/")
	if base == "" {
		base = c.Scheme() + "://" + c.Request().Host
	}
	return base + "/checkin/" + url.PathEscape(code)
}

// personIDs reads the person_id values of a form; a malformed one is reported.
func personIDs(vals []string) ([]int, error) {
	var ids []int
	for _, v := range vals {
		id, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || id <= 0 {
			return nil, fault.Field("attendees", "field.bad_number")
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (s *Server) addAttendees(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return fault.New(fault.Invalid, "form.unreadable")
	}
	ids, err := personIDs(form["person_id"])
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		// Checked after the permission, so that strangers learn nothing.
		if _, err := s.Courses.Lecture(c.Request().Context(), actorOf(c), id); err != nil {
			return err
		}
		return fault.Field("attendees", "lecture.choose_attendees")
	}
	if _, err := s.Courses.AddAttendees(c.Request().Context(), actorOf(c), id, ids); err != nil {
		return err
	}
	back := "/manage/lectures/" + strconv.Itoa(id) + "?ok=attendees_added"
	if q := form.Get("q"); q != "" {
		back += "&q=" + url.QueryEscape(q)
	}
	return redirect(c, back)
}

func (s *Server) removeAttendee(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	pid, _ := strconv.Atoi(c.FormValue("person_id"))
	if err := s.Courses.RemoveAttendee(c.Request().Context(), actorOf(c), id, pid); err != nil {
		return err
	}
	return redirect(c, "/manage/lectures/"+strconv.Itoa(id)+"?ok=attendee_removed")
}

// openCheckIn opens a check-in window from now for the chosen number of minutes.
func (s *Server) openCheckIn(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	minutes, _ := strconv.Atoi(c.FormValue("minutes"))
	if minutes <= 0 {
		minutes = 60
	}
	now := s.Accounts.Now()
	if _, err := s.Courses.OpenCheckIn(c.Request().Context(), actorOf(c), id, now, now.Add(time.Duration(minutes)*time.Minute)); err != nil {
		return err
	}
	return redirect(c, "/manage/lectures/"+strconv.Itoa(id)+"?ok=checkin_opened#checkin")
}

// lectureQR draws the check-in link as a QR code (PNG) for the trainer to show on a screen.
func (s *Server) lectureQR(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	l, err := s.Courses.Lecture(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	if l.CheckinCode == nil {
		return fault.NotFoundf("record")
	}
	code, err := qr.Encode(s.checkinURL(c, *l.CheckinCode), qr.M, qr.Auto)
	if err != nil {
		return err
	}
	scaled, err := barcode.Scale(code, 320, 320)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, scaled); err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "image/png", buf.Bytes())
}

// checkinForm lets a learner type a code (or follows ?code= to its page).
func (s *Server) checkinForm(c echo.Context) error {
	if code := strings.ToUpper(strings.TrimSpace(c.QueryParam("code"))); code != "" {
		return redirect(c, "/checkin/"+url.PathEscape(code))
	}
	return s.render(c, http.StatusOK, "lecture_checkin.html", s.page(c, "title.checkin", CheckinView{}))
}

func (s *Server) checkinPage(c echo.Context) error {
	code := c.Param("code")
	v := CheckinView{Code: code}
	p := s.page(c, "title.checkin", nil)
	l, err := s.Courses.LectureByCode(c.Request().Context(), code)
	if err != nil {
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		p.Data = v
		return s.render(c, http.StatusNotFound, "lecture_checkin.html", p)
	}
	v.Lecture = l
	p.Data = v
	return s.render(c, http.StatusOK, "lecture_checkin.html", p)
}

func (s *Server) checkIn(c echo.Context) error {
	code := c.Param("code")
	ctx := c.Request().Context()
	p := s.page(c, "title.checkin", nil)
	v := CheckinView{Code: code}
	v.Lecture, _ = s.Courses.LectureByCode(ctx, code)
	att, err := s.Courses.CheckIn(ctx, actorOf(c), code)
	if err != nil {
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		p.Data = v
		return s.render(c, http.StatusUnprocessableEntity, "lecture_checkin.html", p)
	}
	v.Done = att
	p.Data = v
	return s.render(c, http.StatusOK, "lecture_checkin.html", p)
}
