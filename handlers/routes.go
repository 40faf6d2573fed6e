package handlers

import (
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"peixun/assets"
)

// routes lists every URL of the platform with who may call it. The authorization matrix test walks
// the registered routes, so a route added here without an entry there fails the tests.
func (s *Server) routes() {
	e := s.echo
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(s.recoverPanics, requestID, s.accessLog, securityHeaders, middleware.BodyLimit("64M"), s.chooseLanguage)

	static, _ := fs.Sub(assets.Static, "static")
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", staticHandler(static))))
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)

	app := e.Group("", s.identify, s.checkCSRF)
	r := func(method, path string, a access, h echo.HandlerFunc) { app.Add(method, path, h, require(a)) }

	// Sign-in and the caller's own pages.
	r(http.MethodGet, "/login", public, s.loginPage)
	r(http.MethodPost, "/login", public, s.login)
	r(http.MethodPost, "/logout", signedIn, s.logout)
	r(http.MethodGet, "/", signedIn, s.home)
	r(http.MethodGet, "/profile", signedIn, s.profile)
	r(http.MethodPost, "/profile/password", signedIn, s.changePassword)
	r(http.MethodPost, "/profile/sign-out-everywhere", signedIn, s.signOutEverywhere)
	r(http.MethodPost, "/profile/tokens", signedIn, s.createToken)
	r(http.MethodPost, "/profile/tokens/:id/revoke", signedIn, s.revokeToken)

	// Units and people (managers: their subtree; administrators: everything).
	r(http.MethodGet, "/units", manager, s.unitsPage)
	r(http.MethodPost, "/units", manager, s.createUnit)
	r(http.MethodPost, "/units/:id", manager, s.updateUnit)
	r(http.MethodPost, "/units/:id/move", manager, s.moveUnit)
	r(http.MethodGet, "/people", manager, s.peoplePage)
	r(http.MethodGet, "/people/new", manager, s.newPersonPage)
	r(http.MethodPost, "/people", manager, s.createPerson)
	r(http.MethodGet, "/people/:id", manager, s.editPersonPage)
	r(http.MethodPost, "/people/:id", manager, s.updatePerson)
	r(http.MethodPost, "/people/:id/status", manager, s.setPersonStatus)
	r(http.MethodPost, "/people/:id/password", admin, s.resetPassword)
	r(http.MethodPost, "/people/:id/sign-out-everywhere", manager, s.signOutPersonEverywhere)

	// Roster import and export.
	r(http.MethodGet, "/roster/import", manager, s.rosterPage)
	r(http.MethodPost, "/roster/preview", manager, s.rosterPreview)
	r(http.MethodPost, "/roster/import", manager, s.rosterImport)
	r(http.MethodGet, "/roster/export", manager, s.rosterExport)
	r(http.MethodGet, "/roster/template", manager, s.rosterTemplate)

	// JSON API with bearer tokens (or the page's session and CSRF header).
	r(http.MethodGet, "/api/v1/me", signedIn, s.apiMe)
	r(http.MethodGet, "/api/v1/units", manager, s.apiUnits)
	r(http.MethodGet, "/api/v1/units/:id", manager, s.apiUnit)
	r(http.MethodPost, "/api/v1/units", manager, s.apiCreateUnit)
	r(http.MethodPatch, "/api/v1/units/:id", manager, s.apiUpdateUnit)
	r(http.MethodGet, "/api/v1/people", manager, s.apiPeople)
	r(http.MethodGet, "/api/v1/people/:id", manager, s.apiPerson)
	r(http.MethodPost, "/api/v1/people", manager, s.apiCreatePerson)
	r(http.MethodPatch, "/api/v1/people/:id", manager, s.apiUpdatePerson)

	// Courses, lessons, materials, progress and in-person sessions (issue 3).
	// -- courses routes end --

	// Question bank, quizzes, attempts and results (issue 4).
	// -- quizzes routes end --

	// Programs, enrollment, completion, notifications and scheduled checks (issue 5).
	// -- training routes end --

	// Certificates and their public verification (issue 6).
	// -- certificates routes end --

	e.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })
}

// staticHandler serves embedded files with a day of caching; their names change when they change.
func staticHandler(fsys fs.FS) http.Handler {
	fileServer := http.FileServer(http.FS(fsys))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fileServer.ServeHTTP(w, r)
	})
}
