package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"peixun/dataset"
	"peixun/handlers"
)

func runServe(ctx context.Context, args []string) error {
	fs := flags("serve", "peixun serve [--addr :8080]")
	addr := fs.String("addr", "", "listen address (default PEIXUN_ADDR or :8080)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg.Migrate)
	if err != nil {
		return err
	}
	defer a.close()
	if *addr != "" {
		a.cfg.Addr = *addr
	}
	if a.cfg.Demo {
		if _, err := a.seedDemo(ctx); err != nil {
			return err
		}
	}
	sch, err := a.scheduler()
	if err != nil {
		return err
	}
	if a.cfg.Scheduler {
		if err := sch.Start(ctx); err != nil {
			return fmt.Errorf("starting the scheduled checks: %w", err)
		}
		defer sch.Stop()
	}
	srv, err := handlers.New(handlers.Deps{DB: a.db, Accounts: a.accounts, Courses: a.courses, Quizzes: a.quizzes,
		Certificates: a.certs, Training: a.training, Scheduler: sch,
		Log: a.log, Version: version, BaseURL: a.cfg.BaseURL,
		CookieSecure: a.cfg.CookieSecure, TrustedProxies: a.cfg.TrustedProxies})
	if err != nil {
		return err
	}
	a.db.Warm(ctx, min(16, a.cfg.DBConns)) // enough for the first second of an exam burst
	hs := &http.Server{Addr: a.cfg.Addr, Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.ListenAndServe() }()
	a.log.Info("peixun serving", "addr", a.cfg.Addr, "database", a.db.Dialect, "version", version)
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serving on %s: %w", a.cfg.Addr, err)
		}
		return nil
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return hs.Shutdown(shutdown)
}

func runMigrate(ctx context.Context, args []string) error {
	if err := flags("migrate", "peixun migrate").Parse(args); err != nil {
		return err
	}
	a, err := openApp(ctx, true)
	if err != nil {
		return err
	}
	defer a.close()
	fmt.Println("schema is up to date")
	return nil
}

func runSeed(ctx context.Context, args []string) error {
	fs := flags("seed", "peixun seed [--scale N [--seed S]]")
	scale := fs.Int("scale", 0, "instead of the demo, generate a large dataset of N people for measurements")
	seed := fs.Uint64("seed", 1, "random seed of the large dataset (the same seed gives the same data)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openApp(ctx, true)
	if err != nil {
		return err
	}
	defer a.close()
	if *scale > 0 {
		sum, err := dataset.Generate(ctx, a.db, dataset.Options{People: *scale, Seed: *seed})
		if err != nil {
			return err
		}
		fmt.Printf("dataset of %d people written in %s: %d units, %d enrollments, %d progress rows, %d attempts, %d answers (password %s)\n",
			sum.People, sum.Took.Round(time.Millisecond), sum.Units, sum.Enrollments, sum.Progress, sum.Attempts, sum.Answers, dataset.Password)
		return nil
	}
	seeded, err := a.seedDemo(ctx)
	if err != nil {
		return err
	}
	if !seeded {
		fmt.Println("the database already has data: demo not added")
		return nil
	}
	fmt.Println("demo data added")
	return nil
}
