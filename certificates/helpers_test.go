package certificates

import (
	"context"
	"io"
	"log/slog"
	"peixun/certificates/pdftext"
	"strconv"
	"sync"
	"testing"
	"time"

	"peixun/database"
	"peixun/ent"
)

var (
	fontOnce sync.Once
	testFont *Font
	fontErr  error
)

// needFont returns the machine's CJK font path, skipping the test (loudly) when there is none.
func needFont(t testing.TB) string {
	t.Helper()
	fontOnce.Do(func() { testFont, fontErr = FindFont("") })
	if fontErr != nil {
		t.Skipf("SKIPPED: no CJK TrueType font on this machine, PDF content not tested: %v", fontErr)
	}
	return testFont.Path
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2021, 6, 30, 2, 0, 0, 0, time.UTC)} }

func newService(t testing.TB, db *database.DB, fontPath string, now func() time.Time) *Service {
	t.Helper()
	s, err := New(Config{DB: db, Now: now, FontPath: fontPath, BaseURL: "https://peixun.example.cn",
		Issuer: "杭州市余杭区交通运输局", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// world is a small organisation: a bureau with two squads, and a program granting certificates.
type world struct {
	bureau, squadA, squadB *ent.Unit
	program                *ent.Program
}

func makeWorld(t testing.TB, db *database.DB, programName string) *world {
	t.Helper()
	ctx := context.Background()
	c := db.Client
	w := &world{}
	w.bureau = c.Unit.Create().SetName("余杭区交通运输局").SetCode("b").SaveX(ctx)
	w.bureau = w.bureau.Update().SetPath("/" + strconv.Itoa(w.bureau.ID) + "/").SaveX(ctx)
	sq := func(name, code string) *ent.Unit {
		u := c.Unit.Create().SetName(name).SetCode(code).SetParentID(w.bureau.ID).SaveX(ctx)
		return u.Update().SetPath(w.bureau.Path + strconv.Itoa(u.ID) + "/").SaveX(ctx)
	}
	w.squadA, w.squadB = sq("运输执法一中队", "a"), sq("运输执法二中队", "bb")
	w.program = c.Program.Create().SetName(programName).SetStartsAt(time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)).
		SetDueAt(time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)).SetCertificate(true).SetCertPrefix("YH-2021-LX").
		SaveX(ctx)
	return w
}

func makePerson(t testing.TB, db *database.DB, username, name string, unitID int) *ent.Person {
	t.Helper()
	return db.Client.Person.Create().SetUsername(username).SetName(name).SetUnitID(unitID).
		SaveX(context.Background())
}

// pdfText is the text a PDF shows, one element per drawn string.
func pdfText(t testing.TB, pdf []byte) []string {
	t.Helper()
	return pdftext.Strings(pdf)
}
