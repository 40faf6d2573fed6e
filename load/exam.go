package load

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// ExamConfig describes an exam burst.
type ExamConfig struct {
	BaseURL   string
	Usernames []string // the learners who sit the exam at once
	Password  string
	QuizTitle string  // the exam, found by title in the learner's list
	SaveRate  float64 // answers saved per second across everyone, held whatever the server does
	Rewrites  float64 // share of saves that change an earlier answer (the last must win)
	SignInPar int     // sign-ins in flight at once before the burst
	Conns     int     // HTTP connections to the server
	Log       io.Writer
}

// Ack is an answer the server acknowledged: after the run it must be in the database.
type Ack struct {
	Attempt, Question, Seq int
	Response               string
}

// ExamResult is what a burst measured.
type ExamResult struct {
	Rec      *Recorder
	Acks     []Ack
	Attempts []int
	Late     int // saves the dispatcher sent later than their slot (the generator itself fell behind)
}

type sitter struct {
	l       *Learner
	attempt int
	qs      []paperQuestion
	plan    []int // the question indexes in the order this learner answers them
}

// planAnswers orders one learner's saves: every question once, in order, with a share of changes to
// questions already answered mixed in at random places.
func planAnswers(rng *rand.Rand, n int, rewrites float64) []int {
	plan := make([]int, 0, n+int(float64(n)*rewrites)+1)
	for i := 0; i < n; i++ {
		plan = append(plan, i)
		for i > 0 && rng.Float64() < rewrites {
			plan = append(plan, rng.IntN(i+1))
			break
		}
	}
	return plan
}

type paperQuestion struct {
	QuestionID int `json:"question_id"`
	Options    []struct {
		Key string `json:"Key"`
	} `json:"options"`
}

type attemptJSON struct {
	ID        int             `json:"id"`
	Status    string          `json:"status"`
	Questions []paperQuestion `json:"questions"`
}

// RunExam signs in the learners, starts the exam for all of them at the same instant, saves every
// answer at the fixed rate (open loop: a slow server gets more requests in flight, not fewer), and
// submits. It returns every acknowledged answer so that the caller can check the database.
func RunExam(ctx context.Context, cfg ExamConfig) (*ExamResult, error) {
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	if cfg.SignInPar <= 0 {
		cfg.SignInPar = 16
	}
	if cfg.Conns <= 0 {
		cfg.Conns = len(cfg.Usernames) // one connection per learner, as each has a browser
	}
	tr := NewTransport(cfg.Conns)
	defer tr.CloseIdleConnections()
	res := &ExamResult{Rec: NewRecorder()}

	// 1. Sign everyone in (not part of the burst; argon2id makes it deliberately slow).
	sitters := make([]*sitter, len(cfg.Usernames))
	sem := make(chan struct{}, cfg.SignInPar)
	var wg sync.WaitGroup
	var failed atomic.Int64
	began := time.Now()
	for i := range sitters {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			t0 := time.Now()
			l, err := SignIn(ctx, tr, cfg.BaseURL, cfg.Usernames[i], cfg.Password)
			res.Rec.Add("signin", t0, time.Since(t0), errText(err))
			if err != nil {
				failed.Add(1)
				return
			}
			sitters[i] = &sitter{l: l}
		}(i)
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		return res, fmt.Errorf("%d of %d learners could not sign in", n, len(sitters))
	}
	logf("signed in %d learners in %s", len(sitters), time.Since(began).Round(time.Millisecond))

	// 2. Find the exam.
	var list struct {
		Quizzes []struct {
			ID    int    `json:"id"`
			Title string `json:"title"`
		} `json:"quizzes"`
	}
	if err := sitters[0].l.JSON(ctx, "GET", "/api/v1/quizzes", nil, &list); err != nil {
		return res, fmt.Errorf("listing quizzes: %w", err)
	}
	quizID := 0
	for _, q := range list.Quizzes {
		if q.Title == cfg.QuizTitle {
			quizID = q.ID
		}
	}
	if quizID == 0 {
		return res, fmt.Errorf("no quiz titled %q among the learner's %d quizzes", cfg.QuizTitle, len(list.Quizzes))
	}

	// 3. The burst: everyone waits at the barrier, then starts at once.
	// Every learner has the exam's page open before it starts, each on its own connection, so the
	// burst below measures starting the exam and not opening thousands of connections at once.
	began = time.Now()
	for _, st := range sitters {
		wg.Add(1)
		go func(st *sitter) {
			defer wg.Done()
			t0 := time.Now()
			err := st.l.JSON(ctx, "GET", "/api/v1/quizzes", nil, nil)
			res.Rec.Add("open", t0, time.Since(t0), errText(err))
		}(st)
	}
	wg.Wait()
	logf("opened the exam page for %d learners in %s", len(sitters), time.Since(began).Round(time.Millisecond))

	barrier := make(chan struct{})
	for _, st := range sitters {
		wg.Add(1)
		go func(st *sitter) {
			defer wg.Done()
			<-barrier
			t0 := time.Now()
			var a attemptJSON
			err := st.l.JSON(ctx, "POST", fmt.Sprintf("/api/v1/quizzes/%d/attempts", quizID), struct{}{}, &a)
			res.Rec.Add("start", t0, time.Since(t0), errText(err))
			if err == nil {
				st.attempt, st.qs = a.ID, a.Questions
			}
		}(st)
	}
	began = time.Now()
	close(barrier)
	wg.Wait()
	logf("started %d attempts in %s", len(sitters), time.Since(began).Round(time.Millisecond))
	var ready []*sitter
	for _, st := range sitters {
		if st.attempt != 0 && len(st.qs) > 0 {
			ready = append(ready, st)
			res.Attempts = append(res.Attempts, st.attempt)
		}
	}
	if len(ready) == 0 {
		return res, fmt.Errorf("no attempt started")
	}

	// 4. Saves at a fixed rate. Each learner answers every question once, in order, with changes of
	// earlier answers mixed in; the saves of all learners interleave.
	rng := rand.New(rand.NewPCG(1, 2))
	total := 0
	for _, st := range ready {
		st.plan = planAnswers(rng, len(st.qs), cfg.Rewrites)
		total += len(st.plan)
	}
	var acksMu sync.Mutex
	interval := time.Duration(float64(time.Second) / cfg.SaveRate)
	start := time.Now()
	began = start
	sent := 0
	for round := 0; sent < total; round++ {
		for _, st := range ready {
			if round >= len(st.plan) {
				continue
			}
			slot := start.Add(time.Duration(sent) * interval)
			if d := time.Until(slot); d > 0 {
				time.Sleep(d)
			} else if d < -10*time.Millisecond {
				res.Late++
			}
			sent++
			q := st.qs[st.plan[round]]
			seq := round + 1
			key := "A"
			if len(q.Options) > 0 {
				key = q.Options[rng.IntN(len(q.Options))].Key
			}
			wg.Add(1)
			go func(st *sitter, qid, seq int, key string) {
				defer wg.Done()
				t0 := slot // from the save's slot: a save the tool sends late counts as late
				var out struct {
					Saved bool `json:"saved"`
				}
				err := st.l.JSON(ctx, "POST", fmt.Sprintf("/api/v1/attempts/%d/answers", st.attempt),
					map[string]any{"question_id": qid, "response": []string{key}, "seq": seq}, &out)
				res.Rec.Add("save", t0, time.Since(t0), errText(err))
				if err == nil {
					acksMu.Lock()
					res.Acks = append(res.Acks, Ack{Attempt: st.attempt, Question: qid, Seq: seq, Response: key})
					acksMu.Unlock()
				}
			}(st, q.QuestionID, seq, key)
		}
	}
	wg.Wait()
	logf("sent %d saves in %s (%d late)", sent, time.Since(began).Round(time.Millisecond), res.Late)

	// 5. Submit.
	for _, st := range ready {
		wg.Add(1)
		go func(st *sitter) {
			defer wg.Done()
			t0 := time.Now()
			err := st.l.JSON(ctx, "POST", fmt.Sprintf("/api/v1/attempts/%d/submit", st.attempt), struct{}{}, nil)
			res.Rec.Add("submit", t0, time.Since(t0), errText(err))
		}(st)
	}
	wg.Wait()
	return res, nil
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
