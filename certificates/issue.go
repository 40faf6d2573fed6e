package certificates

import (
	"context"
	"errors"
	"fmt"
	"time"

	"peixun/database"
	"peixun/ent"
	"peixun/ent/certificate"
	"peixun/ent/course"
	"peixun/ent/enrollment"
	"peixun/ent/person"
	"peixun/fault"
)

// IssueRequest names whom to certify for which program.
type IssueRequest struct {
	PersonID     int
	ProgramID    int
	EnrollmentID int       // optional: the enrollment that completed
	CompletedAt  time.Time // zero means now
	Hours        float64   // credit hours earned; zero means what the program requires
}

// OnEnrollmentCompleted is what the training package calls when an enrollment completes. It issues
// the certificate if the program grants one and returns nil, nil when it does not. Calling it again
// returns the certificate already issued.
func (s *Service) OnEnrollmentCompleted(ctx context.Context, enrollmentID int) (*ent.Certificate, error) {
	e, err := s.db.Client.Enrollment.Get(ctx, enrollmentID)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("enrollment")
	}
	if err != nil {
		return nil, fmt.Errorf("loading enrollment %d: %w", enrollmentID, err)
	}
	if e.Status != enrollment.StatusCompleted {
		return nil, fault.New(fault.Conflict, "certificate.enrollment_not_completed")
	}
	p, err := s.db.Client.Program.Get(ctx, e.ProgramID)
	if err != nil {
		return nil, fmt.Errorf("loading program %d of enrollment %d: %w", e.ProgramID, enrollmentID, err)
	}
	if !p.Certificate {
		return nil, nil
	}
	req := IssueRequest{PersonID: e.PersonID, ProgramID: e.ProgramID, EnrollmentID: e.ID}
	if e.CompletedAt != nil {
		req.CompletedAt = *e.CompletedAt
	}
	c, err := s.Issue(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("issuing certificate for enrollment %d: %w", enrollmentID, err)
	}
	return c, nil
}

// Issue records the certificate of a person for a program, numbered, and renders it when a font is
// there. It is idempotent: one certificate per person and program, and asking again returns it.
func (s *Service) Issue(ctx context.Context, req IssueRequest) (*ent.Certificate, error) {
	if c, err := s.existing(ctx, req.ProgramID, req.PersonID); err != nil || c != nil {
		return c, err
	}
	p, err := s.db.Client.Program.Get(ctx, req.ProgramID)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("program")
	}
	if err != nil {
		return nil, fmt.Errorf("loading program %d: %w", req.ProgramID, err)
	}
	if !p.Certificate {
		return nil, fault.New(fault.Conflict, "certificate.program_grants_none")
	}
	f, err := s.facts(ctx, p, req)
	if err != nil {
		return nil, err
	}
	var c *ent.Certificate
	for attempt := 0; ; attempt++ {
		c, err = s.insert(ctx, p, req, f)
		if err == nil || attempt == 4 || !(ent.IsConstraintError(err) || retryable(err)) {
			break
		}
		// Someone else issued it meanwhile (or a code collided): return theirs, or try again.
		if prev, qerr := s.existing(ctx, req.ProgramID, req.PersonID); qerr != nil || prev != nil {
			return prev, qerr
		}
	}
	if err != nil {
		if ent.IsConstraintError(err) {
			return nil, fault.New(fault.Conflict, "certificate.serial_taken").With("prefix", Prefix(p)).Because(err)
		}
		return nil, fmt.Errorf("issuing certificate of person %d in program %d: %w", req.PersonID, req.ProgramID, err)
	}
	if _, _, err := s.renderAndRecord(ctx, c); err != nil {
		s.log.Warn("certificate recorded, not yet rendered", "serial", c.Serial, "error", err)
	}
	return s.db.Client.Certificate.Get(ctx, c.ID)
}

func (s *Service) existing(ctx context.Context, programID, personID int) (*ent.Certificate, error) {
	c, err := s.db.Client.Certificate.Query().
		Where(certificate.ProgramID(programID), certificate.PersonID(personID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("looking up certificate of person %d in program %d: %w", personID, programID, err)
	}
	return c, nil
}

// insert numbers and records a certificate in one transaction.
func (s *Service) insert(ctx context.Context, p *ent.Program, req IssueRequest, f *facts) (*ent.Certificate, error) {
	code, err := newCode()
	if err != nil {
		return nil, err
	}
	tx, err := s.db.Client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	seq, err := nextSeq(ctx, tx, p.ID)
	if err != nil {
		return nil, err
	}
	// Checked again under the program's lock: a concurrent issuer for the same person has committed
	// by now, and rolling back returns the number taken above.
	if n, err := tx.Certificate.Query().Where(certificate.ProgramID(p.ID), certificate.PersonID(req.PersonID)).Count(ctx); err != nil || n > 0 {
		if err == nil {
			err = errAlreadyIssued
		}
		return nil, err
	}
	create := tx.Certificate.Create().SetProgramID(p.ID).SetPersonID(req.PersonID).SetSeq(seq).
		SetSerial(Serial(Prefix(p), seq)).SetVerifyCode(code).SetIssuedAt(s.now().UTC()).
		SetHolderName(f.name).SetUnitName(f.unit).SetProgramName(f.program).SetCreditHours(f.hours).
		SetIssuer(f.issuer).SetTitle(f.title).SetBody(f.body).SetCompletedAt(f.completed).
		SetNillableExpiresAt(f.expires)
	if req.EnrollmentID != 0 {
		create.SetEnrollmentID(req.EnrollmentID)
	}
	c, err := create.Save(ctx)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("committing certificate %s: %w", c.Serial, err)
	}
	return c, nil
}

// errAlreadyIssued makes Issue look up the certificate a concurrent issuer recorded.
var errAlreadyIssued = errors.New("certificate issued concurrently")

// retryable tells whether a transaction failed only because of contention.
func retryable(err error) bool {
	return errors.Is(err, errAlreadyIssued) || database.Contended(err)
}

// facts is what a certificate says, frozen at issue: names may change later, the document must not.
type facts struct {
	name, unit, program string
	title, body, issuer string
	hours               float64
	completed           time.Time
	expires             *time.Time
}

// facts gathers what the certificate of req will say.
func (s *Service) facts(ctx context.Context, p *ent.Program, req IssueRequest) (*facts, error) {
	who, err := s.db.Client.Person.Query().Where(person.ID(req.PersonID)).WithUnit().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("person")
	}
	if err != nil {
		return nil, fmt.Errorf("loading person %d: %w", req.PersonID, err)
	}
	if err := ValidateName(who.Name); err != nil {
		return nil, err
	}
	f := &facts{name: who.Name, program: p.Name, issuer: s.issuer, completed: req.CompletedAt, hours: req.Hours}
	if who.Edges.Unit != nil {
		f.unit = who.Edges.Unit.Name
	}
	if f.completed.IsZero() {
		f.completed = s.now()
	}
	f.completed = f.completed.UTC()
	f.expires = expiry(p, f.completed)
	if f.hours == 0 {
		if f.hours, err = s.programHours(ctx, p); err != nil {
			return nil, err
		}
	}
	f.title, f.body, err = fillTemplates(p.CertTitle, p.CertBody, &document{
		Name: f.name, Unit: f.unit, Program: f.program, Hours: f.hours, Completed: f.completed,
		Serial: "{{serial}}", // kept literal in the stored text; filled once numbered (documentOf)
	})
	if err != nil {
		return nil, err
	}
	for field, text := range map[string]string{"unit": f.unit, "program": f.program} {
		if err := validateText(field, text); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// programHours is the credit hours a program certifies: its minimum, else the sum of its courses.
func (s *Service) programHours(ctx context.Context, p *ent.Program) (float64, error) {
	if p.Requirements.MinHours > 0 {
		return p.Requirements.MinHours, nil
	}
	if len(p.Requirements.CourseIDs) == 0 {
		return 0, nil
	}
	cs, err := s.db.Client.Course.Query().Where(course.IDIn(p.Requirements.CourseIDs...)).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("summing credit hours of program %d: %w", p.ID, err)
	}
	total := 0.0
	for _, c := range cs {
		total += c.CreditHours
	}
	return total, nil
}
