// Package handlers is the HTTP layer: routes, middleware (session, CSRF, roles), pages and the JSON
// API. It binds input, calls one domain service method and renders; it holds no business rules.
package handlers

import (
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/accounts"
	"peixun/assets"
	"peixun/certificates"
	"peixun/courses"
	"peixun/database"
	"peixun/quizzes"
	"peixun/training"
)

// Deps is what the HTTP layer needs: the database (for readiness), the domain services and settings.
type Deps struct {
	DB           *database.DB
	Accounts     *accounts.Service
	Courses      *courses.Service
	Quizzes      *quizzes.Service
	Certificates *certificates.Service
	Training     *training.Service
	// Scheduler runs the scheduled checks; administrators see their runs and start them by hand.
	Scheduler *training.Scheduler
	Log       *slog.Logger
	Version   string
	// BaseURL is the public address (links in QR codes and e-mails).
	BaseURL string
	// CookieSecure marks cookies Secure; set it when the platform is served over HTTPS.
	CookieSecure bool
	// TrustedProxies lists proxy networks (CIDR) whose X-Forwarded-For is believed; empty means the
	// peer address is the client, so a forged header cannot dodge per-IP limits.
	TrustedProxies []string
}

// Server is the HTTP application.
type Server struct {
	Deps
	cat   Catalog
	pages map[string]*template.Template
	echo  *echo.Echo
}

// New builds the echo application with every route.
func New(d Deps) (*Server, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	cat, err := LoadCatalog()
	if err != nil {
		return nil, err
	}
	s := &Server{Deps: d, cat: cat}
	if s.pages, err = loadPages(); err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor, err = ipExtractor(d.TrustedProxies)
	if err != nil {
		return nil, err
	}
	e.Server.ReadHeaderTimeout = 10 * time.Second
	e.Server.IdleTimeout = 120 * time.Second
	s.echo = e
	s.routes()
	return s, nil
}

// Echo returns the application, for serving and for tests.
func (s *Server) Echo() *echo.Echo { return s.echo }

// ServeHTTP lets the server be used as an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

func loadPages() (map[string]*template.Template, error) {
	layout, err := fs.ReadFile(assets.Templates, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("reading layout: %w", err)
	}
	files, err := fs.Glob(assets.Templates, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimPrefix(f, "templates/")
		if name == "layout.html" || name == "partials.html" {
			continue
		}
		b, err := fs.ReadFile(assets.Templates, f)
		if err != nil {
			return nil, err
		}
		t := template.New("layout").Funcs(funcs)
		if _, err := t.Parse(string(layout)); err != nil {
			return nil, fmt.Errorf("parsing layout: %w", err)
		}
		partials := []string{"templates/partials.html"}
		for _, p := range partials {
			pb, err := fs.ReadFile(assets.Templates, p)
			if err != nil {
				return nil, err
			}
			if _, err := t.Parse(string(pb)); err != nil {
				return nil, fmt.Errorf("parsing %s: %w", p, err)
			}
		}
		if _, err := t.Parse(string(b)); err != nil {
			return nil, fmt.Errorf("parsing %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

func ipExtractor(trusted []string) (echo.IPExtractor, error) {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect(), nil
	}
	var opts []echo.TrustOption
	for _, cidr := range trusted {
		_, n, err := parseCIDR(cidr)
		if err != nil {
			return nil, fmt.Errorf("PEIXUN_TRUSTED_PROXIES: %q is not a network: %w", cidr, err)
		}
		opts = append(opts, echo.TrustIPRange(n))
	}
	opts = append(opts, echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false))
	return echo.ExtractIPFromXFFHeader(opts...), nil
}
