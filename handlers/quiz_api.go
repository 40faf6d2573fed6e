package handlers

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"peixun/ent"
	"peixun/fault"
	"peixun/quizzes"
)

// QuizJSON is a quiz as the API shows it.
type QuizJSON struct {
	ID               int        `json:"id"`
	Title            string     `json:"title"`
	Description      string     `json:"description,omitempty"`
	Mode             string     `json:"mode"`
	Status           string     `json:"status"`
	TimeLimitSeconds int        `json:"time_limit_seconds"`
	PassScore        float64    `json:"pass_score"`
	AttemptsAllowed  int        `json:"attempts_allowed"`
	OpensAt          *time.Time `json:"opens_at,omitempty"`
	ClosesAt         *time.Time `json:"closes_at,omitempty"`
	Review           string     `json:"review"`
	// The caller's own record, on the learner's list.
	Attempts   *int     `json:"attempts,omitempty"`
	Best       *float64 `json:"best_score,omitempty"`
	InProgress int      `json:"attempt_in_progress,omitempty"`
}

// AttemptJSON is an attempt as the API shows it.
type AttemptJSON struct {
	ID          int               `json:"id"`
	QuizID      int               `json:"quiz_id"`
	Number      int               `json:"number"`
	Status      string            `json:"status"`
	StartedAt   time.Time         `json:"started_at"`
	Deadline    *time.Time        `json:"deadline,omitempty"`
	SubmittedAt *time.Time        `json:"submitted_at,omitempty"`
	SecondsLeft *int              `json:"seconds_left,omitempty"`
	Score       *float64          `json:"score,omitempty"`
	MaxScore    float64           `json:"max_score"`
	Passed      *bool             `json:"passed,omitempty"`
	Questions   []QuestionOnPaper `json:"questions,omitempty"`
}

// QuestionOnPaper is a question of an attempt; answers appear only when the review policy allows.
type QuestionOnPaper struct {
	QuestionID  int                   `json:"question_id"`
	Kind        string                `json:"kind"`
	Stem        string                `json:"stem"`
	Points      float64               `json:"points"`
	Options     []quizzes.PaperOption `json:"options,omitempty"`
	Response    []string              `json:"response"`
	Seq         int                   `json:"seq"`
	Answer      []string              `json:"answer,omitempty"`
	Explanation string                `json:"explanation,omitempty"`
	Earned      *float64              `json:"earned,omitempty"`
}

// QuestionJSON is a bank question for trainers.
type QuestionJSON struct {
	ID          int      `json:"id"`
	LineageID   int      `json:"lineage_id"`
	Version     int      `json:"version"`
	CategoryID  int      `json:"category_id"`
	Kind        string   `json:"kind"`
	Stem        string   `json:"stem"`
	Options     []string `json:"options,omitempty"`
	Answer      []string `json:"answer"`
	Explanation string   `json:"explanation,omitempty"`
	Difficulty  int      `json:"difficulty"`
	Tags        []string `json:"tags,omitempty"`
	Statute     string   `json:"statute,omitempty"`
	Article     string   `json:"article,omitempty"`
	Status      string   `json:"status"`
}

type saveAnswerRequest struct {
	QuestionID int      `json:"question_id"`
	Response   []string `json:"response"`
	Seq        int      `json:"seq"`
}

type saveAnswerResponse struct {
	Saved       bool     `json:"saved"`
	Seq         int      `json:"seq"`
	Correct     *bool    `json:"correct,omitempty"`
	Answer      []string `json:"answer,omitempty"`
	Explanation string   `json:"explanation,omitempty"`
}

type questionRequest struct {
	CategoryID  int      `json:"category_id"`
	Kind        string   `json:"kind"`
	Stem        string   `json:"stem"`
	Options     []string `json:"options"`
	Answer      []string `json:"answer"`
	Explanation string   `json:"explanation"`
	Difficulty  int      `json:"difficulty"`
	Tags        []string `json:"tags"`
	Statute     string   `json:"statute"`
	Article     string   `json:"article"`
}

type importRequest struct {
	Format     string `json:"format"`
	Filename   string `json:"filename"`
	Data       string `json:"data"` // base64
	CategoryID int    `json:"category_id"`
	Confirm    bool   `json:"confirm"`
	ValidOnly  bool   `json:"valid_only"`
}

type importProblemJSON struct {
	Line    int    `json:"line"`
	Name    string `json:"name"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	Skipped bool   `json:"skipped"`
}

func quizJSON(q *ent.Quiz) QuizJSON {
	return QuizJSON{ID: q.ID, Title: q.Title, Description: q.Description, Mode: string(q.Mode), Status: string(q.Status),
		TimeLimitSeconds: q.TimeLimitSeconds, PassScore: q.PassScore, AttemptsAllowed: q.AttemptsAllowed,
		OpensAt: q.OpensAt, ClosesAt: q.ClosesAt, Review: string(q.Review)}
}

func questionJSON(q *ent.Question) QuestionJSON {
	return QuestionJSON{ID: q.ID, LineageID: q.LineageID, Version: q.Version, CategoryID: q.CategoryID, Kind: string(q.Kind),
		Stem: q.Stem, Options: q.Options, Answer: q.Answer, Explanation: q.Explanation, Difficulty: q.Difficulty, Tags: q.Tags,
		Statute: q.Statute, Article: q.Article, Status: string(q.Status)}
}

func attemptJSON(a *ent.Attempt) AttemptJSON {
	j := AttemptJSON{ID: a.ID, QuizID: a.QuizID, Number: a.Number, Status: string(a.Status), StartedAt: a.StartedAt,
		Deadline: a.Deadline, SubmittedAt: a.SubmittedAt, MaxScore: a.MaxScore}
	if a.Status != quizzes.StatusInProgress {
		j.Score, j.Passed = &a.Score, &a.Passed
	}
	return j
}

func (s *Server) apiQuizzes(c echo.Context) error {
	rows, err := s.Quizzes.LearnerQuizzes(c.Request().Context(), actorOf(c).PersonID)
	if err != nil {
		return err
	}
	out := make([]QuizJSON, 0, len(rows))
	for _, r := range rows {
		j := quizJSON(r.Quiz)
		n := r.Attempts
		j.Attempts, j.Best, j.InProgress = &n, r.Best, r.InProgress
		out = append(out, j)
	}
	return c.JSON(http.StatusOK, map[string]any{"quizzes": out})
}

func (s *Server) apiQuiz(c echo.Context) error {
	id, err := paramID(c, "quiz")
	if err != nil {
		return err
	}
	var q *ent.Quiz
	if isTrainer(actorOf(c)) {
		q, err = s.Quizzes.Quiz(c.Request().Context(), id)
		if err == nil && quizzes.PersonalOwner(q) != 0 && quizzes.PersonalOwner(q) != actorOf(c).PersonID {
			err = fault.NotFoundf("quiz")
		}
	} else {
		q, err = s.Quizzes.LearnerQuiz(c.Request().Context(), id, actorOf(c).PersonID)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, quizJSON(q))
}

func (s *Server) apiStartAttempt(c echo.Context) error {
	id, err := paramID(c, "quiz")
	if err != nil {
		return err
	}
	v, err := s.Quizzes.StartAsLearner(c.Request().Context(), id, actorOf(c).PersonID)
	if err != nil {
		return err
	}
	j := attemptViewJSON(v)
	return writeAttempt(c, http.StatusCreated, &j)
}

func attemptViewJSON(v *quizzes.AttemptView) AttemptJSON {
	j := attemptJSON(v.Attempt)
	if v.Attempt.Status == quizzes.StatusInProgress && v.Attempt.Deadline != nil {
		left := int(v.TimeLeft / time.Second)
		j.SecondsLeft = &left
	}
	j.Questions = make([]QuestionOnPaper, 0, len(v.Questions))
	for _, q := range v.Questions {
		resp := q.Response
		if resp == nil {
			resp = []string{}
		}
		j.Questions = append(j.Questions, QuestionOnPaper{QuestionID: q.QuestionID, Kind: q.Kind, Stem: q.Stem, Points: q.Points,
			Options: q.Options, Response: resp, Seq: q.Seq, Answer: q.Answer, Explanation: q.Explanation, Earned: q.Earned})
	}
	return j
}

func (s *Server) apiAttempt(c echo.Context) error {
	id, err := paramID(c, "attempt")
	if err != nil {
		return err
	}
	v, err := s.Quizzes.ViewAttempt(c.Request().Context(), id, actorOf(c).PersonID, false)
	if err != nil {
		return s.notMine(c, id, err)
	}
	j := attemptViewJSON(v)
	return writeAttempt(c, http.StatusOK, &j)
}

// apiSaveAnswer is the hot path of an exam: one call per answer given. The domain checks the owner
// and the deadline in the same statements that save, so the handler adds no query of its own.
func (s *Server) apiSaveAnswer(c echo.Context) error {
	id, err := paramID(c, "attempt")
	if err != nil {
		return err
	}
	var r saveAnswerRequest
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	res, err := s.Quizzes.SaveAnswer(c.Request().Context(), id, actorOf(c).PersonID, r.QuestionID, r.Response, r.Seq)
	if err != nil {
		return s.notMine(c, id, err)
	}
	return c.JSON(http.StatusOK, saveAnswerResponse{Saved: res.Saved, Seq: r.Seq, Correct: res.Correct, Answer: res.Answer, Explanation: res.Explanation})
}

func (s *Server) apiSubmitAttempt(c echo.Context) error {
	id, err := paramID(c, "attempt")
	if err != nil {
		return err
	}
	a, err := s.Quizzes.Submit(c.Request().Context(), id, actorOf(c).PersonID)
	if err != nil {
		return s.notMine(c, id, err)
	}
	return c.JSON(http.StatusOK, attemptJSON(a))
}

func (s *Server) apiMyAttempts(c echo.Context) error {
	rows, err := s.Quizzes.MyAttempts(c.Request().Context(), actorOf(c).PersonID)
	if err != nil {
		return err
	}
	type row struct {
		AttemptJSON
		QuizTitle string `json:"quiz_title"`
		QuizMode  string `json:"quiz_mode"`
	}
	out := make([]row, 0, len(rows))
	for _, r := range rows {
		out = append(out, row{AttemptJSON: attemptJSON(r.Attempt), QuizTitle: r.QuizTitle, QuizMode: r.QuizMode})
	}
	return c.JSON(http.StatusOK, map[string]any{"attempts": out})
}

func (s *Server) apiQuestions(c echo.Context) error {
	f := quizzes.QuestionFilter{Text: c.QueryParam("q"), Kind: c.QueryParam("kind"), Statute: c.QueryParam("statute"),
		Tag: c.QueryParam("tag"), Status: c.QueryParam("status")}
	f.CategoryID, _ = strconv.Atoi(c.QueryParam("category_id"))
	f.Difficulty, _ = strconv.Atoi(c.QueryParam("difficulty"))
	f.Page, _ = strconv.Atoi(c.QueryParam("page"))
	f.PerPage, _ = strconv.Atoi(c.QueryParam("per_page"))
	if f.Kind != "" && !contains(quizzes.Kinds, f.Kind) {
		return fault.Field("kind", "question.kind_invalid", "kind", f.Kind)
	}
	if f.Status != "" && !contains([]string{"active", "superseded", "retired", "all"}, f.Status) {
		return fault.Field("status", "quiz.status_invalid", "status", f.Status)
	}
	res, err := s.Quizzes.SearchQuestions(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([]QuestionJSON, 0, len(res.Questions))
	for _, q := range res.Questions {
		out = append(out, questionJSON(q))
	}
	return c.JSON(http.StatusOK, map[string]any{"questions": out, "total": res.Total, "page": res.Page, "per_page": res.PerPage})
}

func (s *Server) apiQuestion(c echo.Context) error {
	id, err := paramID(c, "question")
	if err != nil {
		return err
	}
	q, err := s.Quizzes.Question(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, questionJSON(q))
}

func (s *Server) apiCreateQuestion(c echo.Context) error {
	var r questionRequest
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	q, err := s.Quizzes.CreateQuestion(c.Request().Context(), quizzes.QuestionInput{CategoryID: r.CategoryID, Kind: r.Kind, Stem: r.Stem,
		Options: r.Options, Answer: r.Answer, Explanation: r.Explanation, Difficulty: r.Difficulty, Tags: r.Tags,
		Statute: r.Statute, Article: r.Article}, actorOf(c).PersonID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, questionJSON(q))
}

// apiImportQuestions previews a file (and imports it with confirm): the answer lists every problem
// with its line.
func (s *Server) apiImportQuestions(c echo.Context) error {
	var r importRequest
	if err := bindJSON(c, &r); err != nil {
		return err
	}
	data, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		return fault.Field("data", "roster.file_corrupt")
	}
	if len(data) == 0 {
		return fault.Field("data", "import.data_required")
	}
	if r.Format != "" && !contains(importFormats, r.Format) {
		return fault.Field("format", "import.format_unknown", "format", r.Format)
	}
	pv, err := s.Quizzes.PreviewImport(r.Format, r.Filename, data)
	if err != nil {
		return err
	}
	l := lang(c)
	msgs := s.importProblems(l, pv.Problems)
	problems := make([]importProblemJSON, 0, len(pv.Problems))
	for i, p := range pv.Problems {
		problems = append(problems, importProblemJSON{Line: p.Line, Name: p.Name, Code: p.Code, Field: p.Field, Message: msgs[i], Skipped: p.Skipped})
	}
	out := map[string]any{"format": pv.Format, "questions": len(pv.Questions), "problems": problems, "blocking": pv.Blocking()}
	if !r.Confirm {
		return c.JSON(http.StatusOK, out)
	}
	n, err := s.Quizzes.ConfirmImport(c.Request().Context(), pv, quizzes.ImportOptions{CategoryID: r.CategoryID,
		AuthorID: actorOf(c).PersonID, ValidOnly: r.ValidOnly})
	if err != nil {
		return err
	}
	out["imported"] = n
	return c.JSON(http.StatusCreated, out)
}
