package handlers

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/accounts"
	"peixun/ent"
	"peixun/fault"
	"peixun/quizzes"
)

// QuizListView is the trainers' quiz list.
type QuizListView struct {
	Quizzes []*ent.Quiz
	Status  string
	Trainer bool // managers see the results links only
}

// RuleRow is one draw rule as the form shows it.
type RuleRow struct {
	Index                                          int
	Count, Kind, Category, Points, Difficulty, IDs string
}

// QuizFormView is the quiz form.
type QuizFormView struct {
	Quiz       *ent.Quiz // nil when new
	Categories []CategoryRow
	Kinds      []string
	Modes      []string
	Reviews    []string
	Rules      []RuleRow
	Values     map[string]string
}

// ResultsView is a quiz's results.
type ResultsView struct {
	Quiz    *ent.Quiz
	Rows    []quizzes.ResultRow
	Scoped  bool // a manager's view: their units only
	Trainer bool
}

// StatRow is one question of the statistics page, formatted.
type StatRow struct {
	QuestionID                   int
	Kind, Stem                   string
	Attempts                     int
	Facility, SD, Discrimination string
	Options                      []OptionCount
	Flag                         bool // very easy, very hard or not discriminating
}

// OptionCount is how many chose an option.
type OptionCount struct {
	Key string
	N   int
}

// StatsView is the statistics page.
type StatsView struct {
	Quiz      *ent.Quiz
	Attempts  int
	MeanScore string
	All       bool
	Items     []StatRow
}

// GradingRow is a short answer waiting for a trainer.
type GradingRow struct {
	quizzes.PendingAnswer
	Stem, Reference string
}

// GradingView is the manual grading queue.
type GradingView struct {
	Quiz *ent.Quiz
	Rows []GradingRow
}

// RankingView is a competition's rankings.
type RankingView struct {
	Quiz   *ent.Quiz
	People []quizzes.PersonRank
	Units  []quizzes.UnitRank
}

func isTrainer(a accounts.Actor) bool { return a.Has(accounts.RoleTrainer) || a.IsAdmin() }

func (s *Server) manageQuizzes(c echo.Context) error {
	a := actorOf(c)
	if !isTrainer(a) && !a.Has(accounts.RoleManager) {
		return fault.ForbiddenErr()
	}
	status := c.QueryParam("status")
	if !contains([]string{"", "draft", "published", "archived"}, status) {
		status = ""
	}
	list, err := s.Quizzes.TrainerQuizzes(c.Request().Context(), status)
	if err != nil {
		return err
	}
	v := QuizListView{Quizzes: list, Status: status, Trainer: isTrainer(a)}
	return s.render(c, http.StatusOK, "quiz_list.html", s.page(c, "title.manage_quizzes", v))
}

// quizFormError rewrites a fault on rules[k] (k counts the filled rows) to the row of the form.
var ruleField = regexp.MustCompile(`^rules\[(\d+)\]`)

// quizInput binds the quiz form. Rule rows left blank are skipped; rows maps each rule to its row.
func quizInput(c echo.Context) (quizzes.QuizInput, []int, error) {
	form, err := c.FormParams()
	if err != nil {
		return quizzes.QuizInput{}, nil, fault.New(fault.Invalid, "form.unreadable")
	}
	in := quizzes.QuizInput{Title: form.Get("title"), Description: form.Get("description"), Mode: form.Get("mode"),
		Review: form.Get("review"), ShuffleQuestions: form.Get("shuffle_questions") == "1", ShuffleOptions: form.Get("shuffle_options") == "1",
		PartialCredit: form.Get("partial_credit") == "1", Publish: form.Get("publish") == "1"}
	num := func(name string) (float64, error) {
		v := strings.TrimSpace(form.Get(name))
		if v == "" {
			return 0, nil
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fault.Field(name, "quiz.bad_number")
		}
		return f, nil
	}
	minutes, err := num("time_limit")
	if err != nil {
		return in, nil, err
	}
	in.TimeLimit = time.Duration(minutes * float64(time.Minute))
	if in.PassScore, err = num("pass_score"); err != nil {
		return in, nil, err
	}
	att, err := num("attempts_allowed")
	if err != nil {
		return in, nil, err
	}
	in.AttemptsAllowed = int(att)
	for _, name := range []string{"opens_at", "closes_at"} {
		v := strings.TrimSpace(form.Get(name))
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", v, shanghai)
		if err != nil {
			if t, err = time.ParseInLocation("2006-01-02 15:04", v, shanghai); err != nil {
				return in, nil, fault.Field(name, "quiz.bad_datetime")
			}
		}
		t = t.UTC()
		if name == "opens_at" {
			in.OpensAt = &t
		} else {
			in.ClosesAt = &t
		}
	}
	var rows []int
	counts, kinds, cats, points, diffs, ids := form["rule_count"], form["rule_kind"], form["rule_category"], form["rule_points"], form["rule_difficulty"], form["rule_ids"]
	at := func(list []string, i int) string {
		if i < len(list) {
			return strings.TrimSpace(list[i])
		}
		return ""
	}
	for i := range len(points) {
		field := fmt.Sprintf("rules[%d]", i)
		if at(counts, i) == "" && at(ids, i) == "" {
			continue // a blank row
		}
		var r quizzes.Rule
		if p := at(points, i); p != "" {
			if r.Points, err = strconv.ParseFloat(p, 64); err != nil {
				return in, nil, fault.Field(field+".points", "quiz.bad_number")
			}
		}
		if idList := at(ids, i); idList != "" {
			for _, part := range strings.FieldsFunc(idList, func(r rune) bool { return r == ',' || r == ' ' || r == '，' }) {
				id, err := strconv.Atoi(part)
				if err != nil || id <= 0 {
					return in, nil, fault.Field(field+".question_ids", "quiz.bad_question_id", "value", part)
				}
				r.QuestionIDs = append(r.QuestionIDs, id)
			}
		} else {
			if r.Count, err = strconv.Atoi(at(counts, i)); err != nil {
				return in, nil, fault.Field(field+".count", "quiz.bad_number")
			}
			r.Kind = at(kinds, i)
			r.CategoryID, _ = strconv.Atoi(at(cats, i))
			r.Difficulty, _ = strconv.Atoi(at(diffs, i))
		}
		in.Rules = append(in.Rules, r)
		rows = append(rows, i)
	}
	return in, rows, nil
}

func (s *Server) quizForm(c echo.Context, q *ent.Quiz, status int, err error, rows []int) error {
	cats, _, cerr := s.categoryRows(c)
	if cerr != nil {
		return cerr
	}
	v := QuizFormView{Quiz: q, Categories: cats, Kinds: quizzes.Kinds,
		Modes:   []string{quizzes.ModeExam, quizzes.ModePractice, quizzes.ModeCompetition},
		Reviews: []string{quizzes.ReviewAfterSubmit, quizzes.ReviewAfterClose, quizzes.ReviewNever},
		Values: map[string]string{"mode": quizzes.ModeExam, "review": quizzes.ReviewAfterSubmit, "shuffle_questions": "1",
			"shuffle_options": "1", "time_limit": "30", "attempts_allowed": "1", "pass_score": "60"}}
	title := "title.quiz_new"
	if q != nil {
		title = "title.quiz_edit"
		v.Values = quizValues(q)
		rules, rerr := quizzes.QuizRules(q)
		if rerr != nil {
			return rerr
		}
		for i, r := range rules {
			v.Rules = append(v.Rules, ruleRow(i, r))
		}
	}
	p := s.page(c, title, v)
	if err != nil {
		if f, ok := fault.As(err); ok && f.Kind == fault.Invalid {
			// Show the message beside the row of the form that caused it.
			if m := ruleField.FindStringSubmatch(f.Field); m != nil {
				k, _ := strconv.Atoi(m[1])
				if k < len(rows) {
					k = rows[k]
				}
				p.Errors[fmt.Sprintf("rules[%d]", k)] = s.message(p.Lang, f)
			} else if err := s.formErrors(c, p, err); err != nil {
				return err
			}
		} else {
			return err
		}
		form, _ := c.FormParams()
		v.Values = map[string]string{}
		for k := range form {
			if k != csrfField {
				v.Values[k] = form.Get(k)
			}
		}
		v.Rules = nil
		for i := range form["rule_points"] {
			g := func(name string) string {
				if l := form[name]; i < len(l) {
					return l[i]
				}
				return ""
			}
			v.Rules = append(v.Rules, RuleRow{Index: i, Count: g("rule_count"), Kind: g("rule_kind"), Category: g("rule_category"),
				Points: g("rule_points"), Difficulty: g("rule_difficulty"), IDs: g("rule_ids")})
		}
	}
	for n, want := len(v.Rules), max(len(v.Rules)+2, 4); n < want; n++ {
		v.Rules = append(v.Rules, RuleRow{Index: n})
	}
	p.Data = v
	return s.render(c, status, "quiz_form.html", p)
}

func ruleRow(i int, r quizzes.Rule) RuleRow {
	row := RuleRow{Index: i, Points: strconv.FormatFloat(r.Points, 'f', -1, 64)}
	if len(r.QuestionIDs) > 0 {
		parts := make([]string, len(r.QuestionIDs))
		for k, id := range r.QuestionIDs {
			parts[k] = strconv.Itoa(id)
		}
		row.IDs = strings.Join(parts, ", ")
		return row
	}
	row.Count, row.Kind, row.Category = strconv.Itoa(r.Count), r.Kind, strconv.Itoa(r.CategoryID)
	if r.Difficulty != 0 {
		row.Difficulty = strconv.Itoa(r.Difficulty)
	}
	return row
}

func quizValues(q *ent.Quiz) map[string]string {
	b := func(v bool) string {
		if v {
			return "1"
		}
		return ""
	}
	v := map[string]string{"title": q.Title, "description": q.Description, "mode": string(q.Mode), "review": string(q.Review),
		"time_limit": strconv.FormatFloat(float64(q.TimeLimitSeconds)/60, 'f', -1, 64), "pass_score": strconv.FormatFloat(q.PassScore, 'f', -1, 64),
		"attempts_allowed": strconv.Itoa(q.AttemptsAllowed), "shuffle_questions": b(q.ShuffleQuestions), "shuffle_options": b(q.ShuffleOptions),
		"partial_credit": b(q.PartialCredit)}
	if q.OpensAt != nil {
		v["opens_at"] = q.OpensAt.In(shanghai).Format("2006-01-02T15:04")
	}
	if q.ClosesAt != nil {
		v["closes_at"] = q.ClosesAt.In(shanghai).Format("2006-01-02T15:04")
	}
	return v
}

func (s *Server) newQuizPage(c echo.Context) error {
	return s.quizForm(c, nil, http.StatusOK, nil, nil)
}

func (s *Server) createQuiz(c echo.Context) error {
	in, rows, err := quizInput(c)
	if err == nil {
		var q *ent.Quiz
		if q, err = s.Quizzes.CreateQuiz(c.Request().Context(), in, actorOf(c).PersonID); err == nil {
			return redirect(c, "/manage/quizzes/"+strconv.Itoa(q.ID)+"?ok=quiz_saved")
		}
	}
	return s.quizForm(c, nil, http.StatusUnprocessableEntity, err, rows)
}

// trainerQuiz loads a quiz for a trainer page; personal practice quizzes are not trainers' business.
func (s *Server) trainerQuiz(c echo.Context) (*ent.Quiz, error) {
	id, err := paramID(c, "quiz")
	if err != nil {
		return nil, err
	}
	q, err := s.Quizzes.Quiz(c.Request().Context(), id)
	if err != nil {
		return nil, err
	}
	if quizzes.PersonalOwner(q) != 0 {
		return nil, fault.NotFoundf("quiz")
	}
	return q, nil
}

// ownQuiz is trainerQuiz for changes: only the trainer who built the quiz, or an administrator, may
// edit it or open and close it (other trainers still read its results, statistics and grading).
func (s *Server) ownQuiz(c echo.Context) (*ent.Quiz, error) {
	q, err := s.trainerQuiz(c)
	if err != nil {
		return nil, err
	}
	if a := actorOf(c); !a.IsAdmin() && q.CreatedBy != a.PersonID {
		return nil, fault.ForbiddenErr()
	}
	return q, nil
}

func (s *Server) editQuizPage(c echo.Context) error {
	q, err := s.ownQuiz(c)
	if err != nil {
		return err
	}
	return s.quizForm(c, q, http.StatusOK, nil, nil)
}

func (s *Server) updateQuiz(c echo.Context) error {
	q, err := s.ownQuiz(c)
	if err != nil {
		return err
	}
	in, rows, err := quizInput(c)
	if err == nil {
		in.Publish = q.Status == "published" // saving does not change the status; the buttons do
		if _, err = s.Quizzes.UpdateQuiz(c.Request().Context(), q.ID, in); err == nil {
			if q.Status == "archived" {
				err = s.Quizzes.SetQuizStatus(c.Request().Context(), q.ID, "archived")
			}
			if err == nil {
				return redirect(c, "/manage/quizzes/"+strconv.Itoa(q.ID)+"?ok=quiz_saved")
			}
		}
	}
	return s.quizForm(c, q, http.StatusUnprocessableEntity, err, rows)
}

func (s *Server) setQuizStatus(c echo.Context) error {
	q, err := s.ownQuiz(c)
	if err != nil {
		return err
	}
	if err := s.Quizzes.SetQuizStatus(c.Request().Context(), q.ID, c.FormValue("status")); err != nil {
		if f, ok := fault.As(err); ok && f.Kind == fault.Invalid {
			return s.quizForm(c, q, http.StatusUnprocessableEntity, err, nil)
		}
		return err
	}
	return redirect(c, "/manage/quizzes/"+strconv.Itoa(q.ID)+"?ok=quiz_status")
}

// resultsScope is what part of the results the caller sees: everything for trainers, their own
// subtree for managers.
func resultsScope(a accounts.Actor) (string, error) {
	if isTrainer(a) {
		return "/", nil
	}
	if a.Has(accounts.RoleManager) {
		return a.ScopePath(), nil
	}
	return "", fault.ForbiddenErr()
}

func (s *Server) quizResults(c echo.Context) error {
	scope, err := resultsScope(actorOf(c))
	if err != nil {
		return err
	}
	q, err := s.trainerQuiz(c)
	if err != nil {
		return err
	}
	rows, err := s.Quizzes.QuizResultsIn(c.Request().Context(), q.ID, scope)
	if err != nil {
		return err
	}
	v := ResultsView{Quiz: q, Rows: rows, Scoped: scope != "/", Trainer: isTrainer(actorOf(c))}
	return s.render(c, http.StatusOK, "quiz_results.html", s.page(c, "title.quiz_results", v))
}

func (s *Server) quizResultsExport(c echo.Context) error {
	scope, err := resultsScope(actorOf(c))
	if err != nil {
		return err
	}
	q, err := s.trainerQuiz(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Quizzes.ExportResultsXLSXIn(c.Request().Context(), q.ID, scope, &buf); err != nil {
		return err
	}
	setDownload(c, fmt.Sprintf("quiz-%d-results.xlsx", q.ID), "xlsx")
	_, err = c.Response().Write(buf.Bytes())
	return err
}

func fmtPct(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func (s *Server) quizStatistics(c echo.Context) error {
	q, err := s.trainerQuiz(c)
	if err != nil {
		return err
	}
	all := c.QueryParam("all") == "1"
	st, err := s.Quizzes.ItemStatistics(c.Request().Context(), q.ID, all)
	if err != nil {
		return err
	}
	v := StatsView{Quiz: q, Attempts: st.Attempts, MeanScore: strconv.FormatFloat(st.MeanScore, 'f', 2, 64), All: all}
	for _, it := range st.Items {
		r := StatRow{QuestionID: it.QuestionID, Kind: it.Kind, Stem: it.Stem, Attempts: it.Attempts,
			Facility: fmtPct(it.Facility), SD: fmtPct(it.SD), Discrimination: fmtPct(it.Discrimination)}
		r.Flag = it.Attempts >= 5 && (it.Facility < 20 || it.Facility > 95 || (!math.IsNaN(it.Discrimination) && it.Discrimination < 20))
		for k, n := range it.OptionCounts {
			r.Options = append(r.Options, OptionCount{Key: k, N: n})
		}
		sort.Slice(r.Options, func(a, b int) bool { return r.Options[a].Key < r.Options[b].Key })
		v.Items = append(v.Items, r)
	}
	return s.render(c, http.StatusOK, "quiz_stats.html", s.page(c, "title.quiz_stats", v))
}

func (s *Server) gradingView(c echo.Context, q *ent.Quiz) (GradingView, error) {
	ctx := c.Request().Context()
	pending, err := s.Quizzes.PendingGrading(ctx, q.ID)
	if err != nil {
		return GradingView{}, err
	}
	v := GradingView{Quiz: q}
	for _, p := range pending {
		row := GradingRow{PendingAnswer: p}
		if qv, err := s.Quizzes.Question(ctx, p.QuestionID); err == nil {
			row.Stem = qv.Stem
			row.Reference = strings.Join(qv.Answer, "；")
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

func (s *Server) quizGrading(c echo.Context) error {
	q, err := s.trainerQuiz(c)
	if err != nil {
		return err
	}
	v, err := s.gradingView(c, q)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "quiz_grading.html", s.page(c, "title.quiz_grading", v))
}

func (s *Server) gradeAnswer(c echo.Context) error {
	q, err := s.trainerQuiz(c)
	if err != nil {
		return err
	}
	attemptID, _ := strconv.Atoi(c.FormValue("attempt_id"))
	questionID, _ := strconv.Atoi(c.FormValue("question_id"))
	points, perr := strconv.ParseFloat(strings.TrimSpace(c.FormValue("points")), 64)
	if perr != nil || math.IsNaN(points) {
		err = fault.Field("points", "quiz.bad_number")
	} else if a, aerr := s.Quizzes.Attempt(c.Request().Context(), attemptID, 0); aerr != nil || a.QuizID != q.ID {
		err = fault.NotFoundf("attempt")
	} else {
		_, err = s.Quizzes.GradeManually(c.Request().Context(), attemptID, questionID, points)
	}
	if err != nil {
		f, ok := fault.As(err)
		if !ok || f.Kind != fault.Invalid {
			return err
		}
		v, verr := s.gradingView(c, q)
		if verr != nil {
			return verr
		}
		p := s.page(c, "title.quiz_grading", v)
		p.Errors[fmt.Sprintf("%d-%d", attemptID, questionID)] = s.message(p.Lang, f)
		return s.render(c, http.StatusUnprocessableEntity, "quiz_grading.html", p)
	}
	return redirect(c, "/manage/quizzes/"+strconv.Itoa(q.ID)+"/grading?ok=quiz_graded")
}

func (s *Server) quizRanking(c echo.Context) error {
	q, err := s.trainerQuiz(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	people, err := s.Quizzes.RankPeople(ctx, q.ID)
	if err != nil {
		return err
	}
	units, err := s.Quizzes.RankUnits(ctx, q.ID)
	if err != nil {
		return err
	}
	v := RankingView{Quiz: q, People: people, Units: units}
	return s.render(c, http.StatusOK, "quiz_ranking.html", s.page(c, "title.quiz_ranking", v))
}

// trainerAttempt shows any attempt with its answers, for grading and disputes.
func (s *Server) trainerAttempt(c echo.Context) error {
	id, err := paramID(c, "attempt")
	if err != nil {
		return err
	}
	v, err := s.Quizzes.ViewAttempt(c.Request().Context(), id, 0, true)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "attempt.html", s.page(c, "title.attempt", s.attemptView(v, true)))
}
