package quizzes

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"peixun/database"
	"peixun/database/dbtest"
	"peixun/ent"
	"peixun/fault"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newService(t testing.TB) (*Service, *database.DB, *testClock) {
	t.Helper()
	db := dbtest.Open(t)
	clk := &testClock{t: time.Date(2021, 6, 1, 2, 0, 0, 0, time.UTC)}
	return New(db, clk.Now, nil), db, clk
}

var seqNames int

// newPerson creates a unit (when unitID is 0) and a person in it, directly with ent, as the
// accounts service is written in parallel.
func newPerson(t testing.TB, db *database.DB, unitID int) *ent.Person {
	t.Helper()
	ctx := context.Background()
	seqNames++
	if unitID == 0 {
		u, err := db.Client.Unit.Create().SetName(fmt.Sprintf("中队%d", seqNames)).SetCode(fmt.Sprintf("U%d", seqNames)).Save(ctx)
		if err != nil {
			t.Fatalf("creating unit: %v", err)
		}
		unitID = u.ID
	}
	p, err := db.Client.Person.Create().SetUsername(fmt.Sprintf("p%d", seqNames)).SetName(fmt.Sprintf("人员%d", seqNames)).SetUnitID(unitID).Save(ctx)
	if err != nil {
		t.Fatalf("creating person: %v", err)
	}
	return p
}

func mustCategory(t testing.TB, s *Service, name string, parent int) int {
	t.Helper()
	c, err := s.CreateCategory(context.Background(), name, parent)
	if err != nil {
		t.Fatalf("creating category %s: %v", name, err)
	}
	return c.ID
}

func mustQuestion(t testing.TB, s *Service, in QuestionInput) *ent.Question {
	t.Helper()
	q, err := s.CreateQuestion(context.Background(), in, 0)
	if err != nil {
		t.Fatalf("creating question %q: %v", in.Stem, err)
	}
	return q
}

// singles adds n single-choice questions (answer A) to a category.
func singles(t testing.TB, s *Service, cat, n int) []*ent.Question {
	var qs []*ent.Question
	for i := range n {
		qs = append(qs, mustQuestion(t, s, QuestionInput{CategoryID: cat, Kind: KindSingle,
			Stem: fmt.Sprintf("单选题 %d-%d", cat, i), Options: []string{"对的", "错的", "也错"}, Answer: []string{"A"}}))
	}
	return qs
}

func mustQuiz(t testing.TB, s *Service, in QuizInput) *ent.Quiz {
	t.Helper()
	in.Publish = true
	q, err := s.CreateQuiz(context.Background(), in, 0)
	if err != nil {
		t.Fatalf("creating quiz: %v", err)
	}
	return q
}

// wantFault checks that err is a fault with the code (and the field, when given).
func wantFault(t testing.TB, err error, code, field string) *fault.Error {
	t.Helper()
	f, ok := fault.As(err)
	if !ok {
		t.Fatalf("want fault %s, got %v", code, err)
	}
	if f.Code != code || (field != "" && f.Field != field) {
		t.Fatalf("want fault %s on %q, got %s on %q (%v)", code, field, f.Code, f.Field, err)
	}
	return f
}

func dbtestCount(t testing.TB, db *database.DB, query string) int {
	return dbtest.Count(t, db.SQL, query)
}
