package training

import (
	"context"
	"fmt"
	"strings"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/course"
	"peixun/ent/person"
	"peixun/ent/quiz"
	"peixun/ent/unit"
	"peixun/fault"
)

// Choice is one option of the program form: a course, a quiz, a unit or a person.
type Choice struct {
	ID    int
	Label string
	Depth int // units: depth in the tree, for indentation
}

// FormChoices is what the program form offers: published courses, published quizzes and the unit
// tree in depth-first order.
type FormChoices struct {
	Courses    []Choice
	Quizzes    []Choice
	Units      []Choice
	Categories []string
}

// ProgramChoices gathers the options of the program form. Only authors (trainers and
// administrators) build programs.
func (s *Service) ProgramChoices(ctx context.Context, actor accounts.Actor) (FormChoices, error) {
	var out FormChoices
	if !canAuthor(actor) {
		return out, fault.ForbiddenErr()
	}
	out.Categories = accounts.Categories
	cs, err := s.client.Course.Query().Where(course.StatusEQ(course.StatusPublished)).Order(ent.Asc(course.FieldTitle)).All(ctx)
	if err != nil {
		return out, fmt.Errorf("listing published courses: %w", err)
	}
	for _, c := range cs {
		out.Courses = append(out.Courses, Choice{ID: c.ID, Label: c.Title})
	}
	qs, err := s.client.Quiz.Query().Where(quiz.StatusEQ(quiz.StatusPublished)).Order(ent.Asc(quiz.FieldTitle)).All(ctx)
	if err != nil {
		return out, fmt.Errorf("listing published quizzes: %w", err)
	}
	for _, q := range qs {
		out.Quizzes = append(out.Quizzes, Choice{ID: q.ID, Label: q.Title})
	}
	us, err := s.client.Unit.Query().All(ctx)
	if err != nil {
		return out, fmt.Errorf("listing units: %w", err)
	}
	sortUnits(us)
	for _, u := range us {
		out.Units = append(out.Units, Choice{ID: u.ID, Label: u.Name, Depth: strings.Count(u.Path, "/") - 2})
	}
	return out, nil
}

// sortUnits puts units in depth-first order of their paths.
func sortUnits(us []*ent.Unit) {
	keys := make(map[int][]int, len(us))
	for _, u := range us {
		keys[u.ID] = pathKey(u.Path)
	}
	for i := 1; i < len(us); i++ {
		for j := i; j > 0 && lessKey(keys[us[j].ID], keys[us[j-1].ID]); j-- {
			us[j], us[j-1] = us[j-1], us[j]
		}
	}
}

func lessKey(a, b []int) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return len(a) < len(b)
}

// ResolvePeople turns a list of people written by hand (one per line or separated by commas:
// employee number, username or full name) into person ids. A token that names nobody, or a name
// shared by several people, is an error naming the field and the token, so that nothing is guessed.
func (s *Service) ResolvePeople(ctx context.Context, actor accounts.Actor, field, text string) ([]int, error) {
	if !canAuthor(actor) {
		return nil, fault.ForbiddenErr()
	}
	tokens := strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == '，' || r == ';' || r == '；' })
	var ids []int
	for _, tok := range tokens {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}
		// "Name (employee no)" as the form shows resolved people is accepted back as it is.
		if inner, ok := parenthesized(tok); ok {
			tok = inner
		}
		ps, err := s.client.Person.Query().Where(person.Or(person.EmployeeNo(tok), person.Username(strings.ToLower(tok)))).
			Select(person.FieldID).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("resolving %q: %w", tok, err)
		}
		if len(ps) == 0 {
			if ps, err = s.client.Person.Query().Where(person.Name(tok)).Select(person.FieldID).All(ctx); err != nil {
				return nil, fmt.Errorf("resolving %q: %w", tok, err)
			}
		}
		switch len(ps) {
		case 0:
			return nil, fault.Field(field, "program.person_not_found", "value", tok)
		case 1:
			ids = append(ids, ps[0].ID)
		default:
			return nil, fault.Field(field, "program.person_ambiguous", "value", tok)
		}
	}
	return uniq(ids), nil
}

// PeopleLabels writes people as the form shows them, "name (employee number or username)", one per
// line, so that the text resolves to the same people again.
func (s *Service) PeopleLabels(ctx context.Context, ids []int) (string, error) {
	if len(ids) == 0 {
		return "", nil
	}
	ps, err := s.client.Person.Query().Where(person.IDIn(ids...)).All(ctx)
	if err != nil {
		return "", fmt.Errorf("loading people: %w", err)
	}
	var b strings.Builder
	for _, p := range ps {
		key := p.Username
		if p.EmployeeNo != nil && *p.EmployeeNo != "" {
			key = *p.EmployeeNo
		}
		fmt.Fprintf(&b, "%s (%s)\n", p.Name, key)
	}
	return b.String(), nil
}

// UnitName is a unit's name, for headings; empty when there is no such unit.
func (s *Service) UnitName(ctx context.Context, id int) string {
	u, err := s.client.Unit.Query().Where(unit.ID(id)).Only(ctx)
	if err != nil {
		return ""
	}
	return u.Name
}

// parenthesized finds the text inside a trailing "(…)" or "（…）".
func parenthesized(tok string) (string, bool) {
	body, ok := strings.CutSuffix(tok, ")")
	if !ok {
		if body, ok = strings.CutSuffix(tok, "）"); !ok {
			return "", false
		}
	}
	i := max(strings.LastIndex(body, "("), strings.LastIndex(body, "（"))
	if i <= 0 {
		return "", false
	}
	_, after, _ := strings.Cut(body[i:], "(")
	if strings.HasPrefix(body[i:], "（") {
		after = strings.TrimPrefix(body[i:], "（")
	}
	return strings.TrimSpace(after), strings.TrimSpace(after) != ""
}
