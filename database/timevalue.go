package database

import (
	"fmt"
	"time"
)

// TimeValue reads a time that a driver handed over untyped: from an aggregate (MAX, COALESCE), a CAST,
// or a column selected by name. MySQL gives time.Time; SQLite gives time.Time for a declared column
// and text otherwise, in the format the driver wrote. NULL gives the zero time.
func TimeValue(v any) (time.Time, error) {
	switch t := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return t.UTC(), nil
	case []byte:
		return parseTime(string(t))
	case string:
		if t == "" {
			return time.Time{}, nil
		}
		return parseTime(t)
	}
	return time.Time{}, fmt.Errorf("unexpected time value %T", v)
}

var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST", // modernc's SQLite stores Go's own format
	"2006-01-02 15:04:05.999999999",           // MySQL's DATETIME(6) as text
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05",
}

func parseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable time %q", s)
}
