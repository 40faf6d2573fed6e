package courses

import (
	"context"
	"testing"
	"time"

	"peixun/fault"
)

func TestManageCoursesScopeSearchAndPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := range PageSize + 3 {
		title := "行政处罚法"
		if i%2 == 1 {
			title = "非现场执法"
		}
		e.course(t, CourseInput{Title: title}, false)
	}
	other := e.person(t, "trainer2", "trainer")
	if _, err := e.svc.CreateCourse(ctx, other, CourseInput{Title: "别人的课程"}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		who       string
		search    string
		page      int
		wantLen   int
		wantTotal int
	}{
		{"own first page", "trainer", "", 1, PageSize, PageSize + 3},
		{"own second page", "trainer", "", 2, 3, PageSize + 3},
		{"own search", "trainer", "非现场", 1, (PageSize + 3) / 2, (PageSize + 3) / 2},
		{"admin sees all", "admin", "", 2, 4, PageSize + 4},
		{"admin search other", "admin", "别人", 1, 1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs, total, err := e.svc.ManageCourses(ctx, actorOf(e, c.who), c.search, c.page)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != c.wantLen || total != c.wantTotal {
				t.Fatalf("got %d of %d, want %d of %d", len(cs), total, c.wantLen, c.wantTotal)
			}
		})
	}
	_, _, err := e.svc.ManageCourses(ctx, e.learner, "", 1)
	wantFault(t, err, fault.Forbidden, "", "")
}

func TestLecturesListsAttendeesAndCandidates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	people := e.people(t, "学员", 3)
	l, err := e.svc.RecordLecture(ctx, e.trainer, LectureInput{Title: "法治讲座", HeldOn: e.clock.Now(), Hours: 2,
		Attendees: []int{people[0].PersonID, people[1].PersonID}})
	if err != nil {
		t.Fatal(err)
	}
	rows, total, err := e.svc.Lectures(ctx, e.trainer, "法治", 1)
	if err != nil || total != 1 || len(rows) != 1 || rows[0].Attendees != 2 {
		t.Fatalf("Lectures: %v, %d rows of %d, %+v", err, len(rows), total, rows)
	}
	if rows, _, _ := e.svc.Lectures(ctx, e.trainer, "没有", 1); len(rows) != 0 {
		t.Fatalf("search found %d lectures", len(rows))
	}
	other := e.person(t, "trainer2", "trainer")
	if rows, total, _ := e.svc.Lectures(ctx, other, "", 1); total != 0 || len(rows) != 0 {
		t.Fatalf("another trainer sees %d lectures", total)
	}
	if _, err := e.svc.Lecture(ctx, other, l.ID); !fault.Is(err, fault.Forbidden) {
		t.Fatalf("another trainer opened the lecture: %v", err)
	}
	att, err := e.svc.AttendeeList(ctx, e.trainer, l.ID)
	if err != nil || len(att) != 2 || att[0].Name != "学员0" || att[0].UnitName != "余杭区交通运输局" || att[0].Hours != 2 {
		t.Fatalf("AttendeeList: %v %+v", err, att)
	}
	cands, total, err := e.svc.Candidates(ctx, e.trainer, "学员", 1)
	if err != nil || total != 3 || len(cands) != 3 {
		t.Fatalf("Candidates: %v %d %+v", err, total, cands)
	}
	if _, _, err := e.svc.Candidates(ctx, e.learner, "", 1); !fault.Is(err, fault.Forbidden) {
		t.Fatalf("a learner searched the roster: %v", err)
	}
	code, err := e.svc.OpenCheckIn(ctx, e.trainer, l.ID, e.clock.Now(), e.clock.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.LectureByCode(ctx, " "+code+" ")
	if err != nil || got.ID != l.ID {
		t.Fatalf("LectureByCode: %v", err)
	}
	_, err = e.svc.LectureByCode(ctx, "NOPE")
	wantFault(t, err, fault.Invalid, "code", "lecture.code_unknown")
}
