package certificates

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"peixun/database/dbtest"
	"peixun/ent/auditevent"
	"peixun/fault"
)

func TestVerifyRevokeAndExpiry(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	w := makeWorld(t, db, "执法培训")
	w.program.Update().SetCertValidMonths(12).ExecX(ctx)
	p := makePerson(t, db, "u1", "张三丰", w.squadA.ID)
	clk := newClock()
	s := newService(t, db, "/nonexistent.ttf", clk.Now)
	c, err := s.Issue(ctx, IssueRequest{PersonID: p.ID, ProgramID: w.program.ID})
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.Verify(ctx, " "+strings.ToLower(c.VerifyCode)+" ")
	if err != nil {
		t.Fatal(err)
	}
	if v.Status != StatusValid || v.Name != "张*丰" || v.Program != "执法培训" || v.Issuer != "杭州市余杭区交通运输局" || v.Serial != c.Serial {
		t.Errorf("view %+v", v)
	}
	for _, code := range []string{"", "2345678923456", "ABCDEFGHJKLM", c.VerifyCode[:11]} {
		if _, err := s.Verify(ctx, code); !fault.Is(err, fault.NotFound) {
			t.Errorf("Verify(%q): %v, want not found", code, err)
		}
	}
	learner := Actor{PersonID: p.ID}
	tests := []struct {
		by     Actor
		reason string
		kind   fault.Kind
	}{
		{learner, "不合格", fault.Forbidden},
		{Actor{PersonID: 7, ScopePath: w.bureau.Path}, "不合格", fault.Forbidden}, // managers do not revoke
		{SystemActor, "  ", fault.Invalid},
		{Actor{PersonID: 1, Admin: true}, "考试作弊，成绩无效", ""},
		{Actor{PersonID: 1, Admin: true}, "again", fault.Conflict},
	}
	for _, tt := range tests {
		_, err := s.Revoke(ctx, tt.by, c.ID, tt.reason)
		if tt.kind == "" && err != nil || tt.kind != "" && !fault.Is(err, tt.kind) {
			t.Errorf("Revoke by %+v (%q): %v, want %q", tt.by, tt.reason, err, tt.kind)
		}
	}
	v, _ = s.Verify(ctx, c.VerifyCode)
	if v.Status != StatusRevoked || v.RevokedAt == nil {
		t.Errorf("after revocation: %+v", v)
	}
	ev := db.Client.AuditEvent.Query().Where(auditevent.TargetID(c.ID)).OnlyX(ctx)
	if ev.Action != "certificate.revoke" || ev.ActorID == nil || *ev.ActorID != 1 || !strings.Contains(ev.Detail, "考试作弊") {
		t.Errorf("audit event %+v", ev)
	}

	// Expiry: twelve months after completion the certificate shows as expired.
	q := makePerson(t, db, "u2", "李四", w.squadA.ID)
	c2, _ := s.Issue(ctx, IssueRequest{PersonID: q.ID, ProgramID: w.program.ID})
	clk.Add(364 * 24 * time.Hour)
	if v, _ := s.Verify(ctx, c2.VerifyCode); v.Status != StatusValid || v.Name != "李*" {
		t.Errorf("before expiry: %+v", v)
	}
	clk.Add(2 * 24 * time.Hour)
	if v, _ := s.Verify(ctx, c2.VerifyCode); v.Status != StatusExpired {
		t.Errorf("after expiry: %+v", v)
	}
}

func TestCheckPDFTellsOursFromTampered(t *testing.T) {
	path := needFont(t)
	db := dbtest.Open(t)
	ctx := context.Background()
	w := makeWorld(t, db, "执法培训")
	p := makePerson(t, db, "u1", "王五", w.squadA.ID)
	s := newService(t, db, path, newClock().Now)
	c, _ := s.Issue(ctx, IssueRequest{PersonID: p.ID, ProgramID: w.program.ID})
	pdf, _, err := s.PDF(ctx, Actor{PersonID: p.ID}, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PDF(ctx, Actor{PersonID: p.ID + 100}, c.ID); !fault.Is(err, fault.Forbidden) {
		t.Errorf("someone else's download: %v, want forbidden", err)
	}
	tampered := bytes.Replace(pdf, []byte("/Producer (Peixun)"), []byte("/Producer (Peixum)"), 1)
	tests := []struct {
		name string
		file []byte
		ours bool
	}{
		{"as issued", pdf, true},
		{"one byte changed", tampered, false},
		{"truncated", pdf[:len(pdf)-1], false},
	}
	for _, tt := range tests {
		res, err := s.CheckPDF(ctx, tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if res.Ours != tt.ours || tt.ours && res.Certificate.Serial != c.Serial {
			t.Errorf("%s: %+v, want ours=%v", tt.name, res, tt.ours)
		}
	}
	if bytes.Equal(pdf, tampered) {
		t.Fatal("tampering changed nothing")
	}
	if _, err := s.CheckPDF(ctx, nil); !fault.Is(err, fault.Invalid) {
		t.Errorf("empty upload: %v", err)
	}
}

func TestZIPHoldsOneFilePerCertificate(t *testing.T) {
	path := needFont(t)
	db := dbtest.Open(t)
	ctx := context.Background()
	w := makeWorld(t, db, "执法培训")
	s := newService(t, db, path, newClock().Now)
	issue := func(user, name string, unitID int) int {
		p := makePerson(t, db, user, name, unitID)
		c, err := s.Issue(ctx, IssueRequest{PersonID: p.ID, ProgramID: w.program.ID})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	a1, a2, a3 := issue("a1", "陈一", w.squadA.ID), issue("a2", "陈二", w.squadA.ID), issue("a3", "陈三", w.squadA.ID)
	issue("b1", "林一", w.squadB.ID)
	revoked := issue("b2", "林二", w.squadB.ID)
	if _, err := s.Revoke(ctx, SystemActor, revoked, "错误发证"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		by     Actor
		filter ZIPFilter
		want   int
		kind   fault.Kind
	}{
		{"manager of squad A", Actor{PersonID: 1, ScopePath: w.squadA.Path}, ZIPFilter{}, 3, ""},
		{"admin, whole bureau, revoked left out", SystemActor, ZIPFilter{UnitPath: w.bureau.Path, ProgramID: w.program.ID}, 4, ""},
		{"chosen ids", SystemActor, ZIPFilter{IDs: []int{a1, a3}}, 2, ""},
		{"manager asking outside scope", Actor{PersonID: 1, ScopePath: w.squadA.Path}, ZIPFilter{UnitPath: w.squadB.Path}, 0, fault.Forbidden},
		{"ids outside scope are dropped", Actor{PersonID: 1, ScopePath: w.squadB.Path}, ZIPFilter{IDs: []int{a1, a2}}, 0, ""},
		{"learner", Actor{PersonID: 1}, ZIPFilter{}, 0, fault.Forbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := s.WriteZIP(ctx, tt.by, &buf, tt.filter)
			if tt.kind != "" {
				if !fault.Is(err, tt.kind) {
					t.Fatalf("got %v, want %s", err, tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.want || len(zr.File) != tt.want {
				t.Fatalf("%d files (reported %d), want %d", len(zr.File), n, tt.want)
			}
			for _, f := range zr.File {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				res, err := s.CheckPDF(ctx, b)
				if err != nil || !res.Ours || !strings.HasSuffix(f.Name, ".pdf") {
					t.Errorf("%s: not one of ours (%v %v)", f.Name, res, err)
				}
			}
		})
	}
}
