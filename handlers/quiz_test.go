package handlers_test

import (
	"bytes"
	"context"
	stdbase64 "encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"peixun/accounts"
	"peixun/ent"
	"peixun/handlers"
	"peixun/quizzes"
)

// demoQuiz finds a demo quiz by mode.
func (e *env) demoQuiz(mode string) *ent.Quiz {
	e.t.Helper()
	list, err := e.quiz.Quizzes(context.Background(), "")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, q := range list {
		if string(q.Mode) == mode && quizzes.PersonalOwner(q) == 0 {
			return q
		}
	}
	e.t.Fatalf("no demo %s quiz", mode)
	return nil
}

// rootCategory is the demo bank's top category.
func (e *env) rootCategory() int {
	e.t.Helper()
	tree, err := e.quiz.CategoryTree(context.Background())
	if err != nil || len(tree) == 0 {
		e.t.Fatalf("category tree: %v", err)
	}
	return tree[0].ID
}

// quizMatrixIDs gives the authorization matrix records of the quizzes area: learner1's attempt at the
// demo practice quiz, a question and an empty category of its own.
func quizMatrixIDs(t *testing.T, e *env) map[string]string {
	ctx := context.Background()
	practice := e.demoQuiz("practice")
	a, err := e.quiz.Start(ctx, practice.ID, e.ids["learner1"])
	if err != nil {
		t.Fatal(err)
	}
	cat, err := e.quiz.CreateCategory(ctx, "矩阵测试", 0)
	if err != nil {
		t.Fatal(err)
	}
	q, err := e.quiz.CreateQuestion(ctx, quizzes.QuestionInput{CategoryID: e.rootCategory(), Kind: quizzes.KindTrueFalse, Stem: "矩阵测试题", Answer: []string{"对"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{":quiz": strconv.Itoa(practice.ID), ":attempt": strconv.Itoa(a.ID),
		":category": strconv.Itoa(cat.ID), ":question": strconv.Itoa(q.ID)}
}

// upload posts a multipart form with one file, as the import page does.
func (c *client) quizUpload(path, filename string, data []byte, fields map[string]string) (int, string) {
	c.e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	_ = w.WriteField("_csrf", c.csrf)
	fw, _ := w.CreateFormFile("file", filename)
	_, _ = fw.Write(data)
	_ = w.Close()
	code, body, _ := c.do(http.MethodPost, path, &buf, map[string]string{"Content-Type": w.FormDataContentType()})
	return code, body
}

// json sends a JSON request with the page's session and CSRF header, as quiz.js does.
func (c *client) quizJSON(method, path string, body any) (int, map[string]any) {
	c.e.t.Helper()
	b, _ := json.Marshal(body)
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(b)
	}
	code, raw, _ := c.do(method, path, r, map[string]string{"Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": c.csrf})
	out := map[string]any{}
	_ = json.Unmarshal([]byte(raw), &out)
	return code, out
}

var hiddenData = regexp.MustCompile(`name="file_data" value="([^"]*)"`)

func sheetXLSX(t *testing.T, rows [][]string) []byte {
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for k, v := range r {
			vals[k] = v
		}
		if err := f.SetSheetRow("Sheet1", cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestQuestionImportEachFormat imports every format through the pages: the preview names each
// problem with its line (or row) and question, nothing is written before the confirm step, and the
// confirm step imports the file carried in the form.
func TestQuestionImportEachFormat(t *testing.T) {
	e := newEnv(t)
	cl := e.client().login("trainer")
	ctx := context.Background()
	cat, err := e.quiz.CreateCategory(ctx, "导入测试", 0)
	if err != nil {
		t.Fatal(err)
	}
	catID := strconv.Itoa(cat.ID)
	cases := []struct {
		name, file string
		data       []byte
		valid      int    // questions that can be imported
		problem    string // text the preview must show, with the line
	}{
		{"gift", "bank.gift", []byte("::Q1:: 轮训完成率目标为100%。{T}\n\n::Q2:: 坏题 {\n=a ~b\n"), 1, "第3行（Q2）"},
		{"aiken", "bank.txt", []byte("题一\nA. 甲\nB. 乙\nANSWER: A\n\n题二\nA. 甲\nB. 乙\nANSWER: C\n"), 1, "第9行（题二）"},
		{"moodle xml", "bank.xml", []byte(`<?xml version="1.0"?>
<quiz>
  <question type="truefalse"><name><text>tf</text></name><questiontext><text>轮训完成率100%</text></questiontext>
    <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
  <question type="matching"><name><text>配对</text></name></question>
</quiz>`), 1, "第5行（配对）"},
		{"csv", "bank.csv", []byte("题型,题干,选项A,选项B,答案\n单选,好题,甲,乙,A\n单选,坏题,甲,乙,E\n"), 1, "第3行（坏题）"},
		{"xlsx", "bank.xlsx", sheetXLSX(t, [][]string{{"题型", "题干", "选项A", "选项B", "答案", "难度"}, {"判断", "好题", "", "", "对", "2"}, {"单选", "难度错", "甲", "乙", "A", "9"}}), 1, "第3行（难度错）"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := e.quiz.SearchQuestions(ctx, quizzes.QuestionFilter{CategoryID: cat.ID})
			code, body := cl.quizUpload("/manage/questions/import/preview", c.file, c.data, map[string]string{"category_id": catID})
			if code != http.StatusOK || !strings.Contains(body, c.problem) {
				t.Fatalf("preview: status %d, want %q in the problems: %s", code, c.problem, problemsOf(body))
			}
			after, _ := e.quiz.SearchQuestions(ctx, quizzes.QuestionFilter{CategoryID: cat.ID})
			if after.Total != before.Total {
				t.Fatalf("the preview wrote questions")
			}
			m := hiddenData.FindStringSubmatch(body)
			if m == nil {
				t.Fatal("the preview does not carry the file to the confirm step")
			}
			form := url.Values{"file_data": {html.UnescapeString(m[1])}, "file_name": {c.file}, "category_id": {catID}}
			// Without "valid only" a file with problems is refused as a whole; a kind we do not
			// support is only skipped (Moodle's matching question here).
			if !strings.Contains(c.problem, "配对") {
				if code, body, _ := cl.post("/manage/questions/import", form); code != http.StatusUnprocessableEntity || !strings.Contains(body, "未导入任何试题") {
					t.Fatalf("import of a file with problems: status %d %s", code, problemsOf(body))
				}
				form.Set("valid_only", "1")
			}
			if code, body, _ := cl.post("/manage/questions/import", form); code != http.StatusOK || !strings.Contains(body, fmt.Sprintf("已导入 %d 道题", c.valid)) {
				t.Fatalf("import: status %d %.400s", code, body)
			}
			after, _ = e.quiz.SearchQuestions(ctx, quizzes.QuestionFilter{CategoryID: cat.ID})
			if after.Total != before.Total+c.valid {
				t.Fatalf("%d questions after the import, want %d", after.Total, before.Total+c.valid)
			}
		})
	}
	// The templates download and import cleanly.
	for _, f := range []string{"xlsx", "csv"} {
		code, body := cl.get("/manage/questions/template?format=" + f)
		if code != http.StatusOK || len(body) < 50 {
			t.Fatalf("template %s: %d", f, code)
		}
		code, page := cl.quizUpload("/manage/questions/import/preview", "template."+f, []byte(body), nil)
		if code != http.StatusOK || !strings.Contains(page, "可导入 5 道题") {
			t.Fatalf("template %s does not preview 5 questions: %d %s", f, code, problemsOf(page))
		}
	}
	// Exports.
	for _, f := range []string{"xlsx", "gift"} {
		code, body := cl.get("/manage/questions/export?format=" + f + "&category=" + strconv.Itoa(e.rootCategory()))
		if code != http.StatusOK || len(body) < 100 {
			t.Fatalf("export %s: %d", f, code)
		}
	}
	// Through the API, with the problems and their lines in JSON.
	code, out := e.api(e.token("trainer"), http.MethodPost, "/api/v1/questions/import", map[string]any{"filename": "x.csv",
		"data": b64(cases[3].data)})
	probs, _ := out["problems"].([]any)
	if code != http.StatusOK || len(probs) != 1 || probs[0].(map[string]any)["line"] != float64(3) {
		t.Fatalf("API preview: %d %v", code, out)
	}
}

func b64(b []byte) string { return stdbase64.StdEncoding.EncodeToString(b) }

var problemList = regexp.MustCompile(`(?s)<ul class="problems">.*?</ul>|<span class="field-error"[^>]*>[^<]*</span>|<p class="error"[^>]*>[^<]*</p>`)

func problemsOf(body string) string { return strings.Join(problemList.FindAllString(body, -1), " ") }

// TestQuizUnsatisfiableRule: a rule the bank cannot satisfy is refused when the quiz is saved, with
// the numbers beside the rule, and nothing is saved.
func TestQuizUnsatisfiableRule(t *testing.T) {
	e := newEnv(t)
	cl := e.client().login("trainer")
	root := strconv.Itoa(e.rootCategory())
	before, _ := e.quiz.Quizzes(context.Background(), "")
	form := url.Values{"title": {"规则测试"}, "mode": {"exam"}, "time_limit": {"30"}, "pass_score": {"1"}, "attempts_allowed": {"1"},
		"rule_count": {"", "40", ""}, "rule_kind": {"single", "short_answer", "single"}, "rule_category": {"", root, ""},
		"rule_points": {"", "2", ""}, "rule_difficulty": {"", "", ""}, "rule_ids": {"", "", ""}}
	code, body, _ := cl.post("/manage/quizzes", form)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", code)
	}
	re := regexp.MustCompile(`id="rule-1".*?第 1 条规则需要 40 道题，该分类只有 (\d+) 道可用`)
	if !re.MatchString(strings.ReplaceAll(body, "\n", " ")) {
		t.Fatalf("the refusal does not give the numbers beside the rule's row: %s", problemsOf(body))
	}
	after, _ := e.quiz.Quizzes(context.Background(), "")
	if len(after) != len(before) {
		t.Fatal("a quiz was saved")
	}
	// The same quiz with a satisfiable rule is saved and can be published.
	form.Set("rule_count", "")
	form["rule_count"] = []string{"", "1", ""}
	form.Set("publish", "1")
	if code, body, _ := cl.post("/manage/quizzes", form); code != http.StatusSeeOther {
		t.Fatalf("saving a good quiz: %d %s", code, problemsOf(body))
	}
}

// startAttempt starts (or resumes) the client's attempt at a quiz through the pages.
func (c *client) quizStart(quizID int) int {
	c.e.t.Helper()
	code, _, resp := c.post("/quizzes/"+strconv.Itoa(quizID)+"/start", nil)
	loc := resp.Header.Get("Location")
	if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/attempts/") {
		c.e.t.Fatalf("starting quiz %d: %d %s", quizID, code, loc)
	}
	id, _ := strconv.Atoi(strings.TrimPrefix(loc, "/attempts/"))
	return id
}

// paper reads an attempt's questions through the API.
func (c *client) quizPaper(attemptID int) []map[string]any {
	c.e.t.Helper()
	code, out := c.quizJSON(http.MethodGet, "/api/v1/attempts/"+strconv.Itoa(attemptID), nil)
	if code != http.StatusOK {
		c.e.t.Fatalf("reading attempt %d: %d %v", attemptID, code, out)
	}
	var qs []map[string]any
	for _, q := range out["questions"].([]any) {
		qs = append(qs, q.(map[string]any))
	}
	return qs
}

// anAnswer is some valid response to a question of the paper.
func anAnswer(q map[string]any) []string {
	switch q["kind"] {
	case "single", "multiple":
		return []string{q["options"].([]any)[0].(map[string]any)["Key"].(string)}
	case "true_false":
		return []string{"true"}
	}
	return []string{"答案"}
}

func (c *client) quizSave(attemptID int, q map[string]any, resp []string, seq int) (int, map[string]any) {
	return c.quizJSON(http.MethodPost, "/api/v1/attempts/"+strconv.Itoa(attemptID)+"/answers",
		map[string]any{"question_id": q["question_id"], "response": resp, "seq": seq})
}

// TestAttemptDeadline: answers are taken until the deadline plus the grace, then refused; the
// attempt is submitted lazily on the next access.
func TestAttemptDeadline(t *testing.T) {
	e := newEnv(t)
	exam := e.demoQuiz("exam")
	cl := e.client().login("learner1")
	id := cl.quizStart(exam.ID)
	qs := cl.quizPaper(id)
	if code, out := cl.quizSave(id, qs[0], anAnswer(qs[0]), 1); code != http.StatusOK || out["saved"] != true {
		t.Fatalf("first save: %d %v", code, out)
	}
	e.clock.Add(time.Duration(exam.TimeLimitSeconds)*time.Second + 10*time.Second) // inside the grace
	if code, out := cl.quizSave(id, qs[1], anAnswer(qs[1]), 2); code != http.StatusOK {
		t.Fatalf("save within the grace: %d %v", code, out)
	}
	e.clock.Add(quizzes.DefaultGrace)
	code, out := cl.quizSave(id, qs[2], anAnswer(qs[2]), 3)
	if code != http.StatusConflict || out["error"].(map[string]any)["code"] != "attempt.deadline_passed" {
		t.Fatalf("save after the deadline and grace: %d %v", code, out)
	}
	saved, _ := e.quiz.SavedAnswers(context.Background(), id)
	if a := saved[int(qs[2]["question_id"].(float64))]; a.Seq != 0 {
		t.Fatal("the late answer was written")
	}
	a, _ := e.quiz.Attempt(context.Background(), id, 0)
	if a.Status == quizzes.StatusInProgress {
		t.Fatal("the expired attempt was not submitted")
	}
	// The page now shows the result, not the form.
	if code, body := cl.get("/attempts/" + strconv.Itoa(id)); code != http.StatusOK || strings.Contains(body, `id="submit-form"`) || !strings.Contains(body, "得分") {
		t.Fatalf("page after the deadline: %d", code)
	}
}

// TestAttemptResumeAfterRestart: a second server over the same database (a restart) resumes the
// attempt with its saved answers, and the learner finishes through it.
func TestAttemptResumeAfterRestart(t *testing.T) {
	e := newEnv(t)
	exam := e.demoQuiz("exam")
	cl := e.client().login("learner1")
	id := cl.quizStart(exam.ID)
	qs := cl.quizPaper(id)
	first := anAnswer(qs[0])
	if code, _ := cl.quizSave(id, qs[0], first, 5); code != http.StatusOK {
		t.Fatal("save failed")
	}
	// Restart: a new quizzes service (empty caches) and a new handler over the same database.
	qz := quizzes.New(e.db, e.clock.Now, nil)
	s2, err := handlers.New(handlers.Deps{DB: e.db, Accounts: e.acc, Courses: e.courses, Quizzes: qz, Version: "restarted", Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv2 := httptest.NewServer(s2)
	defer srv2.Close()
	e.srv.Close()
	e.srv = srv2
	code, _, resp := cl.do(http.MethodGet, "/quizzes/"+strconv.Itoa(exam.ID)+"/start", nil, nil)
	if code != http.StatusSeeOther || resp.Header.Get("Location") != "/attempts/"+strconv.Itoa(id) {
		t.Fatalf("reopening the quiz: %d %s, want the same attempt %d", code, resp.Header.Get("Location"), id)
	}
	code, body := cl.get("/attempts/" + strconv.Itoa(id))
	if code != http.StatusOK || !strings.Contains(body, `data-saved="1"`) {
		t.Fatalf("the resumed page does not show the saved answer: %d", code)
	}
	qs2 := cl.quizPaper(id)
	if fmt.Sprint(qs2[0]["response"]) != fmt.Sprint([]any{first[0]}) || qs2[0]["seq"] != float64(5) {
		t.Fatalf("saved answer after restart: %v seq %v", qs2[0]["response"], qs2[0]["seq"])
	}
	// An older answer (lower seq) does not overwrite the newer one.
	if code, out := cl.quizSave(id, qs[0], anAnswer(qs[0]), 4); code != http.StatusOK || out["saved"] != false {
		t.Fatalf("older answer: %d %v", code, out)
	}
	for i, q := range qs[1:] {
		if code, out := cl.quizSave(id, q, anAnswer(q), 10+i); code != http.StatusOK {
			t.Fatalf("save after restart: %d %v", code, out)
		}
	}
	if code, _, resp := cl.post("/attempts/"+strconv.Itoa(id)+"/submit", nil); code != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "attempt_submitted") {
		t.Fatalf("submit: %d", code)
	}
	if code, body := cl.get("/attempts/" + strconv.Itoa(id)); code != http.StatusOK || !strings.Contains(body, "得分：") {
		t.Fatalf("result page: %d", code)
	}
}

// TestAttemptDoubleSubmit: many submits at once through HTTP grade the attempt once.
func TestAttemptDoubleSubmit(t *testing.T) {
	e := newEnv(t)
	comp := e.demoQuiz("competition")
	cl := e.client().login("learner1")
	id := cl.quizStart(comp.ID)
	qs := cl.quizPaper(id)
	for i, q := range qs {
		cl.quizSave(id, q, anAnswer(q), i+1)
	}
	var wg sync.WaitGroup
	codes := make([]int, 8)
	scores := make([]any, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = submitJSON(t, e, cl, id, &scores[i])
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK || scores[i] != scores[0] {
			t.Fatalf("submit %d: %d score %v vs %v", i, c, scores[i], scores[0])
		}
	}
	rows, err := e.quiz.QuizResults(context.Background(), comp.ID)
	if err != nil || len(rows) != 1 || rows[0].Status != quizzes.StatusGraded {
		t.Fatalf("results after a double submit: %v %v", rows, err)
	}
	// And no second attempt (competition: one allowed).
	if code, _, _ := cl.post("/quizzes/"+strconv.Itoa(comp.ID)+"/start", nil); code != http.StatusConflict {
		t.Fatalf("a second attempt at a one-attempt competition: %d", code)
	}
}

func submitJSON(t *testing.T, e *env, cl *client, id int, score *any) (int, map[string]any) {
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/attempts/"+strconv.Itoa(id)+"/submit", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", cl.csrf)
	resp, err := cl.http.Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	*score = out["score"]
	return resp.StatusCode, out
}

// TestAttemptOfAnotherPerson: a learner can neither read nor answer nor submit another's attempt.
func TestAttemptOfAnotherPerson(t *testing.T) {
	e := newEnv(t)
	practice := e.demoQuiz("practice")
	owner := e.client().login("learner1")
	id := owner.quizStart(practice.ID)
	qs := owner.quizPaper(id)
	other := e.client().login("learner2")
	tok := e.token("learner2")
	path := "/api/v1/attempts/" + strconv.Itoa(id)
	checks := []struct {
		name string
		code func() int
	}{
		{"page", func() int { c, _ := other.get("/attempts/" + strconv.Itoa(id)); return c }},
		{"submit form", func() int { c, _, _ := other.post("/attempts/"+strconv.Itoa(id)+"/submit", nil); return c }},
		{"api read", func() int { c, _ := other.quizJSON(http.MethodGet, path, nil); return c }},
		{"api answer", func() int { c, _ := other.quizSave(id, qs[0], anAnswer(qs[0]), 99); return c }},
		{"api answer (token)", func() int {
			c, _ := e.api(tok, http.MethodPost, path+"/answers", map[string]any{"question_id": qs[0]["question_id"], "response": anAnswer(qs[0]), "seq": 99})
			return c
		}},
		{"api submit (token)", func() int { c, _ := e.api(tok, http.MethodPost, path+"/submit", nil); return c }},
	}
	for _, c := range checks {
		if got := c.code(); got != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", c.name, got)
		}
	}
	if a, _ := e.quiz.Attempt(context.Background(), id, 0); a.Status != quizzes.StatusInProgress {
		t.Fatal("another person submitted the attempt")
	}
	saved, _ := e.quiz.SavedAnswers(context.Background(), id)
	if ans := saved[int(qs[0]["question_id"].(float64))]; ans != nil {
		t.Fatalf("another person's answer was saved: seq %d", ans.Seq)
	}
	// Practice gives right or wrong at once to the owner.
	code, out := owner.quizSave(id, qs[0], anAnswer(qs[0]), 1)
	if code != http.StatusOK || out["correct"] == nil {
		t.Fatalf("practice feedback: %d %v", code, out)
	}
}

// TestQuizTrainerPagesRefusedToLearners: every trainer page answers 403 to a learner.
func TestQuizTrainerPagesRefusedToLearners(t *testing.T) {
	e := newEnv(t)
	cl := e.client().login("learner1")
	q := strconv.Itoa(e.demoQuiz("exam").ID)
	for _, p := range []string{"/manage/questions", "/manage/questions/new", "/manage/questions/import", "/manage/quizzes",
		"/manage/quizzes/new", "/manage/quizzes/" + q, "/manage/quizzes/" + q + "/results", "/manage/quizzes/" + q + "/statistics",
		"/manage/quizzes/" + q + "/grading", "/manage/quizzes/" + q + "/ranking", "/manage/questions/export?format=gift"} {
		if code, _ := cl.get(p); code != http.StatusForbidden {
			t.Errorf("GET %s as a learner: %d", p, code)
		}
	}
	if code, _ := e.api(e.token("learner1"), http.MethodGet, "/api/v1/questions", nil); code != http.StatusForbidden {
		t.Errorf("question API as a learner: %d", code)
	}
}

// TestQuizLearnerJourneyThroughPages: the list, a practice attempt, review, the wrong-question book
// and its personal practice quiz, which no one else sees.
func TestQuizLearnerJourneyThroughPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	practice := e.demoQuiz("practice")
	cl := e.client().login("learner1")
	code, body := cl.get("/quizzes")
	if code != http.StatusOK || !strings.Contains(body, practice.Title) {
		t.Fatalf("quiz list: %d", code)
	}
	id := cl.quizStart(practice.ID)
	qs := cl.quizPaper(id)
	for i, q := range qs { // answer everything wrongly
		var resp []string
		switch q["kind"] {
		case "true_false":
			resp = []string{"false"}
			if code, out := cl.quizSave(id, q, resp, i+1); code != http.StatusOK || out["correct"] == true {
				resp = []string{"true"}
				cl.quizSave(id, q, resp, i+100)
			}
			continue
		case "fill_blank":
			resp = []string{"不知道"}
		default:
			resp = anAnswer(q)
		}
		if code, out := cl.quizSave(id, q, resp, i+1); code != http.StatusOK {
			t.Fatalf("save: %d %v", code, out)
		}
	}
	if code, _, _ := cl.post("/attempts/"+strconv.Itoa(id)+"/submit", nil); code != http.StatusSeeOther {
		t.Fatal("submit")
	}
	code, body = cl.get("/attempts/" + strconv.Itoa(id))
	if code != http.StatusOK || !strings.Contains(body, "正确答案") {
		t.Fatalf("review after submit: %d", code)
	}
	if code, body = cl.get("/my/attempts"); !strings.Contains(body, practice.Title) {
		t.Fatal("my attempts does not list the attempt")
	}
	book, _ := e.quiz.WrongBook(ctx, e.ids["learner1"])
	if len(book) == 0 {
		t.Fatal("nothing in the wrong-question book")
	}
	if code, body = cl.get("/my/wrong-book"); code != http.StatusOK || !strings.Contains(body, book[0].Question.Stem) {
		t.Fatalf("wrong-question book page: %d", code)
	}
	code, _, resp := cl.post("/my/wrong-book/practice", nil)
	if code != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/attempts/") {
		t.Fatalf("practise these: %d", code)
	}
	pid, _ := strconv.Atoi(strings.TrimPrefix(resp.Header.Get("Location"), "/attempts/"))
	pa, _ := e.quiz.Attempt(ctx, pid, 0)
	// The personal quiz is the learner's alone.
	other := e.client().login("learner2")
	if _, body := other.get("/quizzes"); strings.Contains(body, "错题练习") {
		t.Fatal("another learner sees the personal practice quiz")
	}
	if code, _, _ := other.post("/quizzes/"+strconv.Itoa(pa.QuizID)+"/start", nil); code != http.StatusNotFound {
		t.Fatalf("another learner starting the personal quiz: %d", code)
	}
	if code, _ := e.client().login("trainer").get("/manage/quizzes/" + strconv.Itoa(pa.QuizID)); code != http.StatusNotFound {
		t.Fatalf("the personal quiz on the trainer pages: %d", code)
	}
}

// TestQuizResultsScope: trainers see every result, a manager only their units', and the export
// follows the same scope.
func TestQuizResultsScope(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	comp := e.demoQuiz("competition")
	for _, who := range []string{"learner1", "learner2"} {
		a, err := e.quiz.Start(ctx, comp.ID, e.ids[who])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.quiz.Submit(ctx, a.ID, e.ids[who]); err != nil {
			t.Fatal(err)
		}
	}
	path := "/manage/quizzes/" + strconv.Itoa(comp.ID) + "/results"
	_, trainerPage := e.client().login("trainer").get(path)
	_, managerPage := e.client().login("manager").get(path)
	if !strings.Contains(trainerPage, "王执法") || !strings.Contains(trainerPage, "李协管") {
		t.Fatal("the trainer does not see every result")
	}
	if !strings.Contains(managerPage, "王执法") || strings.Contains(managerPage, "李协管") {
		t.Fatal("the manager should see 良渚中队's 王执法 and not 余杭中队's 李协管")
	}
	code, x := e.client().login("manager").get(path + ".xlsx")
	f, err := excelize.OpenReader(strings.NewReader(x))
	if code != http.StatusOK || err != nil {
		t.Fatalf("export: %d %v", code, err)
	}
	rows, _ := f.GetRows("Sheet1")
	if len(rows) != 2 {
		t.Fatalf("manager export has %d rows, want header + 1", len(rows))
	}
	// Statistics and rankings render for the trainer.
	tr := e.client().login("trainer")
	for _, p := range []string{"/statistics", "/ranking", "/grading"} {
		if code, _ := tr.get("/manage/quizzes/" + strconv.Itoa(comp.ID) + p); code != http.StatusOK {
			t.Errorf("%s: %d", p, code)
		}
	}
}

// TestQuizChangedOnlyByItsTrainer: another trainer may read a quiz's results but not edit it or
// open and close it; its own trainer and administrators may.
func TestQuizChangedOnlyByItsTrainer(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.acc.CreatePerson(ctx, accounts.System, accounts.PersonInput{Username: "trainer2", Name: "林培训",
		UnitID: e.ids["unit:YH-ZCFG"], Category: "staff", Roles: []string{accounts.RoleTrainer}, Password: accounts.DemoPassword}); err != nil {
		t.Fatal(err)
	}
	exam := e.demoQuiz("exam")
	id := strconv.Itoa(exam.ID)
	other := e.client().login("trainer2")
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/manage/quizzes/" + id, http.StatusForbidden},
		{"POST", "/manage/quizzes/" + id + "/status", http.StatusForbidden},
		{"GET", "/manage/quizzes/" + id + "/statistics", http.StatusOK},
	} {
		var code int
		if c.method == "GET" {
			code, _ = other.get(c.path)
		} else {
			code, _, _ = other.post(c.path, url.Values{"status": {"archived"}})
		}
		if code != c.status {
			t.Errorf("another trainer %s %s: %d, want %d", c.method, c.path, code, c.status)
		}
	}
	if code, _ := e.client().login("trainer").get("/manage/quizzes/" + id); code != http.StatusOK {
		t.Errorf("its own trainer: %d", code)
	}
}
