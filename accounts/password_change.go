package accounts

import (
	"context"
	"fmt"

	"peixun/ent"
	"peixun/ent/session"
	"peixun/fault"
)

// ChangePassword lets a signed-in person change their own password. Every other session of the
// person ends; keepSessionID (the current one) stays.
func (s *Service) ChangePassword(ctx context.Context, actor Actor, keepSessionID int, oldPassword, newPassword string) error {
	p, err := s.client.Person.Get(ctx, actor.PersonID)
	if err != nil {
		return notFound(err, "person")
	}
	if !CheckPassword(p.PasswordHash, oldPassword) {
		return fault.Field("old_password", "password.wrong")
	}
	if oldPassword == newPassword {
		return fault.Field("new_password", "password.same")
	}
	if err := s.CheckPolicy(p.Username, newPassword); err != nil {
		err.(*fault.Error).Field = "new_password"
		return err
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	defer s.forgetSessions() // after the commit: other sessions of the person end
	return withTx(ctx, s.client, func(tx *ent.Tx) error {
		if err := tx.Person.UpdateOneID(p.ID).SetPasswordHash(hash).SetPasswordChangedAt(s.now()).Exec(ctx); err != nil {
			return fmt.Errorf("saving password of %d: %w", p.ID, err)
		}
		if _, err := tx.Session.Delete().Where(session.PersonID(p.ID), session.IDNEQ(keepSessionID)).Exec(ctx); err != nil {
			return fmt.Errorf("ending other sessions of %d: %w", p.ID, err)
		}
		return Audit(ctx, tx.Client(), actor, "", "person.password_change", "person", p.ID, nil)
	})
}

// SetPassword sets a person's password (an administrator's reset, or the command line), unlocks the
// account and ends all their sessions.
func (s *Service) SetPassword(ctx context.Context, actor Actor, personID int, password string) error {
	p, err := s.Person(ctx, actor, personID)
	if err != nil {
		return err
	}
	if !actor.IsAdmin() && personID != actor.PersonID {
		return fault.ForbiddenErr()
	}
	if err := s.CheckPolicy(p.Username, password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	defer s.forgetSessions() // after the commit: other sessions of the person end
	return withTx(ctx, s.client, func(tx *ent.Tx) error {
		if err := tx.Person.UpdateOneID(p.ID).SetPasswordHash(hash).SetPasswordChangedAt(s.now()).
			SetFailedLogins(0).ClearLockedUntil().Exec(ctx); err != nil {
			return fmt.Errorf("saving password of %d: %w", p.ID, err)
		}
		if err := endSessions(ctx, tx.Client(), p.ID); err != nil {
			return err
		}
		return Audit(ctx, tx.Client(), actor, "", "person.password_reset", "person", p.ID, nil)
	})
}
