package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"peixun/accounts"
	"peixun/handlers"
)

// callers of the authorization matrix, in the order of each row's expectations.
var callers = []string{"anonymous", "learner1", "trainer", "manager", "admin"}

// matrix says, for every route, what each caller gets: a = allowed (any answer but 401/403 or a
// redirect to sign-in), u = asked to sign in (401, or a redirect for pages), f = forbidden (403).
// :id is filled with a record inside the demo manager's unit (良渚中队); see TestManagerScope for
// records outside it. A route missing from this table fails the test.
var matrix = map[string]string{
	"GET /healthz":                         "aaaaa",
	"GET /readyz":                          "aaaaa",
	"GET /static/*":                        "aaaaa",
	"GET /login":                           "aaaaa",
	"POST /login":                          "aaaaa",
	"POST /logout":                         "uaaaa",
	"GET /":                                "uaaaa",
	"GET /profile":                         "uaaaa",
	"POST /profile/password":               "uaaaa",
	"POST /profile/sign-out-everywhere":    "uaaaa",
	"POST /profile/tokens":                 "uaaaa",
	"POST /profile/tokens/:id/revoke":      "uaffa", // the token is learner1's own
	"GET /units":                           "uffaa",
	"POST /units":                          "uffaa",
	"POST /units/:id":                      "uffaa",
	"POST /units/:id/move":                 "uffaa",
	"GET /people":                          "uffaa",
	"GET /people/new":                      "uffaa",
	"POST /people":                         "uffaa",
	"GET /people/:id":                      "uffaa",
	"POST /people/:id":                     "uffaa",
	"POST /people/:id/status":              "uffaa",
	"POST /people/:id/password":            "ufffa",
	"POST /people/:id/sign-out-everywhere": "uffaa",
	"GET /roster/import":                   "uffaa",
	"POST /roster/preview":                 "uffaa",
	"POST /roster/import":                  "uffaa",
	"GET /roster/export":                   "uffaa",
	"GET /roster/template":                 "uffaa",
	"GET /api/v1/me":                       "uaaaa",
	"GET /api/v1/units":                    "uffaa",
	"GET /api/v1/units/:id":                "uffaa",
	"POST /api/v1/units":                   "uffaa",
	"PATCH /api/v1/units/:id":              "uffaa",
	"GET /api/v1/people":                   "uffaa",
	"GET /api/v1/people/:id":               "uffaa",
	"POST /api/v1/people":                  "uffaa",
	"PATCH /api/v1/people/:id":             "uffaa",
}

func TestAuthorizationMatrix(t *testing.T) {
	e := newEnv(t)
	e.acc.Policy.IPAttempts = 1 << 20
	ctx := context.Background()
	_, tok, err := e.acc.CreateToken(ctx, accounts.System, e.ids["learner1"], "matrix")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{
		"/units/":          strconv.Itoa(e.ids["unit:YH-ZFD-LZ-1"]),
		"/people/":         strconv.Itoa(e.ids["learner1"]),
		"/profile/tokens/": strconv.Itoa(tok.ID),
	}
	s, err := handlers.New(handlers.Deps{DB: e.db, Accounts: e.acc})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range s.Echo().Routes() {
		if r.Path == "/*" || strings.HasSuffix(r.Name, "RouteNotFound") || r.Method == "echo_route_not_found" {
			continue
		}
		key := r.Method + " " + r.Path
		if seen[key] {
			continue
		}
		seen[key] = true
		want, ok := matrix[key]
		if !ok {
			t.Errorf("route %s has no entry in the authorization matrix", key)
			continue
		}
		path := fillPath(r.Path, ids)
		for i, who := range callers {
			got := e.outcome(who, r.Method, path)
			if got != want[i] {
				t.Errorf("%s as %s: got %c, want %c", key, who, got, want[i])
			}
		}
	}
	for key := range matrix {
		if !seen[key] {
			t.Errorf("matrix entry %s matches no registered route", key)
		}
	}
}

func fillPath(p string, ids map[string]string) string {
	p = strings.Replace(p, "/*", "/css/app.css", 1)
	for prefix, id := range ids {
		if i := strings.Index(p, prefix+":id"); i >= 0 {
			return p[:i] + prefix + id + p[i+len(prefix)+3:]
		}
	}
	return p
}

// outcome sends one request as a fresh session of the caller and classifies the answer.
func (e *env) outcome(who, method, path string) byte {
	cl := e.client()
	if who != "anonymous" {
		cl.login(who)
	} else {
		cl.get("/login")
	}
	var code int
	var resp *http.Response
	switch {
	case strings.HasPrefix(path, "/api/") && method != http.MethodGet:
		code, _, resp = cl.do(method, path, strings.NewReader("{}"), map[string]string{"Content-Type": "application/json", "X-CSRF-Token": cl.csrf})
	case method == http.MethodGet:
		code, _, resp = cl.do(method, path, nil, nil)
	default:
		code, _, resp = cl.post(path, url.Values{})
	}
	switch {
	case code == http.StatusForbidden:
		return 'f'
	case code == http.StatusUnauthorized:
		return 'u'
	case code == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login") && path != "/logout" && !strings.HasSuffix(path, "sign-out-everywhere"):
		return 'u'
	}
	return 'a'
}
