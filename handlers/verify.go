package handlers

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/certificates"
	"peixun/fault"
)

// Public verification is rate-limited per client address, in the database so that every replica
// counts together: enough for anyone checking certificates by hand, too few to walk the code space.
var (
	verifyLimit  = 60
	checkLimit   = 20
	verifyWindow = time.Minute
)

// maxCheckBytes bounds an uploaded certificate: ours are 15-50 KB.
const maxCheckBytes = 5 << 20

// VerifyView is the public verification page.
type VerifyView struct {
	V *certificates.PublicView
}

// VerifyJSON is the JSON answer of a verification.
type VerifyJSON struct {
	*certificates.PublicView
	URL string `json:"url"`
}

// verifyForm asks for a code (or takes ?code= and goes to its page).
func (s *Server) verifyForm(c echo.Context) error {
	if code := strings.TrimSpace(c.QueryParam("code")); code != "" {
		return redirect(c, "/verify/"+url.PathEscape(code))
	}
	return s.render(c, http.StatusOK, "verify_form.html", s.page(c, "title.verify", nil))
}

// verifyPage answers /verify/<code> (the QR code's address) without sign-in: valid, revoked or
// expired. /verify/<code>.json, or an Accept header asking for JSON, gives the JSON variant.
func (s *Server) verifyPage(c echo.Context) error {
	code, asJSON := strings.CutSuffix(c.Param("verification"), ".json")
	if err := s.Accounts.Hit(c.Request().Context(), "verify:"+c.RealIP(), verifyLimit, verifyWindow); err != nil {
		return err
	}
	v, err := s.Certificates.Verify(c.Request().Context(), code)
	if err != nil {
		if asJSON {
			c.Request().Header.Set("Accept", "application/json")
		}
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if asJSON || isAPI(c) {
		return c.JSON(http.StatusOK, VerifyJSON{PublicView: v, URL: s.verifyURL(c, v.Code)})
	}
	return s.render(c, http.StatusOK, "verify.html", s.page(c, "title.verify", VerifyView{V: v}))
}

// apiVerify is the verification JSON under /api/v1.
func (s *Server) apiVerify(c echo.Context) error {
	if err := s.Accounts.Hit(c.Request().Context(), "verify:"+c.RealIP(), verifyLimit, verifyWindow); err != nil {
		return err
	}
	v, err := s.Certificates.Verify(c.Request().Context(), c.Param("verification"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, VerifyJSON{PublicView: v, URL: s.verifyURL(c, v.Code)})
}

// verifyURL is a verification page's public address: under the configured base URL, else this host.
func (s *Server) verifyURL(c echo.Context, code string) string {
	base := strings.TrimRight(s.BaseURL, "/")
	if base == "" {
		base = c.Scheme() + "://" + c.Request().Host
	}
	return base + "/verify/" + code
}

// CheckView is the "check this PDF" page: the form and, after an upload, the answer.
type CheckView struct {
	Checked  bool
	FileName string
	Result   *certificates.CheckResult
}

func (s *Server) checkPDFPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "verify_check.html", s.page(c, "title.verify_check", CheckView{}))
}

// checkPDF says whether an uploaded PDF is a certificate we issued, byte for byte.
func (s *Server) checkPDF(c echo.Context) error {
	ctx := c.Request().Context()
	if err := s.Accounts.Hit(ctx, "verify-check:"+c.RealIP(), checkLimit, verifyWindow); err != nil {
		return err
	}
	p := s.page(c, "title.verify_check", CheckView{})
	name, data, err := checkUpload(c)
	var res *certificates.CheckResult
	if err == nil {
		res, err = s.Certificates.CheckPDF(ctx, data)
	}
	if err != nil {
		if isAPI(c) {
			return err
		}
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, "verify_check.html", p)
	}
	if isAPI(c) {
		return c.JSON(http.StatusOK, res)
	}
	p.Data = CheckView{Checked: true, FileName: name, Result: res}
	return s.render(c, http.StatusOK, "verify_check.html", p)
}

func checkUpload(c echo.Context) (string, []byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, fault.Field("file", "certificate.file_empty")
	}
	if fh.Size > maxCheckBytes {
		return "", nil, fault.Field("file", "certificate.file_too_large", "max_mb", maxCheckBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxCheckBytes+1))
	if err != nil {
		return "", nil, err
	}
	return fh.Filename, b, nil
}
