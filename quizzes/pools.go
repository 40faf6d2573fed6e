package quizzes

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// poolTTL bounds how long a start may draw from pools read earlier. Within this process every change
// to the bank drops them at once (bankChanged); the TTL is for changes made by another server
// process sharing the database, which this one cannot see otherwise.
const poolTTL = 5 * time.Second

// poolCache keeps the questions each quiz's rules may draw, so that a bureau starting the same exam
// in the same minute reads the bank once instead of once per person.
type poolCache struct {
	gen     atomic.Uint64 // bumped by every change to the questions
	mu      sync.Mutex
	entries map[string]poolEntry // by the rules' JSON
	// flight makes the starts that miss together (the first second of an exam, or when the TTL runs
	// out in the middle of it) wait for one read of the bank instead of each making its own.
	flight singleflight.Group
}

type poolEntry struct {
	draws []ruleDraw // read-only once cached: draw works on copies
	gen   uint64
	at    time.Time
}

// bankChanged drops every cached pool; every write to the questions calls it. Category changes need
// not: a new category is empty, a renamed one keeps its path, and only an empty one can be deleted.
func (s *Service) bankChanged() { s.pool.gen.Add(1) }

// cachedPools returns the rules' pools, read from the database at most once per poolTTL and bank
// change. Checking a quiz's rules when it is saved never uses the cache (checkRules reads afresh).
func (s *Service) cachedPools(ctx context.Context, rules []Rule) ([]ruleDraw, error) {
	b, err := json.Marshal(rules)
	if err != nil {
		return nil, err
	}
	key := string(b)
	gen := s.pool.gen.Load()
	s.pool.mu.Lock()
	e, ok := s.pool.entries[key]
	s.pool.mu.Unlock()
	if ok && e.gen == gen && time.Since(e.at) < poolTTL {
		return e.draws, nil
	}
	// The generation is part of the flight's key: a read begun before a change to the bank is never
	// handed to a start that began after it.
	v, err, _ := s.pool.flight.Do(key+"#"+strconv.FormatUint(gen, 10), func() (any, error) {
		draws, err := s.pools(ctx, rules)
		if err != nil {
			return nil, err
		}
		s.pool.mu.Lock()
		if s.pool.entries == nil || len(s.pool.entries) > 1000 {
			s.pool.entries = map[string]poolEntry{}
		}
		s.pool.entries[key] = poolEntry{draws: draws, gen: gen, at: time.Now()}
		s.pool.mu.Unlock()
		return draws, nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]ruleDraw), nil
}
