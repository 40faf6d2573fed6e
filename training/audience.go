package training

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"peixun/ent/schema"
)

// member is a person as the audience rules see them. A person whose unit does not exist is in no
// audience, as with the SQL join.
type member struct {
	id, unit         int
	category, status string
	path             string // of the person's unit
	hasUnit          bool
}

// audience is a program's audience compiled for testing people in Go. It means exactly what
// audienceWhere means in SQL.
type audience struct {
	categories map[string]bool // nil: any category
	prefixes   []string        // nil: any unit
	include    map[int]bool
	exclude    map[int]bool
}

func compileAudience(a schema.Audience, paths map[int]string) audience {
	var c audience
	if len(a.Categories) > 0 {
		c.categories = map[string]bool{}
		for _, x := range a.Categories {
			c.categories[x] = true
		}
	}
	if len(a.UnitIDs) > 0 {
		c.prefixes = []string{}
		for _, id := range a.UnitIDs {
			c.prefixes = append(c.prefixes, paths[id]) // an unknown unit is "", as LIKE '%'
		}
	}
	c.include, c.exclude = setOf(a.Include), setOf(a.Exclude)
	return c
}

func setOf(ids []int) map[int]bool {
	m := make(map[int]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// has tells whether a person is in the audience: active; excluded by name never; included by name
// always; otherwise of one of the categories (if any) and in one of the subtrees (if any). With no
// categories and no units but people included by name, the audience is exactly those people.
func (a audience) has(m *member) bool {
	if m == nil || !m.hasUnit || m.status != "active" || a.exclude[m.id] {
		return false
	}
	if a.include[m.id] {
		return true
	}
	if a.categories == nil && a.prefixes == nil {
		return len(a.include) == 0
	}
	if a.categories != nil && !a.categories[m.category] {
		return false
	}
	if a.prefixes != nil && !slices.ContainsFunc(a.prefixes, func(p string) bool { return strings.HasPrefix(m.path, p) }) {
		return false
	}
	return true
}

// loadPeople reads every person, by id, with their unit path from paths, and indexes them by id.
func (s *Service) loadPeople(ctx context.Context, paths map[int]string) ([]member, map[int]int, error) {
	var list []member
	byID := map[int]int{}
	var category, status sql.RawBytes
	err := s.each(ctx, `SELECT id, unit_id, category, status FROM persons ORDER BY id`, nil, func(rs *sql.Rows) error {
		var id, unit dbInt
		if err := rs.Scan(&id, &unit, &category, &status); err != nil {
			return err
		}
		m := member{id: int(id), unit: int(unit), category: intern(category), status: intern(status)}
		m.path, m.hasUnit = paths[m.unit]
		byID[m.id] = len(list)
		list = append(list, m)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("reading people: %w", err)
	}
	return list, byID, nil
}

// interned are the values of the enumerations read by the million: they are shared rather than
// allocated row by row.
var interned = map[string]string{}

func init() {
	for _, v := range []string{Assigned, InProgress, Completed, Overdue, Exempt,
		"active", "suspended", "left", "officer", "auxiliary", "cadre", "staff"} {
		interned[v] = v
	}
}

// intern returns the shared copy of a known value, or a copy of an unknown one.
func intern(b []byte) string {
	if v, ok := interned[string(b)]; ok {
		return v
	}
	return string(b)
}
