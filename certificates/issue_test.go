package certificates

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"

	"peixun/database"
	"peixun/database/dbtest"
	"peixun/ent"
	"peixun/ent/certificate"
	"peixun/fault"
)

// 50 issuers on two database clients (as two replicas would be) get serials 1..50 without gaps or
// duplicates, and a second round for the same people returns the same certificates.
func TestConcurrentIssuersGetUniqueSerialsWithoutGaps(t *testing.T) {
	url := dbtest.URL(t)
	var dbs [2]*database.DB
	for i := range dbs {
		db, err := database.Open(url)
		if err != nil {
			t.Fatalf("opening client %d: %v", i, err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	ctx := context.Background()
	if err := dbs[0].Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := makeWorld(t, dbs[0], "2021年度轮训")
	// No font: numbering is tested on its own, fast; the certificates stay unrendered.
	svcs := [2]*Service{newService(t, dbs[0], "/nonexistent.ttf", nil), newService(t, dbs[1], "/nonexistent.ttf", nil)}
	const n = 50
	people := make([]int, n)
	for i := range people {
		people[i] = makePerson(t, dbs[0], fmt.Sprintf("p%02d", i), "警员"+fmt.Sprint(i), w.squadA.ID).ID
	}
	for round := range 2 {
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svcs[i%2].Issue(ctx, IssueRequest{PersonID: people[i], ProgramID: w.program.ID})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		certs := dbs[1].Client.Certificate.Query().Where(certificate.ProgramID(w.program.ID)).AllX(ctx)
		if len(certs) != n {
			t.Fatalf("round %d: %d certificates, want %d", round, len(certs), n)
		}
		seqs := make([]int, 0, n)
		serials, holders := map[string]bool{}, map[int]bool{}
		for _, c := range certs {
			seqs = append(seqs, c.Seq)
			serials[c.Serial], holders[c.PersonID] = true, true
			if want := Serial("YH-2021-LX", c.Seq); c.Serial != want {
				t.Errorf("serial %q, want %q", c.Serial, want)
			}
			if c.RenderedAt != nil {
				t.Errorf("%s rendered without a font", c.Serial)
			}
		}
		sort.Ints(seqs)
		for i, s := range seqs {
			if s != i+1 {
				t.Fatalf("round %d: sequence %v has a gap or duplicate at %d", round, seqs, i)
			}
		}
		if len(serials) != n || len(holders) != n {
			t.Fatalf("round %d: %d distinct serials and %d holders, want %d", round, len(serials), len(holders), n)
		}
	}
	if got := dbtest.Count(t, dbs[0].SQL, "SELECT cert_seq FROM programs WHERE id = ?", w.program.ID); got != n {
		t.Errorf("program sequence %d, want %d (a repeated issue must not consume numbers)", got, n)
	}
}

func TestIssueRules(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	w := makeWorld(t, db, "执法培训")
	plain := db.Client.Program.Create().SetName("无证书项目").SetStartsAt(w.program.StartsAt).
		SetDueAt(w.program.DueAt).SaveX(ctx)
	derived := db.Client.Program.Create().SetName("无前缀项目").SetStartsAt(w.program.StartsAt).
		SetDueAt(w.program.DueAt).SetCertificate(true).SetCertValidMonths(24).SaveX(ctx)
	ok := makePerson(t, db, "ok", "王小明", w.squadA.ID)
	rare := makePerson(t, db, "rare", "李𠀀", w.squadA.ID) // U+20000, beyond the BMP
	s := newService(t, db, "/nonexistent.ttf", nil)

	tests := []struct {
		name    string
		req     IssueRequest
		kind    fault.Kind
		serial  string
		expires bool
	}{
		{"program without certificates", IssueRequest{PersonID: ok.ID, ProgramID: plain.ID}, fault.Conflict, "", false},
		{"unknown program", IssueRequest{PersonID: ok.ID, ProgramID: 9999}, fault.NotFound, "", false},
		{"unknown person", IssueRequest{PersonID: 9999, ProgramID: w.program.ID}, fault.NotFound, "", false},
		{"name beyond U+FFFF", IssueRequest{PersonID: rare.ID, ProgramID: w.program.ID}, fault.Invalid, "", false},
		{"admin prefix", IssueRequest{PersonID: ok.ID, ProgramID: w.program.ID}, "", "YH-2021-LX-000001", false},
		{"derived prefix and expiry", IssueRequest{PersonID: ok.ID, ProgramID: derived.ID}, "", fmt.Sprintf("PX-2021-%d-000001", derived.ID), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := s.Issue(ctx, tt.req)
			if tt.kind != "" {
				if !fault.Is(err, tt.kind) {
					t.Fatalf("got %v, want a %s fault", err, tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Serial != tt.serial || (c.ExpiresAt != nil) != tt.expires {
				t.Errorf("serial %s expires %v, want %s expires=%v", c.Serial, c.ExpiresAt, tt.serial, tt.expires)
			}
			if len(c.VerifyCode) < 10 {
				t.Errorf("verification code %q shorter than 10", c.VerifyCode)
			}
		})
	}
}

func TestOnEnrollmentCompleted(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	w := makeWorld(t, db, "执法培训")
	p := makePerson(t, db, "u1", "赵六", w.squadB.ID)
	e := db.Client.Enrollment.Create().SetProgramID(w.program.ID).SetPersonID(p.ID).SetUnitID(p.UnitID).SaveX(ctx)
	s := newService(t, db, "/nonexistent.ttf", nil)
	if _, err := s.OnEnrollmentCompleted(ctx, e.ID); !fault.Is(err, fault.Conflict) {
		t.Fatalf("incomplete enrollment: got %v, want conflict", err)
	}
	done := e.Update().SetStatus("completed").SetCompletedAt(newClock().Now()).SaveX(ctx)
	c1, err := s.OnEnrollmentCompleted(ctx, done.ID)
	if err != nil || c1 == nil {
		t.Fatalf("completed enrollment: %v %v", c1, err)
	}
	c2, err := s.OnEnrollmentCompleted(ctx, done.ID)
	if err != nil || c2.ID != c1.ID || c2.Serial != c1.Serial {
		t.Fatalf("second call gave %v %v, want the same certificate %s", c2, err, c1.Serial)
	}
	if c1.EnrollmentID == nil || *c1.EnrollmentID != e.ID || !c1.CompletedAt.Equal(*done.CompletedAt) {
		t.Errorf("certificate does not record its enrollment: %+v", c1)
	}
	w.program.Update().SetCertificate(false).ExecX(ctx)
	q := makePerson(t, db, "u2", "钱七", w.squadB.ID)
	e2 := db.Client.Enrollment.Create().SetProgramID(w.program.ID).SetPersonID(q.ID).SetUnitID(q.UnitID).
		SetStatus("completed").SaveX(ctx)
	if c, err := s.OnEnrollmentCompleted(ctx, e2.ID); c != nil || err != nil {
		t.Errorf("program without certificates: got %v %v, want nil nil", c, err)
	}
}

// A certificate recorded while no font was there is rendered by RenderPending once one is.
func TestRenderPendingOnceAFontIsThere(t *testing.T) {
	path := needFont(t)
	db := dbtest.Open(t)
	ctx := context.Background()
	w := makeWorld(t, db, "执法培训")
	p := makePerson(t, db, "u1", "孙八", w.squadA.ID)
	without := newService(t, db, "/nonexistent.ttf", nil)
	if without.FontWarning() == "" {
		t.Fatal("no warning without a font")
	}
	c, err := without.Issue(ctx, IssueRequest{PersonID: p.ID, ProgramID: w.program.ID})
	if err != nil {
		t.Fatal(err)
	}
	if c.RenderedAt != nil || c.ContentHash != "" {
		t.Fatalf("rendered without a font: %+v", c)
	}
	if _, err := without.RenderPending(ctx); err == nil {
		t.Fatal("RenderPending without a font succeeded")
	}
	with := newService(t, db, path, nil)
	if n, err := with.RenderPending(ctx); err != nil || n != 1 {
		t.Fatalf("RenderPending: %d %v, want 1", n, err)
	}
	got := db.Client.Certificate.GetX(ctx, c.ID)
	if got.RenderedAt == nil || len(got.ContentHash) != 64 {
		t.Fatalf("not recorded as rendered: %+v", got)
	}
	if n, _ := with.RenderPending(ctx); n != 0 {
		t.Errorf("second RenderPending rendered %d again", n)
	}
}

func TestReissueKeepsNumber(t *testing.T) {
	path := needFont(t)
	db := dbtest.Open(t)
	ctx := context.Background()
	w := makeWorld(t, db, "执法培训")
	p := makePerson(t, db, "u1", "周九", w.squadA.ID)
	clk := newClock()
	s := newService(t, db, path, clk.Now)
	c, err := s.Issue(ctx, IssueRequest{PersonID: p.ID, ProgramID: w.program.ID})
	if err != nil {
		t.Fatal(err)
	}
	p.Update().SetName("周玖").ExecX(ctx)
	clk.Add(48 * 3600e9)
	manager := Actor{PersonID: 99, ScopePath: w.squadB.Path}
	if _, err := s.Reissue(ctx, manager, c.ID); !fault.Is(err, fault.Forbidden) {
		t.Fatalf("manager of another unit: got %v, want forbidden", err)
	}
	r, err := s.Reissue(ctx, Actor{PersonID: 98, ScopePath: w.bureau.Path}, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Serial != c.Serial || r.VerifyCode != c.VerifyCode || r.HolderName != "周玖" {
		t.Errorf("reissue: %s %s %s, want %s %s 周玖", r.Serial, r.VerifyCode, r.HolderName, c.Serial, c.VerifyCode)
	}
	if r.ContentHash == c.ContentHash || r.ContentHash == "" {
		t.Errorf("reissue kept the content hash %q", r.ContentHash)
	}
	if n := db.Client.AuditEvent.Query().CountX(ctx); n != 1 {
		t.Errorf("%d audit events, want 1", n)
	}
	_ = ent.IsNotFound
}
