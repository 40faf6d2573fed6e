package training

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/enrollment"
	"peixun/fault"
)

// managedEnrollment loads an enrollment whose unit the actor manages. Managers may not decide on
// their own enrollment.
func (s *Service) managedEnrollment(ctx context.Context, actor accounts.Actor, id int) (*ent.Enrollment, error) {
	e, err := s.client.Enrollment.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("enrollment")
	}
	if err != nil {
		return nil, fmt.Errorf("loading enrollment %d: %w", id, err)
	}
	u, err := s.client.Unit.Get(ctx, e.UnitID)
	if err != nil {
		return nil, fmt.Errorf("loading unit of enrollment %d: %w", id, err)
	}
	if !actor.Manages(u.Path) {
		return nil, fault.ForbiddenErr()
	}
	if e.PersonID == actor.PersonID && !actor.IsAdmin() {
		return nil, fault.New(fault.Forbidden, "training.exempt_self")
	}
	return e, nil
}

// Exempt takes a person out of a program's denominator, for a reason a manager gives (long sick
// leave, secondment). It is recorded in the audit trail with the reason.
func (s *Service) Exempt(ctx context.Context, actor accounts.Actor, ip string, enrollmentID int, reason string) (*ent.Enrollment, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, fault.Field("reason", "training.exempt_reason_required")
	case utf8.RuneCountInString(reason) > 500:
		return nil, fault.Field("reason", "training.exempt_reason_too_long", "max", 500)
	}
	e, err := s.managedEnrollment(ctx, actor, enrollmentID)
	if err != nil {
		return nil, err
	}
	switch e.Status {
	case enrollment.StatusCompleted:
		return nil, fault.New(fault.Conflict, "training.already_completed")
	case enrollment.StatusExempt:
		return nil, fault.New(fault.Conflict, "training.already_exempt")
	}
	now := s.clock()
	err = s.withTx(ctx, func(tx *ent.Tx) error {
		n, err := tx.Enrollment.Update().
			Where(enrollment.ID(e.ID), enrollment.StatusNotIn(enrollment.StatusCompleted, enrollment.StatusExempt)).
			SetStatus(enrollment.StatusExempt).SetExemptReason(reason).SetExemptedBy(actor.PersonID).
			SetExemptedAt(now).Save(ctx)
		if err != nil {
			return fmt.Errorf("exempting enrollment %d: %w", e.ID, err)
		}
		if n == 0 {
			return fault.New(fault.Conflict, "training.already_completed")
		}
		return accounts.Audit(ctx, tx.Client(), actor, ip, "enrollment.exempt", "enrollment", e.ID,
			map[string]any{"program": e.ProgramID, "person": e.PersonID, "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	return s.client.Enrollment.Get(ctx, e.ID)
}

// Unexempt puts an exempt person back into the program's denominator and evaluates them at once.
func (s *Service) Unexempt(ctx context.Context, actor accounts.Actor, ip string, enrollmentID int) (*ent.Enrollment, error) {
	e, err := s.managedEnrollment(ctx, actor, enrollmentID)
	if err != nil {
		return nil, err
	}
	if e.Status != enrollment.StatusExempt {
		return nil, fault.New(fault.Conflict, "training.not_exempt")
	}
	err = s.withTx(ctx, func(tx *ent.Tx) error {
		if err := tx.Enrollment.UpdateOneID(e.ID).SetStatus(enrollment.StatusAssigned).SetProgress(0).
			ClearExemptReason().ClearExemptedBy().ClearExemptedAt().Exec(ctx); err != nil {
			return fmt.Errorf("ending exemption of enrollment %d: %w", e.ID, err)
		}
		return accounts.Audit(ctx, tx.Client(), actor, ip, "enrollment.unexempt", "enrollment", e.ID,
			map[string]any{"program": e.ProgramID, "person": e.PersonID, "reason": e.ExemptReason})
	})
	if err != nil {
		return nil, err
	}
	if err := s.EvaluatePerson(ctx, e.PersonID); err != nil {
		return nil, err
	}
	return s.client.Enrollment.Get(ctx, e.ID)
}
