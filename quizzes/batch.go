package quizzes

import (
	"context"
	"sync"
)

// batcher gathers the calls that arrive while earlier ones are running, and runs them together.
// A whole bureau starts an exam in the same second: one statement for many people costs the
// database far less than one statement each. When calls are few nothing waits: the first leaves at
// once, and only the calls that arrive while it runs are gathered for the next.
type batcher[In, Out any] struct {
	maxFlights int // batches running at once
	maxBatch   int // calls per batch
	// run does a batch and returns one result per call, in order. It gets no request's context: a
	// batch serves several requests, and one leaving must not cancel the others.
	run func(ctx context.Context, in []In) []result[Out]

	mu      sync.Mutex
	pending []*call[In, Out]
	flights int
}

type result[Out any] struct {
	v   Out
	err error
}

type call[In, Out any] struct {
	in   In
	done chan result[Out] // buffered: a batch never waits for its caller
}

// do runs one call with whatever others are waiting, and returns its own result.
func (b *batcher[In, Out]) do(ctx context.Context, in In) (Out, error) {
	c := &call[In, Out]{in: in, done: make(chan result[Out], 1)}
	b.mu.Lock()
	b.pending = append(b.pending, c)
	if b.flights < b.maxFlights {
		b.flights++
		go b.flush()
	}
	b.mu.Unlock()
	select {
	case r := <-c.done:
		return r.v, r.err
	case <-ctx.Done():
		var zero Out
		return zero, ctx.Err()
	}
}

// flush runs what is pending, batch after batch, until nothing is.
func (b *batcher[In, Out]) flush() {
	for {
		b.mu.Lock()
		if len(b.pending) == 0 {
			b.flights--
			b.mu.Unlock()
			return
		}
		n := min(len(b.pending), b.maxBatch)
		batch := b.pending[:n:n]
		b.pending = b.pending[n:]
		b.mu.Unlock()
		in := make([]In, len(batch))
		for i, c := range batch {
			in[i] = c.in
		}
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout) // a hung batch must not hold a flight
		out := b.run(ctx, in)
		cancel()
		for i, c := range batch {
			c.done <- out[i]
		}
	}
}
