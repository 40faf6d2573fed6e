package training

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/completionsnapshot"
)

// writeSnapshots writes today's (Asia/Shanghai) completion of each program per unit: the people
// who count for that unit itself, not its subtree (a subtree's trend is the sum over its units).
// The figures are counted from the sweep's enrollments in memory: everyone in scope (left_scope_at
// not set), the completed, the exempt, and the rate of completed over in scope less exempt, in
// percent (0 when nobody is left to count). Today's rows are replaced in one transaction, so a
// second sweep on the same day rewrites them with the same or newer figures and never duplicates
// them; a unit nobody counts for any more loses its row for today.
func (s *Service) writeSnapshots(ctx context.Context, programIDs []int, ens []enrolled, now time.Time) (int, error) {
	day := Day(now)
	type key struct{ program, unit int }
	counts := map[key]*Figures{}
	var keys []key
	for _, e := range ens {
		if e.out {
			continue
		}
		k := key{e.program, e.unit}
		f := counts[k]
		if f == nil {
			f = &Figures{}
			counts[k] = f
			keys = append(keys, k)
		}
		f.InScope++
		switch e.status {
		case Completed:
			f.Completed++
		case Exempt:
			f.Exempt++
		}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.program, b.program), cmp.Compare(a.unit, b.unit)) })
	err := s.withTx(ctx, func(tx *ent.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM completion_snapshots WHERE day = ? AND program_id IN (`+marks(len(programIDs))+`)`,
			cat([]any{day}, intArgs(programIDs))...); err != nil {
			return fmt.Errorf("clearing snapshots of %s: %w", day, err)
		}
		for batch := range slices.Chunk(keys, 500) {
			args := make([]any, 0, 7*len(batch))
			for _, k := range batch {
				f := counts[k]
				args = append(args, k.program, k.unit, day, f.InScope, f.Completed, f.Exempt, f.Rate())
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO completion_snapshots (program_id, unit_id, day, in_scope, completed, exempt, rate) VALUES `+
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?),", len(batch)), ","), args...); err != nil {
				return fmt.Errorf("writing snapshots of %s: %w", day, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(keys), nil
}

// TrendPoint is a program's completion in a unit subtree on one day.
type TrendPoint struct {
	Day string
	Figures
}

// Trend is the daily completion of a program in a unit's subtree (unitID 0: the actor's whole
// scope) between two days inclusive ("2006-01-02"), read from the snapshots.
func (s *Service) Trend(ctx context.Context, actor accounts.Actor, programID, unitID int, from, to string) ([]TrendPoint, error) {
	if _, err := s.Program(ctx, actor, programID); err != nil {
		return nil, err
	}
	scope, err := s.subtreeOf(ctx, actor, unitID)
	if err != nil {
		return nil, err
	}
	var out []TrendPoint
	err = s.each(ctx, `SELECT cs.day, SUM(cs.in_scope), SUM(cs.completed), SUM(cs.exempt)
FROM completion_snapshots cs JOIN units u ON u.id = cs.unit_id
WHERE cs.program_id = ? AND cs.day >= ? AND cs.day <= ? AND u.path LIKE ?
GROUP BY cs.day ORDER BY cs.day`, []any{programID, from, to, likePrefix(scope)}, func(rs *sql.Rows) error {
		var t TrendPoint
		if err := rs.Scan(&t.Day, &t.InScope, &t.Completed, &t.Exempt); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading trend of program %d: %w", programID, err)
	}
	return out, nil
}

// Snapshots returns the snapshot rows of a program on one day, for reports and tests.
func (s *Service) Snapshots(ctx context.Context, programID int, day string) ([]*ent.CompletionSnapshot, error) {
	return s.client.CompletionSnapshot.Query().
		Where(completionsnapshot.ProgramID(programID), completionsnapshot.Day(day)).
		Order(ent.Asc(completionsnapshot.FieldUnitID)).All(ctx)
}
