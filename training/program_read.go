package training

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/enrollment"
	"peixun/ent/program"
	"peixun/fault"
)

// ProgramFilter narrows a list of programs; empty fields match everything.
type ProgramFilter struct {
	Status string
	Kind   string
	Search string // part of the name
}

// Programs lists the programs the actor may see: all of them for administrators and trainers;
// for managers the active and closed programs that touch their units; for learners the programs
// they are enrolled in. Newest first.
func (s *Service) Programs(ctx context.Context, actor accounts.Actor, f ProgramFilter) ([]*ent.Program, error) {
	q := s.client.Program.Query().Order(ent.Desc(program.FieldStartsAt), ent.Desc(program.FieldID))
	if f.Status != "" {
		q.Where(program.StatusEQ(program.Status(f.Status)))
	}
	if f.Kind != "" {
		q.Where(program.KindEQ(program.Kind(f.Kind)))
	}
	if v := strings.TrimSpace(f.Search); v != "" {
		q.Where(program.NameContains(v))
	}
	ps, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing programs: %w", err)
	}
	if canAuthor(actor) {
		return ps, nil
	}
	paths, err := s.unitPaths(ctx)
	if err != nil {
		return nil, err
	}
	var out []*ent.Program
	for _, p := range ps {
		ok, err := s.visible(ctx, actor, p, paths)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// Program returns one program the actor may see.
func (s *Service) Program(ctx context.Context, actor accounts.Actor, id int) (*ent.Program, error) {
	p, err := s.loadProgram(ctx, id)
	if err != nil {
		return nil, err
	}
	if canAuthor(actor) {
		return p, nil
	}
	paths, err := s.unitPaths(ctx)
	if err != nil {
		return nil, err
	}
	ok, err := s.visible(ctx, actor, p, paths)
	if err != nil {
		return nil, err
	}
	if !ok {
		// Not found rather than forbidden: a program outside one's scope is none of one's business.
		return nil, fault.NotFoundf("program")
	}
	return p, nil
}

// visible tells whether a manager or learner may see a program: a published program whose audience
// reaches into the manager's subtree or that counts someone there, or one the person is enrolled in.
func (s *Service) visible(ctx context.Context, actor accounts.Actor, p *ent.Program, paths map[int]string) (bool, error) {
	if p.Status == program.StatusDraft {
		return false, nil
	}
	if scope := actor.ScopePath(); scope != "" {
		a := p.Audience
		if len(a.UnitIDs) == 0 && (len(a.Categories) > 0 || len(a.Include) == 0) {
			return true, nil // everyone in the given categories, wherever they work
		}
		for _, id := range a.UnitIDs {
			if path := paths[id]; strings.HasPrefix(path, scope) || strings.HasPrefix(scope, path) {
				return true, nil
			}
		}
		n, err := s.db.SQL.QueryContext(ctx, `SELECT 1 FROM enrollments e JOIN units u ON u.id = e.unit_id
WHERE e.program_id = ? AND u.path LIKE ? LIMIT 1`, p.ID, likePrefix(scope))
		if err != nil {
			return false, fmt.Errorf("checking program %d in scope: %w", p.ID, err)
		}
		found := n.Next()
		n.Close()
		if found {
			return true, nil
		}
	}
	return s.client.Enrollment.Query().
		Where(enrollment.ProgramID(p.ID), enrollment.PersonID(actor.PersonID)).Exist(ctx)
}

// unitPaths maps every unit to its path. Units number in the hundreds at most.
func (s *Service) unitPaths(ctx context.Context) (map[int]string, error) {
	us, err := s.client.Unit.Query().Select("id", "path").All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading units: %w", err)
	}
	m := make(map[int]string, len(us))
	for _, u := range us {
		m[u.ID] = u.Path
	}
	return m, nil
}

// likePrefix makes a LIKE pattern matching strings that start with prefix. Unit paths hold only
// digits and slashes, so there is nothing to escape.
func likePrefix(prefix string) string { return prefix + "%" }

// MyProgram is a program a learner is enrolled in, with their enrollment.
type MyProgram struct {
	Program    *ent.Program
	Enrollment *ent.Enrollment
}

// MyPrograms lists the programs the actor is enrolled in (drafts excluded), by due date.
func (s *Service) MyPrograms(ctx context.Context, actor accounts.Actor) ([]MyProgram, error) {
	es, err := s.client.Enrollment.Query().Where(enrollment.PersonID(actor.PersonID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing enrollments of person %d: %w", actor.PersonID, err)
	}
	ids := make([]int, len(es))
	for i, e := range es {
		ids[i] = e.ProgramID
	}
	ps, err := s.client.Program.Query().Where(program.IDIn(ids...), program.StatusNEQ(program.StatusDraft)).
		Order(ent.Asc(program.FieldDueAt)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading programs of person %d: %w", actor.PersonID, err)
	}
	byProgram := map[int]*ent.Enrollment{}
	for _, e := range es {
		byProgram[e.ProgramID] = e
	}
	out := make([]MyProgram, 0, len(ps))
	for _, p := range ps {
		out = append(out, MyProgram{Program: p, Enrollment: byProgram[p.ID]})
	}
	return out, nil
}

// AssignedCourses lists the courses the actor's active programs require of them (programs they are
// in scope of and not exempt from), so that "my courses" can show them first.
func (s *Service) AssignedCourses(ctx context.Context, actor accounts.Actor) ([]int, error) {
	mine, err := s.MyPrograms(ctx, actor)
	if err != nil {
		return nil, err
	}
	var ids []int
	for _, m := range mine {
		e := m.Enrollment
		if m.Program.Status != program.StatusActive || e == nil || e.LeftScopeAt != nil || e.Status == enrollment.StatusExempt {
			continue
		}
		for _, id := range m.Program.Requirements.CourseIDs {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids, nil
}
