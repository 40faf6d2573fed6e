package certificates

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"peixun/ent"
	"peixun/ent/certificate"
	"peixun/fault"
)

// Revoke withdraws a certificate with a reason; verification shows it as revoked from then on. Only
// administrators revoke. The audit trail records who, when and why, in the same transaction.
func (s *Service) Revoke(ctx context.Context, by Actor, id int, reason string) (*ent.Certificate, error) {
	if !by.Admin {
		return nil, fault.ForbiddenErr()
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, fault.Field("reason", "certificate.reason_required")
	case utf8.RuneCountInString(reason) > 500:
		return nil, fault.Field("reason", "certificate.reason_too_long", "max", 500)
	}
	tx, err := s.db.Client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	c, err := tx.Certificate.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("certificate")
	}
	if err != nil {
		return nil, fmt.Errorf("loading certificate %d: %w", id, err)
	}
	// Conditional on not yet revoked, so two administrators clicking at once leave one record.
	n, err := tx.Certificate.Update().Where(certificate.ID(id), certificate.RevokedAtIsNil()).
		SetRevokedAt(s.now().UTC()).SetRevokedReason(reason).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("revoking certificate %d: %w", id, err)
	}
	if n == 0 {
		return nil, fault.New(fault.Conflict, "certificate.already_revoked")
	}
	if err := audit(ctx, tx, by, "certificate.revoke", id, c.Serial+": "+reason); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("committing revocation of certificate %d: %w", id, err)
	}
	return s.db.Client.Certificate.Get(ctx, id)
}

// Reissue renders a certificate again from the holder's current name and unit and the program's
// current text (after a correction, say), keeping its serial number and verification code. The new
// PDF gets a new issue date and content hash, so copies of the old one no longer check as ours.
// Administrators and managers of the holder's unit may reissue; revoked certificates are not.
func (s *Service) Reissue(ctx context.Context, by Actor, id int) (*ent.Certificate, error) {
	c, err := s.db.Client.Certificate.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("certificate")
	}
	if err != nil {
		return nil, fmt.Errorf("loading certificate %d: %w", id, err)
	}
	if ok, err := s.managesHolder(ctx, by, c.PersonID); err != nil || !ok {
		if err == nil {
			err = fault.ForbiddenErr()
		}
		return nil, err
	}
	if c.RevokedAt != nil {
		return nil, fault.New(fault.Conflict, "certificate.revoked")
	}
	p, err := s.db.Client.Program.Get(ctx, c.ProgramID)
	if err != nil {
		return nil, fmt.Errorf("loading program %d: %w", c.ProgramID, err)
	}
	req := IssueRequest{PersonID: c.PersonID, ProgramID: c.ProgramID, Hours: c.CreditHours}
	if c.CompletedAt != nil {
		req.CompletedAt = *c.CompletedAt
	}
	f, err := s.facts(ctx, p, req)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.Client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("starting transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	up := tx.Certificate.UpdateOneID(id).
		SetHolderName(f.name).SetUnitName(f.unit).SetProgramName(f.program).SetCreditHours(f.hours).
		SetIssuer(f.issuer).SetTitle(f.title).SetBody(f.body).
		SetIssuedAt(s.now().UTC()).ClearRenderedAt().SetContentHash("")
	if f.expires != nil {
		up.SetExpiresAt(*f.expires)
	} else {
		up.ClearExpiresAt()
	}
	c, err = up.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("reissuing certificate %d: %w", id, err)
	}
	if err := audit(ctx, tx, by, "certificate.reissue", id, c.Serial); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("committing reissue of certificate %d: %w", id, err)
	}
	if _, c, err = s.renderAndRecord(ctx, c); err != nil {
		s.log.Warn("certificate reissued, not yet rendered", "serial", c.Serial, "error", err)
	}
	return s.db.Client.Certificate.Get(ctx, id)
}

// audit writes one AuditEvent row inside tx.
func audit(ctx context.Context, tx *ent.Tx, by Actor, action string, id int, detail string) error {
	ev := tx.AuditEvent.Create().SetAction(action).SetTargetType("certificate").SetTargetID(id).SetDetail(detail)
	if by.PersonID != 0 {
		ev.SetActorID(by.PersonID)
	}
	if err := ev.Exec(ctx); err != nil {
		return fmt.Errorf("auditing %s of certificate %d: %w", action, id, err)
	}
	return nil
}
