package courses

import (
	"context"
	"testing"
	"time"

	"peixun/database/dbtest"
	"peixun/fault"
)

// step is one progress report: after waiting `wait`, the player says it is at pos.
type step struct {
	wait        time.Duration
	pos         float64
	credited    int
	studied     int
	skipRefused bool
	completed   bool
}

func TestReportCredits(t *testing.T) {
	video := LessonInput{Title: "v", Kind: KindVideo, DurationSeconds: 1000, MinSeconds: 30}
	tests := []struct {
		name   string
		noSkip bool
		lesson LessonInput
		steps  []step
	}{
		{"first report credits nothing", false, video, []step{{0, 0, 0, 0, false, false}, {15 * time.Second, 15, 15, 15, false, false}}},
		{"faster than real time is capped by the clock", false, video, []step{
			{0, 0, 0, 0, false, false},
			{5 * time.Second, 15, 5, 5, false, false},     // reported 15 s of video after 5 s
			{1 * time.Second, 100, 1, 6, false, false},    // a jump: only one second passed
			{15 * time.Second, 130, 15, 21, false, false}, // double speed: wall clock decides
		}},
		{"long gaps are capped at ReportCap", false, video, []step{
			{0, 0, 0, 0, false, false},
			{10 * time.Minute, 600, 60, 60, false, false},
		}},
		{"seeking back credits nothing", false, video, []step{
			{0, 300, 0, 0, false, false},
			{15 * time.Second, 100, 0, 0, false, false},
			{15 * time.Second, 115, 15, 15, false, false},
		}},
		{"skip ahead refused", true, video, []step{
			{0, 0, 0, 0, false, false},
			{15 * time.Second, 15, 15, 15, false, false},
			{15 * time.Second, 500, 0, 15, true, false},
			{0, 40, 15, 30, false, false}, // within tolerance after the refusal
		}},
		{"skip allowed without no_skip", false, video, []step{
			{0, 0, 0, 0, false, false},
			{15 * time.Second, 500, 15, 15, false, false},
		}},
		{"text lesson counts time on the page", true, textLesson("t", 20), []step{
			{0, 0, 0, 0, false, false},
			{15 * time.Second, 0, 15, 15, false, false},
			{15 * time.Second, 0, 15, 30, false, true},
		}},
		{"video completes at 95% and minimum time", true,
			LessonInput{Title: "v", Kind: KindVideo, DurationSeconds: 40, MinSeconds: 20}, []step{
				{0, 0, 0, 0, false, false},
				{15 * time.Second, 15, 15, 15, false, false},
				{15 * time.Second, 30, 15, 30, false, false}, // time met, 30 < 38 of 40 s
				{10 * time.Second, 39, 9, 39, false, true},
				{15 * time.Second, 5, 0, 39, false, true}, // after completion, seeking is free
				{15 * time.Second, 0, 0, 39, false, true},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			l := tc.lesson
			if l.Kind == KindVideo {
				m, err := e.svc.Upload(ctx, e.trainer, "v.mp4", bytesReader(mp4Bytes(100)), KindVideo)
				if err != nil {
					t.Fatal(err)
				}
				l.MaterialID = m.ID
			}
			_, ls := e.course(t, CourseInput{Title: "c", NoSkip: tc.noSkip}, true, l)
			for i, s := range tc.steps {
				at := e.clock.Add(s.wait)
				p, err := e.svc.Report(ctx, e.learner, ls[0].ID, s.pos, at)
				if s.skipRefused {
					wantFault(t, err, fault.Invalid, "position", "progress.skip_ahead")
					continue
				}
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if p.Credited != s.credited || p.SecondsStudied != s.studied || p.Completed() != s.completed {
					t.Errorf("step %d: credited %d, studied %d, completed %v; want %d, %d, %v",
						i, p.Credited, p.SecondsStudied, p.Completed(), s.credited, s.studied, s.completed)
				}
			}
			last := tc.steps[len(tc.steps)-1]
			got := dbtest.Count(t, e.db.SQL, "SELECT seconds_studied FROM lesson_progresses WHERE lesson_id = ?", ls[0].ID)
			if got != last.studied {
				t.Errorf("stored seconds %d, want %d", got, last.studied)
			}
		})
	}
}

func TestReportCompletesCourse(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	type event struct{ person, course int }
	var events []event
	e.svc.OnLessonCompleted = func(_ context.Context, personID, courseID int) {
		events = append(events, event{personID, courseID})
	}
	c, ls := e.course(t, CourseInput{Title: "c", CreditHours: 2}, true, textLesson("a", 10), textLesson("b", 10))
	report := func(lessonID int, wait time.Duration) *Progress {
		t.Helper()
		p, err := e.svc.Report(ctx, e.learner, lessonID, 0, e.clock.Add(wait))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	report(ls[0].ID, 0)
	if p := report(ls[0].ID, 10*time.Second); !p.JustCompleted || p.CourseCompleted {
		t.Fatalf("first lesson: %+v, want lesson completed, course not", p)
	}
	if p := report(ls[0].ID, 10*time.Second); p.JustCompleted {
		t.Fatalf("lesson completed twice: %+v", p)
	}
	report(ls[1].ID, 0)
	if p := report(ls[1].ID, 15*time.Second); !p.JustCompleted || !p.CourseCompleted {
		t.Fatalf("last lesson: %+v, want lesson and course completed", p)
	}
	want := []event{{e.learner.PersonID, c.ID}, {e.learner.PersonID, c.ID}}
	if len(events) != len(want) || events[0] != want[0] || events[1] != want[1] {
		t.Errorf("hook calls %v, want %v", events, want)
	}
	page, err := e.svc.CoursePage(ctx, e.learner, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !page.Completed || page.ResumeLessonID != ls[1].ID {
		t.Errorf("course page: completed %v, resume at lesson %d; want true, %d", page.Completed, page.ResumeLessonID, ls[1].ID)
	}
}

func TestReportRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, draft := e.course(t, CourseInput{Title: "draft"}, false, textLesson("a", 10))
	_, open := e.course(t, CourseInput{Title: "open"}, true, textLesson("a", 10))
	tests := []struct {
		name     string
		lesson   int
		position float64
		kind     fault.Kind
	}{
		{"draft course", draft[0].ID, 0, fault.Forbidden},
		{"no such lesson", 999999, 0, fault.NotFound},
		{"negative position", open[0].ID, -1, fault.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.Report(ctx, e.learner, tc.lesson, tc.position, e.clock.Now())
			wantFault(t, err, tc.kind, "", "")
		})
	}
}

// TestReportRace sends the same report from several goroutines at once (two tabs, a retrying
// client): the interval since the last report must be credited once only.
func TestReportRace(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, ls := e.course(t, CourseInput{Title: "c"}, true, textLesson("a", 1000))
	if _, err := e.svc.Report(ctx, e.learner, ls[0].ID, 0, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	at := e.clock.Add(15 * time.Second)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := e.svc.Report(ctx, e.learner, ls[0].ID, 0, at)
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil && !fault.Is(err, fault.Conflict) {
			t.Fatal(err)
		}
	}
	if got := dbtest.Count(t, e.db.SQL, "SELECT seconds_studied FROM lesson_progresses"); got != 15 {
		t.Errorf("studied %d s after one 15 s interval reported 8 times", got)
	}
}
