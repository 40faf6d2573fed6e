package training

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"peixun/accounts"
	"peixun/database"
	"peixun/database/dbtest"
	"peixun/ent"
	"peixun/ent/person"
	"peixun/ent/schema"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// sh is a time in Asia/Shanghai.
func sh(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, Shanghai)
}

type env struct {
	t     testing.TB
	ctx   context.Context
	db    *database.DB
	c     *ent.Client
	svc   *Service
	clock *fakeClock
	admin accounts.Actor
	seq   int
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvDB(t, dbtest.Open(t))
}

// newEnvDB is newEnv over a database the caller opened.
func newEnvDB(t testing.TB, db *database.DB) *env {
	t.Helper()
	clock := &fakeClock{t: sh(2021, 3, 1, 9, 0)}
	svc, err := New(Config{DB: db, Now: clock.Now, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: context.Background(), db: db, c: db.Client, svc: svc, clock: clock,
		admin: accounts.Actor{PersonID: 0, Name: "admin", Roles: []string{accounts.RoleAdmin}, UnitPath: "/"}}
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// unit makes a unit below parent (nil for a root).
func (e *env) unit(name string, parent *ent.Unit) *ent.Unit {
	e.t.Helper()
	e.seq++
	q := e.c.Unit.Create().SetName(name).SetCode(fmt.Sprintf("U%d", e.seq))
	path := "/"
	if parent != nil {
		q.SetParentID(parent.ID)
		path = parent.Path
	}
	u, err := q.Save(e.ctx)
	e.must(err)
	u, err = u.Update().SetPath(accounts.ChildPath(path, u.ID)).Save(e.ctx)
	e.must(err)
	return u
}

// person makes an active person of a category in a unit, since a given time.
func (e *env) person(u *ent.Unit, category string, roles ...string) *ent.Person {
	e.t.Helper()
	e.seq++
	p, err := e.c.Person.Create().SetUsername(fmt.Sprintf("p%d", e.seq)).SetName(fmt.Sprintf("人员%d", e.seq)).
		SetUnitID(u.ID).SetUnitSince(e.clock.Now().UTC().Add(-365 * 24 * time.Hour)).
		SetCategory(person.Category(category)).SetRoles(append([]string{"learner"}, roles...)).Save(e.ctx)
	e.must(err)
	return p
}

// actor is the accounts.Actor of a person.
func (e *env) actor(p *ent.Person) accounts.Actor {
	u := e.c.Unit.GetX(e.ctx, p.UnitID)
	return accounts.Actor{PersonID: p.ID, Name: p.Name, UnitID: u.ID, UnitPath: u.Path, Roles: p.Roles}
}

// course makes a course with n lessons and the given credit hours; it returns the course and lesson ids.
func (e *env) course(n int, hours float64) (int, []int) {
	e.t.Helper()
	c, err := e.c.Course.Create().SetTitle("课程").SetCreditHours(hours).SetStatus("published").SetOwnerID(1).Save(e.ctx)
	e.must(err)
	var ids []int
	for i := 0; i < n; i++ {
		l, err := e.c.Lesson.Create().SetCourseID(c.ID).SetPosition(i).SetTitle("课").SetKind("text").Save(e.ctx)
		e.must(err)
		ids = append(ids, l.ID)
	}
	return c.ID, ids
}

// completeLesson records that a person completed a lesson at a time.
func (e *env) completeLesson(personID, courseID, lessonID int, at time.Time) {
	e.t.Helper()
	e.must(e.c.LessonProgress.Create().SetPersonID(personID).SetLessonID(lessonID).SetCourseID(courseID).
		SetSecondsStudied(600).SetCompletedAt(at.UTC()).Exec(e.ctx))
}

// lecture makes an in-person session held at a time giving hours.
func (e *env) lecture(heldOn time.Time, hours float64) int {
	e.t.Helper()
	l, err := e.c.Lecture.Create().SetTitle("讲座").SetHeldOn(heldOn.UTC()).SetHours(hours).SetCreatedBy(1).Save(e.ctx)
	e.must(err)
	return l.ID
}

func (e *env) attend(personID, lectureID int, hours float64) {
	e.t.Helper()
	e.must(e.c.Attendance.Create().SetLectureID(lectureID).SetPersonID(personID).SetHours(hours).Exec(e.ctx))
}

// quiz makes a quiz.
func (e *env) quiz() int {
	e.t.Helper()
	q, err := e.c.Quiz.Create().SetTitle("考试").SetStatus("published").Save(e.ctx)
	e.must(err)
	return q.ID
}

// attempt records a graded attempt.
func (e *env) attempt(quizID, personID int, score float64, passed bool, at time.Time) {
	e.t.Helper()
	e.seq++
	e.must(e.c.Attempt.Create().SetQuizID(quizID).SetPersonID(personID).SetNumber(e.seq).SetStartedAt(at.UTC()).
		SetSubmittedAt(at.UTC()).SetScore(score).SetPassed(passed).SetStatus("graded").Exec(e.ctx))
}

// program creates and activates a program.
func (e *env) program(in ProgramInput) *ent.Program {
	e.t.Helper()
	if in.Name == "" {
		in.Name = "轮训"
	}
	if in.StartsAt.IsZero() {
		in.StartsAt, in.DueAt = sh(2021, 1, 1, 0, 0), sh(2021, 12, 31, 23, 59)
	}
	p, err := e.svc.CreateProgram(e.ctx, e.admin, in)
	e.must(err)
	p, err = e.svc.SetProgramStatus(e.ctx, e.admin, p.ID, StatusActive)
	e.must(err)
	return p
}

func hours(h float64) schema.Requirements { return schema.Requirements{MinHours: h} }

// enrollmentOf returns a person's enrollment in a program, or nil.
func (e *env) enrollmentOf(programID, personID int) *ent.Enrollment {
	e.t.Helper()
	es, err := e.c.Enrollment.Query().All(e.ctx)
	e.must(err)
	for _, x := range es {
		if x.ProgramID == programID && x.PersonID == personID {
			return x
		}
	}
	return nil
}
