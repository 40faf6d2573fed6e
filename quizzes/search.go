package quizzes

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent/dialect/sql"

	"peixun/ent"
	"peixun/ent/predicate"
	"peixun/ent/question"
	"peixun/ent/questioncategory"
)

// QuestionFilter selects questions on the bank page. Zero values mean "any".
type QuestionFilter struct {
	Text       string // a substring of the stem
	Kind       string
	CategoryID int // the category and its sub-categories
	Difficulty int
	Statute    string // a substring of the statute, e.g. 行政处罚法
	Tag        string // an exact tag
	Status     string // default "active"; "all" for every version
	Page       int    // from 1
	PerPage    int    // default 20, at most 200
}

// QuestionPage is one page of search results.
type QuestionPage struct {
	Questions []*ent.Question
	Total     int
	Page      int
	PerPage   int
}

// SearchQuestions finds questions by the filter, newest first.
func (s *Service) SearchQuestions(ctx context.Context, f QuestionFilter) (*QuestionPage, error) {
	var ps []predicate.Question
	switch f.Status {
	case "":
		ps = append(ps, question.StatusEQ(question.StatusActive))
	case "all":
	default:
		ps = append(ps, question.StatusEQ(question.Status(f.Status)))
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		ps = append(ps, question.StemContains(t))
	}
	if f.Kind != "" {
		ps = append(ps, question.KindEQ(question.Kind(f.Kind)))
	}
	if f.Difficulty != 0 {
		ps = append(ps, question.Difficulty(f.Difficulty))
	}
	if st := strings.TrimSpace(f.Statute); st != "" {
		ps = append(ps, question.StatuteContains(st))
	}
	if tag := strings.TrimSpace(f.Tag); tag != "" {
		// Tags are a JSON array of strings; finding the quoted element is exact and portable. SQLite
		// keeps the JSON as a BLOB, which LIKE does not match against non-ASCII text: hence the CAST.
		ps = append(ps, predicate.Question(func(sel *sql.Selector) {
			col := sel.C(question.FieldTags)
			sel.Where(sql.P(func(b *sql.Builder) {
				b.WriteString("INSTR(CAST(").WriteString(col).WriteString(" AS CHAR), ").Arg(`"` + tag + `"`).WriteString(") > 0")
			}))
		}))
	}
	if f.CategoryID != 0 {
		path, err := s.categoryPath(ctx, f.CategoryID, "category_id")
		if err != nil {
			return nil, err
		}
		ps = append(ps, inCategoryTree(path))
	}
	if f.PerPage <= 0 {
		f.PerPage = 20
	}
	f.PerPage = min(f.PerPage, 200)
	f.Page = max(f.Page, 1)
	q := s.client().Question.Query().Where(ps...)
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("counting questions: %w", err)
	}
	list, err := q.Order(ent.Desc(question.FieldID)).Limit(f.PerPage).Offset((f.Page - 1) * f.PerPage).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("searching questions: %w", err)
	}
	return &QuestionPage{Questions: list, Total: total, Page: f.Page, PerPage: f.PerPage}, nil
}

// inCategoryTree selects questions whose category lies in the subtree with the given path.
func inCategoryTree(path string) predicate.Question {
	return predicate.Question(func(sel *sql.Selector) {
		t := sql.Table(questioncategory.Table)
		sel.Where(sql.In(sel.C(question.FieldCategoryID),
			sql.Select(t.C(questioncategory.FieldID)).From(t).Where(sql.HasPrefix(t.C(questioncategory.FieldPath), path))))
	})
}
