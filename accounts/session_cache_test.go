package accounts

import (
	"context"
	"slices"
	"testing"
	"time"
)

// Sessions are cached, but every change made through this process reaches the next request at once,
// and a change made through another process within the cache's TTL (sessionTTL, shortened here).
func TestSessionCacheSeesChanges(t *testing.T) {
	ctx := context.Background()
	fx := newRosterFixture(t)
	fx.svc.sessions.ttl = 300 * time.Millisecond
	const pw = "Lz-training-2021"
	p, err := fx.svc.CreatePerson(ctx, fx.admin, PersonInput{Username: "li.ming", Name: "李明", UnitID: fx.units["良渚中队"].ID,
		Category: "officer", Roles: []string{RoleLearner}, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	signIn := func() string {
		t.Helper()
		token, _, err := fx.svc.SignIn(ctx, "li.ming", pw, "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	wantIn := func(token string) *Caller {
		t.Helper()
		c, err := fx.svc.Session(ctx, token)
		if err != nil {
			t.Fatalf("session refused: %v", err)
		}
		return c
	}
	wantOut := func(token, code string) {
		t.Helper()
		_, err := fx.svc.Session(ctx, token)
		if got, _ := faultOf(err); got != code {
			t.Fatalf("session: %v, want %s", err, code)
		}
	}

	token := signIn()
	c := wantIn(token)
	c.Person.Name, c.Actor.Roles = "改名", nil // a handler changing its copy changes nothing cached
	if c := wantIn(token); c.Person.Name != "李明" || !slices.Contains(c.Actor.Roles, RoleLearner) {
		t.Fatalf("cached caller changed by a request: %q %v", c.Person.Name, c.Actor.Roles)
	}

	// An edit here: the next request has the new roles.
	in := PersonInput{Username: "li.ming", Name: "李明", UnitID: fx.units["良渚中队"].ID, Category: "officer", Roles: []string{RoleLearner, RoleTrainer}}
	if _, err := fx.svc.UpdatePerson(ctx, fx.admin, p.ID, in); err != nil {
		t.Fatal(err)
	}
	if c := wantIn(token); !slices.Contains(c.Actor.Roles, RoleTrainer) {
		t.Fatalf("roles after the edit: %v", c.Actor.Roles)
	}
	// A unit moved: the scope of the people below it changes at once.
	if err := fx.svc.MoveUnit(ctx, fx.admin, fx.units["良渚中队"].ID, fx.units["余杭区交通运输局"].ID); err != nil {
		t.Fatal(err)
	}
	if c := wantIn(token); c.Actor.UnitPath != ChildPath(fx.units["余杭区交通运输局"].Path, fx.units["良渚中队"].ID) {
		t.Fatalf("unit path after the move: %q", c.Actor.UnitPath)
	}

	// Suspension, sign-out and a password reset here end the session at once.
	if err := fx.svc.SetStatus(ctx, fx.admin, p.ID, "suspended"); err != nil {
		t.Fatal(err)
	}
	wantOut(token, "auth.required")
	if err := fx.svc.SetStatus(ctx, fx.admin, p.ID, "active"); err != nil {
		t.Fatal(err)
	}
	token = signIn()
	wantIn(token)
	if err := fx.svc.SignOut(ctx, token); err != nil {
		t.Fatal(err)
	}
	wantOut(token, "auth.required")
	token = signIn()
	wantIn(token)
	if err := fx.svc.SetPassword(ctx, fx.admin, p.ID, pw+"x"); err != nil {
		t.Fatal(err)
	}
	wantOut(token, "auth.required")

	// Another process suspends the person: this one refuses the session once the cache runs out.
	if err := fx.svc.SetPassword(ctx, fx.admin, p.ID, pw); err != nil {
		t.Fatal(err)
	}
	token = signIn()
	wantIn(token)
	other := New(fx.db, func() time.Time { return *fx.clock }, nil)
	if err := other.SetStatus(ctx, fx.admin, p.ID, "suspended"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(fx.svc.sessions.ttl)
	wantOut(token, "auth.required")
}
