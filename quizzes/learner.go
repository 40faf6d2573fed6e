package quizzes

import (
	"context"
	"fmt"
	"strings"

	"peixun/ent"
	"peixun/ent/attempt"
	"peixun/ent/quiz"
	"peixun/fault"
)

// PersonalOwner returns the person a personal quiz (wrong-question practice) belongs to, or 0 for a
// quiz open to everyone.
func PersonalOwner(q *ent.Quiz) int {
	for _, r := range q.Rules {
		if v, ok := r["for_person"].(float64); ok && v > 0 {
			return int(v)
		}
	}
	return 0
}

// visible tells whether a learner may see and start the quiz now: published, inside its window, and
// either open to everyone or the learner's own personal quiz.
func (s *Service) visible(q *ent.Quiz, personID int) bool {
	now := s.clock()
	if q.Status != quiz.StatusPublished {
		return false
	}
	if q.OpensAt != nil && now.Before(*q.OpensAt) {
		return false
	}
	if q.ClosesAt != nil && !now.Before(*q.ClosesAt) {
		return false
	}
	owner := PersonalOwner(q)
	return owner == 0 || owner == personID
}

// LearnerQuiz returns a quiz as a learner may see it; a quiz they may not see is "not found", so that
// drafts and other people's personal quizzes are not revealed.
func (s *Service) LearnerQuiz(ctx context.Context, quizID, personID int) (*ent.Quiz, error) {
	q, err := s.Quiz(ctx, quizID)
	if err != nil {
		return nil, err
	}
	if !s.visible(q, personID) {
		return nil, fault.NotFoundf("quiz")
	}
	return q, nil
}

// LearnerQuizRow is a quiz on the learner's list with their own record at it.
type LearnerQuizRow struct {
	Quiz       *ent.Quiz
	Personal   bool
	Attempts   int      // closed and open attempts so far
	Best       *float64 // best score of a closed attempt
	Passed     bool     // any attempt passed
	InProgress int      // id of the attempt in progress, 0 when none
	Left       int      // attempts left; -1 when unlimited
}

// LearnerQuizzes lists the quizzes the person may take now, newest first, with their best score.
func (s *Service) LearnerQuizzes(ctx context.Context, personID int) ([]LearnerQuizRow, error) {
	list, err := s.client().Quiz.Query().Where(quiz.StatusEQ(quiz.StatusPublished)).Order(ent.Desc(quiz.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing quizzes for person %d: %w", personID, err)
	}
	atts, err := s.client().Attempt.Query().Where(attempt.PersonID(personID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing attempts of person %d: %w", personID, err)
	}
	byQuiz := map[int][]*ent.Attempt{}
	for _, a := range atts {
		byQuiz[a.QuizID] = append(byQuiz[a.QuizID], a)
	}
	var out []LearnerQuizRow
	for _, q := range list {
		if !s.visible(q, personID) {
			continue
		}
		row := LearnerQuizRow{Quiz: q, Personal: PersonalOwner(q) != 0, Left: -1}
		for _, a := range byQuiz[q.ID] {
			row.Attempts++
			switch {
			case a.Status == attempt.StatusInProgress && !s.expired(a):
				row.InProgress = a.ID
			case a.Status != attempt.StatusInProgress:
				if row.Best == nil || a.Score > *row.Best {
					sc := a.Score
					row.Best = &sc
				}
				row.Passed = row.Passed || a.Passed
			}
		}
		if q.Mode != quiz.ModePractice && q.AttemptsAllowed > 0 {
			row.Left = max(q.AttemptsAllowed-row.Attempts, 0)
		}
		out = append(out, row)
	}
	return out, nil
}

// TrainerQuizzes lists the quizzes trainers manage: every quiz except the personal practice quizzes
// learners make from their wrong-question books.
func (s *Service) TrainerQuizzes(ctx context.Context, status string) ([]*ent.Quiz, error) {
	all, err := s.Quizzes(ctx, status)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, q := range all {
		if PersonalOwner(q) == 0 {
			out = append(out, q)
		}
	}
	return out, nil
}

// QuizResultsIn lists the closed attempts of a quiz by people of units whose path starts with
// scopePath ("/" for everyone): a manager sees the results of their own subtree only.
func (s *Service) QuizResultsIn(ctx context.Context, quizID int, scopePath string) ([]ResultRow, error) {
	if scopePath == "" {
		return nil, fault.ForbiddenErr()
	}
	all, err := s.QuizResults(ctx, quizID)
	if err != nil || scopePath == "/" {
		return all, err
	}
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT p.id FROM persons p JOIN units u ON u.id = p.unit_id WHERE u.path LIKE ?`,
		strings.Trim(scopePath, "%_")+"%") // paths are digits and slashes
	if err != nil {
		return nil, fmt.Errorf("listing people in %s: %w", scopePath, err)
	}
	defer rows.Close()
	in := map[int]bool{}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		in[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := all[:0]
	for _, r := range all {
		if in[r.PersonID] {
			out = append(out, r)
		}
	}
	return out, nil
}
