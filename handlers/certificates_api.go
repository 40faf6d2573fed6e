package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/ent"
)

// CertificateJSON is a certificate as the API shows it to its holder and their managers.
type CertificateJSON struct {
	ID            int        `json:"id"`
	Serial        string     `json:"serial"`
	PersonID      int        `json:"person_id"`
	ProgramID     int        `json:"program_id"`
	Name          string     `json:"name"`
	Unit          string     `json:"unit"`
	Program       string     `json:"program"`
	Hours         float64    `json:"hours"`
	Status        string     `json:"status"`
	IssuedAt      time.Time  `json:"issued_at"`
	CompletedAt   *time.Time `json:"completed_at,omitempty"`
	ExpiresAt     *time.Time `json:"expires_at,omitempty"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokedReason string     `json:"revoked_reason,omitempty"`
	Issuer        string     `json:"issuer"`
	VerifyURL     string     `json:"verify_url"`
	Ready         bool       `json:"ready"` // false while it waits for a font
	PDF           string     `json:"pdf"`   // download address
}

func (s *Server) certificateJSON(c *ent.Certificate) CertificateJSON {
	return CertificateJSON{ID: c.ID, Serial: c.Serial, PersonID: c.PersonID, ProgramID: c.ProgramID, Name: c.HolderName,
		Unit: c.UnitName, Program: c.ProgramName, Hours: c.CreditHours, Status: s.Certificates.StatusOf(c),
		IssuedAt: c.IssuedAt, CompletedAt: c.CompletedAt, ExpiresAt: c.ExpiresAt, RevokedAt: c.RevokedAt,
		RevokedReason: c.RevokedReason, Issuer: c.Issuer, VerifyURL: s.Certificates.VerifyURL(c),
		Ready: s.Certificates.Ready(c), PDF: "/certificates/" + strconv.Itoa(c.ID) + "/pdf"}
}

func (s *Server) certificatesJSON(cs []*ent.Certificate) []CertificateJSON {
	out := make([]CertificateJSON, len(cs))
	for i, c := range cs {
		out[i] = s.certificateJSON(c)
	}
	return out
}

// apiMyCertificates lists the caller's own certificates.
func (s *Server) apiMyCertificates(c echo.Context) error {
	cs, err := s.Certificates.Mine(c.Request().Context(), actorOf(c).PersonID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"certificates": s.certificatesJSON(cs)})
}

// apiCertificates lists the certificates of the caller's units (filters as on the page).
func (s *Server) apiCertificates(c echo.Context) error {
	page, err := s.Certificates.List(c.Request().Context(), certActor(c), listFilter(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"certificates": s.certificatesJSON(page.Certificates),
		"total": page.Total, "page": page.Page, "per_page": page.PerPage})
}

func (s *Server) apiCertificate(c echo.Context) error {
	id, err := certID(c)
	if err != nil {
		return err
	}
	cert, err := s.Certificates.Get(c.Request().Context(), certActor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.certificateJSON(cert))
}

// revokeRequest is the body of a revocation.
type revokeRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) apiRevokeCertificate(c echo.Context) error {
	id, err := certID(c)
	if err != nil {
		return err
	}
	var r revokeRequest
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	cert, err := s.Certificates.Revoke(c.Request().Context(), certActor(c), id, r.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.certificateJSON(cert))
}
