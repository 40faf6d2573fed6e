package certificates

import (
	"context"
	"fmt"
	"strings"

	"peixun/ent"
	"peixun/ent/certificate"
	"peixun/ent/person"
	"peixun/ent/predicate"
	"peixun/ent/program"
	"peixun/ent/unit"
	"peixun/fault"
)

// Mine lists a person's own certificates, newest first.
func (s *Service) Mine(ctx context.Context, personID int) ([]*ent.Certificate, error) {
	cs, err := s.db.Client.Certificate.Query().Where(certificate.PersonID(personID)).
		Order(ent.Desc(certificate.FieldIssuedAt), ent.Desc(certificate.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing certificates of person %d: %w", personID, err)
	}
	return cs, nil
}

// Get returns one certificate to its holder, or to an administrator or a manager of the holder's unit.
func (s *Service) Get(ctx context.Context, by Actor, id int) (*ent.Certificate, error) {
	c, err := s.db.Client.Certificate.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("certificate")
	}
	if err != nil {
		return nil, fmt.Errorf("loading certificate %d: %w", id, err)
	}
	if c.PersonID == by.PersonID && by.PersonID != 0 {
		return c, nil
	}
	if ok, err := s.managesHolder(ctx, by, c.PersonID); err != nil || !ok {
		if err == nil {
			err = fault.ForbiddenErr()
		}
		return nil, err
	}
	return c, nil
}

// ListFilter narrows the certificates a manager sees.
type ListFilter struct {
	ProgramID int
	UnitID    int    // a unit in the actor's scope (its subtree is listed); 0 means the whole scope
	Query     string // part of the holder's name or of the serial number
	Status    string // "", StatusValid (not revoked) or StatusRevoked
	Page      int    // from 1
	PerPage   int    // 50 when 0; at most 200
}

// ListPage is one page of certificates.
type ListPage struct {
	Certificates []*ent.Certificate
	Total        int
	Page         int
	PerPage      int
}

// Pages is the number of pages.
func (p *ListPage) Pages() int {
	if p.PerPage == 0 {
		return 0
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// List lists the certificates of people in the actor's units (everything for administrators),
// filtered and paginated, newest first.
func (s *Service) List(ctx context.Context, by Actor, f ListFilter) (*ListPage, error) {
	path, err := s.scopePath(ctx, by, f.UnitID)
	if err != nil {
		return nil, err
	}
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	preds := []predicate.Certificate{inUnits(path)}
	if f.ProgramID != 0 {
		preds = append(preds, certificate.ProgramID(f.ProgramID))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		preds = append(preds, certificate.Or(certificate.HolderNameContains(q), certificate.SerialContainsFold(q)))
	}
	switch f.Status {
	case "":
	case StatusValid:
		preds = append(preds, certificate.RevokedAtIsNil())
	case StatusRevoked:
		preds = append(preds, certificate.RevokedAtNotNil())
	default:
		return nil, fault.Field("status", "certificate.status_unknown", "value", f.Status)
	}
	q := s.db.Client.Certificate.Query().Where(preds...)
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("counting certificates: %w", err)
	}
	cs, err := q.Order(ent.Desc(certificate.FieldIssuedAt), ent.Desc(certificate.FieldID)).
		Offset((f.Page - 1) * f.PerPage).Limit(f.PerPage).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing certificates: %w", err)
	}
	return &ListPage{Certificates: cs, Total: total, Page: f.Page, PerPage: f.PerPage}, nil
}

// scopePath is the unit path a listing or download covers: the chosen unit's (which must lie in the
// actor's scope), else the actor's whole scope.
func (s *Service) scopePath(ctx context.Context, by Actor, unitID int) (string, error) {
	scope := by.ScopePath
	if by.Admin {
		scope = "/"
	}
	if scope == "" {
		return "", fault.ForbiddenErr()
	}
	if unitID == 0 {
		return scope, nil
	}
	u, err := s.db.Client.Unit.Query().Where(unit.ID(unitID)).Only(ctx)
	if ent.IsNotFound(err) {
		return "", fault.Field("unit", "certificate.unit_unknown")
	}
	if err != nil {
		return "", fmt.Errorf("loading unit %d: %w", unitID, err)
	}
	if !by.manages(u.Path) {
		return "", fault.ForbiddenErr()
	}
	return u.Path, nil
}

// UnitPath is the path of a unit the actor may list or download, for ZIPFilter.UnitPath.
func (s *Service) UnitPath(ctx context.Context, by Actor, unitID int) (string, error) {
	return s.scopePath(ctx, by, unitID)
}

// Programs lists the programs that grant certificates, by name, for filters and the issue form.
func (s *Service) Programs(ctx context.Context) ([]*ent.Program, error) {
	ps, err := s.db.Client.Program.Query().Where(program.Certificate(true)).Order(ent.Asc(program.FieldName)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing programs with certificates: %w", err)
	}
	return ps, nil
}

// HandIssue names whom an administrator certifies by hand: a username or employee number, and a program.
type HandIssue struct {
	Person    string
	ProgramID int
	Hours     float64 // zero: what the program requires
}

// IssueByHand issues a certificate that no completed enrollment produced (training done elsewhere,
// say). Only administrators issue by hand, and the audit trail records it. As with Issue, a person
// has one certificate per program: asking again returns the one already issued.
func (s *Service) IssueByHand(ctx context.Context, by Actor, in HandIssue) (*ent.Certificate, error) {
	if !by.Admin {
		return nil, fault.ForbiddenErr()
	}
	ref := strings.TrimSpace(in.Person)
	if ref == "" {
		return nil, fault.Field("person", "certificate.person_required")
	}
	if in.ProgramID == 0 {
		return nil, fault.Field("program", "certificate.program_required")
	}
	if in.Hours < 0 || in.Hours > 10000 {
		return nil, fault.Field("hours", "certificate.hours_range", "max", 10000)
	}
	p, err := s.db.Client.Person.Query().
		Where(person.Or(person.Username(strings.ToLower(ref)), person.EmployeeNo(ref))).First(ctx)
	if ent.IsNotFound(err) {
		return nil, fault.Field("person", "certificate.person_unknown", "value", ref)
	}
	if err != nil {
		return nil, fmt.Errorf("looking up person %q: %w", ref, err)
	}
	if ok, err := s.db.Client.Program.Query().Where(program.ID(in.ProgramID), program.Certificate(true)).Exist(ctx); err != nil {
		return nil, fmt.Errorf("loading program %d: %w", in.ProgramID, err)
	} else if !ok {
		return nil, fault.Field("program", "certificate.program_grants_none")
	}
	prev, err := s.existing(ctx, in.ProgramID, p.ID)
	if err != nil {
		return nil, err
	}
	if prev != nil {
		return prev, nil
	}
	c, err := s.Issue(ctx, IssueRequest{PersonID: p.ID, ProgramID: in.ProgramID, Hours: in.Hours})
	if err != nil {
		return nil, err
	}
	tx, err := s.db.Client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := audit(ctx, tx, by, "certificate.issue", c.ID, c.Serial+": "+p.Name); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("committing audit of certificate %d: %w", c.ID, err)
	}
	return c, nil
}
