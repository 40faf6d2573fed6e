package quizzes

import (
	"slices"
)

// Question kinds.
const (
	KindSingle      = "single"
	KindMultiple    = "multiple"
	KindTrueFalse   = "true_false"
	KindFillBlank   = "fill_blank"
	KindShortAnswer = "short_answer"
)

// Kinds lists the question kinds in the order the interface shows them.
var Kinds = []string{KindSingle, KindMultiple, KindTrueFalse, KindFillBlank, KindShortAnswer}

// Objective tells whether the kind is graded by the machine.
func Objective(kind string) bool { return kind != KindShortAnswer }

// Grade scores a response to a question version. It returns the fraction of the points earned
// (0..1) and whether the grade is final; a non-empty short answer is not: it waits for a trainer.
//
// Multiple choice is all-or-nothing unless partial is set. With partial credit a response that
// picks any wrong option earns nothing, otherwise it earns the share of the right options it picked:
// the rule of Chinese written exams ("少选得部分分，错选不得分"), which also stops a learner from
// collecting credit by ticking every box.
func Grade(kind string, answer, response []string, partial bool) (fraction float64, final bool) {
	resp := nonEmpty(response)
	switch kind {
	case KindShortAnswer:
		return 0, len(resp) == 0
	case KindSingle:
		if len(resp) == 1 && len(answer) == 1 && optionIndex(resp[0]) == optionIndex(answer[0]) && optionIndex(resp[0]) >= 0 {
			return 1, true
		}
		return 0, true
	case KindTrueFalse:
		if len(resp) == 1 && len(answer) == 1 {
			got, ok1 := trueFalse(resp[0])
			want, ok2 := trueFalse(answer[0])
			if ok1 && ok2 && got == want {
				return 1, true
			}
		}
		return 0, true
	case KindFillBlank:
		if len(resp) != 1 {
			return 0, true
		}
		got := Normalize(resp[0])
		for _, a := range answer {
			if Normalize(a) == got && got != "" {
				return 1, true
			}
		}
		return 0, true
	case KindMultiple:
		want := letterSet(answer)
		got := letterSet(resp)
		if len(got) == 0 || len(want) == 0 {
			return 0, true
		}
		hits := 0
		for k := range got {
			if !want[k] {
				return 0, true // a wrong option: nothing, with or without partial credit
			}
			hits++
		}
		if hits == len(want) {
			return 1, true
		}
		if partial {
			return float64(hits) / float64(len(want)), true
		}
		return 0, true
	}
	return 0, true
}

func letterSet(keys []string) map[int]bool {
	m := make(map[int]bool, len(keys))
	for _, k := range keys {
		if i := optionIndex(k); i >= 0 {
			m[i] = true
		}
	}
	return m
}

func nonEmpty(ss []string) []string {
	return slices.DeleteFunc(slices.Clone(ss), func(s string) bool { return Normalize(s) == "" })
}
