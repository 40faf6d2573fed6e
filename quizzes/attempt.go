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
	if a, err := s.current(ctx, quizID, personID); err != nil || a != nil {
		return a, err
	}
	q, err := s.Quiz(ctx, quizID)
	if err != nil {
		return nil, err
	}
	if owner := PersonalOwner(q); owner != 0 && owner != personID {
		return nil, fault.NotFoundf("quiz") // another person's wrong-question practice
	}
	now := s.clock()
	if q.Status != quiz.StatusPublished {
		return nil, fault.New(fault.Conflict, "quiz.not_published")
	}
	if q.OpensAt != nil && now.Before(*q.OpensAt) {
		return nil, fault.New(fault.Conflict, "quiz.not_open").With("opens_at", *q.OpensAt)
	}
	if q.ClosesAt != nil && !now.Before(*q.ClosesAt) {
		return nil, fault.New(fault.Conflict, "quiz.closed").With("closes_at", *q.ClosesAt)
	}
	done, err := s.client().Attempt.Query().Where(attempt.QuizID(quizID), attempt.PersonID(personID)).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("counting attempts of person %d at quiz %d: %w", personID, quizID, err)
	}
	if q.Mode != quiz.ModePractice && q.AttemptsAllowed > 0 && done >= q.AttemptsAllowed {
		return nil, fault.New(fault.Conflict, "quiz.no_attempts_left").With("allowed", q.AttemptsAllowed)
	}
	paper, err := s.newPaper(ctx, q, rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
	if err != nil {
		return nil, fmt.Errorf("drawing a paper for quiz %d: %w", quizID, err)
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
	a, err := s.insertAttempt(ctx, q, personID, done+1, paper, now, deadline)
	if ent.IsConstraintError(err) {
		// Someone (another tab, another replica) started it a moment ago: resume theirs.
		a, err2 := s.current(ctx, quizID, personID)
		if err2 == nil && a != nil {
			return a, nil
		}
	}
	return a, err
}

// insertAttempt writes the attempt and one answer row per question (empty, 0 points, with the
// question's weight) in one transaction, so that unanswered questions count as 0 in statistics.
func (s *Service) insertAttempt(ctx context.Context, q *ent.Quiz, personID, number int, paper []PaperItem, now time.Time, deadline *time.Time) (*ent.Attempt, error) {
	tx, err := s.client().Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting attempt: %w", err)
	}
	defer tx.Rollback()
	c := tx.Attempt.Create().SetQuizID(q.ID).SetPersonID(personID).SetNumber(number).SetPaper(paperJSON(paper)).
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
	a, err := c.SetMaxScore(max).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting attempt at quiz %d: %w", q.ID, err)
	}
	err = tx.Answer.MapCreateBulk(paper, func(ac *ent.AnswerCreate, i int) {
		ac.SetAttemptID(a.ID).SetQuestionID(paper[i].QuestionID).SetMaxPoints(paper[i].Points).
			SetPoints(0).SetCorrect(false).SetSavedAt(now)
	}).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("preparing answers of attempt %d: %w", a.ID, err)
	}
	return a, tx.Commit()
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
