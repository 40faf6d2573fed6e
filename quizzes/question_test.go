package quizzes

import (
	"context"
	"testing"
)

func TestQuestionValidation(t *testing.T) {
	s, _, _ := newService(t)
	cat := mustCategory(t, s, "题库", 0)
	cases := []struct {
		name  string
		in    QuestionInput
		code  string
		field string
	}{
		{"no kind", QuestionInput{CategoryID: cat, Stem: "x"}, "question.kind_invalid", "kind"},
		{"no stem", QuestionInput{CategoryID: cat, Kind: KindTrueFalse, Answer: []string{"对"}}, "question.stem_required", "stem"},
		{"one option", QuestionInput{CategoryID: cat, Kind: KindSingle, Stem: "x", Options: []string{"a"}, Answer: []string{"A"}}, "question.options_too_few", "options"},
		{"answer not an option", QuestionInput{CategoryID: cat, Kind: KindSingle, Stem: "x", Options: []string{"a", "b"}, Answer: []string{"C"}}, "question.answer_not_an_option", "answer"},
		{"two answers to single", QuestionInput{CategoryID: cat, Kind: KindSingle, Stem: "x", Options: []string{"a", "b"}, Answer: []string{"A", "B"}}, "question.answer_one_option", "answer"},
		{"true_false answer", QuestionInput{CategoryID: cat, Kind: KindTrueFalse, Stem: "x", Answer: []string{"maybe"}}, "question.answer_true_false", "answer"},
		{"fill without answer", QuestionInput{CategoryID: cat, Kind: KindFillBlank, Stem: "x"}, "question.answer_required", "answer"},
		{"difficulty", QuestionInput{CategoryID: cat, Kind: KindTrueFalse, Stem: "x", Answer: []string{"对"}, Difficulty: 6}, "question.difficulty_range", "difficulty"},
		{"duplicate option", QuestionInput{CategoryID: cat, Kind: KindMultiple, Stem: "x", Options: []string{"a", "a"}, Answer: []string{"A"}}, "question.option_duplicate", "options"},
		{"article without statute", QuestionInput{CategoryID: cat, Kind: KindShortAnswer, Stem: "x", Article: "第三条"}, "question.statute_required_with_article", "statute"},
		{"unknown category", QuestionInput{CategoryID: cat + 99, Kind: KindShortAnswer, Stem: "x"}, "category.not_found", "category_id"},
	}
	for _, c := range cases {
		_, err := s.CreateQuestion(context.Background(), c.in, 0)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		wantFault(t, err, c.code, c.field)
	}
}

func TestEditMakesVersionsAndSearch(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newService(t)
	root := mustCategory(t, s, "工作要点", 0)
	child := mustCategory(t, s, "三项制度", root)
	other := mustCategory(t, s, "其他", 0)
	q1 := mustQuestion(t, s, QuestionInput{CategoryID: child, Kind: KindTrueFalse, Stem: "三项制度包括执法公示制度。", Answer: []string{"对"},
		Tags: []string{"三项制度"}, Statute: "《行政处罚法》", Article: "第三十九条", Difficulty: 2})
	mustQuestion(t, s, QuestionInput{CategoryID: other, Kind: KindTrueFalse, Stem: "与三项制度无关的题。", Answer: []string{"错"}})
	v2, err := s.EditQuestion(ctx, q1.ID, QuestionInput{CategoryID: child, Kind: KindTrueFalse, Stem: "三项制度包括行政执法公示制度。",
		Answer: []string{"对"}, Tags: []string{"三项制度"}, Statute: "《行政处罚法》", Difficulty: 2}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if v2.LineageID != q1.ID || v2.Version != 2 {
		t.Fatalf("new version lineage %d version %d", v2.LineageID, v2.Version)
	}
	if old, _ := s.Question(ctx, q1.ID); old.Status != "superseded" {
		t.Fatalf("old version status %s", old.Status)
	}
	if _, err := s.EditQuestion(ctx, q1.ID, inputOf(v2), 0); err == nil {
		t.Fatal("a superseded version was edited")
	}
	cases := []struct {
		name string
		f    QuestionFilter
		want int
	}{
		{"text", QuestionFilter{Text: "三项制度"}, 2},
		{"subtree", QuestionFilter{CategoryID: root}, 1},
		{"tag", QuestionFilter{Tag: "三项制度"}, 1},
		{"statute", QuestionFilter{Statute: "行政处罚法"}, 1},
		{"difficulty", QuestionFilter{Difficulty: 2}, 1},
		{"kind", QuestionFilter{Kind: KindSingle}, 0},
		{"all versions", QuestionFilter{Status: "all", Text: "三项制度包括"}, 2},
		{"page size", QuestionFilter{PerPage: 1}, 1},
	}
	for _, c := range cases {
		page, err := s.SearchQuestions(ctx, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(page.Questions) != c.want {
			t.Errorf("%s: %d questions, want %d", c.name, len(page.Questions), c.want)
		}
	}
	if err := s.RetireQuestion(ctx, v2.ID); err != nil {
		t.Fatal(err)
	}
	if page, _ := s.SearchQuestions(ctx, QuestionFilter{CategoryID: root}); page.Total != 0 {
		t.Fatalf("retired question still listed")
	}
}
