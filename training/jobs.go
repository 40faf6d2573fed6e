package training

import (
	"context"
	"fmt"
	"strings"
)

// Names of the scheduled checks, as `peixun check <job>` and the administrators' page know them.
const (
	JobSweep              = "sweep"               // enrollment, completion, overdue, snapshots, certificates
	JobReminders          = "reminders"           // due dates, units behind pace, expiring credentials
	JobPurgeSessions      = "purge_sessions"      // expired sign-in sessions
	JobAutoSubmit         = "auto_submit"         // quiz attempts past their deadline
	JobRenderCertificates = "render_certificates" // certificates recorded before a font was installed
	JobSendMail           = "send_mail"           // retry e-mails of recent notifications
	JobWeeklyReport       = "weekly_report"       // each manager's programs, once a week
)

// DefaultSchedules are the cron schedules (Asia/Shanghai) used unless configuration says otherwise.
var DefaultSchedules = map[string]string{
	JobSweep:              "30 1 * * *",
	JobReminders:          "0 8 * * *",
	JobPurgeSessions:      "5 * * * *",
	JobAutoSubmit:         "* * * * *",
	JobRenderCertificates: "*/10 * * * *",
	JobSendMail:           "*/15 * * * *",
	JobWeeklyReport:       "0 8 * * 1",
}

// Jobs is what RegisterJobs needs from the wiring: schedules that override the defaults (a job set
// to "off" is not registered) and the work of other packages, passed as functions so that this
// package does not depend on their services. A nil function leaves its job out.
type Jobs struct {
	Schedules     map[string]string
	PurgeSessions func(ctx context.Context) (int, error) // (*accounts.Service).PurgeSessions
	AutoSubmit    func(ctx context.Context) (int, error) // (*quizzes.Service).SubmitExpired
}

// RegisterJobs registers the scheduled checks on a scheduler.
func (s *Service) RegisterJobs(sch *Scheduler, j Jobs) error {
	count := func(key string, f func(context.Context) (int, error)) JobFunc {
		return func(ctx context.Context) (map[string]int, error) {
			n, err := f(ctx)
			return map[string]int{key: n}, err
		}
	}
	all := map[string]JobFunc{
		JobSweep: func(ctx context.Context) (map[string]int, error) {
			r, err := s.Sweep(ctx)
			return r.Counts(), err
		},
		JobReminders: func(ctx context.Context) (map[string]int, error) {
			r, err := s.SendReminders(ctx)
			return r.Counts(), err
		},
		JobWeeklyReport: count("reports", s.WeeklyReport),
	}
	if j.PurgeSessions != nil {
		all[JobPurgeSessions] = count("sessions", j.PurgeSessions)
	}
	if j.AutoSubmit != nil {
		all[JobAutoSubmit] = count("submitted", j.AutoSubmit)
	}
	if s.certs != nil {
		all[JobRenderCertificates] = count("rendered", s.certs.RenderPending)
	}
	if s.mailer != nil {
		all[JobSendMail] = count("sent", s.SendPendingMail)
	}
	for name, run := range all {
		spec := DefaultSchedules[name]
		if v, ok := j.Schedules[name]; ok && strings.TrimSpace(v) != "" {
			spec = strings.TrimSpace(v)
		}
		if spec == "off" {
			continue
		}
		if err := sch.Register(name, spec, run); err != nil {
			return fmt.Errorf("registering scheduled checks: %w", err)
		}
	}
	return nil
}
