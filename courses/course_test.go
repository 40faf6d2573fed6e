package courses

import (
	"context"
	"testing"
	"time"

	"peixun/fault"
)

func TestCoursePermissions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	other := e.person(t, "trainer2", "trainer")
	c, _ := e.course(t, CourseInput{Title: "c"}, false)
	tests := []struct {
		name  string
		run   func() error
		kind  fault.Kind
		field string
	}{
		{"learner cannot create", func() error { _, err := e.svc.CreateCourse(ctx, e.learner, CourseInput{Title: "x"}); return err }, fault.Forbidden, ""},
		{"title required", func() error { _, err := e.svc.CreateCourse(ctx, e.trainer, CourseInput{Title: "  "}); return err }, fault.Invalid, "title"},
		{"negative hours", func() error {
			_, err := e.svc.CreateCourse(ctx, e.trainer, CourseInput{Title: "x", CreditHours: -1})
			return err
		}, fault.Invalid, "credit_hours"},
		{"other trainer cannot edit", func() error { _, err := e.svc.UpdateCourse(ctx, other, c.ID, CourseInput{Title: "x"}); return err }, fault.Forbidden, ""},
		{"other trainer cannot add lessons", func() error { _, err := e.svc.AddLesson(ctx, other, c.ID, textLesson("x", 0)); return err }, fault.Forbidden, ""},
		{"no lessons, no publishing", func() error { _, err := e.svc.Publish(ctx, e.trainer, c.ID); return err }, fault.Conflict, ""},
		{"link must be http", func() error {
			_, err := e.svc.AddLesson(ctx, e.trainer, c.ID, LessonInput{Title: "l", Kind: KindLink, URL: "javascript:alert(1)"})
			return err
		}, fault.Invalid, "url"},
		{"text must keep something", func() error {
			_, err := e.svc.AddLesson(ctx, e.trainer, c.ID, LessonInput{Title: "l", Kind: KindText, Body: "<script>x</script>"})
			return err
		}, fault.Invalid, "body"},
		{"video needs a video", func() error {
			m := e.uploadPDF(t, "pdf")
			_, err := e.svc.AddLesson(ctx, e.trainer, c.ID, LessonInput{Title: "l", Kind: KindVideo, MaterialID: m.ID})
			return err
		}, fault.Invalid, "material_id"},
		{"unknown kind", func() error {
			_, err := e.svc.AddLesson(ctx, e.trainer, c.ID, LessonInput{Title: "l", Kind: "game"})
			return err
		}, fault.Invalid, "kind"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { wantFault(t, tc.run(), tc.kind, tc.field, "") })
	}
	if _, err := e.svc.UpdateCourse(ctx, e.admin, c.ID, CourseInput{Title: "by admin"}); err != nil {
		t.Errorf("admin edits: %v", err)
	}
	l, err := e.svc.AddLesson(ctx, e.trainer, c.ID, LessonInput{Title: "t", Kind: KindText, Body: `<p onclick="x()">正文</p><script>x</script>`})
	if err != nil {
		t.Fatal(err)
	}
	if l.Body != "<p>正文</p>" {
		t.Errorf("body stored as %q, want it sanitized", l.Body)
	}
}

func TestDeleteAndArchive(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	draft, _ := e.course(t, CourseInput{Title: "draft"}, false, textLesson("a", 0))
	if err := e.svc.DeleteCourse(ctx, e.trainer, draft.ID); err != nil {
		t.Fatalf("deleting a draft without learners: %v", err)
	}
	pub, ls := e.course(t, CourseInput{Title: "published"}, true, textLesson("a", 0))
	wantFault(t, e.svc.DeleteCourse(ctx, e.trainer, pub.ID), fault.Conflict, "", "course.not_draft")
	if _, err := e.svc.Report(ctx, e.learner, ls[0].ID, 0, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Archive(ctx, e.trainer, pub.ID); err != nil {
		t.Fatal(err)
	}
	// Back to draft by hand: even then, learners protect it.
	if err := e.db.Client.Course.UpdateOneID(pub.ID).SetStatus("draft").Exec(ctx); err != nil {
		t.Fatal(err)
	}
	wantFault(t, e.svc.DeleteCourse(ctx, e.trainer, pub.ID), fault.Conflict, "", "course.has_learners")
	wantFault(t, e.svc.DeleteLesson(ctx, e.trainer, ls[0].ID), fault.Conflict, "", "lesson.has_learners")
	if n, _ := e.db.Client.Course.Query().Count(ctx); n != 1 {
		t.Errorf("%d courses left, want 1", n)
	}
}

func TestMoveLessons(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, ls := e.course(t, CourseInput{Title: "c"}, false, textLesson("a", 0), textLesson("b", 0), textLesson("c", 0))
	order := func() string {
		_, got, err := e.svc.Course(ctx, e.trainer, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, l := range got {
			s += l.Title
		}
		return s
	}
	steps := []struct {
		name string
		move func(context.Context, int) error
		id   int
		want string
	}{
		{"first up stays", func(ctx context.Context, id int) error { return e.svc.MoveUp(ctx, e.trainer, id) }, ls[0].ID, "abc"},
		{"c up", func(ctx context.Context, id int) error { return e.svc.MoveUp(ctx, e.trainer, id) }, ls[2].ID, "acb"},
		{"a down", func(ctx context.Context, id int) error { return e.svc.MoveDown(ctx, e.trainer, id) }, ls[0].ID, "cab"},
		{"b down stays", func(ctx context.Context, id int) error { return e.svc.MoveDown(ctx, e.trainer, id) }, ls[1].ID, "cab"},
	}
	for _, s := range steps {
		if err := s.move(ctx, s.id); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := order(); got != s.want {
			t.Errorf("%s: order %s, want %s", s.name, got, s.want)
		}
	}
	wantFault(t, e.svc.MoveUp(ctx, e.learner, ls[1].ID), fault.Forbidden, "", "")
}

func TestMyCourses(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	old, ols := e.course(t, CourseInput{Title: "执法纪律"}, true, textLesson("a", 0), textLesson("b", 0))
	e.clock.Add(time.Hour)
	e.course(t, CourseInput{Title: "非现场执法"}, true, textLesson("a", 0))
	e.course(t, CourseInput{Title: "草稿课程"}, false, textLesson("a", 0))
	if _, err := e.svc.Report(ctx, e.learner, ols[0].ID, 0, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		search   string
		assigned []int
		want     []string
	}{
		{"newest first, no drafts", "", nil, []string{"非现场执法", "执法纪律"}},
		{"assigned first", "", []int{old.ID}, []string{"执法纪律", "非现场执法"}},
		{"search", "纪律", nil, []string{"执法纪律"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cards, total, err := e.svc.MyCourses(ctx, e.learner, tc.search, 1, tc.assigned)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(tc.want) || len(cards) != len(tc.want) {
				t.Fatalf("got %d of %d, want %v", len(cards), total, tc.want)
			}
			for i, c := range cards {
				if c.Title != tc.want[i] {
					t.Errorf("card %d is %s, want %s", i, c.Title, tc.want[i])
				}
				if c.ID == old.ID && (c.Lessons != 2 || c.LessonsDone != 1 || c.Assigned != (tc.assigned != nil)) {
					t.Errorf("progress card %+v, want 1 of 2 lessons", c)
				}
			}
		})
	}
}
