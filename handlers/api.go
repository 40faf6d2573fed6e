package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/accounts"
	"peixun/ent"
	"peixun/fault"
)

// PersonJSON is a person as the API shows them.
type PersonJSON struct {
	ID                int        `json:"id"`
	Username          string     `json:"username"`
	Name              string     `json:"name"`
	EmployeeNo        string     `json:"employee_no,omitempty"`
	Phone             string     `json:"phone,omitempty"`
	Email             string     `json:"email,omitempty"`
	UnitID            int        `json:"unit_id"`
	Category          string     `json:"category"`
	Roles             []string   `json:"roles"`
	Status            string     `json:"status"`
	CredentialNo      string     `json:"credential_no,omitempty"`
	CredentialExpires *time.Time `json:"credential_expires,omitempty"`
}

// UnitJSON is a unit as the API shows it.
type UnitJSON struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Code     string `json:"code"`
	ParentID *int   `json:"parent_id"`
	Path     string `json:"path"`
}

// personRequest is the body of person create and update calls.
type personRequest struct {
	Username          string   `json:"username"`
	Name              string   `json:"name"`
	EmployeeNo        string   `json:"employee_no"`
	Phone             string   `json:"phone"`
	Email             string   `json:"email"`
	UnitID            int      `json:"unit_id"`
	Category          string   `json:"category"`
	Roles             []string `json:"roles"`
	CredentialNo      string   `json:"credential_no"`
	CredentialExpires string   `json:"credential_expires"` // YYYY-MM-DD
	Password          string   `json:"password"`
}

// unitRequest is the body of unit create and update calls.
type unitRequest struct {
	Name     string `json:"name"`
	Code     string `json:"code"`
	ParentID *int   `json:"parent_id"`
}

func personJSON(p *ent.Person) PersonJSON {
	j := PersonJSON{ID: p.ID, Username: p.Username, Name: p.Name, Phone: p.Phone, Email: p.Email, UnitID: p.UnitID,
		Category: string(p.Category), Roles: p.Roles, Status: string(p.Status), CredentialNo: p.CredentialNo,
		CredentialExpires: p.CredentialExpires}
	if p.EmployeeNo != nil {
		j.EmployeeNo = *p.EmployeeNo
	}
	return j
}

func unitJSON(u *ent.Unit) UnitJSON {
	return UnitJSON{ID: u.ID, Name: u.Name, Code: u.Code, ParentID: u.ParentID, Path: u.Path}
}

func bindJSON(c echo.Context, v any) error {
	if err := (&echo.DefaultBinder{}).BindBody(c, v); err != nil {
		return fault.New(fault.Invalid, "json.unreadable")
	}
	return nil
}

func (s *Server) apiMe(c echo.Context) error {
	return c.JSON(http.StatusOK, personJSON(callerOf(c).Person))
}

func (s *Server) apiUnits(c echo.Context) error {
	us, err := s.Accounts.Units(c.Request().Context(), actorOf(c))
	if err != nil {
		return err
	}
	out := make([]UnitJSON, len(us))
	for i, u := range us {
		out[i] = unitJSON(u)
	}
	return c.JSON(http.StatusOK, map[string]any{"units": out})
}

func (s *Server) apiUnit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u, err := s.Accounts.Unit(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, unitJSON(u))
}

func (s *Server) apiCreateUnit(c echo.Context) error {
	var r unitRequest
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	u, err := s.Accounts.CreateUnit(c.Request().Context(), actorOf(c), accounts.UnitInput{Name: r.Name, Code: r.Code, ParentID: r.ParentID})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, unitJSON(u))
}

func (s *Server) apiUpdateUnit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var r unitRequest
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := s.Accounts.Unit(ctx, actorOf(c), id)
	if err != nil {
		return err
	}
	if r.Name == "" {
		r.Name = u.Name
	}
	if r.Code == "" {
		r.Code = u.Code
	}
	if u, err = s.Accounts.UpdateUnit(ctx, actorOf(c), id, r.Name, r.Code, r.ParentID); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, unitJSON(u))
}

func (s *Server) apiPeople(c echo.Context) error {
	f := accounts.PeopleFilter{Query: c.QueryParam("q"), Category: c.QueryParam("category"), Status: c.QueryParam("status")}
	f.UnitID, _ = strconv.Atoi(c.QueryParam("unit_id"))
	f.Page, _ = strconv.Atoi(c.QueryParam("page"))
	f.PerPage, _ = strconv.Atoi(c.QueryParam("per_page"))
	page, err := s.Accounts.People(c.Request().Context(), actorOf(c), f)
	if err != nil {
		return err
	}
	out := make([]PersonJSON, len(page.People))
	for i, p := range page.People {
		out[i] = personJSON(p)
	}
	return c.JSON(http.StatusOK, map[string]any{"people": out, "total": page.Total, "page": page.Page, "per_page": page.PerPage})
}

func (s *Server) apiPerson(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.Accounts.Person(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, personJSON(p))
}

func (r personRequest) input() (accounts.PersonInput, error) {
	in := accounts.PersonInput{Username: r.Username, Name: r.Name, EmployeeNo: r.EmployeeNo, Phone: r.Phone, Email: r.Email,
		UnitID: r.UnitID, Category: r.Category, Roles: r.Roles, CredentialNo: r.CredentialNo, Password: r.Password}
	if r.CredentialExpires != "" {
		t, err := time.ParseInLocation("2006-01-02", r.CredentialExpires, shanghai)
		if err != nil {
			return in, fault.Field("credential_expires", "field.bad_date")
		}
		t = t.UTC()
		in.CredentialExpires = &t
	}
	return in, nil
}

func (s *Server) apiCreatePerson(c echo.Context) error {
	var r personRequest
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	in, err := r.input()
	if err != nil {
		return err
	}
	p, err := s.Accounts.CreatePerson(c.Request().Context(), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, personJSON(p))
}

// apiUpdatePerson applies a partial update: fields left out keep their values.
func (s *Server) apiUpdatePerson(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	old, err := s.Accounts.Person(ctx, actorOf(c), id)
	if err != nil {
		return err
	}
	cur := personJSON(old)
	r := personRequest{Username: cur.Username, Name: cur.Name, EmployeeNo: cur.EmployeeNo, Phone: cur.Phone, Email: cur.Email,
		UnitID: cur.UnitID, Category: cur.Category, Roles: cur.Roles, CredentialNo: cur.CredentialNo}
	if cur.CredentialExpires != nil {
		r.CredentialExpires = cur.CredentialExpires.In(shanghai).Format("2006-01-02")
	}
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	in, err := r.input()
	if err != nil {
		return err
	}
	p, err := s.Accounts.UpdatePerson(ctx, actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, personJSON(p))
}
