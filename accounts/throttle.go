package accounts

import (
	"context"
	"fmt"
	"time"

	"peixun/ent"
	"peixun/ent/throttle"
	"peixun/fault"
)

// Hit counts one event for key in a fixed window and refuses it (fault.TooMany) past limit. The count
// lives in the database so that every replica sees the same one.
func (s *Service) Hit(ctx context.Context, key string, limit int, window time.Duration) error {
	key = clip(key, 128)
	now := s.now()
	var count int
	err := withTx(ctx, s.client, func(tx *ent.Tx) error {
		q := tx.Throttle.Query().Where(throttle.Key(key))
		if s.db.IsMySQL() {
			q.ForUpdate()
		}
		t, err := q.Only(ctx)
		switch {
		case ent.IsNotFound(err):
			count = 1
			return tx.Throttle.Create().SetKey(key).SetWindowStart(now).SetCount(1).
				OnConflictColumns(throttle.FieldKey).AddCount(1).Exec(ctx)
		case err != nil:
			return fmt.Errorf("reading throttle %s: %w", key, err)
		case now.Sub(t.WindowStart) >= window:
			count = 1
			return tx.Throttle.UpdateOneID(t.ID).SetWindowStart(now).SetCount(1).Exec(ctx)
		default:
			count = t.Count + 1
			return tx.Throttle.UpdateOneID(t.ID).AddCount(1).Exec(ctx)
		}
	})
	if err != nil {
		return fmt.Errorf("throttling %s: %w", key, err)
	}
	if count > limit {
		return fault.New(fault.TooMany, "rate.limited").With("seconds", int(window.Seconds()))
	}
	return nil
}
