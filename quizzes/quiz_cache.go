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

// startingQuiz returns a quiz for starting an attempt: from the cache when read less than quizTTL ago
// and not changed since in this process, else from the database (once for all the starts that miss
// together). Pages that show or edit a quiz read it with Quiz.
func (s *Service) startingQuiz(ctx context.Context, id int) (*ent.Quiz, error) {
	return s.quizzes.get(ctx, strconv.Itoa(id), func(ctx context.Context) (*ent.Quiz, error) { return s.Quiz(ctx, id) })
}
