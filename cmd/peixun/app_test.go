package main

import (
	"context"
	"testing"

	"peixun/accounts"
	"peixun/database/dbtest"
	"peixun/ent/enrollment"
	"peixun/ent/unit"
)

// TestWiring: the demo has programs, and the hooks connect accounts to training, so a new officer
// is enrolled at once and a transfer moves their count to the new unit.
func TestWiring(t *testing.T) {
	t.Setenv("PEIXUN_DATABASE_URL", dbtest.URL(t))
	t.Setenv("PEIXUN_BLOB_URL", "file://"+t.TempDir())
	ctx := context.Background()
	a, err := openApp(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	if a.courses.MaxSize["video"] != 2048<<20 || a.courses.MaxSize["document"] != 200<<20 {
		t.Fatalf("upload limits %v, want the defaults of PEIXUN_MAX_VIDEO_MB and PEIXUN_MAX_DOCUMENT_MB", a.courses.MaxSize)
	}
	if seeded, err := a.seedDemo(ctx); err != nil || !seeded {
		t.Fatalf("seeding the demo: %v %v", seeded, err)
	}
	if n := dbtest.Count(t, a.db.SQL, "SELECT COUNT(*) FROM programs"); n < 4 {
		t.Fatalf("the demo has %d programs, want the work plan's four", n)
	}
	c := a.db.Client
	lz, err := c.Unit.Query().Where(unit.Code("YH-ZFD-LZ")).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.accounts.CreatePerson(ctx, accounts.System, accounts.PersonInput{Username: "newhire", Name: "新同事",
		UnitID: lz.ID, Category: "officer"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := c.Enrollment.Query().Where(enrollment.PersonID(p.ID), enrollment.UnitID(lz.ID)).Count(ctx)
	if err != nil || n == 0 {
		t.Fatalf("a new officer was not enrolled at once: %d %v", n, err)
	}
	yh, err := c.Unit.Query().Where(unit.Code("YH-ZFD-YH")).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := accounts.PersonInput{Username: "newhire", Name: "新同事", UnitID: yh.ID, Category: "officer"}
	if _, err := a.accounts.UpdatePerson(ctx, accounts.System, p.ID, in); err != nil {
		t.Fatal(err)
	}
	moved, err := c.Enrollment.Query().Where(enrollment.PersonID(p.ID), enrollment.UnitID(yh.ID), enrollment.LeftScopeAtIsNil()).Count(ctx)
	if err != nil || moved != n {
		t.Fatalf("after the transfer %d of %d enrollments count for the new unit (%v)", moved, n, err)
	}
	sch, err := a.scheduler()
	if err != nil {
		t.Fatal(err)
	}
	run, err := sch.RunNow(ctx, "sweep", "manual")
	if err != nil || run.Outcome != "ok" {
		t.Fatalf("running the sweep by hand: %+v %v", run, err)
	}
}
