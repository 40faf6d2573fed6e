package quizzes

import (
	"regexp"
	"strings"
)

// Aiken as Moodle documents it (docs.moodle.org, "Aiken format"): a question on its own line, then
// options each starting with a capital letter and "." or ")", then "ANSWER: X". Only single choice.
var (
	aikenOption = regexp.MustCompile(`^([A-Z])[.)．）]\s*(.*)$`)
	aikenAnswer = regexp.MustCompile(`^ANSWER\s*[:：]\s*(.*)$`)
)

func parseAiken(text string, p *Preview) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var cur *ParsedQuestion
	skip := false // after a problem, the rest of that question up to its ANSWER line is ignored
	finish := func(problem string, line int) {
		if cur == nil {
			return
		}
		if problem != "" {
			p.problem(cur.Name, line, problem, "", false)
		} else {
			p.add(*cur)
		}
		cur = nil
	}
	for i, raw := range lines {
		n := i + 1
		l := strings.TrimSpace(raw)
		if l == "" {
			continue
		}
		if skip {
			skip = !aikenAnswer.MatchString(l)
			continue
		}
		if m := aikenAnswer.FindStringSubmatch(l); m != nil {
			if cur == nil {
				p.problem("", n, "import.aiken_answer_without_question", l, false)
				continue
			}
			if len(cur.Input.Options) < 2 {
				finish("import.aiken_too_few_options", n)
				continue
			}
			key := strings.TrimSpace(m[1])
			if i := optionIndex(key); i < 0 || i >= len(cur.Input.Options) {
				p.Problems = append(p.Problems, Problem{Name: cur.Name, Line: n, Field: "answer", Code: "import.aiken_answer_not_an_option", Detail: key})
				cur = nil
				continue
			}
			cur.Input.Answer = []string{key}
			finish("", n)
			continue
		}
		if m := aikenOption.FindStringSubmatch(l); m != nil && cur != nil {
			want := optionKey(len(cur.Input.Options))
			if m[1] != want {
				p.Problems = append(p.Problems, Problem{Name: cur.Name, Line: n, Field: "options", Code: "import.aiken_option_out_of_order", Detail: m[1] + " (expected " + want + ")"})
				cur, skip = nil, true
				continue
			}
			cur.Input.Options = append(cur.Input.Options, m[2])
			continue
		}
		if cur != nil && len(cur.Input.Options) > 0 {
			// A new question began before this one's ANSWER line.
			p.problem(cur.Name, cur.Line, "import.aiken_no_answer", "", false)
			cur = nil
		}
		if cur == nil {
			cur = &ParsedQuestion{Line: n, Name: shortName(l), Input: QuestionInput{Kind: KindSingle, Stem: l}}
			continue
		}
		cur.Input.Stem += "\n" + l
	}
	if cur != nil {
		p.problem(cur.Name, cur.Line, "import.aiken_no_answer", "", false)
	}
}
