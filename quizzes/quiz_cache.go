package quizzes

import (
	"context"
	"strconv"
	"time"

	"peixun/ent"
)

// quizTTL bounds how long a start may use a quiz read earlier by this process (see startCache):
// closing or unpublishing a quiz through another server process reaches starts here within it.
const quizTTL = 2 * time.Second

// quizChanged drops every cached quiz; every write to a quiz calls it.
func (s *Service) quizChanged() { s.quizzes.changed() }

// startQuiz is a quiz being started, with its draw rules decoded once for all its starts.
type startQuiz struct {
	*ent.Quiz
	rules    []Rule
	poolsKey string // the rules' key in the pools cache, made once rather than at every start
}

// startingQuiz returns a quiz for starting an attempt: from the cache when read less than quizTTL ago
// and not changed since in this process, else from the database (once for all the starts that miss
// together). Pages that show or edit a quiz read it with Quiz.
func (s *Service) startingQuiz(ctx context.Context, id int) (*startQuiz, error) {
	return s.quizzes.get(ctx, strconv.Itoa(id), func(ctx context.Context) (*startQuiz, error) {
		q, err := s.Quiz(ctx, id)
		if err != nil {
			return nil, err
		}
		rules, err := QuizRules(q)
		if err != nil {
			return nil, err
		}
		key, err := poolsKey(rules)
		if err != nil {
			return nil, err
		}
		return &startQuiz{Quiz: q, rules: rules, poolsKey: key}, nil
	})
}
