package accounts

import (
	"context"
	"fmt"
	"strings"

	"peixun/ent"
	"peixun/ent/unit"
)

// unitIndex finds units by their path of names ("余杭区交通运输局/良渚中队"), loaded in one query.
type unitIndex struct {
	byKey map[string]*ent.Unit // path of names → unit (the oldest, if siblings share a name)
	byID  map[int]*ent.Unit
	codes map[string]bool // codes in use, so that generated codes avoid them
}

func loadUnitIndex(ctx context.Context, c *ent.Client) (*unitIndex, error) {
	// Ordering by path puts every parent before its children: a parent's path is a prefix of theirs.
	us, err := c.Unit.Query().Order(ent.Asc(unit.FieldPath), ent.Asc(unit.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading units for the roster: %w", err)
	}
	ix := &unitIndex{byKey: map[string]*ent.Unit{}, byID: map[int]*ent.Unit{}, codes: map[string]bool{}}
	keys := map[int]string{}
	for _, u := range us {
		key := u.Name
		if u.ParentID != nil && keys[*u.ParentID] != "" {
			key = keys[*u.ParentID] + "/" + u.Name
		}
		keys[u.ID] = key
		if _, taken := ix.byKey[key]; !taken {
			ix.byKey[key] = u
		}
		ix.byID[u.ID] = u
		ix.codes[u.Code] = true
	}
	return ix, nil
}

// namePath is the path of names of a unit, as exports write it.
func (ix *unitIndex) namePath(id int) string {
	u := ix.byID[id]
	if u == nil {
		return ""
	}
	if u.ParentID == nil || ix.byID[*u.ParentID] == nil {
		return u.Name
	}
	return ix.namePath(*u.ParentID) + "/" + u.Name
}

// splitUnitPath splits "余杭区交通运输局 / 良渚中队" into trimmed names; a full-width slash counts too.
func splitUnitPath(s string) []string {
	var names []string
	for _, n := range strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '／' }) {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// plannedUnit is a unit the import creates. Its parent is an existing unit or an earlier planned one.
type plannedUnit struct {
	key        string
	name       string
	parentID   int          // existing parent; 0 with parent set, or for a new root unit
	parentPath string       // path of the existing parent
	parent     *plannedUnit // planned parent
	created    *ent.Unit
}

// unitTarget is where a row puts its person: an existing unit, or the unit at the end of a chain of
// units still to be created (names[from:] below existing).
type unitTarget struct {
	key      string
	existing *ent.Unit
	names    []string
	from     int
	parent   *ent.Unit // deepest existing unit on the path; nil when even the root is new
}

// resolveUnit finds a row's unit and checks the actor may put people there: into an existing unit of
// their scope, or into new units below one (administrators may also start a new root).
func (ix *unitIndex) resolveUnit(actor Actor, value string) (unitTarget, string, []any) {
	names := splitUnitPath(value)
	if len(names) == 0 {
		return unitTarget{}, "field.required", nil
	}
	for _, n := range names {
		if len([]rune(n)) > 100 {
			return unitTarget{}, "roster.unit_name_too_long", []any{"name", n, "max", 100}
		}
	}
	t := unitTarget{key: strings.Join(names, "/"), names: names}
	if u := ix.byKey[t.key]; u != nil {
		t.existing = u
		if !actor.Manages(u.Path) {
			return t, "roster.unit_out_of_scope", []any{"unit", t.key}
		}
		return t, "", nil
	}
	for i := len(names) - 1; i > 0; i-- {
		if u := ix.byKey[strings.Join(names[:i], "/")]; u != nil {
			t.parent, t.from = u, i
			break
		}
	}
	if (t.parent == nil && !actor.IsAdmin()) || (t.parent != nil && !actor.Manages(t.parent.Path)) {
		return t, "roster.unit_out_of_scope", []any{"unit", t.key}
	}
	return t, "", nil
}

// plan records the units a valid row needs, once each, parents before children.
func (p *rosterPlanner) planUnits(t unitTarget) *plannedUnit {
	var parent *plannedUnit
	for i := t.from; i < len(t.names); i++ {
		key := strings.Join(t.names[:i+1], "/")
		nu := p.newUnits[key]
		if nu == nil {
			nu = &plannedUnit{key: key, name: t.names[i], parent: parent}
			if parent == nil && t.parent != nil {
				nu.parentID, nu.parentPath = t.parent.ID, t.parent.Path
			}
			p.newUnits[key] = nu
			p.plan.units = append(p.plan.units, nu)
			p.plan.preview.NewUnits = append(p.plan.preview.NewUnits, key)
		}
		parent = nu
	}
	return parent
}

// createUnits writes the planned units in order, giving each the path below its parent and a code
// "U<id>" (with a suffix if someone already took that code by hand).
func createUnits(ctx context.Context, tx *ent.Tx, ix *unitIndex, units []*plannedUnit, stamp string) error {
	for i, nu := range units {
		q := tx.Unit.Create().SetName(nu.name).SetCode(fmt.Sprintf("import-%s-%d", stamp, i))
		parentPath := nu.parentPath
		switch {
		case nu.parent != nil:
			q.SetParentID(nu.parent.created.ID)
			parentPath = nu.parent.created.Path
		case nu.parentID != 0:
			q.SetParentID(nu.parentID)
		}
		u, err := q.Save(ctx)
		if err != nil {
			return fmt.Errorf("creating unit %q: %w", nu.key, err)
		}
		code := fmt.Sprintf("U%d", u.ID)
		for n := 2; ix.codes[code]; n++ {
			code = fmt.Sprintf("U%d-%d", u.ID, n)
		}
		ix.codes[code] = true
		if nu.created, err = u.Update().SetCode(code).SetPath(ChildPath(parentPath, u.ID)).Save(ctx); err != nil {
			return fmt.Errorf("setting path of unit %q: %w", nu.key, err)
		}
	}
	return nil
}
