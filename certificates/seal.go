package certificates

import (
	"context"
	"fmt"
	"time"

	"gocloud.dev/gcerrors"

	"peixun/fault"
)

// SealKey is where the seal is kept in the blob store.
const SealKey = "certificates/seal.png"

// sealRecheck is how often the blob store is asked whether another replica replaced the seal.
const sealRecheck = time.Minute

// SaveSeal sets the seal or signature printed on certificates rendered from now on and keeps it in
// the blob store (Config.Bucket), so that a restart or another replica uses it too. An empty image
// removes it. Only administrators change the seal; the audit trail records it.
func (s *Service) SaveSeal(ctx context.Context, by Actor, pngBytes []byte) error {
	if !by.Admin {
		return fault.ForbiddenErr()
	}
	out, err := normalizeSeal(pngBytes)
	if err != nil {
		return err
	}
	if s.bucket != nil {
		if len(out) == 0 {
			if err := s.bucket.Delete(ctx, SealKey); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
				return fmt.Errorf("removing the stored seal: %w", err)
			}
		} else if err := s.bucket.WriteAll(ctx, SealKey, out, nil); err != nil {
			return fmt.Errorf("storing the seal: %w", err)
		}
	}
	s.mu.Lock()
	s.seal = out
	s.sealSeen, s.sealMod = time.Now(), time.Now()
	s.mu.Unlock()
	tx, err := s.db.Client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("starting transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	detail := fmt.Sprintf("%d bytes", len(out))
	if len(out) == 0 {
		detail = "removed"
	}
	ev := tx.AuditEvent.Create().SetAction("certificate.seal").SetTargetType("certificate").SetDetail(detail)
	if by.PersonID != 0 {
		ev.SetActorID(by.PersonID)
	}
	if err := ev.Exec(ctx); err != nil {
		return fmt.Errorf("auditing the seal change: %w", err)
	}
	return tx.Commit()
}

// Seal is the seal image in use (an 8-bit RGBA PNG), or nil when there is none.
func (s *Service) Seal() []byte { return s.sealBytes() }

// refreshSeal loads the seal from the blob store when it changed there (another replica saved one),
// looking at most once a minute unless forced. Failures are logged: a certificate without its seal
// is better than none.
func (s *Service) refreshSeal(force bool) {
	if s.bucket == nil {
		return
	}
	s.mu.Lock()
	due := force || time.Since(s.sealSeen) >= sealRecheck
	if due {
		s.sealSeen = time.Now()
	}
	mod := s.sealMod
	s.mu.Unlock()
	if !due {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	attrs, err := s.bucket.Attributes(ctx, SealKey)
	if gcerrors.Code(err) == gcerrors.NotFound {
		s.mu.Lock()
		if !s.sealMod.IsZero() { // removed elsewhere
			s.seal, s.sealMod = nil, time.Time{}
		}
		s.mu.Unlock()
		return
	}
	if err != nil {
		s.log.Warn("reading the certificate seal", "error", err)
		return
	}
	if !force && !attrs.ModTime.After(mod) {
		return
	}
	b, err := s.bucket.ReadAll(ctx, SealKey)
	if err == nil {
		b, err = normalizeSeal(b)
	}
	if err != nil {
		s.log.Warn("reading the certificate seal", "error", err)
		return
	}
	s.mu.Lock()
	s.seal, s.sealMod = b, attrs.ModTime
	s.mu.Unlock()
}
