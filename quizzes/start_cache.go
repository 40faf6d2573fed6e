package quizzes

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// startCache is a read-through cache for what every start of an exam reads alike (the quiz, the pools
// of its rules), so that a bureau starting the same exam in the same second reads it once instead of
// once per person. An entry serves for ttl, and only while nothing has changed in this process since
// it was read (changed); the ttl is for changes made by another server process sharing the database,
// which this one cannot see otherwise. Cached values are shared: read-only.
type startCache[V any] struct {
	ttl     time.Duration
	gen     atomic.Uint64 // bumped by changed
	mu      sync.Mutex
	entries map[string]startEntry[V]
	// flight makes the starts that miss together (the first second of an exam, or when the ttl runs
	// out in the middle of it) wait for one read instead of each making its own.
	flight singleflight.Group
}

// readTimeout bounds a read or batch made for the starts waiting on it, which no request's context
// ends.
const readTimeout = 30 * time.Second

type startEntry[V any] struct {
	v   V
	gen uint64
	at  time.Time
}

// changed drops every entry: a read begun before it is never used after it.
func (c *startCache[V]) changed() { c.gen.Add(1) }

// get returns the entry of key, reading it with read when it is missing or stale.
func (c *startCache[V]) get(ctx context.Context, key string, read func(context.Context) (V, error)) (V, error) {
	gen := c.gen.Load()
	if v, ok := c.fresh(key, gen); ok {
		return v, nil
	}
	// The generation is part of the flight's key: a read begun before a change is never handed to a
	// start that began after it. The read does not end with the request that happens to lead it: the
	// others waiting on it would get that request's cancellation.
	v, err, _ := c.flight.Do(key+"#"+strconv.FormatUint(gen, 10), func() (any, error) {
		if v, ok := c.fresh(key, gen); ok { // stored by a flight that ended since the look above
			return v, nil
		}
		// Bounded all the same: every start waiting on the flight waits for this read.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), readTimeout)
		defer cancel()
		v, err := read(rctx)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.entries == nil || len(c.entries) > 1000 {
			c.entries = map[string]startEntry[V]{}
		}
		c.entries[key] = startEntry[V]{v: v, gen: gen, at: time.Now()}
		c.mu.Unlock()
		return v, nil
	})
	if err != nil {
		var zero V
		return zero, err
	}
	return v.(V), nil
}

// fresh returns the entry of key when it was read in generation gen less than ttl ago.
func (c *startCache[V]) fresh(key string, gen uint64) (V, bool) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && e.gen == gen && time.Since(e.at) < c.ttl {
		return e.v, true
	}
	var zero V
	return zero, false
}
