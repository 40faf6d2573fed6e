package quizzes

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"peixun/ent"
	"peixun/ent/quiz"
	"peixun/fault"
)

// Quiz modes.
const (
	ModePractice    = "practice"
	ModeExam        = "exam"
	ModeCompetition = "competition"
)

// Review policies: when a learner may see the right answers of a submitted attempt.
const (
	ReviewAfterSubmit = "after_submit"
	ReviewAfterClose  = "after_close"
	ReviewNever       = "never"
)

// Rule draws part of a paper: either a fixed list of questions (QuestionIDs), or Count questions of
// Kind from the category CategoryID and its sub-categories, optionally of one Difficulty. Each
// question drawn is worth Points.
type Rule struct {
	QuestionIDs []int   `json:"question_ids,omitempty"`
	Count       int     `json:"count,omitempty"`
	Kind        string  `json:"kind,omitempty"`
	CategoryID  int     `json:"category_id,omitempty"`
	Difficulty  int     `json:"difficulty,omitempty"`
	Points      float64 `json:"points"`
	// ForPerson marks a personal quiz (practice over one person's wrong-question book): only that
	// person sees it or may start it. It is stored with the rules so that no column is needed.
	ForPerson int `json:"for_person,omitempty"`
}

// size is how many questions the rule puts on a paper.
func (r Rule) size() int {
	if len(r.QuestionIDs) > 0 {
		return len(r.QuestionIDs)
	}
	return r.Count
}

// QuizInput is a quiz definition as a trainer edits it.
type QuizInput struct {
	Title            string
	Description      string
	Mode             string
	Rules            []Rule
	TimeLimit        time.Duration // 0: none
	PassScore        float64       // in points, on the same scale as the score
	AttemptsAllowed  int           // 0: unlimited
	OpensAt          *time.Time
	ClosesAt         *time.Time
	ShuffleQuestions bool
	ShuffleOptions   bool
	PartialCredit    bool
	Review           string // default after_submit
	Publish          bool   // publish now (otherwise a draft)
	ForPerson        int    // a personal quiz, seen and taken only by this person (0: everyone)
}

func (in *QuizInput) validate() error {
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		return fault.Field("title", "quiz.title_required")
	}
	if utf8.RuneCountInString(in.Title) > 200 {
		return fault.Field("title", "quiz.title_too_long", "max", 200)
	}
	if in.Mode == "" {
		in.Mode = ModeExam
	}
	if !slices.Contains([]string{ModePractice, ModeExam, ModeCompetition}, in.Mode) {
		return fault.Field("mode", "quiz.mode_invalid", "mode", in.Mode)
	}
	if in.Review == "" {
		in.Review = ReviewAfterSubmit
	}
	if !slices.Contains([]string{ReviewAfterSubmit, ReviewAfterClose, ReviewNever}, in.Review) {
		return fault.Field("review", "quiz.review_invalid", "review", in.Review)
	}
	if in.TimeLimit < 0 || in.TimeLimit > 24*time.Hour {
		return fault.Field("time_limit", "quiz.time_limit_range", "max_hours", 24)
	}
	if in.AttemptsAllowed < 0 {
		return fault.Field("attempts_allowed", "quiz.attempts_negative")
	}
	if in.OpensAt != nil && in.ClosesAt != nil && !in.ClosesAt.After(*in.OpensAt) {
		return fault.Field("closes_at", "quiz.window_inverted")
	}
	if len(in.Rules) == 0 {
		return fault.Field("rules", "quiz.rules_required")
	}
	total := 0.0
	for i, r := range in.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		if r.Points <= 0 || r.Points > 1000 {
			return fault.Field(field+".points", "quiz.rule_points_range", "rule", i+1, "got", r.Points)
		}
		if len(r.QuestionIDs) == 0 {
			if r.Count <= 0 || r.Count > 500 {
				return fault.Field(field+".count", "quiz.rule_count_range", "rule", i+1, "got", r.Count)
			}
			if !slices.Contains(Kinds, r.Kind) {
				return fault.Field(field+".kind", "quiz.rule_kind_invalid", "rule", i+1, "kind", r.Kind)
			}
			if r.CategoryID == 0 {
				return fault.Field(field+".category_id", "quiz.rule_category_required", "rule", i+1)
			}
			if r.Difficulty < 0 || r.Difficulty > 5 {
				return fault.Field(field+".difficulty", "question.difficulty_range", "min", 1, "max", 5, "got", r.Difficulty)
			}
		}
		total += r.Points * float64(r.size())
	}
	if in.PassScore < 0 || in.PassScore > total {
		return fault.Field("pass_score", "quiz.pass_score_range", "max", total, "got", in.PassScore)
	}
	return nil
}

// CreateQuiz saves a new quiz after checking that its rules can be satisfied by the bank now.
func (s *Service) CreateQuiz(ctx context.Context, in QuizInput, authorID int) (*ent.Quiz, error) {
	if err := s.checkQuiz(ctx, &in); err != nil {
		return nil, err
	}
	c := s.client().Quiz.Create().SetCreatedBy(authorID)
	applyQuiz(c.Mutation(), in)
	q, err := c.Save(ctx)
	s.quizChanged()
	if err != nil {
		return nil, fmt.Errorf("creating quiz %q: %w", in.Title, err)
	}
	return q, nil
}

// UpdateQuiz changes a quiz. Attempts already started keep their frozen papers.
func (s *Service) UpdateQuiz(ctx context.Context, id int, in QuizInput) (*ent.Quiz, error) {
	if err := s.checkQuiz(ctx, &in); err != nil {
		return nil, err
	}
	u := s.client().Quiz.UpdateOneID(id)
	applyQuiz(u.Mutation(), in)
	if in.OpensAt == nil {
		u.ClearOpensAt()
	}
	if in.ClosesAt == nil {
		u.ClearClosesAt()
	}
	q, err := u.Save(ctx)
	s.quizChanged()
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("quiz")
	}
	if err != nil {
		return nil, fmt.Errorf("updating quiz %d: %w", id, err)
	}
	return q, nil
}

// SetQuizStatus publishes, unpublishes (draft) or archives a quiz.
func (s *Service) SetQuizStatus(ctx context.Context, id int, status string) error {
	if !slices.Contains([]string{"draft", "published", "archived"}, status) {
		return fault.Field("status", "quiz.status_invalid", "status", status)
	}
	if status == "published" {
		q, err := s.Quiz(ctx, id)
		if err != nil {
			return err
		}
		rules, err := QuizRules(q)
		if err != nil {
			return err
		}
		if err := s.checkRules(ctx, rules); err != nil {
			return err
		}
	}
	err := s.client().Quiz.UpdateOneID(id).SetStatus(quiz.Status(status)).Exec(ctx)
	s.quizChanged()
	if ent.IsNotFound(err) {
		return fault.NotFoundf("quiz")
	}
	if err != nil {
		return fmt.Errorf("setting status of quiz %d: %w", id, err)
	}
	return nil
}

// Quiz returns a quiz.
func (s *Service) Quiz(ctx context.Context, id int) (*ent.Quiz, error) {
	q, err := s.client().Quiz.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("quiz")
	}
	if err != nil {
		return nil, fmt.Errorf("loading quiz %d: %w", id, err)
	}
	return q, nil
}

// Quizzes lists quizzes, newest first; status "" means every status.
func (s *Service) Quizzes(ctx context.Context, status string) ([]*ent.Quiz, error) {
	q := s.client().Quiz.Query().Order(ent.Desc(quiz.FieldID))
	if status != "" {
		q.Where(quiz.StatusEQ(quiz.Status(status)))
	}
	list, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing quizzes: %w", err)
	}
	return list, nil
}

// QuizRules decodes the draw rules stored with a quiz.
func QuizRules(q *ent.Quiz) ([]Rule, error) {
	b, err := json.Marshal(q.Rules)
	if err != nil {
		return nil, fmt.Errorf("reading rules of quiz %d: %w", q.ID, err)
	}
	var rules []Rule
	if err := json.Unmarshal(b, &rules); err != nil {
		return nil, fmt.Errorf("reading rules of quiz %d: %w", q.ID, err)
	}
	return rules, nil
}

func (s *Service) checkQuiz(ctx context.Context, in *QuizInput) error {
	if err := in.validate(); err != nil {
		return err
	}
	return s.checkRules(ctx, in.Rules)
}

// quizMutation is what QuizCreate and QuizUpdateOne have in common.
type quizMutation interface {
	SetTitle(string)
	SetDescription(string)
	SetMode(quiz.Mode)
	SetRules([]map[string]any)
	SetTimeLimitSeconds(int)
	SetPassScore(float64)
	SetAttemptsAllowed(int)
	SetOpensAt(time.Time)
	SetClosesAt(time.Time)
	SetShuffleQuestions(bool)
	SetShuffleOptions(bool)
	SetPartialCredit(bool)
	SetReview(quiz.Review)
	SetStatus(quiz.Status)
}

func applyQuiz(m quizMutation, in QuizInput) {
	for i := range in.Rules {
		in.Rules[i].ForPerson = in.ForPerson
	}
	m.SetTitle(in.Title)
	m.SetDescription(strings.TrimSpace(in.Description))
	m.SetMode(quiz.Mode(in.Mode))
	m.SetRules(rulesJSON(in.Rules))
	m.SetTimeLimitSeconds(int(in.TimeLimit / time.Second))
	m.SetPassScore(in.PassScore)
	m.SetAttemptsAllowed(in.AttemptsAllowed)
	if in.OpensAt != nil {
		m.SetOpensAt(in.OpensAt.UTC())
	}
	if in.ClosesAt != nil {
		m.SetClosesAt(in.ClosesAt.UTC())
	}
	m.SetShuffleQuestions(in.ShuffleQuestions)
	m.SetShuffleOptions(in.ShuffleOptions)
	m.SetPartialCredit(in.PartialCredit)
	m.SetReview(quiz.Review(in.Review))
	if in.Publish {
		m.SetStatus(quiz.StatusPublished)
	} else {
		m.SetStatus(quiz.StatusDraft)
	}
}

func rulesJSON(rules []Rule) []map[string]any {
	b, _ := json.Marshal(rules) // plain structs always marshal
	var out []map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}
