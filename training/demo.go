package training

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/lesson"
	"peixun/ent/person"
	"peixun/ent/schema"
	"peixun/ent/unit"
)

// DemoOptions name what the other demos created, so that the programs require them. Without
// courses and a quiz, requirements are credit hours from in-person sessions only.
type DemoOptions struct {
	CourseIDs []int // demo courses; the rotational training requires up to three of them
	QuizID    int   // a demo exam; the law study and the competition require passing it
	CreatedBy int   // the person shown as author (the demo administrator); optional
}

// demoDiligence is the share of each unit's people who have finished, by unit code: some squads
// ahead of pace, some behind, so that the manager's view has something to show.
var demoDiligence = map[string]float64{
	"YH": 0.9, "YH-BGS": 0.85, "YH-ZCFG": 0.95, "YH-YSGL": 0.6, "YH-ZFD": 0.8,
	"YH-ZFD-LZ": 0.9, "YH-ZFD-LZ-1": 0.85, "YH-ZFD-LZ-2": 0.4, "YH-ZFD-YH": 0.75,
	"YH-ZFD-CQ": 0.55, "YH-ZFD-PY": 0.35, "YH-ZFD-XL": 0.25, "YH-ZFD-LUZ": 0.5,
}

// SeedDemo creates the work plan's programs for the demo bureau (accounts.SeedDemo must have run):
// the year's rotational training of enforcement officers (target 100%), auxiliary staff training,
// leading cadres' law study and a skills competition, over a period two-thirds gone, with lectures,
// attendance, lesson progress and passed exams written in bulk so that some units are ahead of
// pace and some behind; then a sweep sets statuses and today's snapshots. It does nothing when a
// program exists, and returns the program ids by kind.
func SeedDemo(ctx context.Context, svc *Service, opt DemoOptions) (map[string]int, error) {
	c := svc.client
	if n, err := c.Program.Query().Count(ctx); err != nil || n > 0 {
		return nil, err
	}
	units, err := c.Unit.Query().Where(unit.CodeHasPrefix("YH")).All(ctx)
	if err != nil || len(units) == 0 {
		return nil, fmt.Errorf("demo programs need the demo bureau (accounts.SeedDemo): %v", err)
	}
	var squads int
	for _, u := range units {
		if u.Code == "YH-ZFD" {
			squads = u.ID
		}
	}
	now := svc.clock()
	today := now.In(Shanghai)
	start := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, Shanghai).AddDate(0, 0, -120)
	due := start.AddDate(0, 0, 180).Add(-time.Minute)
	year := today.Year()
	courses := opt.CourseIDs
	if len(courses) > 3 {
		courses = courses[:3]
	}
	quizOr := func(r schema.Requirements) schema.Requirements {
		r.QuizID = opt.QuizID
		return r
	}
	ninety, eighty := 90.0, 80.0
	plans := []struct {
		key string
		in  ProgramInput
	}{
		{"rotation", ProgramInput{Name: fmt.Sprintf("%d年度行政执法人员轮训", year), Kind: "rotation",
			Audience:     schema.Audience{Categories: []string{"officer"}},
			Requirements: schema.Requirements{CourseIDs: courses, MinHours: 24}, Certificate: true,
			CertPrefix: fmt.Sprintf("YH-%d-LX", year), CertTitle: "培训合格证书"}},
		{"auxiliary", ProgramInput{Name: fmt.Sprintf("%d年度执法辅助人员业务培训", year), Kind: "auxiliary", TargetRate: &ninety,
			Audience: schema.Audience{Categories: []string{"auxiliary"}}, Requirements: schema.Requirements{MinHours: 12}}},
		{"law_study", ProgramInput{Name: fmt.Sprintf("%d年度领导干部学法用法", year), Kind: "law_study",
			Audience: schema.Audience{Categories: []string{"cadre"}}, Requirements: quizOr(schema.Requirements{MinHours: 8})}},
		{"competition", ProgramInput{Name: fmt.Sprintf("%d年度执法业务技能竞赛", year), Kind: "competition", TargetRate: &eighty,
			Audience: schema.Audience{Categories: []string{"officer"}, UnitIDs: []int{squads}}, MinEvents: 1,
			Requirements: quizOr(schema.Requirements{})}},
	}
	admin := accounts.System
	admin.PersonID = opt.CreatedBy
	ids := map[string]int{}
	var created []*ent.Program
	for _, pl := range plans {
		pl.in.StartsAt, pl.in.DueAt = start, due
		p, err := svc.CreateProgram(ctx, admin, pl.in)
		if err != nil {
			return nil, fmt.Errorf("creating demo program %s: %w", pl.in.Name, err)
		}
		ids[pl.key] = p.ID
		created = append(created, p)
	}
	if err := seedDemoActivity(ctx, svc, units, courses, opt.QuizID, start, now); err != nil {
		return nil, err
	}
	for _, p := range created {
		if _, err := svc.SetProgramStatus(ctx, admin, p.ID, StatusActive); err != nil {
			return nil, fmt.Errorf("activating demo program %d: %w", p.ID, err)
		}
	}
	if _, err := svc.Sweep(ctx); err != nil {
		return nil, fmt.Errorf("sweeping demo programs: %w", err)
	}
	return ids, nil
}

// seedDemoActivity writes six past lectures of four hours, and for each person attendance, lesson
// progress and a passed exam according to their unit's diligence: the diligent finish everything,
// the others do part of it.
func seedDemoActivity(ctx context.Context, svc *Service, units []*ent.Unit, courses []int, quizID int, start, now time.Time) error {
	c := svc.client
	rng := rand.New(rand.NewPCG(2021, 7))
	var lectures []int
	for i := 0; i < 6; i++ {
		held := start.AddDate(0, 0, 7+i*15).Add(9 * time.Hour)
		l, err := c.Lecture.Create().SetTitle(fmt.Sprintf("集中授课（第%d期）", i+1)).SetHeldOn(held.UTC()).SetHours(4).
			SetTrainer("法规科").SetCreatedBy(1).Save(ctx)
		if err != nil {
			return fmt.Errorf("creating demo lecture: %w", err)
		}
		lectures = append(lectures, l.ID)
	}
	lessons, err := c.Lesson.Query().Where(lesson.CourseIDIn(courses...)).All(ctx)
	if err != nil {
		return fmt.Errorf("reading demo lessons: %w", err)
	}
	people, err := c.Person.Query().Where(person.StatusEQ(person.StatusActive)).All(ctx)
	if err != nil {
		return fmt.Errorf("reading demo people: %w", err)
	}
	code := map[int]string{}
	for _, u := range units {
		code[u.ID] = u.Code
	}
	span := now.Sub(start.Add(24 * time.Hour))
	at := func() time.Time { return start.Add(24*time.Hour + time.Duration(rng.Int64N(int64(span)))).UTC() }
	var att []*ent.AttendanceCreate
	var prog []*ent.LessonProgressCreate
	var tries []*ent.AttemptCreate
	for _, p := range people {
		diligent := rng.Float64() < demoDiligence[code[p.UnitID]]
		n := len(lectures)
		if !diligent {
			n = rng.IntN(4)
		}
		for _, l := range rng.Perm(len(lectures))[:n] {
			att = append(att, c.Attendance.Create().SetLectureID(lectures[l]).SetPersonID(p.ID).SetHours(4).SetRecordedAt(at()))
		}
		for i, l := range lessons {
			if diligent || (i%3 != 2 && rng.IntN(2) == 0) {
				prog = append(prog, c.LessonProgress.Create().SetPersonID(p.ID).SetLessonID(l.ID).SetCourseID(l.CourseID).
					SetSecondsStudied(900+rng.IntN(900)).SetCompletedAt(at()).SetLastReportAt(at()))
			}
		}
		if quizID > 0 && (diligent || rng.IntN(3) == 0) {
			t := at()
			score := 60 + float64(rng.IntN(41))
			tries = append(tries, c.Attempt.Create().SetQuizID(quizID).SetPersonID(p.ID).SetNumber(1).SetStartedAt(t).
				SetSubmittedAt(t.Add(20*time.Minute)).SetScore(score).SetMaxScore(100).SetPassed(true).SetStatus("graded"))
		}
	}
	for _, b := range chunks(att, 500) {
		if err := c.Attendance.CreateBulk(b...).Exec(ctx); err != nil {
			return fmt.Errorf("writing demo attendance: %w", err)
		}
	}
	for _, b := range chunks(prog, 500) {
		if err := c.LessonProgress.CreateBulk(b...).Exec(ctx); err != nil {
			return fmt.Errorf("writing demo lesson progress: %w", err)
		}
	}
	for _, b := range chunks(tries, 500) {
		if err := c.Attempt.CreateBulk(b...).Exec(ctx); err != nil {
			return fmt.Errorf("writing demo attempts: %w", err)
		}
	}
	return nil
}

func chunks[T any](xs []T, n int) [][]T {
	var out [][]T
	for len(xs) > n {
		out, xs = append(out, xs[:n]), xs[n:]
	}
	if len(xs) > 0 {
		out = append(out, xs)
	}
	return out
}
