package handlers

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"peixun/quizzes"
)

// writeAttempt must give exactly what echo's c.JSON (encoding/json, HTML escaping on) gives.
func TestAttemptJSONMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2021, 6, 1, 2, 3, 4, 500_000_000, time.UTC)
	sh := at.In(time.FixedZone("CST", 8*3600))
	left, score, passed, earned, tiny, huge := 1799, 87.5, true, 0.333333333333, 1e-7, 3e21
	hard := "引号\"反斜杠\\ <b>&amp; \x01\x1f\b\f\n\r\t 控制 \u2028\u2029 bad\xff\xfe end é😀"
	// Valid UTF-8 takes a shorter path in appendJSONString, invalid the longer one: both are here.
	valid := "\u2029控制\u2028中 é😀 <x>&\"\\\t末\u2029"
	for name, j := range map[string]AttemptJSON{
		"in progress": {ID: 12, QuizID: 3, Number: 1, Status: "in_progress", StartedAt: at, Deadline: &sh, SecondsLeft: &left,
			MaxScore: 100, Questions: []QuestionOnPaper{
				{QuestionID: 7, Kind: "single", Stem: "《道路运输条例》规定…？", Points: 2.5,
					Options:  []quizzes.PaperOption{{Key: "A", Text: "一"}, {Key: "B", Text: hard}},
					Response: []string{}, Seq: 1},
				{QuestionID: 8, Kind: "fill_blank", Stem: hard, Points: 1, Response: []string{"x", ""}, Seq: 2},
				{QuestionID: 11, Kind: "single", Stem: valid, Points: 1, Options: []quizzes.PaperOption{{Key: "A", Text: valid}},
					Response: []string{valid}, Seq: 5},
			}},
		"graded": {ID: 1 << 40, QuizID: -1, Number: 3, Status: "graded", StartedAt: sh, SubmittedAt: &at, Score: &score,
			MaxScore: 0, Passed: &passed, Questions: []QuestionOnPaper{
				{QuestionID: 9, Kind: "multiple", Stem: "", Points: tiny, Response: nil, Seq: 3,
					Answer: []string{"A", "C"}, Explanation: hard, Earned: &earned},
				{QuestionID: 10, Kind: "judge", Stem: "s", Points: huge, Response: []string{"true"}, Seq: 4, Earned: &tiny},
			}},
		"no questions": {ID: 5, Status: "submitted", StartedAt: time.Time{}, MaxScore: math.Copysign(0, -1)},
	} {
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(j); err != nil {
			t.Fatal(err)
		}
		got := append(j.appendJSON(nil), '\n')
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want.Bytes())
		}
	}
	for _, f := range []float64{0, 1, -2.5, 1e-6, 9.99e-7, 1e20, 1e21, 123456789.125, 1e-300, -7e22} {
		want, _ := json.Marshal(f)
		if got := appendJSONFloat(nil, f); !bytes.Equal(got, want) {
			t.Errorf("float %v: got %s, want %s", f, got, want)
		}
	}
}
