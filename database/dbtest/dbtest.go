// Package dbtest gives every test a fresh, migrated database: in-memory SQLite by default, or a new
// MySQL/MariaDB database when PEIXUN_TEST_MYSQL_DSN is set (e.g. mysql://root@127.0.0.1:3306/), which
// is dropped when the test ends. The same tests therefore run on both.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	"peixun/database"
)

// EnvMySQL names the variable that switches tests to MySQL.
const EnvMySQL = "PEIXUN_TEST_MYSQL_DSN"

// MySQL tells whether tests run against MySQL.
func MySQL() bool { return os.Getenv(EnvMySQL) != "" }

// URL creates an empty database for the test and returns its PEIXUN_DATABASE_URL. On SQLite it is a
// file in the test's temporary folder, so that other processes can open it too.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvMySQL)
	if base == "" {
		return "sqlite://" + t.TempDir() + "/test.db"
	}
	name := "peixun_t_" + randomHex(6)
	server, params := splitMySQL(base)
	admin, err := database.Open(server + "mysql" + params)
	if err != nil {
		t.Fatalf("opening MySQL server for tests: %v", err)
	}
	defer admin.Close()
	if _, err := admin.SQL.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	t.Cleanup(func() {
		drop, err := database.Open(server + "mysql" + params)
		if err != nil {
			t.Logf("dropping test database %s: %v", name, err)
			return
		}
		defer drop.Close()
		if _, err := drop.SQL.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
			t.Logf("dropping test database %s: %v", name, err)
		}
	})
	return server + name + params
}

// Open returns a fresh, migrated database that is closed (and on MySQL dropped) when the test ends.
func Open(t testing.TB) *database.DB {
	t.Helper()
	var url string
	if MySQL() {
		url = URL(t)
	} else {
		url = "sqlite://:memory:" + "t" + randomHex(8)
	}
	db, err := database.Open(url)
	if err != nil {
		t.Fatalf("opening test database: %v", err)
	}
	if db.Dialect == "sqlite3" {
		// A shared in-memory database lives while one connection is open: keep one for the whole test.
		db.SQL.SetMaxIdleConns(4)
		db.SQL.SetConnMaxLifetime(0)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating test database: %v", err)
	}
	return db
}

// splitMySQL splits "mysql://user:pass@host:port/whatever?params" into "mysql://user:pass@host:port/" and "?params".
func splitMySQL(dsn string) (server, params string) {
	if i := strings.Index(dsn, "?"); i >= 0 {
		dsn, params = dsn[:i], dsn[i:]
	}
	rest := strings.TrimPrefix(dsn, "mysql://")
	if i := strings.Index(rest, "/"); i >= 0 {
		rest = rest[:i]
	}
	return "mysql://" + rest + "/", params
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("reading random bytes: %v", err))
	}
	return hex.EncodeToString(b)
}

// Exec runs raw SQL in tests (direct counts to compare with what the application reports).
func Exec(t testing.TB, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// Count returns the single integer a counting query gives.
func Count(t testing.TB, db *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
