package quizzes

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"peixun/ent"
	"peixun/ent/attempt"
	"peixun/fault"
)

// SaveResult tells the page what happened to an answer.
type SaveResult struct {
	Saved bool // false when a newer answer (higher seq) was already saved: nothing to do
	// In practice mode the right answer is shown at once.
	Correct     *bool
	Answer      []string
	Explanation string
}

// SaveAnswer records a response as it is given. It is idempotent and the answer with the highest seq
// wins, whatever order requests arrive in. The write is one conditional upsert: it only lands while
// the attempt is in progress and before its deadline plus grace, so a save racing a submit can never
// be half counted. Objective kinds are graded here, so that submitting is a sum.
func (s *Service) SaveAnswer(ctx context.Context, attemptID, personID, questionID int, response []string, seq int) (SaveResult, error) {
	// Whose attempt it is comes first, so that another person learns nothing from validation errors.
	a, err := s.attemptForSave(ctx, attemptID)
	if ent.IsNotFound(err) || (err == nil && a.PersonID != personID) {
		return SaveResult{}, fault.NotFoundf("attempt")
	}
	if err != nil {
		return SaveResult{}, fmt.Errorf("loading attempt %d: %w", attemptID, err)
	}
	if seq < 1 {
		return SaveResult{}, fault.Field("seq", "answer.seq_invalid", "got", seq)
	}
	if len(response) > maxOptions+maxAccepted {
		return SaveResult{}, fault.Field("response", "answer.too_many_parts", "max", maxOptions+maxAccepted)
	}
	for _, r := range response {
		if utf8.RuneCountInString(r) > maxStem {
			return SaveResult{}, fault.Field("response", "answer.too_long", "max", maxStem)
		}
	}
	if err := s.refuseClosed(ctx, a); err != nil {
		return SaveResult{}, err
	}
	paper := a.Paper
	var item *PaperItem
	for i := range paper {
		if paper[i].QuestionID == questionID {
			item = &paper[i]
		}
	}
	if item == nil {
		return SaveResult{}, fault.Field("question_id", "answer.question_not_on_paper", "id", questionID)
	}
	q, err := s.version(ctx, questionID)
	if err != nil {
		return SaveResult{}, err
	}
	response = nonEmpty(response)
	if (item.Kind == KindSingle || item.Kind == KindTrueFalse) && len(response) > 1 {
		return SaveResult{}, fault.Field("response", "answer.one_choice_only", "got", len(response))
	}
	if item.Kind == KindSingle || item.Kind == KindMultiple {
		for _, r := range response {
			if i := optionIndex(r); i < 0 || i >= len(q.Options) {
				return SaveResult{}, fault.Field("response", "answer.not_an_option", "answer", r)
			}
		}
	}
	fraction, final := Grade(item.Kind, q.Answer, response, item.Partial)
	var points *float64
	if final {
		p := fraction * item.Points
		points = &p
	}
	correct := final && fraction == 1
	respJSON, _ := json.Marshal(response) // []string always marshals
	now := s.clock()
	n, err := s.upsertAnswer(ctx, a, questionID, string(respJSON), seq, points, item.Points, correct, now)
	if err != nil {
		return SaveResult{}, fmt.Errorf("saving answer to question %d of attempt %d: %w", questionID, attemptID, err)
	}
	if n == 0 {
		// Either a newer answer is already there (fine: nothing to do) or the attempt closed
		// between our read and the write: read again to tell which.
		a, err = s.client().Attempt.Get(ctx, attemptID)
		if err != nil {
			return SaveResult{}, fmt.Errorf("reloading attempt %d: %w", attemptID, err)
		}
		if err := s.refuseClosed(ctx, a); err != nil {
			return SaveResult{}, err
		}
		if a.Deadline != nil && now.After(a.Deadline.Add(s.grace)) {
			return SaveResult{}, fault.New(fault.Conflict, "attempt.deadline_passed")
		}
		return SaveResult{Saved: false}, nil
	}
	res := SaveResult{Saved: true}
	if item.Feedback && final {
		res.Correct, res.Answer, res.Explanation = &correct, q.Answer, q.Explanation
	}
	return res, nil
}

// attemptForSave returns the attempt an answer is saved into. An attempt in progress is cached: its
// person, paper and deadline never change, and whether it is still open is checked again by the
// saving statement itself (a closed attempt changes no row and is then read afresh), so a save is
// one statement on the database instead of a read and a write.
func (s *Service) attemptForSave(ctx context.Context, id int) (*ent.Attempt, error) {
	s.openMu.Lock()
	a, ok := s.open[id]
	s.openMu.Unlock()
	if ok {
		return a, nil
	}
	a, err := s.client().Attempt.Get(ctx, id)
	if err != nil || a.Status != attempt.StatusInProgress {
		return a, err
	}
	s.rememberOpen(a)
	return a, nil
}

// rememberOpen caches an attempt in progress, with its frozen paper, for the saves to come. A new
// attempt is remembered as it is started, so that the first answer of each of a bureau's thousands
// of attempts does not read it back.
func (s *Service) rememberOpen(a *ent.Attempt) {
	s.openMu.Lock()
	defer s.openMu.Unlock()
	if len(s.open) > 50000 {
		clear(s.open)
	}
	s.open[a.ID] = a
}

// refuseClosed returns the error for saving into an attempt that no longer takes answers, submitting
// it on the way when its time is up.
func (s *Service) refuseClosed(ctx context.Context, a *ent.Attempt) error {
	if a.Status != attempt.StatusInProgress {
		return fault.New(fault.Conflict, "attempt.already_submitted")
	}
	if s.expired(a) {
		if _, err := s.finalize(ctx, a.ID, nil); err != nil {
			return err
		}
		return fault.New(fault.Conflict, "attempt.deadline_passed")
	}
	return nil
}

// upsertAnswer is the single statement that saves an answer; it returns the rows it changed (0 when
// the attempt is closed or the answer is older than the one saved).
func (s *Service) upsertAnswer(ctx context.Context, a *ent.Attempt, questionID int, response string, seq int, points *float64, max float64, correct bool, now time.Time) (int64, error) {
	const insert = `INSERT INTO answers (attempt_id, question_id, response, seq, points, max_points, correct, saved_at)
SELECT ?, ?, ?, ?, ?, ?, ?, ? FROM attempts
WHERE id = ? AND status = 'in_progress' AND (deadline IS NULL OR deadline >= ?)`
	var query string
	if s.db.IsMySQL() {
		// Assignments run left to right, so seq, which the others compare against, comes last.
		query = insert + ` ON DUPLICATE KEY UPDATE
 response = IF(VALUES(seq) > answers.seq, VALUES(response), answers.response),
 points = IF(VALUES(seq) > answers.seq, VALUES(points), answers.points),
 correct = IF(VALUES(seq) > answers.seq, VALUES(correct), answers.correct),
 saved_at = IF(VALUES(seq) > answers.seq, VALUES(saved_at), answers.saved_at),
 seq = GREATEST(answers.seq, VALUES(seq))`
	} else {
		query = insert + ` ON CONFLICT (attempt_id, question_id) DO UPDATE SET
 response = excluded.response, points = excluded.points, correct = excluded.correct,
 saved_at = excluded.saved_at, seq = excluded.seq
 WHERE excluded.seq > answers.seq`
	}
	cutoff := s.clock().Add(-s.grace)
	res, err := s.db.SQL.ExecContext(ctx, query, a.ID, questionID, response, seq, points, max, correct, now, a.ID, cutoff)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
