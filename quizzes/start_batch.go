package quizzes

import (
	"context"
	"fmt"

	"peixun/ent"
	"peixun/ent/attempt"
)

// The two statements of a start, each gathered with the same statement of other starts arriving at
// the same time (see batcher): the read of the person's attempts at the quiz, and the insert of the
// new attempt.

// attemptsKey is a person at a quiz.
type attemptsKey struct{ quizID, personID int }

func (s *Service) initBatchers() {
	// A read returns a few rows per person.
	s.attemptsRead = &batcher[attemptsKey, []*ent.Attempt]{maxFlights: 4, maxBatch: 500, run: s.readAttempts}
	// A paper is about a kilobyte of JSON: 200 rows make an INSERT of a few hundred kilobytes.
	s.attemptsInsert = &batcher[*ent.AttemptCreate, *ent.Attempt]{maxFlights: 4, maxBatch: 200, run: s.insertAttempts}
}

// readAttempts reads the attempts (status and deadline) of the people at their quizzes: one query
// per quiz in the batch, which in an exam is one.
func (s *Service) readAttempts(ctx context.Context, keys []attemptsKey) []result[[]*ent.Attempt] {
	out := make([]result[[]*ent.Attempt], len(keys))
	byQuiz := map[int][]int{} // quiz -> indexes of keys
	for i, k := range keys {
		byQuiz[k.quizID] = append(byQuiz[k.quizID], i)
	}
	for quizID, idx := range byQuiz {
		people := make([]int, len(idx))
		for j, i := range idx {
			people[j] = keys[i].personID
		}
		as, err := s.client().Attempt.Query().Where(attempt.QuizID(quizID), attempt.PersonIDIn(people...)).
			Select(attempt.FieldPersonID, attempt.FieldStatus, attempt.FieldDeadline).All(ctx)
		if err != nil {
			err = fmt.Errorf("reading attempts of %d people at quiz %d: %w", len(people), quizID, err)
		}
		mine := map[int][]*ent.Attempt{}
		for _, a := range as {
			mine[a.PersonID] = append(mine[a.PersonID], a)
		}
		for _, i := range idx {
			out[i] = result[[]*ent.Attempt]{v: mine[keys[i].personID], err: err}
		}
	}
	return out
}

// insertAttempts writes new attempts in one statement, or one by one when that fails: a batch fails
// whole when one row conflicts (a second tab starting the same attempt), and that row must fail
// alone.
func (s *Service) insertAttempts(ctx context.Context, creates []*ent.AttemptCreate) []result[*ent.Attempt] {
	out := make([]result[*ent.Attempt], len(creates))
	if len(creates) > 1 {
		as, err := s.client().Attempt.CreateBulk(creates...).Save(ctx)
		if err == nil {
			for i, a := range as {
				out[i].v = a
			}
			return out
		}
	}
	for i, c := range creates {
		a, err := c.Save(ctx)
		if err != nil {
			err = fmt.Errorf("inserting attempt: %w", err)
		}
		out[i] = result[*ent.Attempt]{v: a, err: err}
	}
	return out
}
