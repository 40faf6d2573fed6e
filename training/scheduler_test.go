package training

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"peixun/database"
	"peixun/database/dbtest"
	"peixun/ent/jobrun"
	"peixun/fault"
)

// twoReplicas opens the same database twice, as two serve processes would.
func twoReplicas(t *testing.T) (*database.DB, *database.DB) {
	t.Helper()
	url := dbtest.URL(t)
	var dbs [2]*database.DB
	for i := range dbs {
		db, err := database.Open(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	if err := dbs[0].Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return dbs[0], dbs[1]
}

func TestTwoSchedulersRunEachSlotOnce(t *testing.T) {
	dbA, dbB := twoReplicas(t)
	ctx := context.Background()
	clock := &fakeClock{t: sh(2021, 3, 1, 1, 30)}
	var runs atomic.Int32
	job := func(ctx context.Context) (map[string]int, error) {
		runs.Add(1)
		time.Sleep(20 * time.Millisecond) // long enough for the other replica to try meanwhile
		return map[string]int{"n": 1}, nil
	}
	var scheds []*Scheduler
	for i, db := range []*database.DB{dbA, dbB} {
		s := NewScheduler(SchedulerConfig{DB: db, Now: clock.Now, Logger: quietLog(), Holder: []string{"a", "b"}[i]})
		if err := s.Register("sweep", "30 1 * * *", job); err != nil {
			t.Fatal(err)
		}
		if err := s.EnsureLeases(ctx); err != nil {
			t.Fatal(err)
		}
		scheds = append(scheds, s)
	}
	for day := 0; day < 3; day++ {
		slot := sh(2021, 3, 1+day, 1, 30)
		clock.Set(slot.Add(time.Duration(day) * time.Second))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for _, s := range scheds {
			for k := 0; k < 2; k++ { // and each replica fires twice
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					if _, err := s.RunSlot(ctx, "sweep", s.slotOf(s.jobs["sweep"])); err != nil {
						t.Error(err)
					}
				}()
			}
		}
		close(start)
		wg.Wait()
		if got := runs.Load(); int(got) != day+1 {
			t.Fatalf("day %d: %d runs, want %d", day, got, day+1)
		}
	}
	recs, err := scheds[1].Runs(ctx, "sweep", 10)
	if err != nil || len(recs) != 3 {
		t.Fatalf("%d run records (%v)", len(recs), err)
	}
	for _, r := range recs {
		if r.Outcome != OutcomeOK || r.FinishedAt == nil || r.Counts["n"] != 1 || r.Trigger != TriggerSchedule {
			t.Fatalf("run record %+v", r)
		}
	}
	if recs[0].Slot != "2021-03-03T01:30" {
		t.Fatalf("slot %q", recs[0].Slot)
	}
}

func TestRunNowAndFailures(t *testing.T) {
	e := newEnv(t)
	s := NewScheduler(SchedulerConfig{DB: e.db, Now: e.clock.Now, Logger: quietLog()})
	e.must(s.Register("boom", "* * * * *", func(ctx context.Context) (map[string]int, error) { panic("kaputt") }))
	e.must(e.svc.RegisterJobs(s, Jobs{Schedules: map[string]string{JobReminders: "0 9 * * *"}}))
	if _, err := s.RunNow(e.ctx, "boom", TriggerManual); err == nil {
		t.Fatal("a panicking job reported success")
	}
	r := e.c.JobRun.Query().Where(jobrun.Name("boom")).OnlyX(e.ctx)
	if r.Outcome != OutcomeFailed || r.FinishedAt == nil || r.Error == "" {
		t.Fatalf("run record %+v", r)
	}
	// The lease was given back: the job can run again, and so can its next slot.
	if _, err := s.RunNow(e.ctx, "boom", TriggerManual); err == nil || fault.Is(err, fault.Conflict) {
		t.Fatalf("second run: %v", err)
	}
	if _, err := s.RunNow(e.ctx, "nope", TriggerManual); !fault.Is(err, fault.NotFound) {
		t.Fatalf("unknown job: %v", err)
	}
	var names []string
	for _, j := range s.Jobs() {
		names = append(names, j.Name+" "+j.Schedule)
	}
	// Sorted by name: the test's own job, then the service's (reminders with the schedule given here).
	if len(names) != 4 || names[1] != "reminders 0 9 * * *" || names[2] != "sweep 30 1 * * *" || names[3] != "weekly_report 0 8 * * 1" {
		t.Fatalf("jobs %v", names)
	}
}

func TestReminderJobRerunSendsNothing(t *testing.T) {
	e := newEnv(t)
	root := e.unit("局", nil)
	for i := 0; i < 3; i++ {
		e.person(root, "officer")
	}
	e.program(ProgramInput{StartsAt: sh(2021, 1, 1, 0, 0), DueAt: sh(2021, 3, 5, 18, 0), Requirements: hours(10)})
	s := NewScheduler(SchedulerConfig{DB: e.db, Now: e.clock.Now, Logger: quietLog()})
	e.must(e.svc.RegisterJobs(s, Jobs{}))
	e.must(s.EnsureLeases(e.ctx))
	e.clock.Set(sh(2021, 3, 1, 8, 0))
	slot := s.slotOf(s.jobs[JobReminders])
	first, err := s.RunSlot(e.ctx, JobReminders, slot)
	if err != nil || first == nil || first.Counts["due"] != 3 {
		t.Fatalf("first run %+v (%v)", first, err)
	}
	if again, err := s.RunSlot(e.ctx, JobReminders, slot); err != nil || again != nil {
		t.Fatalf("the same slot ran again: %+v (%v)", again, err)
	}
	manual, err := s.RunNow(e.ctx, JobReminders, TriggerManual)
	if err != nil || manual.Counts["due"] != 0 || manual.Counts["pace"] != 0 {
		t.Fatalf("manual re-run %+v (%v)", manual, err)
	}
	if n := e.c.Notification.Query().CountX(e.ctx); n != 3 {
		t.Fatalf("%d notifications, want 3", n)
	}
}
