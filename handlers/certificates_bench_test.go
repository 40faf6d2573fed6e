package handlers_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"peixun/accounts"
	"peixun/certificates"
	"peixun/ent"
)

// BenchmarkCertificateZIP1000 downloads a ZIP of 1,000 certificates as a manager through the real
// router over HTTP, reading it as a client does, and reports the time per certificate, the archive's
// size and the largest Go heap seen while it streamed (sampled every 20 ms): the archive is written
// as it is rendered, so the heap should stay near what one batch of 200 needs, not grow with the
// archive. The certificates are recorded beforehand without rendering, so every PDF is rendered
// during the download (the worst case).
func BenchmarkCertificateZIP1000(b *testing.B) {
	const n = 1000
	e := newEnv(b)
	needCertFont(b, e)
	ctx := context.Background()
	lz := e.ids["unit:YH-ZFD-LZ"]
	u, err := e.acc.CreateUnit(ctx, accounts.System, accounts.UnitInput{Name: "压测中队", Code: "BENCH-ZIP", ParentID: &lz})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(6, 1000))
	bulk := make([]*ent.PersonCreate, n)
	for i := range bulk {
		bulk[i] = e.db.Client.Person.Create().SetUsername(fmt.Sprintf("zipbench%04d", i)).SetName(accounts.DemoName(rng)).SetUnitID(u.ID)
	}
	people := e.db.Client.Person.CreateBulk(bulk...).SaveX(ctx)
	now := e.clock.Now()
	prog := e.db.Client.Program.Create().SetName("2026年度执法人员证书压测培训").SetStartsAt(now.AddDate(0, -1, 0)).
		SetDueAt(now.AddDate(0, 1, 0)).SetCertificate(true).SetCertPrefix("ZIP-2026").SaveX(ctx)
	record, err := certificates.New(certificates.Config{DB: e.db, Now: e.clock.Now, FontPath: "/nonexistent.ttf", BaseURL: e.srv.URL,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range people {
		if _, err := record.Issue(ctx, certificates.IssueRequest{PersonID: p.ID, ProgramID: prog.ID, Hours: 32}); err != nil {
			b.Fatal(err)
		}
	}
	token, _, err := e.acc.SignIn(ctx, "manager", accounts.DemoPassword, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}()
	var size int64
	var entries int
	b.ResetTimer()
	for range b.N {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/manage/certificates/zip?program=%d", e.srv.URL, prog.ID), nil)
		req.AddCookie(&http.Cookie{Name: "px_session", Value: token})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		tail := &tailWriter{}
		size, err = io.Copy(tail, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("ZIP: %d %v", resp.StatusCode, err)
		}
		entries = tail.zipEntries()
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	if entries != n {
		b.Fatalf("the ZIP lists %d files, want %d", entries, n)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*n), "ms/cert")
	b.ReportMetric(float64(size)/(1<<20), "MB/zip")
	b.ReportMetric(float64(peak.Load())/(1<<20), "MB-peak-heap")
	b.ReportMetric(float64(base.HeapInuse)/(1<<20), "MB-heap-before")
}

// tailWriter keeps the last bytes written: a ZIP's end-of-central-directory record says how many
// files it holds, without buffering the archive.
type tailWriter struct{ b []byte }

func (t *tailWriter) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 1024 {
		t.b = append(t.b[:0], t.b[len(t.b)-1024:]...)
	}
	return len(p), nil
}

func (t *tailWriter) zipEntries() int {
	i := len(t.b) - 22
	if i < 0 || binary.LittleEndian.Uint32(t.b[i:]) != 0x06054b50 {
		return -1
	}
	return int(binary.LittleEndian.Uint16(t.b[i+10:]))
}
