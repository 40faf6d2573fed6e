// Package training owns training programs: audiences, enrollment, completion against the target,
// exemptions, figures by unit, snapshots, reminders and notifications, and the scheduled checks that
// run them every night on one replica.
package training

import (
	"context"
	"fmt"
	"log/slog"
	"time"
	_ "time/tzdata" // Asia/Shanghai must exist in minimal containers

	"peixun/certificates"
	"peixun/database"
	"peixun/ent"
)

// Shanghai is the zone of days, due dates and schedules; times are stored in UTC.
var Shanghai = mustZone("Asia/Shanghai")

// Config is what a Service needs. Only DB is required.
type Config struct {
	DB           *database.DB
	Now          func() time.Time      // the clock; time.Now when nil
	Logger       *slog.Logger          // slog.Default() when nil
	Certificates *certificates.Service // issues certificates on completion; none when nil
	Mailer       Mailer                // sends reminders by e-mail; in-app only when nil
	BaseURL      string                // public address for links in e-mails, e.g. https://peixun.example.cn
}

// Service is the training domain: every operation the HTTP layer, the command line and the
// scheduled checks call.
type Service struct {
	db      *database.DB
	client  *ent.Client
	now     func() time.Time
	log     *slog.Logger
	certs   *certificates.Service
	mailer  Mailer
	baseURL string
}

// New makes the training service.
func New(cfg Config) (*Service, error) {
	if cfg.DB == nil {
		return nil, fmt.Errorf("training: no database")
	}
	s := &Service{db: cfg.DB, client: cfg.DB.Client, now: cfg.Now, log: cfg.Logger, certs: cfg.Certificates,
		mailer: cfg.Mailer, baseURL: cfg.BaseURL}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

// clock is the current time in UTC, truncated to microseconds: MySQL's datetime(6) keeps no more,
// and a value read back must compare equal to the one written.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Now is the service's clock, in UTC.
func (s *Service) Now() time.Time { return s.clock() }

// Day is the Asia/Shanghai date of t as "2006-01-02": the day of snapshots and reminder keys.
func Day(t time.Time) string { return t.In(Shanghai).Format("2006-01-02") }

// withTx runs fn in a transaction, rolling back on error or panic.
func (s *Service) withTx(ctx context.Context, fn func(tx *ent.Tx) error) (err error) {
	tx, err := s.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("starting transaction: %w", err)
	}
	defer func() {
		if v := recover(); v != nil {
			_ = tx.Rollback()
			panic(v)
		}
	}()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Asia/Shanghai has had no daylight saving since 1991: a fixed zone is exact for our dates.
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}
