package training

import (
	"slices"
	"testing"
	"time"

	"peixun/ent/schema"
)

func TestAudienceRules(t *testing.T) {
	e := newEnv(t)
	root := e.unit("局", nil)
	squad := e.unit("执法队", root)
	team := e.unit("一分队", squad)
	office := e.unit("办公室", root)
	officer := e.person(team, "officer")
	aux := e.person(squad, "auxiliary")
	clerk := e.person(office, "staff")
	cadre := e.person(office, "cadre")
	gone := e.person(team, "officer")
	e.must(e.c.Person.UpdateOne(gone).SetStatus("left").Exec(e.ctx))
	tests := []struct {
		name string
		a    schema.Audience
		want []int
	}{
		{"everyone active", schema.Audience{}, []int{officer.ID, aux.ID, clerk.ID, cadre.ID}},
		{"category", schema.Audience{Categories: []string{"officer", "auxiliary"}}, []int{officer.ID, aux.ID}},
		{"unit subtree", schema.Audience{UnitIDs: []int{squad.ID}}, []int{officer.ID, aux.ID}},
		{"category in subtree", schema.Audience{Categories: []string{"officer"}, UnitIDs: []int{squad.ID}}, []int{officer.ID}},
		{"include adds", schema.Audience{Categories: []string{"officer"}, Include: []int{cadre.ID}}, []int{officer.ID, cadre.ID}},
		{"include only", schema.Audience{Include: []int{clerk.ID}}, []int{clerk.ID}},
		{"exclude removes", schema.Audience{UnitIDs: []int{root.ID}, Exclude: []int{aux.ID}}, []int{officer.ID, clerk.ID, cadre.ID}},
		{"two subtrees", schema.Audience{UnitIDs: []int{team.ID, office.ID}}, []int{officer.ID, clerk.ID, cadre.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := e.program(ProgramInput{Name: tt.name, Audience: tt.a, Requirements: hours(10)})
			var got []int
			for _, x := range e.c.Enrollment.Query().AllX(e.ctx) {
				if x.ProgramID == p.ID {
					got = append(got, x.PersonID)
				}
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("enrolled %v, want %v", got, want)
			}
		})
	}
}

func TestEnrollmentFollowsPeople(t *testing.T) {
	e := newEnv(t)
	root := e.unit("局", nil)
	squadA := e.unit("良渚中队", root)
	squadB := e.unit("余杭中队", root)
	office := e.unit("办公室", root)
	stay := e.person(squadA, "officer")
	mover := e.person(squadA, "officer")
	outgoing := e.person(squadA, "officer")
	leaver := e.person(squadB, "officer")
	p := e.program(ProgramInput{Audience: schema.Audience{Categories: []string{"officer"}, UnitIDs: []int{squadA.ID, squadB.ID}},
		Requirements: hours(10)})

	// A month later: a hire, a transfer within scope, a transfer out of scope, a departure.
	e.clock.Add(30 * 24 * time.Hour)
	transfer := e.clock.Now().Add(-2 * 24 * time.Hour).UTC().Truncate(time.Microsecond)
	leftAt := e.clock.Now().Add(-24 * time.Hour).UTC().Truncate(time.Microsecond)
	hire := e.person(squadB, "officer")
	e.must(e.c.Person.UpdateOne(mover).SetUnitID(squadB.ID).SetUnitSince(transfer).Exec(e.ctx))
	e.must(e.c.Person.UpdateOne(outgoing).SetUnitID(office.ID).SetUnitSince(transfer).Exec(e.ctx))
	e.must(e.c.Person.UpdateOne(leaver).SetStatus("left").SetLeftAt(leftAt).Exec(e.ctx))
	res, err := e.svc.Sweep(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Sync != (SyncCounts{Enrolled: 1, Left: 2, Moved: 1}) {
		t.Fatalf("sync %+v", res.Sync)
	}
	check := func(who int, unit int, left *time.Time) {
		t.Helper()
		en := e.enrollmentOf(p.ID, who)
		if en == nil {
			t.Fatalf("person %d has no enrollment", who)
		}
		if en.UnitID != unit {
			t.Errorf("person %d counts for unit %d, want %d", who, en.UnitID, unit)
		}
		switch {
		case left == nil && en.LeftScopeAt != nil:
			t.Errorf("person %d left scope at %v", who, en.LeftScopeAt)
		case left != nil && (en.LeftScopeAt == nil || !en.LeftScopeAt.Equal(*left)):
			t.Errorf("person %d left scope at %v, want %v", who, en.LeftScopeAt, left)
		}
	}
	check(stay.ID, squadA.ID, nil)
	check(mover.ID, squadB.ID, nil)
	check(hire.ID, squadB.ID, nil)
	check(outgoing.ID, squadA.ID, &transfer) // history stays with the unit it counted for
	check(leaver.ID, squadB.ID, &leftAt)

	v, err := e.svc.ProgramView(e.ctx, e.admin, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Total.InScope != 3 {
		t.Fatalf("in scope %d, want 3 (stay, mover, hire)", v.Total.InScope)
	}

	// Coming back: the outgoing officer returns to squad A; the sync clears left_scope_at.
	e.must(e.c.Person.UpdateOne(outgoing).SetUnitID(squadA.ID).SetUnitSince(e.clock.Now()).Exec(e.ctx))
	if err := e.svc.OnPersonChanged(e.ctx, outgoing.ID); err != nil {
		t.Fatal(err)
	}
	check(outgoing.ID, squadA.ID, nil)
	if n := e.c.Enrollment.Query().CountX(e.ctx); n != 5 {
		t.Fatalf("%d enrollments, want 5: nobody's row is deleted or doubled", n)
	}
}
