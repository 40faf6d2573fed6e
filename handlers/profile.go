package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"peixun/courses"
	"peixun/ent"
)

// ProfileView is the caller's own page.
type ProfileView struct {
	Person   *ent.Person
	UnitName string
	Tokens   []*ent.APIToken
	NewToken string // shown once, right after it is created
	Year     int
	Hours    *courses.Hours // credit hours of this year; nil without the courses service
}

func (s *Server) profile(c echo.Context) error {
	return s.renderProfile(c, s.page(c, "title.profile", nil), http.StatusOK, "")
}

func (s *Server) renderProfile(c echo.Context, p *Page, status int, newToken string) error {
	ctx := c.Request().Context()
	cl := callerOf(c)
	names, err := s.Accounts.UnitNames(ctx)
	if err != nil {
		return err
	}
	tokens, err := s.Accounts.Tokens(ctx, cl.Actor, cl.Person.ID)
	if err != nil {
		return err
	}
	v := ProfileView{Person: cl.Person, UnitName: names[cl.Person.UnitID], Tokens: tokens, NewToken: newToken}
	if s.Courses != nil {
		v.Year = s.Accounts.Now().In(shanghai).Year()
		h, err := s.Courses.HoursForYear(ctx, cl.Person.ID, v.Year)
		if err != nil {
			return err
		}
		v.Hours = &h
	}
	p.Data = v
	return s.render(c, status, "profile.html", p)
}

func (s *Server) changePassword(c echo.Context) error {
	cl := callerOf(c)
	sessionID := 0
	if cl.Session != nil {
		sessionID = cl.Session.ID
	}
	err := s.Accounts.ChangePassword(c.Request().Context(), cl.Actor, sessionID, c.FormValue("old_password"), c.FormValue("new_password"))
	if err != nil {
		p := s.page(c, "title.profile", nil)
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		return s.renderProfile(c, p, http.StatusUnprocessableEntity, "")
	}
	return redirect(c, "/profile?ok=password_changed")
}

func (s *Server) createToken(c echo.Context) error {
	cl := callerOf(c)
	plain, _, err := s.Accounts.CreateToken(c.Request().Context(), cl.Actor, cl.Person.ID, c.FormValue("name"))
	p := s.page(c, "title.profile", nil)
	if err != nil {
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		return s.renderProfile(c, p, http.StatusUnprocessableEntity, "")
	}
	// The page shows the token once; it must not be cached anywhere.
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.renderProfile(c, p, http.StatusOK, plain)
}

func (s *Server) revokeToken(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeToken(c.Request().Context(), actorOf(c), id); err != nil {
		return err
	}
	return redirect(c, "/profile?ok=token_revoked")
}
