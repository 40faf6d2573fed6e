package accounts

import (
	"sync"
	"sync/atomic"
	"time"

	"peixun/ent"
)

// sessionTTL bounds how long a request may be let in on a session read earlier. Within this process
// every change that could end a session or change what its person may do (signing out, a password,
// a suspension, an edit, an import, a unit moved) drops the cache at once (forgetSessions); the TTL
// is for such a change made through another server process sharing the database, which reaches this
// one within it. Expiry and idle time are checked on every request, cached or not.
//
// Why 10 s: in an exam a learner saves an answer every few seconds, and a shorter TTL would miss
// between two saves; a sign-out or suspension made on another replica takes effect here within 10 s.
const sessionTTL = 10 * time.Second

// maxCachedSessions bounds the cache: a person and a session take about a kilobyte.
const maxCachedSessions = 20000

// sessionCache keeps the sessions in use with their people, so that a request costs no read of its
// session: in an exam every learner saves an answer every few seconds, and that read was the largest
// cost of a save.
type sessionCache struct {
	ttl     time.Duration // sessionTTL; tests shorten it
	gen     atomic.Uint64 // bumped by forgetSessions
	mu      sync.Mutex
	entries map[string]sessionEntry // by token hash
}

type sessionEntry struct {
	p    *ent.Person // read-only once cached; Session hands out copies
	sess *ent.Session
	gen  uint64
	at   time.Time
}

// forgetSessions drops every cached session. It is called after the change is committed: a read
// made before it is then stored under an old generation and never used.
func (s *Service) forgetSessions() { s.sessions.gen.Add(1) }

// cachedSession returns the cached person and session of a token hash, if fresh.
func (s *Service) cachedSession(hash string) (*ent.Person, *ent.Session, bool) {
	s.sessions.mu.Lock()
	e, ok := s.sessions.entries[hash]
	s.sessions.mu.Unlock()
	if !ok || e.gen != s.sessions.gen.Load() || time.Since(e.at) >= s.sessions.ttl {
		return nil, nil, false
	}
	return e.p, e.sess, true
}

// cacheSession stores a person and session read when the generation was gen.
func (s *Service) cacheSession(hash string, p *ent.Person, sess *ent.Session, gen uint64, at time.Time) {
	s.sessions.mu.Lock()
	defer s.sessions.mu.Unlock()
	if s.sessions.entries == nil {
		s.sessions.entries = map[string]sessionEntry{}
	}
	// Bounded: past maxCachedSessions the stale entries go, and if nearly all are fresh, all of them
	// (so that the sweep is not made again at the next insert).
	if len(s.sessions.entries) >= maxCachedSessions {
		for h, e := range s.sessions.entries {
			if time.Since(e.at) >= s.sessions.ttl {
				delete(s.sessions.entries, h)
			}
		}
		if len(s.sessions.entries) >= maxCachedSessions*9/10 {
			clear(s.sessions.entries)
		}
	}
	s.sessions.entries[hash] = sessionEntry{p: p, sess: sess, gen: gen, at: at}
}
