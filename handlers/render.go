package handlers

import (
	"bytes"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/accounts"
	"peixun/ent"
)

// shanghai is where the bureau is: times are stored in UTC and shown in Asia/Shanghai.
var shanghai = mustLocation("Asia/Shanghai")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Page is what every template receives: the caller, the language, the CSRF token, and the page's own
// data in Data. Templates translate with {{.T "key"}}.
type Page struct {
	Lang   string
	Title  string
	Caller *accounts.Caller
	CSRF   string
	Path   string
	Query  url.Values
	Flash  string
	Errors map[string]string // field → message
	Form   map[string]string // values to put back into a form after an error
	Data   any
	Nav    []NavItem
	Unread int // unread notifications of the caller, shown beside the inbox link
	cat    Catalog
}

// NavItem is one link of the navigation, shown by role.
type NavItem struct {
	Href, Label string
	Active      bool
}

// T translates a key with optional name/value pairs for placeholders.
func (p *Page) T(key string, args ...any) string {
	m := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		m[fmt.Sprint(args[i])] = args[i+1]
	}
	return p.cat.T(p.Lang, key, m)
}

// Has tells whether the caller holds a role.
func (p *Page) Has(role string) bool { return p.Caller != nil && p.Caller.Actor.Has(role) }

// Other is the language the switch offers.
func (p *Page) Other() string {
	if p.Lang == "zh" {
		return "en"
	}
	return "zh"
}

// LangURL is the current page in the other language.
func (p *Page) LangURL() string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set("lang", p.Other())
	return p.Path + "?" + q.Encode()
}

var funcs = template.FuncMap{
	"date": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			if v.IsZero() {
				return ""
			}
			return v.In(shanghai).Format("2006-01-02")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.In(shanghai).Format("2006-01-02")
		}
		return ""
	},
	"datetime": func(t time.Time) string { return t.In(shanghai).Format("2006-01-02 15:04") },
	"join":     strings.Join,
	"add":      func(a, b int) int { return a + b },
	"pageURL": func(q url.Values, page int) string {
		c := url.Values{}
		for k, v := range q {
			c[k] = v
		}
		c.Set("page", strconv.Itoa(page))
		return "?" + c.Encode()
	},
	"contains": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
	"pct": func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" },
	"deref": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
	"node": func(p *Page, n *accounts.UnitNode, units []*ent.Unit) unitNodeView {
		return unitNodeView{Page: p, Node: n, Units: units}
	},
}

// unitNodeView carries one node of the units tree and what its template needs.
type unitNodeView struct {
	Page  *Page
	Node  *accounts.UnitNode
	Units []*ent.Unit
}

// page builds the Page for the current request.
func (s *Server) page(c echo.Context, titleKey string, data any) *Page {
	p := &Page{Lang: lang(c), Path: c.Request().URL.Path, Query: c.QueryParams(), Data: data, cat: s.cat,
		Errors: map[string]string{}, Form: map[string]string{}}
	p.Title = p.T(titleKey)
	if cl := callerOf(c); cl != nil {
		p.Caller = cl
		if cl.Session != nil {
			p.CSRF = cl.Session.Csrf
		}
		if s.Training != nil {
			if n, err := s.Training.UnreadCount(c.Request().Context(), cl.Person.ID); err == nil {
				p.Unread = n
			}
		}
		p.Nav = s.nav(p)
	} else {
		p.CSRF = anonCSRF(c)
	}
	if ok := c.QueryParam("ok"); ok != "" && s.cat.Has("flash."+ok) {
		p.Flash = p.T("flash." + ok)
	}
	return p
}

// render writes a page. Rendering into a buffer first means a template error becomes a clean 500
// instead of half a page.
func (s *Server) render(c echo.Context, status int, name string, p *Page) error {
	t, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("no template %s", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("rendering %s: %w", name, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) nav(p *Page) []NavItem {
	items := []NavItem{
		{Href: "/", Label: p.T("nav.home")},
		{Href: "/courses", Label: p.T("nav.courses")},
		{Href: "/quizzes", Label: p.T("nav.quizzes")},
		{Href: "/certificates", Label: p.T("nav.certificates")},
	}
	if p.Has(accounts.RoleTrainer) || p.Has(accounts.RoleManager) || p.Has(accounts.RoleAdmin) {
		items = append(items, NavItem{Href: "/programs", Label: p.T("nav.programs")})
	}
	if p.Has(accounts.RoleTrainer) || p.Has(accounts.RoleAdmin) {
		items = append(items,
			NavItem{Href: "/manage/courses", Label: p.T("nav.manage_courses")},
			NavItem{Href: "/manage/questions", Label: p.T("nav.manage_questions")},
			NavItem{Href: "/manage/quizzes", Label: p.T("nav.manage_quizzes")})
	}
	if p.Has(accounts.RoleManager) || p.Has(accounts.RoleAdmin) {
		items = append(items,
			NavItem{Href: "/dashboard", Label: p.T("nav.dashboard")},
			NavItem{Href: "/units", Label: p.T("nav.units")},
			NavItem{Href: "/people", Label: p.T("nav.people")},
			NavItem{Href: "/roster/import", Label: p.T("nav.roster")})
	}
	if p.Has(accounts.RoleAdmin) {
		items = append(items, NavItem{Href: "/admin/jobs", Label: p.T("nav.jobs")})
	}
	inbox := p.T("nav.inbox")
	if p.Unread > 0 {
		inbox = p.T("nav.inbox_unread", "n", p.Unread)
	}
	items = append(items, NavItem{Href: "/inbox", Label: inbox}, NavItem{Href: "/profile", Label: p.T("nav.profile")})
	for i := range items {
		items[i].Active = items[i].Href == p.Path || (items[i].Href != "/" && strings.HasPrefix(p.Path, items[i].Href))
	}
	return items
}

func parseCIDR(s string) (net.IP, *net.IPNet, error) { return net.ParseCIDR(strings.TrimSpace(s)) }

// redirect sends the browser on with 303 so that a reload does not resend a form.
func redirect(c echo.Context, to string) error { return c.Redirect(http.StatusSeeOther, to) }
