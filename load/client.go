package load

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/encoding/json"
)

// Learner is one signed-in person: their own cookies and CSRF token, as a browser holds them.
type Learner struct {
	Username string
	base     string
	http     *http.Client
	csrf     string
}

// NewTransport is shared by every learner: thousands of people behind one load balancer are many
// connections, so the pool is large.
func NewTransport(conns int) *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
	}
}

var (
	formCSRF = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	metaCSRF = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)
)

// SignIn signs a learner in through the sign-in form, as a browser would.
func SignIn(ctx context.Context, tr http.RoundTripper, base, username, password string) (*Learner, error) {
	jar, _ := cookiejar.New(nil)
	l := &Learner{Username: username, base: strings.TrimRight(base, "/"), http: &http.Client{Transport: tr, Jar: jar,
		Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	body, err := l.page(ctx, "/login")
	if err != nil {
		return nil, err
	}
	m := formCSRF.FindStringSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("no CSRF token on the sign-in page")
	}
	form := url.Values{"_csrf": {m[1]}, "username": {username}, "password": {password}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, l.base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := l.http.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("signing in as %s: HTTP %d", username, resp.StatusCode)
	}
	if body, err = l.page(ctx, "/quizzes"); err != nil {
		return nil, err
	}
	if m = metaCSRF.FindStringSubmatch(body); m == nil {
		return nil, fmt.Errorf("no CSRF token after signing in as %s", username)
	}
	l.csrf = m[1]
	return l, nil
}

func (l *Learner) page(ctx context.Context, path string) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, l.base+path, nil)
	resp, err := l.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: HTTP %d", path, resp.StatusCode)
	}
	return string(b), nil
}

// JSON sends an API request with the session cookie and CSRF header and decodes the answer into out
// (when not nil). A status other than 2xx is an error that names it.
func (l *Learner) JSON(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, _ := http.NewRequestWithContext(ctx, method, l.base+path, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-CSRF-Token", l.csrf)
	resp, err := l.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	buf := bodies.Get().(*bytes.Buffer)
	defer bodies.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if out != nil {
		// With the default flags segmentio copies strings out of the input, so nothing decoded points
		// into buf once it is back in the pool (no target type here has an UnmarshalJSON method).
		return json.Unmarshal(buf.Bytes(), out)
	}
	return nil
}

// bodies holds the buffers that API answers are read into. The tool shares two cores with the server
// it measures: a fresh buffer per answer, grown as it is read, was garbage that its collector then
// took from the server.
var bodies = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 16<<10)) }}

// Get fetches a page and discards it.
func (l *Learner) Get(ctx context.Context, path string) error {
	_, err := l.page(ctx, path)
	return err
}
