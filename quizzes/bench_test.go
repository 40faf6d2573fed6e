package quizzes

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"peixun/database"
)

// benchBank makes n true/false questions and a quiz over all of them at 2 points each.
func benchBank(b *testing.B, s *Service, n int) (quizID int, ids []int) {
	cat := mustCategory(b, s, "压测", 0)
	for i := range n {
		ids = append(ids, mustQuestion(b, s, QuestionInput{CategoryID: cat, Kind: KindTrueFalse, Stem: fmt.Sprintf("题%d", i), Answer: []string{"对"}}).ID)
	}
	q := mustQuiz(b, s, QuizInput{Title: "压测", Mode: ModeExam, TimeLimit: 2 * time.Hour, Rules: []Rule{{QuestionIDs: ids, Points: 2}}})
	return q.ID, ids
}

// BenchmarkSaveAnswer measures saving answers into 200 attempts in progress, one at a time and from
// parallel goroutines (go test -bench SaveAnswer; PEIXUN_TEST_MYSQL_DSN switches to MariaDB).
func BenchmarkSaveAnswer(b *testing.B) {
	ctx := context.Background()
	s, db, _ := newService(b)
	quizID, ids := benchBank(b, s, 50)
	type seat struct{ attempt, person int }
	var seats []seat
	for range 200 {
		p := newPerson(b, db, 0)
		a, err := s.Start(ctx, quizID, p.ID)
		if err != nil {
			b.Fatal(err)
		}
		seats = append(seats, seat{a.ID, p.ID})
	}
	var seq atomic.Int64
	save := func(i int) {
		st := seats[i%len(seats)]
		n := int(seq.Add(1))
		if _, err := s.SaveAnswer(ctx, st.attempt, st.person, ids[n%len(ids)], []string{"对"}, n); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("sequential", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			save(i)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(8)
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				save(int(next.Add(1)))
			}
		})
	})
}

// BenchmarkItemStatistics measures the statistics of 10,000 attempts of 50 questions, seeded with
// multi-row inserts (the target is under 2 s per run).
func BenchmarkItemStatistics(b *testing.B) {
	ctx := context.Background()
	s, db, _ := newService(b)
	quizID, ids := benchBank(b, s, 50)
	seedAttempts(b, db, quizID, ids, 10000)
	b.ResetTimer()
	for b.Loop() {
		st, err := s.ItemStatistics(ctx, quizID, true)
		if err != nil {
			b.Fatal(err)
		}
		if st.Attempts != 10000 || len(st.Items) != 50 {
			b.Fatalf("%d attempts, %d items", st.Attempts, len(st.Items))
		}
	}
}

// seedAttempts writes n graded attempts with answers in batches; each attempt's ability decides how
// likely each answer is right, so that the statistics have something to measure.
func seedAttempts(b *testing.B, db *database.DB, quizID int, ids []int, n int) {
	rnd := rand.New(rand.NewPCG(1, 2))
	now := time.Date(2021, 6, 1, 2, 0, 0, 0, time.UTC)
	const batch = 200
	for start := 0; start < n; start += batch {
		var att, ans []string
		var attArgs, ansArgs []any
		for k := start; k < min(start+batch, n); k++ {
			id := 1000000 + k
			ability := rnd.Float64()
			score := 0.0
			for _, q := range ids {
				right := rnd.Float64() < ability
				pts := 0.0
				resp := `["错"]`
				if right {
					pts, resp = 2, `["对"]`
				}
				score += pts
				ans = append(ans, "(?, ?, ?, ?, ?, ?, ?, ?)")
				ansArgs = append(ansArgs, id, q, resp, 1, pts, 2.0, right, now)
			}
			att = append(att, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			attArgs = append(attArgs, id, quizID, 500000+k, 1, now, now, score, float64(2*len(ids)), score >= 60, "graded", 600)
		}
		if _, err := db.SQL.Exec(`INSERT INTO attempts (id, quiz_id, person_id, number, started_at, submitted_at, score, max_score, passed, status, duration_seconds) VALUES `+strings.Join(att, ","), attArgs...); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(ans); i += 1000 {
			j := min(i+1000, len(ans))
			if _, err := db.SQL.Exec(`INSERT INTO answers (attempt_id, question_id, response, seq, points, max_points, correct, saved_at) VALUES `+strings.Join(ans[i:j], ","), ansArgs[i*8:j*8]...); err != nil {
				b.Fatal(err)
			}
		}
	}
}
