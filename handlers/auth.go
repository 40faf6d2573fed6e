package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/fault"
)

// loginForm is the sign-in form.
type loginForm struct {
	Username string `form:"username"`
	Password string `form:"password"`
	Next     string `form:"next"`
}

func (s *Server) loginPage(c echo.Context) error {
	if callerOf(c) != nil {
		return redirect(c, safeNext(c.QueryParam("next")))
	}
	p := s.page(c, "title.login", nil)
	p.Form["next"] = safeNext(c.QueryParam("next"))
	return s.render(c, http.StatusOK, "login.html", p)
}

func (s *Server) login(c echo.Context) error {
	var f loginForm
	if err := c.Bind(&f); err != nil {
		return fault.New(fault.Invalid, "form.unreadable")
	}
	token, _, err := s.Accounts.SignIn(c.Request().Context(), f.Username, f.Password, c.RealIP(), c.Request().UserAgent())
	if err != nil {
		fe, ok := fault.As(err)
		if !ok {
			return err
		}
		status := statusOf[fe.Kind]
		if status == http.StatusUnauthorized {
			status = http.StatusOK // the form is shown again; the message says what went wrong
		}
		p := s.page(c, "title.login", nil)
		p.Form["username"], p.Form["next"] = f.Username, safeNext(f.Next)
		p.Errors["_"] = s.message(lang(c), fe)
		return s.render(c, status, "login.html", p)
	}
	s.setSessionCookie(c, token)
	return redirect(c, safeNext(f.Next))
}

func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := s.Accounts.SignOut(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return redirect(c, "/login")
}

func (s *Server) signOutEverywhere(c echo.Context) error {
	a := actorOf(c)
	if err := s.Accounts.SignOutEverywhere(c.Request().Context(), a, a.PersonID); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return redirect(c, "/login")
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.Version})
}

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.SQL.PingContext(ctx); err != nil {
		s.Log.Error("database not reachable", "error", err.Error())
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
