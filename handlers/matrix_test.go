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
	// Quizzes (issue 4): :attempt is learner1's attempt at the demo practice quiz.
	"GET /quizzes":                             "uaaaa",
	"GET /quizzes/:quiz/start":                 "uaaaa",
	"POST /quizzes/:quiz/start":                "uaaaa",
	"GET /attempts/:attempt":                   "uafff",
	"POST /attempts/:attempt/submit":           "uafff",
	"GET /my/attempts":                         "uaaaa",
	"GET /my/wrong-book":                       "uaaaa",
	"POST /my/wrong-book/practice":             "uaaaa",
	"GET /manage/questions":                    "ufafa",
	"GET /manage/questions/new":                "ufafa",
	"POST /manage/questions":                   "ufafa",
	"GET /manage/questions/import":             "ufafa",
	"POST /manage/questions/import/preview":    "ufafa",
	"POST /manage/questions/import":            "ufafa",
	"GET /manage/questions/template":           "ufafa",
	"GET /manage/questions/export":             "ufafa",
	"GET /manage/questions/:question":          "ufafa",
	"POST /manage/questions/:question":         "ufafa",
	"POST /manage/questions/:question/retire":  "ufafa",
	"POST /manage/categories":                  "ufafa",
	"POST /manage/categories/:category":        "ufafa",
	"POST /manage/categories/:category/delete": "ufafa",
	"GET /manage/quizzes":                      "ufaaa",
	"GET /manage/quizzes/new":                  "ufafa",
	"POST /manage/quizzes":                     "ufafa",
	"GET /manage/quizzes/:quiz":                "ufafa",
	"POST /manage/quizzes/:quiz":               "ufafa",
	"POST /manage/quizzes/:quiz/status":        "ufafa",
	"GET /manage/quizzes/:quiz/results":        "ufaaa",
	"GET /manage/quizzes/:quiz/results.xlsx":   "ufaaa",
	"GET /manage/quizzes/:quiz/statistics":     "ufafa",
	"GET /manage/quizzes/:quiz/grading":        "ufafa",
	"POST /manage/quizzes/:quiz/grading":       "ufafa",
	"GET /manage/quizzes/:quiz/ranking":        "ufafa",
	"GET /manage/attempts/:attempt":            "ufafa",
	"GET /api/v1/quizzes":                      "uaaaa",
	"GET /api/v1/quizzes/:quiz":                "uaaaa",
	"POST /api/v1/quizzes/:quiz/attempts":      "uaaaa",
	"GET /api/v1/attempts/:attempt":            "uafff",
	"POST /api/v1/attempts/:attempt/answers":   "uafff",
	"POST /api/v1/attempts/:attempt/submit":    "uafff",
	"GET /api/v1/my/attempts":                  "uaaaa",
	"GET /api/v1/questions":                    "ufafa",
	"GET /api/v1/questions/:question":          "ufafa",
	"POST /api/v1/questions":                   "ufafa",
	"POST /api/v1/questions/import":            "ufafa",
	// -- quizzes matrix end --
	// Courses (issue 3): :id is the first demo course, its text lesson (learner1 has studied it, so it
	// cannot be deleted), its PDF, and a session the demo trainer recorded; :code stays an unknown code.
	"GET /manage/courses":                        "ufafa",
	"GET /manage/courses/new":                    "ufafa",
	"POST /manage/courses":                       "ufafa",
	"GET /manage/courses/:id":                    "ufafa",
	"POST /manage/courses/:id":                   "ufafa",
	"POST /manage/courses/:id/status":            "ufafa",
	"POST /manage/courses/:id/delete":            "ufafa",
	"GET /manage/courses/:id/lessons/new":        "ufafa",
	"POST /manage/courses/:id/lessons":           "ufafa",
	"GET /manage/lessons/:id":                    "ufafa",
	"POST /manage/lessons/:id":                   "ufafa",
	"POST /manage/lessons/:id/delete":            "ufafa",
	"POST /manage/lessons/:id/up":                "ufafa",
	"POST /manage/lessons/:id/down":              "ufafa",
	"POST /manage/materials":                     "ufafa",
	"GET /materials/:id":                         "uaaaa",
	"GET /courses":                               "uaaaa",
	"GET /courses/:id":                           "uaaaa",
	"GET /lessons/:id":                           "uaaaa",
	"GET /manage/lectures":                       "ufafa",
	"GET /manage/lectures/new":                   "ufafa",
	"POST /manage/lectures":                      "ufafa",
	"GET /manage/lectures/:id":                   "ufafa",
	"POST /manage/lectures/:id/attendees":        "ufafa",
	"POST /manage/lectures/:id/attendees/remove": "ufafa",
	"POST /manage/lectures/:id/checkin":          "ufafa",
	"GET /manage/lectures/:id/qr.png":            "ufafa",
	"GET /checkin":                               "uaaaa",
	"GET /checkin/:code":                         "uaaaa",
	"POST /checkin/:code":                        "uaaaa",
	"GET /api/v1/courses":                        "uaaaa",
	"GET /api/v1/courses/:id":                    "uaaaa",
	"POST /api/v1/lessons/:id/progress":          "uaaaa",
	"GET /api/v1/me/progress":                    "uaaaa",
	"GET /api/v1/me/hours":                       "uaaaa",
	"GET /api/v1/lectures":                       "ufafa",
	"POST /api/v1/lectures":                      "ufafa",
	"GET /api/v1/lectures/:id/attendees":         "ufafa",
	"POST /api/v1/lectures/:id/attendees":        "ufafa",
	// -- courses matrix end --
	// Training (issue 5): :program is the demo rotational training (learner1 is enrolled), :enrollment
	// an unfinished enrollment in the manager's unit, :notification learner1's, :job purge_sessions.
	"GET /programs":                                 "uaaaa",
	"GET /programs/new":                             "ufafa",
	"POST /programs":                                "ufafa",
	"GET /programs/:program":                        "uaaaa",
	"GET /programs/:program/edit":                   "ufafa",
	"POST /programs/:program":                       "ufafa",
	"POST /programs/:program/status":                "ufafa",
	"POST /programs/:program/delete":                "ufafa",
	"POST /programs/:program/remind":                "uffaa",
	"POST /enrollments/:enrollment/exempt":          "uffaa",
	"POST /enrollments/:enrollment/unexempt":        "uffaa",
	"GET /inbox":                                    "uaaaa",
	"POST /inbox/read-all":                          "uaaaa",
	"POST /inbox/:notification/read":                "uaaaa",
	"GET /admin/jobs":                               "ufffa",
	"POST /admin/jobs/:job/run":                     "ufffa",
	"GET /api/v1/programs":                          "uaaaa",
	"GET /api/v1/programs/:program":                 "uaaaa",
	"GET /api/v1/programs/:program/enrollments":     "uffaa",
	"GET /api/v1/programs/:program/completion":      "uffaa",
	"POST /api/v1/programs/:program/remind":         "uffaa",
	"POST /api/v1/enrollments/:enrollment/exempt":   "uffaa",
	"POST /api/v1/enrollments/:enrollment/unexempt": "uffaa",
	"GET /api/v1/my/programs":                       "uaaaa",
	// -- training matrix end --
	// Certificates (issue 6): :certificate is learner1's certificate of a test program (learner1 is in
	// the manager's unit), :verification its code; the preview uses the training entries' :program.
	"GET /certificates":                              "uaaaa",
	"GET /certificates/:certificate/pdf":             "uafaa",
	"GET /manage/certificates":                       "uffaa",
	"GET /manage/certificates/zip":                   "uffaa",
	"GET /manage/certificates/new":                   "ufffa",
	"POST /manage/certificates":                      "ufffa",
	"POST /manage/certificates/seal":                 "ufffa",
	"GET /manage/certificates/seal.png":              "ufffa",
	"POST /manage/certificates/render":               "ufffa",
	"GET /manage/certificates/:certificate":          "uffaa",
	"POST /manage/certificates/:certificate/revoke":  "ufffa",
	"POST /manage/certificates/:certificate/reissue": "ufffa",
	"GET /programs/:program/certificate-preview":     "ufafa",
	"GET /verify":                                   "aaaaa",
	"GET /verify/check":                             "aaaaa",
	"POST /verify/check":                            "aaaaa",
	"GET /verify/:verification":                     "aaaaa",
	"GET /api/v1/my/certificates":                   "uaaaa",
	"GET /api/v1/certificates":                      "uffaa",
	"GET /api/v1/certificates/:certificate":         "uafaa",
	"POST /api/v1/certificates/:certificate/revoke": "ufffa",
	"GET /api/v1/verify/:verification":              "aaaaa",
	// -- certificates matrix end --
	// Reports (issue 7): :person is learner1, in the demo manager's unit.
	"GET /dashboard":                        "uffaa",
	"GET /dashboard/rankings":               "uffaa",
	"GET /dashboard/export":                 "uffaa",
	"GET /dashboard/report.pdf":             "uffaa",
	"GET /people/:person/record":            "uffaa",
	"GET /people/:person/record.pdf":        "uffaa",
	"GET /my/record":                        "uaaaa",
	"GET /my/record.pdf":                    "uaaaa",
	"GET /api/v1/dashboard":                 "uffaa",
	"GET /api/v1/programs/:program/ranking": "uffaa",
	// -- reports matrix end --
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
	for k, v := range courseMatrixIDs(t, e) { // /courses/, /lessons/, /materials/, /lectures/ :id
		ids[k] = v
	}
	for k, v := range quizMatrixIDs(t, e) { // named params (:quiz, :question, …) of the quizzes routes
		ids[k] = v
	}
	for k, v := range trainingMatrixIDs(t, e) { // :program, :enrollment, :notification, :job
		ids[k] = v
	}
	ids[":person"] = strconv.Itoa(e.ids["learner1"]) // reports: the study record
	for k, v := range certMatrixIDs(t, e) {          // :certificate, :verification (and :program if none yet)
		if _, taken := ids[k]; !taken {
			ids[k] = v
		}
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
	for name, id := range ids { // a key ":name" fills that named parameter
		if strings.HasPrefix(name, ":") {
			p = strings.Replace(p, name, id, 1)
		}
	}
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
