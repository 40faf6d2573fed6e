package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"peixun/fault"
	"peixun/training"
)

// peopleFilters are the filters of a program's people list.
var peopleFilters = []string{training.FilterIncomplete, training.FilterOverdue, training.FilterCompleted,
	training.FilterExempt, training.FilterLeft}

// ProgramPageView is a program as a manager, trainer or administrator sees it (figures by unit and
// the people list), or as a learner sees it (their own progress).
type ProgramPageView struct {
	View      *training.ProgramView
	People    training.PeoplePage
	Filter    training.PeopleFilter
	Filters   []string
	CanAuthor bool
	CanAct    bool // may remind and exempt: has a unit scope
	Back      string
	Mine      *training.MyProgram
}

// Pace is the colour of a rate against the expected rate: green on pace, amber less than ten
// points behind, red further behind.
func (v ProgramPageView) Pace(f training.Figures, expected float64) string {
	switch {
	case !f.Behind(expected):
		return "green"
	case f.Rate() >= expected-10:
		return "amber"
	}
	return "red"
}

// Indent is the left padding of a unit line, in rem.
func (ProgramPageView) Indent(depth int) int { return max(depth, 0) }

func (s *Server) programPage(c echo.Context) error {
	return s.renderProgramPage(c, http.StatusOK, nil)
}

// renderProgramPage shows the program; err, when it names a field, is shown above the list (a
// reminder or an exemption that was refused).
func (s *Server) renderProgramPage(c echo.Context, status int, actErr error) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	id, err := paramID(c, "program")
	if err != nil {
		if id, err = strconv.Atoi(c.FormValue("program")); err != nil || id <= 0 {
			return actErr
		}
	}
	if isLearnerOnly(a) {
		mine, err := s.Training.MyPrograms(ctx, a)
		if err != nil {
			return err
		}
		for i := range mine {
			if mine[i].Program.ID == id {
				p := s.page(c, "title.program", ProgramPageView{Mine: &mine[i]})
				p.Title = mine[i].Program.Name
				return s.render(c, http.StatusOK, "program_view.html", p)
			}
		}
		_, err = s.Training.Program(ctx, a, id) // not found, or an error
		if err == nil {
			err = echo.ErrNotFound
		}
		return err
	}
	q := c.QueryParams()
	if c.Request().Method == http.MethodPost {
		if back, err := url.ParseQuery(c.FormValue("back")); err == nil {
			q = back
		}
	}
	f := training.PeopleFilter{Status: q.Get("status"), Search: q.Get("q")}
	f.UnitID, _ = strconv.Atoi(q.Get("unit"))
	f.Page, _ = strconv.Atoi(q.Get("page"))
	view, err := s.Training.ProgramView(ctx, a, id)
	if err != nil {
		return err
	}
	people, err := s.Training.ProgramPeople(ctx, a, id, f)
	if err != nil {
		return err
	}
	back := url.Values{}
	for _, k := range []string{"status", "q", "unit", "page"} {
		if v := q.Get(k); v != "" {
			back.Set(k, v)
		}
	}
	v := ProgramPageView{View: view, People: people, Filter: f, Filters: peopleFilters, CanAuthor: canAuthor(a),
		CanAct: a.ScopePath() != "", Back: back.Encode()}
	p := s.page(c, "title.program", v)
	p.Title = view.Program.Name
	p.Query = q
	if n := c.QueryParam("reminded"); n != "" {
		p.Flash = p.T("program.reminded", "n", n)
	}
	if actErr != nil {
		if err := s.formErrors(c, p, actErr); err != nil {
			return err
		}
	}
	return s.render(c, status, "program_view.html", p)
}

// backTo is the program page with the list filters it was left with.
func backTo(programID int, back, extra string) string {
	u := "/programs/" + strconv.Itoa(programID)
	q, _ := url.ParseQuery(back)
	clean := url.Values{}
	for _, k := range []string{"status", "q", "unit", "page"} {
		if v := q.Get(k); v != "" {
			clean.Set(k, v)
		}
	}
	parts := []string{}
	if e := clean.Encode(); e != "" {
		parts = append(parts, e)
	}
	if extra != "" {
		parts = append(parts, extra)
	}
	if len(parts) > 0 {
		u += "?" + strings.Join(parts, "&")
	}
	return u
}

func (s *Server) remindPeople(c echo.Context) error {
	id, err := paramID(c, "program")
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	var ids []int
	for _, v := range form["person_ids"] {
		n, err := strconv.Atoi(v)
		if err != nil {
			return s.renderProgramPage(c, http.StatusUnprocessableEntity, fault.Field("person_ids", "field.bad_number"))
		}
		ids = append(ids, n)
	}
	n, err := s.Training.RemindPeople(c.Request().Context(), actorOf(c), c.RealIP(), id, ids)
	if err != nil {
		return s.renderProgramPage(c, http.StatusUnprocessableEntity, err)
	}
	return redirect(c, backTo(id, form.Get("back"), "reminded="+strconv.Itoa(n)))
}

func (s *Server) exemptEnrollment(c echo.Context) error {
	id, err := paramID(c, "enrollment")
	if err != nil {
		return err
	}
	e, err := s.Training.Exempt(c.Request().Context(), actorOf(c), c.RealIP(), id, c.FormValue("reason"))
	if err != nil {
		return s.renderProgramPage(c, http.StatusUnprocessableEntity, err)
	}
	return redirect(c, backTo(e.ProgramID, c.FormValue("back"), "ok=exempted"))
}

func (s *Server) unexemptEnrollment(c echo.Context) error {
	id, err := paramID(c, "enrollment")
	if err != nil {
		return err
	}
	e, err := s.Training.Unexempt(c.Request().Context(), actorOf(c), c.RealIP(), id)
	if err != nil {
		return err
	}
	return redirect(c, backTo(e.ProgramID, c.FormValue("back"), "ok=unexempted"))
}

// Colour is the badge colour of an enrollment status.
func (ProgramPageView) Colour(status string) string { return statusColour(status) }

// Percent turns a progress between 0 and 1 into percent.
func (ProgramPageView) Percent(progress float64) float64 { return progress * 100 }
