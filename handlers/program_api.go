package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/ent"
	"peixun/ent/schema"
	"peixun/training"
)

// ProgramJSON is a program as the API shows it.
type ProgramJSON struct {
	ID           int                 `json:"id"`
	Name         string              `json:"name"`
	Kind         string              `json:"kind"`
	Description  string              `json:"description,omitempty"`
	Status       string              `json:"status"`
	StartsAt     time.Time           `json:"starts_at"`
	DueAt        time.Time           `json:"due_at"`
	TargetRate   float64             `json:"target_rate"`
	Audience     schema.Audience     `json:"audience"`
	Requirements schema.Requirements `json:"requirements"`
	MinEvents    int                 `json:"min_events"`
	Certificate  bool                `json:"certificate"`
}

// EnrollmentJSON is one person's enrollment in a program.
type EnrollmentJSON struct {
	ID           int        `json:"id"`
	ProgramID    int        `json:"program_id,omitempty"`
	PersonID     int        `json:"person_id"`
	Name         string     `json:"name,omitempty"`
	Username     string     `json:"username,omitempty"`
	EmployeeNo   string     `json:"employee_no,omitempty"`
	UnitID       int        `json:"unit_id"`
	UnitName     string     `json:"unit_name,omitempty"`
	Status       string     `json:"status"`
	Progress     float64    `json:"progress"`
	CompletedAt  *time.Time `json:"completed_at,omitempty"`
	LeftScopeAt  *time.Time `json:"left_scope_at,omitempty"`
	ExemptReason string     `json:"exempt_reason,omitempty"`
}

// FiguresJSON are completion counts; rate is percent of in scope less exempt.
type FiguresJSON struct {
	InScope   int     `json:"in_scope"`
	Completed int     `json:"completed"`
	Exempt    int     `json:"exempt"`
	Overdue   int     `json:"overdue"`
	Rate      float64 `json:"rate"`
}

// UnitCompletionJSON is one unit's line of a program's completion.
type UnitCompletionJSON struct {
	UnitID   int         `json:"unit_id"`
	ParentID int         `json:"parent_id,omitempty"`
	Name     string      `json:"name"`
	Depth    int         `json:"depth"`
	Direct   FiguresJSON `json:"direct"`
	Subtree  FiguresJSON `json:"subtree"`
	Behind   bool        `json:"behind"`
}

func programJSON(p *ent.Program) ProgramJSON {
	return ProgramJSON{ID: p.ID, Name: p.Name, Kind: string(p.Kind), Description: p.Description, Status: string(p.Status),
		StartsAt: p.StartsAt, DueAt: p.DueAt, TargetRate: p.TargetRate, Audience: p.Audience, Requirements: p.Requirements,
		MinEvents: p.MinEvents, Certificate: p.Certificate}
}

func enrollmentJSON(e *ent.Enrollment) EnrollmentJSON {
	return EnrollmentJSON{ID: e.ID, ProgramID: e.ProgramID, PersonID: e.PersonID, UnitID: e.UnitID, Status: string(e.Status),
		Progress: e.Progress, CompletedAt: e.CompletedAt, LeftScopeAt: e.LeftScopeAt, ExemptReason: e.ExemptReason}
}

func figuresJSON(f training.Figures) FiguresJSON {
	return FiguresJSON{InScope: f.InScope, Completed: f.Completed, Exempt: f.Exempt, Overdue: f.Overdue, Rate: f.Rate()}
}

func (s *Server) apiPrograms(c echo.Context) error {
	f := training.ProgramFilter{Status: c.QueryParam("status"), Kind: c.QueryParam("kind"), Search: c.QueryParam("q")}
	ps, err := s.Training.Programs(c.Request().Context(), actorOf(c), f)
	if err != nil {
		return err
	}
	out := make([]ProgramJSON, len(ps))
	for i, p := range ps {
		out[i] = programJSON(p)
	}
	return c.JSON(http.StatusOK, map[string]any{"programs": out})
}

func (s *Server) apiProgram(c echo.Context) error {
	id, err := paramID(c, "program")
	if err != nil {
		return err
	}
	p, err := s.Training.Program(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, programJSON(p))
}

func (s *Server) apiEnrollments(c echo.Context) error {
	id, err := paramID(c, "program")
	if err != nil {
		return err
	}
	f := training.PeopleFilter{Status: c.QueryParam("status"), Search: c.QueryParam("q")}
	f.UnitID, _ = strconv.Atoi(c.QueryParam("unit"))
	f.Page, _ = strconv.Atoi(c.QueryParam("page"))
	f.PerPage, _ = strconv.Atoi(c.QueryParam("per_page"))
	page, err := s.Training.ProgramPeople(c.Request().Context(), actorOf(c), id, f)
	if err != nil {
		return err
	}
	items := make([]EnrollmentJSON, len(page.Items))
	for i, l := range page.Items {
		items[i] = EnrollmentJSON{ID: l.EnrollmentID, PersonID: l.PersonID, Name: l.Name, Username: l.Username,
			EmployeeNo: l.EmployeeNo, UnitID: l.UnitID, UnitName: l.UnitName, Status: l.Status, Progress: l.Progress,
			CompletedAt: l.CompletedAt, LeftScopeAt: l.LeftScopeAt, ExemptReason: l.ExemptReason}
	}
	return c.JSON(http.StatusOK, map[string]any{"enrollments": items, "total": page.Total, "page": page.Page,
		"per_page": page.PerPage, "pages": page.Pages()})
}

func (s *Server) apiCompletion(c echo.Context) error {
	id, err := paramID(c, "program")
	if err != nil {
		return err
	}
	v, err := s.Training.ProgramView(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	units := make([]UnitCompletionJSON, len(v.Units))
	for i, u := range v.Units {
		units[i] = UnitCompletionJSON{UnitID: u.UnitID, ParentID: u.ParentID, Name: u.Name, Depth: u.Depth,
			Direct: figuresJSON(u.Direct), Subtree: figuresJSON(u.Subtree), Behind: u.Behind}
	}
	return c.JSON(http.StatusOK, map[string]any{"program_id": v.Program.ID, "at": v.Now, "expected_rate": v.Expected,
		"target_rate": v.Program.TargetRate, "total": figuresJSON(v.Total), "behind": v.Behind, "units": units})
}

// exemptRequest is the body of an exemption.
type exemptRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) apiExempt(c echo.Context) error {
	id, err := paramID(c, "enrollment")
	if err != nil {
		return err
	}
	var r exemptRequest
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	e, err := s.Training.Exempt(c.Request().Context(), actorOf(c), c.RealIP(), id, r.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, enrollmentJSON(e))
}

func (s *Server) apiUnexempt(c echo.Context) error {
	id, err := paramID(c, "enrollment")
	if err != nil {
		return err
	}
	e, err := s.Training.Unexempt(c.Request().Context(), actorOf(c), c.RealIP(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, enrollmentJSON(e))
}

// remindRequest is the body of a bulk reminder.
type remindRequest struct {
	PersonIDs []int `json:"person_ids"`
}

func (s *Server) apiRemind(c echo.Context) error {
	id, err := paramID(c, "program")
	if err != nil {
		return err
	}
	var r remindRequest
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	n, err := s.Training.RemindPeople(c.Request().Context(), actorOf(c), c.RealIP(), id, r.PersonIDs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"reminded": n})
}

func (s *Server) apiMyPrograms(c echo.Context) error {
	mine, err := s.Training.MyPrograms(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	type line struct {
		Program    ProgramJSON    `json:"program"`
		Enrollment EnrollmentJSON `json:"enrollment"`
	}
	out := make([]line, len(mine))
	for i, m := range mine {
		out[i] = line{Program: programJSON(m.Program), Enrollment: enrollmentJSON(m.Enrollment)}
	}
	return c.JSON(http.StatusOK, map[string]any{"programs": out})
}
