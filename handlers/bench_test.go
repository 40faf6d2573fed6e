package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"peixun/accounts"
)

// benchPage serves one page through the real router (middleware, session look-up, template) and
// reports the median and p99 besides the mean.
func benchPage(b *testing.B, path string, signedIn bool) {
	e := newEnv(b)
	e.acc.Policy.IPAttempts = 1 << 30
	var cookie *http.Cookie
	if signedIn {
		token, _, err := e.acc.SignIn(context.Background(), "manager", accounts.DemoPassword, "127.0.0.1", "bench")
		if err != nil {
			b.Fatal(err)
		}
		cookie = &http.Cookie{Name: "px_session", Value: token}
	}
	h := e.srv.Config.Handler
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if cookie != nil {
			req.AddCookie(cookie)
		}
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		durations = append(durations, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: status %d", path, rec.Code)
		}
	}
	b.StopTimer()
	slices.Sort(durations)
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds())/1000, "ms-p99")
}

func BenchmarkLoginPage(b *testing.B)  { benchPage(b, "/login", false) }
func BenchmarkHomePage(b *testing.B)   { benchPage(b, "/", true) }
func BenchmarkPeoplePage(b *testing.B) { benchPage(b, "/people", true) }
