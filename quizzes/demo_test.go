package quizzes

import (
	"context"
	"testing"
)

func TestSeedDemoAndPractice(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	if err := SeedDemo(ctx, s, 0); err != nil {
		t.Fatal(err)
	}
	if n := dbtestCount(t, db, "SELECT COUNT(*) FROM questions"); n < 60 {
		t.Fatalf("demo bank has %d questions", n)
	}
	list, err := s.Quizzes(ctx, "published")
	if err != nil || len(list) != 3 {
		t.Fatalf("%d published quizzes: %v", len(list), err)
	}
	// Practice gives feedback at once, and missed questions land in the wrong-question book.
	var practice int
	for _, q := range list {
		if q.Mode == ModePractice {
			practice = q.ID
		}
	}
	p := newPerson(t, db, 0)
	a, err := s.Start(ctx, practice, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	paper := a.Paper
	var first int
	for _, it := range paper {
		if it.Kind == KindTrueFalse {
			first = it.QuestionID
			break
		}
	}
	q, _ := s.Question(ctx, first)
	wrong := "对"
	if q.Answer[0] == "true" {
		wrong = "错"
	}
	res, err := s.SaveAnswer(ctx, a.ID, p.ID, first, []string{wrong}, 1)
	if err != nil || res.Correct == nil || *res.Correct {
		t.Fatalf("practice feedback %+v %v", res, err)
	}
	if _, err := s.Submit(ctx, a.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	book, err := s.WrongBook(ctx, p.ID)
	if err != nil || len(book) != len(paper) { // the other questions were left empty: also wrong
		t.Fatalf("wrong book has %d entries (paper %d): %v", len(book), len(paper), err)
	}
	wq, err := s.PracticeWrongQuestions(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Start(ctx, wq.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	mine, err := s.MyAttempts(ctx, p.ID)
	if err != nil || len(mine) != 2 || mine[1].QuizTitle == "" {
		t.Fatalf("my attempts %+v %v", mine, err)
	}
}
