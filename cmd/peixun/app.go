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
	"peixun/ent"
	"peixun/ent/course"
	"peixun/ent/quiz"
	"peixun/quizzes"
	"peixun/training"
)

// app is the wired platform: configuration, database and domain services.
type app struct {
	cfg      Config
	log      *slog.Logger
	db       *database.DB
	bucket   *blob.Bucket
	accounts *accounts.Service
	courses  *courses.Service
	quizzes  *quizzes.Service
	certs    *certificates.Service
	training *training.Service
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
	if db.IsMySQL() && cfg.DBConns > 0 {
		db.SQL.SetMaxOpenConns(cfg.DBConns)
		db.SQL.SetMaxIdleConns(cfg.DBConns)
	}
	a := &app{cfg: cfg, log: log, db: db}
	if err := a.wire(ctx, migrate); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// wire builds the domain services and connects their hooks: study and exam events re-evaluate
// enrollment at once, and changes to people re-synchronise it.
func (a *app) wire(ctx context.Context, migrate bool) error {
	cfg, log, db := a.cfg, a.log, a.db
	if migrate {
		if err := db.Migrate(ctx); err != nil {
			return err
		}
	}
	var err error
	if a.bucket, err = openBucket(ctx, cfg.BlobURL); err != nil {
		return err
	}
	a.accounts = accounts.New(db, time.Now, log)
	p := &a.accounts.Policy
	p.SessionIdle, p.SessionAbsolute = cfg.SessionIdle, cfg.SessionAbsolute
	p.MaxFailures, p.LockFor, p.IPAttempts, p.IPWindow = cfg.MaxFailures, cfg.LockFor, cfg.IPAttempts, cfg.IPWindow
	a.courses = courses.New(db, a.bucket, time.Now, log)
	if cfg.MaxVideoMB <= 0 || cfg.MaxDocumentMB <= 0 {
		return fmt.Errorf("PEIXUN_MAX_VIDEO_MB and PEIXUN_MAX_DOCUMENT_MB must be positive")
	}
	a.courses.MaxSize[courses.KindVideo] = cfg.MaxVideoMB << 20
	a.courses.MaxSize[courses.KindDocument] = cfg.MaxDocumentMB << 20
	a.quizzes = quizzes.New(db, time.Now, log)
	if a.certs, err = certificates.New(certificates.Config{DB: db, Now: time.Now, Logger: log, FontPath: cfg.CertFont,
		BaseURL: cfg.BaseURL, Issuer: cfg.Issuer, Bucket: a.bucket}); err != nil {
		return err
	}
	if w := a.certs.FontWarning(); w != "" {
		log.Warn("certificates cannot be rendered yet", "reason", w)
	}
	var mailer training.Mailer
	if cfg.SMTPHost != "" {
		if mailer, err = training.NewSMTPMailer(training.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort,
			Username: cfg.SMTPUser, Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS}); err != nil {
			return err
		}
	}
	if a.training, err = training.New(training.Config{DB: db, Now: time.Now, Logger: log, Certificates: a.certs,
		Mailer: mailer, BaseURL: cfg.BaseURL}); err != nil {
		return err
	}
	a.courses.OnLessonCompleted = a.training.OnLessonCompleted
	a.courses.OnAttendance = a.training.OnAttendance
	a.quizzes.OnGraded = a.training.OnQuizGraded
	a.accounts.OnPeopleChanged = a.training.OnPeopleChanged
	return nil
}

// scheduler registers every scheduled check with the configured schedules.
func (a *app) scheduler() (*training.Scheduler, error) {
	sch := training.NewScheduler(training.SchedulerConfig{DB: a.db, Logger: a.log})
	schedules := map[string]string{}
	for _, kv := range a.cfg.Schedules {
		name, spec, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("PEIXUN_SCHEDULES: %q is not name=spec", kv)
		}
		schedules[strings.TrimSpace(name)] = strings.TrimSpace(spec)
	}
	err := a.training.RegisterJobs(sch, training.Jobs{Schedules: schedules, PurgeSessions: a.accounts.PurgeSessions,
		AutoSubmit: a.quizzes.SubmitExpired})
	return sch, err
}

func (a *app) close() {
	if a.bucket != nil {
		a.bucket.Close()
	}
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
	courseIDs, err := a.db.Client.Course.Query().Order(ent.Asc(course.FieldID)).IDs(ctx)
	if err != nil {
		return false, err
	}
	exam, err := a.db.Client.Quiz.Query().Where(quiz.ModeEQ(quiz.ModeExam)).Order(ent.Asc(quiz.FieldID)).First(ctx)
	if err != nil {
		return false, fmt.Errorf("finding the demo exam: %w", err)
	}
	if _, err := training.SeedDemo(ctx, a.training, training.DemoOptions{CourseIDs: courseIDs, QuizID: exam.ID,
		CreatedBy: ids[accounts.DemoAccounts.Admin]}); err != nil {
		return false, fmt.Errorf("seeding demo programs: %w", err)
	}
	a.log.Info("demo data created", "accounts", "admin, trainer, manager, learner1, learner2", "password", accounts.DemoPassword)
	return true, nil
}
