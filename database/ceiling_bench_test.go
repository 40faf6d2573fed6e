package database_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
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

// BenchmarkCeilingUpsertOpenLoop is the ceiling of an answer save: the same statement shape (a
// single-row upsert on a unique pair, keeping the higher seq) with nothing of ours around it, sent
// at a fixed 1,000 per second whatever the database does (open loop), into a scratch table. It
// reports the latency percentiles that the save path is compared with.
//
//	PEIXUN_TEST_MYSQL_DSN=mysql://root@127.0.0.1:3306/ go test -run '^$' -bench CeilingUpsertOpenLoop -benchtime 20000x ./database/
func BenchmarkCeilingUpsertOpenLoop(b *testing.B) {
	db := dbtest.Open(b)
	ctx := context.Background()
	create := `CREATE TABLE ceiling_answers (id INTEGER PRIMARY KEY AUTOINCREMENT, attempt_id BIGINT NOT NULL,
 question_id BIGINT NOT NULL, response VARCHAR(500), seq INT NOT NULL, saved_at DATETIME NOT NULL,
 UNIQUE (attempt_id, question_id))`
	upsert := `INSERT INTO ceiling_answers (attempt_id, question_id, response, seq, saved_at) VALUES (?, ?, ?, ?, ?)
 ON CONFLICT (attempt_id, question_id) DO UPDATE SET response = excluded.response, seq = excluded.seq,
 saved_at = excluded.saved_at WHERE excluded.seq > ceiling_answers.seq`
	if db.IsMySQL() {
		create = strings.Replace(create, "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT AUTO_INCREMENT PRIMARY KEY", 1)
		upsert = `INSERT INTO ceiling_answers (attempt_id, question_id, response, seq, saved_at) VALUES (?, ?, ?, ?, ?)
 ON DUPLICATE KEY UPDATE response = IF(VALUES(seq) > seq, VALUES(response), response),
 saved_at = IF(VALUES(seq) > seq, VALUES(saved_at), saved_at), seq = GREATEST(seq, VALUES(seq))`
	}
	if _, err := db.SQL.ExecContext(ctx, create); err != nil {
		b.Fatal(err)
	}
	db.Warm(ctx, 16)
	const rate = 1000
	took := make([]time.Duration, b.N)
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		at := start.Add(time.Duration(i) * time.Second / rate)
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// 2,000 attempts × 20 questions, as in the exam burst: most saves insert, some rewrite.
			_, err := db.SQL.ExecContext(ctx, upsert, i%2000, (i/2000)%20, `["A"]`, i, time.Now().UTC())
			took[i] = time.Since(at)
			if err != nil && failed.Add(1) == 1 {
				b.Error(err)
			}
		}(i)
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "ms-p99")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "ms-max")
}
