package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// blob stores
	_ "gocloud.dev/blob/memblob"  // mem:// blob stores (tests)
	_ "gocloud.dev/blob/s3blob"   // s3:// blob stores (S3, MinIO)

	"peixun/accounts"
	"peixun/certificates"
	"peixun/courses"
	"peixun/database"
	"peixun/quizzes"
)

// app is the wired platform: configuration, database and domain services.
type app struct {
	cfg      Config
	log      *slog.Logger
	db       *database.DB
	accounts *accounts.Service
	courses  *courses.Service
	bucket   *blob.Bucket
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
	if a.bucket, err = openBucket(ctx, cfg.BlobURL); err != nil {
		db.Close()
		return nil, err
	}
	a.courses = courses.New(db, a.bucket, time.Now, log)
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

func (a *app) close() {
	a.bucket.Close()
	a.db.Close()
}

// openBucket opens the blob store of uploaded materials. A file:// folder is created when missing,
// so that the default works with nothing set up.
func openBucket(ctx context.Context, rawURL string) (*blob.Bucket, error) {
	if dir, ok := strings.CutPrefix(rawURL, "file://"); ok {
		if !filepath.IsAbs(dir) {
			abs, err := filepath.Abs(dir)
			if err != nil {
				return nil, err
			}
			dir = abs
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("creating blob folder %s: %w", dir, err)
		}
		rawURL = "file://" + filepath.ToSlash(dir)
	}
	b, err := blob.OpenBucket(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("opening blob store %s: %w", rawURL, err)
	}
	return b, nil
}

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
	trainer := ids[accounts.DemoAccounts.Trainer]
	if err := courses.SeedDemo(ctx, a.courses, trainer); err != nil {
		return false, fmt.Errorf("seeding demo courses: %w", err)
	}
	if err := quizzes.SeedDemo(ctx, a.quizzes, trainer); err != nil {
		return false, fmt.Errorf("seeding demo quizzes: %w", err)
	}
	a.log.Info("demo data created", "accounts", "admin, trainer, manager, learner1, learner2", "password", accounts.DemoPassword)
	return true, nil
}
