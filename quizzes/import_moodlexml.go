package quizzes

import (
	"bytes"
	"encoding/xml"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"

	"peixun/fault"
)

// Moodle XML as Moodle documents it (docs.moodle.org, "Moodle XML format"): <quiz> holds <question
// type="…"> elements; type="category" sets the category of the questions after it
// ("$course$/top/A/B"); multichoice (<single>true|false</single>, <answer fraction="100">),
// truefalse, shortanswer, essay and numerical map to our kinds; every other type is reported and
// skipped.
type xmlText struct {
	Text string `xml:"text"`
}

type xmlQuestion struct {
	Type            string  `xml:"type,attr"`
	Name            xmlText `xml:"name"`
	QuestionText    xmlText `xml:"questiontext"`
	GeneralFeedback xmlText `xml:"generalfeedback"`
	Single          string  `xml:"single"`
	Category        xmlText `xml:"category"`
	GraderInfo      xmlText `xml:"graderinfo"`
	Tags            []struct {
		Text string `xml:"text"`
	} `xml:"tags>tag"`
	Answers []struct {
		Fraction  string `xml:"fraction,attr"`
		Text      string `xml:"text"`
		Tolerance string `xml:"tolerance"`
	} `xml:"answer"`
}

var (
	htmlTag   = regexp.MustCompile(`(?s)<[^>]*>`)
	htmlBreak = regexp.MustCompile(`(?i)<br\s*/?>|</p>`)
)

// plainText turns Moodle's HTML question text into plain text.
func plainText(s string) string {
	s = htmlBreak.ReplaceAllString(s, "\n")
	return strings.TrimSpace(html.UnescapeString(htmlTag.ReplaceAllString(s, "")))
}

func parseMoodleXML(data []byte, p *Preview) error {
	d := xml.NewDecoder(bytes.NewReader(utf8Text(data)))
	d.Strict = true
	var category []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			if se, ok := err.(*xml.SyntaxError); ok {
				line = se.Line
			}
			return fault.Field("file", "import.xml_unreadable", "line", line).Because(err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "question" {
			continue
		}
		line, _ := d.InputPos()
		var x xmlQuestion
		if err := d.DecodeElement(&x, &start); err != nil {
			if se, ok := err.(*xml.SyntaxError); ok {
				line = se.Line
			}
			return fault.Field("file", "import.xml_unreadable", "line", line).Because(err)
		}
		if x.Type == "category" {
			category = moodleCategory(x.Category.Text)
			continue
		}
		if q, reason, skipped := xmlToQuestion(x); reason != "" {
			name := firstNonEmpty(strings.TrimSpace(x.Name.Text), shortName(plainText(x.QuestionText.Text)))
			code := "import.xml_bad_question"
			if skipped {
				code = "import.unsupported_kind"
			}
			p.problem(name, line, code, reason, skipped)
		} else {
			q.Line, q.Category = line, category
			p.add(q)
		}
	}
	return nil
}

func moodleCategory(path string) []string {
	parts := splitCategory(path)
	if len(parts) > 0 && strings.HasPrefix(parts[0], "$") {
		parts = parts[1:]
	}
	if len(parts) > 0 && parts[0] == "top" {
		parts = parts[1:]
	}
	return parts
}

func xmlToQuestion(x xmlQuestion) (ParsedQuestion, string, bool) {
	q := ParsedQuestion{Name: strings.TrimSpace(x.Name.Text), Input: QuestionInput{
		Stem: plainText(x.QuestionText.Text), Explanation: plainText(x.GeneralFeedback.Text)}}
	for _, t := range x.Tags {
		q.Input.Tags = append(q.Input.Tags, strings.TrimSpace(t.Text))
	}
	fraction := func(s string) float64 { f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64); return f }
	switch x.Type {
	case "multichoice":
		q.Input.Kind = KindMultiple
		if strings.TrimSpace(x.Single) != "false" && strings.TrimSpace(x.Single) != "0" {
			q.Input.Kind = KindSingle
		}
		for i, a := range x.Answers {
			q.Input.Options = append(q.Input.Options, plainText(a.Text))
			if fraction(a.Fraction) > 0 {
				q.Input.Answer = append(q.Input.Answer, optionKey(i))
			}
		}
		if len(q.Input.Answer) == 0 {
			return q, "no answer with a positive fraction", false
		}
	case "truefalse":
		q.Input.Kind = KindTrueFalse
		for _, a := range x.Answers {
			if fraction(a.Fraction) == 100 {
				q.Input.Answer = []string{strings.TrimSpace(plainText(a.Text))}
			}
		}
	case "shortanswer":
		q.Input.Kind = KindFillBlank
		for _, a := range x.Answers {
			if fraction(a.Fraction) == 100 {
				q.Input.Answer = append(q.Input.Answer, plainText(a.Text))
			}
		}
	case "numerical":
		q.Input.Kind = KindFillBlank
		for _, a := range x.Answers {
			if fraction(a.Fraction) != 100 {
				continue
			}
			if t := strings.TrimSpace(a.Tolerance); t != "" && fraction(t) != 0 {
				return q, "numerical with tolerance " + t, true
			}
			q.Input.Answer = append(q.Input.Answer, strings.TrimSpace(a.Text))
		}
	case "essay":
		q.Input.Kind = KindShortAnswer
		if g := plainText(x.GraderInfo.Text); g != "" {
			q.Input.Answer = []string{g}
		}
	default:
		return q, x.Type, true
	}
	return q, "", false
}
