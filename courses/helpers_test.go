package courses

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/memblob"

	"peixun/accounts"
	"peixun/database"
	"peixun/database/dbtest"
	"peixun/ent"
	"peixun/fault"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// env is one test's world: a fresh database, an in-memory bucket and three people.
type env struct {
	db      *database.DB
	bucket  *blob.Bucket
	clock   *testClock
	svc     *Service
	unitID  int
	trainer accounts.Actor
	learner accounts.Actor
	admin   accounts.Actor
}

func newEnv(t testing.TB) *env {
	return newEnvBucket(t, "mem://")
}

func newEnvBucket(t testing.TB, bucketURL string) *env {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Open(t)
	b, err := blob.OpenBucket(ctx, bucketURL)
	if err != nil {
		t.Fatalf("opening bucket %s: %v", bucketURL, err)
	}
	t.Cleanup(func() { b.Close() })
	clk := &testClock{t: time.Date(2021, 3, 1, 2, 0, 0, 0, time.UTC)}
	e := &env{db: db, bucket: b, clock: clk}
	e.svc = New(db, b, clk.Now, slog.New(slog.NewTextHandler(io.Discard, nil)))
	u, err := db.Client.Unit.Create().SetName("余杭区交通运输局").SetCode("YH").Save(ctx)
	if err != nil {
		t.Fatalf("creating unit: %v", err)
	}
	e.unitID = u.ID
	e.trainer = e.person(t, "trainer", accounts.RoleTrainer)
	e.learner = e.person(t, "learner", accounts.RoleLearner)
	e.admin = e.person(t, "admin", accounts.RoleAdmin)
	return e
}

// person creates someone with the given roles and returns them as an actor.
func (e *env) person(t testing.TB, username string, roles ...string) accounts.Actor {
	t.Helper()
	p, err := e.db.Client.Person.Create().SetUsername(username).SetName(username).
		SetUnitID(e.unitID).SetRoles(roles).Save(context.Background())
	if err != nil {
		t.Fatalf("creating person %s: %v", username, err)
	}
	return accounts.Actor{PersonID: p.ID, Name: username, UnitID: e.unitID, Roles: roles}
}

// people creates n learners at once.
func (e *env) people(t testing.TB, prefix string, n int) []accounts.Actor {
	t.Helper()
	var out []accounts.Actor
	for i := range n {
		out = append(out, e.person(t, prefix+strconv.Itoa(i), accounts.RoleLearner))
	}
	return out
}

// course makes a course with the given lessons, published if asked.
func (e *env) course(t testing.TB, in CourseInput, publish bool, lessons ...LessonInput) (*ent.Course, []*ent.Lesson) {
	t.Helper()
	ctx := context.Background()
	if in.Title == "" {
		in.Title = "课程"
	}
	c, err := e.svc.CreateCourse(ctx, e.trainer, in)
	if err != nil {
		t.Fatalf("creating course: %v", err)
	}
	var ls []*ent.Lesson
	for _, li := range lessons {
		l, err := e.svc.AddLesson(ctx, e.trainer, c.ID, li)
		if err != nil {
			t.Fatalf("adding lesson %q: %v", li.Title, err)
		}
		ls = append(ls, l)
	}
	if publish {
		if c, err = e.svc.Publish(ctx, e.trainer, c.ID); err != nil {
			t.Fatalf("publishing: %v", err)
		}
	}
	return c, ls
}

// uploadPDF stores a small PDF and returns its material.
func (e *env) uploadPDF(t testing.TB, body string) *ent.Material {
	t.Helper()
	m, err := e.svc.Upload(context.Background(), e.trainer, "a.pdf", bytes.NewReader(pdfBytes(body)), KindDocument)
	if err != nil {
		t.Fatalf("uploading PDF: %v", err)
	}
	return m
}

func textLesson(title string, minSeconds int) LessonInput {
	return LessonInput{Title: title, Kind: KindText, Body: "<p>正文</p>", MinSeconds: minSeconds}
}

func pdfBytes(body string) []byte { return []byte("%PDF-1.4\n% test\n" + body + "\n%%EOF\n") }

func mp4Bytes(n int) []byte {
	b := []byte{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0, 'i', 's', 'o', 'm', 'm', 'p', '4', '1'}
	b = append(b, 0, 0, 0, 8, 'f', 'r', 'e', 'e')
	for len(b) < n {
		b = append(b, byte(len(b)*7))
	}
	return b
}

func webmBytes(n int) []byte {
	b := []byte{0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0xF2, 0x81, 0x04,
		0x42, 0xF3, 0x81, 0x08, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm', 0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02}
	for len(b) < n {
		b = append(b, byte(len(b)*13))
	}
	return b
}

// wantFault fails unless err is a *fault.Error of the kind (and, if given, about the field with the code).
func wantFault(t testing.TB, err error, kind fault.Kind, field, code string) {
	t.Helper()
	f, ok := fault.As(err)
	if !ok {
		t.Fatalf("got error %v, want a %s fault", err, kind)
	}
	if f.Kind != kind || (field != "" && f.Field != field) || (code != "" && f.Code != code) {
		t.Fatalf("got fault %v, want kind %s field %q code %q", f, kind, field, code)
	}
}

// blobKeys lists every key in the bucket.
func blobKeys(t testing.TB, b *blob.Bucket) []string {
	t.Helper()
	var keys []string
	it := b.List(nil)
	for {
		o, err := it.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return keys
		}
		if err != nil {
			t.Fatalf("listing bucket: %v", err)
		}
		keys = append(keys, o.Key)
	}
}

func actorOf(e *env, name string) accounts.Actor {
	switch name {
	case "trainer":
		return e.trainer
	case "admin":
		return e.admin
	}
	return e.learner
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
