// Package load drives a running Peixun server over HTTP the way its users do, at a fixed rate, and
// reports throughput and latency per kind of request. Its exam burst signs in many learners, holds
// them at a barrier, starts one exam for all at once, saves answers at a fixed rate whether or not
// the server keeps up (open loop), submits, and then checks in the database that every answer the
// server acknowledged is stored.
package load

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"time"
)

// Recorder collects the latency and outcome of every request, by kind.
type Recorder struct {
	mu    sync.Mutex
	kinds map[string]*series
	start time.Time
}

type series struct {
	lat    []time.Duration
	at     []time.Time // when each request of lat began, for the timeline
	errors map[string]int
	first  time.Time
	last   time.Time
}

// NewRecorder starts a recording.
func NewRecorder() *Recorder { return &Recorder{kinds: map[string]*series{}, start: time.Now()} }

// Add records one request of a kind: how long it took, and the error ("" when it succeeded).
func (r *Recorder) Add(kind string, began time.Time, took time.Duration, errText string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.kinds[kind]
	if s == nil {
		s = &series{errors: map[string]int{}, first: began}
		r.kinds[kind] = s
	}
	if began.Before(s.first) {
		s.first = began
	}
	if end := began.Add(took); end.After(s.last) {
		s.last = end
	}
	if errText != "" {
		s.errors[errText]++
		return
	}
	s.lat = append(s.lat, took)
	s.at = append(s.at, began)
}

// Window is the figures of one kind of request over one stretch of the run.
type Window struct {
	From     time.Duration // since the first request of the kind
	OK       int
	P99, Max time.Duration
}

// Timeline cuts a kind's successful requests by when they began into windows of the given length,
// so that a p99 shows whether it comes from a steady state or from a few stalls.
func (r *Recorder) Timeline(kind string, window time.Duration) []Window {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.kinds[kind]
	if s == nil || len(s.lat) == 0 || window <= 0 {
		return nil
	}
	var buckets [][]time.Duration
	for i, began := range s.at {
		k := int(began.Sub(s.first) / window)
		for len(buckets) <= k {
			buckets = append(buckets, nil)
		}
		buckets[k] = append(buckets[k], s.lat[i])
	}
	out := make([]Window, 0, len(buckets))
	for k, lat := range buckets {
		w := Window{From: time.Duration(k) * window, OK: len(lat)}
		if len(lat) > 0 {
			slices.Sort(lat)
			w.P99, w.Max = pct(lat, 99), lat[len(lat)-1]
		}
		out = append(out, w)
	}
	return out
}

// PrintTimeline writes a kind's timeline, one line a window.
func (r *Recorder) PrintTimeline(w io.Writer, kind string, window time.Duration) {
	tl := r.Timeline(kind, window)
	if len(tl) == 0 {
		return
	}
	fmt.Fprintf(w, "%s by %s window:\n%8s %8s %9s %9s\n", kind, window, "from s", "ok", "p99 ms", "max ms")
	for _, x := range tl {
		fmt.Fprintf(w, "%8.0f %8d %9.2f %9.2f\n", x.From.Seconds(), x.OK, ms(x.P99), ms(x.Max))
	}
}

// Summary is the figures of one kind of request.
type Summary struct {
	Kind               string
	OK, Errors         int
	PerSecond          float64
	P50, P95, P99, Max time.Duration
	ErrorKinds         map[string]int
}

// Summaries returns the figures of every kind, sorted by name.
func (r *Recorder) Summaries() []Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Summary
	for kind, s := range r.kinds {
		lat := slices.Clone(s.lat)
		slices.Sort(lat)
		sum := Summary{Kind: kind, OK: len(lat), ErrorKinds: s.errors}
		for _, n := range s.errors {
			sum.Errors += n
		}
		if span := s.last.Sub(s.first).Seconds(); span > 0 {
			sum.PerSecond = float64(sum.OK) / span
		}
		if len(lat) > 0 {
			sum.P50, sum.P95, sum.P99, sum.Max = pct(lat, 50), pct(lat, 95), pct(lat, 99), lat[len(lat)-1]
		}
		out = append(out, sum)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// pct is the p-th percentile of sorted durations (nearest rank).
func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	if i < 1 {
		i = 1
	}
	return sorted[i-1]
}

// Print writes the table of figures.
func (r *Recorder) Print(w io.Writer) {
	fmt.Fprintf(w, "%-14s %8s %7s %9s %9s %9s %9s %9s\n", "request", "ok", "errors", "per sec", "p50 ms", "p95 ms", "p99 ms", "max ms")
	for _, s := range r.Summaries() {
		fmt.Fprintf(w, "%-14s %8d %7d %9.1f %9.2f %9.2f %9.2f %9.2f\n", s.Kind, s.OK, s.Errors, s.PerSecond,
			ms(s.P50), ms(s.P95), ms(s.P99), ms(s.Max))
		for e, n := range s.ErrorKinds {
			fmt.Fprintf(w, "    %dx %s\n", n, e)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
