package quizzes

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"peixun/ent"
	"peixun/ent/question"
	"peixun/fault"
)

// QuestionInput is what a trainer (or an import) gives for a question.
//
// Answer holds, by kind: single: one option letter ("B"); multiple: the right letters ("A","C");
// true_false: "true" or "false" (对/错 are accepted); fill_blank: every accepted answer; short_answer:
// an optional reference answer shown to the grader.
type QuestionInput struct {
	CategoryID  int
	Kind        string
	Stem        string
	Options     []string
	Answer      []string
	Explanation string
	Difficulty  int // 1-5; 0 means 3
	Tags        []string
	Statute     string // e.g. 《行政处罚法》
	Article     string // e.g. 第三十三条
}

// Limits of a question's fields.
const (
	maxStem     = 5000
	maxOptions  = 10
	maxOption   = 1000
	maxTags     = 10
	maxTag      = 30
	maxAccepted = 20
)

// normalizeInput trims the input and brings answers to their canonical form; validate checks it.
func (in *QuestionInput) normalizeInput() {
	in.Kind = strings.TrimSpace(in.Kind)
	in.Stem = strings.TrimSpace(in.Stem)
	in.Explanation = strings.TrimSpace(in.Explanation)
	in.Statute = strings.TrimSpace(in.Statute)
	in.Article = strings.TrimSpace(in.Article)
	if in.Difficulty == 0 {
		in.Difficulty = 3
	}
	for i := range in.Options {
		in.Options[i] = strings.TrimSpace(in.Options[i])
	}
	var tags []string
	for _, t := range in.Tags {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	in.Tags = tags
	var ans []string
	for _, a := range in.Answer {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		switch in.Kind {
		case KindSingle, KindMultiple:
			if i := optionIndex(a); i >= 0 {
				a = optionKey(i)
			}
		case KindTrueFalse:
			if v, ok := trueFalse(a); ok {
				a = v
			}
		}
		if !slices.Contains(ans, a) {
			ans = append(ans, a)
		}
	}
	if in.Kind == KindMultiple {
		slices.Sort(ans)
	}
	in.Answer = ans
}

// validate checks every field and names the first one at fault. The category is checked by the
// caller, because imports validate questions before any category exists.
func (in *QuestionInput) validate() error {
	if !slices.Contains(Kinds, in.Kind) {
		return fault.Field("kind", "question.kind_invalid", "kind", in.Kind)
	}
	if in.Stem == "" {
		return fault.Field("stem", "question.stem_required")
	}
	if n := utf8.RuneCountInString(in.Stem); n > maxStem {
		return fault.Field("stem", "question.stem_too_long", "max", maxStem, "got", n)
	}
	choice := in.Kind == KindSingle || in.Kind == KindMultiple
	switch {
	case choice && len(in.Options) < 2:
		return fault.Field("options", "question.options_too_few", "min", 2, "got", len(in.Options))
	case choice && len(in.Options) > maxOptions:
		return fault.Field("options", "question.options_too_many", "max", maxOptions, "got", len(in.Options))
	case !choice && len(in.Options) > 0:
		return fault.Field("options", "question.options_not_allowed", "kind", in.Kind)
	}
	for i, o := range in.Options {
		if o == "" {
			return fault.Field("options", "question.option_empty", "option", optionKey(i))
		}
		if utf8.RuneCountInString(o) > maxOption {
			return fault.Field("options", "question.option_too_long", "option", optionKey(i), "max", maxOption)
		}
		if slices.Index(in.Options, o) != i {
			return fault.Field("options", "question.option_duplicate", "option", optionKey(i))
		}
	}
	switch in.Kind {
	case KindSingle, KindMultiple:
		if len(in.Answer) == 0 {
			return fault.Field("answer", "question.answer_required")
		}
		if in.Kind == KindSingle && len(in.Answer) != 1 {
			return fault.Field("answer", "question.answer_one_option", "got", len(in.Answer))
		}
		for _, a := range in.Answer {
			if i := optionIndex(a); i < 0 || i >= len(in.Options) {
				return fault.Field("answer", "question.answer_not_an_option", "answer", a, "options", len(in.Options))
			}
		}
	case KindTrueFalse:
		if len(in.Answer) != 1 || (in.Answer[0] != "true" && in.Answer[0] != "false") {
			return fault.Field("answer", "question.answer_true_false", "answer", strings.Join(in.Answer, ","))
		}
	case KindFillBlank:
		if len(in.Answer) == 0 {
			return fault.Field("answer", "question.answer_required")
		}
		if len(in.Answer) > maxAccepted {
			return fault.Field("answer", "question.answer_too_many", "max", maxAccepted)
		}
	case KindShortAnswer:
		if len(in.Answer) > 1 {
			return fault.Field("answer", "question.answer_one_reference", "got", len(in.Answer))
		}
	}
	if in.Difficulty < 1 || in.Difficulty > 5 {
		return fault.Field("difficulty", "question.difficulty_range", "min", 1, "max", 5, "got", in.Difficulty)
	}
	if len(in.Tags) > maxTags {
		return fault.Field("tags", "question.tags_too_many", "max", maxTags)
	}
	for _, t := range in.Tags {
		if utf8.RuneCountInString(t) > maxTag || strings.ContainsAny(t, `"\`) {
			return fault.Field("tags", "question.tag_invalid", "tag", t, "max", maxTag)
		}
	}
	if utf8.RuneCountInString(in.Statute) > 100 {
		return fault.Field("statute", "question.statute_too_long", "max", 100)
	}
	if utf8.RuneCountInString(in.Article) > 50 {
		return fault.Field("article", "question.article_too_long", "max", 50)
	}
	if in.Article != "" && in.Statute == "" {
		return fault.Field("statute", "question.statute_required_with_article")
	}
	return nil
}

// CreateQuestion adds a question as version 1 of a new lineage (the lineage id is its own id).
func (s *Service) CreateQuestion(ctx context.Context, in QuestionInput, authorID int) (*ent.Question, error) {
	in.normalizeInput()
	if err := in.validate(); err != nil {
		return nil, err
	}
	if _, err := s.categoryPath(ctx, in.CategoryID, "category_id"); err != nil {
		return nil, err
	}
	tx, err := s.client().Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("creating question: %w", err)
	}
	defer tx.Rollback()
	q, err := insertQuestion(ctx, tx.Client(), in, authorID, 0, 1)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("creating question: %w", err)
	}
	s.bankChanged()
	return q, nil
}

// insertQuestion writes one version; lineage 0 starts a new lineage named after the new row.
func insertQuestion(ctx context.Context, c *ent.Client, in QuestionInput, authorID, lineage, version int) (*ent.Question, error) {
	cr := c.Question.Create().SetCategoryID(in.CategoryID).SetKind(question.Kind(in.Kind)).
		SetStem(in.Stem).SetOptions(in.Options).SetAnswer(in.Answer).SetExplanation(in.Explanation).
		SetDifficulty(in.Difficulty).SetTags(in.Tags).SetStatute(in.Statute).SetArticle(in.Article).
		SetLineageID(lineage).SetVersion(version)
	if authorID != 0 {
		cr.SetCreatedBy(authorID)
	}
	q, err := cr.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("saving question: %w", err)
	}
	if lineage == 0 {
		if q, err = c.Question.UpdateOne(q).SetLineageID(q.ID).Save(ctx); err != nil {
			return nil, fmt.Errorf("setting lineage of question %d: %w", q.ID, err)
		}
	}
	return q, nil
}

// EditQuestion saves a new version of the question: same lineage, version+1; the edited version
// becomes "superseded" so it is no longer drawn, but attempts that showed it keep pointing at it.
// Only the current (active) version may be edited, so two trainers editing at once cannot fork a
// lineage: the second one gets a conflict.
func (s *Service) EditQuestion(ctx context.Context, id int, in QuestionInput, authorID int) (*ent.Question, error) {
	in.normalizeInput()
	if err := in.validate(); err != nil {
		return nil, err
	}
	if _, err := s.categoryPath(ctx, in.CategoryID, "category_id"); err != nil {
		return nil, err
	}
	tx, err := s.client().Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("editing question %d: %w", id, err)
	}
	defer tx.Rollback()
	old, err := tx.Question.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("question")
	}
	if err != nil {
		return nil, fmt.Errorf("loading question %d: %w", id, err)
	}
	// The conditional update is the lock: only one editor moves the active version to superseded.
	n, err := tx.Question.Update().Where(question.ID(id), question.StatusEQ(question.StatusActive)).
		SetStatus(question.StatusSuperseded).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("superseding question %d: %w", id, err)
	}
	if n == 0 {
		return nil, fault.New(fault.Conflict, "question.not_current").With("id", id, "status", string(old.Status))
	}
	q, err := insertQuestion(ctx, tx.Client(), in, authorID, old.LineageID, old.Version+1)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("editing question %d: %w", id, err)
	}
	s.bankChanged()
	return q, nil
}

// RetireQuestion takes the current version out of the bank: it is no longer drawn or listed, but
// attempts and statistics keep it.
func (s *Service) RetireQuestion(ctx context.Context, id int) error {
	n, err := s.client().Question.Update().Where(question.ID(id), question.StatusEQ(question.StatusActive)).
		SetStatus(question.StatusRetired).Save(ctx)
	if err != nil {
		return fmt.Errorf("retiring question %d: %w", id, err)
	}
	if n == 0 {
		if _, err := s.client().Question.Get(ctx, id); ent.IsNotFound(err) {
			return fault.NotFoundf("question")
		}
		return fault.New(fault.Conflict, "question.not_current").With("id", id)
	}
	s.bankChanged()
	return nil
}

// Question returns one version of a question, with its current status.
func (s *Service) Question(ctx context.Context, id int) (*ent.Question, error) {
	q, err := s.client().Question.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("question")
	}
	if err != nil {
		return nil, fmt.Errorf("loading question %d: %w", id, err)
	}
	return q, nil
}

// version returns a question version from the cache, for grading and papers: its content never
// changes, only its status does, and callers of version must not look at the status.
func (s *Service) version(ctx context.Context, id int) (*ent.Question, error) {
	if q, ok := s.questions.Load(id); ok {
		return q.(*ent.Question), nil
	}
	q, err := s.Question(ctx, id)
	if err != nil {
		return nil, err
	}
	s.questions.Store(id, q)
	return q, nil
}

// cacheVersions reads into the version cache every question of the pools that it does not hold yet.
func (s *Service) cacheVersions(ctx context.Context, draws []ruleDraw) error {
	var missing []int
	for _, d := range draws {
		for _, c := range d.pool {
			if _, ok := s.questions.Load(c.ID); !ok {
				missing = append(missing, c.ID)
			}
		}
	}
	for chunk := range slices.Chunk(missing, 500) {
		qs, err := s.client().Question.Query().Where(question.IDIn(chunk...)).All(ctx)
		if err != nil {
			return fmt.Errorf("reading %d questions for papers: %w", len(chunk), err)
		}
		for _, q := range qs {
			s.questions.Store(q.ID, q)
		}
	}
	return nil
}

// History returns every version of a question's lineage, newest first.
func (s *Service) History(ctx context.Context, id int) ([]*ent.Question, error) {
	q, err := s.Question(ctx, id)
	if err != nil {
		return nil, err
	}
	all, err := s.client().Question.Query().Where(question.LineageID(q.LineageID)).
		Order(ent.Desc(question.FieldVersion)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading versions of question %d: %w", id, err)
	}
	return all, nil
}

// inputOf turns a stored question back into an input, for exports and for editing forms.
func inputOf(q *ent.Question) QuestionInput {
	return QuestionInput{
		CategoryID: q.CategoryID, Kind: string(q.Kind), Stem: q.Stem, Options: q.Options, Answer: q.Answer,
		Explanation: q.Explanation, Difficulty: q.Difficulty, Tags: q.Tags, Statute: q.Statute, Article: q.Article,
	}
}

// InputOf returns a question version as an input, to pre-fill the edit form.
func InputOf(q *ent.Question) QuestionInput { return inputOf(q) }
