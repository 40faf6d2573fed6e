package certificates

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"peixun/ent"
	"peixun/ent/certificate"
	"peixun/fault"
)

// Statuses a verification reports.
const (
	StatusValid   = "valid"
	StatusRevoked = "revoked"
	StatusExpired = "expired"
)

// PublicView is what anyone may learn about a certificate from its code: enough to trust a paper
// copy, no more personal data than that (the name is masked, the unit and reason are left out).
type PublicView struct {
	Status      string     `json:"status"` // valid, revoked or expired
	Serial      string     `json:"serial"`
	Code        string     `json:"code"` // the verification code (printed on the certificate)
	Name        string     `json:"name"` // masked: 张*伟
	Program     string     `json:"program"`
	Hours       float64    `json:"hours"`
	CompletedAt time.Time  `json:"completed_at"`
	IssuedAt    time.Time  `json:"issued_at"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
	Issuer      string     `json:"issuer"`
}

// Verify looks a certificate up by its verification code, as typed or read from the QR code. An
// unknown code is a plain not-found: nothing tells a guesser how close they were.
func (s *Service) Verify(ctx context.Context, code string) (*PublicView, error) {
	code = normalizeCode(code)
	if len(code) != CodeLength {
		return nil, fault.NotFoundf("certificate")
	}
	c, err := s.db.Client.Certificate.Query().Where(certificate.VerifyCode(code)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("certificate")
	}
	if err != nil {
		return nil, fmt.Errorf("verifying certificate code: %w", err)
	}
	return s.view(c), nil
}

func (s *Service) view(c *ent.Certificate) *PublicView {
	v := &PublicView{
		Status: StatusValid, Serial: c.Serial, Code: c.VerifyCode, Name: MaskName(c.HolderName), Program: c.ProgramName,
		Hours: c.CreditHours, IssuedAt: c.IssuedAt, CompletedAt: timeOrZero(c.CompletedAt),
		ExpiresAt: c.ExpiresAt, RevokedAt: c.RevokedAt, Issuer: c.Issuer,
	}
	switch {
	case c.RevokedAt != nil:
		v.Status = StatusRevoked
	case c.ExpiresAt != nil && !s.now().Before(*c.ExpiresAt):
		v.Status = StatusExpired
	}
	return v
}

// CheckResult answers "is this PDF one we issued, unchanged?".
type CheckResult struct {
	Ours        bool        `json:"ours"`
	Certificate *PublicView `json:"certificate,omitempty"` // when ours: its current status
}

// CheckPDF compares an uploaded file's SHA-256 with the content hashes recorded at issue. Any change
// to the file, a single byte, makes it "not ours".
func (s *Service) CheckPDF(ctx context.Context, pdf []byte) (*CheckResult, error) {
	if len(pdf) == 0 {
		return nil, fault.Field("file", "certificate.file_empty")
	}
	sum := sha256.Sum256(pdf)
	c, err := s.db.Client.Certificate.Query().
		Where(certificate.ContentHash(hex.EncodeToString(sum[:]))).First(ctx)
	if ent.IsNotFound(err) {
		return &CheckResult{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checking an uploaded certificate: %w", err)
	}
	return &CheckResult{Ours: true, Certificate: s.view(c)}, nil
}

// StatusOf is a certificate's status as verification reports it: valid, revoked or expired.
func (s *Service) StatusOf(c *ent.Certificate) string { return s.view(c).Status }

// Ready tells whether a certificate can be downloaded now: it was rendered, or a font is there to
// render it. Otherwise it is "being prepared" until a font is installed.
func (s *Service) Ready(c *ent.Certificate) bool {
	return c.RenderedAt != nil || s.FontPath() != ""
}

// VerifyURL is the public verification address of a certificate, the one its QR code holds.
func (s *Service) VerifyURL(c *ent.Certificate) string { return s.verifyURL(c.VerifyCode) }
