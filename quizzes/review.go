package quizzes

import (
	"context"
	"fmt"
	"time"

	"peixun/ent"
	"peixun/ent/attempt"
	"peixun/ent/quiz"
)

// PaperQuestion is a question as the page shows it: options in the attempt's order, each with the
// letter the page sends back (the letter of the option in the question, whatever its position).
type PaperQuestion struct {
	QuestionID int
	Kind       string
	Stem       string
	Points     float64
	Options    []PaperOption
	Response   []string
	Seq        int
	Saved      bool // an answer has been saved
	// Filled only when the review policy allows it.
	Answer      []string
	Explanation string
	Earned      *float64
	Correct     *bool
}

// PaperOption is an option in display order.
type PaperOption struct {
	Key  string
	Text string
}

// AttemptView is an attempt as the learner (or a trainer) sees it.
type AttemptView struct {
	Attempt     *ent.Attempt
	Quiz        *ent.Quiz
	Questions   []PaperQuestion
	ShowAnswers bool
	ShowScore   bool
	TimeLeft    time.Duration // 0 when there is no deadline
}

// ViewAttempt renders an attempt for its owner (personID) or, with trainer set, for a trainer. The
// quiz's review policy decides whether a learner sees the right answers: after submitting, after
// the window closes (after submitting when the quiz has no closing time), or never. Trainers always
// see them once the attempt is closed; nobody sees them during the attempt.
func (s *Service) ViewAttempt(ctx context.Context, attemptID, personID int, trainer bool) (*AttemptView, error) {
	owner := personID
	if trainer {
		owner = 0
	}
	a, err := s.Attempt(ctx, attemptID, owner)
	if err != nil {
		return nil, err
	}
	q, err := s.Quiz(ctx, a.QuizID)
	if err != nil {
		return nil, err
	}
	saved, err := s.SavedAnswers(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, a, q, trainer, saved)
}

// view builds what ViewAttempt shows from an attempt, its quiz and its saved answers.
func (s *Service) view(ctx context.Context, a *ent.Attempt, q *ent.Quiz, trainer bool, saved map[int]*ent.Answer) (*AttemptView, error) {
	paper := a.Paper
	now := s.clock()
	closed := a.Status != attempt.StatusInProgress
	v := &AttemptView{Attempt: a, Quiz: q, ShowScore: closed}
	switch {
	case !closed:
	case trainer:
		v.ShowAnswers = true
	case q.Review == quiz.ReviewAfterSubmit:
		v.ShowAnswers = true
	case q.Review == quiz.ReviewAfterClose:
		v.ShowAnswers = q.ClosesAt == nil || !now.Before(*q.ClosesAt)
	}
	if !closed && a.Deadline != nil {
		v.TimeLeft = max(a.Deadline.Sub(now), 0)
	}
	v.Questions = make([]PaperQuestion, 0, len(paper))
	for _, it := range paper {
		qv, err := s.version(ctx, it.QuestionID)
		if err != nil {
			return nil, fmt.Errorf("showing attempt %d: %w", a.ID, err)
		}
		pq := PaperQuestion{QuestionID: it.QuestionID, Kind: it.Kind, Stem: qv.Stem, Points: it.Points}
		order := it.OptionOrder
		if len(order) != len(qv.Options) {
			order = make([]int, len(qv.Options))
			for i := range order {
				order[i] = i
			}
		}
		if len(order) > 0 {
			pq.Options = make([]PaperOption, 0, len(order))
		}
		for _, i := range order {
			pq.Options = append(pq.Options, PaperOption{Key: optionKey(i), Text: qv.Options[i]})
		}
		if ans := saved[it.QuestionID]; ans != nil {
			pq.Response, pq.Seq, pq.Saved = ans.Response, ans.Seq, ans.Seq > 0
			if v.ShowAnswers {
				pq.Earned, pq.Correct = ans.Points, ans.Correct
			}
		}
		if v.ShowAnswers {
			pq.Answer, pq.Explanation = qv.Answer, qv.Explanation
		}
		v.Questions = append(v.Questions, pq)
	}
	return v, nil
}
