package load

import (
	"strings"
	"testing"
	"time"
)

func TestPercentiles(t *testing.T) {
	r := NewRecorder()
	t0 := time.Now()
	for i := 1; i <= 100; i++ {
		r.Add("save", t0.Add(time.Duration(i)*10*time.Millisecond), time.Duration(i)*time.Millisecond, "")
	}
	r.Add("save", t0, time.Second, "HTTP 500")
	s := r.Summaries()
	if len(s) != 1 {
		t.Fatalf("%d kinds", len(s))
	}
	got := s[0]
	if got.OK != 100 || got.Errors != 1 || got.P50 != 50*time.Millisecond || got.P95 != 95*time.Millisecond ||
		got.P99 != 99*time.Millisecond || got.Max != 100*time.Millisecond {
		t.Fatalf("%+v", got)
	}
	var b strings.Builder
	r.Print(&b)
	if !strings.Contains(b.String(), "1x HTTP 500") {
		t.Fatalf("errors not printed:\n%s", b.String())
	}
}

func TestTimeline(t *testing.T) {
	r := NewRecorder()
	t0 := time.Now()
	for i := range 100 { // one request every 10 ms; those of the second half-second are slow
		took := time.Millisecond
		if i >= 50 {
			took = time.Duration(i) * time.Millisecond
		}
		r.Add("save", t0.Add(time.Duration(i)*10*time.Millisecond), took, "")
	}
	tl := r.Timeline("save", 500*time.Millisecond)
	if len(tl) != 2 || tl[0].OK != 50 || tl[1].OK != 50 || tl[0].Max != time.Millisecond ||
		tl[1].P99 != 99*time.Millisecond || tl[1].From != 500*time.Millisecond {
		t.Fatalf("timeline %+v", tl)
	}
	if r.Timeline("start", time.Second) != nil {
		t.Fatal("a timeline for a kind never recorded")
	}
}
