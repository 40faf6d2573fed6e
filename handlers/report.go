package handlers

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"peixun/fault"
	"peixun/training"
)

// exportCompletion streams the completion export (XLSX or CSV) of a program, or of every program,
// over the caller's scope or a unit of it. Input is checked before the download starts; the headers
// are flushed at once so that the browser shows the download while rows are read.
func (s *Server) exportCompletion(c echo.Context) error {
	n, err := queryInts(c, "program", "unit")
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	if format == "" {
		format = training.FormatXLSX
	}
	x, err := s.Training.NewExport(c.Request().Context(), actorOf(c), training.ExportQuery{ProgramID: n[0], UnitID: n[1], Format: format})
	if err != nil {
		return err
	}
	setDownload(c, x.FileName(), x.Format())
	c.Response().Flush()
	if err := x.Write(c.Request().Context(), c.Response()); err != nil {
		// The status is sent: all that is left is to log and cut the download short.
		s.Log.Error("export failed", "error", err.Error(), "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		panic(http.ErrAbortHandler)
	}
	return nil
}

// sendPDF renders into memory (a report is tens of kilobytes) so that a failure is a clean error.
func sendPDF(c echo.Context, name string, render func(*bytes.Buffer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, "inline; filename=\"report.pdf\"; filename*=UTF-8''"+url.PathEscape(name))
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}

func (s *Server) completionReportPDF(c echo.Context) error {
	n, err := queryInts(c, "program", "unit")
	if err != nil {
		return err
	}
	if n[0] == 0 {
		return fault.Field("program", "reports.program_required")
	}
	name := "完成情况报告-" + strconv.Itoa(n[0]) + ".pdf"
	return sendPDF(c, name, func(b *bytes.Buffer) error {
		return s.Training.CompletionReportPDF(c.Request().Context(), actorOf(c), n[0], n[1], b)
	})
}

// RecordView is a study record page.
type RecordView struct {
	R     *training.StudyRecord
	Years []int
	PDF   string // the printable version's address
	Mine  bool
}

// recordYear is the ?year= of a record, this year when absent.
func (s *Server) recordYear(c echo.Context) (int, error) {
	y, err := queryInt(c, "year")
	if err != nil {
		return 0, fault.Field("year", "reports.year_invalid", "min", 2000, "max", s.Training.Now().In(shanghai).Year()+1)
	}
	if y == 0 {
		y = s.Training.Now().In(shanghai).Year()
	}
	return y, s.Training.CheckYear(y)
}

func (s *Server) renderRecord(c echo.Context, personID int, mine bool) error {
	year, err := s.recordYear(c)
	if err != nil {
		return err
	}
	r, err := s.Training.StudyRecord(c.Request().Context(), actorOf(c), personID, year)
	if err != nil {
		return err
	}
	now := s.Training.Now().In(shanghai).Year()
	v := RecordView{R: r, Mine: mine}
	for y := now; y >= now-5; y-- {
		v.Years = append(v.Years, y)
	}
	base := "/people/" + strconv.Itoa(personID) + "/record"
	if mine {
		base = "/my/record"
	}
	v.PDF = base + ".pdf?year=" + strconv.Itoa(year)
	p := s.page(c, "title.record", v)
	p.Title = p.T("reports.record_title", "name", r.Person.Name, "year", year)
	return s.render(c, http.StatusOK, "record.html", p)
}

func (s *Server) myRecordPage(c echo.Context) error {
	return s.renderRecord(c, actorOf(c).PersonID, true)
}

func (s *Server) personRecordPage(c echo.Context) error {
	id, err := paramID(c, "person")
	if err != nil {
		return err
	}
	return s.renderRecord(c, id, false)
}

func (s *Server) sendRecordPDF(c echo.Context, personID int) error {
	year, err := s.recordYear(c)
	if err != nil {
		return err
	}
	name := "学习档案-" + strconv.Itoa(personID) + "-" + strconv.Itoa(year) + ".pdf"
	return sendPDF(c, name, func(b *bytes.Buffer) error {
		return s.Training.StudyRecordPDF(c.Request().Context(), actorOf(c), personID, year, b)
	})
}

func (s *Server) myRecordPDF(c echo.Context) error { return s.sendRecordPDF(c, actorOf(c).PersonID) }

func (s *Server) personRecordPDF(c echo.Context) error {
	id, err := paramID(c, "person")
	if err != nil {
		return err
	}
	return s.sendRecordPDF(c, id)
}
