package training

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/person"
	"peixun/fault"
)

// ReminderResult counts the notifications a reminder run created (repeats are not counted).
type ReminderResult struct {
	Due        int // learners due within 7, 3 or 1 days
	Pace       int // managers of units behind pace
	Credential int // people whose enforcement credential expires within 60 or 30 days
}

// Counts gives the result as the counts of a job run.
func (r ReminderResult) Counts() map[string]int {
	return map[string]int{"due": r.Due, "pace": r.Pace, "credential": r.Credential}
}

// dueThresholds are the days before the due date on which learners are reminded.
var dueThresholds = []int{1, 3, 7}

// credentialThresholds are the days before expiry on which credential holders are reminded.
var credentialThresholds = []int{30, 60}

// threshold is the smallest threshold at or above days, or 0 when days is beyond them all. A
// learner enrolled two days before the due date gets the 3-day reminder only, and a missed daily
// run is made up the next day.
func threshold(days int, ts []int) int {
	for _, t := range ts {
		if days <= t {
			return t
		}
	}
	return 0
}

// daysUntil counts the calendar days (Asia/Shanghai) from now to t.
func daysUntil(now, t time.Time) int {
	a, b := now.In(Shanghai), t.In(Shanghai)
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// SendReminders is the daily reminder run. Every notice has a key, so running it again the same
// day (a second replica, a manual run) sends nothing new.
func (s *Service) SendReminders(ctx context.Context) (ReminderResult, error) {
	var r ReminderResult
	var err error
	if r.Due, err = s.remindDue(ctx); err != nil {
		return r, err
	}
	if r.Pace, err = s.remindPace(ctx); err != nil {
		return r, err
	}
	r.Credential, err = s.remindCredentials(ctx)
	return r, err
}

func (s *Service) remindDue(ctx context.Context) (int, error) {
	now := s.clock()
	var ns []Notice
	err := s.each(ctx, `SELECT e.id, e.person_id, p.id, p.name, p.due_at FROM enrollments e
JOIN programs p ON p.id = e.program_id JOIN persons pe ON pe.id = e.person_id
WHERE p.status = 'active' AND p.due_at > ? AND p.due_at <= ? AND e.status IN ('assigned', 'in_progress')
  AND e.left_scope_at IS NULL AND pe.status = 'active'`, []any{now, now.AddDate(0, 0, 8)}, func(rs *sql.Rows) error {
		var eid, pid, prog int
		var name string
		var dueV any
		if err := rs.Scan(&eid, &pid, &prog, &name, &dueV); err != nil {
			return err
		}
		due, err := dbTime(dueV)
		if err != nil {
			return err
		}
		days := daysUntil(now, due)
		t := threshold(days, dueThresholds)
		if t == 0 {
			return nil
		}
		ns = append(ns, Notice{PersonID: pid, Key: fmt.Sprintf("due:%d:%d", eid, t), Kind: "due",
			Title: fmt.Sprintf("「%s」还有%d天截止", name, max(days, 0)),
			Body:  fmt.Sprintf("您参加的培训「%s」将于%s截止，请尽快完成学习。", name, due.In(Shanghai).Format("2006-01-02 15:04")),
			Link:  fmt.Sprintf("/programs/%d", prog)})
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("finding learners due soon: %w", err)
	}
	return s.Notify(ctx, ns)
}

// remindPace tells the managers of each unit whose subtree is behind pace, once a day per program,
// unit and manager.
func (s *Service) remindPace(ctx context.Context) (int, error) {
	now := s.clock()
	ps, err := s.activePrograms(ctx, nil)
	if err != nil {
		return 0, err
	}
	managers, err := s.managers(ctx)
	if err != nil {
		return 0, err
	}
	if len(managers) == 0 {
		return 0, nil
	}
	us, err := s.client.Unit.Query().All(ctx)
	if err != nil {
		return 0, fmt.Errorf("loading units: %w", err)
	}
	day := Day(now)
	var ns []Notice
	for _, p := range ps {
		if now.Before(p.StartsAt) || now.After(p.DueAt) {
			continue
		}
		expected := ExpectedRate(p, now)
		byUnit, err := s.figuresByUnit(ctx, p.ID)
		if err != nil {
			return 0, err
		}
		for _, m := range managers {
			u := unitByID(us, m.unit)
			if u == nil {
				continue
			}
			var f Figures
			for _, o := range us {
				if strings.HasPrefix(o.Path, u.Path) {
					f = f.Add(byUnit[o.ID])
				}
			}
			if !f.Behind(expected) {
				continue
			}
			ns = append(ns, Notice{PersonID: m.id, Key: fmt.Sprintf("pace:%d:%d:%s:%d", p.ID, u.ID, day, m.id), Kind: "pace",
				Title: fmt.Sprintf("「%s」%s完成率落后于进度", p.Name, u.Name),
				Body: fmt.Sprintf("%s完成率%.1f%%，按进度应达到%.1f%%（应完成%d人，已完成%d人）。", u.Name, f.Rate(), expected,
					f.Denominator(), f.Completed),
				Link: fmt.Sprintf("/programs/%d?unit=%d&status=incomplete", p.ID, u.ID)})
		}
	}
	return s.Notify(ctx, ns)
}

func (s *Service) remindCredentials(ctx context.Context) (int, error) {
	now := s.clock()
	last := credentialThresholds[len(credentialThresholds)-1]
	people, err := s.client.Person.Query().Where(person.StatusEQ(person.StatusActive),
		person.CredentialExpiresGTE(now), person.CredentialExpiresLTE(now.AddDate(0, 0, last+1))).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("finding expiring credentials: %w", err)
	}
	var ns []Notice
	for _, p := range people {
		days := daysUntil(now, *p.CredentialExpires)
		t := threshold(days, credentialThresholds)
		if t == 0 {
			continue
		}
		exp := p.CredentialExpires.In(Shanghai).Format("2006-01-02")
		ns = append(ns, Notice{PersonID: p.ID, Key: fmt.Sprintf("cred:%d:%d:%s", p.ID, t, exp), Kind: "credential",
			Title: fmt.Sprintf("执法证将于%s到期", exp),
			Body:  fmt.Sprintf("您的执法证（%s）将于%s到期，还有%d天，请及时办理换证并完成规定培训。", p.CredentialNo, exp, days)})
	}
	return s.Notify(ctx, ns)
}

// RemindPeople sends a manager's reminder to chosen people of a program in their scope who have not
// completed it. The key carries the day, so a second click the same day sends nothing; it returns
// how many were reminded now.
func (s *Service) RemindPeople(ctx context.Context, actor accounts.Actor, ip string, programID int, personIDs []int) (int, error) {
	p, err := s.Program(ctx, actor, programID)
	if err != nil {
		return 0, err
	}
	if actor.ScopePath() == "" {
		return 0, fault.ForbiddenErr()
	}
	if len(personIDs) == 0 {
		return 0, fault.Field("person_ids", "training.remind_nobody")
	}
	if len(personIDs) > 5000 {
		return 0, fault.Field("person_ids", "training.remind_too_many", "max", 5000)
	}
	day := Day(s.clock())
	var ns []Notice
	for batch := range slices.Chunk(uniq(personIDs), 1000) {
		err := s.each(ctx, `SELECT e.person_id FROM enrollments e JOIN units u ON u.id = e.unit_id
WHERE e.program_id = ? AND u.path LIKE ? AND e.left_scope_at IS NULL AND e.status IN ('assigned', 'in_progress', 'overdue')
  AND e.person_id IN (`+marks(len(batch))+`)`, cat([]any{programID, likePrefix(actor.ScopePath())}, intArgs(batch)),
			func(rs *sql.Rows) error {
				var pid int
				if err := rs.Scan(&pid); err != nil {
					return err
				}
				ns = append(ns, Notice{PersonID: pid, Key: fmt.Sprintf("nudge:%d:%d:%s", programID, pid, day), Kind: "nudge",
					Title: fmt.Sprintf("请尽快完成「%s」", p.Name),
					Body: fmt.Sprintf("%s提醒您：培训「%s」将于%s截止，请尽快完成。", actor.Name, p.Name,
						p.DueAt.In(Shanghai).Format("2006-01-02")),
					Link: fmt.Sprintf("/programs/%d", programID)})
				return nil
			})
		if err != nil {
			return 0, fmt.Errorf("checking people to remind: %w", err)
		}
	}
	n, err := s.Notify(ctx, ns)
	if err != nil {
		return n, err
	}
	if n > 0 {
		err = accounts.Audit(ctx, s.client, actor, ip, "program.remind", "program", programID, map[string]any{"people": n})
	}
	return n, err
}

type manager struct{ id, unit int }

// managers finds the active people holding the manager role. Roles are a JSON list of strings: a
// quoted LIKE finds one, over text on MySQL and over the blob cast to text on SQLite.
func (s *Service) managers(ctx context.Context) ([]manager, error) {
	col := "CAST(roles AS TEXT)"
	if s.db.IsMySQL() {
		col = "roles"
	}
	var out []manager
	err := s.each(ctx, "SELECT id, unit_id FROM persons WHERE status = 'active' AND "+col+" LIKE ?",
		[]any{`%"` + accounts.RoleManager + `"%`}, func(rs *sql.Rows) error {
			var m manager
			if err := rs.Scan(&m.id, &m.unit); err != nil {
				return err
			}
			out = append(out, m)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("finding managers: %w", err)
	}
	return out, nil
}

func unitByID(us []*ent.Unit, id int) *ent.Unit {
	for _, u := range us {
		if u.ID == id {
			return u
		}
	}
	return nil
}
