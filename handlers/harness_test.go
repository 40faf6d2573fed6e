package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"peixun/accounts"
	"peixun/certificates"
	"peixun/courses"
	"peixun/database"
	"peixun/database/dbtest"
	"peixun/handlers"
	"peixun/quizzes"
	"peixun/training"
)

// clock is a settable time source so that tests can move time forward.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a running platform over a real database with the demo data, served over real HTTP.
type env struct {
	t     testing.TB
	db    *database.DB
	acc   *accounts.Service
	srv   *httptest.Server
	clock *clock
	ids   map[string]int
	// courses is the courses domain on the same clock, over a file bucket in blobDir, with the demo courses.
	courses *courses.Service
	blobDir string
	quiz    *quizzes.Service // the quizzes domain, with the demo bank and quizzes
	// tr is the training domain on the same clock with the demo programs (ids by kind in programs);
	// sched holds the scheduled checks, registered but not started.
	tr       *training.Service
	sched    *training.Scheduler
	programs map[string]int
	certs    *certificates.Service // on the same clock; QR codes point at srv
}

func newEnv(t testing.TB) *env {
	t.Helper()
	db := dbtest.Open(t)
	clk := &clock{t: time.Now().UTC()}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	acc := accounts.New(db, clk.Now, log)
	ids, err := acc.SeedDemo(context.Background())
	if err != nil {
		t.Fatalf("seeding demo: %v", err)
	}
	qz := quizzes.New(db, clk.Now, log)
	if err := quizzes.SeedDemo(context.Background(), qz, ids["trainer"]); err != nil {
		t.Fatalf("seeding demo quizzes: %v", err)
	}
	cs, blobDir := newCourses(t, db, clk, log, ids["trainer"])
	srv := httptest.NewUnstartedServer(nil) // listening already: its address goes into the QR codes
	base := "http://" + srv.Listener.Addr().String()
	certs := newCertificates(t, db, clk, log, base)
	tr, sched, programs := newTraining(t, db, clk, log, acc, cs, ids, certs)
	s, err := handlers.New(handlers.Deps{DB: db, Accounts: acc, Courses: cs, Quizzes: qz, Training: tr, Scheduler: sched,
		Certificates: certs, BaseURL: base, Log: log, Version: "test"})
	if err != nil {
		t.Fatalf("building server: %v", err)
	}
	srv.Config.Handler = s
	srv.Start()
	t.Cleanup(srv.Close)
	e := &env{t: t, db: db, acc: acc, srv: srv, clock: clk, ids: ids, courses: cs, blobDir: blobDir, quiz: qz}
	e.tr, e.sched, e.programs = tr, sched, programs
	e.certs = certs
	return e
}

// client is a browser: a cookie jar, no automatic redirects, and the last CSRF token seen.
type client struct {
	e    *env
	http *http.Client
	csrf string
	lang string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// do sends a request and returns the status, the body and the response.
func (c *client) do(method, path string, body io.Reader, header map[string]string) (int, string, *http.Response) {
	c.e.t.Helper()
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", method, path, err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfRe.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(b), resp
}

func (c *client) get(path string) (int, string) {
	c.e.t.Helper()
	code, body, _ := c.do(http.MethodGet, path, nil, nil)
	return code, body
}

// post submits a form with the current CSRF token (fetching a page first if none was seen).
func (c *client) post(path string, form url.Values) (int, string, *http.Response) {
	c.e.t.Helper()
	if c.csrf == "" {
		c.get("/login")
	}
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", c.csrf)
	}
	return c.do(http.MethodPost, path, strings.NewReader(form.Encode()), map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
}

// login signs in and fails the test if it does not work.
func (c *client) login(username string) *client {
	c.e.t.Helper()
	code, body, resp := c.post("/login", url.Values{"username": {username}, "password": {accounts.DemoPassword}})
	if code != http.StatusSeeOther {
		c.e.t.Fatalf("signing in as %s: status %d, body %.300s", username, code, body)
	}
	_ = resp
	c.get("/") // picks up the session's CSRF token
	return c
}

// api calls the JSON API with a bearer token.
func (e *env) api(token, method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, r)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// token issues an API token for a demo account.
func (e *env) token(username string) string {
	e.t.Helper()
	id := e.ids[username]
	plain, _, err := e.acc.CreateToken(context.Background(), accounts.System, id, "test")
	if err != nil {
		e.t.Fatalf("token for %s: %v", username, err)
	}
	return plain
}
