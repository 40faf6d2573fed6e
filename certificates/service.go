// Package certificates issues numbered training certificates as Chinese PDF documents with a QR code,
// verifies them publicly, and revokes them. It records a certificate even when no font is installed
// and renders it once one is (see RenderPending).
package certificates

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"log/slog"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"

	"peixun/database"
	"peixun/fault"
)

// Config is what a Service needs. Only DB is required.
type Config struct {
	DB       *database.DB
	Now      func() time.Time // the clock; time.Now when nil
	Logger   *slog.Logger     // slog.Default() when nil
	FontPath string           // PEIXUN_CERT_FONT; the system paths are searched when empty
	BaseURL  string           // public address the QR code points to, e.g. https://peixun.example.cn
	Issuer   string           // the issuing body printed on certificates, e.g. 某某区交通运输局
	Seal     []byte           // optional PNG of a seal or signature (transparency kept)
	// Bucket, when set, keeps the seal an administrator uploads (SaveSeal) so that it survives a
	// restart and reaches every replica; the blob store of uploaded materials will do.
	Bucket *blob.Bucket
}

// Actor is the caller of an operation as this package sees it. It mirrors accounts.Actor without
// importing accounts, so that accounts can call ValidateName: build it as
// certificates.Actor{PersonID: a.PersonID, Admin: a.IsAdmin(), ScopePath: a.ScopePath()}.
type Actor struct {
	PersonID  int
	Admin     bool
	ScopePath string // unit path prefix the caller manages ("/" for everything, "" for nothing)
}

// SystemActor is the actor of scheduled jobs and the training package's automatic issuing.
var SystemActor = Actor{Admin: true, ScopePath: "/"}

func (a Actor) manages(unitPath string) bool {
	return a.Admin || (a.ScopePath != "" && strings.HasPrefix(unitPath, a.ScopePath))
}

// Service issues, renders, verifies and revokes certificates.
type Service struct {
	db      *database.DB
	now     func() time.Time
	log     *slog.Logger
	baseURL string
	issuer  string

	fontPath string
	mu       sync.Mutex
	font     *Font
	fontErr  error
	fontTry  time.Time
	seal     []byte
	cut      cutCache

	bucket   *blob.Bucket
	sealSeen time.Time // when the bucket was last looked at
	sealMod  time.Time // modification time of the seal loaded from the bucket
}

// DefaultIssuer is printed when the configuration names no issuing body.
const DefaultIssuer = "培训管理平台"

// New makes a Service and looks for the font once; a missing font is not an error (see FontWarning).
func New(cfg Config) (*Service, error) {
	if cfg.DB == nil {
		return nil, fmt.Errorf("certificates: no database")
	}
	s := &Service{
		db:       cfg.DB,
		now:      cfg.Now,
		log:      cfg.Logger,
		baseURL:  strings.TrimRight(cfg.BaseURL, "/"),
		issuer:   strings.TrimSpace(cfg.Issuer),
		fontPath: cfg.FontPath,
		bucket:   cfg.Bucket,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.issuer == "" {
		s.issuer = DefaultIssuer
	}
	if err := validateText("issuer", s.issuer); err != nil {
		return nil, err
	}
	if len(cfg.Seal) > 0 {
		if err := s.SetSeal(cfg.Seal); err != nil {
			return nil, err
		}
	} else if s.bucket != nil {
		s.refreshSeal(true)
	}
	if _, err := s.loadFont(); err != nil {
		s.log.Warn("certificates will be rendered once a font is installed", "warning", fontHint(err))
	}
	return s, nil
}

// fontRetry is how long a failed font search is remembered before the disk is looked at again.
const fontRetry = time.Minute

// loadFont returns the font, searching again at most once a minute while none was found, so that
// installing a font takes effect without a restart.
func (s *Service) loadFont() (*Font, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.font != nil {
		return s.font, nil
	}
	if s.fontErr != nil && time.Since(s.fontTry) < fontRetry {
		return nil, s.fontErr
	}
	s.font, s.fontErr = FindFont(s.fontPath)
	s.fontTry = time.Now()
	if s.font != nil {
		s.log.Info("certificate font", "path", s.font.Path, "face", s.font.Face)
	}
	return s.font, s.fontErr
}

// FontWarning is empty when certificates can be rendered, else the warning an administrator should
// see, saying what to install.
func (s *Service) FontWarning() string {
	if _, err := s.loadFont(); err != nil {
		return fontHint(err)
	}
	return ""
}

// FontPath is the font file in use, or "" while none is found.
func (s *Service) FontPath() string {
	if f, err := s.loadFont(); err == nil {
		return f.Path
	}
	return ""
}

// SetSeal sets the seal or signature image printed on certificates rendered from now on, in this
// process only (SaveSeal also keeps it). The PNG is redrawn as 8-bit RGBA because gofpdf rejects
// 16-bit and some palette PNGs; transparency is kept. An empty slice removes the seal.
func (s *Service) SetSeal(pngBytes []byte) error {
	out, err := normalizeSeal(pngBytes)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.seal = out
	s.mu.Unlock()
	return nil
}

// normalizeSeal checks an uploaded seal and redraws it as 8-bit RGBA.
func normalizeSeal(pngBytes []byte) ([]byte, error) {
	if len(pngBytes) == 0 {
		return nil, nil
	}
	img, err := png.Decode(bytes.NewReader(pngBytes))
	if err != nil {
		return nil, fault.Field("seal", "certificate.seal_not_png").Because(err)
	}
	b := img.Bounds()
	if b.Dx() > 2000 || b.Dy() > 2000 || b.Dx() < 16 || b.Dy() < 16 {
		return nil, fault.Field("seal", "certificate.seal_size", "min", 16, "max", 2000)
	}
	rgba := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, rgba); err != nil {
		return nil, fmt.Errorf("re-encoding seal: %w", err)
	}
	return buf.Bytes(), nil
}

func (s *Service) sealBytes() []byte {
	s.refreshSeal(false)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seal
}

// verifyURL is where a certificate's QR code points.
func (s *Service) verifyURL(code string) string { return s.baseURL + "/verify/" + code }
