package quizzes

import (
	"context"
	"math/rand/v2"
	"runtime"
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
	paper := att.Paper
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

// TestStartsDrawFromTheCurrentBank: starts read the rules' pools from a cache, which every change to
// the bank drops, so a retired question is never drawn after it is retired, and a fixed list keeps the
// trainer's order.
func TestStartsDrawFromTheCurrentBank(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	cat := mustCategory(t, s, "法规", 0)
	qs := singles(t, s, cat, 3)
	q := mustQuiz(t, s, QuizInput{Title: "练习", Mode: ModePractice, Rules: []Rule{{Count: 2, Kind: KindSingle, CategoryID: cat, Points: 1}}})
	if _, err := s.Start(ctx, q.ID, newPerson(t, db, 0).ID); err != nil { // fills the cache
		t.Fatal(err)
	}
	if err := s.RetireQuestion(ctx, qs[0].ID); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		a, err := s.Start(ctx, q.ID, newPerson(t, db, 0).ID)
		if err != nil {
			t.Fatal(err)
		}
		paper := a.Paper
		for _, it := range paper {
			if it.QuestionID == qs[0].ID {
				t.Fatalf("start %d drew the retired question %d", i, it.QuestionID)
			}
		}
	}
	// A question added to the bank is drawable at once: retire another, so that the new one must be drawn.
	added := mustQuestion(t, s, QuestionInput{CategoryID: cat, Kind: KindSingle, Stem: "新题", Options: []string{"甲", "乙"}, Answer: []string{"A"}})
	if err := s.RetireQuestion(ctx, qs[1].ID); err != nil {
		t.Fatal(err)
	}
	a, err := s.Start(ctx, q.ID, newPerson(t, db, 0).ID)
	if err != nil {
		t.Fatal(err)
	}
	paper := a.Paper
	got := map[int]bool{}
	for _, it := range paper {
		got[it.QuestionID] = true
	}
	if !got[added.ID] || !got[qs[2].ID] {
		t.Fatalf("paper %v, want questions %d and %d", paper, added.ID, qs[2].ID)
	}

	// A fixed list in the trainer's order (not the order of ids), questions not shuffled.
	fixed := mustQuiz(t, s, QuizInput{Title: "固定", Mode: ModePractice, Rules: []Rule{{QuestionIDs: []int{added.ID, qs[2].ID}, Points: 1}}})
	a, err = s.Start(ctx, fixed.ID, newPerson(t, db, 0).ID)
	if err != nil {
		t.Fatal(err)
	}
	paper = a.Paper
	if len(paper) != 2 || paper[0].QuestionID != added.ID || paper[1].QuestionID != qs[2].ID {
		t.Fatalf("fixed paper %v, want %d then %d", paper, added.ID, qs[2].ID)
	}
}

// sample picks distinct questions outside used, each about equally often, and gives up on a pool too
// small for picking by index.
func TestSampleDrawsEachQuestionAlike(t *testing.T) {
	pool := make([]candidate, 40)
	for i := range pool {
		pool[i] = candidate{ID: 100 + i, LineageID: i + 1, Kind: KindSingle}
	}
	rnd := rand.New(rand.NewPCG(7, 9))
	counts := map[int]int{}
	const rounds, need = 20000, 5
	for range rounds {
		used := map[int]bool{3: true}
		got := sample(pool, need, used, rnd)
		if len(got) != need {
			t.Fatalf("sample gave %d questions, want %d", len(got), need)
		}
		seen := map[int]bool{}
		for _, c := range got {
			if c.LineageID == 3 || seen[c.LineageID] {
				t.Fatalf("sample gave %+v: a used or repeated lineage", got)
			}
			seen[c.LineageID] = true
			counts[c.LineageID]++
		}
		if len(used) != need+1 {
			t.Fatalf("used holds %d lineages after a draw of %d, want %d", len(used), need, need+1)
		}
	}
	want := float64(rounds*need) / 39
	for l := 1; l <= 40; l++ {
		if l == 3 {
			continue
		}
		if c := float64(counts[l]); c < want*0.9 || c > want*1.1 {
			t.Errorf("lineage %d drawn %v times, want about %.0f", l, c, want)
		}
	}
	used := map[int]bool{}
	if got := sample(pool[:12], 4, used, rnd); got != nil || len(used) != 0 {
		t.Errorf("a pool of 12 for 4 questions: got %v with %d used, want nil and none", got, len(used))
	}
}

// Many rules asking for more than a tiny bank holds are refused without the draw first reserving
// room for every question they ask for: a trainer's form can carry thousands of rules.
func TestDrawOfImpossibleRulesStaysSmall(t *testing.T) {
	const rules, count = 20000, 500
	pool := []candidate{{ID: 1, LineageID: 1, Version: 1, Kind: KindSingle}}
	draws := make([]ruleDraw, rules)
	for i := range draws {
		draws[i] = ruleDraw{index: i, rule: Rule{Count: count, Kind: KindSingle, CategoryID: 1, Points: 1}, pool: pool}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := draw(draws, rules, nil)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("a rule of 500 questions drew from a bank of one")
	}
	// Room for the 10 million questions asked for would be hundreds of megabytes; the refusal needs
	// about one megabyte, in proportion to the rules themselves.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("refusing the rules allocated %d bytes", grew)
	}
}
