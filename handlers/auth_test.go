package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"peixun/accounts"
	"peixun/database/dbtest"
)

func TestSignIn(t *testing.T) {
	e := newEnv(t)
	if err := e.acc.SetStatus(context.Background(), accounts.System, e.ids["learner2"], "suspended"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, username, password string
		status                   int
		body                     string
	}{
		{"good", "manager", accounts.DemoPassword, http.StatusSeeOther, ""},
		{"upper-case username", "MANAGER", accounts.DemoPassword, http.StatusSeeOther, ""},
		{"wrong password", "manager", "wrong-pass1", http.StatusOK, "用户名或密码不正确"},
		{"unknown user", "nobody", accounts.DemoPassword, http.StatusOK, "用户名或密码不正确"},
		{"suspended", "learner2", accounts.DemoPassword, http.StatusOK, "已停用"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := e.client()
			code, body, resp := cl.post("/login", url.Values{"username": {c.username}, "password": {c.password}})
			if code != c.status || !strings.Contains(body, c.body) {
				t.Fatalf("status %d, want %d; body has %q? %.200s", code, c.status, c.body, body)
			}
			gotSession := false
			for _, ck := range resp.Cookies() {
				gotSession = gotSession || (ck.Name == "px_session" && ck.Value != "")
			}
			if gotSession != (c.status == http.StatusSeeOther) {
				t.Fatalf("session cookie set = %v for status %d", gotSession, code)
			}
		})
	}
}

func TestNewSessionIDAtEverySignIn(t *testing.T) {
	e := newEnv(t)
	cl := e.client()
	var tokens []string
	for i := 0; i < 2; i++ {
		_, _, resp := cl.post("/login", url.Values{"username": {"learner1"}, "password": {accounts.DemoPassword}})
		for _, ck := range resp.Cookies() {
			if ck.Name == "px_session" {
				tokens = append(tokens, ck.Value)
			}
		}
		cl.get("/") // the signed-in page carries the session's CSRF token
	}
	if len(tokens) != 2 || tokens[0] == tokens[1] {
		t.Fatalf("session tokens %v: want two different ones", tokens)
	}
}

func TestLockOutAfterRepeatedFailures(t *testing.T) {
	e := newEnv(t)
	cl := e.client()
	for i := 0; i < e.acc.Policy.MaxFailures; i++ {
		cl.post("/login", url.Values{"username": {"learner1"}, "password": {"wrong-pass1"}})
	}
	code, body, _ := cl.post("/login", url.Values{"username": {"learner1"}, "password": {accounts.DemoPassword}})
	if code != http.StatusLocked || !strings.Contains(body, "账号已锁定") {
		t.Fatalf("after %d failures the right password gave %d: %.200s", e.acc.Policy.MaxFailures, code, body)
	}
	if n := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM sessions"); n != 0 {
		t.Fatalf("a locked account opened %d sessions", n)
	}
	e.clock.Add(e.acc.Policy.LockFor + time.Second)
	if code, _, _ := cl.post("/login", url.Values{"username": {"learner1"}, "password": {accounts.DemoPassword}}); code != http.StatusSeeOther {
		t.Fatalf("after the lock ran out, sign-in gave %d", code)
	}
}

func TestSignInRateLimitPerIP(t *testing.T) {
	e := newEnv(t)
	e.acc.Policy.IPAttempts = 3
	cl := e.client()
	for i := 0; i < 3; i++ {
		if code, _, _ := cl.post("/login", url.Values{"username": {"u" + string(rune('a'+i))}, "password": {"x"}}); code != http.StatusOK {
			t.Fatalf("attempt %d gave %d", i+1, code)
		}
	}
	// Different accounts, same IP: the fourth attempt is refused even with a right password.
	code, body, _ := cl.post("/login", url.Values{"username": {"manager"}, "password": {accounts.DemoPassword}})
	if code != http.StatusTooManyRequests || !strings.Contains(body, "尝试过于频繁") {
		t.Fatalf("fourth attempt from one IP gave %d: %.200s", code, body)
	}
	e.clock.Add(e.acc.Policy.IPWindow)
	if code, _, _ := cl.post("/login", url.Values{"username": {"manager"}, "password": {accounts.DemoPassword}}); code != http.StatusSeeOther {
		t.Fatalf("after the window, sign-in gave %d", code)
	}
}

func TestSessionTimeouts(t *testing.T) {
	e := newEnv(t)
	t.Run("idle", func(t *testing.T) {
		cl := e.client().login("learner1")
		e.clock.Add(e.acc.Policy.SessionIdle - time.Minute)
		if code, _ := cl.get("/"); code != http.StatusOK {
			t.Fatalf("within the idle time: %d", code)
		}
		e.clock.Add(e.acc.Policy.SessionIdle + time.Minute)
		if code, _ := cl.get("/"); code != http.StatusSeeOther {
			t.Fatalf("after the idle time: %d, want a redirect to sign-in", code)
		}
	})
	t.Run("absolute", func(t *testing.T) {
		cl := e.client().login("learner1")
		for elapsed := time.Duration(0); elapsed < e.acc.Policy.SessionAbsolute-time.Hour; elapsed += time.Hour {
			e.clock.Add(time.Hour)
			if code, _ := cl.get("/"); code != http.StatusOK {
				t.Fatalf("active session ended early at %v: %d", elapsed, code)
			}
		}
		e.clock.Add(2 * time.Hour)
		if code, _ := cl.get("/"); code != http.StatusSeeOther {
			t.Fatalf("after the absolute time-out: %d", code)
		}
	})
}

func TestSignOutEverywhere(t *testing.T) {
	e := newEnv(t)
	phone := e.client().login("learner1")
	desk := e.client().login("learner1")
	if code, _, _ := desk.post("/profile/sign-out-everywhere", nil); code != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: %d", code)
	}
	if code, _ := phone.get("/profile"); code != http.StatusSeeOther {
		t.Fatalf("the other device still signed in: %d", code)
	}
	if n := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM sessions WHERE person_id = ?", e.ids["learner1"]); n != 0 {
		t.Fatalf("%d sessions left", n)
	}
}

func TestCSRFRefused(t *testing.T) {
	e := newEnv(t)
	cl := e.client().login("learner1")
	good := cl.csrf
	cases := []struct {
		name, token string
		status      int
	}{
		{"missing", "-", http.StatusForbidden},
		{"wrong", "forged-token-value", http.StatusForbidden},
		{"right", good, http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			form := url.Values{"name": {"script " + c.name}, "_csrf": {c.token}}
			code, _, _ := cl.post("/profile/tokens", form)
			if code != c.status {
				t.Fatalf("status %d, want %d", code, c.status)
			}
		})
	}
	if n := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM api_tokens"); n != 1 {
		t.Fatalf("%d tokens created, want only the one with the right CSRF token", n)
	}
	anon := e.client()
	if code, _, _ := anon.post("/login", url.Values{"username": {"learner1"}, "password": {accounts.DemoPassword}, "_csrf": {"x"}}); code != http.StatusForbidden {
		t.Fatalf("sign-in with a forged CSRF token: %d", code)
	}
}

// TestEveryDemoAccountSignsIn: the README's demo accounts all work with the README's password.
func TestEveryDemoAccountSignsIn(t *testing.T) {
	e := newEnv(t)
	d := accounts.DemoAccounts
	for _, u := range []string{d.Admin, d.Trainer, d.Manager, d.Learner1, d.Learner2} {
		cl := e.client().login(u)
		if code, body := cl.get("/"); code != http.StatusOK || !strings.Contains(body, "您好") {
			t.Errorf("%s: home page %d", u, code)
		}
	}
}
