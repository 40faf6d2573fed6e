package training

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"peixun/ent"
	"peixun/ent/schema"
)

// audienceWhere is the condition, over persons p joined to units u, that puts an active person in a
// program's audience; audience.has is the same rule in Go. People included by name are in whatever their category or unit; people
// excluded by name are out whatever else holds. With no categories and no units, the audience is
// everyone, unless people are included by name: then it is exactly those people.
func audienceWhere(a schema.Audience, paths map[int]string) (string, []any) {
	var conds []string
	var args []any
	if len(a.Categories) > 0 {
		conds = append(conds, "p.category IN ("+marks(len(a.Categories))+")")
		for _, c := range a.Categories {
			args = append(args, c)
		}
	}
	if len(a.UnitIDs) > 0 {
		var ors []string
		for _, id := range a.UnitIDs {
			ors = append(ors, "u.path LIKE ?")
			args = append(args, likePrefix(paths[id]))
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	rule := "1=1"
	if len(conds) > 0 {
		rule = strings.Join(conds, " AND ")
	}
	if len(a.Include) > 0 {
		incl := "p.id IN (" + marks(len(a.Include)) + ")"
		inclArgs := intArgs(a.Include)
		if len(conds) == 0 {
			rule, args = incl, inclArgs
		} else {
			rule, args = "("+incl+" OR ("+rule+"))", append(inclArgs, args...)
		}
	}
	where := "p.status = 'active' AND " + rule
	if len(a.Exclude) > 0 {
		where += " AND p.id NOT IN (" + marks(len(a.Exclude)) + ")"
		args = append(args, intArgs(a.Exclude)...)
	}
	return where, args
}

// SyncCounts says what an enrollment synchronization changed.
type SyncCounts struct {
	Enrolled int // came into scope for the first time
	Rejoined int // came back into scope
	Left     int // left scope or the job
	Moved    int // now count for another unit
}

// sync brings one program's enrollments in line with its audience, for one person (personID > 0)
// or for everyone, in SQL. The event path (OnPersonChanged) uses it for one person; the sweep uses
// syncAll, which decides the same in Go over everyone at once (the tests hold the two together).
// It runs one INSERT…SELECT for the newcomers, then for those who left, came back or moved
// a SELECT of the affected ids and an UPDATE of just those rows, a thousand at a time. Finding them
// with a plain SELECT first matters on MySQL: an UPDATE whose WHERE holds a subquery is run row by
// row under locks, a SELECT is not. Nobody's row is deleted: people who leave keep their history
// and get left_scope_at, which takes them out of the denominator from that date (the day they left
// the job, or the day of their transfer). A transfer within scope moves the person's count to their
// new unit.
func (s *Service) sync(ctx context.Context, p *ent.Program, paths map[int]string, personID int) (SyncCounts, error) {
	var c SyncCounts
	now := s.clock()
	where, wargs := audienceWhere(p.Audience, paths)
	onePerson, oneArg := "", []any{}
	if personID > 0 {
		onePerson, oneArg = " AND p.id = ?", []any{personID}
	}
	// The subquery carries the person filter too, so that one person's sync reads one person.
	inScope := "SELECT p.id FROM persons p JOIN units u ON u.id = p.unit_id WHERE " + where + onePerson
	ePerson := strings.ReplaceAll(onePerson, "p.id", "e.person_id")

	// Newcomers are found with a SELECT first, so that a night with no newcomers takes no locks.
	var fresh []int
	err := s.each(ctx, `SELECT p.id FROM persons p JOIN units u ON u.id = p.unit_id WHERE `+where+onePerson+
		` AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.program_id = ? AND e.person_id = p.id)`,
		cat(wargs, oneArg, []any{p.ID}), func(rs *sql.Rows) error {
			var id int
			err := rs.Scan(&id)
			fresh = append(fresh, id)
			return err
		})
	if err != nil {
		return c, fmt.Errorf("finding newcomers to program %d: %w", p.ID, err)
	}
	for batch := range slices.Chunk(fresh, writeBatch) {
		res, err := s.db.SQL.ExecContext(ctx, `INSERT INTO enrollments (program_id, person_id, unit_id, status, progress, enrolled_at, updated_at)
SELECT ?, p.id, p.unit_id, 'assigned', 0, ?, ? FROM persons p
WHERE p.id IN (`+marks(len(batch))+`) AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.program_id = ? AND e.person_id = p.id)`,
			cat([]any{p.ID, now, now}, intArgs(batch), []any{p.ID})...)
		if err != nil {
			return c, fmt.Errorf("enrolling newcomers to program %d: %w", p.ID, err)
		}
		n, _ := res.RowsAffected()
		c.Enrolled += int(n)
	}

	steps := []struct {
		n      *int
		find   string
		args   []any
		set    string
		setArg []any
	}{
		{&c.Rejoined, `SELECT e.id FROM enrollments e WHERE e.program_id = ? AND e.left_scope_at IS NOT NULL` + ePerson +
			` AND e.person_id IN (` + inScope + `)`, cat([]any{p.ID}, oneArg, wargs, oneArg),
			`left_scope_at = NULL, updated_at = ?`, []any{now}},
		{&c.Left, `SELECT e.id FROM enrollments e WHERE e.program_id = ? AND e.left_scope_at IS NULL` + ePerson +
			` AND e.person_id NOT IN (` + inScope + `)`, cat([]any{p.ID}, oneArg, wargs, oneArg),
			`updated_at = ?, left_scope_at = (SELECT CASE
    WHEN p.status <> 'active' THEN COALESCE(p.left_at, ?)
    WHEN p.unit_since > enrollments.enrolled_at THEN p.unit_since ELSE ? END
  FROM persons p WHERE p.id = enrollments.person_id)`, []any{now, now, now}},
		{&c.Moved, `SELECT e.id FROM enrollments e JOIN persons p ON p.id = e.person_id
WHERE e.program_id = ? AND e.left_scope_at IS NULL AND e.unit_id <> p.unit_id` + onePerson, cat([]any{p.ID}, oneArg),
			`unit_id = (SELECT p.unit_id FROM persons p WHERE p.id = enrollments.person_id), updated_at = ?`, []any{now}},
	}
	for _, st := range steps {
		var ids []int
		err := s.each(ctx, st.find, st.args, func(rs *sql.Rows) error {
			var id int
			err := rs.Scan(&id)
			ids = append(ids, id)
			return err
		})
		if err != nil {
			return c, fmt.Errorf("synchronizing enrollment of program %d: %w", p.ID, err)
		}
		for batch := range slices.Chunk(ids, writeBatch) {
			res, err := s.db.SQL.ExecContext(ctx, "UPDATE enrollments SET "+st.set+" WHERE id IN ("+marks(len(batch))+")",
				cat(st.setArg, intArgs(batch))...)
			if err != nil {
				return c, fmt.Errorf("synchronizing enrollment of program %d: %w", p.ID, err)
			}
			n, _ := res.RowsAffected()
			*st.n += int(n)
		}
	}
	return c, nil
}

// Add sums two counts.
func (c SyncCounts) Add(o SyncCounts) SyncCounts {
	return SyncCounts{c.Enrolled + o.Enrolled, c.Rejoined + o.Rejoined, c.Left + o.Left, c.Moved + o.Moved}
}

// OnPersonChanged re-synchronizes and re-evaluates one person's enrollments in every active program:
// the accounts package (or the roster import) calls it after a hire, a transfer, a change of
// category or a departure, so that figures move at once rather than at the nightly sweep.
func (s *Service) OnPersonChanged(ctx context.Context, personID int) error {
	ps, err := s.activePrograms(ctx, nil)
	if err != nil {
		return err
	}
	paths, err := s.unitPaths(ctx)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if _, err := s.sync(ctx, p, paths, personID); err != nil {
			return err
		}
	}
	return s.EvaluatePerson(ctx, personID)
}

func marks(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

func intArgs(ids []int) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func cat(parts ...[]any) []any {
	var out []any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// manyPeople is where re-synchronising person by person stops paying off against one set-based pass
// over every active program.
const manyPeople = 50

// OnPeopleChanged brings enrollment up to date after people were hired, transferred, re-categorised,
// suspended or marked as left (accounts calls it after person edits and roster imports). Nil or many
// ids re-synchronise every active program in one pass, as the sweep does; a few ids go one by one.
// Errors are logged, not returned: the nightly sweep repairs whatever an event missed.
func (s *Service) OnPeopleChanged(ctx context.Context, personIDs []int) {
	if len(personIDs) > 0 && len(personIDs) <= manyPeople {
		for _, id := range personIDs {
			if err := s.OnPersonChanged(ctx, id); err != nil {
				s.log.Error("re-synchronising enrollment", "person", id, "error", err.Error())
			}
		}
		return
	}
	if _, err := s.sweep(ctx, nil, false); err != nil {
		s.log.Error("re-synchronising enrollment of every program", "error", err.Error())
	}
}
