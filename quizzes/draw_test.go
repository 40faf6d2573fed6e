package quizzes

import (
	"context"
	"testing"
)

func TestDrawRules(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	a := mustCategory(t, s, "法规", 0)
	b := mustCategory(t, s, "行政处罚法", a)
	singles(t, s, a, 3)
	inB := singles(t, s, b, 4)
	mustQuestion(t, s, QuestionInput{CategoryID: b, Kind: KindTrueFalse, Stem: "判断", Answer: []string{"对"}, Difficulty: 5})

	refused := []struct {
		name       string
		rules      []Rule
		field      string
		needs, has int
	}{
		{"too many in subtree", []Rule{{Count: 8, Kind: KindSingle, CategoryID: a, Points: 1}}, "rules[0]", 8, 7},
		{"too many in child", []Rule{{Count: 5, Kind: KindSingle, CategoryID: b, Points: 1}}, "rules[0]", 5, 4},
		{"overlap", []Rule{{Count: 4, Kind: KindSingle, CategoryID: a, Points: 1}, {Count: 4, Kind: KindSingle, CategoryID: b, Points: 1}}, "rules[0]", 4, 3},
		{"difficulty", []Rule{{Count: 1, Kind: KindTrueFalse, CategoryID: a, Difficulty: 4, Points: 1}}, "rules[0]", 1, 0},
	}
	for _, c := range refused {
		_, err := s.CreateQuiz(ctx, QuizInput{Title: c.name, Rules: c.rules}, 0)
		f := wantFault(t, err, "quiz.rule_unsatisfiable", c.field)
		if f.Args["needs"] != c.needs || f.Args["has"] != c.has {
			t.Errorf("%s: args %v, want needs %d has %d", c.name, f.Args, c.needs, c.has)
		}
	}
	// The narrow rule is drawn first, so 4 from the child and 3 more from the whole tree fit exactly.
	q := mustQuiz(t, s, QuizInput{Title: "组卷", Rules: []Rule{
		{Count: 3, Kind: KindSingle, CategoryID: a, Points: 2},
		{Count: 4, Kind: KindSingle, CategoryID: b, Points: 3},
	}})
	// A fixed question is drawn first and leaves its pool: 3 + 4 more singles need 7 of the 6 left.
	_, err := s.CreateQuiz(ctx, QuizInput{Title: "x", Rules: []Rule{{Count: 3, Kind: KindSingle, CategoryID: a, Points: 2},
		{Count: 4, Kind: KindSingle, CategoryID: b, Points: 3}, {QuestionIDs: []int{inB[0].ID}, Points: 5}}}, 0)
	wantFault(t, err, "quiz.rule_unsatisfiable", "")
	if q.ID == 0 || db == nil {
		t.Fatal("no quiz")
	}
}

func TestDrawPaper(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	a := mustCategory(t, s, "法规", 0)
	b := mustCategory(t, s, "行政处罚法", a)
	singles(t, s, a, 3)
	singles(t, s, b, 4)
	tf := mustQuestion(t, s, QuestionInput{CategoryID: b, Kind: KindTrueFalse, Stem: "判断", Answer: []string{"对"}, Difficulty: 5})
	q := mustQuiz(t, s, QuizInput{Title: "组卷", Mode: ModeExam, ShuffleOptions: true, Rules: []Rule{
		{Count: 3, Kind: KindSingle, CategoryID: a, Points: 2},
		{Count: 4, Kind: KindSingle, CategoryID: b, Points: 3},
		{QuestionIDs: []int{tf.ID}, Points: 5},
	}})
	p := newPerson(t, db, 0)
	att, err := s.Start(ctx, q.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	paper, _ := ParsePaper(att)
	seen := map[int]bool{}
	fromB := 0
	for _, it := range paper {
		if seen[it.QuestionID] {
			t.Fatalf("question %d drawn twice", it.QuestionID)
		}
		seen[it.QuestionID] = true
		v, _ := s.Question(ctx, it.QuestionID)
		if v.CategoryID == b && it.Kind == KindSingle {
			fromB++
		}
		if it.Kind == KindSingle && len(it.OptionOrder) != 3 {
			t.Fatalf("option order %v", it.OptionOrder)
		}
	}
	if len(paper) != 8 || att.MaxScore != 3*2+4*3+5 || fromB != 4 {
		t.Fatalf("paper of %d questions, max %v, %d singles from the child", len(paper), att.MaxScore, fromB)
	}
	if _, err := s.CreateQuiz(ctx, QuizInput{Title: "x", Rules: []Rule{{QuestionIDs: []int{tf.ID}, Points: 1},
		{Count: 1, Kind: KindTrueFalse, CategoryID: a, Points: 1}}}, 0); err == nil {
		t.Fatal("the only true/false question was drawn by two rules")
	}
}
