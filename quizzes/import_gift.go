package quizzes

import (
	"strconv"
	"strings"
)

// GIFT as Moodle documents it (docs.moodle.org, "GIFT format"): questions are separated by blank
// lines; lines starting with // are comments; "::title::" names a question; "$CATEGORY: a/b" sets the
// category of the questions after it; the answer block is in braces: {T}/{F} true-false, {=right
// ~wrong} multiple choice, {~%50%a ~%50%b ~%-100%c} several right answers, {=a =b} short answer,
// {} essay, {#3.14} numerical, {=a -> b} matching. A block in the middle of the text is a
// "missing word" question. Special characters ~ = # { } : are escaped with a backslash.

// giftText is a block with escapes resolved: esc[i] tells whether r[i] was escaped, so the parser
// only treats unescaped characters as syntax.
type giftText struct {
	r    []rune
	esc  []bool
	line []int
}

func newGiftText(lines []string, first int) giftText {
	var g giftText
	for n, l := range lines {
		rs := []rune(l)
		for i := 0; i < len(rs); i++ {
			if rs[i] == '\\' && i+1 < len(rs) {
				i++
				c := rs[i]
				if c == 'n' {
					c = '\n'
				}
				g.r, g.esc, g.line = append(g.r, c), append(g.esc, true), append(g.line, first+n)
				continue
			}
			g.r, g.esc, g.line = append(g.r, rs[i]), append(g.esc, false), append(g.line, first+n)
		}
		g.r, g.esc, g.line = append(g.r, '\n'), append(g.esc, false), append(g.line, first+n)
	}
	return g
}

func (g giftText) find(c rune, from int) int {
	for i := from; i < len(g.r); i++ {
		if g.r[i] == c && !g.esc[i] {
			return i
		}
	}
	return -1
}

func (g giftText) str(a, b int) string { return strings.TrimSpace(string(g.r[a:b])) }

func parseGIFT(text string, p *Preview) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var category []string
	var block []string
	start := 0
	flush := func() {
		if len(block) > 0 {
			category = giftQuestion(newGiftText(block, start), category, p)
		}
		block = nil
	}
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "//"):
			continue
		case t == "":
			flush()
		default:
			if len(block) == 0 {
				start = i + 1
			}
			block = append(block, l)
		}
	}
	flush()
}

// giftQuestion parses one block and returns the category in force after it.
func giftQuestion(g giftText, category []string, p *Preview) []string {
	line := g.line[0]
	all := g.str(0, len(g.r))
	if rest, ok := strings.CutPrefix(all, "$CATEGORY:"); ok {
		parts := splitCategory(strings.TrimSpace(rest))
		if len(parts) > 0 && (parts[0] == "$course$" || parts[0] == "$system$") {
			parts = parts[1:]
		}
		if len(parts) > 0 && parts[0] == "top" {
			parts = parts[1:]
		}
		return parts
	}
	pos, name := 0, ""
	for pos < len(g.r) && (g.r[pos] == ' ' || g.r[pos] == '\t' || g.r[pos] == '\n') {
		pos++
	}
	if pos+1 < len(g.r) && g.r[pos] == ':' && g.r[pos+1] == ':' && !g.esc[pos] {
		end := -1
		for i := pos + 2; i+1 < len(g.r); i++ {
			if g.r[i] == ':' && g.r[i+1] == ':' && !g.esc[i] && !g.esc[i+1] {
				end = i
				break
			}
		}
		if end < 0 {
			p.problem(shortName(all), line, "import.gift_unclosed_title", "::", false)
			return category
		}
		name = g.str(pos+2, end)
		pos = end + 2
	}
	open := g.find('{', pos)
	if open < 0 {
		p.problem(firstNonEmpty(name, shortName(all)), line, "import.unsupported_kind", "description", true)
		return category
	}
	close := g.find('}', open+1)
	if close < 0 {
		p.problem(firstNonEmpty(name, shortName(all)), g.line[open], "import.gift_unclosed_brace", "{", false)
		return category
	}
	if next := g.find('{', close+1); next >= 0 {
		// A second answer block in the same block of lines is a second question that lacks the
		// blank line GIFT requires before it. Guessing where it starts could import half of it, so
		// it is reported (and the file refused) rather than silently merged or dropped.
		p.problem(firstNonEmpty(name, shortName(all)), g.line[next], "import.gift_no_blank_line", "", false)
		return category
	}
	stem := stripFormat(g.str(pos, open))
	if after := g.str(close+1, len(g.r)); after != "" {
		stem = stem + "____" + after // missing-word format
	}
	if name == "" {
		name = shortName(stem)
	}
	q := ParsedQuestion{Name: name, Line: line, Category: category, Input: QuestionInput{Stem: stem}}
	body := giftText{r: g.r[open+1 : close], esc: g.esc[open+1 : close], line: g.line[open+1 : close]}
	// General feedback: "####text" at the end of the block.
	for i := 0; i+3 < len(body.r); i++ {
		if string(body.r[i:i+4]) == "####" && !body.esc[i] {
			q.Input.Explanation = body.str(i+4, len(body.r))
			body = giftText{r: body.r[:i], esc: body.esc[:i], line: body.line[:i]}
			break
		}
	}
	if reason := giftAnswers(body, &q.Input); reason != "" {
		skipped := strings.HasPrefix(reason, "unsupported:")
		code := "import.gift_bad_answers"
		if skipped {
			code, reason = "import.unsupported_kind", strings.TrimPrefix(reason, "unsupported:")
		}
		p.problem(name, line, code, reason, skipped)
		return category
	}
	p.add(q)
	return category
}

// giftAnswers reads an answer block into the input; it returns a reason when it cannot, prefixed
// "unsupported:" for kinds we do not have.
func giftAnswers(b giftText, in *QuestionInput) string {
	s := b.str(0, len(b.r))
	switch strings.ToUpper(strings.TrimSpace(strings.SplitN(s, "#", 2)[0])) {
	case "":
		if !strings.Contains(s, "#") {
			in.Kind = KindShortAnswer
			return ""
		}
	case "T", "TRUE":
		in.Kind, in.Answer = KindTrueFalse, []string{"true"}
		return ""
	case "F", "FALSE":
		in.Kind, in.Answer = KindTrueFalse, []string{"false"}
		return ""
	}
	if strings.HasPrefix(s, "#") {
		return giftNumerical(strings.TrimPrefix(s, "#"), in)
	}
	if strings.Contains(s, "->") {
		return "unsupported:matching"
	}
	type ans struct {
		right    bool
		weight   float64
		text     string
		weighted bool
	}
	var list []ans
	start := -1
	for i := 0; i <= len(b.r); i++ {
		if i == len(b.r) || ((b.r[i] == '=' || b.r[i] == '~') && !b.esc[i]) {
			if start >= 0 {
				t := string(b.r[start+1 : i])
				if k := indexUnescaped(b, start+1, i, '#'); k >= 0 {
					t = string(b.r[start+1 : k]) // answer feedback is not kept
				}
				a := ans{right: b.r[start] == '=', text: strings.TrimSpace(t), weight: 0}
				if a.right {
					a.weight = 100
				}
				if w, rest, ok := percent(a.text); ok {
					a.weight, a.text, a.weighted = w, rest, true
				}
				list = append(list, a)
			}
			if i < len(b.r) {
				start = i
			}
		} else if start < 0 && !isSpace(b.r[i]) {
			return "text before the first = or ~: " + s
		}
	}
	if len(list) == 0 {
		return "no answers: " + s
	}
	wrong := 0
	for _, a := range list {
		if !a.right {
			wrong++
		}
	}
	if wrong == 0 { // only "=" answers: a short answer with several accepted texts
		in.Kind = KindFillBlank
		for _, a := range list {
			if a.weight == 100 {
				in.Answer = append(in.Answer, a.text)
			}
		}
		return ""
	}
	for i, a := range list {
		in.Options = append(in.Options, a.text)
		if a.weight > 0 {
			in.Answer = append(in.Answer, optionKey(i))
		}
	}
	// "~%50%a ~%50%b" is Moodle's way to write several right answers; so a weighted "~" answer
	// marks a multiple-choice question even when only one option carries the weight.
	in.Kind = KindSingle
	for _, a := range list {
		if !a.right && a.weighted && a.weight > 0 {
			in.Kind = KindMultiple
		}
	}
	if len(in.Answer) > 1 {
		in.Kind = KindMultiple
	}
	if len(in.Answer) == 0 {
		return "no right answer: " + s
	}
	return ""
}

// giftNumerical maps "{#3.14}" and "{#3.14:0}" to a fill-in answer; ranges and tolerances have no
// equivalent in our kinds and are reported.
func giftNumerical(s string, in *QuestionInput) string {
	s = strings.TrimSpace(strings.SplitN(s, "#", 2)[0])
	s = strings.TrimPrefix(s, "=")
	if strings.ContainsAny(s, "=~") || strings.Contains(s, "..") {
		return "unsupported:numerical with ranges or several answers"
	}
	val, tol, _ := strings.Cut(s, ":")
	if _, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err != nil {
		return "numerical answer is not a number: " + s
	}
	if t, err := strconv.ParseFloat(strings.TrimSpace(tol), 64); tol != "" && (err != nil || t != 0) {
		return "unsupported:numerical with tolerance " + tol
	}
	in.Kind, in.Answer = KindFillBlank, []string{strings.TrimSpace(val)}
	return ""
}

func indexUnescaped(b giftText, from, to int, c rune) int {
	for i := from; i < to; i++ {
		if b.r[i] == c && !b.esc[i] {
			return i
		}
	}
	return -1
}

// percent reads a "%50%" weight prefix.
func percent(s string) (float64, string, bool) {
	if !strings.HasPrefix(s, "%") {
		return 0, s, false
	}
	end := strings.Index(s[1:], "%")
	if end < 0 {
		return 0, s, false
	}
	w, err := strconv.ParseFloat(s[1:1+end], 64)
	if err != nil {
		return 0, s, false
	}
	return w, strings.TrimSpace(s[end+2:]), true
}

func stripFormat(s string) string {
	for _, f := range []string{"[html]", "[moodle]", "[plain]", "[markdown]"} {
		s = strings.TrimPrefix(s, f)
	}
	return strings.TrimSpace(s)
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
