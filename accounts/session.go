package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"peixun/ent"
	"peixun/ent/person"
	"peixun/ent/session"
	"peixun/fault"
)

// Caller is a signed-in person as the HTTP layer sees them: the session (nil for API tokens), the
// person and the actor built from them.
type Caller struct {
	Session *ent.Session
	Person  *ent.Person
	Actor   Actor
}

// dummyHash is checked when a username does not exist, so that a wrong username takes as long as a
// wrong password and does not reveal which usernames exist.
var dummyHash, _ = HashPassword("peixun-dummy-password-1")

// SignIn checks a username and password from an IP address and opens a new session. It enforces the
// per-IP rate limit and the per-account lock-out, and always issues a new session id.
func (s *Service) SignIn(ctx context.Context, username, password, ip, userAgent string) (string, *Caller, error) {
	if err := s.Hit(ctx, "signin:"+ip, s.Policy.IPAttempts, s.Policy.IPWindow); err != nil {
		return "", nil, err
	}
	p, err := s.personWithUnit(ctx, person.Username(normalizeUsername(username)))
	if ent.IsNotFound(err) {
		CheckPassword(dummyHash, password)
		return "", nil, fault.New(fault.Unauthorized, "auth.bad_credentials")
	}
	if err != nil {
		return "", nil, fmt.Errorf("looking up %q: %w", username, err)
	}
	now := s.now()
	if p.LockedUntil != nil && p.LockedUntil.After(now) {
		mins := int(p.LockedUntil.Sub(now).Minutes()) + 1
		return "", nil, fault.New(fault.Locked, "auth.locked").With("minutes", mins)
	}
	if !CheckPassword(p.PasswordHash, password) {
		if err := s.recordFailure(ctx, p.ID); err != nil {
			return "", nil, err
		}
		return "", nil, fault.New(fault.Unauthorized, "auth.bad_credentials")
	}
	if p.Status != person.StatusActive {
		return "", nil, fault.New(fault.Unauthorized, "auth.inactive")
	}
	token := randomToken(32)
	sess, err := s.client.Session.Create().SetTokenHash(hashToken(token)).SetPersonID(p.ID).SetCsrf(randomToken(24)).
		SetCreatedAt(now).SetLastSeenAt(now).SetExpiresAt(now.Add(s.Policy.SessionAbsolute)).
		SetIP(clip(ip, 64)).SetUserAgent(clip(userAgent, 255)).Save(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("opening session for %d: %w", p.ID, err)
	}
	if p.FailedLogins != 0 || p.LockedUntil != nil {
		if err := s.client.Person.UpdateOneID(p.ID).SetFailedLogins(0).ClearLockedUntil().Exec(ctx); err != nil {
			return "", nil, fmt.Errorf("resetting failures of %d: %w", p.ID, err)
		}
	}
	return token, &Caller{Session: sess, Person: p, Actor: ActorOf(p)}, nil
}

// recordFailure counts a failed sign-in in one statement and locks the account at the threshold.
func (s *Service) recordFailure(ctx context.Context, id int) error {
	if err := s.client.Person.UpdateOneID(id).AddFailedLogins(1).Exec(ctx); err != nil {
		return fmt.Errorf("counting failed sign-in of %d: %w", id, err)
	}
	n, err := s.client.Person.Update().Where(person.ID(id), person.FailedLoginsGTE(s.Policy.MaxFailures)).
		SetFailedLogins(0).SetLockedUntil(s.now().Add(s.Policy.LockFor)).Save(ctx)
	if err != nil {
		return fmt.Errorf("locking %d: %w", id, err)
	}
	if n > 0 {
		s.log.Warn("account locked after repeated failed sign-ins", "person", id)
	}
	return nil
}

// Session finds the live session of a cookie token. Idle and absolute time-outs end it; a session of
// a person who is no longer active ends too. last_seen_at is written at most once a minute so that
// ordinary page views do not each cost a write.
func (s *Service) Session(ctx context.Context, token string) (*Caller, error) {
	if token == "" {
		return nil, fault.New(fault.Unauthorized, "auth.required")
	}
	hash := hashToken(token)
	p, sess, ok := s.cachedSession(hash)
	if !ok {
		gen, at := s.sessions.gen.Load(), time.Now()
		var err error
		p, sess, err = s.personBySession(ctx, hash)
		if ent.IsNotFound(err) {
			return nil, fault.New(fault.Unauthorized, "auth.required")
		}
		if err != nil {
			return nil, fmt.Errorf("reading session: %w", err)
		}
		s.cacheSession(hash, p, sess, gen, at)
	}
	now := s.now()
	if !now.Before(sess.ExpiresAt) || !now.Before(sess.LastSeenAt.Add(s.Policy.SessionIdle)) {
		_ = s.client.Session.DeleteOneID(sess.ID).Exec(ctx)
		s.forgetSessions()
		return nil, fault.New(fault.Unauthorized, "auth.expired")
	}
	if p.Status != person.StatusActive {
		_ = endSessions(ctx, s.client, p.ID)
		s.forgetSessions()
		return nil, fault.New(fault.Unauthorized, "auth.inactive")
	}
	// Copies: the cached records are shared by every request of the session.
	pc, sc := *p, *sess
	if now.Sub(sess.LastSeenAt) > time.Minute {
		gen := s.sessions.gen.Load()
		if err := s.client.Session.Update().Where(session.ID(sess.ID)).SetLastSeenAt(now).Exec(ctx); err != nil {
			return nil, fmt.Errorf("touching session: %w", err)
		}
		sc.LastSeenAt = now
		touched := sc
		s.cacheSession(hash, p, &touched, gen, time.Now())
	}
	return &Caller{Session: &sc, Person: &pc, Actor: ActorOf(&pc)}, nil
}

// SignOut ends one session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	_, err := s.client.Session.Delete().Where(session.TokenHash(hashToken(token))).Exec(ctx)
	s.forgetSessions()
	if err != nil {
		return fmt.Errorf("ending session: %w", err)
	}
	return nil
}

// SignOutEverywhere ends every session of the person, on every device and replica.
func (s *Service) SignOutEverywhere(ctx context.Context, actor Actor, personID int) error {
	if personID != actor.PersonID {
		if _, err := s.Person(ctx, actor, personID); err != nil {
			return err
		}
	}
	err := endSessions(ctx, s.client, personID)
	s.forgetSessions()
	if err != nil {
		return err
	}
	return Audit(ctx, s.client, actor, "", "person.sign_out_everywhere", "person", personID, nil)
}

// PurgeSessions deletes sessions that have expired; a scheduled job calls it.
func (s *Service) PurgeSessions(ctx context.Context) (int, error) {
	now := s.now()
	n, err := s.client.Session.Delete().Where(session.Or(session.ExpiresAtLTE(now),
		session.LastSeenAtLTE(now.Add(-s.Policy.SessionIdle)))).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purging sessions: %w", err)
	}
	return n, nil
}

func endSessions(ctx context.Context, c *ent.Client, personID int) error {
	if _, err := c.Session.Delete().Where(session.PersonID(personID)).Exec(ctx); err != nil {
		return fmt.Errorf("ending sessions of %d: %w", personID, err)
	}
	return nil
}

// ActorOf builds the actor of a person loaded with its unit.
func ActorOf(p *ent.Person) Actor {
	a := Actor{PersonID: p.ID, Name: p.Name, UnitID: p.UnitID, Roles: p.Roles}
	if p.Edges.Unit != nil {
		a.UnitPath = p.Edges.Unit.Path
	}
	return a
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("reading random bytes: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s[:n])
	return string(r[:len(r)-1])
}

// personBySession reads a session, its person and the person's unit in one statement: every page
// a signed-in person opens pays for it.
func (s *Service) personBySession(ctx context.Context, tokenHash string) (*ent.Person, *ent.Session, error) {
	p, err := s.loadPerson(ctx, nil, func(sel *entsql.Selector) {
		t := entsql.Table(session.Table)
		text := func(col string) string { return "CAST(" + t.C(col) + " AS CHAR)" }
		sel.Join(t).On(sel.C(person.FieldID), t.C(session.FieldPersonID)).
			Where(entsql.EQ(t.C(session.FieldTokenHash), tokenHash)).
			// Time columns of a joined table have no scan type on SQLite: they are read as text.
			AppendSelect(entsql.As(t.C(session.FieldID), "session_id"), entsql.As(t.C(session.FieldCsrf), "session_csrf"),
				entsql.As(text(session.FieldCreatedAt), "session_created"), entsql.As(text(session.FieldLastSeenAt), "session_seen"),
				entsql.As(text(session.FieldExpiresAt), "session_expires"))
	})
	if err != nil {
		return nil, nil, err
	}
	sess := &ent.Session{TokenHash: tokenHash, PersonID: p.ID}
	v, err := p.Value("session_id")
	if err == nil {
		sess.ID, err = asInt(v)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading the session id: %w", err)
	}
	csrf, _ := p.Value("session_csrf")
	sess.Csrf = asString(csrf)
	for name, dst := range map[string]*time.Time{"session_created": &sess.CreatedAt, "session_seen": &sess.LastSeenAt, "session_expires": &sess.ExpiresAt} {
		v, _ := p.Value(name)
		t := asTime(v)
		if t == nil {
			return nil, nil, fmt.Errorf("reading the session's %s: unexpected value %v", name, v)
		}
		*dst = *t
	}
	return p, sess, nil
}
