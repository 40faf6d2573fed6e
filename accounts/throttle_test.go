package accounts_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"peixun/accounts"
	"peixun/database/dbtest"
	"peixun/fault"
)

// TestHitConcurrentFirstHits: many first hits of one key at the same moment all count, none fails
// (a read-then-insert transaction deadlocked here on MariaDB), and the limit holds.
func TestHitConcurrentFirstHits(t *testing.T) {
	db := dbtest.Open(t)
	now := time.Date(2021, 6, 1, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := accounts.New(db, clock, nil)
	const n, limit = 40, 30
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Hit(context.Background(), "burst", limit, time.Minute)
		}()
	}
	wg.Wait()
	close(errs)
	limited := 0
	for err := range errs {
		switch {
		case err == nil:
		case fault.Is(err, fault.TooMany):
			limited++
		default:
			t.Fatalf("a hit failed: %v", err)
		}
	}
	if limited != n-limit {
		t.Fatalf("%d hits refused, want %d", limited, n-limit)
	}
	if got := dbtest.Count(t, db.SQL, "SELECT count FROM throttles"); got != n {
		t.Fatalf("count %d, want %d", got, n)
	}
	// A new window starts over.
	now = now.Add(time.Minute)
	if err := s.Hit(context.Background(), "burst", limit, time.Minute); err != nil {
		t.Fatalf("first hit of a new window: %v", err)
	}
	if got := dbtest.Count(t, db.SQL, "SELECT count FROM throttles"); got != 1 {
		t.Fatalf("count %d after the window, want 1", got)
	}
}

func TestCSVSafe(t *testing.T) {
	cases := []struct{ in, want string }{
		{"张三", "张三"},
		{`=HYPERLINK("http://x","点击")`, `'=HYPERLINK("http://x","点击")`},
		{"+8613900000000", "'+8613900000000"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"", ""},
	}
	for _, c := range cases {
		if got := accounts.CSVSafe(c.in); got != c.want {
			t.Errorf("CSVSafe(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
