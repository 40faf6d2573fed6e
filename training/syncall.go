package training

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"peixun/ent"
)

// enrolled is an enrollment as a full sweep holds it in memory, from the synchronization through
// the evaluation to the snapshots.
type enrolled struct {
	enrollmentRow
	unit int
	out  bool // left_scope_at is set: out of the denominator
}

// enrollmentCols are the columns scanEnrolled reads.
const enrollmentCols = `id, program_id, person_id, unit_id, status, progress, CASE WHEN left_scope_at IS NULL THEN 0 ELSE 1 END`

func scanEnrolled(rs *sql.Rows) (enrolled, error) {
	var id, program, person, unit, out dbInt
	var status sql.RawBytes
	var progress float64
	err := rs.Scan(&id, &program, &person, &unit, &status, &progress, &out)
	return enrolled{enrollmentRow: enrollmentRow{id: int(id), program: int(program), person: int(person),
		status: intern(status), progress: progress}, unit: int(unit), out: out != 0}, err
}

// loadEnrollments reads every enrollment of the given programs in one query; expect is how many
// there probably are.
func (s *Service) loadEnrollments(ctx context.Context, programIDs []int, expect int) ([]enrolled, error) {
	out := make([]enrolled, 0, expect)
	err := s.each(ctx, `SELECT `+enrollmentCols+` FROM enrollments WHERE program_id IN (`+marks(len(programIDs))+`)`,
		intArgs(programIDs), func(rs *sql.Rows) error {
			e, err := scanEnrolled(rs)
			out = append(out, e)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("reading enrollments: %w", err)
	}
	return out, nil
}

// syncSet is one way of changing enrollments in a synchronization: the rows that change alike are
// written with one UPDATE … WHERE id IN (…).
type syncSet struct {
	rejoin bool  // left_scope_at = NULL
	leave  bool  // left_scope_at = leftAt
	leftAt int64 // Unix nanoseconds
	unit   int   // unit_id = unit, when not 0
}

// syncAll brings the enrollments of the given programs in line with their audiences, as sync does
// for one person, but deciding in Go over everyone and every enrollment read once: newcomers are
// enrolled, people back in scope rejoin, people out of scope leave (from the day they left the job,
// the day of their transfer, or today), and people in scope who changed unit move. It returns the
// enrollments as they are after it, for the evaluation and the snapshots.
func (s *Service) syncAll(ctx context.Context, ps []*ent.Program, paths map[int]string, now time.Time) ([]enrolled, SyncCounts, error) {
	var c SyncCounts
	list, byID, err := s.loadPeople(ctx, paths)
	if err != nil {
		return nil, c, err
	}
	ids := make([]int, len(ps))
	inScope := map[int][]bool{}    // program → by position in list: in the audience
	enrolledIn := map[int][]bool{} // program → by position in list: has an enrollment
	expect := 0
	for i, p := range ps {
		ids[i] = p.ID
		aud := compileAudience(p.Audience, paths)
		in := make([]bool, len(list))
		for j := range list {
			in[j] = aud.has(&list[j])
			if in[j] {
				expect++
			}
		}
		inScope[p.ID], enrolledIn[p.ID] = in, make([]bool, len(list))
	}
	ens, err := s.loadEnrollments(ctx, ids, expect+expect/8)
	if err != nil {
		return nil, c, err
	}
	sets := map[syncSet][]int{}
	var leavers []int // positions in ens of the people who leave scope
	for i := range ens {
		e := &ens[i]
		pos, known := byID[e.person]
		if !known {
			continue // no such person: nothing to decide from
		}
		m := &list[pos]
		enrolledIn[e.program][pos] = true
		switch in := inScope[e.program][pos]; {
		case in && (e.out || e.unit != m.unit):
			set := syncSet{rejoin: e.out}
			if e.unit != m.unit {
				set.unit = m.unit
			}
			sets[set] = append(sets[set], e.id)
			e.out, e.unit = false, m.unit
		case !in && !e.out:
			leavers = append(leavers, i)
			e.out = true
		}
	}
	if err := s.leaveTimes(ctx, ens, leavers, now, sets); err != nil {
		return nil, c, err
	}
	for _, p := range ps {
		var fresh []int
		for i, m := range list {
			if inScope[p.ID][i] && !enrolledIn[p.ID][i] {
				fresh = append(fresh, m.id)
			}
		}
		added, err := s.enroll(ctx, p.ID, fresh, now)
		if err != nil {
			return nil, c, err
		}
		c.Enrolled += len(added)
		ens = append(ens, added...)
	}
	if err := s.writeSync(ctx, sets, now, &c); err != nil {
		return nil, c, err
	}
	return ens, c, nil
}

// leaveTimes decides when each leaver left scope, as sync does in SQL: the day they left the job
// (today if unknown) for someone no longer active, else the day of their transfer if it came after
// their enrollment, else today. It reads the dates of just the leavers.
func (s *Service) leaveTimes(ctx context.Context, ens []enrolled, leavers []int, now time.Time, sets map[syncSet][]int) error {
	for batch := range slices.Chunk(leavers, writeBatch) {
		ids := make([]int, len(batch))
		for i, pos := range batch {
			ids[i] = ens[pos].id
		}
		err := s.each(ctx, `SELECT e.id, e.enrolled_at, p.status, p.left_at, p.unit_since FROM enrollments e
JOIN persons p ON p.id = e.person_id WHERE e.id IN (`+marks(len(ids))+`)`, intArgs(ids), func(rs *sql.Rows) error {
			var id int
			var status string
			var enrolledAt, unitSince time.Time
			var leftAt sql.NullTime
			if err := rs.Scan(&id, &enrolledAt, &status, &leftAt, &unitSince); err != nil {
				return err
			}
			at := now
			switch {
			case status != "active":
				if leftAt.Valid {
					at = leftAt.Time
				}
			case unitSince.After(enrolledAt):
				at = unitSince
			}
			set := syncSet{leave: true, leftAt: at.UTC().UnixNano()}
			sets[set] = append(sets[set], id)
			return nil
		})
		if err != nil {
			return fmt.Errorf("reading the dates of people who left scope: %w", err)
		}
	}
	return nil
}

// enroll enrolls people in a program, a thousand per statement, and returns their new enrollments.
// The NOT EXISTS guard keeps a concurrent enrollment from being doubled.
func (s *Service) enroll(ctx context.Context, programID int, personIDs []int, now time.Time) ([]enrolled, error) {
	var out []enrolled
	for batch := range slices.Chunk(personIDs, writeBatch) {
		_, err := s.db.SQL.ExecContext(ctx, `INSERT INTO enrollments (program_id, person_id, unit_id, status, progress, enrolled_at, updated_at)
SELECT ?, p.id, p.unit_id, 'assigned', 0, ?, ? FROM persons p
WHERE p.id IN (`+marks(len(batch))+`) AND NOT EXISTS (SELECT 1 FROM enrollments e WHERE e.program_id = ? AND e.person_id = p.id)`,
			cat([]any{programID, now, now}, intArgs(batch), []any{programID})...)
		if err != nil {
			return nil, fmt.Errorf("enrolling newcomers to program %d: %w", programID, err)
		}
		err = s.each(ctx, `SELECT `+enrollmentCols+` FROM enrollments WHERE program_id = ? AND person_id IN (`+marks(len(batch))+`)`,
			cat([]any{programID}, intArgs(batch)), func(rs *sql.Rows) error {
				e, err := scanEnrolled(rs)
				out = append(out, e)
				return err
			})
		if err != nil {
			return nil, fmt.Errorf("reading new enrollments of program %d: %w", programID, err)
		}
	}
	return out, nil
}

// writeSync writes the synchronization's changes, a thousand rows per statement. Each statement
// is guarded by the state it changes from, so that a concurrent change is not counted twice.
func (s *Service) writeSync(ctx context.Context, sets map[syncSet][]int, now time.Time, c *SyncCounts) error {
	for set, ids := range sets {
		cols, args, guard := []string{"updated_at = ?"}, []any{now}, ""
		switch {
		case set.rejoin:
			cols, guard = append(cols, "left_scope_at = NULL"), " AND left_scope_at IS NOT NULL"
		case set.leave:
			cols, guard = append(cols, "left_scope_at = ?"), " AND left_scope_at IS NULL"
			args = append(args, time.Unix(0, set.leftAt).UTC())
		}
		if set.unit != 0 {
			cols, args = append(cols, "unit_id = ?"), append(args, set.unit)
		}
		for batch := range slices.Chunk(ids, writeBatch) {
			res, err := s.db.SQL.ExecContext(ctx, "UPDATE enrollments SET "+strings.Join(cols, ", ")+
				" WHERE id IN ("+marks(len(batch))+")"+guard, cat(args, intArgs(batch))...)
			if err != nil {
				return fmt.Errorf("synchronizing %d enrollments: %w", len(batch), err)
			}
			n, _ := res.RowsAffected()
			switch {
			case set.rejoin:
				c.Rejoined += int(n)
			case set.leave:
				c.Left += int(n)
			}
			if set.unit != 0 {
				c.Moved += int(n)
			}
		}
	}
	return nil
}
