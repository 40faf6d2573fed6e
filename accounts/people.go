package accounts

import (
	"context"
	"fmt"
	"strings"

	"peixun/ent"
	"peixun/ent/person"
	"peixun/ent/predicate"
	"peixun/ent/unit"
	"peixun/fault"
)

// PeopleFilter narrows the people list. Zero values mean "any".
type PeopleFilter struct {
	Query    string // matches name, username, employee number or phone
	UnitID   int    // this unit and its subtree
	Category string
	Status   string
	Page     int // from 1
	PerPage  int
}

// PeoplePage is one page of people, with the total for the pager.
type PeoplePage struct {
	People  []*ent.Person
	Total   int
	Page    int
	PerPage int
}

// Pages is the number of pages.
func (p PeoplePage) Pages() int {
	if p.PerPage == 0 {
		return 0
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// People lists people in the actor's scope, filtered and paginated, ordered by unit then name.
func (s *Service) People(ctx context.Context, actor Actor, f PeopleFilter) (PeoplePage, error) {
	scope := actor.ScopePath()
	if scope == "" {
		return PeoplePage{}, fault.ForbiddenErr()
	}
	if f.PerPage <= 0 || f.PerPage > 200 {
		f.PerPage = 50
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	prefix := scope
	if f.UnitID != 0 {
		u, err := s.client.Unit.Get(ctx, f.UnitID)
		if err != nil {
			return PeoplePage{}, fault.Field("unit_id", "unit.not_found")
		}
		if !actor.Manages(u.Path) {
			return PeoplePage{}, fault.ForbiddenErr()
		}
		prefix = u.Path
	}
	preds := []predicate.Person{person.HasUnitWith(unit.PathHasPrefix(prefix))}
	if q := strings.TrimSpace(f.Query); q != "" {
		preds = append(preds, person.Or(person.NameContains(q), person.UsernameContains(strings.ToLower(q)),
			person.EmployeeNoContains(q), person.PhoneContains(q)))
	}
	if f.Category != "" {
		if err := person.CategoryValidator(person.Category(f.Category)); err != nil {
			return PeoplePage{}, fault.Field("category", "person.category_unknown", "value", f.Category)
		}
		preds = append(preds, person.CategoryEQ(person.Category(f.Category)))
	}
	if f.Status != "" {
		if err := person.StatusValidator(person.Status(f.Status)); err != nil {
			return PeoplePage{}, fault.Field("status", "person.status_unknown", "value", f.Status)
		}
		preds = append(preds, person.StatusEQ(person.Status(f.Status)))
	}
	q := s.client.Person.Query().Where(preds...)
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return PeoplePage{}, fmt.Errorf("counting people: %w", err)
	}
	list, err := q.WithUnit().Order(person.ByUnitID(), person.ByName(), person.ByID()).
		Offset((f.Page - 1) * f.PerPage).Limit(f.PerPage).All(ctx)
	if err != nil {
		return PeoplePage{}, fmt.Errorf("listing people: %w", err)
	}
	return PeoplePage{People: list, Total: total, Page: f.Page, PerPage: f.PerPage}, nil
}
