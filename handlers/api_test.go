package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"peixun/accounts"
	"peixun/database/dbtest"
)

func TestAPI(t *testing.T) {
	e := newEnv(t)
	adminTok := e.token("admin")
	learnerTok := e.token("learner1")
	squad := e.ids["unit:YH-ZFD-LZ"]

	code, me := e.api(learnerTok, "GET", "/api/v1/me", nil)
	if code != http.StatusOK || me["username"] != "learner1" || me["password_hash"] != nil {
		t.Fatalf("GET /me: %d %v", code, me)
	}
	cases := []struct {
		name, token, method, path string
		body                      any
		status                    int
		errCode, field            string
	}{
		{"no token", "", "GET", "/api/v1/me", nil, 401, "auth.required", ""},
		{"bad token", "pxt_nonsense", "GET", "/api/v1/me", nil, 401, "auth.bad_token", ""},
		{"learner lists people", learnerTok, "GET", "/api/v1/people", nil, 403, "forbidden", ""},
		{"bad JSON", adminTok, "POST", "/api/v1/people", "not an object", 422, "json.unreadable", ""},
		{"missing name", adminTok, "POST", "/api/v1/people", map[string]any{"username": "apiuser", "unit_id": squad}, 422, "field.required", "name"},
		{"bad date", adminTok, "POST", "/api/v1/people", map[string]any{"username": "apiuser", "name": "接口", "unit_id": squad, "credential_expires": "tomorrow"}, 422, "field.bad_date", "credential_expires"},
		{"no such person", adminTok, "GET", "/api/v1/people/999999", nil, 404, "not_found", ""},
		{"unknown route", adminTok, "GET", "/api/v1/nothing", nil, 404, "not_found", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := e.api(c.token, c.method, c.path, c.body)
			errObj, _ := body["error"].(map[string]any)
			if code != c.status || errObj == nil || errObj["code"] != c.errCode || (c.field != "" && errObj["field"] != c.field) {
				t.Fatalf("%d %v; want %d with code %q field %q", code, body, c.status, c.errCode, c.field)
			}
			if msg, _ := errObj["message"].(string); msg == "" || strings.Contains(msg, "err.") {
				t.Fatalf("error message %q is not a translated sentence", msg)
			}
		})
	}
	if n := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM persons WHERE username = 'apiuser'"); n != 0 {
		t.Fatalf("refused calls created %d people", n)
	}
	code, created := e.api(adminTok, "POST", "/api/v1/people", map[string]any{"username": "ApiUser", "name": "接口用户", "unit_id": squad, "category": "auxiliary", "credential_expires": "2027-01-31"})
	if code != http.StatusCreated || created["username"] != "apiuser" || created["category"] != "auxiliary" {
		t.Fatalf("create: %d %v", code, created)
	}
	id := int(created["id"].(float64))
	code, updated := e.api(adminTok, "PATCH", "/api/v1/people/"+strconv.Itoa(id), map[string]any{"phone": "13900001111"})
	if code != http.StatusOK || updated["phone"] != "13900001111" || updated["name"] != "接口用户" || updated["credential_expires"] == nil {
		t.Fatalf("partial update lost fields or failed: %d %v", code, updated)
	}
	code, list := e.api(adminTok, "GET", "/api/v1/people?q=接口&per_page=5", nil)
	if code != http.StatusOK || list["total"].(float64) != 1 {
		t.Fatalf("search: %d %v", code, list)
	}
	// A revoked token stops working at once.
	toks, _ := e.acc.Tokens(context.Background(), accounts.System, e.ids["learner1"])
	if err := e.acc.RevokeToken(context.Background(), accounts.System, toks[0].ID); err != nil {
		t.Fatal(err)
	}
	if code, _ := e.api(learnerTok, "GET", "/api/v1/me", nil); code != http.StatusUnauthorized {
		t.Fatalf("revoked token gave %d", code)
	}
}

func TestHealthAndLanguage(t *testing.T) {
	e := newEnv(t)
	cl := e.client()
	for _, p := range []string{"/healthz", "/readyz"} {
		if code, body := cl.get(p); code != http.StatusOK || !strings.Contains(body, `"status"`) {
			t.Errorf("%s: %d %s", p, code, body)
		}
	}
	if _, body := cl.get("/login"); !strings.Contains(body, "登录培训平台") || !strings.Contains(body, `lang="zh-CN"`) {
		t.Errorf("default language is not Chinese")
	}
	if _, body := cl.get("/login?lang=en"); !strings.Contains(body, "Sign in to Peixun") {
		t.Errorf("?lang=en did not switch to English")
	}
	if _, body := cl.get("/login"); !strings.Contains(body, "Sign in to Peixun") {
		t.Errorf("the English choice was not remembered")
	}
	browser := e.client()
	browser.lang = "en-GB,en;q=0.8"
	if _, body := browser.get("/login"); !strings.Contains(body, "Sign in to Peixun") {
		t.Errorf("Accept-Language en was not honoured")
	}
	cl.login("manager")
	if _, body := cl.get("/people"); !strings.Contains(body, "Enforcement officer") || strings.Contains(body, "执法人员</td>") {
		t.Errorf("the people list is not in English after the switch")
	}
}

// TestAPIUnitUpdateAllOrNothing: a PATCH that both moves and renames a unit changes nothing when
// the new code is taken, and does both when it is free.
func TestAPIUnitUpdateAllOrNothing(t *testing.T) {
	e := newEnv(t)
	tok := e.token("admin")
	team := strconv.Itoa(e.ids["unit:YH-ZFD-LZ-1"])
	office := e.ids["unit:YH-BGS"]
	code, out := e.api(tok, "PATCH", "/api/v1/units/"+team, map[string]any{"parent_id": office, "code": "YH-BGS"})
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("a taken code: %d %v", code, out)
	}
	if n := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM units WHERE id = ? AND parent_id = ?", e.ids["unit:YH-ZFD-LZ-1"], office); n != 0 {
		t.Fatalf("the refused update moved the unit")
	}
	code, out = e.api(tok, "PATCH", "/api/v1/units/"+team, map[string]any{"parent_id": office, "code": "YH-BGS-1", "name": "一分队"})
	if code != http.StatusOK || out["code"] != "YH-BGS-1" || int(out["parent_id"].(float64)) != office {
		t.Fatalf("move and rename: %d %v", code, out)
	}
}
