// Package quizzes owns the question bank (categories, versioned questions, imports and exports), quiz
// definitions with their draw rules, attempts (frozen papers, answers saved as given, deadlines,
// submission and grading) and results (scores, the wrong-question book, item statistics, rankings).
package quizzes

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"peixun/database"
	"peixun/ent"
)

// DefaultGrace is how long after the deadline an answer is still accepted: the page saves the last
// answer as the timer hits zero, and that request must not be lost to network latency.
const DefaultGrace = 30 * time.Second

// Service is the quizzes domain. It is safe for concurrent use; several replicas over one database
// behave like one because every rule that matters under concurrency is enforced by the database.
type Service struct {
	db    *database.DB
	now   func() time.Time
	log   *slog.Logger
	grace time.Duration

	// Question versions never change once written (editing makes a new row), so their grading keys
	// can be cached for the life of the process without invalidation.
	questions sync.Map // int -> *ent.Question

	// Attempts in progress with their frozen papers, for SaveAnswer (see attemptForSave).
	openMu sync.Mutex
	open   map[int]*ent.Attempt

	pool    startCache[[]ruleDraw] // the questions each quiz's rules may draw (see cachedPools)
	quizzes startCache[*startQuiz] // the quizzes being started (see startingQuiz)
	// A start's read of the person's attempts and its insert, gathered with other starts' (batcher).
	attemptsRead   *batcher[attemptsKey, []*ent.Attempt]
	attemptsInsert *batcher[*ent.AttemptCreate, *ent.Attempt]

	// OnGraded, when set (by the training package), is called after an attempt is fully graded, so
	// that programs requiring the quiz re-evaluate the person at once.
	OnGraded func(ctx context.Context, personID, quizID int)
}

// New makes a Service. now is the clock (nil means time.Now); log may be nil.
func New(db *database.DB, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Service{db: db, now: now, log: log, grace: DefaultGrace, open: map[int]*ent.Attempt{}}
	s.pool.ttl, s.quizzes.ttl = poolTTL, quizTTL
	s.initBatchers()
	return s
}

// SetGrace changes how long answers are accepted after the deadline.
func (s *Service) SetGrace(d time.Duration) { s.grace = d }

// clock returns the current time in UTC at microsecond precision, the precision MySQL's datetime(6)
// keeps, so that a time written and read back compares equal on both databases.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// client is the ent client.
func (s *Service) client() *ent.Client { return s.db.Client }
