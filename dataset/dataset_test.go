package dataset_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"peixun/database"
	"peixun/database/dbtest"
	"peixun/dataset"
)

func fingerprint(t *testing.T, db *database.DB) string {
	t.Helper()
	rows, err := db.SQL.Query("SELECT username, name, category, unit_id FROM persons ORDER BY username")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	h := sha256.New()
	for rows.Next() {
		var u, n, c string
		var unit int
		if err := rows.Scan(&u, &n, &c, &unit); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(h, u, n, c, unit)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestGenerate(t *testing.T) {
	now := time.Date(2021, 9, 1, 2, 0, 0, 0, time.UTC)
	ctx := context.Background()
	a, b := dbtest.Open(t), dbtest.Open(t)
	sum, err := dataset.Generate(ctx, a, dataset.Options{People: 600, Seed: 7, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		what  string
		got   int
		query string
	}{
		{"units", sum.Units, "SELECT COUNT(*) FROM units"},
		{"people", sum.People, "SELECT COUNT(*) FROM persons"},
		{"lessons", sum.Lessons, "SELECT COUNT(*) FROM lessons"},
		{"enrollments", sum.Enrollments, "SELECT COUNT(*) FROM enrollments"},
		{"progress", sum.Progress, "SELECT COUNT(*) FROM lesson_progresses"},
		{"attempts", sum.Attempts, "SELECT COUNT(*) FROM attempts"},
		{"answers", sum.Answers, "SELECT COUNT(*) FROM answers"},
	}
	for _, c := range checks {
		if n := dbtest.Count(t, a.SQL, c.query); n != c.got || n == 0 {
			t.Errorf("%s: summary says %d, database has %d", c.what, c.got, n)
		}
	}
	if sum.Units != 41 || sum.Programs != 5 || sum.Courses != 30 {
		t.Errorf("fixed parts: %+v", sum)
	}
	// Every progress row belongs to a lesson of its course, and answers to submitted attempts.
	if n := dbtest.Count(t, a.SQL, "SELECT COUNT(*) FROM lesson_progresses p JOIN lessons l ON l.id = p.lesson_id WHERE l.course_id <> p.course_id"); n != 0 {
		t.Errorf("%d progress rows point at another course's lesson", n)
	}
	if _, err := dataset.Generate(ctx, a, dataset.Options{People: 10, Seed: 7, Now: now}); err == nil {
		t.Errorf("a second dataset was written into a database with people")
	}
	if _, err := dataset.Generate(ctx, b, dataset.Options{People: 600, Seed: 7, Now: now}); err != nil {
		t.Fatal(err)
	}
	if fa, fb := fingerprint(t, a), fingerprint(t, b); fa != fb {
		t.Errorf("the same seed gave different people")
	}
}

// BenchmarkGenerate measures the dataset at PEIXUN_BENCH_PEOPLE people (default 10,000).
func BenchmarkGenerate(b *testing.B) {
	n := 10000
	if v := benchPeople(); v > 0 {
		n = v
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := dbtest.Open(b)
		b.StartTimer()
		sum, err := dataset.Generate(context.Background(), db, dataset.Options{People: n, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sum.Progress+sum.Enrollments+sum.Answers+sum.People)/sum.Took.Seconds(), "rows/s")
		b.Logf("%+v", sum)
	}
}
