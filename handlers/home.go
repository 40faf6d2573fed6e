package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/ent"
)

// HomeView is the home page: the person's own data, and for managers and administrators their scope.
type HomeView struct {
	Person           *ent.Person
	UnitName         string
	CredentialDays   int // days until the enforcement credential expires; meaningful when HasCredential
	HasCredential    bool
	ScopeUnits       int
	ScopePeople      int
	ScopeSuspended   int
	ExpiringSoon     int // credentials in scope expiring within 60 days
	IsManagerOrAdmin bool
	Mine             []MyProgramLine // the programs the person is enrolled in, with their progress
}

func (s *Server) home(c echo.Context) error {
	ctx := c.Request().Context()
	cl := callerOf(c)
	v := HomeView{Person: cl.Person}
	names, err := s.Accounts.UnitNames(ctx)
	if err != nil {
		return err
	}
	v.UnitName = names[cl.Person.UnitID]
	if exp := cl.Person.CredentialExpires; exp != nil {
		v.HasCredential = true
		v.CredentialDays = int(time.Until(*exp).Hours() / 24)
	}
	if cl.Actor.ScopePath() != "" {
		v.IsManagerOrAdmin = true
		sum, err := s.Accounts.ScopeSummary(ctx, cl.Actor)
		if err != nil {
			return err
		}
		v.ScopeUnits, v.ScopePeople, v.ScopeSuspended, v.ExpiringSoon = sum.Units, sum.Active, sum.Suspended, sum.CredentialsExpiring
	}
	if s.Training != nil {
		mine, err := s.Training.MyPrograms(ctx, cl.Actor)
		if err != nil {
			return err
		}
		v.Mine = myLines(mine)
	}
	return s.render(c, http.StatusOK, "home.html", s.page(c, "title.home", v))
}
