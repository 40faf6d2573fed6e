package handlers_test

import (
	"context"
	"log/slog"
	"testing"

	"peixun/accounts"
	"peixun/certificates"
	"peixun/courses"
	"peixun/database"
	"peixun/ent"
	"peixun/ent/course"
	"peixun/ent/quiz"
	"peixun/training"
)

// newTraining makes the training domain of a test platform on the accounts clock, wired to the
// courses and accounts hooks like cmd/peixun does, with the demo programs and the scheduled checks
// registered (not started).
func newTraining(t testing.TB, db *database.DB, clk *clock, log *slog.Logger, acc *accounts.Service, cs *courses.Service,
	ids map[string]int, certs *certificates.Service) (*training.Service, *training.Scheduler, map[string]int) {
	t.Helper()
	ctx := context.Background()
	tr, err := training.New(training.Config{DB: db, Now: clk.Now, Logger: log, Certificates: certs})
	if err != nil {
		t.Fatal(err)
	}
	if cs != nil {
		cs.OnLessonCompleted, cs.OnAttendance = tr.OnLessonCompleted, tr.OnAttendance
	}
	acc.OnPeopleChanged = tr.OnPeopleChanged
	courseIDs, err := db.Client.Course.Query().Order(ent.Asc(course.FieldID)).IDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	opt := training.DemoOptions{CourseIDs: courseIDs, CreatedBy: ids["admin"]}
	if exam, err := db.Client.Quiz.Query().Where(quiz.ModeEQ(quiz.ModeExam)).Order(ent.Asc(quiz.FieldID)).First(ctx); err == nil {
		opt.QuizID = exam.ID
	}
	programs, err := training.SeedDemo(ctx, demoSeeder(t, db, clk, log, tr, certs), opt)
	if err != nil {
		t.Fatalf("seeding demo programs: %v", err)
	}
	sch := training.NewScheduler(training.SchedulerConfig{DB: db, Now: clk.Now, Logger: log})
	if err := tr.RegisterJobs(sch, training.Jobs{PurgeSessions: acc.PurgeSessions}); err != nil {
		t.Fatal(err)
	}
	return tr, sch, programs
}
