// Package schema is the hand-written ent schema of Peixun: one file per entity.
package schema

import (
	"time"

	"entgo.io/ent/dialect"
)

// datetime makes time columns behave the same on SQLite and MySQL: MySQL's default for field.Time is
// a TIMESTAMP, which is bound to the session time zone and ends in 2038.
var datetime = map[string]string{dialect.MySQL: "datetime(6)"}

// longText lets bodies exceed MySQL's 64 KB TEXT.
var longText = map[string]string{dialect.MySQL: "longtext"}

// now is the default for created_at columns; stored in UTC.
func now() time.Time { return time.Now().UTC() }
