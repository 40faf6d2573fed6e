package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"peixun/accounts"
	"peixun/database/dbtest"
	"peixun/dataset"
	"peixun/ent"
	"peixun/ent/program"
	"peixun/handlers"
	"peixun/training"
)

// reportBench is the large dataset (PEIXUN_BENCH_PEOPLE people, 20,000 by default; 5 programs)
// after a sweep, served by the real router, with an administrator's session.
type reportBench struct {
	h        http.Handler
	cookie   *http.Cookie
	programs []int
	largest  int // the program with the most people in scope (the one that covers everyone)
}

func newReportBench(b *testing.B) *reportBench {
	b.Helper()
	people, _ := strconv.Atoi(os.Getenv("PEIXUN_BENCH_PEOPLE"))
	if people <= 0 {
		people = 20000
	}
	ctx := context.Background()
	db := dbtest.Open(b)
	now := time.Now().UTC()
	start := time.Now()
	if _, err := dataset.Generate(ctx, db, dataset.Options{People: people, Seed: 1, Now: now}); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clk := func() time.Time { return now }
	acc := accounts.New(db, clk, log)
	tr, err := training.New(training.Config{DB: db, Now: clk, Logger: log})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tr.Sweep(ctx); err != nil {
		b.Fatal(err)
	}
	root, err := db.Client.Unit.Query().Order(ent.Asc("id")).First(ctx)
	if err != nil {
		b.Fatal(err)
	}
	hash, _ := accounts.HashPassword(dataset.Password)
	if _, err := db.Client.Person.Create().SetUsername("bench-admin").SetName("管理员").SetUnitID(root.ID).SetUnitSince(now).
		SetCategory("staff").SetRoles([]string{accounts.RoleAdmin}).SetPasswordHash(hash).Save(ctx); err != nil {
		b.Fatal(err)
	}
	token, _, err := acc.SignIn(ctx, "bench-admin", dataset.Password, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	s, err := handlers.New(handlers.Deps{DB: db, Accounts: acc, Training: tr, Log: log})
	if err != nil {
		b.Fatal(err)
	}
	ids, err := db.Client.Program.Query().Where(program.StatusEQ(program.StatusActive)).Order(ent.Asc("id")).IDs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var largest, inScope int
	if err := db.SQL.QueryRowContext(ctx, `SELECT program_id, COUNT(*) FROM enrollments WHERE left_scope_at IS NULL
GROUP BY program_id ORDER BY COUNT(*) DESC, program_id LIMIT 1`).Scan(&largest, &inScope); err != nil {
		b.Fatal(err)
	}
	n, _ := db.Client.Enrollment.Query().Count(ctx)
	b.Logf("dataset: %d people, %d programs, %d enrollments (program %d: %d in scope), generated and swept in %s",
		people, len(ids), n, largest, inScope, time.Since(start).Round(time.Millisecond))
	return &reportBench{h: s, cookie: &http.Cookie{Name: "px_session", Value: token}, programs: ids, largest: largest}
}

// firstByteRecorder notes when the first byte of the body is written. A download's headers leave
// at once (the handler flushes them); this is when the file itself starts to follow.
type firstByteRecorder struct {
	*httptest.ResponseRecorder
	first time.Time
}

func (r *firstByteRecorder) Write(p []byte) (int, error) {
	if r.first.IsZero() && len(p) > 0 {
		r.first = time.Now()
	}
	return r.ResponseRecorder.Write(p)
}

// serve runs one request b.N times and reports the median and p99 besides the mean, and the median
// time at which the body's first byte was written.
func (r *reportBench) serve(b *testing.B, path string) {
	durations := make([]time.Duration, 0, b.N)
	firsts := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(r.cookie)
		rec := &firstByteRecorder{ResponseRecorder: httptest.NewRecorder()}
		t0 := time.Now()
		r.h.ServeHTTP(rec, req)
		d := time.Since(t0)
		durations = append(durations, d)
		if !rec.first.IsZero() {
			d = rec.first.Sub(t0)
		}
		firsts = append(firsts, d)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: status %d %.300s", path, rec.Code, rec.Body.String())
		}
		b.SetBytes(int64(rec.Body.Len()))
	}
	b.StopTimer()
	slices.Sort(durations)
	slices.Sort(firsts)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds())/1000, "ms-p99")
	b.ReportMetric(float64(firsts[len(firsts)/2].Microseconds())/1000, "ms-first-byte-median")
}

// BenchmarkReportDashboard measures the dashboard of an administrator over the whole dataset:
// the overview of every program, one program unit by unit with its trend, and the API.
func BenchmarkReportDashboard(b *testing.B) {
	r := newReportBench(b)
	b.Run("overview", func(b *testing.B) { r.serve(b, "/dashboard") })
	b.Run("program", func(b *testing.B) { r.serve(b, fmt.Sprintf("/dashboard?program=%d", r.programs[0])) })
	b.Run("api", func(b *testing.B) { r.serve(b, fmt.Sprintf("/api/v1/dashboard?program=%d", r.programs[0])) })
}

// BenchmarkReportExport measures the streamed exports of the largest program (peak memory is
// measured on the running server: see docs/performance.md). ms-first-byte-median is when the
// file's own first byte was written; for an XLSX that is once every row is in the workbook.
func BenchmarkReportExport(b *testing.B) {
	r := newReportBench(b)
	for _, f := range []string{"csv", "xlsx"} {
		b.Run(f, func(b *testing.B) {
			r.serve(b, fmt.Sprintf("/dashboard/export?program=%d&format=%s", r.largest, f))
		})
	}
}
