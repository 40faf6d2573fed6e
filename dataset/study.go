package dataset

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"peixun/ent"
	"peixun/ent/attempt"
	"peixun/ent/enrollment"
	"peixun/ent/program"
	"peixun/ent/question"
	"peixun/ent/schema"
	"peixun/quizzes"
)

// programSpec is one of the five programs of the dataset, modelled on the work plan.
type programSpec struct {
	name       string
	kind       program.Kind
	categories []string
	courses    []int // indexes into g.courses
	minHours   float64
	quiz       bool
}

var programSpecs = []programSpec{
	{"2021年执法人员轮训", program.KindRotation, []string{"officer"}, []int{0, 1, 2, 3, 4, 5}, 0, true},
	{"2021年协管员培训", program.KindAuxiliary, []string{"auxiliary"}, []int{6, 7, 8}, 0, false},
	{"2021年领导干部学法用法", program.KindLawStudy, []string{"cadre"}, []int{9, 10, 11}, 6, false},
	{"“人人能办案”劳动竞赛", program.KindCompetition, []string{"officer", "auxiliary"}, nil, 0, true},
	{"执法纪律教育", program.KindOther, []string{"officer", "auxiliary", "cadre", "staff"}, []int{12, 13}, 0, false},
}

func (g *generator) quizzes(ctx context.Context) error {
	cat, err := g.c.QuestionCategory.Create().SetName("规模测试题库").Save(ctx)
	if err != nil {
		return err
	}
	if cat, err = cat.Update().SetPath(fmt.Sprintf("/%d/", cat.ID)).Save(ctx); err != nil {
		return err
	}
	bulk := make([]*ent.QuestionCreate, questionCount)
	for i := range bulk {
		bulk[i] = g.c.Question.Create().SetCategoryID(cat.ID).SetKind(question.KindSingle).
			SetStem(fmt.Sprintf("规模测试第%d题：以下哪一项符合《行政处罚法》的规定？", i+1)).
			SetOptions([]string{"选项甲", "选项乙", "选项丙", "选项丁"}).SetAnswer([]string{"A"}).
			SetDifficulty(1 + i%5).SetStatute("《行政处罚法》").SetCreatedBy(g.people[0].id)
	}
	if g.qs, err = g.c.Question.CreateBulk(bulk...).Save(ctx); err != nil {
		return err
	}
	for _, q := range g.qs {
		if err := g.c.Question.UpdateOneID(q.ID).SetLineageID(q.ID).Exec(ctx); err != nil {
			return err
		}
	}
	svc := quizzes.New(g.db, func() time.Time { return g.now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	opens, closes := g.now.AddDate(0, -2, 0), g.now.AddDate(0, 1, 0)
	g.quiz, err = svc.CreateQuiz(ctx, quizzes.QuizInput{Title: "2021年执法人员轮训考试", Mode: "exam",
		Rules: []quizzes.Rule{{Count: paperSize, Kind: "single", CategoryID: cat.ID, Points: 5}}, TimeLimit: 30 * time.Minute,
		PassScore: 60, AttemptsAllowed: 3, OpensAt: &opens, ClosesAt: &closes, ShuffleQuestions: true, ShuffleOptions: true,
		Publish: true}, g.people[0].id)
	if err != nil {
		return err
	}
	// The burst exam is left untouched by the dataset: the load tool starts it for thousands of
	// learners at once.
	if _, err = svc.CreateQuiz(ctx, quizzes.QuizInput{Title: BurstQuizTitle, Mode: "exam",
		Rules: []quizzes.Rule{{Count: paperSize, Kind: "single", CategoryID: cat.ID, Points: 5}}, TimeLimit: 2 * time.Hour,
		PassScore: 60, AttemptsAllowed: 0, OpensAt: &opens, ClosesAt: &closes, ShuffleQuestions: true, ShuffleOptions: true,
		Publish: true}, g.people[0].id); err != nil {
		return err
	}
	g.sum.Quizzes, g.sum.Questions = 2, questionCount
	return nil
}

// BurstQuizTitle names the exam that the load tool starts for everyone at once.
const BurstQuizTitle = "全员同时开考压力测试"

func (g *generator) programs(ctx context.Context) error {
	size := chunk(8)
	for _, ps := range programSpecs {
		req := schema.Requirements{MinHours: ps.minHours}
		for _, ci := range ps.courses {
			req.CourseIDs = append(req.CourseIDs, g.courses[ci].ID)
		}
		if ps.quiz {
			req.QuizID = g.quiz.ID
		}
		p, err := g.c.Program.Create().SetName(ps.name).SetKind(ps.kind).SetStartsAt(g.now.AddDate(0, -4, 0)).
			SetDueAt(g.now.AddDate(0, 2, 0)).SetTargetRate(100).SetAudience(schema.Audience{Categories: ps.categories,
			UnitIDs: []int{g.root.ID}}).SetRequirements(req).SetStatus(program.StatusActive).Save(ctx)
		if err != nil {
			return err
		}
		g.sum.Programs++
		var bulk []*ent.EnrollmentCreate
		flush := func() error {
			if len(bulk) == 0 {
				return nil
			}
			if err := g.c.Enrollment.CreateBulk(bulk...).Exec(ctx); err != nil {
				return err
			}
			g.sum.Enrollments += len(bulk)
			bulk = bulk[:0]
			return nil
		}
		for _, pp := range g.people {
			if !slices.Contains(ps.categories, pp.category) {
				continue
			}
			bulk = append(bulk, g.c.Enrollment.Create().SetProgramID(p.ID).SetPersonID(pp.id).SetUnitID(pp.unitID).
				SetStatus(enrollment.StatusAssigned).SetEnrolledAt(g.now.AddDate(0, -4, 0)))
			if len(bulk) == size {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
	}
	return nil
}

// progress writes what people studied: most started their programs' courses, and completed a
// varying number of lessons in order, so that units end up ahead of and behind pace.
func (g *generator) progress(ctx context.Context) error {
	size := chunk(10)
	bulk := make([]*ent.LessonProgressCreate, 0, size)
	flush := func() error {
		if len(bulk) == 0 {
			return nil
		}
		if err := g.c.LessonProgress.CreateBulk(bulk...).Exec(ctx); err != nil {
			return err
		}
		g.sum.Progress += len(bulk)
		bulk = bulk[:0]
		return nil
	}
	for _, pp := range g.people {
		// Units differ in zeal: the team decides how far its people usually get.
		zeal := 0.35 + 0.6*float64(pp.unitID%7)/6
		for _, ps := range programSpecs {
			if !slices.Contains(ps.categories, pp.category) {
				continue
			}
			for _, ci := range ps.courses {
				if g.rng.Float64() > progressStartP {
					continue
				}
				c := g.courses[ci]
				done := int(float64(lessonsPerCrs) * min(1, zeal+0.3*g.rng.Float64()))
				for j, l := range g.lessons[c.ID] {
					if j > done {
						break
					}
					at := g.now.AddDate(0, 0, -g.rng.IntN(100)).Add(-time.Duration(g.rng.IntN(86400)) * time.Second)
					q := g.c.LessonProgress.Create().SetPersonID(pp.id).SetLessonID(l.ID).SetCourseID(c.ID).
						SetLastReportAt(at).SetUpdatedAt(at)
					if j < done {
						q.SetSecondsStudied(60 + g.rng.IntN(600)).SetCompletedAt(at)
					} else {
						q.SetSecondsStudied(g.rng.IntN(59))
					}
					bulk = append(bulk, q)
					if len(bulk) == size {
						if err := flush(); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	return flush()
}

// attempts writes submitted exam attempts with their answers for a share of the officers.
func (g *generator) attempts(ctx context.Context) error {
	var officers []member
	for _, pp := range g.people {
		if pp.category == "officer" && g.rng.Float64() < attemptShare {
			officers = append(officers, pp)
		}
	}
	size := chunk(16)
	for start := 0; start < len(officers); start += size {
		end := min(start+size, len(officers))
		type sheet struct {
			qs     []int
			right  []bool
			points float64
		}
		sheets := make([]sheet, end-start)
		bulk := make([]*ent.AttemptCreate, 0, end-start)
		for i, pp := range officers[start:end] {
			sh := sheet{}
			for _, k := range g.rng.Perm(len(g.qs))[:paperSize] {
				right := g.rng.Float64() < 0.5+0.45*float64(pp.unitID%5)/4
				sh.qs, sh.right = append(sh.qs, g.qs[k].ID), append(sh.right, right)
				if right {
					sh.points += 5
				}
			}
			sheets[i] = sh
			started := g.now.AddDate(0, 0, -g.rng.IntN(50))
			submitted := started.Add(time.Duration(600+g.rng.IntN(1200)) * time.Second)
			bulk = append(bulk, g.c.Attempt.Create().SetQuizID(g.quiz.ID).SetPersonID(pp.id).SetStartedAt(started).
				SetDeadline(started.Add(30*time.Minute)).SetSubmittedAt(submitted).SetScore(sh.points).SetMaxScore(paperSize*5).
				SetPassed(sh.points >= 60).SetStatus(attempt.StatusGraded).SetDurationSeconds(int(submitted.Sub(started).Seconds())))
		}
		created, err := g.c.Attempt.CreateBulk(bulk...).Save(ctx)
		if err != nil {
			return err
		}
		g.sum.Attempts += len(created)
		answers := make([]*ent.AnswerCreate, 0, len(created)*paperSize)
		for i, a := range created {
			for k, qid := range sheets[i].qs {
				resp, pts := "B", 0.0
				if sheets[i].right[k] {
					resp, pts = "A", 5
				}
				answers = append(answers, g.c.Answer.Create().SetAttemptID(a.ID).SetQuestionID(qid).SetResponse([]string{resp}).
					SetSeq(1).SetPoints(pts).SetMaxPoints(5).SetCorrect(pts > 0).SetSavedAt(a.StartedAt))
			}
		}
		for s := 0; s < len(answers); s += chunk(9) {
			if err := g.c.Answer.CreateBulk(answers[s:min(s+chunk(9), len(answers))]...).Exec(ctx); err != nil {
				return err
			}
		}
		g.sum.Answers += len(answers)
	}
	return nil
}
