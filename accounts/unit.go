package accounts

import (
	"context"
	"fmt"
	"strings"

	"peixun/ent"
	"peixun/ent/person"
	"peixun/ent/unit"
	"peixun/fault"
)

// UnitInput is what a caller may set on a unit.
type UnitInput struct {
	Name     string
	Code     string
	ParentID *int
}

// UnitNode is a unit with its children, for the tree view.
type UnitNode struct {
	*ent.Unit
	People   int
	Children []*UnitNode
}

func (in *UnitInput) clean() error {
	in.Name = strings.TrimSpace(in.Name)
	in.Code = strings.TrimSpace(in.Code)
	if in.Name == "" {
		return fault.Field("name", "field.required")
	}
	if len([]rune(in.Name)) > 100 {
		return fault.Field("name", "field.too_long", "max", 100)
	}
	if in.Code == "" {
		return fault.Field("code", "field.required")
	}
	if len(in.Code) > 64 {
		return fault.Field("code", "field.too_long", "max", 64)
	}
	return nil
}

// CreateUnit adds a unit below a parent (administrators anywhere; managers only inside their scope).
func (s *Service) CreateUnit(ctx context.Context, actor Actor, in UnitInput) (*ent.Unit, error) {
	if err := in.clean(); err != nil {
		return nil, err
	}
	parentPath := "/"
	if in.ParentID != nil {
		p, err := s.client.Unit.Get(ctx, *in.ParentID)
		if err != nil {
			return nil, notFound(err, "unit")
		}
		parentPath = p.Path
	}
	if !actor.Manages(parentPath) || (in.ParentID == nil && !actor.IsAdmin()) {
		return nil, fault.ForbiddenErr()
	}
	var u *ent.Unit
	err := withTx(ctx, s.client, func(tx *ent.Tx) error {
		if exists, err := tx.Unit.Query().Where(unit.Code(in.Code)).Exist(ctx); err != nil {
			return err
		} else if exists {
			return fault.Field("code", "unit.code_taken", "code", in.Code)
		}
		var err error
		u, err = tx.Unit.Create().SetName(in.Name).SetCode(in.Code).SetNillableParentID(in.ParentID).Save(ctx)
		if err != nil {
			return fmt.Errorf("creating unit %q: %w", in.Name, err)
		}
		u, err = u.Update().SetPath(ChildPath(parentPath, u.ID)).Save(ctx)
		if err != nil {
			return fmt.Errorf("setting path of unit %d: %w", u.ID, err)
		}
		return Audit(ctx, tx.Client(), actor, "", "unit.create", "unit", u.ID, map[string]any{"name": u.Name, "code": u.Code})
	})
	return u, err
}

// RenameUnit changes a unit's name and code.
func (s *Service) RenameUnit(ctx context.Context, actor Actor, id int, name, code string) (*ent.Unit, error) {
	var u *ent.Unit
	err := withTx(ctx, s.client, func(tx *ent.Tx) error {
		var err error
		u, err = renameUnit(ctx, tx.Client(), actor, id, name, code)
		return err
	})
	return u, err
}

// MoveUnit puts a unit (with its subtree) under a new parent. Moving a unit below itself or its own
// descendants would make a cycle and is refused.
func (s *Service) MoveUnit(ctx context.Context, actor Actor, id, newParentID int) error {
	defer s.forgetSessions() // after the commit: the scopes of the people below the unit change
	return withTx(ctx, s.client, func(tx *ent.Tx) error { return moveUnit(ctx, tx.Client(), actor, id, newParentID) })
}

// UpdateUnit renames a unit and, when parentID names another parent, moves it, in one transaction:
// a refused name or code leaves the unit where it was, and a refused move leaves its name.
func (s *Service) UpdateUnit(ctx context.Context, actor Actor, id int, name, code string, parentID *int) (*ent.Unit, error) {
	defer s.forgetSessions() // after the commit: a move changes the scopes of the people below
	var u *ent.Unit
	err := withTx(ctx, s.client, func(tx *ent.Tx) error {
		var err error
		if u, err = renameUnit(ctx, tx.Client(), actor, id, name, code); err != nil {
			return err
		}
		if parentID != nil && (u.ParentID == nil || *u.ParentID != *parentID) {
			if err := moveUnit(ctx, tx.Client(), actor, id, *parentID); err != nil {
				return err
			}
			u, err = tx.Unit.Get(ctx, id)
		}
		return err
	})
	return u, err
}

func renameUnit(ctx context.Context, c *ent.Client, actor Actor, id int, name, code string) (*ent.Unit, error) {
	in := UnitInput{Name: name, Code: code}
	if err := in.clean(); err != nil {
		return nil, err
	}
	u, err := c.Unit.Get(ctx, id)
	if err != nil {
		return nil, notFound(err, "unit")
	}
	if !actor.Manages(u.Path) {
		return nil, fault.ForbiddenErr()
	}
	if taken, err := c.Unit.Query().Where(unit.Code(in.Code), unit.IDNEQ(id)).Exist(ctx); err != nil {
		return nil, fmt.Errorf("checking unit code: %w", err)
	} else if taken {
		return nil, fault.Field("code", "unit.code_taken", "code", in.Code)
	}
	return u.Update().SetName(in.Name).SetCode(in.Code).Save(ctx)
}

func moveUnit(ctx context.Context, c *ent.Client, actor Actor, id, newParentID int) error {
	u, err := c.Unit.Get(ctx, id)
	if err != nil {
		return notFound(err, "unit")
	}
	p, err := c.Unit.Get(ctx, newParentID)
	if err != nil {
		return notFound(err, "unit")
	}
	if !actor.Manages(u.Path) || !actor.Manages(p.Path) || u.ParentID == nil {
		return fault.ForbiddenErr()
	}
	if strings.HasPrefix(p.Path, u.Path) {
		return fault.Field("parent_id", "unit.move_cycle", "unit", u.Name, "parent", p.Name)
	}
	oldPath, newPath := u.Path, ChildPath(p.Path, u.ID)
	subtree, err := c.Unit.Query().Where(unit.PathHasPrefix(oldPath)).All(ctx)
	if err != nil {
		return fmt.Errorf("reading subtree of unit %d: %w", id, err)
	}
	// Units are few (tens to hundreds): rewriting each path keeps the SQL portable.
	for _, d := range subtree {
		if err := c.Unit.UpdateOneID(d.ID).SetPath(newPath + strings.TrimPrefix(d.Path, oldPath)).Exec(ctx); err != nil {
			return fmt.Errorf("moving unit %d: %w", d.ID, err)
		}
	}
	if err := c.Unit.UpdateOneID(id).SetParentID(newParentID).Exec(ctx); err != nil {
		return fmt.Errorf("moving unit %d: %w", id, err)
	}
	return Audit(ctx, c, actor, "", "unit.move", "unit", id, map[string]any{"from": oldPath, "to": newPath})
}

// Unit returns one unit in the actor's scope (every signed-in person may read their own unit).
func (s *Service) Unit(ctx context.Context, actor Actor, id int) (*ent.Unit, error) {
	u, err := s.client.Unit.Get(ctx, id)
	if err != nil {
		return nil, notFound(err, "unit")
	}
	if !actor.Manages(u.Path) && u.ID != actor.UnitID {
		return nil, fault.ForbiddenErr()
	}
	return u, nil
}

// Units lists the units in the actor's scope, ordered by path.
func (s *Service) Units(ctx context.Context, actor Actor) ([]*ent.Unit, error) {
	scope := actor.ScopePath()
	if scope == "" {
		return nil, fault.ForbiddenErr()
	}
	us, err := s.client.Unit.Query().Where(unit.PathHasPrefix(scope)).Order(ent.Asc(unit.FieldPath)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing units: %w", err)
	}
	return us, nil
}

// Tree returns the units of the actor's scope as a forest, with active people counted per unit.
func (s *Service) Tree(ctx context.Context, actor Actor) ([]*UnitNode, error) {
	us, err := s.Units(ctx, actor)
	if err != nil {
		return nil, err
	}
	var counts []struct {
		UnitID int `json:"unit_id"`
		Count  int `json:"count"`
	}
	if err := s.client.Person.Query().Where(person.StatusNEQ(person.StatusLeft)).
		GroupBy(person.FieldUnitID).Aggregate(ent.Count()).Scan(ctx, &counts); err != nil {
		return nil, fmt.Errorf("counting people per unit: %w", err)
	}
	people := map[int]int{}
	for _, c := range counts {
		people[c.UnitID] = c.Count
	}
	nodes := map[int]*UnitNode{}
	var roots []*UnitNode
	for _, u := range us {
		n := &UnitNode{Unit: u, People: people[u.ID]}
		nodes[u.ID] = n
		if u.ParentID != nil && nodes[*u.ParentID] != nil {
			nodes[*u.ParentID].Children = append(nodes[*u.ParentID].Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	return roots, nil
}

// UnitNames returns unit id → full path of names ("余杭区交通运输局/良渚中队") for all units.
func (s *Service) UnitNames(ctx context.Context) (map[int]string, error) {
	us, err := s.client.Unit.Query().Order(ent.Asc(unit.FieldPath)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing units: %w", err)
	}
	names := map[int]string{}
	for _, u := range us {
		if u.ParentID != nil && names[*u.ParentID] != "" {
			names[u.ID] = names[*u.ParentID] + "/" + u.Name
		} else {
			names[u.ID] = u.Name
		}
	}
	return names, nil
}

func notFound(err error, what string) error {
	if ent.IsNotFound(err) {
		return fault.NotFoundf(what).Because(err)
	}
	return fmt.Errorf("reading %s: %w", what, err)
}
