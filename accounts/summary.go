package accounts

import (
	"context"
	"fmt"

	"peixun/ent/person"
	"peixun/ent/unit"
	"peixun/fault"
)

// ScopeSummary counts what a manager's home page shows about their scope.
type ScopeSummary struct {
	Units, Active, Suspended, CredentialsExpiring int
}

// ScopeSummary counts units, active and suspended people, and enforcement credentials expiring within
// 60 days, in the actor's scope.
func (s *Service) ScopeSummary(ctx context.Context, actor Actor) (ScopeSummary, error) {
	scope := actor.ScopePath()
	if scope == "" {
		return ScopeSummary{}, fault.ForbiddenErr()
	}
	var sum ScopeSummary
	var err error
	inScope := person.HasUnitWith(unit.PathHasPrefix(scope))
	if sum.Units, err = s.client.Unit.Query().Where(unit.PathHasPrefix(scope)).Count(ctx); err != nil {
		return sum, fmt.Errorf("counting units: %w", err)
	}
	if sum.Active, err = s.client.Person.Query().Where(inScope, person.StatusEQ(person.StatusActive)).Count(ctx); err != nil {
		return sum, fmt.Errorf("counting people: %w", err)
	}
	if sum.Suspended, err = s.client.Person.Query().Where(inScope, person.StatusEQ(person.StatusSuspended)).Count(ctx); err != nil {
		return sum, fmt.Errorf("counting people: %w", err)
	}
	now := s.now()
	if sum.CredentialsExpiring, err = s.client.Person.Query().Where(inScope, person.StatusEQ(person.StatusActive),
		person.CredentialExpiresLTE(now.AddDate(0, 0, 60))).Count(ctx); err != nil {
		return sum, fmt.Errorf("counting credentials: %w", err)
	}
	return sum, nil
}
