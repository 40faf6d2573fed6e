package main

import (
	"context"
	"testing"
	"time"

	"peixun/database"
	"peixun/database/dbtest"
)

// TestTwoServersRunEachSlotOnce: two `serve` processes on one database, both scheduling two jobs
// every minute, run each job exactly once per slot: the slot is claimed through the job's lease
// row. It waits for the next minute boundary, so it takes up to about 70 s (skipped with -short).
func TestTwoServersRunEachSlotOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a minute boundary")
	}
	t.Setenv("PEIXUN_SCHEDULES", "purge_sessions=* * * * *;auto_submit=* * * * *;sweep=off;reminders=off")
	dbURL := dbtest.URL(t)
	startServe(t, dbURL)
	startServe(t, dbURL)
	// Both schedulers are running now: the first slot that starts after this moment is one both
	// of them fire for.
	ready := time.Now()
	boundary := ready.Truncate(time.Minute).Add(time.Minute)
	time.Sleep(time.Until(boundary) + 8*time.Second)
	db, err := database.Open(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.SQL.QueryContext(context.Background(), `SELECT name, slot, COUNT(*), MIN(outcome) FROM job_runs
WHERE `+"`trigger`"+` = 'schedule' GROUP BY name, slot ORDER BY name, slot`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	slots := map[string]int{}
	for rows.Next() {
		var name, slot, outcome string
		var n int
		if err := rows.Scan(&name, &slot, &n, &outcome); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s %s: %d run(s), %s", name, slot, n, outcome)
		if n != 1 {
			t.Errorf("job %s ran %d times in slot %s", name, n, slot)
		}
		if outcome != "ok" {
			t.Errorf("job %s slot %s: %s", name, slot, outcome)
		}
		slots[name]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"purge_sessions", "auto_submit"} {
		if slots[name] == 0 {
			t.Errorf("job %s never ran on schedule", name)
		}
	}
}
