package handlers_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// BenchmarkCeilingEchoJSON is the ceiling for our pages and API: a bare echo router answering a
// small JSON document, with no middleware, no database and no template. Compare ns/op with
// BenchmarkHomePage and BenchmarkLoginPage.
func BenchmarkCeilingEchoJSON(b *testing.B) {
	e := echo.New()
	e.GET("/ping", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]any{"status": "ok", "unit": "良渚中队", "rate": 81.5})
	})
	for b.Loop() {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ping", nil))
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
