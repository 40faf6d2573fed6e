package handlers

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/certificates"
	"peixun/ent"
	"peixun/fault"
)

// maxSealBytes bounds a seal upload: a 2000×2000 PNG with transparency stays well under it.
const maxSealBytes = 8 << 20

// certActor is the caller as the certificates package sees them.
func certActor(c echo.Context) certificates.Actor {
	a := actorOf(c)
	return certificates.Actor{PersonID: a.PersonID, Admin: a.IsAdmin(), ScopePath: a.ScopePath()}
}

// certID reads the :certificate path parameter.
func certID(c echo.Context) (int, error) {
	id, err := strconv.Atoi(c.Param("certificate"))
	if err != nil || id <= 0 {
		return 0, fault.NotFoundf("certificate")
	}
	return id, nil
}

// CertRow is one certificate in a list, with what the list shows about it.
type CertRow struct {
	C      *ent.Certificate
	Status string // valid, revoked, expired
	Ready  bool   // downloadable now; otherwise "being prepared"
}

func (s *Server) certRows(cs []*ent.Certificate) []CertRow {
	rows := make([]CertRow, len(cs))
	for i, c := range cs {
		rows[i] = CertRow{C: c, Status: s.Certificates.StatusOf(c), Ready: s.Certificates.Ready(c)}
	}
	return rows
}

// MyCertificatesView is the learner's "my certificates" page.
type MyCertificatesView struct {
	Rows []CertRow
}

func (s *Server) myCertificatesPage(c echo.Context) error {
	cs, err := s.Certificates.Mine(c.Request().Context(), actorOf(c).PersonID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "certificates.html", s.page(c, "title.certificates", MyCertificatesView{Rows: s.certRows(cs)}))
}

// attachment sets the headers of a download with a UTF-8 file name.
func attachment(c echo.Context, name, contentType string, inline bool) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	disp := "attachment"
	if inline {
		disp = "inline"
	}
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	h.Set(echo.HeaderContentDisposition, disp+"; filename=\""+ascii+"\"; filename*=UTF-8''"+url.PathEscape(name))
	h.Set("Cache-Control", "private, no-store")
}

// certificatePDF downloads one certificate: its holder, or a manager of the holder's unit.
func (s *Server) certificatePDF(c echo.Context) error {
	id, err := certID(c)
	if err != nil {
		return err
	}
	pdf, cert, err := s.Certificates.PDF(c.Request().Context(), certActor(c), id)
	if err != nil {
		return err
	}
	attachment(c, "证书-"+cert.Serial+".pdf", "application/pdf", false)
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// ManageCertificatesView is the managers' list, with the administrators' settings.
type ManageCertificatesView struct {
	Page     *certificates.ListPage
	Rows     []CertRow
	Filter   certificates.ListFilter
	Programs []*ent.Program
	Units    []*ent.Unit
	IsAdmin  bool
	ZipURL   string
	// Administrators' settings.
	FontWarning string
	FontPath    string
	HasSeal     bool
}

func listFilter(c echo.Context) certificates.ListFilter {
	f := certificates.ListFilter{Query: strings.TrimSpace(c.QueryParam("q")), Status: c.QueryParam("status")}
	f.ProgramID, _ = strconv.Atoi(c.QueryParam("program"))
	f.UnitID, _ = strconv.Atoi(c.QueryParam("unit"))
	f.Page, _ = strconv.Atoi(c.QueryParam("page"))
	return f
}

func (s *Server) manageCertificatesView(c echo.Context) (ManageCertificatesView, error) {
	ctx := c.Request().Context()
	f := listFilter(c)
	page, err := s.Certificates.List(ctx, certActor(c), f)
	if err != nil {
		return ManageCertificatesView{}, err
	}
	programs, err := s.Certificates.Programs(ctx)
	if err != nil {
		return ManageCertificatesView{}, err
	}
	units, err := s.Accounts.Units(ctx, actorOf(c))
	if err != nil {
		return ManageCertificatesView{}, err
	}
	zq := url.Values{}
	if f.ProgramID != 0 {
		zq.Set("program", strconv.Itoa(f.ProgramID))
	}
	if f.UnitID != 0 {
		zq.Set("unit", strconv.Itoa(f.UnitID))
	}
	v := ManageCertificatesView{Page: page, Rows: s.certRows(page.Certificates), Filter: f, Programs: programs,
		Units: units, IsAdmin: actorOf(c).IsAdmin(), ZipURL: "/manage/certificates/zip?" + zq.Encode()}
	if v.IsAdmin {
		v.FontWarning, v.FontPath, v.HasSeal = s.Certificates.FontWarning(), s.Certificates.FontPath(), len(s.Certificates.Seal()) > 0
	}
	return v, nil
}

func (s *Server) manageCertificatesPage(c echo.Context) error {
	v, err := s.manageCertificatesView(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "certificates_manage.html", s.page(c, "title.manage_certificates", v))
}

// certificatesZIP streams the chosen certificates of the caller's units as one ZIP archive. Headers
// go out with the first byte, so a refusal before any certificate is written is still a clean error.
func (s *Server) certificatesZIP(c echo.Context) error {
	ctx := c.Request().Context()
	by := certActor(c)
	f := certificates.ZIPFilter{}
	f.ProgramID, _ = strconv.Atoi(c.QueryParam("program"))
	if u, _ := strconv.Atoi(c.QueryParam("unit")); u != 0 {
		path, err := s.Certificates.UnitPath(ctx, by, u)
		if err != nil {
			return err
		}
		f.UnitPath = path
	}
	w := &lazyDownload{c: c, name: "证书-" + time.Now().In(shanghai).Format("20060102-150405") + ".zip"}
	n, err := s.Certificates.WriteZIP(ctx, by, w, f)
	if err != nil && w.started {
		s.Log.Error("certificate ZIP cut short", "error", err.Error(), "written", n,
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		return nil
	}
	return err
}

// lazyDownload sends the download headers on the first write.
type lazyDownload struct {
	c       echo.Context
	name    string
	started bool
}

func (w *lazyDownload) Write(p []byte) (int, error) {
	if !w.started {
		w.started = true
		attachment(w.c, w.name, "application/zip", false)
		w.c.Response().WriteHeader(http.StatusOK)
	}
	return w.c.Response().Write(p)
}

var _ io.Writer = (*lazyDownload)(nil)

// CertificateView is one certificate for a manager: details, download, and the administrators'
// revoke and reissue forms.
type CertificateView struct {
	C         *ent.Certificate
	Status    string
	Ready     bool
	VerifyURL string
	IsAdmin   bool
}

func (s *Server) certificateView(c echo.Context, id int) (CertificateView, error) {
	cert, err := s.Certificates.Get(c.Request().Context(), certActor(c), id)
	if err != nil {
		return CertificateView{}, err
	}
	return CertificateView{C: cert, Status: s.Certificates.StatusOf(cert), Ready: s.Certificates.Ready(cert),
		VerifyURL: s.Certificates.VerifyURL(cert), IsAdmin: actorOf(c).IsAdmin()}, nil
}

func (s *Server) certificatePage(c echo.Context) error {
	id, err := certID(c)
	if err != nil {
		return err
	}
	v, err := s.certificateView(c, id)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "certificate.html", s.page(c, "title.certificate", v))
}

func (s *Server) revokeCertificate(c echo.Context) error {
	id, err := certID(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	if _, err := s.Certificates.Revoke(c.Request().Context(), certActor(c), id, reason); err != nil {
		v, verr := s.certificateView(c, id)
		if verr != nil {
			return verr
		}
		p := s.page(c, "title.certificate", v)
		p.Form["reason"] = reason
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, "certificate.html", p)
	}
	return redirect(c, "/manage/certificates/"+strconv.Itoa(id)+"?ok=certificate_revoked")
}

func (s *Server) reissueCertificate(c echo.Context) error {
	id, err := certID(c)
	if err != nil {
		return err
	}
	if _, err := s.Certificates.Reissue(c.Request().Context(), certActor(c), id); err != nil {
		return err
	}
	return redirect(c, "/manage/certificates/"+strconv.Itoa(id)+"?ok=certificate_reissued")
}

// IssueView is the administrators' "issue by hand" form.
type IssueView struct {
	Programs []*ent.Program
}

func (s *Server) issueCertificatePage(c echo.Context) error {
	return s.renderIssueForm(c, http.StatusOK, nil, nil)
}

func (s *Server) renderIssueForm(c echo.Context, status int, form map[string]string, err error) error {
	programs, perr := s.Certificates.Programs(c.Request().Context())
	if perr != nil {
		return perr
	}
	p := s.page(c, "title.issue_certificate", IssueView{Programs: programs})
	for k, v := range form {
		p.Form[k] = v
	}
	if err != nil {
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
	}
	return s.render(c, status, "certificate_issue.html", p)
}

func (s *Server) issueCertificate(c echo.Context) error {
	form := map[string]string{"person": c.FormValue("person"), "program": c.FormValue("program"), "hours": c.FormValue("hours")}
	in := certificates.HandIssue{Person: form["person"]}
	in.ProgramID, _ = strconv.Atoi(form["program"])
	if h := strings.TrimSpace(form["hours"]); h != "" {
		v, err := strconv.ParseFloat(h, 64)
		if err != nil {
			return s.renderIssueForm(c, http.StatusUnprocessableEntity, form, fault.Field("hours", "certificate.hours_range", "max", 10000))
		}
		in.Hours = v
	}
	cert, err := s.Certificates.IssueByHand(c.Request().Context(), certActor(c), in)
	if err != nil {
		return s.renderIssueForm(c, http.StatusUnprocessableEntity, form, err)
	}
	return redirect(c, "/manage/certificates/"+strconv.Itoa(cert.ID)+"?ok=certificate_issued")
}

// uploadSeal replaces (or, with remove=1, removes) the seal printed on certificates.
func (s *Server) uploadSeal(c echo.Context) error {
	var data []byte
	if c.FormValue("remove") != "1" {
		fh, err := c.FormFile("seal")
		if err != nil {
			return s.sealError(c, fault.Field("seal", "certificate.seal_required"))
		}
		if fh.Size > maxSealBytes {
			return s.sealError(c, fault.Field("seal", "certificate.seal_too_large", "max_mb", maxSealBytes>>20))
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		if data, err = io.ReadAll(io.LimitReader(f, maxSealBytes)); err != nil {
			return err
		}
		if len(data) == 0 {
			return s.sealError(c, fault.Field("seal", "certificate.seal_required"))
		}
	}
	if err := s.Certificates.SaveSeal(c.Request().Context(), certActor(c), data); err != nil {
		return s.sealError(c, err)
	}
	if data == nil {
		return redirect(c, "/manage/certificates?ok=seal_removed")
	}
	return redirect(c, "/manage/certificates?ok=seal_saved")
}

func (s *Server) sealError(c echo.Context, err error) error {
	v, verr := s.manageCertificatesView(c)
	if verr != nil {
		return verr
	}
	p := s.page(c, "title.manage_certificates", v)
	if err := s.formErrors(c, p, err); err != nil {
		return err
	}
	return s.render(c, http.StatusUnprocessableEntity, "certificates_manage.html", p)
}

// sealImage shows the seal in use to administrators.
func (s *Server) sealImage(c echo.Context) error {
	b := s.Certificates.Seal()
	if len(b) == 0 {
		return fault.NotFoundf("record")
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "image/png", b)
}

// renderPendingCertificates renders the certificates recorded while no font was installed.
func (s *Server) renderPendingCertificates(c echo.Context) error {
	n, err := s.Certificates.RenderPending(c.Request().Context())
	if errors.Is(err, certificates.ErrNoFont) {
		// The page itself, not the error page: 5xx faults are shown as "internal error", and the
		// administrator needs to read what to install.
		v, verr := s.manageCertificatesView(c)
		if verr != nil {
			return verr
		}
		p := s.page(c, "title.manage_certificates", v)
		p.Errors["_"] = s.message(p.Lang, fault.New(fault.Unavailable, "certificate.font_missing").With("hint", s.Certificates.FontWarning()))
		return s.render(c, http.StatusServiceUnavailable, "certificates_manage.html", p)
	}
	if err != nil {
		return err
	}
	return redirect(c, "/manage/certificates?ok=certificates_rendered&n="+strconv.Itoa(n))
}

// certificatePreview renders a sample certificate of a program's settings for the program editor.
// Query parameters title, body, prefix and valid_months override the saved settings, so that the
// editor can preview text it has not saved yet.
func (s *Server) certificatePreview(c echo.Context) error {
	id, err := strconv.Atoi(c.Param("program"))
	if err != nil || id <= 0 {
		return fault.NotFoundf("program")
	}
	ctx := c.Request().Context()
	prog, err := s.Training.Program(ctx, actorOf(c), id)
	if err != nil {
		return err
	}
	req := certificates.PreviewRequest{ProgramName: prog.Name, Prefix: prog.CertPrefix, Title: prog.CertTitle,
		Body: prog.CertBody, ValidMonths: prog.CertValidMonths, Hours: prog.Requirements.MinHours}
	q := c.QueryParams()
	if q.Has("title") {
		req.Title = q.Get("title")
	}
	if q.Has("body") {
		req.Body = q.Get("body")
	}
	if q.Has("prefix") {
		req.Prefix = strings.ToUpper(strings.TrimSpace(q.Get("prefix")))
	}
	if q.Has("valid_months") && strings.TrimSpace(q.Get("valid_months")) != "" {
		m, err := strconv.Atoi(strings.TrimSpace(q.Get("valid_months")))
		if err != nil || m < 0 || m > 600 {
			return fault.Field("cert_valid_months", "certificate.valid_months_range", "max", 600)
		}
		req.ValidMonths = m
	}
	pdf, err := s.Certificates.Preview(ctx, req)
	if err != nil {
		return err
	}
	attachment(c, "证书预览-"+prog.Name+".pdf", "application/pdf", true)
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}
