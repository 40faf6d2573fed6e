package handlers

import (
	"errors"
	"html/template"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"peixun/courses"
	"peixun/ent"
	"peixun/fault"
)

// uploadPath is the one route whose body may exceed the global body limit: it streams the file to
// the blob store and the service enforces its own limit per kind.
const uploadPath = "/manage/materials"

// keyRawBody holds the request body of an upload before the global body limit wraps it.
const keyRawBody = "courses.raw_body"

// multipartSlack is what a multipart request may carry beyond the file itself (boundaries, headers,
// the other small fields).
const multipartSlack = 1 << 20

// LessonForm holds a lesson form's values.
type LessonForm struct {
	Title, Kind, Body, URL, MinSeconds, DurationSeconds string
	MaterialID                                          int
}

// LessonEditView is the lesson form, new or existing.
type LessonEditView struct {
	Course   *ent.Course
	Lesson   *ent.Lesson // nil when new
	Form     LessonForm
	Material *ent.Material // the chosen file, if any
	Preview  template.HTML // the sanitized body as stored
	MaxBytes int64         // the upload limit of the kind
	MaxText  string
}

// withRawBody is a Pre middleware: for the upload route it keeps the original body, so that the
// upload handler can stream more than the global body limit allows, and hides the length from that
// limit. Every other request is untouched.
func (s *Server) withRawBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Method == http.MethodPost && req.URL.Path == uploadPath {
			c.Set(keyRawBody, req.Body)
			c.Set(keyRawBody+".len", req.ContentLength)
			req.ContentLength = -1
		}
		return next(c)
	}
}

func (s *Server) newLessonPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	co, _, err := s.Courses.Course(c.Request().Context(), actorOf(c), id)
	if err != nil {
		return err
	}
	if !canEditCourse(c, co) {
		return fault.ForbiddenErr()
	}
	kind := c.QueryParam("kind")
	if !containsStr(lessonKinds, kind) {
		kind = courses.KindText
	}
	f := LessonForm{Kind: kind, MinSeconds: "60"}
	if kind == courses.KindVideo {
		f.MinSeconds = "0"
	}
	v := s.lessonView(c, co, nil, f)
	if mid, _ := strconv.Atoi(c.QueryParam("material")); mid > 0 {
		v.Form.MaterialID = mid
		v.Material, _ = s.Courses.Material(c.Request().Context(), actorOf(c), mid)
	}
	return s.render(c, http.StatusOK, "course_lesson_form.html", s.page(c, "title.lesson_new", v))
}

func (s *Server) lessonView(c echo.Context, co *ent.Course, l *ent.Lesson, f LessonForm) LessonEditView {
	v := LessonEditView{Course: co, Lesson: l, Form: f}
	v.MaxBytes = s.Courses.MaxSize[f.Kind]
	v.MaxText = sizeText(v.MaxBytes)
	if l != nil && l.Kind == "text" {
		v.Preview = template.HTML(l.Body) // sanitized by the domain when it was saved
	}
	if f.MaterialID > 0 {
		v.Material, _ = s.Courses.Material(c.Request().Context(), actorOf(c), f.MaterialID)
	}
	return v
}

func (s *Server) editLessonPage(c echo.Context) error {
	l, err := s.lessonParam(c)
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), actorOf(c)
	co, _, err := s.Courses.Course(ctx, a, l.CourseID)
	if err != nil {
		return err
	}
	f := LessonForm{Title: l.Title, Kind: string(l.Kind), Body: l.Body, URL: l.URL,
		MinSeconds: strconv.Itoa(l.MinSeconds), DurationSeconds: strconv.Itoa(l.DurationSeconds)}
	if l.MaterialID != nil {
		f.MaterialID = *l.MaterialID
	}
	return s.render(c, http.StatusOK, "course_lesson_form.html", s.page(c, "title.lesson_edit", s.lessonView(c, co, l, f)))
}

// lessonInput reads the lesson form.
func lessonInput(c echo.Context) (courses.LessonInput, LessonForm, error) {
	f := LessonForm{Title: c.FormValue("title"), Kind: c.FormValue("kind"), Body: c.FormValue("body"), URL: c.FormValue("url"),
		MinSeconds: strings.TrimSpace(c.FormValue("min_seconds")), DurationSeconds: strings.TrimSpace(c.FormValue("duration_seconds"))}
	f.MaterialID, _ = strconv.Atoi(c.FormValue("material_id"))
	in := courses.LessonInput{Title: f.Title, Kind: f.Kind, MaterialID: f.MaterialID, Body: f.Body, URL: f.URL}
	for _, n := range []struct {
		field, val string
		into       *int
	}{{"min_seconds", f.MinSeconds, &in.MinSeconds}, {"duration_seconds", f.DurationSeconds, &in.DurationSeconds}} {
		if n.val == "" {
			continue
		}
		v, err := strconv.ParseFloat(n.val, 64)
		if err != nil {
			return in, f, fault.Field(n.field, "field.bad_number")
		}
		*n.into = int(v + 0.5)
	}
	return in, f, nil
}

func (s *Server) addLesson(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, a := c.Request().Context(), actorOf(c)
	in, f, err := lessonInput(c)
	if err == nil {
		var l *ent.Lesson
		if l, err = s.Courses.AddLesson(ctx, a, id, in); err == nil {
			return redirect(c, lessonSavedURL(l))
		}
	}
	co, _, cerr := s.Courses.Course(ctx, a, id)
	if cerr != nil {
		return cerr
	}
	p := s.page(c, "title.lesson_new", s.lessonView(c, co, nil, f))
	if err := s.formErrors(c, p, err); err != nil {
		return err
	}
	return s.render(c, http.StatusUnprocessableEntity, "course_lesson_form.html", p)
}

// lessonSavedURL shows a text lesson again after saving, so the trainer sees what the sanitizer kept;
// other kinds go back to the course.
func lessonSavedURL(l *ent.Lesson) string {
	if l.Kind == "text" {
		return "/manage/lessons/" + strconv.Itoa(l.ID) + "?ok=lesson_saved"
	}
	return "/manage/courses/" + strconv.Itoa(l.CourseID) + "?ok=lesson_saved"
}

func (s *Server) updateLesson(c echo.Context) error {
	old, err := s.lessonParam(c)
	if err != nil {
		return err
	}
	ctx, a, id := c.Request().Context(), actorOf(c), old.ID
	in, f, err := lessonInput(c)
	if err == nil {
		var l *ent.Lesson
		if l, err = s.Courses.UpdateLesson(ctx, a, id, in); err == nil {
			return redirect(c, lessonSavedURL(l))
		}
	}
	co, _, cerr := s.Courses.Course(ctx, a, old.CourseID)
	if cerr != nil {
		return cerr
	}
	p := s.page(c, "title.lesson_edit", s.lessonView(c, co, old, f))
	if err := s.formErrors(c, p, err); err != nil {
		return err
	}
	return s.render(c, http.StatusUnprocessableEntity, "course_lesson_form.html", p)
}

func (s *Server) deleteLesson(c echo.Context) error {
	l, err := s.lessonParam(c)
	if err != nil {
		return err
	}
	ctx, a, id := c.Request().Context(), actorOf(c), l.ID
	if err := s.Courses.DeleteLesson(ctx, a, id); err != nil {
		return err
	}
	return redirect(c, "/manage/courses/"+strconv.Itoa(l.CourseID)+"?ok=lesson_deleted")
}

// moveLesson handles both directions: /up and /down.
func (s *Server) moveLesson(c echo.Context) error {
	l, err := s.lessonParam(c)
	if err != nil {
		return err
	}
	ctx, a, id := c.Request().Context(), actorOf(c), l.ID
	if strings.HasSuffix(c.Path(), "/up") {
		err = s.Courses.MoveUp(ctx, a, id)
	} else {
		err = s.Courses.MoveDown(ctx, a, id)
	}
	if err != nil {
		return err
	}
	return redirect(c, "/manage/courses/"+strconv.Itoa(l.CourseID)+"#lesson-"+strconv.Itoa(id))
}

// MaterialJSON is an uploaded file as the upload endpoint answers.
type MaterialJSON struct {
	ID          int    `json:"id"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// uploadMaterial streams the "file" part of a multipart request to courses.Upload without holding it
// in memory or on local disk. The kind comes from ?kind= (or a "kind" part sent before the file). The
// answer is JSON for the upload script, or a redirect back to the lesson form (?back=) without it.
func (s *Server) uploadMaterial(c echo.Context) error {
	ctx, a := c.Request().Context(), actorOf(c)
	req := c.Request()
	kind := c.QueryParam("kind")
	limit, known := s.Courses.MaxSize[kind]
	if n, _ := c.Get(keyRawBody + ".len").(int64); known && n > limit+multipartSlack {
		return s.tooLarge(limit)
	}
	var m *ent.Material
	var err error
	if req.MultipartForm != nil && req.MultipartForm.File != nil {
		// The CSRF check already parsed the form (a plain form post without the header): the body is
		// gone, and was bounded by the global limit.
		fhs := req.MultipartForm.File["file"]
		if len(fhs) == 0 {
			return fault.Field("file", "field.required")
		}
		f, ferr := fhs[0].Open()
		if ferr != nil {
			return ferr
		}
		defer f.Close()
		if kinds := req.MultipartForm.Value["kind"]; kind == "" && len(kinds) > 0 {
			kind = kinds[0]
		}
		m, err = s.Courses.Upload(ctx, a, fhs[0].Filename, f, kind)
	} else {
		m, err = s.streamUpload(c, kind)
	}
	if f, ok := fault.As(err); ok && f.Code == "material.too_large" {
		return s.tooLarge(s.Courses.MaxSize[kind])
	}
	if err != nil {
		return err
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusCreated, MaterialJSON{ID: m.ID, FileName: m.FileName, ContentType: m.ContentType, Size: m.Size, SHA256: m.Sha256})
	}
	back := safeNext(c.QueryParam("back"))
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	return redirect(c, back+sep+"material="+strconv.Itoa(m.ID))
}

// tooLarge is the upload limit error with the limit written for people.
func (s *Server) tooLarge(limit int64) error {
	return fault.Field("file", "material.too_large_size", "max", sizeText(limit))
}

// sizeText writes a byte count as KB, MB or GB (binary units, as file managers in China show them).
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GB"
	case n >= 1<<20:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// streamUpload reads the multipart body part by part: small fields are read (bounded), the file part
// goes straight to the service.
func (s *Server) streamUpload(c echo.Context, kind string) (*ent.Material, error) {
	req := c.Request()
	body, _ := c.Get(keyRawBody).(io.ReadCloser)
	if body == nil {
		body = req.Body
	}
	mt, params, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || !strings.HasPrefix(mt, "multipart/") || params["boundary"] == "" {
		return nil, fault.Field("file", "field.required")
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, fault.Field("file", "field.required")
		}
		if err != nil {
			return nil, fault.New(fault.Invalid, "form.unreadable").Because(err)
		}
		switch part.FormName() {
		case "file":
			if part.FileName() == "" {
				return nil, fault.Field("file", "field.required")
			}
			return s.Courses.Upload(req.Context(), actorOf(c), part.FileName(), part, kind)
		case "kind":
			b, _ := io.ReadAll(io.LimitReader(part, 64))
			if kind == "" {
				kind = string(b)
			}
		default:
			if n, _ := io.Copy(io.Discard, io.LimitReader(part, multipartSlack+1)); n > multipartSlack {
				return nil, fault.Field("file", "field.too_long", "max", multipartSlack)
			}
		}
	}
}

// wantsJSON tells whether the caller asked for JSON (the upload script does).
func wantsJSON(c echo.Context) bool {
	return strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "application/json")
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// lessonParam loads the lesson named by :id for a trainer who may edit its course.
func (s *Server) lessonParam(c echo.Context) (*ent.Lesson, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return s.Courses.Lesson(c.Request().Context(), actorOf(c), id)
}
