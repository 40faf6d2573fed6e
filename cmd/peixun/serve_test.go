package main

import (
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"peixun/accounts"
	"peixun/database/dbtest"
)

// TestMain lets the test binary act as the peixun command, so tests can start real server processes
// without building anything.
func TestMain(m *testing.M) {
	if os.Getenv("PEIXUN_BE_MAIN") == "1" {
		os.Args = append([]string{"peixun"}, strings.Fields(os.Getenv("PEIXUN_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startServe runs `peixun serve` as a separate process and waits until it is ready.
func startServe(t *testing.T, dbURL string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "PEIXUN_BE_MAIN=1", "PEIXUN_ARGS=serve", "PEIXUN_ADDR="+addr, "PEIXUN_DATABASE_URL="+dbURL,
		"PEIXUN_LOG_LEVEL=warn", "PEIXUN_BLOB_URL=file://"+t.TempDir())
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Signal(os.Interrupt); _, _ = cmd.Process.Wait() })
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("server on %s did not become ready", addr)
	return ""
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func getCSRF(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := csrfRe.FindSubmatch(b)
	if m == nil {
		t.Fatalf("no CSRF token on %s (status %d)", u, resp.StatusCode)
	}
	return string(m[1])
}

// TestTwoServersShareSessions: a session opened on one replica is valid on another, and signing out
// on the second ends it on the first. Sessions live in the database, not in a process.
func TestTwoServersShareSessions(t *testing.T) {
	dbURL := dbtest.URL(t)
	a := startServe(t, dbURL)
	b := startServe(t, dbURL)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	token := getCSRF(t, c, a+"/login")
	resp, err := c.PostForm(a+"/login", url.Values{"_csrf": {token}, "username": {"manager"}, "password": {accounts.DemoPassword}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in on A: %v %v", err, resp)
	}
	resp.Body.Close()
	// The cookie jar is per host:port; copy the session cookie to B's address.
	au, _ := url.Parse(a)
	bu, _ := url.Parse(b)
	jar.SetCookies(bu, jar.Cookies(au))
	resp, err = c.Get(b + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "沈中队长") {
		t.Fatalf("B did not accept A's session: %d", resp.StatusCode)
	}
	csrf := csrfRe.FindSubmatch(body)
	resp, err = c.PostForm(b+"/logout", url.Values{"_csrf": {string(csrf[1])}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// A's cookie jar still holds the old session cookie: replay it against A.
	resp, err = c.Get(a + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("A still accepts a session ended on B: %d", resp.StatusCode)
	}
}

func TestCommandsHaveHelp(t *testing.T) {
	for _, args := range []string{"--help", "serve --help", "migrate --help", "seed --help", "user --help", "version"} {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "PEIXUN_BE_MAIN=1", "PEIXUN_ARGS="+args, "PEIXUN_DATABASE_URL=sqlite://"+t.TempDir()+"/x.db")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(strings.ToLower(string(out)), "peixun") {
			t.Errorf("peixun %s: %v\n%s", args, err, out)
		}
	}
}

func TestUserCommands(t *testing.T) {
	dbURL := "sqlite://" + t.TempDir() + "/u.db"
	run := func(args string) (string, error) {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "PEIXUN_BE_MAIN=1", "PEIXUN_ARGS="+args, "PEIXUN_DATABASE_URL="+dbURL)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	steps := []struct {
		args, want string
		fail       bool
	}{
		{"seed", "demo data added", false},
		{"seed", "already has data", false},
		{"user add --username Boss --name 局长 --password Boss2021x", "administrator boss created", false},
		{"user add --username boss --name 局长 --password Boss2021x", "", true},
		{"user passwd --username boss --password short", "", true},
		{"user passwd --username boss --password Longer2021", "password of boss reset", false},
		{"user token --username boss --name ci", "pxt_", false},
	}
	for _, s := range steps {
		out, err := run(s.args)
		if (err != nil) != s.fail || !strings.Contains(out, s.want) {
			t.Errorf("peixun %s: err=%v out=%s", s.args, err, out)
		}
	}
}
