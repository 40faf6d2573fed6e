package handlers_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"peixun/accounts"
	"peixun/ent/person"
)

// BenchmarkCourseProgressOpenLoop sends progress reports through the real router and HTTP server at
// a fixed rate (open loop: each report starts at its scheduled time whether or not earlier ones have
// answered, and its latency counts from that time, so queueing shows), from 100 learners with API
// tokens, on the database the environment selects (PEIXUN_TEST_MYSQL_DSN for MariaDB). b.N is the
// number of reports; PEIXUN_BENCH_RATE sets the rate (default 500/s). Reports p50 and p99.
//
//	PEIXUN_TEST_MYSQL_DSN=mysql://root@127.0.0.1:3306/ go test ./handlers/ -run '^$' -bench CourseProgressOpenLoop -benchtime 5000x
func BenchmarkCourseProgressOpenLoop(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	rate := 500
	if v, err := strconv.Atoi(os.Getenv("PEIXUN_BENCH_RATE")); err == nil && v > 0 {
		rate = v
	}
	_, ls := e.demoCourse()
	lesson := strconv.Itoa(ls[0].ID)
	ids, err := e.db.Client.Person.Query().Where(person.StatusEQ(person.StatusActive)).Limit(100).IDs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	tokens := make([]string, len(ids))
	for i, id := range ids {
		if tokens[i], _, err = e.acc.CreateToken(ctx, accounts.System, id, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512}}
	url := e.srv.URL + "/api/v1/lessons/" + lesson + "/progress"
	send := func(token string) error {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"position":0}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	for _, tok := range tokens { // warm up: connections, first reports
		if err := send(tok); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, b.N)
	var failed sync.Map
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(rate)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		wg.Add(1)
		go func(i int, due time.Time) {
			defer wg.Done()
			if err := send(tokens[i%len(tokens)]); err != nil {
				failed.Store(i, err)
			}
			lat[i] = time.Since(due)
		}(i, due)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	failed.Range(func(k, v any) bool { b.Fatalf("report %v: %v", k, v); return false })
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "reports/s")
}

// BenchmarkCourseVideoRangeRSS serves a 1 GB material (a sparse file in the file:// bucket) to 50
// clients that each seek to random places with Range requests of 1 MB, and reports the process's
// peak resident memory (VmHWM) before and after, and the growth. The server runs in this process, so
// the figure covers server and clients together. b.N is the number of requests per client.
//
//	go test ./handlers/ -run '^$' -bench CourseVideoRangeRSS -benchtime 40x
func BenchmarkCourseVideoRangeRSS(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	const size = 1 << 30
	sum := strings.Repeat("ab", 32)
	key := "materials/ab/" + sum
	path := filepath.Join(e.blobDir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		b.Fatal(err)
	}
	f.Close()
	m, err := e.db.Client.Material.Create().SetBlobKey(key).SetFileName("big.mp4").SetContentType("video/mp4").
		SetSize(size).SetSha256(sum).SetUploaderID(e.ids["trainer"]).SetCreatedAt(time.Now().UTC()).Save(ctx)
	if err != nil {
		b.Fatal(err)
	}
	token := e.token("trainer")
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	url := e.srv.URL + "/materials/" + strconv.Itoa(m.ID)
	runtime.GC()
	before, rssBefore := vmHWM(b), procStatus(b, "VmRSS:")
	stop := make(chan struct{})
	peak := make(chan int64)
	go func() { // samples the resident set while the clients run
		top := int64(0)
		for {
			select {
			case <-stop:
				peak <- top
				return
			case <-time.After(20 * time.Millisecond):
				top = max(top, procStatus(b, "VmRSS:"))
			}
		}
	}()
	b.ResetTimer()
	var wg sync.WaitGroup
	var bytes sync.Map
	for c := 0; c < 50; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			var n int64
			for i := 0; i < b.N; i++ {
				off := rng.Int64N(size - 1<<20)
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", off, off+1<<20-1))
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				k, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusPartialContent || k != 1<<20 {
					b.Errorf("status %d, %d bytes", resp.StatusCode, k)
					return
				}
				n += k
			}
			bytes.Store(c, n)
		}(c)
	}
	wg.Wait()
	b.StopTimer()
	close(stop)
	rssPeak := <-peak
	after := vmHWM(b)
	var total int64
	bytes.Range(func(_, v any) bool { total += v.(int64); return true })
	b.ReportMetric(float64(before)/1024, "MB-hwm-before")
	b.ReportMetric(float64(after)/1024, "MB-hwm-after")
	b.ReportMetric(float64(after-before)/1024, "MB-growth")
	b.ReportMetric(float64(total)/(1<<20), "MB-served")
	b.ReportMetric(float64(rssBefore)/1024, "MB-rss-before")
	b.ReportMetric(float64(rssPeak)/1024, "MB-rss-peak-during")
}

// vmHWM reads the process's peak resident set size in kB.
func vmHWM(b *testing.B) int64 { return procStatus(b, "VmHWM:") }

// procStatus reads one kB figure of /proc/self/status.
func procStatus(b *testing.B, field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status")
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), field); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
