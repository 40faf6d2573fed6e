package accounts

import (
	"context"
	"encoding/json"
	"fmt"

	"peixun/ent"
)

// Audit records who did what to which record. detail is stored as JSON. It uses the given client so
// that it can join the caller's transaction.
func Audit(ctx context.Context, c *ent.Client, actor Actor, ip, action, targetType string, targetID int, detail any) error {
	q := c.AuditEvent.Create().SetAction(action).SetTargetType(targetType).SetTargetID(targetID).SetIP(ip)
	if actor.PersonID != 0 {
		q.SetActorID(actor.PersonID)
	}
	if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return fmt.Errorf("encoding audit detail: %w", err)
		}
		q.SetDetail(string(b))
	}
	if err := q.Exec(ctx); err != nil {
		return fmt.Errorf("recording audit event %s: %w", action, err)
	}
	return nil
}

// withTx runs fn in a transaction, rolling back on error.
func withTx(ctx context.Context, c *ent.Client, fn func(tx *ent.Tx) error) error {
	tx, err := c.Tx(ctx)
	if err != nil {
		return fmt.Errorf("starting transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}
