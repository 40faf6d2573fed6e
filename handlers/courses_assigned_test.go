package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
)

// TestMyCoursesAssignedFirst: the courses a learner's programs require come first in "my courses",
// marked as assigned; the rest of the published courses follow.
func TestMyCoursesAssignedFirst(t *testing.T) {
	e := newEnv(t)
	p, err := e.db.Client.Program.Get(context.Background(), e.programs["rotation"])
	if err != nil {
		t.Fatal(err)
	}
	want := p.Requirements.CourseIDs
	if len(want) == 0 {
		t.Fatal("the demo rotation program requires no course")
	}
	code, out := e.api(e.token("learner1"), http.MethodGet, "/api/v1/courses", nil)
	if code != http.StatusOK {
		t.Fatalf("courses: %d %v", code, out)
	}
	cards, _ := out["courses"].([]any)
	var assigned []int
	seenOther := false
	for _, c := range cards {
		card := c.(map[string]any)
		if card["assigned"] == true {
			if seenOther {
				t.Fatalf("an assigned course comes after an unassigned one: %v", cards)
			}
			assigned = append(assigned, int(card["id"].(float64)))
		} else {
			seenOther = true
		}
	}
	slices.Sort(assigned)
	slices.Sort(want)
	if !slices.Equal(assigned, want) || !seenOther {
		t.Fatalf("assigned %v, want the rotation program's courses %v first and the others after", assigned, want)
	}
	if code, body := e.client().login("learner1").get("/courses"); code != http.StatusOK || len(body) == 0 {
		t.Fatalf("my courses page: %d", code)
	}
}
