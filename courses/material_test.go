package courses

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"peixun/database/dbtest"
	"peixun/fault"
)

// failingReader yields some bytes, then an error: a client that hangs up mid-upload.
type failingReader struct{ r io.Reader }

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errors.New("connection reset")
	}
	return n, err
}

func TestUpload(t *testing.T) {
	big := mp4Bytes(5000)
	tests := []struct {
		name      string
		file      string
		body      io.Reader
		kind      string
		wantType  string
		wantCode  string // fault code when refused
		wantOther bool   // refused with a non-fault error
		limit     int64  // video size limit, 4000 unless set
	}{
		{name: "pdf", file: "讲义.pdf", body: bytes.NewReader(pdfBytes("x")), kind: KindDocument, wantType: TypePDF},
		{name: "mp4", file: "C:\\Users\\me\\lecture.mp4", body: bytes.NewReader(mp4Bytes(3000)), kind: KindVideo, wantType: TypeMP4},
		{name: "webm", file: "clip.webm", body: bytes.NewReader(webmBytes(3000)), kind: KindVideo, wantType: TypeWebM},
		{name: "no extension", file: "clip", body: bytes.NewReader(webmBytes(100)), kind: KindVideo, wantType: TypeWebM},
		{name: "text named mp4", file: "fake.mp4", body: strings.NewReader("just some text, not a video\n"), kind: KindVideo, wantCode: "material.false_type"},
		{name: "html named pdf", file: "fake.pdf", body: strings.NewReader("<html><script>x</script></html>"), kind: KindDocument, wantCode: "material.false_type"},
		{name: "pdf as video", file: "a.mp4", body: bytes.NewReader(pdfBytes("x")), kind: KindVideo, wantCode: "material.false_type"},
		{name: "mp4 named webm", file: "a.webm", body: bytes.NewReader(mp4Bytes(100)), kind: KindVideo, wantCode: "material.false_type"},
		{name: "mp4 named txt", file: "a.txt", body: bytes.NewReader(mp4Bytes(100)), kind: KindVideo, wantCode: "material.false_type"},
		{name: "matroska", file: "a.mkv", body: bytes.NewReader(append([]byte{0x1A, 0x45, 0xDF, 0xA3, 0x42, 0x82, 0x88}, "matroska"...)), kind: KindVideo, wantCode: "material.false_type"},
		{name: "heic photo", file: "a.mp4", body: bytes.NewReader([]byte{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1', 'h', 'e', 'i', 'c'}), kind: KindVideo, wantCode: "material.false_type"},
		{name: "empty", file: "a.pdf", body: strings.NewReader(""), kind: KindDocument, wantCode: "material.empty"},
		{name: "too large", file: "big.mp4", body: bytes.NewReader(big), kind: KindVideo, wantCode: "material.too_large"},
		{name: "too large head", file: "big.mp4", body: bytes.NewReader(big[:600]), kind: KindVideo, wantCode: "material.too_large", limit: 300},
		{name: "broken connection", file: "a.mp4", body: &failingReader{bytes.NewReader(mp4Bytes(3000))}, kind: KindVideo, wantOther: true},
	}
	for _, bucketURL := range []string{"mem://", "file://"} {
		for _, tc := range tests {
			t.Run(bucketURL+tc.name, func(t *testing.T) {
				dir := t.TempDir()
				u := bucketURL
				if u == "file://" {
					u = "file://" + filepath.ToSlash(dir) + "?no_tmp_dir=true"
				}
				e := newEnvBucket(t, u)
				e.svc.MaxSize[KindVideo] = 4000
				if tc.limit != 0 {
					e.svc.MaxSize[KindVideo] = tc.limit
				}
				if b, ok := tc.body.(*bytes.Reader); ok {
					// Readers are shared across buckets: start each run from the beginning.
					b.Seek(0, io.SeekStart)
				}
				if s, ok := tc.body.(*strings.Reader); ok {
					s.Seek(0, io.SeekStart)
				}
				m, err := e.svc.Upload(context.Background(), e.trainer, tc.file, tc.body, tc.kind)
				switch {
				case tc.wantCode != "":
					wantFault(t, err, fault.Invalid, "file", tc.wantCode)
				case tc.wantOther:
					if err == nil {
						t.Fatal("upload from a broken connection succeeded")
					}
				case err != nil:
					t.Fatalf("upload: %v", err)
				default:
					if m.ContentType != tc.wantType {
						t.Errorf("content type %q, want %q", m.ContentType, tc.wantType)
					}
					if strings.ContainsAny(m.FileName, "\\/") {
						t.Errorf("file name %q keeps the client's folders", m.FileName)
					}
					if want := "materials/" + m.Sha256[:2] + "/" + m.Sha256; m.BlobKey != want {
						t.Errorf("blob key %q, want %q", m.BlobKey, want)
					}
				}
				keys := blobKeys(t, e.bucket)
				rows := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM materials")
				if tc.wantCode != "" || tc.wantOther {
					if len(keys) != 0 || rows != 0 {
						t.Errorf("failed upload left blobs %v and %d rows", keys, rows)
					}
					if u != bucketURL {
						if left := filesUnder(t, dir); len(left) != 0 {
							t.Errorf("failed upload left files %v", left)
						}
					}
				} else if len(keys) != 1 || rows != 1 {
					t.Errorf("good upload left blobs %v and %d rows, want exactly one of each", keys, rows)
				}
			})
		}
	}
}

func filesUnder(t *testing.T, dir string) []string {
	var files []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	return files
}

func TestUploadDedupe(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	first, err := e.svc.Upload(ctx, e.trainer, "one.pdf", bytes.NewReader(pdfBytes("same")), KindDocument)
	if err != nil {
		t.Fatal(err)
	}
	other := e.person(t, "trainer2", "trainer")
	second, err := e.svc.Upload(ctx, other, "two.pdf", bytes.NewReader(pdfBytes("same")), KindDocument)
	if err != nil {
		t.Fatal(err)
	}
	if second.ID != first.ID {
		t.Errorf("same bytes stored twice: materials %d and %d", first.ID, second.ID)
	}
	third, err := e.svc.Upload(ctx, e.trainer, "three.pdf", bytes.NewReader(pdfBytes("different")), KindDocument)
	if err != nil {
		t.Fatal(err)
	}
	if third.ID == first.ID {
		t.Error("different bytes share a material")
	}
	if keys := blobKeys(t, e.bucket); len(keys) != 2 {
		t.Errorf("bucket holds %v, want two blobs", keys)
	}
}

func TestUploadRefusesLearner(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.Upload(context.Background(), e.learner, "a.pdf", bytes.NewReader(pdfBytes("x")), KindDocument)
	wantFault(t, err, fault.Forbidden, "", "")
}

func TestOpenRange(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	data := mp4Bytes(100_000)
	m, err := e.svc.Upload(ctx, e.trainer, "v.mp4", bytes.NewReader(data), KindVideo)
	if err != nil {
		t.Fatal(err)
	}
	e.course(t, CourseInput{Title: "视频课"}, true, LessonInput{Title: "v", Kind: KindVideo, MaterialID: m.ID})
	f, err := e.svc.Open(ctx, e.learner, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Size != int64(len(data)) || f.SHA256 != m.Sha256 || f.ContentType != TypeMP4 {
		t.Fatalf("opened %+v", f)
	}
	for _, off := range []int64{0, 1, 4095, 65_536, 99_990, 50_000} {
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			t.Fatalf("seek %d: %v", off, err)
		}
		got := make([]byte, 10)
		n, err := io.ReadFull(f, got)
		if off+10 > int64(len(data)) {
			got = got[:n]
		} else if err != nil {
			t.Fatalf("read at %d: %v", off, err)
		}
		if want := data[off:min(off+10, int64(len(data)))]; !bytes.Equal(got, want) {
			t.Errorf("at %d read %x, want %x", off, got, want)
		}
	}
	// The reader is what http.ServeContent needs for 206 and 416 answers.
	tests := []struct {
		rng    string
		status int
		body   []byte
	}{
		{"bytes=10-19", http.StatusPartialContent, data[10:20]},
		{"bytes=-5", http.StatusPartialContent, data[len(data)-5:]},
		{"bytes=200000-", http.StatusRequestedRangeNotSatisfiable, nil},
	}
	for _, tc := range tests {
		req := httptest.NewRequest("GET", "/m", nil)
		req.Header.Set("Range", tc.rng)
		rec := httptest.NewRecorder()
		http.ServeContent(rec, req, f.FileName, f.ModTime, f)
		if rec.Code != tc.status || (tc.body != nil && !bytes.Equal(rec.Body.Bytes(), tc.body)) {
			t.Errorf("Range %s: status %d, body %x; want %d %x", tc.rng, rec.Code, rec.Body.Bytes(), tc.status, tc.body)
		}
	}
}

func TestOpenAccess(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m := e.uploadPDF(t, "draft")
	e.course(t, CourseInput{Title: "草稿", AllowDownload: true}, false, LessonInput{Title: "d", Kind: KindDocument, MaterialID: m.ID})
	shared := e.uploadPDF(t, "shared")
	e.course(t, CourseInput{Title: "可下载", AllowDownload: true}, true, LessonInput{Title: "d", Kind: KindDocument, MaterialID: shared.ID})
	e.course(t, CourseInput{Title: "不可下载", AllowDownload: false}, true, LessonInput{Title: "d", Kind: KindDocument, MaterialID: shared.ID})
	loose := e.uploadPDF(t, "not in any lesson")

	tests := []struct {
		name     string
		actor    string
		material int
		wantErr  fault.Kind
		download bool
	}{
		{"learner, draft course", "learner", m.ID, fault.Forbidden, false},
		{"learner, unused material", "learner", loose.ID, fault.Forbidden, false},
		{"owner, draft course", "trainer", m.ID, "", true},
		{"admin, draft course", "admin", m.ID, "", true},
		{"learner, published, one course forbids download", "learner", shared.ID, "", false},
		{"learner, no such material", "learner", 999999, fault.NotFound, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := e.svc.Open(ctx, actorOf(e, tc.actor), tc.material)
			if tc.wantErr != "" {
				wantFault(t, err, tc.wantErr, "", "")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.AllowDownload != tc.download {
				t.Errorf("AllowDownload %v, want %v", f.AllowDownload, tc.download)
			}
			if !f.ModTime.Before(time.Now().Add(time.Hour)) {
				t.Errorf("mod time %v", f.ModTime)
			}
		})
	}
}
