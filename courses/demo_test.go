package courses

import (
	"bytes"
	"context"
	"io"
	"testing"
)

func TestSeedDemo(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for range 2 { // the second run must add nothing
		if err := SeedDemo(ctx, e.svc, e.trainer.PersonID); err != nil {
			t.Fatal(err)
		}
	}
	cards, total, err := e.svc.MyCourses(ctx, e.learner, "", 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(demoCourses) {
		t.Fatalf("%d published demo courses, want %d", total, len(demoCourses))
	}
	for _, c := range cards {
		page, err := e.svc.CoursePage(ctx, e.learner, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, l := range page.Lessons {
			kinds[string(l.Kind)] = true
			if l.MaterialID == nil {
				continue
			}
			f, err := e.svc.Open(ctx, e.learner, *l.MaterialID)
			if err != nil {
				t.Fatalf("%s: opening the handout: %v", c.Title, err)
			}
			b, _ := io.ReadAll(f)
			f.Close()
			if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("%%EOF")) {
				t.Errorf("%s: handout is not a whole PDF (%d bytes)", c.Title, len(b))
			}
		}
		if !kinds[KindText] || !kinds[KindDocument] {
			t.Errorf("%s: lesson kinds %v, want text and document", c.Title, kinds)
		}
	}
}
