package database

import (
	"context"
	"fmt"
)

// Migrate brings the schema up to date. It only adds: columns and indexes are never dropped
// automatically, so a newer schema never destroys data an older one wrote.
func (d *DB) Migrate(ctx context.Context) error {
	if err := d.Client.Schema.Create(ctx); err != nil {
		return fmt.Errorf("migrating the schema: %w", err)
	}
	return nil
}
