package quizzes

import (
	"context"
	"encoding/json"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"peixun/ent"
)

// Papers stored before the paper column was typed (lists of maps, whose keys encoding/json sorts)
// read back the same; a paper written now stores the same keys and values.
func TestStoredPapersReadBack(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	cat := mustCategory(t, s, "法规", 0)
	singles(t, s, cat, 3)
	q := mustQuiz(t, s, QuizInput{Title: "考试", Mode: ModeExam, Publish: true,
		Rules: []Rule{{Count: 2, Kind: KindSingle, CategoryID: cat, Points: 1}}})
	a, err := s.StartAsLearner(ctx, q.ID, newPerson(t, db, 0).ID)
	if err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := db.SQL.QueryRowContext(ctx, "SELECT paper FROM attempts WHERE id = ?", a.Attempt.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	var asMaps []map[string]any
	if err := json.Unmarshal([]byte(stored), &asMaps); err != nil || len(asMaps) != 2 {
		t.Fatalf("stored paper %s: %v", stored, err)
	}
	for _, m := range asMaps {
		for _, k := range []string{"question_id", "version", "kind", "points"} {
			if _, ok := m[k]; !ok {
				t.Errorf("stored paper %s lacks %q", stored, k)
			}
		}
	}

	old := `[{"feedback":true,"kind":"single","option_order":[2,0,1],"partial":true,"points":2.5,"question_id":1,"version":2},` +
		`{"kind":"fill_blank","points":1,"question_id":7,"version":1}]`
	if _, err := db.SQL.ExecContext(ctx, "UPDATE attempts SET paper = ? WHERE id = ?", old, a.Attempt.ID); err != nil {
		t.Fatal(err)
	}
	got, err := db.Client.Attempt.Get(ctx, a.Attempt.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []PaperItem{{QuestionID: 1, Version: 2, Kind: KindSingle, Points: 2.5, OptionOrder: []int{2, 0, 1}, Partial: true, Feedback: true},
		{QuestionID: 7, Version: 1, Kind: KindFillBlank, Points: 1}}
	if !reflect.DeepEqual(got.Paper, want) {
		t.Errorf("old paper read back as %+v, want %+v", got.Paper, want)
	}
}

// A start uses a cached quiz, but never one that this process has changed since.
func TestStartsSeeQuizChanges(t *testing.T) {
	ctx := context.Background()
	s, db, clk := newService(t)
	cat := mustCategory(t, s, "法规", 0)
	singles(t, s, cat, 3)
	in := QuizInput{Title: "考试", Mode: ModeExam, AttemptsAllowed: 1, Rules: []Rule{{Count: 2, Kind: KindSingle, CategoryID: cat, Points: 1}}}
	q := mustQuiz(t, s, in)
	if _, err := s.StartAsLearner(ctx, q.ID, newPerson(t, db, 0).ID); err != nil { // fills the cache
		t.Fatal(err)
	}
	if err := s.SetQuizStatus(ctx, q.ID, "draft"); err != nil {
		t.Fatal(err)
	}
	_, err := s.StartAsLearner(ctx, q.ID, newPerson(t, db, 0).ID)
	wantFault(t, err, "not_found", "")
	_, err = s.Start(ctx, q.ID, newPerson(t, db, 0).ID)
	wantFault(t, err, "quiz.not_published", "")

	in.Publish = true
	closes := clk.Now().Add(-time.Hour)
	in.ClosesAt = &closes
	if _, err := s.UpdateQuiz(ctx, q.ID, in); err != nil {
		t.Fatal(err)
	}
	_, err = s.Start(ctx, q.ID, newPerson(t, db, 0).ID)
	wantFault(t, err, "quiz.closed", "")
	in.ClosesAt = nil
	if _, err := s.UpdateQuiz(ctx, q.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartAsLearner(ctx, q.ID, newPerson(t, db, 0).ID); err != nil {
		t.Fatalf("start after reopening: %v", err)
	}
}

// Starts that arrive together at a cold process read the quiz's questions a few times in all, not
// once per start and question: the first second of an exam used to make thousands of such reads.
func TestColdStartsReadQuestionsOnce(t *testing.T) {
	ctx := context.Background()
	s, db, clk := newService(t)
	cat := mustCategory(t, s, "法规", 0)
	singles(t, s, cat, 12)
	q := mustQuiz(t, s, QuizInput{Title: "考试", Mode: ModeExam, AttemptsAllowed: 1, ShuffleOptions: true, ShuffleQuestions: true,
		Rules: []Rule{{Count: 10, Kind: KindSingle, CategoryID: cat, Points: 1}}})
	people := make([]int, 40)
	for i := range people {
		people[i] = newPerson(t, db, 0).ID
	}

	cold := New(db, clk.Now, nil) // a process that has read nothing yet
	var questionReads, quizReads atomic.Int32
	counter := func(n *atomic.Int32) ent.Interceptor {
		return ent.InterceptFunc(func(next ent.Querier) ent.Querier {
			return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
				n.Add(1)
				return next.Query(ctx, q)
			})
		})
	}
	db.Client.Question.Intercept(counter(&questionReads))
	db.Client.Quiz.Intercept(counter(&quizReads))

	var wg sync.WaitGroup
	errs := make(chan error, len(people))
	for _, id := range people {
		wg.Go(func() {
			v, err := cold.StartAsLearner(ctx, q.ID, id)
			if err == nil && len(v.Questions) != 10 {
				t.Errorf("person %d got %d questions, want 10", id, len(v.Questions))
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// One flight reads the pool and then its versions; a start that misses after the flight ended
	// but before its result was stored may make another (rare, and never once per question).
	if n := questionReads.Load(); n > 4 {
		t.Errorf("%d starts made %d reads of questions, want at most 4", len(people), n)
	}
	if n := quizReads.Load(); n > 2 {
		t.Errorf("%d starts made %d reads of the quiz, want at most 2", len(people), n)
	}
	// Later starts within the quiz's TTL read neither.
	quizReads.Store(0)
	questionReads.Store(0)
	for range 5 {
		if _, err := cold.StartAsLearner(ctx, q.ID, newPerson(t, db, 0).ID); err != nil {
			t.Fatal(err)
		}
	}
	if q, b := quizReads.Load(), questionReads.Load(); q != 0 || b != 0 {
		t.Errorf("5 more starts read the quiz %d times and the questions %d times, want 0 and 0", q, b)
	}
}

// Starts that arrive together are inserted together: every start still gets its own person's
// attempt, with its own id, and a person starting twice at once gets one attempt.
func TestStartsAtOnceGetTheirOwnAttempts(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	cat := mustCategory(t, s, "法规", 0)
	singles(t, s, cat, 5)
	q := mustQuiz(t, s, QuizInput{Title: "考试", Mode: ModeExam, AttemptsAllowed: 1,
		Rules: []Rule{{Count: 5, Kind: KindSingle, CategoryID: cat, Points: 1}}})
	people := make([]int, 80)
	for i := range people {
		people[i] = newPerson(t, db, 0).ID
	}
	type start struct {
		person int
		a      *ent.Attempt
		err    error
	}
	results := make(chan start, 2*len(people))
	var wg sync.WaitGroup
	for _, id := range people {
		for range 2 { // a double click
			wg.Go(func() {
				a, err := s.Start(ctx, q.ID, id)
				results <- start{id, a, err}
			})
		}
	}
	wg.Wait()
	close(results)
	byPerson := map[int]int{}
	for r := range results {
		if r.err != nil {
			t.Fatalf("person %d: %v", r.person, r.err)
		}
		if r.a.PersonID != r.person {
			t.Fatalf("person %d got attempt %d of person %d", r.person, r.a.ID, r.a.PersonID)
		}
		stored, err := db.Client.Attempt.Get(ctx, r.a.ID)
		if err != nil || stored.PersonID != r.person || stored.QuizID != q.ID {
			t.Fatalf("person %d was told attempt %d, stored as %+v (%v)", r.person, r.a.ID, stored, err)
		}
		if prev, ok := byPerson[r.person]; ok && prev != r.a.ID {
			t.Fatalf("person %d got two attempts: %d and %d", r.person, prev, r.a.ID)
		}
		byPerson[r.person] = r.a.ID
	}
	if n := dbtestCount(t, db, "SELECT COUNT(*) FROM attempts"); n != len(people) {
		t.Fatalf("%d attempts stored, want %d", n, len(people))
	}
}
