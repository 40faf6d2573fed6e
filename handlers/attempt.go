package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/ent"
	"peixun/fault"
	"peixun/quizzes"
)

// LearnerQuizzesView is the learner's list of quizzes.
type LearnerQuizzesView struct {
	Rows []LearnerQuizItem
}

// LearnerQuizItem is a quiz on the learner's list, formatted.
type LearnerQuizItem struct {
	quizzes.LearnerQuizRow
	Minutes  int
	BestText string
}

// StartView is a quiz's introduction before the learner starts it.
type StartView struct {
	Quiz    *ent.Quiz
	Minutes int
	Max     float64
}

// AttemptPage is an attempt as its page shows it.
type AttemptPage struct {
	View       *quizzes.AttemptView
	Open       bool // in progress: the form is live
	Trainer    bool // a trainer's read-only view
	DeadlineMS int64
	NowMS      int64
	StartedMS  int64
	MaxSeq     int
	TimeLeft   string
	Answered   int
	Items      []AttemptItem
	Score      string
	MaxScore   string
}

// AttemptItem is one question on the attempt page.
type AttemptItem struct {
	quizzes.PaperQuestion
	N        int
	Choice   bool
	Multiple bool
	Text     string // the saved text of a fill-in or short answer
	Checked  map[string]bool
	Right    string // the right answer, formatted, when the review policy shows it
	Given    string // the learner's answer, formatted
	Earned   string
	Pending  bool   // a short answer waiting for the trainer
	Mark     string // "right" or "wrong" in the review
	Opts     []OptionView
}

// OptionView is an option in display order; Label is its letter on this paper, Key what is saved.
type OptionView struct {
	Key, Label, Text string
	Checked, Right   bool
}

// MyAttemptsView is the learner's attempts.
type MyAttemptsView struct {
	Rows []quizzes.MyAttempt
}

// WrongBookView is the wrong-question book.
type WrongBookView struct {
	Rows []quizzes.WrongQuestion
}

func (s *Server) learnerQuizzes(c echo.Context) error {
	rows, err := s.Quizzes.LearnerQuizzes(c.Request().Context(), actorOf(c).PersonID)
	if err != nil {
		return err
	}
	v := LearnerQuizzesView{}
	for _, r := range rows {
		it := LearnerQuizItem{LearnerQuizRow: r, Minutes: r.Quiz.TimeLimitSeconds / 60}
		if r.Best != nil {
			it.BestText = num(*r.Best)
		}
		v.Rows = append(v.Rows, it)
	}
	return s.render(c, http.StatusOK, "quizzes.html", s.page(c, "title.quizzes", v))
}

// startPage resumes the attempt in progress, or introduces the quiz with a start button.
func (s *Server) startPage(c echo.Context) error {
	id, err := paramID(c, "quiz")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	me := actorOf(c).PersonID
	if a, err := s.Quizzes.Current(ctx, id, me); err != nil {
		return err
	} else if a != nil {
		return redirect(c, "/attempts/"+strconv.Itoa(a.ID))
	}
	q, err := s.Quizzes.LearnerQuiz(ctx, id, me)
	if err != nil {
		return err
	}
	v := StartView{Quiz: q, Minutes: q.TimeLimitSeconds / 60}
	if rules, err := quizzes.QuizRules(q); err == nil {
		for _, r := range rules {
			n := r.Count
			if len(r.QuestionIDs) > 0 {
				n = len(r.QuestionIDs)
			}
			v.Max += float64(n) * r.Points
		}
	}
	return s.render(c, http.StatusOK, "quiz_start.html", s.page(c, "title.quiz_start", v))
}

func (s *Server) startAttempt(c echo.Context) error {
	id, err := paramID(c, "quiz")
	if err != nil {
		return err
	}
	v, err := s.Quizzes.StartAsLearner(c.Request().Context(), id, actorOf(c).PersonID)
	if err != nil {
		return err
	}
	return redirect(c, "/attempts/"+strconv.Itoa(v.Attempt.ID))
}

// notMine turns the domain's "not found" for another person's attempt into 403. The domain checks
// the owner on every read of an attempt, so handlers call it only to explain a refusal, and the
// attempt is read a second time only then.
func (s *Server) notMine(c echo.Context, id int, err error) error {
	if f, ok := fault.As(err); ok && f.Kind == fault.NotFound && f.Args["what"] == "attempt" {
		if a, aerr := s.Quizzes.Attempt(c.Request().Context(), id, 0); aerr == nil && a.PersonID != actorOf(c).PersonID {
			return fault.ForbiddenErr()
		}
	}
	return err
}

func (s *Server) attemptPage(c echo.Context) error {
	id, err := paramID(c, "attempt")
	if err != nil {
		return err
	}
	v, err := s.Quizzes.ViewAttempt(c.Request().Context(), id, actorOf(c).PersonID, false)
	if err != nil {
		return s.notMine(c, id, err)
	}
	return s.render(c, http.StatusOK, "attempt.html", s.page(c, "title.attempt", s.attemptView(v, false)))
}

func trueFalseLabel(v string) string {
	switch v {
	case "true":
		return "对 ✓"
	case "false":
		return "错 ✗"
	}
	return v
}

func formatAnswer(kind string, parts []string) string {
	if kind == quizzes.KindTrueFalse {
		out := make([]string, len(parts))
		for i, p := range parts {
			out[i] = trueFalseLabel(p)
		}
		return strings.Join(out, "")
	}
	sep := ""
	if kind == quizzes.KindFillBlank || kind == quizzes.KindShortAnswer {
		sep = " | "
	}
	return strings.Join(parts, sep)
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (s *Server) attemptView(v *quizzes.AttemptView, trainer bool) AttemptPage {
	a := v.Attempt
	p := AttemptPage{View: v, Open: a.Status == quizzes.StatusInProgress && !trainer, Trainer: trainer,
		NowMS: time.Now().UnixMilli(), StartedMS: a.StartedAt.UnixMilli(), Score: num(a.Score), MaxScore: num(a.MaxScore)}
	if a.Deadline != nil && p.Open {
		// The page counts down from the time left as the server sees it, so a wrong clock on the
		// phone cannot give more time; the server refuses late answers anyway.
		p.DeadlineMS = p.NowMS + v.TimeLeft.Milliseconds()
		left := v.TimeLeft.Round(time.Second)
		p.TimeLeft = strconv.Itoa(int(left/time.Minute)) + ":" + leftPad(int(left%time.Minute/time.Second))
	}
	for i, q := range v.Questions {
		it := AttemptItem{PaperQuestion: q, N: i + 1, Checked: map[string]bool{},
			Choice:   q.Kind == quizzes.KindSingle || q.Kind == quizzes.KindMultiple || q.Kind == quizzes.KindTrueFalse,
			Multiple: q.Kind == quizzes.KindMultiple}
		for _, r := range q.Response {
			it.Checked[r] = true
		}
		if !it.Choice && len(q.Response) > 0 {
			it.Text = q.Response[0]
		}
		if q.Saved && len(q.Response) > 0 {
			p.Answered++
		}
		p.MaxSeq = max(p.MaxSeq, q.Seq)
		// Letters follow the order on this paper, so a shuffled paper still reads A, B, C.
		label := map[string]string{}
		for k, o := range q.Options {
			label[o.Key] = string(rune('A' + k))
		}
		right := map[string]bool{}
		if v.ShowAnswers {
			for _, a := range q.Answer {
				right[a] = true
			}
		}
		for _, o := range q.Options {
			it.Opts = append(it.Opts, OptionView{Key: o.Key, Label: label[o.Key], Text: o.Text, Checked: it.Checked[o.Key], Right: right[o.Key]})
		}
		relabel := func(parts []string) []string {
			if len(label) == 0 {
				return parts
			}
			out := make([]string, len(parts))
			for k, p := range parts {
				out[k] = label[p]
			}
			slices.Sort(out)
			return out
		}
		it.Given = formatAnswer(q.Kind, relabel(q.Response))
		if v.ShowAnswers {
			it.Right = formatAnswer(q.Kind, relabel(q.Answer))
			if q.Correct != nil && q.Earned != nil {
				it.Mark = map[bool]string{true: "right", false: "wrong"}[*q.Correct]
			}
			if q.Earned != nil {
				it.Earned = num(*q.Earned)
			} else {
				it.Pending = true
			}
		}
		p.Items = append(p.Items, it)
	}
	return p
}

func leftPad(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func (s *Server) submitAttempt(c echo.Context) error {
	id, err := paramID(c, "attempt")
	if err != nil {
		return err
	}
	if _, err := s.Quizzes.Submit(c.Request().Context(), id, actorOf(c).PersonID); err != nil {
		return s.notMine(c, id, err)
	}
	return redirect(c, "/attempts/"+strconv.Itoa(id)+"?ok=attempt_submitted")
}

func (s *Server) myAttempts(c echo.Context) error {
	rows, err := s.Quizzes.MyAttempts(c.Request().Context(), actorOf(c).PersonID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "attempt_list.html", s.page(c, "title.my_attempts", MyAttemptsView{Rows: rows}))
}

func (s *Server) wrongBook(c echo.Context) error {
	rows, err := s.Quizzes.WrongBook(c.Request().Context(), actorOf(c).PersonID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "quiz_wrongbook.html", s.page(c, "title.wrong_book", WrongBookView{Rows: rows}))
}

func (s *Server) practiseWrong(c echo.Context) error {
	ctx := c.Request().Context()
	me := actorOf(c).PersonID
	q, err := s.Quizzes.PracticeWrongQuestions(ctx, me)
	if err != nil {
		return err
	}
	a, err := s.Quizzes.Start(ctx, q.ID, me)
	if err != nil {
		return err
	}
	return redirect(c, "/attempts/"+strconv.Itoa(a.ID))
}
