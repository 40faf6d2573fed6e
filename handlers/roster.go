package handlers

import (
	"bytes"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/accounts"
	"peixun/fault"
)

// maxRosterBytes bounds a roster upload: 10,000 rows of XLSX are about 1 MB.
const maxRosterBytes = 20 << 20

// RosterView is the roster import page: the form, a preview, or a result.
type RosterView struct {
	Preview  *accounts.RosterPreview
	Problems []string // translated, "Row 3 (工号): …"
	Rows     []accounts.RosterRow
	More     int    // rows not shown
	FileName string // carried from the preview to the import
	FileData string // the file itself, base64, so that the import needs no server-side state
	Result   *accounts.RosterResult
	Done     string
}

func (s *Server) rosterPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "roster.html", s.page(c, "title.roster", RosterView{}))
}

// rosterFile reads the file of the preview or the confirm step.
func rosterFile(c echo.Context) (string, []byte, error) {
	return carriedFile(c, maxRosterBytes, "roster.file_too_large")
}

func (s *Server) rosterPreview(c echo.Context) error {
	name, data, err := rosterFile(c)
	p := s.page(c, "title.roster", RosterView{})
	if err != nil {
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, "roster.html", p)
	}
	pv, err := s.Accounts.PreviewRoster(c.Request().Context(), actorOf(c), name, bytes.NewReader(data))
	if err != nil {
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, "roster.html", p)
	}
	v := RosterView{Preview: pv, Problems: s.rosterProblems(p.Lang, pv.Problems), Rows: pv.Rows, FileName: name,
		FileData: base64.StdEncoding.EncodeToString(data)}
	if len(v.Rows) > 300 {
		v.More, v.Rows = len(v.Rows)-300, v.Rows[:300]
	}
	p.Data = v
	return s.render(c, http.StatusOK, "roster.html", p)
}

func (s *Server) rosterImport(c echo.Context) error {
	name, data, err := rosterFile(c)
	if err != nil {
		return err
	}
	validOnly := c.FormValue("valid_only") == "1"
	res, err := s.Accounts.ApplyRoster(c.Request().Context(), actorOf(c), name, bytes.NewReader(data), validOnly)
	p := s.page(c, "title.roster", nil)
	v := RosterView{Result: &res, Problems: s.rosterProblems(p.Lang, res.Problems)}
	if err != nil {
		var f *fault.Error
		if !errors.As(err, &f) {
			return err
		}
		p.Errors["_"] = s.message(p.Lang, f)
		p.Data = v
		return s.render(c, http.StatusUnprocessableEntity, "roster.html", p)
	}
	v.Done = p.T("roster.done", "created", res.Created, "updated", res.Updated, "unchanged", res.Unchanged,
		"skipped", res.Skipped, "units", res.UnitsCreated)
	p.Data = v
	return s.render(c, http.StatusOK, "roster.html", p)
}

func (s *Server) rosterProblems(lang string, problems []accounts.RosterProblem) []string {
	out := make([]string, 0, len(problems))
	for _, pr := range problems {
		msg := s.message(lang, &fault.Error{Kind: fault.Invalid, Code: pr.Code, Field: pr.Field, Args: pr.Args})
		if pr.Row == 0 {
			out = append(out, msg)
			continue
		}
		out = append(out, s.cat.T(lang, "roster.problem", map[string]any{"row": pr.Row, "column": pr.Column, "message": msg}))
	}
	return out
}

func (s *Server) rosterExport(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = "xlsx"
	}
	if format != "xlsx" && format != "csv" {
		return fault.Field("format", "roster.format_unknown", "name", format)
	}
	setDownload(c, "roster-"+time.Now().In(shanghai).Format("20060102")+"."+format, format)
	return s.Accounts.ExportRoster(c.Request().Context(), actorOf(c), c.Response(), format)
}

func (s *Server) rosterTemplate(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = "xlsx"
	}
	if format != "xlsx" && format != "csv" {
		return fault.Field("format", "roster.format_unknown", "name", format)
	}
	setDownload(c, "roster-template."+format, format)
	return accounts.RosterTemplate(c.Response(), format)
}

// setDownload sets the headers of a file download with a UTF-8 file name.
func setDownload(c echo.Context, name, format string) {
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, ct)
	h.Set(echo.HeaderContentDisposition, "attachment; filename=\""+name+"\"; filename*=UTF-8''"+url.PathEscape(name))
	c.Response().WriteHeader(http.StatusOK)
}
