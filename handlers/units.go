package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"peixun/accounts"
	"peixun/ent"
	"peixun/fault"
)

// UnitsView is the units tree page.
type UnitsView struct {
	Tree  []*accounts.UnitNode
	Units []*ent.Unit // for the parent choosers
}

func (s *Server) unitsPage(c echo.Context) error {
	p := s.page(c, "title.units", nil)
	return s.renderUnits(c, p, http.StatusOK)
}

func (s *Server) renderUnits(c echo.Context, p *Page, status int) error {
	ctx := c.Request().Context()
	// The tree has many small forms; a message is shown once at the top of the page.
	top := ""
	for _, msg := range p.Errors {
		top = msg
	}
	if top != "" {
		p.Errors["_"] = top
	}
	a := actorOf(c)
	tree, err := s.Accounts.Tree(ctx, a)
	if err != nil {
		return err
	}
	units, err := s.Accounts.Units(ctx, a)
	if err != nil {
		return err
	}
	p.Data = UnitsView{Tree: tree, Units: units}
	return s.render(c, status, "units.html", p)
}

func (s *Server) createUnit(c echo.Context) error {
	in := accounts.UnitInput{Name: c.FormValue("name"), Code: c.FormValue("code")}
	if v := c.FormValue("parent_id"); v != "" {
		id, err := strconv.Atoi(v)
		if err != nil {
			return fault.Field("parent_id", "field.bad_number")
		}
		in.ParentID = &id
	}
	if _, err := s.Accounts.CreateUnit(c.Request().Context(), actorOf(c), in); err != nil {
		p := s.page(c, "title.units", nil)
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		p.Form["name"], p.Form["code"], p.Form["parent_id"] = in.Name, in.Code, c.FormValue("parent_id")
		return s.renderUnits(c, p, http.StatusUnprocessableEntity)
	}
	return redirect(c, "/units?ok=unit_created")
}

func (s *Server) updateUnit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Accounts.RenameUnit(c.Request().Context(), actorOf(c), id, c.FormValue("name"), c.FormValue("code")); err != nil {
		return err
	}
	return redirect(c, "/units?ok=unit_saved")
}

func (s *Server) moveUnit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	parent, err := strconv.Atoi(c.FormValue("parent_id"))
	if err != nil {
		return fault.Field("parent_id", "field.required")
	}
	if err := s.Accounts.MoveUnit(c.Request().Context(), actorOf(c), id, parent); err != nil {
		p := s.page(c, "title.units", nil)
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		return s.renderUnits(c, p, http.StatusUnprocessableEntity)
	}
	return redirect(c, "/units?ok=unit_moved")
}

// pathID reads the :id path parameter.
func pathID(c echo.Context) (int, error) {
	id, err := strconv.Atoi(c.Param("id"))
	if err != nil || id <= 0 {
		return 0, fault.NotFoundf("record")
	}
	return id, nil
}
