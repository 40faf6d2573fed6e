package quizzes

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"peixun/database"
	"peixun/database/dbtest"
	"peixun/ent/attempt"
	"peixun/fault"
)

// examFixture builds a bank with one question of every kind and an exam over it.
func examFixture(t *testing.T, s *Service, limit time.Duration) (quizID int, qs map[string]int) {
	t.Helper()
	cat := mustCategory(t, s, "法治", 0)
	qs = map[string]int{}
	for _, in := range []QuestionInput{
		{Kind: KindSingle, Stem: "非现场执法案件数占比目标?", Options: []string{"30%以上", "50%以上", "80%以上"}, Answer: []string{"B"}},
		{Kind: KindMultiple, Stem: "三项制度包括?", Options: []string{"公示", "全过程记录", "法制审核", "罚没"}, Answer: []string{"A", "B", "C"}},
		{Kind: KindTrueFalse, Stem: "轮训任务完成率目标为100%。", Answer: []string{"对"}},
		{Kind: KindFillBlank, Stem: "“一案一审”由____委员会落实。", Answer: []string{"案审", "案件审查"}},
		{Kind: KindShortAnswer, Stem: "简述行政执法公示制度。"},
	} {
		in.CategoryID = cat
		qs[in.Kind] = mustQuestion(t, s, in).ID
	}
	q := mustQuiz(t, s, QuizInput{Title: "期中考试", Mode: ModeExam, TimeLimit: limit, PassScore: 30, AttemptsAllowed: 2,
		Rules: []Rule{{Count: 1, Kind: KindSingle, CategoryID: cat, Points: 10}, {Count: 1, Kind: KindMultiple, CategoryID: cat, Points: 10},
			{Count: 1, Kind: KindTrueFalse, CategoryID: cat, Points: 10}, {Count: 1, Kind: KindFillBlank, CategoryID: cat, Points: 10},
			{Count: 1, Kind: KindShortAnswer, CategoryID: cat, Points: 10}}, ShuffleOptions: true, ShuffleQuestions: true})
	return q.ID, qs
}

func TestAttemptGradesEveryKind(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	quizID, qs := examFixture(t, s, 30*time.Minute)
	p := newPerson(t, db, 0)
	a, err := s.Start(ctx, quizID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.MaxScore != 50 || a.Deadline == nil {
		t.Fatalf("attempt max %v deadline %v", a.MaxScore, a.Deadline)
	}
	answers := []struct {
		kind string
		resp []string
	}{
		{KindSingle, []string{"b"}},
		{KindMultiple, []string{"A", "C"}}, // incomplete: 0 without partial credit
		{KindTrueFalse, []string{"true"}},
		{KindFillBlank, []string{" 案 审 "}},
		{KindShortAnswer, []string{"公开执法主体、依据、程序和结果。"}},
	}
	for i, ans := range answers {
		if _, err := s.SaveAnswer(ctx, a.ID, p.ID, qs[ans.kind], ans.resp, i+1); err != nil {
			t.Fatalf("saving %s: %v", ans.kind, err)
		}
	}
	a, err = s.Submit(ctx, a.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != attempt.StatusSubmitted || a.Score != 30 || a.Passed {
		t.Fatalf("after submit: status %s score %v passed %v; want submitted 30 false", a.Status, a.Score, a.Passed)
	}
	pending, err := s.PendingGrading(ctx, quizID)
	if err != nil || len(pending) != 1 || pending[0].QuestionID != qs[KindShortAnswer] {
		t.Fatalf("pending %+v %v", pending, err)
	}
	if _, err := s.GradeManually(ctx, a.ID, qs[KindShortAnswer], 11); err == nil {
		t.Fatal("points above the maximum accepted")
	}
	a, err = s.GradeManually(ctx, a.ID, qs[KindShortAnswer], 8)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != attempt.StatusGraded || a.Score != 38 || !a.Passed {
		t.Fatalf("after grading: status %s score %v passed %v", a.Status, a.Score, a.Passed)
	}
}

func TestSaveAnswerHigherSeqWins(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	quizID, qs := examFixture(t, s, 0)
	p := newPerson(t, db, 0)
	a, err := s.Start(ctx, quizID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		resp  string
		seq   int
		saved bool
	}{{"A", 2, true}, {"C", 1, false}, {"B", 3, true}, {"B", 3, false}, {"A", 2, false}}
	for _, st := range steps {
		res, err := s.SaveAnswer(ctx, a.ID, p.ID, qs[KindSingle], []string{st.resp}, st.seq)
		if err != nil || res.Saved != st.saved {
			t.Fatalf("save %s seq %d: saved %v err %v, want saved %v", st.resp, st.seq, res.Saved, err, st.saved)
		}
	}
	got, _ := s.SavedAnswers(ctx, a.ID)
	if r := got[qs[KindSingle]]; r.Seq != 3 || len(r.Response) != 1 || r.Response[0] != "B" || r.Points == nil || *r.Points != 10 {
		t.Fatalf("saved answer %+v", r)
	}
	if _, err := s.SaveAnswer(ctx, a.ID, p.ID+1000, qs[KindSingle], []string{"A"}, 9); err == nil {
		t.Fatal("another person saved into the attempt")
	}
	_, err = s.SaveAnswer(ctx, a.ID, p.ID, qs[KindSingle], []string{"Z"}, 9)
	wantFault(t, err, "answer.not_an_option", "response")
}

func TestDeadlineAndGrace(t *testing.T) {
	ctx := context.Background()
	s, db, clk := newService(t)
	quizID, qs := examFixture(t, s, 10*time.Minute)
	p := newPerson(t, db, 0)
	a, err := s.Start(ctx, quizID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(10*time.Minute + 20*time.Second) // past the deadline, within the grace
	if _, err := s.SaveAnswer(ctx, a.ID, p.ID, qs[KindSingle], []string{"B"}, 1); err != nil {
		t.Fatalf("save within grace: %v", err)
	}
	clk.Add(11 * time.Second) // past deadline + grace
	_, err = s.SaveAnswer(ctx, a.ID, p.ID, qs[KindTrueFalse], []string{"true"}, 2)
	wantFault(t, err, "attempt.deadline_passed", "")
	a, err = s.Attempt(ctx, a.ID, p.ID)
	if err != nil || a.Status == attempt.StatusInProgress || a.Score != 10 {
		t.Fatalf("attempt after deadline: %+v %v", a, err)
	}
	if a.SubmittedAt == nil || !a.SubmittedAt.Equal(*a.Deadline) || a.DurationSeconds != 600 {
		t.Fatalf("auto-submitted at %v (deadline %v), duration %d", a.SubmittedAt, a.Deadline, a.DurationSeconds)
	}
}

func TestSubmitExpiredIsSetBased(t *testing.T) {
	ctx := context.Background()
	s, db, clk := newService(t)
	quizID, qs := examFixture(t, s, 10*time.Minute)
	var ids []int
	for range 5 {
		p := newPerson(t, db, 0)
		a, err := s.Start(ctx, quizID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveAnswer(ctx, a.ID, p.ID, qs[KindTrueFalse], []string{"对"}, 1); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	clk.Add(10 * time.Minute) // at the deadline: not yet
	if n, err := s.SubmitExpired(ctx); err != nil || n != 0 {
		t.Fatalf("SubmitExpired before grace: %d %v", n, err)
	}
	clk.Add(time.Minute)
	if n, err := s.SubmitExpired(ctx); err != nil || n != 5 {
		t.Fatalf("SubmitExpired: %d %v", n, err)
	}
	if n := dbtest.Count(t, db.SQL, "SELECT COUNT(*) FROM attempts WHERE status = 'graded' AND score = 10 AND active_key IS NULL"); n != 5 {
		t.Fatalf("%d graded attempts with score 10, want 5", n)
	}
	if n, _ := s.SubmitExpired(ctx); n != 0 {
		t.Fatalf("second run closed %d", n)
	}
	// Each closed attempt now has a row for each of its 5 questions: the answer given and 4 zeros.
	if n := dbtest.Count(t, db.SQL, "SELECT COUNT(*) FROM answers WHERE seq = 0 AND points = 0 AND correct = 0"); n != 5*4 {
		t.Fatalf("%d unanswered rows, want 20", n)
	}
	if n := dbtest.Count(t, db.SQL, "SELECT COUNT(*) FROM answers WHERE seq = 1 AND points = 10"); n != 5 {
		t.Fatalf("%d answers given kept, want 5", n)
	}
}

// TestUnansweredRowsAtClose: a start writes only the attempt; answers get their rows as they are
// given, and submitting adds a 0-point row for each question left unanswered, so that statistics and
// the wrong-question book count it, without touching the answers given.
func TestUnansweredRowsAtClose(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	quizID, qs := examFixture(t, s, 0)
	p := newPerson(t, db, 0)
	a, err := s.Start(ctx, quizID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if saved, _ := s.SavedAnswers(ctx, a.ID); len(saved) != 0 {
		t.Fatalf("%d answer rows right after the start, want 0", len(saved))
	}
	if _, err := s.SaveAnswer(ctx, a.ID, p.ID, qs[KindSingle], []string{"B"}, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(ctx, a.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	saved, _ := s.SavedAnswers(ctx, a.ID)
	if len(saved) != 5 {
		t.Fatalf("%d answer rows after submitting, want 5", len(saved))
	}
	for kind, id := range qs {
		ans := saved[id]
		switch {
		case kind == KindSingle && (ans.Seq != 1 || *ans.Points != 10 || len(ans.Response) != 1):
			t.Errorf("the answer given changed: %+v", ans)
		case kind != KindSingle && (ans.Seq != 0 || ans.Points == nil || *ans.Points != 0 || ans.MaxPoints != 10):
			t.Errorf("%s left unanswered: %+v", kind, ans)
		}
	}
	// A double submit adds nothing.
	if _, err := s.Submit(ctx, a.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	if n := dbtest.Count(t, db.SQL, "SELECT COUNT(*) FROM answers"); n != 5 {
		t.Fatalf("%d answer rows after a second submit, want 5", n)
	}
}

func TestResumeAfterRestart(t *testing.T) {
	ctx := context.Background()
	url := dbtest.URL(t)
	db1, err := database.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	if err := db1.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: time.Date(2021, 6, 1, 2, 0, 0, 0, time.UTC)}
	s1 := New(db1, clk.Now, nil)
	quizID, qs := examFixture(t, s1, time.Hour)
	p := newPerson(t, db1, 0)
	a1, err := s1.Start(ctx, quizID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s1.SaveAnswer(ctx, a1.ID, p.ID, qs[KindFillBlank], []string{"案审"}, 1); err != nil {
		t.Fatal(err)
	}
	db1.Close() // the server goes away

	db2, err := database.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	s2 := New(db2, clk.Now, nil)
	clk.Add(5 * time.Minute)
	a2, err := s2.Start(ctx, quizID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a2.ID != a1.ID || a2.Status != attempt.StatusInProgress {
		t.Fatalf("resumed attempt %d (%s), want %d", a2.ID, a2.Status, a1.ID)
	}
	got, err := s2.SavedAnswers(ctx, a2.ID)
	if err != nil || got[qs[KindFillBlank]].Seq != 1 || got[qs[KindFillBlank]].Response[0] != "案审" {
		t.Fatalf("answers after restart: %v %v", got[qs[KindFillBlank]], err)
	}
}

func TestConcurrentStartAndDoubleSubmit(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	quizID, qs := examFixture(t, s, time.Hour)
	p := newPerson(t, db, 0)
	const n = 8
	var wg sync.WaitGroup
	started := make([]int, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			a, err := s.Start(ctx, quizID, p.ID)
			if err == nil {
				started[i] = a.ID
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || started[i] != started[0] {
			t.Fatalf("start %d: attempt %d err %v (first %d)", i, started[i], errs[i], started[0])
		}
	}
	if c := dbtest.Count(t, db.SQL, "SELECT COUNT(*) FROM attempts"); c != 1 {
		t.Fatalf("%d attempts after concurrent starts", c)
	}
	if _, err := s.SaveAnswer(ctx, started[0], p.ID, qs[KindSingle], []string{"B"}, 1); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	graded := 0
	for range n {
		wg.Go(func() {
			ok, err := s.finalize(ctx, started[0], new(time.Now().UTC()))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				graded++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if graded != 1 {
		t.Fatalf("attempt graded %d times", graded)
	}
	a, err := s.Submit(ctx, started[0], p.ID)
	if err != nil || a.Score != 10 {
		t.Fatalf("after double submit: %+v %v", a, err)
	}
}

func TestOnGradedHook(t *testing.T) {
	s, db, clk := newService(t)
	ctx := context.Background()
	var got [][2]int
	s.OnGraded = func(_ context.Context, personID, quizID int) { got = append(got, [2]int{personID, quizID}) }
	cat := mustCategory(t, s, "挂钩", 0)
	singles(t, s, cat, 3)
	q, err := s.CreateQuiz(ctx, QuizInput{Title: "挂钩", Mode: "exam", Rules: []Rule{{Count: 2, Kind: KindSingle, CategoryID: cat, Points: 5}},
		TimeLimit: 10 * time.Minute, PassScore: 5, AttemptsAllowed: 3, Publish: true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := newPerson(t, db, 0)
	a, err := s.Start(ctx, q.ID, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // a double submit is reported once
		if _, err := s.Submit(ctx, a.ID, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 1 || got[0] != [2]int{p.ID, q.ID} {
		t.Fatalf("OnGraded calls %v, want one for person %d and quiz %d", got, p.ID, q.ID)
	}
	if _, err := s.Start(ctx, q.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	clk.Add(11*time.Minute + DefaultGrace)
	if n, err := s.SubmitExpired(ctx); err != nil || n != 1 {
		t.Fatalf("SubmitExpired: %d %v", n, err)
	}
	if len(got) != 2 {
		t.Fatalf("an expired attempt was not reported as graded: %v", got)
	}
}

// TestNeighboursCloseAtOnce: at the end of an exam, learners whose attempts were started together
// (neighbouring ids) and who left questions blank all submit in the same second, while the clock's
// job closes the expired ones and late saves still arrive. Every close must succeed (on MySQL the
// closes used to deadlock each other), and every attempt must end graded with one row per question
// and the score of the answers given.
func TestNeighboursCloseAtOnce(t *testing.T) {
	ctx := context.Background()
	s, db, clk := newService(t)
	cat := mustCategory(t, s, "法规", 0)
	for i := range 20 {
		mustQuestion(t, s, QuestionInput{CategoryID: cat, Kind: KindSingle, Stem: "题" + strconv.Itoa(i),
			Options: []string{"甲", "乙"}, Answer: []string{"A"}})
	}
	q := mustQuiz(t, s, QuizInput{Title: "结业考试", Mode: ModeExam, TimeLimit: 30 * time.Minute, PassScore: 1, AttemptsAllowed: 1,
		Rules: []Rule{{Count: 20, Kind: KindSingle, CategoryID: cat, Points: 1}}})
	unit := newPerson(t, db, 0).UnitID
	type seat struct {
		attempt, person int
		blank           int // a question left for a late save
	}
	var seats []seat
	for i := range 120 {
		p := newPerson(t, db, unit)
		if i%2 == 0 {
			clk.Add(time.Second) // half the attempts expire by the clock, half are handed in
		}
		a, err := s.Start(ctx, q.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		paper := a.Paper
		ids := make([]int, 0, len(paper))
		for _, it := range paper {
			ids = append(ids, it.QuestionID)
		}
		slices.Sort(ids)
		for _, id := range ids[6:14] { // the lowest and highest question ids are left blank
			if _, err := s.SaveAnswer(ctx, a.ID, p.ID, id, []string{"A"}, 1); err != nil {
				t.Fatal(err)
			}
		}
		seats = append(seats, seat{a.ID, p.ID, ids[0]})
	}
	// Attempts started 1 to 60 s after the first: those of the first 30 s are now past deadline and
	// grace, the others are not.
	clk.Add(-60*time.Second + 30*time.Second + 30*time.Minute + DefaultGrace + time.Second)
	if n, _ := s.client().Attempt.Query().Where(attempt.StatusEQ(attempt.StatusInProgress), attempt.DeadlineLT(clk.Now().Add(-DefaultGrace))).Count(ctx); n != 60 {
		t.Fatalf("%d attempts expired before the closes, want 60", n)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, 3*len(seats))
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		if _, err := s.SubmitExpired(ctx); err != nil {
			errs <- fmt.Errorf("SubmitExpired: %w", err)
		}
	}()
	for i := len(seats) - 1; i >= 0; i-- { // against the job's order
		st := seats[i]
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			if _, err := s.Submit(ctx, st.attempt, st.person); err != nil {
				errs <- fmt.Errorf("submitting attempt %d: %w", st.attempt, err)
			}
		}()
		go func() { // a late save: taken or refused, never an error of the database
			defer wg.Done()
			<-start
			_, err := s.SaveAnswer(ctx, st.attempt, st.person, st.blank, []string{"B"}, 2)
			if f, ok := fault.As(err); err != nil && (!ok || f.Kind != fault.Conflict) {
				errs <- fmt.Errorf("late save to attempt %d: %w", st.attempt, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := dbtest.Count(t, db.SQL, "SELECT COUNT(*) FROM attempts WHERE status = 'graded' AND score = 8"); n != len(seats) {
		t.Errorf("%d attempts graded with score 8, want %d", n, len(seats))
	}
	if n := dbtest.Count(t, db.SQL, "SELECT COUNT(*) FROM answers"); n != 20*len(seats) {
		t.Errorf("%d answer rows, want %d", n, 20*len(seats))
	}
}
