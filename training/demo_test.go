package training

import (
	"testing"

	"peixun/accounts"
)

func TestSeedDemo(t *testing.T) {
	e := newEnv(t)
	acc := accounts.New(e.db, e.clock.Now, quietLog())
	ids, err := acc.SeedDemo(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	courseID, _ := e.course(4, 6)
	quiz := e.quiz()
	progs, err := SeedDemo(e.ctx, e.svc, DemoOptions{CourseIDs: []int{courseID}, QuizID: quiz, CreatedBy: ids["admin"]})
	if err != nil {
		t.Fatal(err)
	}
	if len(progs) != 4 {
		t.Fatalf("programs %v", progs)
	}
	v, err := e.svc.ProgramView(e.ctx, e.admin, progs["rotation"])
	if err != nil {
		t.Fatal(err)
	}
	ahead, behind := 0, 0
	for _, u := range v.Units {
		if u.Behind {
			behind++
		} else {
			ahead++
		}
	}
	if ahead == 0 || behind == 0 || v.Total.Completed == 0 {
		t.Fatalf("demo should have units ahead (%d) and behind (%d) pace; total %+v", ahead, behind, v.Total)
	}
	if again, err := SeedDemo(e.ctx, e.svc, DemoOptions{}); err != nil || again != nil {
		t.Fatalf("second seed %v (%v)", again, err)
	}
	// The demo manager (a squad leader) sees their squad's units.
	mgr := e.c.Person.GetX(e.ctx, ids["manager"])
	mv, err := e.svc.ProgramView(e.ctx, e.actor(mgr), progs["rotation"])
	if err != nil || len(mv.Units) == 0 || mv.Units[0].UnitID != mgr.UnitID {
		t.Fatalf("manager view %+v (%v)", mv, err)
	}
	for _, u := range v.Units {
		t.Logf("%s%s: %d/%d rate %.0f%% expected %.0f%% behind %v", indent(u.Depth), u.Name, u.Subtree.Completed,
			u.Subtree.Denominator(), u.Rate, v.Expected, u.Behind)
	}
}

func indent(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		s += "  "
	}
	return s
}
