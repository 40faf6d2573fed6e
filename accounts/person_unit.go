package accounts

import (
	"context"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"peixun/ent"
	"peixun/ent/person"
	"peixun/ent/predicate"
	"peixun/ent/unit"
)

// personWithUnit loads one person with their unit's path in a single joined query. Every signed-in
// request needs both (the path is the actor's scope); ent's WithUnit would cost a second round trip.
func (s *Service) personWithUnit(ctx context.Context, where predicate.Person) (*ent.Person, error) {
	p, err := s.client.Person.Query().Where(where).Modify(func(sel *entsql.Selector) {
		u := entsql.Table(unit.Table)
		sel.Join(u).On(sel.C(person.FieldUnitID), u.C(unit.FieldID)).
			AppendSelect(entsql.As(u.C(unit.FieldPath), "unit_path"), entsql.As(u.C(unit.FieldName), "unit_name"))
	}).Only(ctx)
	if err != nil {
		return nil, err
	}
	path, err := p.Value("unit_path")
	if err != nil {
		return nil, fmt.Errorf("reading the unit of person %d: %w", p.ID, err)
	}
	name, _ := p.Value("unit_name")
	p.Edges.Unit = &ent.Unit{ID: p.UnitID, Path: asString(path), Name: asString(name)}
	return p, nil
}

// asString reads a text column selected by name; drivers hand it over as string or []byte.
func asString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []byte:
		return string(t)
	case *entsql.NullString:
		return t.String
	}
	return fmt.Sprint(v)
}
