package main

import (
	"context"
	"os"
	"testing"
	"time"

	"peixun/accounts"
	"peixun/dataset"
	"peixun/ent"
	"peixun/load"
)

// TestLoadExportTimesDownloads downloads a real server's exports with peixun load export's client
// and checks what it reports, and that it refuses what it cannot time.
func TestLoadExportTimesDownloads(t *testing.T) {
	ctx := context.Background()
	db, dbURL := generatedDB(t, 60, 5)
	root, err := db.Client.Unit.Query().Order(ent.Asc("id")).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := accounts.HashPassword(dataset.Password)
	if _, err := db.Client.Person.Create().SetUsername("export-admin").SetName("导出管理员").SetUnitID(root.ID).
		SetUnitSince(time.Now()).SetCategory("staff").SetRoles([]string{accounts.RoleAdmin}).SetPasswordHash(hash).Save(ctx); err != nil {
		t.Fatal(err)
	}
	base := startServe(t, dbURL)
	id, people, err := load.LargestProgram(ctx, db.SQL)
	if err != nil || people == 0 {
		t.Fatalf("largest program: %d with %d people, %v", id, people, err)
	}
	cfg := load.ExportConfig{BaseURL: base, Username: "export-admin", Password: dataset.Password, ProgramID: id, Runs: 2,
		ServerPID: os.Getpid()}
	for _, format := range []string{"csv", "xlsx"} {
		cfg.Format = format
		ts, err := load.RunExport(ctx, cfg)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if len(ts) != 2 {
			t.Fatalf("%s: %d timings, want 2", format, len(ts))
		}
		for _, x := range ts {
			if x.Bytes < int64(people)*20 || x.Headers <= 0 || x.FirstByte < x.Headers || x.Last < x.FirstByte || x.PeakRSS <= 0 {
				t.Errorf("%s: %+v for %d people", format, x, people)
			}
		}
	}
	for name, bad := range map[string]load.ExportConfig{
		"format":   {BaseURL: base, Username: "export-admin", Password: dataset.Password, ProgramID: id, Format: "pdf", Runs: 1},
		"runs":     {BaseURL: base, Username: "export-admin", Password: dataset.Password, ProgramID: id, Format: "csv", Runs: 0},
		"password": {BaseURL: base, Username: "export-admin", Password: "wrong-1234", ProgramID: id, Format: "csv", Runs: 1},
		"program":  {BaseURL: base, Username: "export-admin", Password: dataset.Password, ProgramID: 1 << 30, Format: "csv", Runs: 1},
	} {
		if ts, err := load.RunExport(ctx, bad); err == nil {
			t.Errorf("%s: no error, %d timings", name, len(ts))
		}
	}
}
