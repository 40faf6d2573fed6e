package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/accounts"
	"peixun/fault"
)

// Cookie names.
const (
	sessionCookie = "px_session"
	csrfCookie    = "px_csrf" // double-submit token for forms shown before sign-in
	langCookie    = "px_lang"
	csrfField     = "_csrf"
	csrfHeader    = "X-CSRF-Token"
)

const (
	keyCaller = "caller"
	keyLang   = "lang"
	keyAPI    = "api"
)

// access is who may call a route.
type access int

const (
	public   access = iota // anyone, signed in or not
	signedIn               // any signed-in person
	trainer                // trainers and administrators
	manager                // managers (their subtree) and administrators
	admin                  // administrators only
)

func callerOf(c echo.Context) *accounts.Caller {
	cl, _ := c.Get(keyCaller).(*accounts.Caller)
	return cl
}

func actorOf(c echo.Context) accounts.Actor {
	if cl := callerOf(c); cl != nil {
		return cl.Actor
	}
	return accounts.Actor{}
}

func lang(c echo.Context) string {
	if l, ok := c.Get(keyLang).(string); ok {
		return l
	}
	return Languages[0]
}

func isAPI(c echo.Context) bool {
	return strings.HasPrefix(c.Request().URL.Path, "/api/") || strings.Contains(c.Request().Header.Get("Accept"), "application/json") &&
		!strings.Contains(c.Request().Header.Get("Accept"), "text/html")
}

// recoverPanics turns a panic into a logged 500 without a stack trace for the user.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.Log.Error("panic", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return next(c)
	}
}

// requestID gives every request an id, echoed in the response and in the logs.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if id == "" || len(id) > 64 {
			id = randomString(12)
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// accessLog writes one structured line per request.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		attrs := []any{"method", c.Request().Method, "path", c.Request().URL.Path, "status", status,
			"ms", float64(time.Since(start).Microseconds()) / 1000, "ip", c.RealIP(),
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "bytes", c.Response().Size}
		if cl := callerOf(c); cl != nil {
			attrs = append(attrs, "person", cl.Person.ID)
		}
		s.Log.Log(c.Request().Context(), level, "request", attrs...)
		return nil
	}
}

// securityHeaders forbids inline script (our JS is in /static), framing and type sniffing.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		return next(c)
	}
}

// chooseLanguage sets the language from ?lang=, the language cookie, or Accept-Language. An explicit
// ?lang= is remembered in a cookie.
func (s *Server) chooseLanguage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		explicit := c.QueryParam("lang")
		if explicit != "" {
			l := pickLanguage(explicit, "")
			c.SetCookie(&http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.CookieSecure})
		} else if ck, err := c.Cookie(langCookie); err == nil {
			explicit = ck.Value
		}
		c.Set(keyLang, pickLanguage(explicit, c.Request().Header.Get("Accept-Language")))
		return next(c)
	}
}

// identify finds the caller: a bearer token on the API, or the session cookie.
func (s *Server) identify(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if auth := c.Request().Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
			cl, err := s.Accounts.Token(ctx, strings.TrimPrefix(auth, "Bearer "))
			if err != nil {
				return err
			}
			c.Set(keyCaller, cl)
			c.Set(keyAPI, true)
			return next(c)
		}
		if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
			cl, err := s.Accounts.Session(ctx, ck.Value)
			switch {
			case err == nil:
				c.Set(keyCaller, cl)
			case fault.Is(err, fault.Unauthorized):
				s.clearSessionCookie(c)
			default:
				return err
			}
		}
		return next(c)
	}
}

// checkCSRF refuses state-changing requests whose token does not match the session's (or, before
// sign-in, the double-submit cookie). Bearer-token calls carry no cookies and need no token.
func (s *Server) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			if callerOf(c) == nil {
				ensureAnonCSRF(c, s.CookieSecure)
			}
			return next(c)
		}
		if api, _ := c.Get(keyAPI).(bool); api {
			return next(c)
		}
		want := ""
		if cl := callerOf(c); cl != nil && cl.Session != nil {
			want = cl.Session.Csrf
		} else if ck, err := c.Cookie(csrfCookie); err == nil {
			want = ck.Value
		}
		got := c.Request().Header.Get(csrfHeader)
		if got == "" {
			got = c.FormValue(csrfField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return fault.New(fault.Forbidden, "csrf.invalid")
		}
		return next(c)
	}
}

// require checks the caller's role for a route. Unit scope is checked by the domain services, which
// know which unit a record belongs to.
func require(a access) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if a == public {
				return next(c)
			}
			cl := callerOf(c)
			if cl == nil {
				return fault.New(fault.Unauthorized, "auth.required")
			}
			act := cl.Actor
			ok := true
			switch a {
			case trainer:
				ok = act.Has(accounts.RoleTrainer) || act.IsAdmin()
			case manager:
				ok = act.Has(accounts.RoleManager) || act.IsAdmin()
			case admin:
				ok = act.IsAdmin()
			}
			if !ok {
				return fault.ForbiddenErr()
			}
			return next(c)
		}
	}
}

func anonCSRF(c echo.Context) string {
	if v, ok := c.Get(csrfCookie).(string); ok {
		return v
	}
	if ck, err := c.Cookie(csrfCookie); err == nil {
		return ck.Value
	}
	return ""
}

func ensureAnonCSRF(c echo.Context, secure bool) {
	if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) >= 16 {
		return
	}
	v := randomString(24)
	c.Set(csrfCookie, v)
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: v, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure})
}

func (s *Server) setSessionCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.CookieSecure, MaxAge: int(s.Accounts.Policy.SessionAbsolute.Seconds())})
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1, SameSite: http.SameSiteLaxMode, Secure: s.CookieSecure})
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	u, err := url.Parse(next)
	// Browsers read "/\host" as "//host": a backslash or a control character anywhere is refused.
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	return next
}
