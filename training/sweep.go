package training

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"peixun/ent"
)

// SweepResult counts what a sweep did.
type SweepResult struct {
	Programs     int
	Sync         SyncCounts
	Evaluated    int // enrollments not yet settled (completed or exempt) that were evaluated
	Changed      int // of those, whose status or progress changed
	Completed    int // newly completed
	Overdue      int // newly overdue
	Certificates int // certificates asked for (newly completed, or missed before)
	Snapshots    int // snapshot rows written
	// Took is how long each phase took (sync, facts, evaluate, write, certificates, snapshots).
	// The facts of the first group of programs are read during the sync: their phase is the wait
	// for them after it.
	Took map[string]time.Duration
}

// Counts gives the result as the counts of a job run.
func (r SweepResult) Counts() map[string]int {
	return map[string]int{"programs": r.Programs, "enrolled": r.Sync.Enrolled, "rejoined": r.Sync.Rejoined,
		"left": r.Sync.Left, "moved": r.Sync.Moved, "evaluated": r.Evaluated, "changed": r.Changed,
		"completed": r.Completed, "overdue": r.Overdue, "certificates": r.Certificates, "snapshots": r.Snapshots}
}

// Sweep is the nightly full pass over every active program: synchronize enrollment with the
// audiences, evaluate everyone with the same rule as the event path, mark the overdue, ask for the
// certificates of the newly completed, and write today's snapshot per program and unit. It reads
// each table once with a grouped query and writes only what changed; running it twice changes
// nothing the second time.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) { return s.sweep(ctx, nil, true) }

// RecomputeProgram synchronizes and re-evaluates one program now, as after its audience or
// requirements changed.
func (s *Service) RecomputeProgram(ctx context.Context, programID int) (SweepResult, error) {
	return s.sweep(ctx, []int{programID}, false)
}

func (s *Service) sweep(ctx context.Context, programIDs []int, snapshots bool) (SweepResult, error) {
	res := SweepResult{Took: map[string]time.Duration{}}
	now := s.clock()
	mark := time.Now()
	phase := func(name string) {
		res.Took[name] += time.Since(mark)
		mark = time.Now()
	}
	ps, err := s.activePrograms(ctx, programIDs)
	if err != nil || len(ps) == 0 {
		return res, err
	}
	res.Programs = len(ps)
	paths, err := s.unitPaths(ctx)
	if err != nil {
		return res, err
	}
	ids := make([]int, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}

	// The facts of the first group of programs depend on nothing the synchronization changes:
	// they are read on another connection while it runs.
	groups := groupsOf(ps)
	first := make(chan groupFacts, 1)
	go func() { first <- s.readFacts(ctx, groups[0]) }()
	ens, sc, err := s.syncAll(ctx, ps, paths, now)
	if err != nil {
		<-first
		return res, err
	}
	res.Sync = sc
	phase("sync")
	for i, group := range groups {
		var gf groupFacts
		if i == 0 {
			gf = <-first
		} else {
			gf = s.readFacts(ctx, group)
		}
		if gf.err != nil {
			return res, fmt.Errorf("sweeping: %w", gf.err)
		}
		phase("facts")
		if err := s.sweepGroup(ctx, gf, ens, now, &res, phase); err != nil {
			return res, err
		}
	}
	phase("write")
	if res.Certificates, err = s.issueMissing(ctx, ids); err != nil {
		return res, err
	}
	phase("certificates")
	if snapshots {
		if res.Snapshots, err = s.writeSnapshots(ctx, ids, ens, now); err != nil {
			return res, err
		}
		phase("snapshots")
	}
	return res, nil
}

// groupFacts is what evaluating a group of programs reads: their rules, everyone's facts, and the
// catalog of courses.
type groupFacts struct {
	rules map[int]rule
	all   map[int]*facts
	cat   catalog
	err   error
}

// readFacts reads everyone's facts for a group of programs, in one grouped read per table.
func (s *Service) readFacts(ctx context.Context, ps []*ent.Program) groupFacts {
	rules, list, starts := compile(ps)
	n := needsOf(list)
	all, err := s.loadFacts(ctx, n, starts, 0)
	if err != nil {
		return groupFacts{err: err}
	}
	cat, err := s.loadCatalog(ctx, n.courses, n.allCourses)
	return groupFacts{rules: rules, all: all, cat: cat, err: err}
}

// sweepGroup evaluates the unsettled enrollments of a group of programs in memory, updates them
// with the verdicts and writes those.
func (s *Service) sweepGroup(ctx context.Context, gf groupFacts, ens []enrolled, now time.Time, res *SweepResult, phase func(string)) error {
	// Verdicts are grouped by (status, progress): progress takes few distinct values, so each
	// group is written with plain IN lists, portable to every database.
	groups := map[change][]int{}
	for i := range ens {
		e := &ens[i]
		r, ok := gf.rules[e.program]
		if !ok || e.status == Completed || e.status == Exempt {
			continue
		}
		res.Evaluated++
		if c, ok := decide(e.enrollmentRow, r, gf.all[e.person], gf.cat, now); ok {
			key := change{status: c.status, progress: c.progress}
			groups[key] = append(groups[key], c.id)
			e.status, e.progress = c.status, c.progress
		}
	}
	phase("evaluate")
	return s.writeGroups(ctx, groups, now, res)
}

// writeBatch is how many ids go into one UPDATE.
const writeBatch = 1000

// writeGroups writes the verdicts of a sweep, a thousand rows per statement. Like the event path it
// never touches a settled enrollment and sets completed_at once.
func (s *Service) writeGroups(ctx context.Context, groups map[change][]int, now time.Time, res *SweepResult) error {
	for key, ids := range groups {
		for batch := range slices.Chunk(ids, writeBatch) {
			q := `UPDATE enrollments SET status = ?, progress = ?, updated_at = ?,
  completed_at = CASE WHEN ? = 'completed' THEN COALESCE(completed_at, ?) ELSE completed_at END
WHERE id IN (` + marks(len(batch)) + `) AND status NOT IN ('completed', 'exempt')`
			r, err := s.db.SQL.ExecContext(ctx, q, cat([]any{key.status, key.progress, now, key.status, now}, intArgs(batch))...)
			if err != nil {
				return fmt.Errorf("writing %d enrollments as %s: %w", len(batch), key.status, err)
			}
			k, _ := r.RowsAffected()
			res.Changed += int(k)
			switch key.status {
			case Completed:
				res.Completed += int(k)
			case Overdue:
				res.Overdue += int(k)
			}
		}
	}
	return nil
}

// issueMissing asks for the certificate of every completed enrollment of a certifying program that
// has none yet: the newly completed, and any whose issuing failed before. One query finds them
// through the certificates' (program_id, person_id) index.
func (s *Service) issueMissing(ctx context.Context, programIDs []int) (int, error) {
	if s.certs == nil {
		return 0, nil
	}
	var missing []int
	err := s.each(ctx, `SELECT e.id FROM enrollments e JOIN programs p ON p.id = e.program_id
LEFT JOIN certificates c ON c.program_id = e.program_id AND c.person_id = e.person_id
WHERE p.certificate = ? AND e.status = 'completed' AND c.id IS NULL AND e.program_id IN (`+marks(len(programIDs))+`)`,
		cat([]any{true}, intArgs(programIDs)), func(rs *sql.Rows) error {
			var id int
			if err := rs.Scan(&id); err != nil {
				return err
			}
			missing = append(missing, id)
			return nil
		})
	if err != nil {
		return 0, fmt.Errorf("finding completions without certificate: %w", err)
	}
	for _, id := range missing {
		s.issue(ctx, id)
	}
	return len(missing), nil
}

// itoa is strconv.Itoa, short for building keys.
func itoa(n int) string { return strconv.Itoa(n) }
