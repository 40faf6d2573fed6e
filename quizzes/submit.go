package quizzes

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"peixun/database"
	"peixun/ent"
	"peixun/ent/answer"
	"peixun/ent/attempt"
	"peixun/fault"
)

// gradeSet is the SET clause that closes attempts: the score is the sum of the points saved with each
// answer (objective kinds are graded as they are saved), an attempt with an ungraded short answer
// waits in "submitted" for a trainer, and passed needs a final grade at or above the pass score.
// Every expression is correlated on the attempt row, so one statement closes one attempt or
// thousands alike, on SQLite and MySQL.
const gradeSet = `
 status = CASE WHEN EXISTS (SELECT 1 FROM answers p WHERE p.attempt_id = attempts.id AND p.points IS NULL)
   THEN 'submitted' ELSE 'graded' END,
 score = (SELECT COALESCE(SUM(s.points), 0) FROM answers s WHERE s.attempt_id = attempts.id),
 passed = CASE WHEN NOT EXISTS (SELECT 1 FROM answers p WHERE p.attempt_id = attempts.id AND p.points IS NULL)
   AND (SELECT COALESCE(SUM(s.points), 0) FROM answers s WHERE s.attempt_id = attempts.id) + 0.000001 >=
       (SELECT q.pass_score FROM quizs q WHERE q.id = attempts.quiz_id)
   THEN 1 ELSE 0 END`

// Submit hands in the person's attempt and grades it. A double click, a second tab or a retry is
// harmless: only the first call changes the attempt (the UPDATE is conditional on in_progress), the
// others return the graded attempt.
func (s *Service) Submit(ctx context.Context, attemptID, personID int) (*ent.Attempt, error) {
	a, err := s.Attempt(ctx, attemptID, personID) // submits it already if its time is up
	if err != nil {
		return nil, err
	}
	if a.Status == attempt.StatusInProgress {
		now := s.clock()
		if _, err := s.finalize(ctx, a.ID, &now); err != nil {
			return nil, err
		}
	}
	return s.client().Attempt.Get(ctx, attemptID)
}

// closeTries bounds the retries of closing statements that lost a lock to another transaction: at
// the end of an exam thousands of neighbouring attempts close in the same seconds.
const closeTries = 5

// finalize closes and grades one attempt if it is still in progress, and tells whether this call
// did it. at nil means "by the clock": the attempt is closed at its deadline.
//
// The questions left unanswered get their 0-point rows first, then one statement closes and grades
// the attempt. They are not one transaction on purpose: the closing UPDATE reads the answers with
// shared locks that reach into the next attempt's rows, and a transaction that then inserted rows
// deadlocked with its neighbours closing at the same time. Both steps are idempotent, so a crash
// between them leaves an attempt in progress whose unanswered rows are already there, which a save
// overwrites and the next close skips.
func (s *Service) finalize(ctx context.Context, attemptID int, at *time.Time) (bool, error) {
	a, err := s.client().Attempt.Get(ctx, attemptID)
	if err != nil {
		return false, fmt.Errorf("loading attempt %d: %w", attemptID, err)
	}
	if a.Status != attempt.StatusInProgress {
		return false, nil
	}
	if err := s.fillUnanswered(ctx, a); err != nil {
		return false, err
	}
	var n int64
	err = database.Retry(ctx, closeTries, func() error {
		var res sql.Result
		var err error
		if at == nil {
			res, err = s.db.SQL.ExecContext(ctx, `UPDATE attempts SET `+gradeSet+`,
 active_key = NULL, submitted_at = deadline WHERE id = ? AND status = 'in_progress'`, attemptID)
		} else {
			dur := int(at.Sub(a.StartedAt) / time.Second)
			res, err = s.db.SQL.ExecContext(ctx, `UPDATE attempts SET `+gradeSet+`,
 active_key = NULL, submitted_at = ?, duration_seconds = ? WHERE id = ? AND status = 'in_progress'`, *at, dur, attemptID)
		}
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("submitting attempt %d: %w", attemptID, err)
	}
	if n == 1 {
		s.log.Info("attempt submitted", "attempt", attemptID, "by_clock", at == nil)
		s.graded(ctx, attemptID)
	}
	return n == 1, nil
}

// fillUnanswered writes a 0-point answer row for every question of the attempts' papers that has
// none, leaving the answers given untouched (a save always carries a higher seq than the 0 of these
// rows). Grading does not need them (a missing row adds nothing to the sum and is not waiting for a
// trainer); item statistics and the wrong-question book do. Rows go in key order, attempt by
// attempt, a statement per chunk, so that fills of neighbouring attempts take their locks in the
// same order.
func (s *Service) fillUnanswered(ctx context.Context, attempts ...*ent.Attempt) error {
	type row struct {
		attempt int
		item    PaperItem
	}
	var rows []row
	for _, a := range attempts {
		for _, it := range a.Paper {
			rows = append(rows, row{a.ID, it})
		}
	}
	slices.SortFunc(rows, func(x, y row) int {
		return cmp.Or(cmp.Compare(x.attempt, y.attempt), cmp.Compare(x.item.QuestionID, y.item.QuestionID))
	})
	now := s.clock()
	for chunk := range slices.Chunk(rows, 500) {
		err := database.Retry(ctx, closeTries, func() error {
			return s.client().Answer.MapCreateBulk(chunk, func(c *ent.AnswerCreate, i int) {
				c.SetAttemptID(chunk[i].attempt).SetQuestionID(chunk[i].item.QuestionID).SetMaxPoints(chunk[i].item.Points).
					SetPoints(0).SetCorrect(false).SetSavedAt(now)
			}).OnConflictColumns(answer.FieldAttemptID, answer.FieldQuestionID).DoNothing().Exec(ctx)
		})
		if err != nil {
			return fmt.Errorf("recording unanswered questions of attempt %d: %w", chunk[0].attempt, err)
		}
	}
	return nil
}

// graded tells OnGraded about attempts that are now fully graded, so that the programs requiring
// their quiz are re-evaluated at once. Attempts still waiting for a trainer are told later, by
// GradeManually.
func (s *Service) graded(ctx context.Context, attemptIDs ...int) {
	if s.OnGraded == nil || len(attemptIDs) == 0 {
		return
	}
	done, err := s.client().Attempt.Query().Where(attempt.IDIn(attemptIDs...), attempt.StatusEQ(attempt.StatusGraded)).All(ctx)
	if err != nil {
		s.log.Error("reading graded attempts", "error", err.Error())
		return
	}
	for _, a := range done {
		s.OnGraded(ctx, a.PersonID, a.QuizID)
	}
}

// SubmitExpired submits and grades every attempt whose deadline and grace have passed, in one
// statement, after recording their unanswered questions (see finalize for why the two are apart);
// the scheduler calls it every minute. It returns how many attempts it closed.
func (s *Service) SubmitExpired(ctx context.Context) (int, error) {
	cutoff := s.clock().Add(-s.grace)
	// The attempts that match now are the only ones the UPDATE can close: deadlines do not move and
	// a closed attempt never reopens.
	expired, err := s.client().Attempt.Query().Where(attempt.StatusEQ(attempt.StatusInProgress),
		attempt.DeadlineNotNil(), attempt.DeadlineLT(cutoff)).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("finding expired attempts: %w", err)
	}
	if len(expired) == 0 {
		return 0, nil
	}
	if err := s.fillUnanswered(ctx, expired...); err != nil {
		return 0, err
	}
	var n int64
	err = database.Retry(ctx, closeTries, func() error {
		res, err := s.db.SQL.ExecContext(ctx, `UPDATE attempts SET `+gradeSet+`,
 active_key = NULL, submitted_at = deadline
 WHERE status = 'in_progress' AND deadline IS NOT NULL AND deadline < ?`, cutoff)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("submitting expired attempts: %w", err)
	}
	if n > 0 {
		s.log.Info("expired attempts submitted", "count", n)
		ids := make([]int, len(expired))
		for i, a := range expired {
			ids[i] = a.ID
		}
		s.graded(ctx, ids...)
	}
	return int(n), nil
}

// GradeManually records a trainer's points for a short answer (or overrides any grade) and
// regrades the attempt; when no answer is left to grade the attempt becomes "graded".
func (s *Service) GradeManually(ctx context.Context, attemptID, questionID int, points float64) (*ent.Attempt, error) {
	tx, err := s.client().Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("grading attempt %d: %w", attemptID, err)
	}
	defer tx.Rollback()
	a, err := tx.Attempt.Get(ctx, attemptID)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("attempt")
	}
	if err != nil {
		return nil, fmt.Errorf("grading attempt %d: %w", attemptID, err)
	}
	if a.Status == attempt.StatusInProgress {
		return nil, fault.New(fault.Conflict, "attempt.not_submitted")
	}
	ans, err := tx.Answer.Query().Where(answer.AttemptID(attemptID), answer.QuestionID(questionID)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fault.Field("question_id", "answer.question_not_on_paper", "id", questionID)
	}
	if err != nil {
		return nil, fmt.Errorf("grading attempt %d: %w", attemptID, err)
	}
	if points < 0 || points > ans.MaxPoints {
		return nil, fault.Field("points", "answer.points_range", "min", 0, "max", ans.MaxPoints, "got", points)
	}
	if err := tx.Answer.UpdateOne(ans).SetPoints(points).SetCorrect(points >= ans.MaxPoints).Exec(ctx); err != nil {
		return nil, fmt.Errorf("grading answer %d: %w", ans.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE attempts SET `+gradeSet+` WHERE id = ?`, attemptID); err != nil {
		return nil, fmt.Errorf("regrading attempt %d: %w", attemptID, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("grading attempt %d: %w", attemptID, err)
	}
	s.graded(ctx, attemptID)
	return s.client().Attempt.Get(ctx, attemptID)
}

// PendingAnswer is a short answer waiting for a trainer.
type PendingAnswer struct {
	AttemptID  int      `json:"attempt_id"`
	PersonID   int      `json:"person_id"`
	PersonName string   `json:"person_name"`
	QuestionID int      `json:"question_id"`
	Response   []string `json:"response"`
	MaxPoints  float64  `json:"max_points"`
}

// PendingGrading lists the answers of a quiz that wait for manual grading, oldest attempt first.
func (s *Service) PendingGrading(ctx context.Context, quizID int) ([]PendingAnswer, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT a.attempt_id, t.person_id, p.name, a.question_id, a.response, a.max_points
 FROM answers a JOIN attempts t ON t.id = a.attempt_id JOIN persons p ON p.id = t.person_id
 WHERE t.quiz_id = ? AND t.status = 'submitted' AND a.points IS NULL
 ORDER BY t.submitted_at, a.attempt_id, a.question_id`, quizID)
	if err != nil {
		return nil, fmt.Errorf("listing answers to grade for quiz %d: %w", quizID, err)
	}
	defer rows.Close()
	var out []PendingAnswer
	for rows.Next() {
		var p PendingAnswer
		var resp []byte
		if err := rows.Scan(&p.AttemptID, &p.PersonID, &p.PersonName, &p.QuestionID, &resp, &p.MaxPoints); err != nil {
			return nil, fmt.Errorf("listing answers to grade for quiz %d: %w", quizID, err)
		}
		_ = json.Unmarshal(resp, &p.Response) // written by SaveAnswer as a JSON array
		out = append(out, p)
	}
	return out, rows.Err()
}
