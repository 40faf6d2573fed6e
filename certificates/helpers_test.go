package certificates

import (
	"bytes"
	"compress/zlib"
	"context"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

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

var (
	streamRe = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	tjRe     = regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)
)

// pdfText extracts the strings a PDF shows: it inflates every stream and decodes the Tj operands,
// which gofpdf writes as UTF-16BE for UTF-8 fonts (the CIDs are Unicode code points, mapped to
// glyphs by CIDToGIDMap). Each shown string is one element, in drawing order.
func pdfText(t testing.TB, pdf []byte) []string {
	t.Helper()
	var out []string
	for _, m := range streamRe.FindAllSubmatch(pdf, -1) {
		content := m[1] // uncompressed content stream, or a Flate one inflated here
		if r, err := zlib.NewReader(bytes.NewReader(m[1])); err == nil {
			if inflated, err := io.ReadAll(r); err == nil {
				content = inflated
			}
		}
		for _, tj := range tjRe.FindAllSubmatch(content, -1) {
			out = append(out, decodeUTF16(unescapePDF(tj[1])))
		}
	}
	return out
}

func unescapePDF(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 == len(b) {
			out = append(out, b[i])
			continue
		}
		i++
		switch c := b[i]; c {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		default:
			if c >= '0' && c <= '7' {
				n, j := 0, i
				for ; j < len(b) && j < i+3 && b[j] >= '0' && b[j] <= '7'; j++ {
					n = n*8 + int(b[j]-'0')
				}
				out = append(out, byte(n))
				i = j - 1
			} else {
				out = append(out, c)
			}
		}
	}
	return out
}

func decodeUTF16(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return string(utf16.Decode(u))
}
