package database_test

import (
	"context"
	"strings"
	"testing"

	"peixun/database"

	"peixun/database/dbtest"
)

func TestOpenMigrateAndCount(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	u, err := db.Client.Unit.Create().SetName("余杭区交通运输局").SetCode("YH").Save(ctx)
	if err != nil {
		t.Fatalf("creating a unit: %v", err)
	}
	if got := dbtest.Count(t, db.SQL, "SELECT COUNT(*) FROM units WHERE name = ?", "余杭区交通运输局"); got != 1 {
		t.Fatalf("units named like the bureau = %d, want 1 (id %d)", got, u.ID)
	}
}

func TestDSN(t *testing.T) {
	cases := []struct {
		url, driver, contains string
		bad                   bool
	}{
		{url: "sqlite://data/peixun.db", driver: "sqlite", contains: "file:data/peixun.db?"},
		{url: "mysql://root:pw@db:3306/peixun", driver: "mysql", contains: "root:pw@tcp(db:3306)/peixun"},
		{url: "mysql://root@db/peixun", driver: "mysql", contains: "tcp(db:3306)"},
		{url: "mysql://root@db/peixun", driver: "mysql", contains: "interpolateParams=true"}, // one round trip a statement
		{url: "postgres://x", bad: true},
		{url: "mysql://root@db/", bad: true},
		{url: "mysql://root@db/peixun?charset=gbk", bad: true}, // unsafe with interpolated arguments
	}
	for _, c := range cases {
		driver, dsn, err := database.DSN(c.url)
		if c.bad {
			if err == nil {
				t.Errorf("DSN(%q) accepted a bad URL", c.url)
			}
			continue
		}
		if err != nil || driver != c.driver || !strings.Contains(dsn, c.contains) {
			t.Errorf("DSN(%q) = %q, %q, %v; want driver %q containing %q", c.url, driver, dsn, err, c.driver, c.contains)
		}
	}
}
