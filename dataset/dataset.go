// Package dataset generates a large, realistic and deterministic dataset for measuring the platform:
// units, people, courses with lessons, programs with enrollments, study progress, quizzes, attempts
// and answers, in the proportions a province-sized rollout has. It writes with multi-row inserts in
// large batches, so 100,000 people take seconds rather than the hours one insert per row would.
package dataset

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"peixun/accounts"
	"peixun/database"
	"peixun/ent"
	"peixun/ent/course"
	"peixun/ent/lesson"
	"peixun/ent/person"
)

// Password is the password of every generated person. They all share one argon2id hash: hashing a
// hundred thousand passwords would take longer than the rest of the dataset together.
const Password = "Peixun2021"

// Options choose the size and the random seed. The same options always give the same data.
type Options struct {
	People int
	Seed   uint64
	Now    time.Time // the dataset's "today"; programs run around it
}

// Summary counts what was written.
type Summary struct {
	Units, People, Courses, Lessons, Programs, Enrollments, Progress, Quizzes, Questions, Attempts, Answers int
	Took                                                                                                    time.Duration
}

// Counts of the fixed parts of the dataset.
const (
	squads         = 8
	teamsPerSquad  = 4
	courseCount    = 30
	lessonsPerCrs  = 10
	questionCount  = 400
	paperSize      = 20
	attemptShare   = 0.3 // share of officers who sat the rotation exam
	progressStartP = 0.75
)

// generator carries the state of one run.
type generator struct {
	db   *database.DB
	c    *ent.Client
	rng  *rand.Rand
	now  time.Time
	hash string
	sum  Summary

	root    *ent.Unit
	teams   []*ent.Unit
	people  []member
	courses []*ent.Course
	lessons map[int][]*ent.Lesson // course id → lessons in order
	quiz    *ent.Quiz
	qs      []*ent.Question
}

// member is what the generator remembers of each generated person.
type member struct {
	id, unitID int
	category   string
}

// Generate writes the dataset into an empty database (it refuses one that already has people).
func Generate(ctx context.Context, db *database.DB, o Options) (Summary, error) {
	start := time.Now()
	if o.People <= 0 {
		return Summary{}, fmt.Errorf("the dataset needs at least one person, got %d", o.People)
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC()
	}
	if n, err := db.Client.Person.Query().Count(ctx); err != nil {
		return Summary{}, fmt.Errorf("counting people: %w", err)
	} else if n > 0 {
		return Summary{}, fmt.Errorf("the database already has %d people: the dataset goes into an empty database", n)
	}
	hash, err := accounts.HashPassword(Password)
	if err != nil {
		return Summary{}, err
	}
	g := &generator{db: db, c: db.Client, rng: rand.New(rand.NewPCG(o.Seed, 2021)), now: o.Now.UTC(), hash: hash,
		lessons: map[int][]*ent.Lesson{}}
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"units", g.units},
		{"people", func(ctx context.Context) error { return g.persons(ctx, o.People) }},
		{"courses", g.coursesAndLessons},
		{"quizzes", g.quizzes},
		{"programs", g.programs},
		{"progress", g.progress},
		{"attempts", g.attempts},
	}
	for _, st := range steps {
		if err := st.fn(ctx); err != nil {
			return g.sum, fmt.Errorf("generating %s: %w", st.name, err)
		}
	}
	g.sum.Took = time.Since(start)
	return g.sum, nil
}

// maxParams bounds the placeholders of one statement: SQLite allows 32766, MySQL 65535.
const maxParams = 30000

// chunk returns how many rows of cols columns fit one statement.
func chunk(cols int) int { return maxParams / cols }

func (g *generator) units(ctx context.Context) error {
	root, err := g.c.Unit.Create().SetName("规模测试交通运输局").SetCode("S").Save(ctx)
	if err != nil {
		return err
	}
	if root, err = root.Update().SetPath(accounts.ChildPath("/", root.ID)).Save(ctx); err != nil {
		return err
	}
	g.root = root
	g.sum.Units = 1
	for i := 0; i < squads; i++ {
		sq, err := g.c.Unit.Create().SetName(fmt.Sprintf("第%d执法中队", i+1)).SetCode(fmt.Sprintf("S-%d", i+1)).
			SetParentID(root.ID).SetPosition(i).Save(ctx)
		if err != nil {
			return err
		}
		if sq, err = sq.Update().SetPath(accounts.ChildPath(root.Path, sq.ID)).Save(ctx); err != nil {
			return err
		}
		g.sum.Units++
		for j := 0; j < teamsPerSquad; j++ {
			tm, err := g.c.Unit.Create().SetName(fmt.Sprintf("第%d执法中队%d分队", i+1, j+1)).
				SetCode(fmt.Sprintf("S-%d-%d", i+1, j+1)).SetParentID(sq.ID).SetPosition(j).Save(ctx)
			if err != nil {
				return err
			}
			if tm, err = tm.Update().SetPath(accounts.ChildPath(sq.Path, tm.ID)).Save(ctx); err != nil {
				return err
			}
			g.teams = append(g.teams, tm)
			g.sum.Units++
		}
	}
	return nil
}

func (g *generator) persons(ctx context.Context, n int) error {
	cats := []struct {
		name  string
		share float64
	}{{"officer", 0.70}, {"auxiliary", 0.15}, {"cadre", 0.05}, {"staff", 0.10}}
	size := chunk(20)
	now := g.now
	for start := 0; start < n; start += size {
		end := min(start+size, n)
		bulk := make([]*ent.PersonCreate, 0, end-start)
		meta := make([]member, 0, end-start)
		for i := start; i < end; i++ {
			r, cat := g.rng.Float64(), "staff"
			for _, c := range cats {
				if r < c.share {
					cat = c.name
					break
				}
				r -= c.share
			}
			unit := g.teams[g.rng.IntN(len(g.teams))]
			q := g.c.Person.Create().SetUsername(fmt.Sprintf("s%06d", i+1)).SetName(accounts.DemoName(g.rng)).
				SetEmployeeNo(fmt.Sprintf("S%06d", i+1)).SetPhone(fmt.Sprintf("138%08d", i+1)).SetUnitID(unit.ID).
				SetUnitSince(now.AddDate(-1, 0, 0)).SetCategory(person.Category(cat)).SetRoles([]string{accounts.RoleLearner}).
				SetPasswordHash(g.hash).SetCreatedAt(now).SetUpdatedAt(now)
			if cat == "officer" {
				q.SetCredentialNo(fmt.Sprintf("浙交执S%06d", i+1)).SetCredentialExpires(now.AddDate(0, 0, g.rng.IntN(1000)-30))
			}
			if g.rng.Float64() < 0.02 {
				q.SetStatus(person.StatusLeft).SetLeftAt(now.AddDate(0, 0, -g.rng.IntN(90)))
			}
			bulk = append(bulk, q)
			meta = append(meta, member{unitID: unit.ID, category: cat})
		}
		created, err := g.c.Person.CreateBulk(bulk...).Save(ctx)
		if err != nil {
			return err
		}
		for i, p := range created {
			meta[i].id = p.ID
		}
		g.people = append(g.people, meta...)
	}
	g.sum.People = n
	return nil
}

func (g *generator) coursesAndLessons(ctx context.Context) error {
	for i := 0; i < courseCount; i++ {
		c, err := g.c.Course.Create().SetTitle(fmt.Sprintf("执法业务课程%02d", i+1)).SetSummary("规模测试用课程").
			SetCreditHours(2).SetStatus(course.StatusPublished).SetOwnerID(g.people[0].id).SetPublishedAt(g.now.AddDate(0, -3, 0)).
			Save(ctx)
		if err != nil {
			return err
		}
		bulk := make([]*ent.LessonCreate, lessonsPerCrs)
		for j := range bulk {
			bulk[j] = g.c.Lesson.Create().SetCourseID(c.ID).SetPosition(j).SetTitle(fmt.Sprintf("第%d讲", j+1)).
				SetKind(lesson.KindText).SetBody("<p>规模测试课文。</p>").SetMinSeconds(60)
		}
		ls, err := g.c.Lesson.CreateBulk(bulk...).Save(ctx)
		if err != nil {
			return err
		}
		g.courses = append(g.courses, c)
		g.lessons[c.ID] = ls
	}
	g.sum.Courses, g.sum.Lessons = courseCount, courseCount*lessonsPerCrs
	return nil
}
