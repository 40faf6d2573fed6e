package training

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/robfig/cron/v3"

	"peixun/database"
	"peixun/ent"
	"peixun/ent/joblease"
	"peixun/ent/jobrun"
	"peixun/fault"
)

// JobFunc does the work of a scheduled check and returns counts for its run record.
type JobFunc func(ctx context.Context) (map[string]int, error)

// Triggers of a job run.
const (
	TriggerSchedule = "schedule"
	TriggerManual   = "manual"
)

// Outcomes of a job run.
const (
	OutcomeRunning = "running"
	OutcomeOK      = "ok"
	OutcomeFailed  = "failed"
)

type job struct {
	name     string
	spec     string
	schedule cron.Schedule
	run      JobFunc
}

// SchedulerConfig is what a Scheduler needs. Only DB is required.
type SchedulerConfig struct {
	DB       *database.DB
	Now      func() time.Time // the clock of slots, leases and run records; time.Now when nil
	Logger   *slog.Logger
	Holder   string        // who holds leases: host, process and a random part when empty
	LeaseFor time.Duration // longest a run may hold its job (2 h when 0); a crashed holder's lease ends then
}

// Scheduler runs registered jobs on their cron schedules in Asia/Shanghai. With several replicas
// each runs a Scheduler; every slot of every job is claimed through a row of job_leases, so that
// exactly one replica runs it, and every run leaves a job_runs record.
type Scheduler struct {
	db       *database.DB
	now      func() time.Time
	log      *slog.Logger
	holder   string
	leaseFor time.Duration

	mu   sync.Mutex
	jobs map[string]*job
	cron *cron.Cron
}

// NewScheduler makes a scheduler with no jobs.
func NewScheduler(cfg SchedulerConfig) *Scheduler {
	s := &Scheduler{db: cfg.DB, now: cfg.Now, log: cfg.Logger, holder: cfg.Holder, leaseFor: cfg.LeaseFor, jobs: map[string]*job{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.leaseFor == 0 {
		s.leaseFor = 2 * time.Hour
	}
	if s.holder == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		s.holder = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if len(s.holder) > 128 {
		s.holder = s.holder[:128]
	}
	return s
}

// Register adds a job under a name with a five-field cron schedule ("30 1 * * *"), read in
// Asia/Shanghai.
func (s *Scheduler) Register(name, spec string, run JobFunc) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("job name %q: 1 to 64 characters", name)
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return fmt.Errorf("schedule of job %s: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.jobs[name]; dup {
		return fmt.Errorf("job %s registered twice", name)
	}
	s.jobs[name] = &job{name: name, spec: spec, schedule: sched, run: run}
	return nil
}

// JobInfo describes a registered job for the administrators' page.
type JobInfo struct {
	Name     string
	Schedule string
	Next     time.Time // the next scheduled slot, in Asia/Shanghai
}

// Jobs lists the registered jobs by name.
func (s *Scheduler) Jobs() []JobInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().In(Shanghai)
	out := make([]JobInfo, 0, len(s.jobs))
	for _, j := range s.jobs {
		out = append(out, JobInfo{Name: j.name, Schedule: j.spec, Next: j.schedule.Next(now)})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// EnsureLeases creates the lease row of every registered job that has none; it is safe to run from
// any number of replicas at once.
func (s *Scheduler) EnsureLeases(ctx context.Context) error {
	s.mu.Lock()
	names := make([]string, 0, len(s.jobs))
	for n := range s.jobs {
		names = append(names, n)
	}
	s.mu.Unlock()
	for _, n := range names {
		if err := s.ensureLease(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

func (s *Scheduler) ensureLease(ctx context.Context, name string) error {
	// A bulk of one: ent's single-row DoNothing reports "no rows" when the row exists.
	c := s.db.Client.JobLease
	err := c.CreateBulk(c.Create().SetName(name).SetHolder("").SetLastSlot("").SetUntil(time.Unix(0, 0).UTC())).
		OnConflict(entsql.ConflictColumns(joblease.FieldName)).DoNothing().Exec(ctx)
	if err != nil {
		return fmt.Errorf("creating lease of job %s: %w", name, err)
	}
	return nil
}

// Start creates the leases and starts the schedule. Recover is outside SkipIfStillRunning: the
// other order would leave a job marked running forever after one panic.
func (s *Scheduler) Start(ctx context.Context) error {
	if err := s.EnsureLeases(ctx); err != nil {
		return err
	}
	l := cronLogger{s.log}
	c := cron.New(cron.WithLocation(Shanghai), cron.WithLogger(l),
		cron.WithChain(cron.Recover(l), cron.SkipIfStillRunning(l)))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.jobs {
		j := j
		c.Schedule(j.schedule, cron.FuncJob(func() {
			if _, err := s.RunSlot(context.Background(), j.name, s.slotOf(j)); err != nil {
				s.log.Error("scheduled job", "job", j.name, "err", err)
			}
		}))
	}
	s.cron = c
	c.Start()
	return nil
}

// Stop stops the schedule and waits for running jobs to finish.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	c := s.cron
	s.cron = nil
	s.mu.Unlock()
	if c != nil {
		<-c.Stop().Done()
	}
}

// slotOf is the slot a firing belongs to: the latest scheduled time at or before now. Replicas
// whose clocks differ by less than the job's period name the same slot.
func (s *Scheduler) slotOf(j *job) time.Time {
	now := s.now().In(Shanghai)
	return j.schedule.Next(now.Truncate(time.Minute).Add(-time.Second))
}

// slotKey formats a slot so that later slots compare greater as strings.
func slotKey(t time.Time) string { return t.In(Shanghai).Format("2006-01-02T15:04") }

// RunSlot claims the slot of a job and runs it. It returns nil, nil when another holder claimed the
// slot (or the job is still running elsewhere): exactly one replica runs each slot.
func (s *Scheduler) RunSlot(ctx context.Context, name string, slot time.Time) (*ent.JobRun, error) {
	j, err := s.job(name)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	key := slotKey(slot)
	res, err := s.db.SQL.ExecContext(ctx,
		`UPDATE job_leases SET holder = ?, until = ?, last_slot = ? WHERE name = ? AND last_slot < ? AND until < ?`,
		s.holder, now.Add(s.leaseFor), key, name, key, now)
	if err != nil {
		return nil, fmt.Errorf("claiming slot %s of job %s: %w", key, name, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, nil
	}
	return s.execute(ctx, j, TriggerSchedule, key)
}

// RunNow runs a job at once, by hand (trigger "manual": the administrators' button and
// `peixun check <job>`). It does not take a scheduled slot, but it does take the lease, so it never
// runs beside the same job on another replica: then it answers conflict.
func (s *Scheduler) RunNow(ctx context.Context, name, trigger string) (*ent.JobRun, error) {
	j, err := s.job(name)
	if err != nil {
		return nil, err
	}
	if trigger == "" {
		trigger = TriggerManual
	}
	if err := s.ensureLease(ctx, name); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	res, err := s.db.SQL.ExecContext(ctx, `UPDATE job_leases SET holder = ?, until = ? WHERE name = ? AND until < ?`,
		s.holder, now.Add(s.leaseFor), name, now)
	if err != nil {
		return nil, fmt.Errorf("claiming job %s: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, fault.New(fault.Conflict, "job.running").With("job", name)
	}
	return s.execute(ctx, j, trigger, "")
}

func (s *Scheduler) job(name string) (*job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[name]
	if j == nil {
		return nil, fault.NotFoundf("job").With("job", name)
	}
	return j, nil
}

// execute runs a claimed job, records the run and gives the lease back. A panic is recorded as a
// failure, not spread: the next slot must still run.
func (s *Scheduler) execute(ctx context.Context, j *job, trigger, slot string) (run *ent.JobRun, err error) {
	run, err = s.db.Client.JobRun.Create().SetName(j.name).SetTrigger(trigger).SetSlot(slot).SetHolder(s.holder).
		SetStartedAt(s.now().UTC()).SetOutcome(OutcomeRunning).Save(ctx)
	if err != nil {
		s.release(ctx, j.name)
		return nil, fmt.Errorf("recording run of job %s: %w", j.name, err)
	}
	var counts map[string]int
	var jobErr error
	func() {
		defer func() {
			if v := recover(); v != nil {
				jobErr = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
			}
		}()
		counts, jobErr = j.run(ctx)
	}()
	outcome, msg := OutcomeOK, ""
	if jobErr != nil {
		outcome, msg = OutcomeFailed, jobErr.Error()
		s.log.Error("job failed", "job", j.name, "trigger", trigger, "slot", slot, "err", jobErr)
	}
	// The record is finished even if the caller's context ended meanwhile.
	done := context.WithoutCancel(ctx)
	upd := s.db.Client.JobRun.UpdateOneID(run.ID).SetFinishedAt(s.now().UTC()).SetOutcome(outcome).SetError(msg)
	if counts != nil {
		upd.SetCounts(counts)
	}
	run, err = upd.Save(done)
	s.release(done, j.name)
	if err != nil {
		return nil, fmt.Errorf("finishing run record of job %s: %w", j.name, err)
	}
	if jobErr != nil {
		return run, fmt.Errorf("job %s: %w", j.name, jobErr)
	}
	return run, nil
}

// release ends this holder's lease so that the next slot (or a manual run) may start at once.
func (s *Scheduler) release(ctx context.Context, name string) {
	if _, err := s.db.SQL.ExecContext(ctx, `UPDATE job_leases SET until = ? WHERE name = ? AND holder = ?`,
		time.Unix(0, 0).UTC(), name, s.holder); err != nil {
		s.log.Error("releasing job lease", "job", name, "err", err)
	}
}

// Runs lists the latest runs of a job (all jobs when name is empty), newest first.
func (s *Scheduler) Runs(ctx context.Context, name string, limit int) ([]*ent.JobRun, error) {
	q := s.db.Client.JobRun.Query().Order(ent.Desc(jobrun.FieldStartedAt), ent.Desc(jobrun.FieldID))
	if name != "" {
		q.Where(jobrun.Name(name))
	}
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	runs, err := q.Limit(limit).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing job runs: %w", err)
	}
	return runs, nil
}

// cronLogger hands robfig/cron's log lines to slog.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug("cron: "+msg, kv...) }

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append([]any{"err", err}, kv...)...)
}
