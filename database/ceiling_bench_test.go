package database_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"peixun/database/dbtest"
)

// BenchmarkCeilingInsert is the write ceiling of the database: one single-row autocommit INSERT
// into a small indexed table, run by 16 goroutines (on MySQL every commit waits for the log flush;
// concurrent commits share flushes). Answer saves and progress reports are one such statement each
// plus a few point reads, so their rate is measured against this one.
func BenchmarkCeilingInsert(b *testing.B) {
	db := dbtest.Open(b)
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(8) // 8 × GOMAXPROCS(2) = 16 writers
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, err := db.SQL.ExecContext(ctx, "INSERT INTO throttles (window_start, count, "+quote(db.IsMySQL(), "key")+") VALUES (?, ?, ?)",
				time.Now().UTC(), i, "ceiling-"+time.Now().Format("150405.000000000")+"-"+itoa(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "inserts/s")
}

func quote(mysql bool, name string) string {
	if mysql {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }
