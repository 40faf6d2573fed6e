package certificates

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"testing"

	"gocloud.dev/blob/memblob"

	"peixun/database/dbtest"
	"peixun/ent/auditevent"
	"peixun/fault"
)

func TestListMineGetAndIssueByHand(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	w := makeWorld(t, db, "执法培训")
	a := makePerson(t, db, "u1", "张三丰", w.squadA.ID)
	b := makePerson(t, db, "u2", "李四", w.squadB.ID)
	s := newService(t, db, "/nonexistent.ttf", newClock().Now)
	admin := Actor{PersonID: 99, Admin: true}
	ca, err := s.IssueByHand(ctx, admin, HandIssue{Person: "U1", ProgramID: w.program.ID})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.IssueByHand(ctx, admin, HandIssue{Person: "u1", ProgramID: w.program.ID})
	if err != nil || again.ID != ca.ID {
		t.Fatalf("issuing twice: %v %v", again, err)
	}
	cb, err := s.Issue(ctx, IssueRequest{PersonID: b.ID, ProgramID: w.program.ID})
	if err != nil {
		t.Fatal(err)
	}
	if n := db.Client.AuditEvent.Query().Where(auditevent.Action("certificate.issue")).CountX(ctx); n != 1 {
		t.Errorf("%d audit events of issuing by hand, want 1", n)
	}
	for _, tt := range []struct {
		by    Actor
		in    HandIssue
		field string
		kind  fault.Kind
	}{
		{Actor{PersonID: a.ID, ScopePath: w.bureau.Path}, HandIssue{Person: "u1", ProgramID: w.program.ID}, "", fault.Forbidden},
		{admin, HandIssue{ProgramID: w.program.ID}, "person", fault.Invalid},
		{admin, HandIssue{Person: "nobody", ProgramID: w.program.ID}, "person", fault.Invalid},
		{admin, HandIssue{Person: "u1"}, "program", fault.Invalid},
		{admin, HandIssue{Person: "u1", ProgramID: w.program.ID + 100}, "program", fault.Invalid},
	} {
		_, err := s.IssueByHand(ctx, tt.by, tt.in)
		f, ok := fault.As(err)
		if !ok || f.Kind != tt.kind || f.Field != tt.field {
			t.Errorf("IssueByHand(%+v): %v, want %s on %q", tt.in, err, tt.kind, tt.field)
		}
	}

	mine, err := s.Mine(ctx, a.ID)
	if err != nil || len(mine) != 1 || mine[0].ID != ca.ID {
		t.Errorf("Mine: %v %v", mine, err)
	}
	squadA := Actor{PersonID: 7, ScopePath: w.squadA.Path}
	for _, tt := range []struct {
		name string
		by   Actor
		f    ListFilter
		want []int
		kind fault.Kind
	}{
		{"admin sees all", admin, ListFilter{}, []int{cb.ID, ca.ID}, ""},
		{"manager sees own squad", squadA, ListFilter{}, []int{ca.ID}, ""},
		{"search by name", admin, ListFilter{Query: "李"}, []int{cb.ID}, ""},
		{"search by serial", admin, ListFilter{Query: ca.Serial[len(ca.Serial)-6:]}, []int{ca.ID}, ""},
		{"unit filter", admin, ListFilter{UnitID: w.squadB.ID}, []int{cb.ID}, ""},
		{"program filter", admin, ListFilter{ProgramID: w.program.ID + 100}, nil, ""},
		{"unit outside scope", squadA, ListFilter{UnitID: w.squadB.ID}, nil, fault.Forbidden},
		{"learner", Actor{PersonID: a.ID}, ListFilter{}, nil, fault.Forbidden},
		{"bad status", admin, ListFilter{Status: "x"}, nil, fault.Invalid},
		{"page two", admin, ListFilter{PerPage: 1, Page: 2}, []int{ca.ID}, ""},
	} {
		page, err := s.List(ctx, tt.by, tt.f)
		if tt.kind != "" {
			if !fault.Is(err, tt.kind) {
				t.Errorf("%s: %v, want %s", tt.name, err, tt.kind)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var got []int
		for _, c := range page.Certificates {
			got = append(got, c.ID)
		}
		if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}

	for _, tt := range []struct {
		by   Actor
		ok   bool
		kind fault.Kind
	}{
		{Actor{PersonID: a.ID}, true, ""},
		{Actor{PersonID: b.ID}, false, fault.Forbidden},
		{squadA, true, ""},
		{Actor{PersonID: 7, ScopePath: w.squadB.Path}, false, fault.Forbidden},
	} {
		_, err := s.Get(ctx, tt.by, ca.ID)
		if tt.ok != (err == nil) || (!tt.ok && !fault.Is(err, tt.kind)) {
			t.Errorf("Get by %+v: %v", tt.by, err)
		}
	}
	if _, err := s.Get(ctx, admin, ca.ID+1000); !fault.Is(err, fault.NotFound) {
		t.Errorf("Get unknown: %v", err)
	}
}

func sealPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for x := 8; x < 56; x++ {
		for y := 8; y < 56; y++ {
			img.Set(x, y, color.NRGBA{R: 200, A: 160})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The seal an administrator saves survives a restart (a new Service over the same bucket) and can be removed.
func TestSaveSealPersists(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	bucket := memblob.OpenBucket(nil)
	defer bucket.Close()
	s, err := New(Config{DB: db, FontPath: "/nonexistent.ttf", Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	admin := Actor{PersonID: 1, Admin: true}
	if err := s.SaveSeal(ctx, Actor{PersonID: 2, ScopePath: "/"}, sealPNG(t)); !fault.Is(err, fault.Forbidden) {
		t.Errorf("a manager saved the seal: %v", err)
	}
	if err := s.SaveSeal(ctx, admin, []byte("not a png")); !fault.Is(err, fault.Invalid) {
		t.Errorf("not a PNG: %v", err)
	}
	if err := s.SaveSeal(ctx, admin, sealPNG(t)); err != nil {
		t.Fatal(err)
	}
	again, err := New(Config{DB: db, FontPath: "/nonexistent.ttf", Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(again.Seal()))
	if err != nil || img.Bounds().Dx() != 64 {
		t.Fatalf("seal after restart: %v", err)
	}
	if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
		t.Errorf("transparency lost: alpha %d", a)
	}
	if err := again.SaveSeal(ctx, admin, nil); err != nil {
		t.Fatal(err)
	}
	third, _ := New(Config{DB: db, FontPath: "/nonexistent.ttf", Bucket: bucket})
	if third.Seal() != nil {
		t.Errorf("the removed seal came back")
	}
	if n := db.Client.AuditEvent.Query().Where(auditevent.Action("certificate.seal")).CountX(ctx); n != 2 {
		t.Errorf("%d seal audit events, want 2", n)
	}
}
