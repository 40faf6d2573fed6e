package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"peixun/accounts"
	"peixun/certificates"
	"peixun/database"
	"peixun/quizzes"
)

// app is the wired platform: configuration, database and domain services.
type app struct {
	cfg      Config
	log      *slog.Logger
	db       *database.DB
	accounts *accounts.Service
	quizzes  *quizzes.Service
	certs    *certificates.Service
}

func openApp(ctx context.Context, migrate bool) (*app, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	log := newLogger(cfg)
	db, err := database.Open(cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if migrate {
		if err := db.Migrate(ctx); err != nil {
			db.Close()
			return nil, err
		}
	}
	a := &app{cfg: cfg, log: log, db: db, accounts: accounts.New(db, time.Now, log), quizzes: quizzes.New(db, time.Now, log)}
	a.certs, err = certificates.New(certificates.Config{DB: db, Now: time.Now, Logger: log, FontPath: cfg.CertFont,
		BaseURL: cfg.BaseURL, Issuer: cfg.Issuer})
	if err != nil {
		db.Close()
		return nil, err
	}
	if w := a.certs.FontWarning(); w != "" {
		log.Warn("certificates cannot be rendered yet", "reason", w)
	}
	p := &a.accounts.Policy
	p.SessionIdle, p.SessionAbsolute = cfg.SessionIdle, cfg.SessionAbsolute
	p.MaxFailures, p.LockFor, p.IPAttempts, p.IPWindow = cfg.MaxFailures, cfg.LockFor, cfg.IPAttempts, cfg.IPWindow
	return a, nil
}

func (a *app) close() { a.db.Close() }

// seedDemo fills an empty database with the demo bureau. It returns false when the database already
// had data (the demo never touches a database in use).
func (a *app) seedDemo(ctx context.Context) (bool, error) {
	ids, err := a.accounts.SeedDemo(ctx)
	if err != nil {
		return false, fmt.Errorf("seeding demo accounts: %w", err)
	}
	if ids == nil {
		return false, nil
	}
	a.log.Info("demo data created", "accounts", "admin, trainer, manager, learner1, learner2", "password", accounts.DemoPassword)
	return true, nil
}
