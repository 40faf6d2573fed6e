package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"peixun/database"
	"peixun/dataset"
	"peixun/load"
)

const loadUsage = `peixun load exam [--base URL] [--learners 2000] [--rate 1000] [--rewrites 0.1]
  Drives a running server (seeded with peixun seed --scale) through an exam burst: signs in the
  active learners, starts the exam for all at once, saves answers at a fixed rate, submits, prints
  latency per request kind, then checks in the database (PEIXUN_DATABASE_URL) that every answer the
  server acknowledged is stored. Start the server with PEIXUN_LOGIN_IP_ATTEMPTS raised: every
  learner signs in from this one address.
peixun load export [--base URL] [--username U] [--password P] [--program ID] [--format xlsx] [--runs 5] [--pid PID]
  Signs in (a manager or administrator) and downloads one export RUNS times in turn, printing when
  the headers, the file's first byte and its last byte arrived; with --pid, the server's peak
  resident memory (VmHWM) after each. Program 0 is the largest active program in the database.`

func runLoad(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "export" {
		return runLoadExport(ctx, args[1:])
	}
	if len(args) == 0 || args[0] != "exam" {
		fmt.Fprintln(os.Stderr, "Usage: "+loadUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return fmt.Errorf("name a scenario: exam or export")
	}
	fs := flags("load exam", loadUsage)
	base := fs.String("base", "http://127.0.0.1:8080", "the server to drive (this machine only)")
	learners := fs.Int("learners", 2000, "learners starting the exam at once")
	rate := fs.Float64("rate", 1000, "answers saved per second, held whatever the server does")
	rewrites := fs.Float64("rewrites", 0.1, "share of saves that change an earlier answer")
	conns := fs.Int("conns", 0, "HTTP connections to the server (0: one per learner)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openLoadDB("to choose learners and check the answers")
	if err != nil {
		return err
	}
	defer db.Close()
	names, err := load.Learners(ctx, db.SQL, *learners)
	if err != nil {
		return err
	}
	res, err := load.RunExam(ctx, load.ExamConfig{BaseURL: *base, Usernames: names, Password: dataset.Password,
		QuizTitle: dataset.BurstQuizTitle, SaveRate: *rate, Rewrites: *rewrites, Conns: *conns, Log: os.Stdout})
	if res != nil {
		res.Rec.Print(os.Stdout)
		res.Rec.PrintTimeline(os.Stdout, "save", 5*time.Second)
	}
	if err != nil {
		return err
	}
	t0 := time.Now()
	lost, checked, err := load.Lost(ctx, db.SQL, res.Acks)
	if err != nil {
		return err
	}
	fmt.Printf("acknowledged answers: %d (%d attempt×question pairs checked in %s); lost: %d; generator late: %d\n",
		len(res.Acks), checked, time.Since(t0).Round(time.Millisecond), lost, res.Late)
	if lost > 0 {
		return fmt.Errorf("%d acknowledged answers are not in the database", lost)
	}
	return nil
}

func runLoadExport(ctx context.Context, args []string) error {
	fs := flags("load export", loadUsage)
	base := fs.String("base", "http://127.0.0.1:8080", "the server to download from")
	username := fs.String("username", "", "a manager or administrator")
	password := fs.String("password", dataset.Password, "their password")
	programID := fs.Int("program", 0, "the program to export (0: the largest active one)")
	format := fs.String("format", "xlsx", "xlsx or csv")
	runs := fs.Int("runs", 5, "downloads, one after another")
	pid := fs.Int("pid", 0, "the server's process id, to read its peak memory (0: not read)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" {
		return fmt.Errorf("--username is required")
	}
	if *programID == 0 {
		db, err := openLoadDB("to choose the program")
		if err != nil {
			return err
		}
		id, people, err := load.LargestProgram(ctx, db.SQL)
		db.Close()
		if err != nil {
			return err
		}
		fmt.Printf("program %d: %d people in scope\n", id, people)
		*programID = id
	}
	ts, err := load.RunExport(ctx, load.ExportConfig{BaseURL: *base, Username: *username, Password: *password,
		ProgramID: *programID, Format: *format, Runs: *runs, ServerPID: *pid})
	load.PrintExport(os.Stdout, ts)
	return err
}

// openLoadDB opens the server's database (PEIXUN_DATABASE_URL) for a load scenario; why says what for.
func openLoadDB(why string) (*database.DB, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	db, err := database.Open(cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", why, err)
	}
	return db, nil
}
