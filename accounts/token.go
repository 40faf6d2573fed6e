package accounts

import (
	"context"
	"fmt"
	"strings"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"peixun/ent"
	"peixun/ent/apitoken"
	"peixun/ent/person"
	"peixun/fault"
)

// tokenPrefix marks Peixun API tokens so that secret scanners and people recognise them.
const tokenPrefix = "pxt_"

// CreateToken issues an API token for a person. The plain token is returned once and never stored.
func (s *Service) CreateToken(ctx context.Context, actor Actor, personID int, name string) (string, *ent.APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil, fault.Field("name", "field.required")
	}
	if len([]rune(name)) > 100 {
		return "", nil, fault.Field("name", "field.too_long", "max", 100)
	}
	if personID != actor.PersonID && !actor.IsAdmin() {
		return "", nil, fault.ForbiddenErr()
	}
	plain := tokenPrefix + randomToken(30)
	t, err := s.client.APIToken.Create().SetName(name).SetTokenHash(hashToken(plain)).SetPrefix(plain[:12]).
		SetPersonID(personID).SetCreatedAt(s.now()).Save(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("creating API token for %d: %w", personID, err)
	}
	if err := Audit(ctx, s.client, actor, "", "token.create", "api_token", t.ID, map[string]any{"person": personID, "name": name}); err != nil {
		return "", nil, err
	}
	return plain, t, nil
}

// Tokens lists a person's tokens (without secrets).
func (s *Service) Tokens(ctx context.Context, actor Actor, personID int) ([]*ent.APIToken, error) {
	if personID != actor.PersonID && !actor.IsAdmin() {
		return nil, fault.ForbiddenErr()
	}
	return s.client.APIToken.Query().Where(apitoken.PersonID(personID)).Order(ent.Desc(apitoken.FieldID)).All(ctx)
}

// RevokeToken ends an API token at once.
func (s *Service) RevokeToken(ctx context.Context, actor Actor, id int) error {
	t, err := s.client.APIToken.Get(ctx, id)
	if err != nil {
		return notFound(err, "api_token")
	}
	if t.PersonID != actor.PersonID && !actor.IsAdmin() {
		return fault.ForbiddenErr()
	}
	if t.RevokedAt != nil {
		return nil
	}
	if err := t.Update().SetRevokedAt(s.now()).Exec(ctx); err != nil {
		return fmt.Errorf("revoking token %d: %w", id, err)
	}
	return Audit(ctx, s.client, actor, "", "token.revoke", "api_token", id, nil)
}

// Token authenticates a bearer token.
func (s *Service) Token(ctx context.Context, plain string) (*Caller, error) {
	if !strings.HasPrefix(plain, tokenPrefix) {
		return nil, fault.New(fault.Unauthorized, "auth.bad_token")
	}
	// The token, its person and the person's unit in one statement: every API call pays for it.
	p, err := s.loadPerson(ctx, nil, func(sel *entsql.Selector) {
		t := entsql.Table(apitoken.Table)
		sel.Join(t).On(sel.C(person.FieldID), t.C(apitoken.FieldPersonID)).
			Where(entsql.And(entsql.EQ(t.C(apitoken.FieldTokenHash), hashToken(plain)), entsql.IsNull(t.C(apitoken.FieldRevokedAt)))).
			// A nullable time column in a join has no scan type on SQLite: read it as text.
			AppendSelect(entsql.As(t.C(apitoken.FieldID), "token_id"),
				entsql.As("COALESCE(CAST("+t.C(apitoken.FieldLastUsedAt)+" AS CHAR), '')", "token_last_used"))
	})
	if ent.IsNotFound(err) {
		return nil, fault.New(fault.Unauthorized, "auth.bad_token")
	}
	if err != nil {
		return nil, fmt.Errorf("reading token: %w", err)
	}
	if p.Status != person.StatusActive {
		return nil, fault.New(fault.Unauthorized, "auth.inactive")
	}
	v, err := p.Value("token_id")
	if err != nil {
		return nil, fmt.Errorf("reading token: %w", err)
	}
	tokenID, err := asInt(v)
	if err != nil {
		return nil, fmt.Errorf("reading token: %w", err)
	}
	last, _ := p.Value("token_last_used")
	now := s.now()
	if lastUsed := asTime(last); lastUsed == nil || now.Sub(*lastUsed) > time.Minute {
		// Update (not UpdateOne) is one statement, without the transaction and read-back of UpdateOne.
		_ = s.client.APIToken.Update().Where(apitoken.ID(tokenID)).SetLastUsedAt(now).Exec(ctx)
	}
	return &Caller{Person: p, Actor: ActorOf(p)}, nil
}

func normalizeUsername(u string) string { return strings.ToLower(strings.TrimSpace(u)) }
