package training

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"

	"peixun/ent/notification"
)

// smtpSink is a tiny SMTP server that accepts every message and keeps it.
type smtpSink struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string // "rcpt\nDATA"
}

func newSMTPSink(t *testing.T) *smtpSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no local listener: %v", err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 sink ESMTP")
	var rcpt string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			say("250-sink")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			rcpt = strings.Trim(strings.TrimSpace(line)[8:], "<> ")
			say("250 ok")
		case cmd == "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, rcpt+"\n"+b.String())
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestRemindersByMail(t *testing.T) {
	sink := newSMTPSink(t)
	e := newEnv(t)
	host, port, _ := net.SplitHostPort(sink.ln.Addr().String())
	var p int
	for _, ch := range port {
		p = p*10 + int(ch-'0')
	}
	m, err := NewSMTPMailer(SMTPConfig{Host: host, Port: p, From: "peixun@example.cn", TLS: "none"})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.mailer, e.svc.baseURL = m, "https://peixun.example.cn"
	root := e.unit("局", nil)
	withMail := e.person(root, "officer")
	e.must(e.c.Person.UpdateOne(withMail).SetEmail("wang@example.cn").Exec(e.ctx))
	noMail := e.person(root, "officer")
	e.program(ProgramInput{StartsAt: sh(2021, 1, 1, 0, 0), DueAt: sh(2021, 3, 5, 18, 0), Requirements: hours(10)})
	for i := 0; i < 2; i++ { // the second run sends nothing
		if _, err := e.svc.SendReminders(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	sink.mu.Lock()
	msgs := append([]string(nil), sink.msgs...)
	sink.mu.Unlock()
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0], "wang@example.cn\n") || !strings.Contains(msgs[0], "peixun.example.cn/programs/") {
		t.Fatalf("mails %q", msgs)
	}
	mailed := e.c.Notification.Query().Where(notification.EmailedAtNotNil()).OnlyX(e.ctx)
	if mailed.PersonID != withMail.ID {
		t.Fatalf("emailed_at set on %d", mailed.PersonID)
	}
	if n := e.c.Notification.Query().Where(notification.PersonID(noMail.ID)).CountX(e.ctx); n != 1 {
		t.Fatalf("in-app notices without an address: %d", n)
	}
}
