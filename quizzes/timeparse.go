package quizzes

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"peixun/ent"
	"peixun/ent/question"
	"peixun/fault"
)

// anyTime reads a time from raw SQL: drivers give time.Time for plain columns, but SQLite gives the
// stored text for aggregates such as MAX(submitted_at).
func anyTime(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t.UTC()
	case []byte:
		return parseTimeText(string(t))
	case string:
		return parseTimeText(t)
	}
	return time.Time{}
}

func parseTimeText(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// currentVersion returns the active version of a lineage, or the given version when none is active
// (the question was retired).
func (s *Service) currentVersion(ctx context.Context, lineage, fallback int) (*ent.Question, error) {
	q, err := s.client().Question.Query().Where(question.LineageID(lineage), question.StatusEQ(question.StatusActive)).First(ctx)
	if ent.IsNotFound(err) {
		return s.Question(ctx, fallback)
	}
	if err != nil {
		return nil, fmt.Errorf("loading current version of question %d: %w", lineage, err)
	}
	return q, nil
}

func sortByLastMiss(w []WrongQuestion) {
	sort.SliceStable(w, func(i, j int) bool { return w[i].LastMiss.After(w[j].LastMiss) })
}

func faultNothingToPractise() error { return fault.New(fault.Conflict, "quiz.wrong_book_empty") }
