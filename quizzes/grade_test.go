package quizzes

import "testing"

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"ＡＢＣ", "abc"},
		{" 案 审 ", "案审"},
		{"１２３", "123"},
		{"Non　Site", "nonsite"}, // ideographic space
		{"５０％", "50%"},
		{"三项制度", "三项制度"},
	}
	for _, c := range cases {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestGrade(t *testing.T) {
	cases := []struct {
		name     string
		kind     string
		answer   []string
		response []string
		partial  bool
		fraction float64
		final    bool
	}{
		{"single right", KindSingle, []string{"B"}, []string{"b"}, false, 1, true},
		{"single full-width", KindSingle, []string{"B"}, []string{"Ｂ"}, false, 1, true},
		{"single wrong", KindSingle, []string{"B"}, []string{"A"}, false, 0, true},
		{"single empty", KindSingle, []string{"B"}, nil, false, 0, true},
		{"multiple exact", KindMultiple, []string{"A", "C"}, []string{"C", "A"}, false, 1, true},
		{"multiple missing one", KindMultiple, []string{"A", "B", "C"}, []string{"A", "B"}, false, 0, true},
		{"multiple missing one partial", KindMultiple, []string{"A", "B", "C", "D"}, []string{"A", "B"}, true, 0.5, true},
		{"multiple wrong pick partial", KindMultiple, []string{"A", "B"}, []string{"A", "C"}, true, 0, true},
		{"multiple all boxes", KindMultiple, []string{"A", "B"}, []string{"A", "B", "C", "D"}, true, 0, true},
		{"true_false 对", KindTrueFalse, []string{"true"}, []string{"对"}, false, 1, true},
		{"true_false wrong", KindTrueFalse, []string{"true"}, []string{"错"}, false, 0, true},
		{"fill second accepted", KindFillBlank, []string{"案审", "案件审查"}, []string{"案件 审查"}, false, 1, true},
		{"fill case and width", KindFillBlank, []string{"GPS"}, []string{"ｇｐｓ"}, false, 1, true},
		{"fill wrong", KindFillBlank, []string{"案审"}, []string{"审案"}, false, 0, true},
		{"fill blank response", KindFillBlank, []string{"案审"}, []string{"  "}, false, 0, true},
		{"short answer waits", KindShortAnswer, nil, []string{"依法公开"}, false, 0, false},
		{"short answer empty is final", KindShortAnswer, nil, []string{""}, false, 0, true},
	}
	for _, c := range cases {
		f, final := Grade(c.kind, c.answer, c.response, c.partial)
		if f != c.fraction || final != c.final {
			t.Errorf("%s: Grade = %v, %v; want %v, %v", c.name, f, final, c.fraction, c.final)
		}
	}
}
