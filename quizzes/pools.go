package quizzes

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// poolTTL bounds how long a start may draw from pools read earlier by this process (see startCache).
const poolTTL = 5 * time.Second

// bankChanged drops every cached pool; every write to the questions calls it. Category changes need
// not: a new category is empty, a renamed one keeps its path, and only an empty one can be deleted.
func (s *Service) bankChanged() { s.pool.changed() }

// poolsKey names a set of rules in the pools cache: quizzes with the same rules share their pools.
func poolsKey(rules []Rule) (string, error) {
	key, err := json.Marshal(rules)
	if err != nil {
		return "", fmt.Errorf("naming the pools of %d rules: %w", len(rules), err)
	}
	return string(key), nil
}

// cachedPools returns the pools of the rules named key (poolsKey), read from the database at most
// once per poolTTL and bank change. Checking a quiz's rules when it is saved never uses the cache
// (checkRules reads afresh).
func (s *Service) cachedPools(ctx context.Context, key string, rules []Rule) ([]ruleDraw, error) {
	return s.pool.get(ctx, key, func(ctx context.Context) ([]ruleDraw, error) {
		draws, err := s.pools(ctx, rules)
		if err != nil {
			return nil, err
		}
		// The papers drawn from these pools need their questions' options (to shuffle them) and
		// texts (to show them): read the versions not yet cached now, in one query, rather than
		// one query per question in every start that misses at the same moment.
		if err := s.cacheVersions(ctx, draws); err != nil {
			return nil, err
		}
		return draws, nil
	})
}
