package training

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"peixun/ent"
	"peixun/ent/person"
	"peixun/ent/schema"
)

// randomBureau makes a small unit tree and people of every category and status in it.
func randomBureau(e *env, rng *rand.Rand, n int) ([]*ent.Unit, []*ent.Person) {
	root := e.unit("局", nil)
	squad := e.unit("执法队", root)
	units := []*ent.Unit{root, squad, e.unit("一分队", squad), e.unit("二分队", squad), e.unit("办公室", root)}
	var people []*ent.Person
	for i := 0; i < n; i++ {
		p := e.person(units[rng.IntN(len(units))], randomCategory(rng))
		switch rng.IntN(6) {
		case 0:
			e.must(e.c.Person.UpdateOne(p).SetStatus("left").SetLeftAt(e.clock.Now().UTC().Add(-time.Hour)).Exec(e.ctx))
		case 1:
			e.must(e.c.Person.UpdateOne(p).SetStatus("suspended").Exec(e.ctx))
		}
		people = append(people, p)
	}
	return units, people
}

func randomCategory(rng *rand.Rand) string {
	return []string{"officer", "auxiliary", "cadre", "staff"}[rng.IntN(4)]
}

// randomAudience picks categories, units, people included and excluded, each part present or not;
// with unknown, sometimes units and people that do not exist.
func randomAudience(rng *rand.Rand, units []*ent.Unit, people []*ent.Person, unknown bool) schema.Audience {
	var a schema.Audience
	pick := func(k int) []int {
		var ids []int
		for i := 0; i < k; i++ {
			if unknown && rng.IntN(10) == 0 {
				ids = append(ids, 999999) // nobody
			} else {
				ids = append(ids, people[rng.IntN(len(people))].ID)
			}
		}
		return ids
	}
	if rng.IntN(2) == 0 {
		for i := 0; i < 1+rng.IntN(2); i++ {
			a.Categories = append(a.Categories, randomCategory(rng))
		}
	}
	if rng.IntN(2) == 0 {
		for i := 0; i < 1+rng.IntN(2); i++ {
			id := units[rng.IntN(len(units))].ID
			if unknown && rng.IntN(10) == 0 {
				id = 999999 // no such unit
			}
			a.UnitIDs = append(a.UnitIDs, id)
		}
	}
	if rng.IntN(2) == 0 {
		a.Include = pick(1 + rng.IntN(4))
	}
	if rng.IntN(2) == 0 {
		a.Exclude = pick(1 + rng.IntN(4))
	}
	return a
}

// TestAudienceInGoMatchesSQL checks that the audience test of the full sweep (in Go) and the SQL
// condition of the one-person sync select exactly the same people.
func TestAudienceInGoMatchesSQL(t *testing.T) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(5, 5))
	units, people := randomBureau(e, rng, 60)
	paths, err := e.svc.unitPaths(e.ctx)
	e.must(err)
	list, _, err := e.svc.loadPeople(e.ctx, paths)
	e.must(err)
	for i := 0; i < 300; i++ {
		a := randomAudience(rng, units, people, true)
		where, args := audienceWhere(a, paths)
		var inSQL []int
		err := e.svc.each(e.ctx, "SELECT p.id FROM persons p JOIN units u ON u.id = p.unit_id WHERE "+where, args,
			func(rs *sql.Rows) error {
				var id int
				err := rs.Scan(&id)
				inSQL = append(inSQL, id)
				return err
			})
		e.must(err)
		var inGo []int
		aud := compileAudience(a, paths)
		for _, m := range list {
			if aud.has(&m) {
				inGo = append(inGo, m.id)
			}
		}
		slices.Sort(inSQL)
		if !slices.Equal(inSQL, inGo) {
			t.Fatalf("audience %+v: SQL selects %v, Go %v", a, inSQL, inGo)
		}
	}
}

// syncState is what synchronization decides about one enrollment.
type syncState struct {
	unit   int
	leftAt string
}

// syncScenario builds a bureau and programs, then for three rounds moves people around (transfers
// before and after their enrollment, changes of category, departures with and without a date,
// suspensions, returns, hires) and synchronizes with sync: the full sweep's syncAll, or the
// one-person SQL sync for every person. It returns the enrollments after each round, by program and
// person, and the counts.
func syncScenario(t *testing.T, seed uint64, perPerson bool) ([]map[[2]int]syncState, SyncCounts) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(seed, 11))
	units, people := randomBureau(e, rng, 40)
	var ps []*ent.Program
	for i := 0; i < 5; i++ {
		ps = append(ps, e.program(ProgramInput{Name: fmt.Sprint("计划", i), Audience: randomAudience(rng, units, people, false),
			Requirements: hours(10)}))
	}
	var rounds []map[[2]int]syncState
	var total SyncCounts
	for round := 0; round < 3; round++ {
		e.clock.Add(10 * 24 * time.Hour)
		now := e.clock.Now().UTC()
		for _, p := range people {
			q := e.c.Person.UpdateOneID(p.ID)
			switch rng.IntN(8) {
			case 0: // transfer, some before the enrollment, some after
				q.SetUnitID(units[rng.IntN(len(units))].ID).SetUnitSince(now.Add(-time.Duration(rng.IntN(25*24)) * time.Hour))
			case 1:
				q.SetCategory(person.Category(randomCategory(rng)))
			case 2:
				q.SetStatus("left").SetLeftAt(now.Add(-time.Duration(rng.IntN(48)) * time.Hour))
			case 3:
				q.SetStatus("left").ClearLeftAt()
			case 4:
				q.SetStatus("suspended")
			case 5:
				q.SetStatus("active").ClearLeftAt()
			default:
				continue
			}
			e.must(q.Exec(e.ctx))
		}
		for i := 0; i < 3; i++ {
			people = append(people, e.person(units[rng.IntN(len(units))], randomCategory(rng)))
		}
		paths, err := e.svc.unitPaths(e.ctx)
		e.must(err)
		active, err := e.svc.activePrograms(e.ctx, nil)
		e.must(err)
		if perPerson {
			for _, p := range active {
				for _, who := range people {
					c, err := e.svc.sync(e.ctx, p, paths, who.ID)
					e.must(err)
					total = total.Add(c)
				}
			}
		} else {
			ens, c, err := e.svc.syncAll(e.ctx, active, paths, e.svc.clock())
			e.must(err)
			total = total.Add(c)
			checkInMemory(t, e, ens)
		}
		state := map[[2]int]syncState{}
		for _, x := range e.c.Enrollment.Query().AllX(e.ctx) {
			s := syncState{unit: x.UnitID}
			if x.LeftScopeAt != nil {
				s.leftAt = x.LeftScopeAt.UTC().Format(time.RFC3339Nano)
			}
			state[[2]int{x.ProgramID, x.PersonID}] = s
		}
		rounds = append(rounds, state)
	}
	return rounds, total
}

// checkInMemory checks that the enrollments syncAll hands on are those in the database.
func checkInMemory(t *testing.T, e *env, ens []enrolled) {
	t.Helper()
	db := e.c.Enrollment.Query().AllX(e.ctx)
	if len(db) != len(ens) {
		t.Fatalf("%d enrollments in memory, %d in the database", len(ens), len(db))
	}
	byID := map[int]*ent.Enrollment{}
	for _, x := range db {
		byID[x.ID] = x
	}
	for _, m := range ens {
		x := byID[m.id]
		if x == nil || x.ProgramID != m.program || x.PersonID != m.person || x.UnitID != m.unit ||
			string(x.Status) != m.status || x.Progress != m.progress || (x.LeftScopeAt != nil) != m.out {
			t.Fatalf("enrollment in memory %+v, in the database %+v", m, x)
		}
	}
}

// TestFullSyncMatchesPersonSync runs the same random transfers, leavers, rejoiners and hires
// through the full sweep's synchronization in Go and through the one-person SQL synchronization of
// every person: both must leave the same enrollments, with the same units and dates.
func TestFullSyncMatchesPersonSync(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			full, fc := syncScenario(t, seed, false)
			one, oc := syncScenario(t, seed, true)
			if fc != oc {
				t.Errorf("full sync counts %+v, person by person %+v", fc, oc)
			}
			if fc.Left == 0 || fc.Rejoined == 0 || fc.Moved == 0 || fc.Enrolled == 0 {
				t.Errorf("random changes should exercise every case: %+v", fc)
			}
			for r := range full {
				if len(full[r]) != len(one[r]) {
					t.Errorf("round %d: %d enrollments in full, %d person by person", r, len(full[r]), len(one[r]))
				}
				for k, v := range one[r] {
					if full[r][k] != v {
						t.Errorf("round %d, program %d, person %d: full %+v, person by person %+v", r, k[0], k[1], full[r][k], v)
					}
				}
			}
		})
	}
}
