package training

import (
	"math"
	"testing"
	"time"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/auditevent"
	"peixun/ent/schema"
	"peixun/fault"
)

func TestPace(t *testing.T) {
	start, due := sh(2021, 1, 1, 0, 0), sh(2021, 11, 1, 0, 0)
	p := &ent.Program{StartsAt: start, DueAt: due, TargetRate: 100}
	half := start.Add(due.Sub(start) / 2)
	tests := []struct {
		name     string
		target   float64
		now      time.Time
		f        Figures
		expected float64
		behind   bool
	}{
		{"before start", 100, start.AddDate(0, 0, -1), Figures{InScope: 10}, 0, false},
		{"half way, 40%", 100, half, Figures{InScope: 10, Completed: 4}, 50, true},
		{"half way, 50%", 100, half, Figures{InScope: 10, Completed: 5}, 50, false},
		{"half way, target 80", 80, half, Figures{InScope: 10, Completed: 4}, 40, false},
		{"exempt leave the denominator", 100, half, Figures{InScope: 10, Completed: 4, Exempt: 2}, 50, false},
		{"after due", 100, due.AddDate(0, 0, 1), Figures{InScope: 10, Completed: 9}, 100, true},
		{"nobody to count", 100, half, Figures{InScope: 2, Exempt: 2}, 50, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.TargetRate = tt.target
			got := ExpectedRate(p, tt.now)
			if math.Abs(got-tt.expected) > 1e-9 {
				t.Fatalf("expected rate %v, want %v", got, tt.expected)
			}
			if b := tt.f.Behind(got); b != tt.behind {
				t.Fatalf("behind %v at rate %.1f, want %v", b, tt.f.Rate(), tt.behind)
			}
		})
	}
}

func TestExemptionAndProgramView(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(sh(2021, 7, 1, 0, 0)) // half of the year gone
	root := e.unit("局", nil)
	squad := e.unit("中队", root)
	team := e.unit("一分队", squad)
	office := e.unit("办公室", root)
	mgr := e.person(squad, "cadre", accounts.RoleManager)
	var team4 []*ent.Person
	for i := 0; i < 4; i++ {
		team4 = append(team4, e.person(team, "officer"))
	}
	clerk := e.person(office, "officer")
	l := e.lecture(sh(2021, 2, 1, 9, 0), 10)
	e.attend(team4[0].ID, l, 10)
	p := e.program(ProgramInput{Audience: schema.Audience{Categories: []string{"officer"}}, Requirements: hours(10)})

	boss := e.actor(mgr)
	v, err := e.svc.ProgramView(e.ctx, boss, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Total != (Figures{InScope: 4, Completed: 1}) || !v.Behind || len(v.Units) != 2 {
		t.Fatalf("view %+v behind %v units %d", v.Total, v.Behind, len(v.Units))
	}
	if v.Units[0].UnitID != squad.ID || v.Units[0].Depth != 0 || v.Units[1].UnitID != team.ID || v.Units[1].Subtree.InScope != 4 {
		t.Fatalf("units %+v", v.Units)
	}

	target := e.enrollmentOf(p.ID, team4[1].ID)
	outside := e.enrollmentOf(p.ID, clerk.ID)
	tests := []struct {
		name   string
		actor  accounts.Actor
		id     int
		reason string
		kind   fault.Kind
	}{
		{"no reason", boss, target.ID, "  ", fault.Invalid},
		{"outside scope", boss, outside.ID, "病假", fault.Forbidden},
		{"learner", e.actor(team4[2]), target.ID, "病假", fault.Forbidden},
		{"completed", boss, e.enrollmentOf(p.ID, team4[0].ID).ID, "病假", fault.Conflict},
	}
	for _, tt := range tests {
		if _, err := e.svc.Exempt(e.ctx, tt.actor, "10.0.0.1", tt.id, tt.reason); !fault.Is(err, tt.kind) {
			t.Fatalf("%s: %v, want %s", tt.name, err, tt.kind)
		}
	}
	if _, err := e.svc.Exempt(e.ctx, boss, "10.0.0.1", target.ID, "长期病假"); err != nil {
		t.Fatal(err)
	}
	v, _ = e.svc.ProgramView(e.ctx, boss, p.ID)
	if v.Total.Exempt != 1 || v.Total.Denominator() != 3 || math.Abs(v.Rate-100.0/3) > 1e-9 {
		t.Fatalf("after exemption %+v rate %.2f", v.Total, v.Rate)
	}
	audits := e.c.AuditEvent.Query().Where(auditevent.Action("enrollment.exempt"), auditevent.TargetID(target.ID)).AllX(e.ctx)
	if len(audits) != 1 || audits[0].IP != "10.0.0.1" || *audits[0].ActorID != mgr.ID {
		t.Fatalf("audit %+v", audits)
	}
	// The sweep leaves an exemption alone; un-exempting puts the person back.
	if _, err := e.svc.Sweep(e.ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.enrollmentOf(p.ID, team4[1].ID); got.Status != Exempt || got.ExemptReason != "长期病假" {
		t.Fatalf("after sweep %s %q", got.Status, got.ExemptReason)
	}
	if _, err := e.svc.Unexempt(e.ctx, boss, "", target.ID); err != nil {
		t.Fatal(err)
	}
	v, _ = e.svc.ProgramView(e.ctx, boss, p.ID)
	if v.Total.Exempt != 0 || v.Total.Denominator() != 4 {
		t.Fatalf("after un-exempting %+v", v.Total)
	}

	// The people list: incomplete in scope, search, paging.
	page, err := e.svc.ProgramPeople(e.ctx, boss, p.ID, PeopleFilter{Status: FilterIncomplete, PerPage: 2})
	if err != nil || page.Total != 3 || len(page.Items) != 2 || page.Pages() != 2 {
		t.Fatalf("incomplete page %+v (%v)", page, err)
	}
	page, err = e.svc.ProgramPeople(e.ctx, boss, p.ID, PeopleFilter{Search: team4[3].Name})
	if err != nil || page.Total != 1 || page.Items[0].PersonID != team4[3].ID {
		t.Fatalf("search %+v (%v)", page, err)
	}
	if _, err := e.svc.ProgramPeople(e.ctx, boss, p.ID, PeopleFilter{UnitID: office.ID}); !fault.Is(err, fault.Forbidden) {
		t.Fatalf("manager listed another unit: %v", err)
	}
}

func TestSnapshotsAreIdempotent(t *testing.T) {
	e := newEnv(t)
	root := e.unit("局", nil)
	a, b := e.unit("甲", root), e.unit("乙", root)
	for i := 0; i < 3; i++ {
		e.person(a, "officer")
		e.person(b, "officer")
	}
	l := e.lecture(sh(2021, 2, 1, 9, 0), 10)
	e.attend(e.c.Person.Query().FirstIDX(e.ctx), l, 10)
	p := e.program(ProgramInput{Requirements: hours(10)})
	e.clock.Set(sh(2021, 3, 2, 1, 30)) // 2021-03-01 17:30 UTC
	for i := 0; i < 2; i++ {
		if _, err := e.svc.Sweep(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := e.svc.Snapshots(e.ctx, p.ID, "2021-03-02")
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d snapshot rows (%v), want one per unit", len(rows), err)
	}
	if rows[0].InScope != 3 || rows[0].Completed != 1 || math.Abs(rows[0].Rate-100.0/3) > 1e-6 {
		t.Fatalf("snapshot %+v", rows[0])
	}
	trend, err := e.svc.Trend(e.ctx, e.admin, p.ID, root.ID, "2021-03-01", "2021-03-31")
	if err != nil || len(trend) != 1 || trend[0].InScope != 6 || trend[0].Completed != 1 {
		t.Fatalf("trend %+v (%v)", trend, err)
	}
}
