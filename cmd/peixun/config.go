package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config is read from PEIXUN_* environment variables; every default lets `go run ./cmd/peixun` work
// with nothing set. The README's settings table lists the same names.
type Config struct {
	Addr            string        `env:"ADDR" envDefault:":8080"`
	DatabaseURL     string        `env:"DATABASE_URL" envDefault:"sqlite://data/peixun.db"`
	DBConns         int           `env:"DB_CONNS" envDefault:"64"`
	Migrate         bool          `env:"MIGRATE" envDefault:"true"`
	Demo            bool          `env:"DEMO" envDefault:"true"`
	BaseURL         string        `env:"BASE_URL" envDefault:"http://localhost:8080"`
	BlobURL         string        `env:"BLOB_URL" envDefault:"file://data/blobs"`
	MaxVideoMB      int64         `env:"MAX_VIDEO_MB" envDefault:"2048"`
	MaxDocumentMB   int64         `env:"MAX_DOCUMENT_MB" envDefault:"200"`
	CertFont        string        `env:"CERT_FONT"`
	Issuer          string        `env:"ISSUER" envDefault:"余杭区交通运输局"`
	LogLevel        string        `env:"LOG_LEVEL" envDefault:"info"`
	LogFormat       string        `env:"LOG_FORMAT" envDefault:"text"`
	CookieSecure    bool          `env:"COOKIE_SECURE" envDefault:"false"`
	TrustedProxies  []string      `env:"TRUSTED_PROXIES" envSeparator:","`
	SessionIdle     time.Duration `env:"SESSION_IDLE" envDefault:"2h"`
	SessionAbsolute time.Duration `env:"SESSION_ABSOLUTE" envDefault:"12h"`
	MaxFailures     int           `env:"LOGIN_MAX_FAILURES" envDefault:"5"`
	LockFor         time.Duration `env:"LOGIN_LOCK_FOR" envDefault:"15m"`
	IPAttempts      int           `env:"LOGIN_IP_ATTEMPTS" envDefault:"30"`
	IPWindow        time.Duration `env:"LOGIN_IP_WINDOW" envDefault:"5m"`
	Scheduler       bool          `env:"SCHEDULER" envDefault:"true"`
	Schedules       []string      `env:"SCHEDULES" envSeparator:";"`
	SMTPHost        string        `env:"SMTP_HOST"`
	SMTPPort        int           `env:"SMTP_PORT" envDefault:"587"`
	SMTPUser        string        `env:"SMTP_USER"`
	SMTPPassword    string        `env:"SMTP_PASSWORD"`
	SMTPFrom        string        `env:"SMTP_FROM" envDefault:"培训平台 <peixun@localhost>"`
	SMTPTLS         string        `env:"SMTP_TLS" envDefault:"starttls"`
}

func loadConfig() (Config, error) {
	var c Config
	if err := env.ParseWithOptions(&c, env.Options{Prefix: "PEIXUN_"}); err != nil {
		return c, fmt.Errorf("reading configuration: %w", err)
	}
	return c, nil
}

func newLogger(c Config) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(c.LogFormat, "json") {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
