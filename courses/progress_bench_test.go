package courses

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkReport measures one progress report (one read, one conditional write) on the database the
// environment selects (PEIXUN_TEST_MYSQL_DSN for MariaDB). Every report of a person comes 15 s after
// their previous one, 15 s further into the video, as the player sends them: each one credits time
// and writes. The p99-ms metric is the 99th percentile latency of the run.
func BenchmarkReport(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	m, err := e.svc.Upload(ctx, e.trainer, "v.mp4", bytesReader(mp4Bytes(100)), KindVideo)
	if err != nil {
		b.Fatal(err)
	}
	_, ls := e.course(b, CourseInput{Title: "bench", NoSkip: true}, true,
		LessonInput{Title: "v", Kind: KindVideo, MaterialID: m.ID, MinSeconds: 24 * 3600})
	people := e.people(b, "p", 64)
	seq := make([]atomic.Int64, len(people)) // per person, so time and position only move forward
	start := e.clock.Now()
	var mu sync.Mutex
	var lat []time.Duration
	run := func(k int) {
		i := seq[k].Add(1)
		t0 := time.Now()
		_, err := e.svc.Report(ctx, people[k], ls[0].ID, float64(i*15), start.Add(time.Duration(i)*15*time.Second))
		d := time.Since(t0)
		if err != nil {
			b.Error(err)
			return
		}
		mu.Lock()
		lat = append(lat, d)
		mu.Unlock()
	}
	p99 := func(b *testing.B) {
		mu.Lock()
		defer mu.Unlock()
		if len(lat) > 0 {
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		}
		lat = lat[:0]
	}
	b.Run("sequential", func(b *testing.B) {
		for b.Loop() {
			run(0)
		}
		p99(b)
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(8) // 16 concurrent reporters on 2 cores, flat out
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			// Each goroutine plays as its own person, as many learners would.
			k := 1 + int(next.Add(1))%(len(people)-1)
			for pb.Next() {
				run(k)
			}
		})
		p99(b)
	})
	b.Run("at500persec", func(b *testing.B) {
		// The speed target: p99 at 500 reports per second. Reports start on a 2 ms ticker, each in
		// its own goroutine, whatever the earlier ones are doing (an open-loop load).
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		var wg sync.WaitGroup
		for i := range b.N {
			<-tick.C
			wg.Add(1)
			go func() {
				defer wg.Done()
				run(1 + i%(len(people)-1))
			}()
		}
		wg.Wait()
		p99(b)
	})
}
