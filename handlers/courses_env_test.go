package handlers_test

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gocloud.dev/blob/fileblob"

	"peixun/accounts"
	"peixun/courses"
	"peixun/database"
	"peixun/ent"
)

// newCourses makes the courses service of a test platform: the accounts clock, a file bucket in a
// temporary folder (so that tests can list what was stored), and the demo courses.
func newCourses(t testing.TB, db *database.DB, clk *clock, log *slog.Logger, trainerID int) (*courses.Service, string) {
	t.Helper()
	dir := t.TempDir()
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{Metadata: fileblob.MetadataDontWrite})
	if err != nil {
		t.Fatalf("opening blob folder: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	svc := courses.New(db, b, clk.Now, log)
	if err := courses.SeedDemo(context.Background(), svc, trainerID); err != nil {
		t.Fatalf("seeding demo courses: %v", err)
	}
	return svc, dir
}

// trainerActor is the demo trainer as the domain sees them.
func (e *env) actor(username string) accounts.Actor {
	e.t.Helper()
	p, err := e.db.Client.Person.Get(context.Background(), e.ids[username])
	if err != nil {
		e.t.Fatal(err)
	}
	return accounts.ActorOf(p)
}

// demoCourse is the first demo course (published, a text lesson then a PDF lesson) and its lessons.
func (e *env) demoCourse() (*ent.Course, []*ent.Lesson) {
	e.t.Helper()
	cs, _, err := e.courses.ManageCourses(context.Background(), e.actor("trainer"), "", 1)
	if err != nil || len(cs) == 0 {
		e.t.Fatalf("no demo courses: %v", err)
	}
	c := cs[len(cs)-1] // newest first: the last is the first seeded
	_, ls, err := e.courses.Course(context.Background(), e.actor("trainer"), c.ID)
	if err != nil || len(ls) < 2 {
		e.t.Fatalf("demo course lessons: %v", err)
	}
	return c, ls
}

// blobFiles lists the files in the bucket's folder (temporary blobs included).
func (e *env) blobFiles() []string {
	e.t.Helper()
	var out []string
	_ = filepath.WalkDir(e.blobDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(e.blobDir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// materialRows counts the materials table.
func (e *env) materialRows() int {
	e.t.Helper()
	n, err := e.db.Client.Material.Query().Count(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// upload posts a file to the upload endpoint as the upload script does (multipart, CSRF header,
// JSON answer).
func (c *client) uploadMaterial(kind, fileName string, data []byte) (int, string) {
	c.e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", fileName)
	_, _ = fw.Write(data)
	_ = w.Close()
	code, body, _ := c.do(http.MethodPost, "/manage/materials?kind="+kind, &buf, map[string]string{
		"Content-Type": w.FormDataContentType(), "X-CSRF-Token": c.csrf, "Accept": "application/json"})
	return code, body
}

// report sends a progress report with the page's session, as the player does.
func (c *client) report(lessonID int, position float64) (int, string) {
	c.e.t.Helper()
	body := strings.NewReader(`{"position":` + ftoa(position) + `}`)
	code, b, _ := c.do(http.MethodPost, "/api/v1/lessons/"+itoa(lessonID)+"/progress", body, map[string]string{
		"Content-Type": "application/json", "X-CSRF-Token": c.csrf, "Accept": "application/json"})
	return code, b
}

func pdfFile(text string) []byte { return []byte("%PDF-1.4\n% test\n" + text + "\n%%EOF\n") }

// mp4File is an MP4 header (ftyp isom) followed by filler: enough for the type sniffing, not a
// playable video.
func mp4File(n int) []byte {
	b := []byte{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0, 'i', 's', 'o', 'm', 'm', 'p', '4', '1'}
	b = append(b, 0, 0, 0, 8, 'f', 'r', 'e', 'e')
	for len(b) < n {
		b = append(b, byte(len(b)*7))
	}
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// idFrom reads the record id that follows prefix in a redirect's Location.
func idFrom(t testing.TB, resp *http.Response, prefix string) int {
	t.Helper()
	loc := resp.Header.Get("Location")
	rest, ok := strings.CutPrefix(loc, prefix)
	if !ok {
		t.Fatalf("redirect %q does not start with %q", loc, prefix)
	}
	end := strings.IndexAny(rest, "?#/")
	if end < 0 {
		end = len(rest)
	}
	id, err := strconv.Atoi(rest[:end])
	if err != nil {
		t.Fatalf("redirect %q: %v", loc, err)
	}
	return id
}

// courseMatrixIDs gives the authorization matrix records of the courses routes: the first demo course,
// its text lesson (learner1 has studied it, so deleting it is refused and the matrix changes nothing),
// its PDF, and a session of the demo trainer.
func courseMatrixIDs(t testing.TB, e *env) map[string]string {
	t.Helper()
	ctx := context.Background()
	c, ls := e.demoCourse()
	if _, err := e.courses.Report(ctx, e.actor("learner1"), ls[0].ID, 0, time.Time{}); err != nil {
		t.Fatalf("recording progress for the matrix: %v", err)
	}
	l, err := e.courses.RecordLecture(ctx, e.actor("trainer"), courses.LectureInput{Title: "矩阵", HeldOn: e.clock.Now(), Hours: 1})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"/courses/":   itoa(c.ID),
		"/lessons/":   itoa(ls[0].ID),
		"/materials/": itoa(*ls[1].MaterialID),
		"/lectures/":  itoa(l.ID),
	}
}
