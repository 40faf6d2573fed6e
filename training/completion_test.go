package training

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"peixun/certificates"
	"peixun/ent"
	"peixun/ent/certificate"
	"peixun/ent/schema"
)

type verdict struct {
	status   string
	progress float64
}

func (e *env) verdicts() map[int]verdict {
	out := map[int]verdict{}
	for _, x := range e.c.Enrollment.Query().AllX(e.ctx) {
		out[x.ID] = verdict{string(x.Status), x.Progress}
	}
	return out
}

// TestEventPathMatchesSweep drives random progress, attendance and attempts through the hooks one
// event at a time, then recomputes everything from scratch with the sweep: both must agree on every
// enrollment.
func TestEventPathMatchesSweep(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			e := newEnv(t)
			rng := rand.New(rand.NewPCG(seed, 99))
			now := sh(2021, 6, 30, 12, 0)
			e.clock.Set(now)
			root := e.unit("局", nil)
			units := []*ent.Unit{e.unit("一中队", root), e.unit("二中队", root), e.unit("办公室", root)}
			cats := []string{"officer", "auxiliary", "cadre", "staff"}
			var people []*ent.Person
			for i := 0; i < 36; i++ {
				people = append(people, e.person(units[i%3], cats[rng.IntN(4)]))
			}
			type course struct {
				id      int
				lessons []int
			}
			var courses []course
			for i := 0; i < 4; i++ {
				id, ls := e.course(2+rng.IntN(3), float64(2+rng.IntN(4)))
				courses = append(courses, course{id, ls})
			}
			var lectures []int
			for i := 0; i < 4; i++ {
				lectures = append(lectures, e.lecture(sh(2021, time.Month(1+i*2), 10, 9, 0), 3))
			}
			quiz := e.quiz()
			start1, start2 := sh(2021, 1, 1, 0, 0), sh(2021, 4, 1, 0, 0)
			e.program(ProgramInput{Name: "课程+考试", StartsAt: start1, DueAt: sh(2021, 12, 31, 0, 0),
				Requirements: schema.Requirements{CourseIDs: []int{courses[0].id, courses[1].id}, QuizID: quiz}})
			e.program(ProgramInput{Name: "学时", StartsAt: start2, DueAt: sh(2021, 6, 1, 0, 0), // already overdue
				Audience: schema.Audience{Categories: []string{"officer", "auxiliary"}}, Requirements: hours(8)})
			e.program(ProgramInput{Name: "集中培训", StartsAt: start1, DueAt: sh(2021, 9, 1, 0, 0), MinEvents: 2,
				Audience:     schema.Audience{UnitIDs: []int{units[0].ID, units[1].ID}},
				Requirements: schema.Requirements{CourseIDs: []int{courses[2].id}}})
			e.program(ProgramInput{Name: "全部", StartsAt: start2, DueAt: sh(2021, 12, 1, 0, 0), MinEvents: 1,
				Requirements: schema.Requirements{CourseIDs: []int{courses[3].id}, MinHours: 10, QuizID: quiz}})

			// Evidence falls between 90 days before the first start and now.
			when := func() time.Time {
				from := start1.AddDate(0, 0, -90)
				return from.Add(time.Duration(rng.Int64N(int64(now.Sub(from))))).Truncate(time.Second)
			}
			done := map[[2]int]bool{}
			for i := 0; i < 700; i++ {
				p := people[rng.IntN(len(people))]
				switch rng.IntN(6) {
				case 0, 1, 2, 3:
					c := courses[rng.IntN(len(courses))]
					l := c.lessons[rng.IntN(len(c.lessons))]
					if done[[2]int{p.ID, l}] {
						continue
					}
					done[[2]int{p.ID, l}] = true
					e.completeLesson(p.ID, c.id, l, when())
					e.svc.OnLessonCompleted(e.ctx, p.ID, c.id)
				case 4:
					l := lectures[rng.IntN(len(lectures))]
					if done[[2]int{p.ID, -l}] {
						continue
					}
					done[[2]int{p.ID, -l}] = true
					e.attend(p.ID, l, 3)
					e.svc.OnAttendance(e.ctx, p.ID)
				case 5:
					score := float64(rng.IntN(101))
					e.attempt(quiz, p.ID, score, score >= 60, when())
					e.svc.OnQuizGraded(e.ctx, p.ID, quiz)
				}
			}
			events := e.verdicts()
			counts := map[string]int{}
			for _, v := range events {
				counts[v.status]++
			}
			if counts[Completed] == 0 || counts[InProgress] == 0 || counts[Overdue] == 0 {
				t.Fatalf("random data should give every status: %v", counts)
			}
			// A sweep right after the events has nothing to change.
			if res, err := e.svc.Sweep(e.ctx); err != nil || res.Changed != 0 {
				t.Fatalf("sweep after events changed %d (%v)", res.Changed, err)
			}
			// From scratch: forget every verdict and let the sweep decide alone.
			e.must(e.c.Enrollment.Update().SetStatus("assigned").SetProgress(0).ClearCompletedAt().Exec(e.ctx))
			if _, err := e.svc.Sweep(e.ctx); err != nil {
				t.Fatal(err)
			}
			swept := e.verdicts()
			for id, v := range events {
				if swept[id] != v {
					t.Errorf("enrollment %d: events say %+v, sweep says %+v", id, v, swept[id])
				}
			}
			t.Logf("statuses %v", counts)
		})
	}
}

func TestOverdueAndCompletion(t *testing.T) {
	e := newEnv(t)
	certs, err := certificates.New(certificates.Config{DB: e.db, Now: e.clock.Now, Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	e.svc.certs = certs
	root := e.unit("局", nil)
	a, b := e.person(root, "officer"), e.person(root, "officer")
	courseID, lessons := e.course(2, 4)
	due := sh(2021, 6, 30, 18, 0)
	p := e.program(ProgramInput{StartsAt: sh(2021, 1, 1, 0, 0), DueAt: due, Certificate: true, CertPrefix: "YH-2021-LX",
		Requirements: schema.Requirements{CourseIDs: []int{courseID}}})
	steps := []struct {
		at           time.Time
		lessonOfA    int // lessons of the course A completes at this step
		wantA, wantB string
		progressA    float64
	}{
		{sh(2021, 3, 1, 9, 0), 0, Assigned, Assigned, 0},
		{sh(2021, 5, 1, 9, 0), 1, InProgress, Assigned, 0.5},
		{due, 0, InProgress, Assigned, 0.5},              // at the due time itself: not yet past it
		{due.Add(time.Second), 0, Overdue, Overdue, 0.5}, // one second after
		{sh(2021, 7, 5, 9, 0), 2, Completed, Overdue, 1}, // late work still completes
		{sh(2021, 8, 5, 9, 0), 0, Completed, Overdue, 1}, // a later sweep changes nothing
	}
	var completedAt *time.Time
	for i, st := range steps {
		e.clock.Set(st.at)
		if st.lessonOfA > 0 {
			e.completeLesson(a.ID, courseID, lessons[st.lessonOfA-1], st.at)
			e.svc.OnLessonCompleted(e.ctx, a.ID, courseID)
		}
		if _, err := e.svc.Sweep(e.ctx); err != nil {
			t.Fatal(err)
		}
		ea, eb := e.enrollmentOf(p.ID, a.ID), e.enrollmentOf(p.ID, b.ID)
		if string(ea.Status) != st.wantA || string(eb.Status) != st.wantB || ea.Progress != st.progressA {
			t.Fatalf("step %d: A %s %.2f, B %s; want A %s %.2f, B %s", i, ea.Status, ea.Progress, eb.Status, st.wantA, st.progressA, st.wantB)
		}
		if ea.Status == Completed {
			if completedAt == nil {
				completedAt = ea.CompletedAt
			} else if !ea.CompletedAt.Equal(*completedAt) {
				t.Fatalf("completed_at moved from %v to %v", completedAt, ea.CompletedAt)
			}
		}
	}
	if completedAt == nil || !completedAt.Equal(sh(2021, 7, 5, 9, 0).UTC()) {
		t.Fatalf("completed at %v", completedAt)
	}
	n := e.c.Certificate.Query().Where(certificate.PersonID(a.ID), certificate.ProgramID(p.ID)).CountX(e.ctx)
	if n != 1 {
		t.Fatalf("%d certificates for A, want 1", n)
	}
}
