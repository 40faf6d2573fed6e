package database

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// Contended tells whether a statement failed only because another transaction held what it needed:
// a deadlock or a lock wait timeout on MySQL, a busy database on SQLite. Running it again is safe
// when the work is idempotent.
func Contended(err error) bool {
	if err == nil {
		return false
	}
	var my *mysql.MySQLError
	if errors.As(err, &my) {
		return my.Number == 1213 || my.Number == 1205 // deadlock, lock wait timeout
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// Retry runs fn until it succeeds, fails for a reason other than contention, or has run tries
// times, waiting a little longer before each new try. fn must be idempotent.
func Retry(ctx context.Context, tries int, fn func() error) error {
	var err error
	for i := range tries {
		if err = fn(); !Contended(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(i+1) * 5 * time.Millisecond):
		}
	}
	return err
}
