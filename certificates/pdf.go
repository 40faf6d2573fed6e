package certificates

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"peixun/ent"
	"peixun/ent/certificate"
	"peixun/ent/person"
	"peixun/fault"
)

// renderDoc renders one certificate with the font cut to its characters (reusing the cached cut
// when it covers them).
func (s *Service) renderDoc(d *document) ([]byte, error) {
	font, err := s.loadFont()
	if err != nil {
		return nil, err
	}
	cut, err := s.cutFont(font, d.texts()...)
	if err != nil {
		return nil, err
	}
	return render(d, cut, s.sealBytes())
}

// renderAndRecord renders a certificate and records its content hash. A PDF whose hash differs from
// the one recorded (a new font or seal since) replaces it: what we hand out is what we vouch for.
func (s *Service) renderAndRecord(ctx context.Context, c *ent.Certificate) ([]byte, *ent.Certificate, error) {
	pdf, err := s.renderDoc(s.documentOf(c))
	if err != nil {
		return nil, c, err
	}
	updated, err := s.record(ctx, c, pdf)
	if err != nil {
		return nil, c, err
	}
	return pdf, updated, nil
}

func (s *Service) record(ctx context.Context, c *ent.Certificate, pdf []byte) (*ent.Certificate, error) {
	sum := sha256.Sum256(pdf)
	hash := hex.EncodeToString(sum[:])
	if c.ContentHash == hash && c.RenderedAt != nil {
		return c, nil
	}
	if c.ContentHash != "" && c.ContentHash != hash {
		s.log.Warn("certificate renders differently than when issued (font or seal changed?); recording the new hash",
			"serial", c.Serial, "old", c.ContentHash, "new", hash)
	}
	// Through the service's client: c may come from a transaction that has ended.
	updated, err := s.db.Client.Certificate.UpdateOneID(c.ID).SetContentHash(hash).SetRenderedAt(s.now().UTC()).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("recording content hash of certificate %d: %w", c.ID, err)
	}
	return updated, nil
}

// PDF returns a certificate's PDF for download by its holder, or by an administrator or a manager of
// the holder's unit. Revoked certificates are not handed to their holders.
func (s *Service) PDF(ctx context.Context, by Actor, id int) ([]byte, *ent.Certificate, error) {
	c, err := s.db.Client.Certificate.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, nil, fault.NotFoundf("certificate")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("loading certificate %d: %w", id, err)
	}
	manages, err := s.managesHolder(ctx, by, c.PersonID)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case !manages && by.PersonID != c.PersonID:
		return nil, nil, fault.ForbiddenErr()
	case !manages && c.RevokedAt != nil:
		return nil, nil, fault.New(fault.Conflict, "certificate.revoked")
	}
	pdf, c, err := s.renderAndRecord(ctx, c)
	if err != nil {
		return nil, nil, renderFault(err)
	}
	return pdf, c, nil
}

// renderFault turns a rendering failure an administrator can fix into a fault they can read.
func renderFault(err error) error {
	var missing *MissingGlyphsError
	switch {
	case errors.Is(err, ErrNoFont):
		return fault.New(fault.Unavailable, "certificate.font_missing").With("hint", fontHint(err)).Because(err)
	case errors.As(err, &missing):
		return fault.New(fault.Unavailable, "certificate.font_lacks_chars").With("chars", string(missing.Runes)).Because(err)
	}
	return err
}

// managesHolder tells whether the actor administers the unit the person belongs to.
func (s *Service) managesHolder(ctx context.Context, by Actor, personID int) (bool, error) {
	if by.Admin {
		return true, nil
	}
	if by.ScopePath == "" {
		return false, nil
	}
	p, err := s.db.Client.Person.Query().Where(person.ID(personID)).WithUnit().Only(ctx)
	if err != nil {
		return false, fmt.Errorf("loading holder %d: %w", personID, err)
	}
	return p.Edges.Unit != nil && by.manages(p.Edges.Unit.Path), nil
}

// renderBatch is how many certificates are loaded and rendered at once.
const renderBatch = 200

// RenderPending renders the certificates recorded while no font was available (or whose font lacked
// a character) and records their hashes. It returns how many it rendered; ErrNoFont while none is
// installed. Scheduled jobs and the "font installed" button call it; it is safe to run on replicas
// at once (rendering is deterministic, so both record the same hash).
func (s *Service) RenderPending(ctx context.Context) (int, error) {
	if _, err := s.loadFont(); err != nil {
		return 0, err
	}
	done, last := 0, 0
	for {
		batch, err := s.db.Client.Certificate.Query().
			Where(certificate.RenderedAtIsNil(), certificate.IDGT(last)).
			Order(ent.Asc(certificate.FieldID)).Limit(renderBatch).All(ctx)
		if err != nil {
			return done, fmt.Errorf("listing unrendered certificates: %w", err)
		}
		if len(batch) == 0 {
			return done, nil
		}
		for _, c := range s.renderEach(batch) {
			last = c.cert.ID
			if c.err != nil {
				s.log.Warn("certificate not rendered", "serial", c.cert.Serial, "error", c.err)
				continue
			}
			if _, err := s.record(ctx, c.cert, c.pdf); err != nil {
				return done, err
			}
			done++
		}
	}
}

type rendered struct {
	cert *ent.Certificate
	pdf  []byte
	err  error
}

// renderEach renders a batch with one font cut for all of it (the per-document cost is then the
// layout, not parsing the font). Documents the font cannot draw fail alone.
func (s *Service) renderEach(batch []*ent.Certificate) []rendered {
	docs := make([]*document, len(batch))
	font, fontErr := s.loadFont()
	var texts []string
	for i, c := range batch {
		docs[i] = s.documentOf(c)
		if fontErr == nil && len(font.Missing(strings.Join(docs[i].texts(), ""))) == 0 {
			texts = append(texts, docs[i].texts()...)
		}
	}
	if fontErr == nil {
		// One cut for the batch; renderDoc below then finds it covers each document. A failure
		// here shows again, per document, below.
		_, _ = s.cutFont(font, texts...)
	}
	out := make([]rendered, len(batch))
	for i, c := range batch {
		out[i].cert = c
		out[i].pdf, out[i].err = s.renderDoc(docs[i])
	}
	return out
}

// PreviewRequest is a program's certificate settings as edited, before they are saved.
type PreviewRequest struct {
	ProgramName string
	Prefix      string
	Title, Body string // with placeholders; empty means the defaults
	ValidMonths int
	Hours       float64
}

// Preview renders a sample certificate for the program editor with made-up holder data.
func (s *Service) Preview(ctx context.Context, req PreviewRequest) ([]byte, error) {
	now := s.now().UTC()
	d := &document{Name: "张三", Unit: "示例单位", Program: req.ProgramName, Hours: req.Hours,
		Completed: now, Issued: now, Code: "SAMPLE2345AB", Issuer: s.issuer}
	if d.Program == "" {
		d.Program = "示例培训项目"
	}
	if err := validateText("program_name", d.Program); err != nil {
		return nil, err
	}
	prefix := strings.TrimRight(strings.TrimSpace(req.Prefix), "-")
	if prefix != "" && !prefixPattern.MatchString(prefix) {
		return nil, fault.Field("cert_prefix", "certificate.prefix_invalid")
	}
	if prefix == "" {
		prefix = "PX-" + now.In(shanghai).Format("2006") + "-0"
	}
	d.Serial = Serial(prefix, 1)
	d.URL = s.verifyURL(d.Code)
	if req.ValidMonths > 0 {
		t := now.AddDate(0, req.ValidMonths, 0)
		d.Expires = &t
	}
	var err error
	if d.Title, d.Body, err = fillTemplates(req.Title, req.Body, d); err != nil {
		return nil, err
	}
	pdf, err := s.renderDoc(d)
	if err != nil {
		return nil, renderFault(err)
	}
	return pdf, nil
}

// prefixPattern is what a serial number prefix may be: capitals, digits and hyphens (the training
// package enforces the same when a program is saved).
var prefixPattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,31}$`)

// timeOrZero is for views of optional times.
func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
