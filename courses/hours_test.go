package courses

import (
	"context"
	"testing"
	"time"

	"peixun/fault"
)

func TestCheckIn(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	l, err := e.svc.RecordLecture(ctx, e.trainer, LectureInput{Title: "讲座", HeldOn: e.clock.Now(), Hours: 1.5})
	if err != nil {
		t.Fatal(err)
	}
	opens := e.clock.Now().Add(time.Hour)
	code, err := e.svc.OpenCheckIn(ctx, e.trainer, l.ID, opens, opens.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		at    time.Time
		code  string
		fault string
	}{
		{"before the window", opens.Add(-time.Minute), code, "lecture.checkin_closed"},
		{"unknown code", opens, "NOPE2345", "lecture.code_unknown"},
		{"inside, lower case", opens.Add(time.Minute), " " + lower(code) + " ", ""},
		{"twice is harmless", opens.Add(2 * time.Minute), code, ""},
		{"after the window", opens.Add(2 * time.Hour), code, "lecture.checkin_closed"},
	}
	for _, s := range steps {
		e.clock.t = s.at
		att, err := e.svc.CheckIn(ctx, e.learner, s.code)
		if s.fault != "" {
			wantFault(t, err, fault.Invalid, "code", s.fault)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if att.Hours != 1.5 || att.PersonID != e.learner.PersonID {
			t.Errorf("%s: attendance %+v", s.name, att)
		}
	}
	if n, _ := e.db.Client.Attendance.Query().Count(ctx); n != 1 {
		t.Errorf("%d attendance rows, want 1", n)
	}
	_, err = e.svc.OpenCheckIn(ctx, e.learner, l.ID, opens, opens.Add(time.Hour))
	wantFault(t, err, fault.Forbidden, "", "")
	_, err = e.svc.RecordLecture(ctx, e.trainer, LectureInput{Title: "x", HeldOn: e.clock.Now(), Hours: 1, Attendees: []int{999999}})
	wantFault(t, err, fault.Invalid, "attendees", "")
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestHoursForYear(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	other := e.person(t, "other", "learner")
	_, als := e.course(t, CourseInput{Title: "A", CreditHours: 2}, true, textLesson("a1", 0), textLesson("a2", 0))
	_, bls := e.course(t, CourseInput{Title: "B", CreditHours: 1.5}, true, textLesson("b1", 0))
	_, cls := e.course(t, CourseInput{Title: "C (unfinished)", CreditHours: 4}, true, textLesson("c1", 0), textLesson("c2", 0))
	report := func(who int, lessonID int, at time.Time) {
		t.Helper()
		actor := e.learner
		if who == 1 {
			actor = other
		}
		if _, err := e.svc.Report(ctx, actor, lessonID, 0, at); err != nil {
			t.Fatal(err)
		}
	}
	y2021 := time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)
	report(0, als[0].ID, y2021)
	report(0, als[1].ID, y2021.Add(time.Hour)) // A completed in 2021
	report(0, cls[0].ID, y2021)                // C half done: no hours
	// 2021-12-31 17:00 UTC is 2022-01-01 01:00 in Shanghai: B counts for 2022.
	report(0, bls[0].ID, time.Date(2021, 12, 31, 17, 0, 0, 0, time.UTC))
	report(1, als[0].ID, y2021)
	report(1, als[1].ID, time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC)) // other finishes A in 2022

	lec, err := e.svc.RecordLecture(ctx, e.trainer, LectureInput{Title: "新法讲座", HeldOn: y2021, Hours: 3,
		Attendees: []int{e.learner.PersonID, other.PersonID, e.learner.PersonID}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.svc.AddAttendees(ctx, e.trainer, lec.ID, []int{e.learner.PersonID}); err != nil || n != 0 {
		t.Fatalf("re-adding an attendee: added %d, %v", n, err)
	}
	if _, err := e.svc.RecordLecture(ctx, e.trainer, LectureInput{Title: "培训日", HeldOn: time.Date(2020, 12, 31, 15, 0, 0, 0, time.UTC),
		Hours: 6, Attendees: []int{e.learner.PersonID}}); err != nil { // 2020-12-31 23:00 Shanghai
		t.Fatal(err)
	}
	tests := []struct {
		person int
		year   int
		want   Hours
	}{
		{e.learner.PersonID, 2021, Hours{Courses: 2, Lectures: 3}},
		{e.learner.PersonID, 2022, Hours{Courses: 1.5}},
		{e.learner.PersonID, 2020, Hours{Lectures: 6}},
		{other.PersonID, 2021, Hours{Lectures: 3}},
		{other.PersonID, 2022, Hours{Courses: 2}},
		{e.trainer.PersonID, 2021, Hours{}},
	}
	for _, tc := range tests {
		got, err := e.svc.HoursForYear(ctx, tc.person, tc.year)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("person %d in %d: %+v, want %+v", tc.person, tc.year, got, tc.want)
		}
	}
	many, err := e.svc.HoursForYearMany(ctx, 2021, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(many) != 2 || many[e.learner.PersonID].Total() != 5 || many[other.PersonID].Total() != 3 {
		t.Errorf("everyone in 2021: %+v", many)
	}
}
