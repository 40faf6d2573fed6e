package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"peixun/accounts"
	"peixun/ent"
	"peixun/fault"
)

// PeopleView is the people list.
type PeopleView struct {
	Page       accounts.PeoplePage
	Units      []*ent.Unit
	UnitNames  map[int]string
	Categories []string
	Statuses   []string
	Filter     accounts.PeopleFilter
}

// PersonView is the person form (new or edit).
type PersonView struct {
	Person     *ent.Person // nil when new
	Units      []*ent.Unit
	UnitNames  map[int]string
	Categories []string
	Roles      []string
	Checked    map[string]bool
	CanAdmin   bool
}

func (s *Server) peoplePage(c echo.Context) error {
	ctx := c.Request().Context()
	a := actorOf(c)
	f := accounts.PeopleFilter{Query: c.QueryParam("q"), Category: c.QueryParam("category"), Status: c.QueryParam("status")}
	f.UnitID, _ = strconv.Atoi(c.QueryParam("unit"))
	f.Page, _ = strconv.Atoi(c.QueryParam("page"))
	page, err := s.Accounts.People(ctx, a, f)
	if err != nil {
		return err
	}
	units, err := s.Accounts.Units(ctx, a)
	if err != nil {
		return err
	}
	names, err := s.Accounts.UnitNames(ctx)
	if err != nil {
		return err
	}
	v := PeopleView{Page: page, Units: units, UnitNames: names, Categories: accounts.Categories,
		Statuses: []string{"active", "suspended", "left"}, Filter: f}
	return s.render(c, http.StatusOK, "people.html", s.page(c, "title.people", v))
}

func (s *Server) personView(c echo.Context, p *ent.Person) (PersonView, error) {
	ctx := c.Request().Context()
	units, err := s.Accounts.Units(ctx, actorOf(c))
	if err != nil {
		return PersonView{}, err
	}
	names, err := s.Accounts.UnitNames(ctx)
	if err != nil {
		return PersonView{}, err
	}
	v := PersonView{Person: p, Units: units, UnitNames: names, Categories: accounts.Categories, Roles: accounts.AllRoles,
		Checked: map[string]bool{accounts.RoleLearner: true}, CanAdmin: actorOf(c).IsAdmin()}
	if p != nil {
		v.Checked = map[string]bool{}
		for _, r := range p.Roles {
			v.Checked[r] = true
		}
	}
	return v, nil
}

func (s *Server) newPersonPage(c echo.Context) error {
	v, err := s.personView(c, nil)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "person.html", s.page(c, "title.person_new", v))
}

func (s *Server) editPersonPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.Accounts.Person(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	v, err := s.personView(c, p)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "person.html", s.page(c, "title.person_edit", v))
}

// personInput reads the person form into the same request the API takes, so both validate alike.
func personInput(c echo.Context) (accounts.PersonInput, error) {
	form, err := c.FormParams()
	if err != nil {
		return accounts.PersonInput{}, fault.New(fault.Invalid, "form.unreadable")
	}
	r := personRequest{Username: form.Get("username"), Name: form.Get("name"), EmployeeNo: form.Get("employee_no"),
		Phone: form.Get("phone"), Email: form.Get("email"), Category: form.Get("category"), Roles: form["roles"],
		CredentialNo: form.Get("credential_no"), CredentialExpires: strings.TrimSpace(form.Get("credential_expires")),
		Password: form.Get("password")}
	if v := form.Get("unit_id"); v != "" {
		if r.UnitID, err = strconv.Atoi(v); err != nil {
			return accounts.PersonInput{}, fault.Field("unit_id", "field.bad_number")
		}
	}
	return r.input()
}

func (s *Server) createPerson(c echo.Context) error {
	in, err := personInput(c)
	if err == nil {
		var p *ent.Person
		if p, err = s.Accounts.CreatePerson(c.Request().Context(), actorOf(c), in); err == nil {
			return redirect(c, "/people/"+strconv.Itoa(p.ID)+"?ok=person_created")
		}
	}
	return s.personFormError(c, nil, "title.person_new", err)
}

func (s *Server) updatePerson(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	old, err := s.Accounts.Person(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	in, err := personInput(c)
	if err == nil {
		if _, err = s.Accounts.UpdatePerson(c.Request().Context(), actorOf(c), id, in); err == nil {
			return redirect(c, "/people/"+strconv.Itoa(id)+"?ok=person_saved")
		}
	}
	return s.personFormError(c, old, "title.person_edit", err)
}

// personFormError shows the form again with the submitted values and the message beside its field.
func (s *Server) personFormError(c echo.Context, p *ent.Person, title string, err error) error {
	v, verr := s.personView(c, p)
	if verr != nil {
		return verr
	}
	pg := s.page(c, title, v)
	if err := s.formErrors(c, pg, err); err != nil {
		return err
	}
	form, _ := c.FormParams()
	for k := range form {
		if k != "password" && k != csrfField {
			pg.Form[k] = form.Get(k)
		}
	}
	v.Checked = map[string]bool{}
	for _, r := range form["roles"] {
		v.Checked[r] = true
	}
	pg.Data = v
	return s.render(c, http.StatusUnprocessableEntity, "person.html", pg)
}

func (s *Server) setPersonStatus(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.Accounts.SetStatus(c.Request().Context(), actorOf(c), id, c.FormValue("status")); err != nil {
		return err
	}
	return redirect(c, "/people/"+strconv.Itoa(id)+"?ok=status_saved")
}

func (s *Server) resetPassword(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.Accounts.SetPassword(c.Request().Context(), actorOf(c), id, c.FormValue("password")); err != nil {
		return err
	}
	return redirect(c, "/people/"+strconv.Itoa(id)+"?ok=password_reset")
}

func (s *Server) signOutPersonEverywhere(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.Accounts.SignOutEverywhere(c.Request().Context(), actorOf(c), id); err != nil {
		return err
	}
	return redirect(c, "/people/"+strconv.Itoa(id)+"?ok=signed_out")
}
