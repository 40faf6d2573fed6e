package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"peixun/accounts"
)

// BenchmarkQuizStart starts the demo exam through the real router (bearer token, middleware, the
// batched read and insert, the paper, the response) for b.N people, 200 at a time as a burst
// arrives, and reports the heap allocated per start: the garbage collector's share of an exam burst
// follows it (docs/performance.md). The figure includes reading the token's person, which an API
// client pays at every request and a browser's cached session does not.
//
//	go test ./handlers/ -run '^$' -bench QuizStart -benchtime 2000x
func BenchmarkQuizStart(b *testing.B) {
	const wave = 200
	e := newEnv(b)
	path := "/api/v1/quizzes/" + strconv.Itoa(e.demoQuiz("exam").ID) + "/attempts"
	_, tokens := benchLearners(b, e, "start", b.N)
	h := e.srv.Config.Handler
	start := func(tok string) {
		req := httptest.NewRequest(http.MethodPost, path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated && rec.Code != http.StatusOK {
			b.Errorf("start: %d %s", rec.Code, rec.Body.String())
		}
	}
	start(tokens[0]) // the quiz and its pools are cached from the first start on, as in a burst
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for from := 1; from < b.N; from += wave {
		var wg sync.WaitGroup
		for _, tok := range tokens[from:min(from+wave, b.N)] {
			wg.Add(1)
			go func() { defer wg.Done(); start(tok) }()
		}
		wg.Wait()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	if b.N > 1 {
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N-1), "heapB/start")
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N-1), "mallocs/start")
	}
}

// benchLearners adds n learners to a squad, each with an API token, and returns their ids and tokens.
func benchLearners(b *testing.B, e *env, prefix string, n int) (ids []int, tokens []string) {
	ctx := context.Background()
	unit := e.ids["unit:YH-ZFD-LZ"]
	for i := range n {
		p, err := e.db.Client.Person.Create().SetUsername(fmt.Sprintf("%s%d", prefix, i)).SetName(fmt.Sprintf("压测%d", i)).
			SetUnitID(unit).SetRoles([]string{accounts.RoleLearner}).Save(ctx)
		if err != nil {
			b.Fatal(err)
		}
		tok, _, err := e.acc.CreateToken(ctx, accounts.System, p.ID, "bench")
		if err != nil {
			b.Fatal(err)
		}
		ids, tokens = append(ids, p.ID), append(tokens, tok)
	}
	return ids, tokens
}
