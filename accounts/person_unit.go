package accounts

import (
	"context"
	"fmt"
	"peixun/database"
	"strconv"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"peixun/ent"
	"peixun/ent/person"
	"peixun/ent/predicate"
	"peixun/ent/unit"
)

// personWithUnit loads one person with their unit's path in a single joined query. Every signed-in
// request needs both (the path is the actor's scope); ent's WithUnit would cost a second round trip.
func (s *Service) personWithUnit(ctx context.Context, where predicate.Person) (*ent.Person, error) {
	return s.loadPerson(ctx, where, nil)
}

// loadPerson is personWithUnit with an optional further join (a token or a session), so that a
// signed-in request finds its caller in one statement.
func (s *Service) loadPerson(ctx context.Context, where predicate.Person, join func(*entsql.Selector)) (*ent.Person, error) {
	q := s.client.Person.Query()
	if where != nil {
		q = q.Where(where)
	}
	p, err := q.Modify(func(sel *entsql.Selector) {
		u := entsql.Table(unit.Table)
		sel.Join(u).On(sel.C(person.FieldUnitID), u.C(unit.FieldID)).
			AppendSelect(entsql.As(u.C(unit.FieldPath), "unit_path"), entsql.As(u.C(unit.FieldName), "unit_name"))
		if join != nil {
			join(sel)
		}
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

// asInt reads an integer column selected by name.
func asInt(v any) (int, error) {
	switch t := v.(type) {
	case int64:
		return int(t), nil
	case int:
		return t, nil
	case []byte:
		return strconv.Atoi(string(t))
	case string:
		return strconv.Atoi(t)
	}
	return 0, fmt.Errorf("unexpected integer value %T", v)
}

// asTime reads a nullable time column selected by name (nil for NULL or an empty text).
func asTime(v any) *time.Time {
	t, err := database.TimeValue(v)
	if err != nil || t.IsZero() {
		return nil
	}
	return &t
}
