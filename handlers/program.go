package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/schema"
	"peixun/fault"
	"peixun/training"
)

// programStatuses are the statuses a program list filters by.
var programStatuses = []string{training.StatusDraft, training.StatusActive, training.StatusClosed}

// ProgramsView is the list of programs (trainers, managers, administrators) or, for a learner, the
// programs they are enrolled in.
type ProgramsView struct {
	Items     []*ent.Program
	Mine      []MyProgramLine
	Learner   bool
	CanAuthor bool
	Kinds     []string
	Statuses  []string
	Filter    training.ProgramFilter
	Page      int
	Pages     int
	Total     int
}

// programsPerPage is the length of a page of the programs list.
const programsPerPage = 20

func canAuthor(a accounts.Actor) bool { return a.IsAdmin() || a.Has(accounts.RoleTrainer) }

// isLearnerOnly tells whether the caller sees programs only as a learner: no unit scope to
// manage and no programs to author.
func isLearnerOnly(a accounts.Actor) bool { return !canAuthor(a) && a.ScopePath() == "" }

func (s *Server) programsPage(c echo.Context) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	v := ProgramsView{CanAuthor: canAuthor(a), Kinds: training.Kinds, Statuses: programStatuses, Page: 1}
	if isLearnerOnly(a) {
		mine, err := s.Training.MyPrograms(ctx, a)
		if err != nil {
			return err
		}
		v.Learner, v.Mine = true, myLines(mine)
		return s.render(c, http.StatusOK, "programs.html", s.page(c, "title.programs_mine", v))
	}
	v.Filter = training.ProgramFilter{Status: c.QueryParam("status"), Kind: c.QueryParam("kind"), Search: c.QueryParam("q")}
	if v.Filter.Status != "" && !slices.Contains(programStatuses, v.Filter.Status) {
		return fault.Field("status", "training.filter_invalid")
	}
	if v.Filter.Kind != "" && !slices.Contains(training.Kinds, v.Filter.Kind) {
		return fault.Field("kind", "program.kind_invalid")
	}
	items, err := s.Training.Programs(ctx, a, v.Filter)
	if err != nil {
		return err
	}
	v.Total = len(items)
	v.Pages = max((v.Total+programsPerPage-1)/programsPerPage, 1)
	if n, _ := strconv.Atoi(c.QueryParam("page")); n > 1 {
		v.Page = min(n, v.Pages)
	}
	from := (v.Page - 1) * programsPerPage
	v.Items = items[from:min(from+programsPerPage, len(items))]
	return s.render(c, http.StatusOK, "programs.html", s.page(c, "title.programs", v))
}

// programForm is the program form as typed: strings and chosen options, so that a form with a
// mistake comes back exactly as it was sent.
type programForm struct {
	Name, Kind, Description, StartsAt, DueAt, TargetRate string
	Categories                                           []string
	UnitIDs, CourseIDs                                   map[int]bool
	Include, Exclude                                     string
	MinHours, QuizID, MinEvents                          string
	Certificate                                          bool
	CertPrefix, CertTitle, CertBody, CertValidMonths     string
}

// ProgramFormView is the create and edit form.
type ProgramFormView struct {
	Program *ent.Program // nil when new
	F       programForm
	Choices training.FormChoices
	Kinds   []string
}

func formOfProgram(p *ent.Program, include, exclude string) programForm {
	f := programForm{Name: p.Name, Kind: string(p.Kind), Description: p.Description,
		StartsAt: p.StartsAt.In(shanghai).Format(time.DateOnly), DueAt: p.DueAt.In(shanghai).Format(time.DateOnly),
		TargetRate: strconv.FormatFloat(p.TargetRate, 'f', -1, 64), Categories: p.Audience.Categories,
		UnitIDs: setOf(p.Audience.UnitIDs), CourseIDs: setOf(p.Requirements.CourseIDs), Include: include, Exclude: exclude,
		MinHours: strconv.FormatFloat(p.Requirements.MinHours, 'f', -1, 64), QuizID: strconv.Itoa(p.Requirements.QuizID),
		MinEvents: strconv.Itoa(p.MinEvents), Certificate: p.Certificate, CertPrefix: p.CertPrefix, CertTitle: p.CertTitle,
		CertBody: p.CertBody, CertValidMonths: strconv.Itoa(p.CertValidMonths)}
	return f
}

func setOf(ids []int) map[int]bool {
	m := map[int]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// readProgramForm reads the posted form.
func readProgramForm(c echo.Context) (programForm, error) {
	form, err := c.FormParams()
	if err != nil {
		return programForm{}, fault.New(fault.Invalid, "form.unreadable")
	}
	f := programForm{Name: form.Get("name"), Kind: form.Get("kind"), Description: form.Get("description"),
		StartsAt: strings.TrimSpace(form.Get("starts_at")), DueAt: strings.TrimSpace(form.Get("due_at")),
		TargetRate: strings.TrimSpace(form.Get("target_rate")), Categories: form["categories"],
		UnitIDs: map[int]bool{}, CourseIDs: map[int]bool{}, Include: form.Get("include"), Exclude: form.Get("exclude"),
		MinHours: strings.TrimSpace(form.Get("min_hours")), QuizID: strings.TrimSpace(form.Get("quiz_id")),
		MinEvents: strings.TrimSpace(form.Get("min_events")), Certificate: form.Get("certificate") != "",
		CertPrefix: form.Get("cert_prefix"), CertTitle: form.Get("cert_title"), CertBody: form.Get("cert_body"),
		CertValidMonths: strings.TrimSpace(form.Get("cert_valid_months"))}
	for field, set := range map[string]map[int]bool{"unit_ids": f.UnitIDs, "course_ids": f.CourseIDs} {
		for _, v := range form[field] {
			id, err := strconv.Atoi(v)
			if err != nil {
				return f, fault.Field(field, "field.bad_number")
			}
			set[id] = true
		}
	}
	return f, nil
}

// input turns the form into the service's input; people written by hand are resolved by the service.
func (s *Server) programInput(c echo.Context, f programForm) (training.ProgramInput, error) {
	in := training.ProgramInput{Name: f.Name, Kind: f.Kind, Description: f.Description, Certificate: f.Certificate,
		CertPrefix: f.CertPrefix, CertTitle: f.CertTitle, CertBody: f.CertBody}
	var err error
	if in.StartsAt, err = formDate(f.StartsAt, "starts_at", false); err != nil {
		return in, err
	}
	if in.DueAt, err = formDate(f.DueAt, "due_at", true); err != nil {
		return in, err
	}
	if f.TargetRate != "" {
		t, err := strconv.ParseFloat(f.TargetRate, 64)
		if err != nil {
			return in, fault.Field("target_rate", "field.bad_number")
		}
		in.TargetRate = &t
	}
	nums := []struct {
		field, text string
		into        *int
	}{{"requirements.quiz_id", f.QuizID, &in.Requirements.QuizID}, {"min_events", f.MinEvents, &in.MinEvents},
		{"cert_valid_months", f.CertValidMonths, &in.CertValidMonths}}
	for _, n := range nums {
		if n.text == "" {
			continue
		}
		if *n.into, err = strconv.Atoi(n.text); err != nil {
			return in, fault.Field(n.field, "field.bad_number")
		}
	}
	if f.MinHours != "" {
		if in.Requirements.MinHours, err = strconv.ParseFloat(f.MinHours, 64); err != nil {
			return in, fault.Field("requirements.min_hours", "field.bad_number")
		}
	}
	in.Audience = schema.Audience{Categories: f.Categories, UnitIDs: sortedIDs(f.UnitIDs)}
	in.Requirements.CourseIDs = sortedIDs(f.CourseIDs)
	ctx, a := c.Request().Context(), actorOf(c)
	if in.Audience.Include, err = s.Training.ResolvePeople(ctx, a, "audience.include", f.Include); err != nil {
		return in, err
	}
	if in.Audience.Exclude, err = s.Training.ResolvePeople(ctx, a, "audience.exclude", f.Exclude); err != nil {
		return in, err
	}
	return in, nil
}

// formDate reads a YYYY-MM-DD date in Asia/Shanghai: its first moment, or for a due date its last
// minute, so that the due day itself still counts.
func formDate(v, field string, endOfDay bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil // the service names the missing field
	}
	d, err := time.ParseInLocation(time.DateOnly, v, shanghai)
	if err != nil {
		return time.Time{}, fault.Field(field, "field.bad_date")
	}
	if endOfDay {
		d = d.AddDate(0, 0, 1).Add(-time.Minute)
	}
	return d, nil
}

func sortedIDs(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for id, ok := range m {
		if ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func (s *Server) renderProgramForm(c echo.Context, status int, p *ent.Program, f programForm, err error) error {
	choices, cerr := s.Training.ProgramChoices(c.Request().Context(), actorOf(c))
	if cerr != nil {
		return cerr
	}
	title := "title.program_new"
	if p != nil {
		title = "title.program_edit"
	}
	page := s.page(c, title, ProgramFormView{Program: p, F: f, Choices: choices, Kinds: training.Kinds})
	if err != nil {
		if ferr := s.formErrors(c, page, err); ferr != nil {
			return ferr
		}
	}
	return s.render(c, status, "program_form.html", page)
}

func (s *Server) newProgramPage(c echo.Context) error {
	now := s.Training.Now().In(shanghai)
	f := programForm{Kind: "rotation", TargetRate: "100", StartsAt: now.Format(time.DateOnly),
		DueAt: now.AddDate(0, 6, 0).Format(time.DateOnly), UnitIDs: map[int]bool{}, CourseIDs: map[int]bool{}}
	return s.renderProgramForm(c, http.StatusOK, nil, f, nil)
}

func (s *Server) createProgram(c echo.Context) error {
	f, err := readProgramForm(c)
	if err == nil {
		var in training.ProgramInput
		if in, err = s.programInput(c, f); err == nil {
			var p *ent.Program
			if p, err = s.Training.CreateProgram(c.Request().Context(), actorOf(c), in); err == nil {
				return redirect(c, "/programs/"+strconv.Itoa(p.ID)+"?ok=program_created")
			}
		}
	}
	return s.renderProgramForm(c, http.StatusUnprocessableEntity, nil, f, err)
}

func (s *Server) editProgramPage(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := paramID(c, "program")
	if err != nil {
		return err
	}
	p, err := s.Training.Program(ctx, actorOf(c), id)
	if err != nil {
		return err
	}
	include, err := s.Training.PeopleLabels(ctx, p.Audience.Include)
	if err != nil {
		return err
	}
	exclude, err := s.Training.PeopleLabels(ctx, p.Audience.Exclude)
	if err != nil {
		return err
	}
	return s.renderProgramForm(c, http.StatusOK, p, formOfProgram(p, include, exclude), nil)
}

func (s *Server) updateProgram(c echo.Context) error {
	id, err := paramID(c, "program")
	if err != nil {
		return err
	}
	old, err := s.Training.Program(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	f, err := readProgramForm(c)
	if err == nil {
		var in training.ProgramInput
		if in, err = s.programInput(c, f); err == nil {
			if _, err = s.Training.UpdateProgram(c.Request().Context(), actorOf(c), id, in); err == nil {
				return redirect(c, "/programs/"+strconv.Itoa(id)+"?ok=program_saved")
			}
		}
	}
	return s.renderProgramForm(c, http.StatusUnprocessableEntity, old, f, err)
}

func (s *Server) setProgramStatus(c echo.Context) error {
	id, err := paramID(c, "program")
	if err != nil {
		return err
	}
	if _, err := s.Training.SetProgramStatus(c.Request().Context(), actorOf(c), id, c.FormValue("status")); err != nil {
		return err
	}
	return redirect(c, "/programs/"+strconv.Itoa(id)+"?ok=program_status")
}

func (s *Server) deleteProgram(c echo.Context) error {
	id, err := paramID(c, "program")
	if err != nil {
		return err
	}
	if err := s.Training.DeleteProgram(c.Request().Context(), actorOf(c), id); err != nil {
		return err
	}
	return redirect(c, "/programs?ok=program_deleted")
}

// MyProgramLine is a learner's program with what its line shows.
type MyProgramLine struct{ training.MyProgram }

// Percent is the learner's progress in percent.
func (m MyProgramLine) Percent() float64 { return m.Enrollment.Progress * 100 }

// Colour is the badge colour of the learner's status.
func (m MyProgramLine) Colour() string { return statusColour(string(m.Enrollment.Status)) }

func myLines(mine []training.MyProgram) []MyProgramLine {
	out := make([]MyProgramLine, len(mine))
	for i, m := range mine {
		out[i] = MyProgramLine{m}
	}
	return out
}

// statusColour is the badge colour of an enrollment status.
func statusColour(status string) string {
	switch status {
	case "completed":
		return "green"
	case "overdue":
		return "red"
	case "in_progress":
		return "amber"
	}
	return "grey"
}
