package accounts

import (
	"context"
	"fmt"
	"time"

	"peixun/fault"
)

// Hit counts one event for key in a fixed window and refuses it (fault.TooMany) past limit. The count
// lives in the database so that every replica sees the same one. Counting is one upsert statement:
// a transaction that reads the row first deadlocks on MySQL when many first hits of one key arrive
// at once (each takes a gap lock, then each wants to insert).
func (s *Service) Hit(ctx context.Context, key string, limit int, window time.Duration) error {
	key = clip(key, 128)
	now := s.now()
	cutoff := now.Add(-window)
	var count int
	if s.db.IsMySQL() {
		// MySQL runs the assignments left to right, so count is decided on the old window_start
		// before window_start moves. LAST_INSERT_ID(expr) hands this statement's own count back in
		// the reply, so concurrent hits each learn their own number.
		res, err := s.db.SQL.ExecContext(ctx, "INSERT INTO throttles (`key`, window_start, count) VALUES (?, ?, 1)"+`
ON DUPLICATE KEY UPDATE count = LAST_INSERT_ID(IF(window_start <= ?, 1, count + 1)),
 window_start = IF(window_start <= ?, VALUES(window_start), window_start)`, key, now, cutoff, cutoff)
		if err != nil {
			return fmt.Errorf("throttling %s: %w", key, err)
		}
		count = 1
		if n, _ := res.RowsAffected(); n == 2 { // 1: inserted; 2: updated
			id, err := res.LastInsertId()
			if err != nil {
				return fmt.Errorf("throttling %s: %w", key, err)
			}
			count = int(id)
		}
	} else {
		err := s.db.SQL.QueryRowContext(ctx, `INSERT INTO throttles ("key", window_start, count) VALUES (?, ?, 1)
ON CONFLICT ("key") DO UPDATE SET count = CASE WHEN window_start <= ? THEN 1 ELSE count + 1 END,
 window_start = CASE WHEN window_start <= ? THEN excluded.window_start ELSE window_start END
RETURNING count`, key, now, cutoff, cutoff).Scan(&count)
		if err != nil {
			return fmt.Errorf("throttling %s: %w", key, err)
		}
	}
	if count > limit {
		return fault.New(fault.TooMany, "rate.limited").With("seconds", int(window.Seconds()))
	}
	return nil
}
