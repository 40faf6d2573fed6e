package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"peixun/quizzes"
)

// BenchmarkQuizSaveAnswerOpenLoop sends answer saves through the real router (bearer token,
// middleware, JSON binding, SaveAnswer) at a fixed open-loop rate of 1,000 per second into 200
// attempts in progress, as a bureau-wide exam does, and reports the latency percentiles. Open loop:
// each request starts at its scheduled time whatever the others do, so queueing shows in the p99.
//
//	go test ./handlers/ -run '^$' -bench QuizSaveAnswerOpenLoop -benchtime 5000x
//	PEIXUN_TEST_MYSQL_DSN=mysql://root@127.0.0.1:3306/ go test ./handlers/ -run '^$' -bench QuizSaveAnswerOpenLoop -benchtime 5000x
func BenchmarkQuizSaveAnswerOpenLoop(b *testing.B) {
	const rate, seats = 1000, 200
	e := newEnv(b)
	ctx := context.Background()
	exam := e.demoQuiz("exam")
	type seat struct {
		token, path string
		questions   []int
	}
	all := make([]seat, 0, seats)
	ids, tokens := benchLearners(b, e, "bench", seats)
	for i, id := range ids {
		tok := tokens[i]
		a, err := e.quiz.Start(ctx, exam.ID, id)
		if err != nil {
			b.Fatal(err)
		}
		paper := a.Paper
		var qs []int
		for _, it := range paper {
			if it.Kind == quizzes.KindTrueFalse {
				qs = append(qs, it.QuestionID)
			}
		}
		all = append(all, seat{token: tok, path: "/api/v1/attempts/" + strconv.Itoa(a.ID) + "/answers", questions: qs})
	}
	h := e.srv.Config.Handler
	var seq atomic.Int64
	var failed atomic.Int64
	durations := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	interval := time.Second / rate
	e.db.Warm(ctx, 16) // as `peixun serve` does before it listens
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		wg.Add(1)
		go func(i int, due time.Time) {
			defer wg.Done()
			st := all[i%len(all)]
			n := seq.Add(1)
			body := `{"question_id":` + strconv.Itoa(st.questions[int(n)%len(st.questions)]) + `,"response":["true"],"seq":` + strconv.FormatInt(n, 10) + `}`
			req := httptest.NewRequest(http.MethodPost, st.path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+st.token)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			// From the save's slot, not from when its goroutine ran: a late start is latency too.
			durations[i] = time.Since(due)
			if rec.Code != http.StatusOK {
				if failed.Add(1) == 1 {
					b.Errorf("save: %d %s", rec.Code, rec.Body.String())
				}
			}
		}(i, due)
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(durations)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "saves/s")
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds())/1000, "ms-p99")
	b.ReportMetric(float64(durations[len(durations)-1].Microseconds())/1000, "ms-max")
}
