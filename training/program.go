package training

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"peixun/accounts"
	"peixun/certificates"
	"peixun/ent"
	"peixun/ent/course"
	"peixun/ent/enrollment"
	"peixun/ent/person"
	"peixun/ent/program"
	"peixun/ent/quiz"
	"peixun/ent/schema"
	"peixun/ent/unit"
	"peixun/fault"
)

// Kinds of program, as the work plan names them.
var Kinds = []string{"rotation", "auxiliary", "law_study", "competition", "other"}

// Program statuses: a draft enrolls nobody; an active program is synchronized and evaluated; a
// closed one keeps its figures frozen.
const (
	StatusDraft  = "draft"
	StatusActive = "active"
	StatusClosed = "closed"
)

// ProgramInput is everything an administrator or trainer sets on a program.
type ProgramInput struct {
	Name            string
	Kind            string
	Description     string
	StartsAt        time.Time
	DueAt           time.Time
	TargetRate      *float64 // percent, 0-100; nil means 100
	Audience        schema.Audience
	Requirements    schema.Requirements
	MinEvents       int // in-person sessions to attend from the start of the program
	Certificate     bool
	CertPrefix      string // e.g. YH-2021-LX; empty gives PX-<year>-<id>
	CertTitle       string
	CertBody        string
	CertValidMonths int
}

var prefixPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,31}$`)

// clean normalizes the input and checks it against the database; the first problem is returned as a
// *fault.Error naming the field.
func (in *ProgramInput) clean(ctx context.Context, c *ent.Client) error {
	in.Name = strings.TrimSpace(in.Name)
	in.CertPrefix = strings.ToUpper(strings.TrimSpace(in.CertPrefix))
	switch {
	case in.Name == "":
		return fault.Field("name", "program.name_required")
	case utf8.RuneCountInString(in.Name) > 200:
		return fault.Field("name", "program.name_too_long", "max", 200)
	case in.Kind == "":
		in.Kind = "rotation"
	}
	if !slices.Contains(Kinds, in.Kind) {
		return fault.Field("kind", "program.kind_invalid")
	}
	if in.StartsAt.IsZero() {
		return fault.Field("starts_at", "program.start_required")
	}
	if in.DueAt.IsZero() {
		return fault.Field("due_at", "program.due_required")
	}
	if !in.StartsAt.Before(in.DueAt) {
		return fault.Field("due_at", "program.due_before_start")
	}
	in.StartsAt, in.DueAt = in.StartsAt.UTC().Truncate(time.Microsecond), in.DueAt.UTC().Truncate(time.Microsecond)
	if in.TargetRate == nil {
		t := 100.0
		in.TargetRate = &t
	}
	if *in.TargetRate < 0 || *in.TargetRate > 100 {
		return fault.Field("target_rate", "program.target_range", "min", 0, "max", 100)
	}
	if err := in.cleanAudience(ctx, c); err != nil {
		return err
	}
	if err := in.cleanRequirements(ctx, c); err != nil {
		return err
	}
	if in.Certificate {
		if in.CertPrefix != "" && !prefixPattern.MatchString(in.CertPrefix) {
			return fault.Field("cert_prefix", "program.cert_prefix_invalid")
		}
		if err := certificates.ValidateTemplate(in.CertTitle, in.CertBody); err != nil {
			return err
		}
		if in.CertValidMonths < 0 || in.CertValidMonths > 600 {
			return fault.Field("cert_valid_months", "program.cert_valid_range", "min", 0, "max", 600)
		}
	}
	return nil
}

func (in *ProgramInput) cleanAudience(ctx context.Context, c *ent.Client) error {
	a := &in.Audience
	a.Categories, a.UnitIDs, a.Include, a.Exclude = uniq(a.Categories), uniq(a.UnitIDs), uniq(a.Include), uniq(a.Exclude)
	for _, cat := range a.Categories {
		if !slices.Contains(accounts.Categories, cat) {
			return fault.Field("audience.categories", "program.category_invalid", "value", cat)
		}
	}
	if n, err := c.Unit.Query().Where(unit.IDIn(a.UnitIDs...)).Count(ctx); err != nil {
		return fmt.Errorf("checking audience units: %w", err)
	} else if n != len(a.UnitIDs) {
		return fault.Field("audience.unit_ids", "program.unit_unknown")
	}
	for field, ids := range map[string][]int{"audience.include": a.Include, "audience.exclude": a.Exclude} {
		if n, err := c.Person.Query().Where(person.IDIn(ids...)).Count(ctx); err != nil {
			return fmt.Errorf("checking audience people: %w", err)
		} else if n != len(ids) {
			return fault.Field(field, "program.person_unknown")
		}
	}
	for _, id := range a.Include {
		if slices.Contains(a.Exclude, id) {
			return fault.Field("audience.exclude", "program.person_included_and_excluded", "id", id)
		}
	}
	return nil
}

func (in *ProgramInput) cleanRequirements(ctx context.Context, c *ent.Client) error {
	r := &in.Requirements
	r.CourseIDs = uniq(r.CourseIDs)
	if n, err := c.Course.Query().Where(course.IDIn(r.CourseIDs...)).Count(ctx); err != nil {
		return fmt.Errorf("checking required courses: %w", err)
	} else if n != len(r.CourseIDs) {
		return fault.Field("requirements.course_ids", "program.course_unknown")
	}
	if r.MinHours < 0 || r.MinHours > 1000 {
		return fault.Field("requirements.min_hours", "program.hours_range", "min", 0, "max", 1000)
	}
	if r.QuizID < 0 {
		return fault.Field("requirements.quiz_id", "program.quiz_unknown")
	}
	if r.QuizID > 0 {
		if ok, err := c.Quiz.Query().Where(quiz.ID(r.QuizID)).Exist(ctx); err != nil {
			return fmt.Errorf("checking required quiz: %w", err)
		} else if !ok {
			return fault.Field("requirements.quiz_id", "program.quiz_unknown")
		}
	}
	if in.MinEvents < 0 || in.MinEvents > 1000 {
		return fault.Field("min_events", "program.events_range", "min", 0, "max", 1000)
	}
	if len(r.CourseIDs) == 0 && r.MinHours == 0 && r.QuizID == 0 && in.MinEvents == 0 {
		return fault.Field("requirements", "program.no_requirement")
	}
	return nil
}

func uniq[T comparable](xs []T) []T {
	var out []T
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// canAuthor tells whether the actor may create and change programs: administrators and trainers.
func canAuthor(a accounts.Actor) bool { return a.IsAdmin() || a.Has(accounts.RoleTrainer) }

// CreateProgram saves a new program as a draft; Activate starts enrolling.
func (s *Service) CreateProgram(ctx context.Context, actor accounts.Actor, in ProgramInput) (*ent.Program, error) {
	if !canAuthor(actor) {
		return nil, fault.ForbiddenErr()
	}
	if err := in.clean(ctx, s.client); err != nil {
		return nil, err
	}
	var p *ent.Program
	err := s.withTx(ctx, func(tx *ent.Tx) error {
		q := tx.Program.Create().SetStatus(program.StatusDraft)
		if actor.PersonID != 0 {
			q.SetCreatedBy(actor.PersonID)
		}
		applyInput(q.Mutation(), in)
		var err error
		if p, err = q.Save(ctx); err != nil {
			return fmt.Errorf("creating program: %w", err)
		}
		return accounts.Audit(ctx, tx.Client(), actor, "", "program.create", "program", p.ID, map[string]any{"name": p.Name})
	})
	return p, err
}

// UpdateProgram changes a program. On an active program the enrollment is synchronized with the new
// audience and everyone is evaluated against the new requirements at once.
func (s *Service) UpdateProgram(ctx context.Context, actor accounts.Actor, id int, in ProgramInput) (*ent.Program, error) {
	if !canAuthor(actor) {
		return nil, fault.ForbiddenErr()
	}
	old, err := s.loadProgram(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := in.clean(ctx, s.client); err != nil {
		return nil, err
	}
	var p *ent.Program
	err = s.withTx(ctx, func(tx *ent.Tx) error {
		q := tx.Program.UpdateOneID(id)
		applyInput(q.Mutation(), in)
		var err error
		if p, err = q.Save(ctx); err != nil {
			return fmt.Errorf("updating program %d: %w", id, err)
		}
		return accounts.Audit(ctx, tx.Client(), actor, "", "program.update", "program", id, map[string]any{"name": old.Name})
	})
	if err != nil {
		return nil, err
	}
	if p.Status == program.StatusActive {
		if _, err := s.sweep(ctx, []int{p.ID}, false); err != nil {
			return p, fmt.Errorf("re-evaluating program %d: %w", id, err)
		}
	}
	return p, nil
}

// applyInput copies the input onto a create or update mutation.
func applyInput(m *ent.ProgramMutation, in ProgramInput) {
	m.SetName(in.Name)
	m.SetKind(program.Kind(in.Kind))
	m.SetDescription(in.Description)
	m.SetStartsAt(in.StartsAt)
	m.SetDueAt(in.DueAt)
	m.SetTargetRate(*in.TargetRate)
	m.SetAudience(in.Audience)
	m.SetRequirements(in.Requirements)
	m.SetMinEvents(in.MinEvents)
	m.SetCertificate(in.Certificate)
	m.SetCertPrefix(in.CertPrefix)
	m.SetCertTitle(in.CertTitle)
	m.SetCertBody(in.CertBody)
	m.SetCertValidMonths(in.CertValidMonths)
}

// SetProgramStatus activates, closes or reopens a program. Activating enrolls the audience and
// evaluates everyone at once; a program with enrollments cannot go back to draft.
func (s *Service) SetProgramStatus(ctx context.Context, actor accounts.Actor, id int, status string) (*ent.Program, error) {
	if !canAuthor(actor) {
		return nil, fault.ForbiddenErr()
	}
	if !slices.Contains([]string{StatusDraft, StatusActive, StatusClosed}, status) {
		return nil, fault.Field("status", "program.status_invalid")
	}
	p, err := s.loadProgram(ctx, id)
	if err != nil {
		return nil, err
	}
	if status == StatusDraft && p.Status != program.StatusDraft {
		if n, err := s.client.Enrollment.Query().Where(enrollment.ProgramID(id)).Count(ctx); err != nil {
			return nil, fmt.Errorf("counting enrollments of program %d: %w", id, err)
		} else if n > 0 {
			return nil, fault.New(fault.Conflict, "program.has_enrollments")
		}
	}
	err = s.withTx(ctx, func(tx *ent.Tx) error {
		if p, err = tx.Program.UpdateOneID(id).SetStatus(program.Status(status)).Save(ctx); err != nil {
			return fmt.Errorf("setting status of program %d: %w", id, err)
		}
		return accounts.Audit(ctx, tx.Client(), actor, "", "program.status", "program", id, map[string]any{"status": status})
	})
	if err != nil {
		return nil, err
	}
	if status == StatusActive {
		if _, err := s.sweep(ctx, []int{id}, false); err != nil {
			return p, fmt.Errorf("enrolling program %d: %w", id, err)
		}
	}
	return p, nil
}

// DeleteProgram removes a draft program that never enrolled anyone; others are closed instead, so
// that nobody's history is lost.
func (s *Service) DeleteProgram(ctx context.Context, actor accounts.Actor, id int) error {
	if !canAuthor(actor) {
		return fault.ForbiddenErr()
	}
	p, err := s.loadProgram(ctx, id)
	if err != nil {
		return err
	}
	n, err := s.client.Enrollment.Query().Where(enrollment.ProgramID(id)).Count(ctx)
	if err != nil {
		return fmt.Errorf("counting enrollments of program %d: %w", id, err)
	}
	if p.Status != program.StatusDraft || n > 0 {
		return fault.New(fault.Conflict, "program.not_deletable")
	}
	return s.withTx(ctx, func(tx *ent.Tx) error {
		if err := tx.Program.DeleteOneID(id).Exec(ctx); err != nil {
			return fmt.Errorf("deleting program %d: %w", id, err)
		}
		return accounts.Audit(ctx, tx.Client(), actor, "", "program.delete", "program", id, map[string]any{"name": p.Name})
	})
}

// loadProgram finds a program or answers not found.
func (s *Service) loadProgram(ctx context.Context, id int) (*ent.Program, error) {
	p, err := s.client.Program.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("program")
	}
	if err != nil {
		return nil, fmt.Errorf("loading program %d: %w", id, err)
	}
	return p, nil
}
