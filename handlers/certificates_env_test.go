package handlers_test

import (
	"context"
	"log/slog"
	"peixun/certificates/pdftext"
	"testing"
	"time"

	"gocloud.dev/blob/memblob"

	"peixun/certificates"
	"peixun/courses"
	"peixun/database"
	"peixun/ent"
	"peixun/ent/certificate"
	"peixun/ent/schema"
	"peixun/training"
)

// newCertificates makes the certificates domain of a test platform: the accounts clock, the
// machine's Chinese font (found as in production), a seal store in memory, and QR codes pointing at
// the test server.
func newCertificates(t testing.TB, db *database.DB, clk *clock, log *slog.Logger, baseURL string) *certificates.Service {
	t.Helper()
	bucket := memblob.OpenBucket(nil)
	t.Cleanup(func() { bucket.Close() })
	s, err := certificates.New(certificates.Config{DB: db, Now: clk.Now, Logger: log, BaseURL: baseURL,
		Issuer: "杭州市余杭区交通运输局", Bucket: bucket})
	if err != nil {
		t.Fatalf("certificates: %v", err)
	}
	return s
}

// demoSeeder is the training service that seeds the demo programs: tr itself, or, when certificates
// are wired, one whose certificates service records the demo certificates without rendering them
// (they render on first download). Rendering the ~80 demo certificates at seeding cost every test
// using newEnv about a second (1.3 s instead of 0.2 s per environment, measured).
func demoSeeder(t testing.TB, db *database.DB, clk *clock, log *slog.Logger, tr *training.Service, certs *certificates.Service) *training.Service {
	t.Helper()
	if certs == nil {
		return tr
	}
	recordOnly, err := certificates.New(certificates.Config{DB: db, Now: clk.Now, Logger: log, FontPath: "/nonexistent/peixun-demo-seeding.ttf",
		Issuer: "杭州市余杭区交通运输局"})
	if err != nil {
		t.Fatal(err)
	}
	seeder, err := training.New(training.Config{DB: db, Now: clk.Now, Logger: log, Certificates: recordOnly})
	if err != nil {
		t.Fatal(err)
	}
	return seeder
}

// needCertFont skips a test that reads PDF content when the machine has no Chinese font.
func needCertFont(t testing.TB, e *env) {
	t.Helper()
	if w := e.certs.FontWarning(); w != "" {
		t.Skipf("SKIPPED: no CJK font on this machine: %s", w)
	}
}

// certProgram creates an active program that grants certificates and is complete after two
// credit hours, for the named demo accounts.
func (e *env) certProgram(name, prefix string, usernames ...string) *ent.Program {
	e.t.Helper()
	ctx := context.Background()
	var people []int
	for _, u := range usernames {
		people = append(people, e.ids[u])
	}
	now := e.clock.Now()
	p, err := e.tr.CreateProgram(ctx, e.actor("admin"), training.ProgramInput{Name: name, Kind: "other",
		StartsAt: now.AddDate(0, 0, -7), DueAt: now.AddDate(0, 1, 0), Audience: schema.Audience{Include: people},
		Requirements: schema.Requirements{MinHours: 2}, Certificate: true, CertPrefix: prefix})
	if err != nil {
		e.t.Fatalf("creating program %s: %v", name, err)
	}
	if p, err = e.tr.SetProgramStatus(ctx, e.actor("admin"), p.ID, training.StatusActive); err != nil {
		e.t.Fatalf("activating program %s: %v", name, err)
	}
	return p
}

// lecture records a two-hour session held yesterday, for attendance.
func (e *env) lecture(title string) *ent.Lecture {
	e.t.Helper()
	l, err := e.courses.RecordLecture(context.Background(), e.actor("trainer"),
		courses.LectureInput{Title: title, HeldOn: e.clock.Now().Add(-24 * time.Hour), Hours: 2})
	if err != nil {
		e.t.Fatalf("recording lecture: %v", err)
	}
	return l
}

// attend records the people at a lecture; the training hook completes their enrollment and the
// certificate is issued.
func (e *env) attend(l *ent.Lecture, usernames ...string) {
	e.t.Helper()
	var people []int
	for _, u := range usernames {
		people = append(people, e.ids[u])
	}
	if _, err := e.courses.AddAttendees(context.Background(), e.actor("trainer"), l.ID, people); err != nil {
		e.t.Fatalf("recording attendance: %v", err)
	}
}

// certOf is the certificate of a demo account in a program, failing the test when there is none.
func (e *env) certOf(username string, programID int) *ent.Certificate {
	e.t.Helper()
	c, err := e.db.Client.Certificate.Query().
		Where(certificate.PersonID(e.ids[username]), certificate.ProgramID(programID)).Only(context.Background())
	if err != nil {
		e.t.Fatalf("certificate of %s in program %d: %v", username, programID, err)
	}
	return c
}

// certMatrixIDs gives the authorization matrix its certificate records: learner1's certificate (in
// the demo manager's unit), its verification code and a program.
func certMatrixIDs(t testing.TB, e *env) map[string]string {
	t.Helper()
	p := e.certProgram("矩阵证书项目", "MX-2026", "learner1")
	e.attend(e.lecture("矩阵授课"), "learner1")
	c := e.certOf("learner1", p.ID)
	return map[string]string{":certificate": itoa(c.ID), ":verification": c.VerifyCode, ":program": itoa(p.ID)}
}

// pdfText is the text a PDF shows, one element per drawn string.
func pdfText(pdf []byte) []string { return pdftext.Strings(pdf) }
