package accounts_test

import (
	"context"
	"testing"
	"time"

	"peixun/accounts"
	"peixun/database/dbtest"
	"peixun/fault"
)

// TestTokenResolvesCallerAndLastUse: a token resolves its person and unit in one statement, writes
// its last use at most once a minute, and stops working when revoked.
func TestTokenResolvesCallerAndLastUse(t *testing.T) {
	db := dbtest.Open(t)
	now := time.Date(2021, 6, 1, 8, 0, 0, 0, time.UTC)
	s := accounts.New(db, func() time.Time { return now }, nil)
	ctx := context.Background()
	ids, err := s.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plain, tok, err := s.CreateToken(ctx, accounts.System, ids["learner1"], "script")
	if err != nil {
		t.Fatal(err)
	}
	lastUse := func() time.Time {
		t.Helper()
		got, err := db.Client.APIToken.Get(ctx, tok.ID)
		if err != nil || got.LastUsedAt == nil {
			t.Fatalf("last use: %v %v", got, err)
		}
		return got.LastUsedAt.UTC()
	}
	cl, err := s.Token(ctx, plain)
	if err != nil || cl.Person.ID != ids["learner1"] || cl.Actor.UnitPath == "" || cl.Person.Edges.Unit.Name == "" {
		t.Fatalf("caller %+v, %v", cl, err)
	}
	first := lastUse()
	now = now.Add(30 * time.Second)
	if _, err := s.Token(ctx, plain); err != nil {
		t.Fatal(err)
	}
	if got := lastUse(); !got.Equal(first) {
		t.Fatalf("last use written again after 30 s: %v → %v", first, got)
	}
	now = now.Add(time.Minute)
	if _, err := s.Token(ctx, plain); err != nil {
		t.Fatal(err)
	}
	if got := lastUse(); !got.After(first) {
		t.Fatalf("last use not written after a minute and a half: %v", got)
	}
	if err := s.RevokeToken(ctx, accounts.System, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Token(ctx, plain); !fault.Is(err, fault.Unauthorized) {
		t.Fatalf("revoked token: %v", err)
	}
}
