package handlers

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"peixun/ent"
	"peixun/fault"
	"peixun/quizzes"
)

// maxQuestionFile bounds an import upload (the domain refuses more than 20 MB too).
const maxQuestionFile = 20 << 20

// CategoryRow is a category of the tree, flattened with its depth for indentation.
type CategoryRow struct {
	*quizzes.CategoryNode
	Depth int
	Label string // the name indented for a <select>
}

// BankView is the question bank page.
type BankView struct {
	Categories []CategoryRow
	CatNames   map[int]string
	Filter     quizzes.QuestionFilter
	Result     *quizzes.QuestionPage
	Pages      int
	Kinds      []string
}

// QuestionFormView is the question form (new, or a new version of an existing question).
type QuestionFormView struct {
	Question   *ent.Question // nil when new
	History    []*ent.Question
	Categories []CategoryRow
	Kinds      []string
	Values     map[string]string
}

// ImportView is the import page: the form, a preview, or the result.
type ImportView struct {
	Categories []CategoryRow
	CategoryID int
	Format     string
	Formats    []string
	Preview    *quizzes.Preview
	Problems   []string
	Blocking   bool
	FileName   string
	FileData   string
	Imported   int
}

// paramID reads a numeric path parameter; anything else is "not found".
func paramID(c echo.Context, name string) (int, error) {
	id, err := strconv.Atoi(c.Param(name))
	if err != nil || id <= 0 {
		return 0, fault.NotFoundf("record")
	}
	return id, nil
}

// categoryRows flattens the category tree in display order.
func (s *Server) categoryRows(c echo.Context) ([]CategoryRow, map[int]string, error) {
	tree, err := s.Quizzes.CategoryTree(c.Request().Context())
	if err != nil {
		return nil, nil, err
	}
	var rows []CategoryRow
	names := map[int]string{}
	var walk func(ns []*quizzes.CategoryNode, depth int, prefix string)
	walk = func(ns []*quizzes.CategoryNode, depth int, prefix string) {
		for _, n := range ns {
			full := prefix + n.Name
			names[n.ID] = full
			rows = append(rows, CategoryRow{CategoryNode: n, Depth: min(depth, 6), Label: strings.Repeat("　", depth) + n.Name})
			walk(n.Children, depth+1, full+" / ")
		}
	}
	walk(tree, 0, "")
	return rows, names, nil
}

func (s *Server) questionBank(c echo.Context) error {
	f := quizzes.QuestionFilter{Text: c.QueryParam("q"), Kind: c.QueryParam("kind"), Statute: c.QueryParam("statute"),
		Tag: c.QueryParam("tag"), Status: c.QueryParam("status")}
	f.CategoryID, _ = strconv.Atoi(c.QueryParam("category"))
	f.Difficulty, _ = strconv.Atoi(c.QueryParam("difficulty"))
	f.Page, _ = strconv.Atoi(c.QueryParam("page"))
	if f.Kind != "" && !contains(quizzes.Kinds, f.Kind) {
		f.Kind = ""
	}
	if f.Status != "" && !contains([]string{"active", "superseded", "retired", "all"}, f.Status) {
		f.Status = ""
	}
	cats, names, err := s.categoryRows(c)
	if err != nil {
		return err
	}
	res, err := s.Quizzes.SearchQuestions(c.Request().Context(), f)
	if err != nil {
		if fault.Is(err, fault.Invalid) { // an unknown category in the query: show everything
			f.CategoryID = 0
			res, err = s.Quizzes.SearchQuestions(c.Request().Context(), f)
		}
		if err != nil {
			return err
		}
	}
	v := BankView{Categories: cats, CatNames: names, Filter: f, Result: res, Kinds: quizzes.Kinds,
		Pages: (res.Total + res.PerPage - 1) / res.PerPage}
	return s.render(c, http.StatusOK, "question_bank.html", s.page(c, "title.questions", v))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// questionInput binds the question form. Options are one per line; the answer is option letters
// (choice), 对/错 (true/false), or accepted answers separated by | (fill-in).
func questionInput(c echo.Context) (quizzes.QuestionInput, error) {
	form, err := c.FormParams()
	if err != nil {
		return quizzes.QuestionInput{}, fault.New(fault.Invalid, "form.unreadable")
	}
	in := quizzes.QuestionInput{Kind: form.Get("kind"), Stem: form.Get("stem"), Explanation: form.Get("explanation"),
		Statute: form.Get("statute"), Article: form.Get("article")}
	if in.CategoryID, err = strconv.Atoi(form.Get("category_id")); err != nil {
		return in, fault.Field("category_id", "question.category_required")
	}
	if v := strings.TrimSpace(form.Get("difficulty")); v != "" {
		if in.Difficulty, err = strconv.Atoi(v); err != nil {
			return in, fault.Field("difficulty", "quiz.bad_number")
		}
	}
	for _, l := range strings.Split(form.Get("options"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			in.Options = append(in.Options, l)
		}
	}
	in.Tags = splitTags(form.Get("tags"))
	in.Answer = splitAnswer(in.Kind, form.Get("answer"))
	return in, nil
}

func splitTags(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' })
}

// splitAnswer reads the answer field: "AC", "A,C" or "A C" for choices; "a | b" for fill-in.
func splitAnswer(kind, s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	switch kind {
	case quizzes.KindSingle, quizzes.KindMultiple:
		var out []string
		for _, r := range s {
			if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
				out = append(out, strings.ToUpper(string(r)))
			}
		}
		return out
	case quizzes.KindFillBlank:
		var out []string
		for _, p := range strings.Split(s, "|") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	return []string{s}
}

// questionValues turns an input back into form values.
func questionValues(in quizzes.QuestionInput) map[string]string {
	sep := ""
	switch in.Kind {
	case quizzes.KindFillBlank:
		sep = " | "
	case quizzes.KindTrueFalse:
		if len(in.Answer) == 1 {
			in.Answer = []string{map[string]string{"true": "对", "false": "错"}[in.Answer[0]]}
		}
	}
	return map[string]string{"category_id": strconv.Itoa(in.CategoryID), "kind": in.Kind, "stem": in.Stem,
		"options": strings.Join(in.Options, "\n"), "answer": strings.Join(in.Answer, sep), "explanation": in.Explanation,
		"difficulty": strconv.Itoa(in.Difficulty), "tags": strings.Join(in.Tags, ", "), "statute": in.Statute, "article": in.Article}
}

func (s *Server) questionForm(c echo.Context, q *ent.Question, status int, err error) error {
	cats, _, cerr := s.categoryRows(c)
	if cerr != nil {
		return cerr
	}
	v := QuestionFormView{Question: q, Categories: cats, Kinds: quizzes.Kinds, Values: map[string]string{"difficulty": "3", "kind": quizzes.KindSingle}}
	if cat := c.QueryParam("category"); cat != "" {
		v.Values["category_id"] = cat
	}
	title := "title.question_new"
	if q != nil {
		title = "title.question_edit"
		v.Values = questionValues(quizzes.InputOf(q))
		if v.History, cerr = s.Quizzes.History(c.Request().Context(), q.ID); cerr != nil {
			return cerr
		}
	}
	p := s.page(c, title, v)
	if err != nil {
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		form, _ := c.FormParams()
		for k := range form {
			if k != csrfField {
				v.Values[k] = form.Get(k)
			}
		}
		p.Data = v
	}
	return s.render(c, status, "question_form.html", p)
}

func (s *Server) newQuestionPage(c echo.Context) error {
	return s.questionForm(c, nil, http.StatusOK, nil)
}

func (s *Server) createQuestion(c echo.Context) error {
	in, err := questionInput(c)
	if err == nil {
		var q *ent.Question
		if q, err = s.Quizzes.CreateQuestion(c.Request().Context(), in, actorOf(c).PersonID); err == nil {
			return redirect(c, "/manage/questions/"+strconv.Itoa(q.ID)+"?ok=question_saved")
		}
	}
	return s.questionForm(c, nil, http.StatusUnprocessableEntity, err)
}

func (s *Server) editQuestionPage(c echo.Context) error {
	id, err := paramID(c, "question")
	if err != nil {
		return err
	}
	q, err := s.Quizzes.Question(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.questionForm(c, q, http.StatusOK, nil)
}

func (s *Server) updateQuestion(c echo.Context) error {
	id, err := paramID(c, "question")
	if err != nil {
		return err
	}
	old, err := s.Quizzes.Question(c.Request().Context(), id)
	if err != nil {
		return err
	}
	in, err := questionInput(c)
	if err == nil {
		var q *ent.Question
		if q, err = s.Quizzes.EditQuestion(c.Request().Context(), id, in, actorOf(c).PersonID); err == nil {
			return redirect(c, "/manage/questions/"+strconv.Itoa(q.ID)+"?ok=question_versioned")
		}
	}
	return s.questionForm(c, old, http.StatusUnprocessableEntity, err)
}

func (s *Server) retireQuestion(c echo.Context) error {
	id, err := paramID(c, "question")
	if err != nil {
		return err
	}
	if err := s.Quizzes.RetireQuestion(c.Request().Context(), id); err != nil {
		return err
	}
	return redirect(c, "/manage/questions?ok=question_retired")
}

// categoryError shows a category problem on the bank page, beside the form that caused it.
func (s *Server) categoryError(c echo.Context, err error) error {
	if f, ok := fault.As(err); !ok || (f.Kind != fault.Invalid && f.Kind != fault.Conflict) {
		return err
	}
	f, _ := fault.As(err)
	cats, names, cerr := s.categoryRows(c)
	if cerr != nil {
		return cerr
	}
	res, serr := s.Quizzes.SearchQuestions(c.Request().Context(), quizzes.QuestionFilter{})
	if serr != nil {
		return serr
	}
	v := BankView{Categories: cats, CatNames: names, Result: res, Kinds: quizzes.Kinds, Pages: (res.Total + res.PerPage - 1) / res.PerPage}
	p := s.page(c, "title.questions", v)
	p.Errors["category"] = s.message(p.Lang, f)
	status := http.StatusUnprocessableEntity
	if f.Kind == fault.Conflict {
		status = http.StatusConflict
	}
	return s.render(c, status, "question_bank.html", p)
}

func (s *Server) createCategory(c echo.Context) error {
	parent, _ := strconv.Atoi(c.FormValue("parent_id"))
	cat, err := s.Quizzes.CreateCategory(c.Request().Context(), c.FormValue("name"), parent)
	if err != nil {
		return s.categoryError(c, err)
	}
	return redirect(c, "/manage/questions?category="+strconv.Itoa(cat.ID)+"&ok=category_saved")
}

func (s *Server) renameCategory(c echo.Context) error {
	id, err := paramID(c, "category")
	if err != nil {
		return err
	}
	if _, err := s.Quizzes.RenameCategory(c.Request().Context(), id, c.FormValue("name")); err != nil {
		return s.categoryError(c, err)
	}
	return redirect(c, "/manage/questions?category="+strconv.Itoa(id)+"&ok=category_saved")
}

func (s *Server) deleteCategory(c echo.Context) error {
	id, err := paramID(c, "category")
	if err != nil {
		return err
	}
	if err := s.Quizzes.DeleteCategory(c.Request().Context(), id); err != nil {
		return s.categoryError(c, err)
	}
	return redirect(c, "/manage/questions?ok=category_deleted")
}

// importFile reads the file of the preview or the confirm step.
func importFile(c echo.Context) (string, []byte, error) {
	return carriedFile(c, maxQuestionFile, "import.too_large")
}

var importFormats = []string{quizzes.FormatXLSX, quizzes.FormatCSV, quizzes.FormatGIFT, quizzes.FormatAiken, quizzes.FormatMoodleXML}

func (s *Server) importView(c echo.Context) (ImportView, error) {
	cats, _, err := s.categoryRows(c)
	v := ImportView{Categories: cats, Formats: importFormats, Format: c.FormValue("format")}
	v.CategoryID, _ = strconv.Atoi(c.FormValue("category_id"))
	return v, err
}

func (s *Server) questionImportPage(c echo.Context) error {
	v, err := s.importView(c)
	if err != nil {
		return err
	}
	v.CategoryID, _ = strconv.Atoi(c.QueryParam("category"))
	return s.render(c, http.StatusOK, "question_import.html", s.page(c, "title.question_import", v))
}

// importProblems renders every problem as "Line 12 (name): message".
func (s *Server) importProblems(lang string, problems []quizzes.Problem) []string {
	out := make([]string, 0, len(problems))
	for _, pr := range problems {
		args := map[string]any{"detail": pr.Detail}
		for k, v := range pr.Args {
			args[k] = v
		}
		msg := s.message(lang, &fault.Error{Kind: fault.Invalid, Code: pr.Code, Field: pr.Field, Args: args})
		key := "import.problem"
		if pr.Skipped {
			key = "import.problem_skipped"
		}
		out = append(out, s.cat.T(lang, key, map[string]any{"line": pr.Line, "name": pr.Name, "message": msg}))
	}
	return out
}

func (s *Server) questionImportPreview(c echo.Context) error {
	v, err := s.importView(c)
	if err != nil {
		return err
	}
	p := s.page(c, "title.question_import", v)
	name, data, err := importFile(c)
	var pv *quizzes.Preview
	if err == nil {
		if v.Format != "" && !contains(importFormats, v.Format) {
			err = fault.Field("format", "import.format_unknown", "format", v.Format)
		} else {
			pv, err = s.Quizzes.PreviewImport(v.Format, name, data)
		}
	}
	if err != nil {
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, "question_import.html", p)
	}
	v.Preview, v.Problems, v.Blocking = pv, s.importProblems(p.Lang, pv.Problems), pv.Blocking()
	v.FileName, v.FileData, v.Format = name, base64.StdEncoding.EncodeToString(data), pv.Format
	p.Data = v
	return s.render(c, http.StatusOK, "question_import.html", p)
}

func (s *Server) questionImport(c echo.Context) error {
	v, err := s.importView(c)
	if err != nil {
		return err
	}
	p := s.page(c, "title.question_import", v)
	name, data, err := importFile(c)
	if err != nil {
		return err
	}
	if v.Format != "" && !contains(importFormats, v.Format) {
		return fault.Field("format", "import.format_unknown", "format", v.Format)
	}
	pv, err := s.Quizzes.PreviewImport(v.Format, name, data)
	if err == nil {
		v.Imported, err = s.Quizzes.ConfirmImport(c.Request().Context(), pv, quizzes.ImportOptions{CategoryID: v.CategoryID,
			AuthorID: actorOf(c).PersonID, ValidOnly: c.FormValue("valid_only") == "1"})
	}
	if err != nil {
		if err := s.formErrors(c, p, err); err != nil {
			return err
		}
		if pv != nil {
			v.Preview, v.Problems, v.Blocking = pv, s.importProblems(p.Lang, pv.Problems), pv.Blocking()
			v.FileName, v.FileData = name, c.FormValue("file_data")
		}
		p.Data = v
		return s.render(c, http.StatusUnprocessableEntity, "question_import.html", p)
	}
	p.Data = v
	p.Flash = p.T("import.done", "n", v.Imported)
	return s.render(c, http.StatusOK, "question_import.html", p)
}

func (s *Server) questionTemplate(c echo.Context) error {
	switch c.QueryParam("format") {
	case "", "xlsx":
		b, err := quizzes.TemplateXLSX()
		if err != nil {
			return err
		}
		setDownload(c, "question-template.xlsx", "xlsx")
		_, err = c.Response().Write(b)
		return err
	case "csv":
		setDownload(c, "question-template.csv", "csv")
		_, err := c.Response().Write(quizzes.TemplateCSV())
		return err
	}
	return fault.Field("format", "import.format_unknown", "format", c.QueryParam("format"))
}

func (s *Server) questionExport(c echo.Context) error {
	cat, _ := strconv.Atoi(c.QueryParam("category"))
	ctx := c.Request().Context()
	var buf bytes.Buffer
	switch c.QueryParam("format") {
	case "", "xlsx":
		if err := s.Quizzes.ExportXLSX(ctx, cat, &buf); err != nil {
			return err
		}
		setDownload(c, "questions.xlsx", "xlsx")
	case "gift":
		if err := s.Quizzes.ExportGIFT(ctx, cat, &buf); err != nil {
			return err
		}
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, "text/plain; charset=utf-8")
		h.Set(echo.HeaderContentDisposition, `attachment; filename="questions.gift.txt"`)
		c.Response().WriteHeader(http.StatusOK)
	default:
		return fault.Field("format", "import.format_unknown", "format", c.QueryParam("format"))
	}
	_, err := c.Response().Write(buf.Bytes())
	return err
}
