package quizzes

import (
	"context"
	"math"
	"testing"
	"time"
)

// TestItemStatistics checks the formulas on four attempts of three true/false questions worked out
// by hand. Scores (1 = right): Q1 1,1,0,0; Q2 1,0,1,0; Q3 1,1,1,0 (the last one left unanswered).
// Totals X = 3,2,2,0.
//
//	Q1: mean .5 → F 50; SD √(1/3) = 57.735%; rest R = 2,1,2,0: C(x,R) = .5/3, V(x) = 1/3,
//	    V(R) = 2.75/3 → D = 100·.5/√2.75 = 30.151
//	Q2: same shape → F 50, D 30.151
//	Q3: mean .75 → F 75; R = 2,1,1,0: C = 1/3, V(x) = .25, V(R) = 2/3 → D = 100·1/√1.5 = 81.650
func TestItemStatistics(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	cat := mustCategory(t, s, "统计", 0)
	var ids []int
	for _, stem := range []string{"第一题", "第二题", "第三题"} {
		ids = append(ids, mustQuestion(t, s, QuestionInput{CategoryID: cat, Kind: KindTrueFalse, Stem: stem, Answer: []string{"对"}}).ID)
	}
	q := mustQuiz(t, s, QuizInput{Title: "统计", Mode: ModeExam, TimeLimit: time.Hour, Rules: []Rule{{QuestionIDs: ids, Points: 1}}})
	pattern := [][]string{{"对", "对", "对"}, {"对", "错", "对"}, {"错", "对", "对"}, {"错", "错", ""}}
	for _, answers := range pattern {
		p := newPerson(t, db, 0)
		a, err := s.Start(ctx, q.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range answers {
			if r == "" {
				continue
			}
			if _, err := s.SaveAnswer(ctx, a.ID, p.ID, ids[i], []string{r}, 1); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Submit(ctx, a.ID, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.ItemStatistics(ctx, q.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if st.Attempts != 4 || st.MeanScore != 1.75 || len(st.Items) != 3 {
		t.Fatalf("stats %+v", st)
	}
	want := []struct{ facility, sd, disc float64 }{{50, 57.735, 30.151}, {50, 57.735, 30.151}, {75, 50, 81.650}}
	for i, w := range want {
		it := st.Items[i]
		if math.Abs(it.Facility-w.facility) > 0.001 || math.Abs(it.SD-w.sd) > 0.001 || math.Abs(it.Discrimination-w.disc) > 0.001 {
			t.Errorf("Q%d: F %.3f SD %.3f D %.3f; want %v", i+1, it.Facility, it.SD, it.Discrimination, w)
		}
	}
	if c := st.Items[0].OptionCounts; c["true"] != 2 || c["false"] != 2 {
		t.Errorf("Q1 option counts %v", c)
	}
	if c := st.Items[2].OptionCounts; c["true"] != 3 || len(c) != 1 {
		t.Errorf("Q3 option counts %v (the unanswered one must not count)", c)
	}
}

func TestRankingsAndReview(t *testing.T) {
	ctx := context.Background()
	s, db, clk := newService(t)
	cat := mustCategory(t, s, "竞赛", 0)
	var ids []int
	for _, stem := range []string{"甲", "乙"} {
		ids = append(ids, mustQuestion(t, s, QuestionInput{CategoryID: cat, Kind: KindTrueFalse, Stem: stem, Answer: []string{"对"}, Explanation: "解析"}).ID)
	}
	closes := clk.Now().Add(2 * time.Hour)
	q := mustQuiz(t, s, QuizInput{Title: "竞赛", Mode: ModeCompetition, ClosesAt: &closes, Review: ReviewAfterClose,
		Rules: []Rule{{QuestionIDs: ids, Points: 50}}})
	u1 := newPerson(t, db, 0)
	u2 := newPerson(t, db, 0)
	people := []struct {
		unit    int
		right   int
		minutes int
	}{{u1.UnitID, 2, 10}, {u1.UnitID, 1, 5}, {u2.UnitID, 2, 5}, {u2.UnitID, 2, 5}}
	var attempts []int
	for _, pp := range people {
		p := newPerson(t, db, pp.unit)
		a, err := s.Start(ctx, q.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for i := range pp.right {
			if _, err := s.SaveAnswer(ctx, a.ID, p.ID, ids[i], []string{"对"}, 1); err != nil {
				t.Fatal(err)
			}
		}
		clk.Add(time.Duration(pp.minutes) * time.Minute)
		if _, err := s.Submit(ctx, a.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		clk.Add(-time.Duration(pp.minutes) * time.Minute)
		attempts = append(attempts, a.ID)
	}
	ranks, err := s.RankPeople(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	gotRanks := []int{}
	for _, r := range ranks {
		gotRanks = append(gotRanks, r.Rank)
	}
	if len(ranks) != 4 || ranks[0].Score != 100 || ranks[0].Duration != 300 || ranks[2].Duration != 600 || ranks[3].Score != 50 ||
		gotRanks[0] != 1 || gotRanks[1] != 1 || gotRanks[2] != 3 || gotRanks[3] != 4 {
		t.Fatalf("ranking %+v", ranks)
	}
	units, err := s.RankUnits(ctx, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 || units[0].UnitID != u2.UnitID || units[0].MeanScore != 100 || units[1].MeanScore != 75 || units[1].Participants != 2 {
		t.Fatalf("unit ranking %+v", units)
	}
	// Review after close: the learner sees the score but not the answers until the window closes.
	a, _ := s.Attempt(ctx, attempts[1], 0)
	v, err := s.ViewAttempt(ctx, a.ID, a.PersonID, false)
	if err != nil {
		t.Fatal(err)
	}
	if v.ShowAnswers || v.Questions[0].Answer != nil || v.Questions[0].Explanation != "" {
		t.Fatal("answers shown before the window closed")
	}
	if tv, _ := s.ViewAttempt(ctx, a.ID, 0, true); !tv.ShowAnswers {
		t.Fatal("trainer cannot see the answers")
	}
	clk.Add(3 * time.Hour)
	if v, _ = s.ViewAttempt(ctx, a.ID, a.PersonID, false); !v.ShowAnswers || v.Questions[0].Explanation != "解析" {
		t.Fatal("answers hidden after the window closed")
	}
	if _, err := s.ViewAttempt(ctx, a.ID, a.PersonID+100, false); err == nil {
		t.Fatal("another person viewed the attempt")
	}
	var res bytesBuffer
	if err := s.ExportResultsXLSX(ctx, q.ID, &res); err != nil || res.n < 1000 {
		t.Fatalf("results export: %d bytes, %v", res.n, err)
	}
}

type bytesBuffer struct{ n int }

func (b *bytesBuffer) Write(p []byte) (int, error) { b.n += len(p); return len(p), nil }
