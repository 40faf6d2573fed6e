package accounts

import (
	"context"
	"log/slog"
	"time"

	"peixun/database"
	"peixun/ent"
)

// Policy holds the security settings of sign-in and sessions.
type Policy struct {
	MaxFailures     int           // failed sign-ins before an account is locked
	LockFor         time.Duration // how long a locked account stays locked
	IPAttempts      int           // sign-in attempts allowed per IP per IPWindow
	IPWindow        time.Duration
	SessionIdle     time.Duration // a session unused this long ends
	SessionAbsolute time.Duration // no session lives longer than this
	MinPassword     int           // minimum password length
}

// DefaultPolicy is what the platform uses unless configured otherwise.
var DefaultPolicy = Policy{
	MaxFailures:     5,
	LockFor:         15 * time.Minute,
	IPAttempts:      30,
	IPWindow:        5 * time.Minute,
	SessionIdle:     2 * time.Hour,
	SessionAbsolute: 12 * time.Hour,
	MinPassword:     8,
}

// Service is the accounts domain: units, people, sign-in, sessions, tokens, roster and audit.
type Service struct {
	db     *database.DB
	client *ent.Client
	now    func() time.Time
	log    *slog.Logger
	Policy Policy
	// OnPeopleChanged is told after people were created, edited, suspended, marked as left or
	// imported, so that enrollment follows at once (training sets it; accounts cannot import
	// training). Nil ids mean "many or unknown".
	OnPeopleChanged func(ctx context.Context, personIDs []int)

	sessions sessionCache // the sessions in use (see Session)
}

// changed drops the cached sessions, whose people may have changed, and calls OnPeopleChanged when
// it is set.
func (s *Service) changed(ctx context.Context, personIDs []int) {
	s.forgetSessions()
	if s.OnPeopleChanged != nil {
		s.OnPeopleChanged(ctx, personIDs)
	}
}

// New makes the accounts service. now is the clock (time.Now in production, a fake in tests).
func New(db *database.DB, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: db, client: db.Client, now: func() time.Time { return now().UTC() }, log: log, Policy: DefaultPolicy,
		sessions: sessionCache{ttl: sessionTTL}}
}

// Now is the service's clock, in UTC.
func (s *Service) Now() time.Time { return s.now() }
