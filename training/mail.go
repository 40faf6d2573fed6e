package training

import (
	"context"
	"fmt"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Mailer sends one plain-text e-mail. The platform works without one: notifications stay in-app.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SMTPConfig says how to reach the mail server (PEIXUN_SMTP_*).
type SMTPConfig struct {
	Host     string
	Port     int    // 587 when 0
	Username string // no authentication when empty
	Password string
	From     string // e.g. "培训平台 <peixun@example.cn>"
	TLS      string // "starttls" (default: required), "opportunistic", "tls" (implicit, port 465) or "none"
	Timeout  time.Duration
}

// SMTPMailer sends e-mail through an SMTP server with go-mail.
type SMTPMailer struct{ cfg SMTPConfig }

// NewSMTPMailer checks the configuration; it connects only when sending.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	if strings.TrimSpace(cfg.Host) == "" {
		return nil, fmt.Errorf("smtp: no host")
	}
	if strings.TrimSpace(cfg.From) == "" {
		return nil, fmt.Errorf("smtp: no sender address")
	}
	switch cfg.TLS {
	case "", "starttls", "opportunistic", "tls", "none":
	default:
		return nil, fmt.Errorf("smtp: unknown TLS mode %q", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	return &SMTPMailer{cfg: cfg}, nil
}

// Send delivers one message, one connection per message: reminders are few and daily.
func (m *SMTPMailer) Send(ctx context.Context, to, subject, body string) error {
	opts := []mail.Option{mail.WithPort(m.cfg.Port), mail.WithTimeout(m.cfg.Timeout)}
	switch m.cfg.TLS {
	case "none":
		opts = append(opts, mail.WithTLSPortPolicy(mail.NoTLS), mail.WithPort(m.cfg.Port))
	case "opportunistic":
		opts = append(opts, mail.WithTLSPortPolicy(mail.TLSOpportunistic), mail.WithPort(m.cfg.Port))
	case "tls":
		opts = append(opts, mail.WithSSL(), mail.WithPort(m.cfg.Port))
	default:
		opts = append(opts, mail.WithTLSPortPolicy(mail.TLSMandatory), mail.WithPort(m.cfg.Port))
	}
	if m.cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(m.cfg.Username), mail.WithPassword(m.cfg.Password))
	}
	c, err := mail.NewClient(m.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	msg := mail.NewMsg()
	if err := msg.From(m.cfg.From); err != nil {
		return fmt.Errorf("smtp sender %q: %w", m.cfg.From, err)
	}
	if err := msg.To(to); err != nil {
		return fmt.Errorf("smtp recipient %q: %w", to, err)
	}
	msg.Subject(subject)
	msg.SetBodyString(mail.TypeTextPlain, body)
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("sending mail to %s: %w", to, err)
	}
	return nil
}
