package training

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/program"
	"peixun/ent/quiz"
	"peixun/fault"
	"peixun/quizzes"
)

// WeeklyKey is the notification key of a manager's weekly report: one per manager and ISO week, so
// that a second run in the same week (another replica, a retry, a click) sends nothing.
func WeeklyKey(personID, isoYear, isoWeek int) string {
	return fmt.Sprintf("weekly:%d:%d-W%02d", personID, isoYear, isoWeek)
}

// WeeklyReport sends each active manager the status of the active programs of their subtree: rate,
// pace and the people still to finish, program by program, through Notify. It returns how many
// reports were new this week.
func (s *Service) WeeklyReport(ctx context.Context) (int, error) {
	now := s.clock()
	year, week := now.In(Shanghai).ISOWeek()
	ps, err := s.client.Program.Query().Where(program.StatusEQ(program.StatusActive)).Order(ent.Asc(program.FieldDueAt)).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("weekly report: listing programs: %w", err)
	}
	managers, err := s.managers(ctx)
	if err != nil || len(managers) == 0 || len(ps) == 0 {
		return 0, err
	}
	us, err := s.client.Unit.Query().All(ctx)
	if err != nil {
		return 0, fmt.Errorf("weekly report: loading units: %w", err)
	}
	byProgram := map[int]map[int]Figures{}
	for _, p := range ps {
		if byProgram[p.ID], err = s.figuresByUnit(ctx, p.ID); err != nil {
			return 0, err
		}
	}
	var ns []Notice
	for _, m := range managers {
		u := unitByID(us, m.unit)
		if u == nil {
			continue
		}
		var lines []string
		for _, p := range ps {
			var f Figures
			for _, o := range us {
				if strings.HasPrefix(o.Path, u.Path) {
					f = f.Add(byProgram[p.ID][o.ID])
				}
			}
			if f.InScope == 0 {
				continue
			}
			exp := ExpectedRate(p, now)
			lines = append(lines, fmt.Sprintf("「%s」完成率%.1f%%，按进度应达%.1f%%（%s）；应完成%d人，已完成%d人，未完成%d人，其中逾期%d人；%s截止。",
				p.Name, f.Rate(), exp, PaceNames[PaceOf(f, exp)], f.Denominator(), f.Completed, f.Denominator()-f.Completed,
				f.Overdue, p.DueAt.In(Shanghai).Format("2006-01-02")))
		}
		if len(lines) == 0 {
			continue
		}
		ns = append(ns, Notice{PersonID: m.id, Key: WeeklyKey(m.id, year, week), Kind: "weekly",
			Title: fmt.Sprintf("%s培训周报（%d年第%d周）", u.Name, year, week),
			Body:  strings.Join(lines, "\n"), Link: "/dashboard"})
	}
	return s.Notify(ctx, ns)
}

// Competitions lists the competitions (quizzes in competition mode), newest first.
func (s *Service) Competitions(ctx context.Context) ([]*ent.Quiz, error) {
	qs, err := s.client.Quiz.Query().Where(quiz.ModeEQ(quiz.ModeCompetition), quiz.StatusNEQ(quiz.StatusDraft)).
		Order(ent.Desc(quiz.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing competitions: %w", err)
	}
	return qs, nil
}

// CompetitionRanking ranks a competition (or any quiz) by person and by unit like quizzes.RankPeople
// and quizzes.RankUnits, over the people of the actor's scope only (their current unit).
func (s *Service) CompetitionRanking(ctx context.Context, actor accounts.Actor, quizID int) ([]quizzes.PersonRank, []quizzes.UnitRank, error) {
	scope, err := reportScope(actor)
	if err != nil {
		return nil, nil, err
	}
	if ok, err := s.client.Quiz.Query().Where(quiz.ID(quizID)).Exist(ctx); err != nil || !ok {
		if err == nil {
			err = fault.Field("quiz", "reports.quiz_unknown")
		}
		return nil, nil, err
	}
	const best = `SELECT person_id, score, duration_seconds FROM (
 SELECT person_id, score, duration_seconds,
  ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY score DESC, duration_seconds ASC, id ASC) AS rn
 FROM attempts WHERE quiz_id = ? AND status = 'graded') b WHERE rn = 1`
	var people []quizzes.PersonRank
	err = s.each(ctx, `SELECT b.person_id, p.name, p.unit_id, u.name, b.score, b.duration_seconds
 FROM (`+best+`) b JOIN persons p ON p.id = b.person_id JOIN units u ON u.id = p.unit_id
 WHERE u.path LIKE ? ORDER BY b.score DESC, b.duration_seconds ASC, b.person_id ASC`, []any{quizID, likePrefix(scope)},
		func(rs *sql.Rows) error {
			var r quizzes.PersonRank
			if err := rs.Scan(&r.PersonID, &r.Name, &r.UnitID, &r.UnitName, &r.Score, &r.Duration); err != nil {
				return err
			}
			r.Rank = len(people) + 1
			if n := len(people); n > 0 && people[n-1].Score == r.Score && people[n-1].Duration == r.Duration {
				r.Rank = people[n-1].Rank
			}
			people = append(people, r)
			return nil
		})
	if err != nil {
		return nil, nil, fmt.Errorf("ranking people at quiz %d: %w", quizID, err)
	}
	var units []quizzes.UnitRank
	err = s.each(ctx, `SELECT u.id, u.name, COUNT(*), AVG(b.score)
 FROM (`+best+`) b JOIN persons p ON p.id = b.person_id JOIN units u ON u.id = p.unit_id
 WHERE u.path LIKE ? GROUP BY u.id, u.name ORDER BY AVG(b.score) DESC, u.id ASC`, []any{quizID, likePrefix(scope)},
		func(rs *sql.Rows) error {
			var r quizzes.UnitRank
			if err := rs.Scan(&r.UnitID, &r.UnitName, &r.Participants, &r.MeanScore); err != nil {
				return err
			}
			r.Rank = len(units) + 1
			if n := len(units); n > 0 && units[n-1].MeanScore == r.MeanScore {
				r.Rank = units[n-1].Rank
			}
			units = append(units, r)
			return nil
		})
	if err != nil {
		return nil, nil, fmt.Errorf("ranking units at quiz %d: %w", quizID, err)
	}
	return people, units, nil
}
