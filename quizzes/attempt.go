package quizzes

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"peixun/ent"
	"peixun/ent/answer"
	"peixun/ent/attempt"
	"peixun/ent/quiz"
	"peixun/fault"
)

// Attempt statuses.
const (
	StatusInProgress = "in_progress"
	StatusSubmitted  = "submitted" // waiting for a trainer to grade short answers
	StatusGraded     = "graded"
)

// activeKey is the value of attempt.active_key while an attempt is in progress: its unique index
// lets the database, not the application, guarantee one attempt in progress per person and quiz.
func activeKey(quizID, personID int) string {
	return strconv.Itoa(quizID) + ":" + strconv.Itoa(personID)
}

// Start begins an attempt, or returns the one already in progress (resuming after a closed tab, a
// crash or a restart). Two concurrent starts give one attempt: the second insert violates the unique
// active_key and returns the first attempt.
func (s *Service) Start(ctx context.Context, quizID, personID int) (*ent.Attempt, error) {
	q, err := s.startingQuiz(ctx, quizID)
	if err != nil {
		return nil, err
	}
	a, _, err := s.begin(ctx, q, personID, false)
	return a, err
}

// StartAsLearner starts or resumes the person's attempt as the learner's page and API do, and returns
// it as the learner sees it. A quiz they may not see (a draft, outside its window, another person's
// practice) is "not found", but an attempt already in progress is always resumed.
func (s *Service) StartAsLearner(ctx context.Context, quizID, personID int) (*AttemptView, error) {
	q, err := s.startingQuiz(ctx, quizID)
	if err != nil {
		return nil, err
	}
	a, fresh, err := s.begin(ctx, q, personID, true)
	if err != nil {
		return nil, err
	}
	saved := map[int]*ent.Answer{}
	if !fresh { // a new attempt has no answers yet: skip the read
		if saved, err = s.SavedAnswers(ctx, a.ID); err != nil {
			return nil, err
		}
	}
	return s.view(ctx, a, q.Quiz, false, saved)
}

// begin starts or resumes the person's attempt at a loaded quiz, and tells whether the attempt is new
// (false: one in progress was resumed). With hide set, a quiz the person may not see is "not found"
// rather than a conflict that names its state. A whole bureau starts an exam in the same minute, so a
// new attempt costs two statements: one read of the person's attempts at the quiz and one insert,
// each shared with the other starts arriving at the same moment (start_batch.go).
func (s *Service) begin(ctx context.Context, q *startQuiz, personID int, hide bool) (*ent.Attempt, bool, error) {
	// One read gives both the attempt to resume and the number of attempts taken.
	mine, err := s.attemptsRead.do(ctx, attemptsKey{quizID: q.ID, personID: personID})
	if err != nil {
		return nil, false, err
	}
	for _, a := range mine {
		if a.Status != attempt.StatusInProgress {
			continue
		}
		if !s.expired(a) {
			open, err := s.client().Attempt.Get(ctx, a.ID)
			if err != nil {
				return nil, false, fmt.Errorf("loading attempt %d: %w", a.ID, err)
			}
			return open, false, nil
		}
		if _, err := s.finalize(ctx, a.ID, nil); err != nil {
			return nil, false, err
		}
	}
	if hide && !s.visible(q.Quiz, personID) {
		return nil, false, fault.NotFoundf("quiz")
	}
	if owner := PersonalOwner(q.Quiz); owner != 0 && owner != personID {
		return nil, false, fault.NotFoundf("quiz") // another person's wrong-question practice
	}
	now := s.clock()
	if q.Status != quiz.StatusPublished {
		return nil, false, fault.New(fault.Conflict, "quiz.not_published")
	}
	if q.OpensAt != nil && now.Before(*q.OpensAt) {
		return nil, false, fault.New(fault.Conflict, "quiz.not_open").With("opens_at", *q.OpensAt)
	}
	if q.ClosesAt != nil && !now.Before(*q.ClosesAt) {
		return nil, false, fault.New(fault.Conflict, "quiz.closed").With("closes_at", *q.ClosesAt)
	}
	done := len(mine)
	if q.Mode != quiz.ModePractice && q.AttemptsAllowed > 0 && done >= q.AttemptsAllowed {
		return nil, false, fault.New(fault.Conflict, "quiz.no_attempts_left").With("allowed", q.AttemptsAllowed)
	}
	paper, err := s.newPaper(ctx, q, rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
	if err != nil {
		return nil, false, fmt.Errorf("drawing a paper for quiz %d: %w", q.ID, err)
	}
	var deadline *time.Time
	if q.TimeLimitSeconds > 0 {
		d := now.Add(time.Duration(q.TimeLimitSeconds) * time.Second)
		deadline = &d
	}
	if q.ClosesAt != nil && (deadline == nil || q.ClosesAt.Before(*deadline)) {
		d := q.ClosesAt.UTC()
		deadline = &d
	}
	a, err := s.insertAttempt(ctx, q.Quiz, personID, done+1, paper, now, deadline)
	if ent.IsConstraintError(err) {
		// Someone (another tab, another replica) started it a moment ago: resume theirs.
		a, err2 := s.current(ctx, q.ID, personID)
		if err2 == nil && a != nil {
			return a, false, nil
		}
	}
	if err != nil {
		return nil, false, err
	}
	s.rememberOpen(a)
	return a, true, nil
}

// insertAttempt writes the attempt with its frozen paper: one row. Answer rows are written as answers
// are given; the questions left unanswered get their row (0 points) when the attempt is closed.
func (s *Service) insertAttempt(ctx context.Context, q *ent.Quiz, personID, number int, paper []PaperItem, now time.Time, deadline *time.Time) (*ent.Attempt, error) {
	c := s.client().Attempt.Create().SetQuizID(q.ID).SetPersonID(personID).SetNumber(number).SetPaper(paper).
		SetStartedAt(now).SetActiveKey(activeKey(q.ID, personID))
	if deadline != nil {
		// duration_seconds starts as the whole allowance: an attempt submitted by the schedule at its
		// deadline then already holds the right duration, without per-attempt date arithmetic in SQL.
		c.SetDeadline(*deadline).SetDurationSeconds(int(deadline.Sub(now) / time.Second))
	}
	var max float64
	for _, it := range paper {
		max += it.Points
	}
	a, err := s.attemptsInsert.do(ctx, c.SetMaxScore(max))
	if err != nil {
		return nil, fmt.Errorf("starting attempt at quiz %d: %w", q.ID, err)
	}
	return a, nil
}

// current returns the person's attempt in progress at the quiz, or nil. An attempt whose deadline
// (plus grace) has passed is submitted on the spot: the schedule does the same, this is the lazy path.
func (s *Service) current(ctx context.Context, quizID, personID int) (*ent.Attempt, error) {
	a, err := s.client().Attempt.Query().Where(attempt.ActiveKey(activeKey(quizID, personID))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("finding attempt in progress of person %d at quiz %d: %w", personID, quizID, err)
	}
	if s.expired(a) {
		if _, err := s.finalize(ctx, a.ID, nil); err != nil {
			return nil, err
		}
		return nil, nil
	}
	return a, nil
}

// Current returns the person's attempt in progress at the quiz, or nil when there is none.
func (s *Service) Current(ctx context.Context, quizID, personID int) (*ent.Attempt, error) {
	return s.current(ctx, quizID, personID)
}

// expired tells whether an attempt in progress is past its deadline and grace.
func (s *Service) expired(a *ent.Attempt) bool {
	return a.Status == attempt.StatusInProgress && a.Deadline != nil && s.clock().After(a.Deadline.Add(s.grace))
}

// Attempt returns an attempt of the person (submitting it first if its time is up). personID 0 skips
// the ownership check, for trainers.
func (s *Service) Attempt(ctx context.Context, id, personID int) (*ent.Attempt, error) {
	a, err := s.client().Attempt.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("attempt")
	}
	if err != nil {
		return nil, fmt.Errorf("loading attempt %d: %w", id, err)
	}
	if personID != 0 && a.PersonID != personID {
		return nil, fault.NotFoundf("attempt") // not "forbidden": do not reveal that it exists
	}
	if s.expired(a) {
		if _, err := s.finalize(ctx, a.ID, nil); err != nil {
			return nil, err
		}
		return s.client().Attempt.Get(ctx, id)
	}
	return a, nil
}

// SavedAnswers returns the attempt's answers by question id.
func (s *Service) SavedAnswers(ctx context.Context, attemptID int) (map[int]*ent.Answer, error) {
	list, err := s.client().Answer.Query().Where(answer.AttemptID(attemptID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading answers of attempt %d: %w", attemptID, err)
	}
	m := make(map[int]*ent.Answer, len(list))
	for _, a := range list {
		m[a.QuestionID] = a
	}
	return m, nil
}
