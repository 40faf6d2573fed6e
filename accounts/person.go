package accounts

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"peixun/ent"
	"peixun/ent/person"
	"peixun/ent/unit"
	"peixun/fault"
)

// PersonInput is what an administrator or manager may set on a person. Nil pointers leave a field
// unchanged on update.
type PersonInput struct {
	Username          string
	Name              string
	EmployeeNo        string
	Phone             string
	Email             string
	UnitID            int
	Category          string
	Roles             []string
	CredentialNo      string
	CredentialExpires *time.Time
	Password          string // only on create; empty means the person cannot sign in until one is set
}

var (
	usernameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)
	phoneRe    = regexp.MustCompile(`^[0-9+\- ]{5,32}$`)
)

// clean normalises and validates the input; every error names its field.
func (in *PersonInput) clean() error {
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.Name = strings.TrimSpace(in.Name)
	in.EmployeeNo = strings.TrimSpace(in.EmployeeNo)
	in.Phone = strings.TrimSpace(in.Phone)
	in.Email = strings.TrimSpace(in.Email)
	in.CredentialNo = strings.TrimSpace(in.CredentialNo)
	if !usernameRe.MatchString(in.Username) {
		return fault.Field("username", "person.username_format")
	}
	if err := ValidateName(in.Name); err != nil {
		return err
	}
	if len(in.EmployeeNo) > 32 {
		return fault.Field("employee_no", "field.too_long", "max", 32)
	}
	if in.Phone != "" && !phoneRe.MatchString(in.Phone) {
		return fault.Field("phone", "person.phone_format")
	}
	if in.Email != "" && (!strings.Contains(in.Email, "@") || len(in.Email) > 128) {
		return fault.Field("email", "person.email_format")
	}
	if len(in.CredentialNo) > 64 {
		return fault.Field("credential_no", "field.too_long", "max", 64)
	}
	if in.Category == "" {
		in.Category = "officer"
	}
	if !slices.Contains(Categories, in.Category) {
		return fault.Field("category", "person.category_unknown", "value", in.Category)
	}
	if in.UnitID == 0 {
		return fault.Field("unit_id", "field.required")
	}
	for _, r := range in.Roles {
		if !slices.Contains(AllRoles, r) {
			return fault.Field("roles", "person.role_unknown", "value", r)
		}
	}
	if !slices.Contains(in.Roles, RoleLearner) {
		in.Roles = append(in.Roles, RoleLearner)
	}
	slices.Sort(in.Roles)
	in.Roles = slices.Compact(in.Roles)
	return nil
}

// ValidateName checks a person's name: 1-64 characters, printable, and nothing beyond U+FFFF (the
// certificate PDF library cannot render such characters; refusing them here keeps certificates safe).
func ValidateName(name string) error {
	n := len([]rune(name))
	if n == 0 {
		return fault.Field("name", "field.required")
	}
	if n > 64 {
		return fault.Field("name", "field.too_long", "max", 64)
	}
	for _, r := range name {
		if r > 0xFFFF {
			return fault.Field("name", "person.name_unsupported_char", "char", string(r))
		}
		if r < 0x20 || r == 0x7f {
			return fault.Field("name", "person.name_control_char")
		}
	}
	return nil
}

// checkRoles refuses to grant roles the actor does not hold rights for: only administrators make
// administrators, managers or trainers.
func checkRoles(actor Actor, roles []string) error {
	if actor.IsAdmin() {
		return nil
	}
	for _, r := range roles {
		if r != RoleLearner {
			return fault.Field("roles", "person.role_not_allowed", "value", r)
		}
	}
	return nil
}

// CreatePerson adds a person to a unit in the actor's scope.
func (s *Service) CreatePerson(ctx context.Context, actor Actor, in PersonInput) (*ent.Person, error) {
	if err := in.clean(); err != nil {
		return nil, err
	}
	if err := checkRoles(actor, in.Roles); err != nil {
		return nil, err
	}
	if err := s.checkUnitInScope(ctx, actor, in.UnitID); err != nil {
		return nil, err
	}
	hash := ""
	if in.Password != "" {
		if err := s.CheckPolicy(in.Username, in.Password); err != nil {
			return nil, err
		}
		var err error
		if hash, err = HashPassword(in.Password); err != nil {
			return nil, err
		}
	}
	var p *ent.Person
	err := withTx(ctx, s.client, func(tx *ent.Tx) error {
		if err := checkUnique(ctx, tx.Client(), 0, in); err != nil {
			return err
		}
		q := tx.Person.Create().SetUsername(in.Username).SetName(in.Name).SetPhone(in.Phone).SetEmail(in.Email).
			SetUnitID(in.UnitID).SetUnitSince(s.now()).SetCategory(person.Category(in.Category)).SetRoles(in.Roles).
			SetCredentialNo(in.CredentialNo).SetNillableCredentialExpires(in.CredentialExpires).SetPasswordHash(hash)
		if in.EmployeeNo != "" {
			q.SetEmployeeNo(in.EmployeeNo)
		}
		if hash != "" {
			q.SetPasswordChangedAt(s.now())
		}
		var err error
		if p, err = q.Save(ctx); err != nil {
			return fmt.Errorf("creating person %q: %w", in.Username, err)
		}
		return Audit(ctx, tx.Client(), actor, "", "person.create", "person", p.ID, map[string]any{"username": p.Username})
	})
	if err == nil {
		s.changed(ctx, []int{p.ID})
	}
	return p, err
}

// UpdatePerson changes a person's details. A change of unit is a transfer: unit_since moves to now.
func (s *Service) UpdatePerson(ctx context.Context, actor Actor, id int, in PersonInput) (*ent.Person, error) {
	old, err := s.Person(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := in.clean(); err != nil {
		return nil, err
	}
	if !actor.IsAdmin() {
		// Roles are changed by administrators only. A manager's form does not even send the roles
		// it cannot change (disabled checkboxes are not submitted), so whatever arrives is ignored
		// and the person keeps their roles: saving a phone number must never demote anyone.
		in.Roles = old.Roles
	}
	if err := s.checkUnitInScope(ctx, actor, in.UnitID); err != nil {
		return nil, err
	}
	var p *ent.Person
	err = withTx(ctx, s.client, func(tx *ent.Tx) error {
		if err := checkUnique(ctx, tx.Client(), id, in); err != nil {
			return err
		}
		q := tx.Person.UpdateOneID(id).SetUsername(in.Username).SetName(in.Name).SetPhone(in.Phone).SetEmail(in.Email).
			SetCategory(person.Category(in.Category)).SetRoles(in.Roles).SetCredentialNo(in.CredentialNo)
		if in.CredentialExpires != nil {
			q.SetCredentialExpires(*in.CredentialExpires)
		} else {
			q.ClearCredentialExpires()
		}
		if in.EmployeeNo != "" {
			q.SetEmployeeNo(in.EmployeeNo)
		} else {
			q.ClearEmployeeNo()
		}
		if in.UnitID != old.UnitID {
			q.SetUnitID(in.UnitID).SetUnitSince(s.now())
		}
		var err error
		if p, err = q.Save(ctx); err != nil {
			return fmt.Errorf("updating person %d: %w", id, err)
		}
		return Audit(ctx, tx.Client(), actor, "", "person.update", "person", id, map[string]any{"unit_from": old.UnitID, "unit_to": in.UnitID})
	})
	if err == nil {
		s.changed(ctx, []int{id})
	}
	return p, err
}

// SetStatus suspends a person, marks them as left, or makes them active again. People are never
// deleted: their records (progress, attempts, certificates) must stay. Suspension and leaving end
// every session at once.
func (s *Service) SetStatus(ctx context.Context, actor Actor, id int, status string) error {
	p, err := s.Person(ctx, actor, id)
	if err != nil {
		return err
	}
	st := person.Status(status)
	if err := person.StatusValidator(st); err != nil {
		return fault.Field("status", "person.status_unknown", "value", status)
	}
	if id == actor.PersonID && st != person.StatusActive {
		return fault.Field("status", "person.cannot_suspend_self")
	}
	err = withTx(ctx, s.client, func(tx *ent.Tx) error {
		q := tx.Person.UpdateOneID(id).SetStatus(st)
		switch st {
		case person.StatusLeft:
			q.SetLeftAt(s.now())
		case person.StatusActive:
			q.ClearLeftAt().SetFailedLogins(0).ClearLockedUntil()
		}
		if err := q.Exec(ctx); err != nil {
			return fmt.Errorf("setting status of person %d: %w", id, err)
		}
		if st != person.StatusActive {
			if err := endSessions(ctx, tx.Client(), id); err != nil {
				return err
			}
		}
		return Audit(ctx, tx.Client(), actor, "", "person.status", "person", id, map[string]any{"from": p.Status, "to": st})
	})
	if err == nil {
		s.changed(ctx, []int{id})
	}
	return err
}

// Person returns one person if the actor may see them: themselves, or anyone in their scope.
func (s *Service) Person(ctx context.Context, actor Actor, id int) (*ent.Person, error) {
	p, err := s.client.Person.Query().Where(person.ID(id)).WithUnit().Only(ctx)
	if err != nil {
		return nil, notFound(err, "person")
	}
	if p.ID != actor.PersonID && !actor.Manages(p.Edges.Unit.Path) {
		return nil, fault.ForbiddenErr()
	}
	return p, nil
}

func (s *Service) checkUnitInScope(ctx context.Context, actor Actor, unitID int) error {
	u, err := s.client.Unit.Query().Where(unit.ID(unitID)).Only(ctx)
	if err != nil {
		if ent.IsNotFound(err) {
			return fault.Field("unit_id", "unit.not_found")
		}
		return fmt.Errorf("reading unit %d: %w", unitID, err)
	}
	if !actor.Manages(u.Path) {
		return fault.ForbiddenErr()
	}
	return nil
}

func checkUnique(ctx context.Context, c *ent.Client, self int, in PersonInput) error {
	if taken, err := c.Person.Query().Where(person.Username(in.Username), person.IDNEQ(self)).Exist(ctx); err != nil {
		return fmt.Errorf("checking username: %w", err)
	} else if taken {
		return fault.Field("username", "person.username_taken", "value", in.Username)
	}
	if in.EmployeeNo != "" {
		if taken, err := c.Person.Query().Where(person.EmployeeNo(in.EmployeeNo), person.IDNEQ(self)).Exist(ctx); err != nil {
			return fmt.Errorf("checking employee number: %w", err)
		} else if taken {
			return fault.Field("employee_no", "person.employee_no_taken", "value", in.EmployeeNo)
		}
	}
	return nil
}
