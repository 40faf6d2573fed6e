package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"peixun/courses"
)

// newCourseHTTP creates a course through the trainer's form and returns its id.
func newCourseHTTP(t *testing.T, tr *client, form url.Values) int {
	t.Helper()
	code, body, resp := tr.post("/manage/courses", form)
	if code != http.StatusSeeOther {
		t.Fatalf("creating course: %d %.400s", code, body)
	}
	return idFrom(t, resp, "/manage/courses/")
}

// uploadID uploads a file and returns the material id.
func uploadID(t *testing.T, tr *client, kind, name string, data []byte) int {
	t.Helper()
	code, body := tr.uploadMaterial(kind, name, data)
	if code != http.StatusCreated {
		t.Fatalf("uploading %s: %d %s", name, code, body)
	}
	var m struct {
		ID int `json:"id"`
	}
	_ = json.Unmarshal([]byte(body), &m)
	return m.ID
}

func TestCourseMaterialUploads(t *testing.T) {
	e := newEnv(t)
	e.courses.MaxSize[courses.KindDocument] = 64 << 10
	tr := e.client().login("trainer")
	cases := []struct {
		name, kind, file string
		data             []byte
		want             int
		field, inBody    string
	}{
		{"good pdf", "document", "讲义.pdf", pdfFile("good"), http.StatusCreated, "", "讲义.pdf"},
		{"good video", "video", "clip.mp4", mp4File(4096), http.StatusCreated, "", "video/mp4"},
		{"too large", "document", "big.pdf", pdfFile(strings.Repeat("x", 70<<10)), http.StatusUnprocessableEntity, "file", "64 KB"},
		{"false type", "document", "fake.pdf", mp4File(2048), http.StatusUnprocessableEntity, "file", "PDF"},
		{"name lies", "video", "clip.webm", mp4File(2048), http.StatusUnprocessableEntity, "file", ""},
		{"empty", "document", "empty.pdf", nil, http.StatusUnprocessableEntity, "file", "空"},
		{"unknown kind", "image", "a.png", []byte("\x89PNG\r\n\x1a\n"), http.StatusUnprocessableEntity, "kind", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, blobs := e.materialRows(), e.blobFiles()
			code, body := tr.uploadMaterial(c.kind, c.file, c.data)
			if code != c.want {
				t.Fatalf("status %d, want %d: %s", code, c.want, body)
			}
			if c.inBody != "" && !strings.Contains(body, c.inBody) {
				t.Errorf("answer %s lacks %q", body, c.inBody)
			}
			if c.want != http.StatusCreated {
				var out struct {
					Error struct{ Field, Message string }
				}
				_ = json.Unmarshal([]byte(body), &out)
				if out.Error.Field != c.field || out.Error.Message == "" {
					t.Errorf("error %+v, want a message about %q", out.Error, c.field)
				}
				if n := e.materialRows(); n != rows {
					t.Errorf("materials rows %d → %d after a failed upload", rows, n)
				}
				if after := e.blobFiles(); !slices.Equal(after, blobs) {
					t.Errorf("blobs changed after a failed upload: %v → %v", blobs, after)
				}
				return
			}
			if n := e.materialRows(); n != rows+1 {
				t.Errorf("materials rows %d → %d after an upload", rows, n)
			}
			for _, f := range e.blobFiles() {
				if strings.HasPrefix(f, "tmp") {
					t.Errorf("temporary blob %s left behind", f)
				}
			}
		})
	}
	// The same bytes again: stored once.
	rows := e.materialRows()
	if a, b := uploadID(t, tr, "document", "again.pdf", pdfFile("same")), uploadID(t, tr, "document", "again2.pdf", pdfFile("same")); a != b || e.materialRows() != rows+1 {
		t.Errorf("identical uploads gave materials %d and %d", a, b)
	}
	// A learner may not upload; a big declared length is refused before reading.
	if code, _ := e.client().login("learner1").uploadMaterial("document", "a.pdf", pdfFile("x")); code != http.StatusForbidden {
		t.Errorf("learner upload: %d", code)
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/manage/materials?kind=document", strings.NewReader(""))
	req.ContentLength = 80 << 20
	req.Header.Set("X-CSRF-Token", tr.csrf)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	resp, err := tr.http.Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("declared 80 MB upload: status %d", resp.StatusCode)
		}
	}
}

// TestCourseUploadBeyondGlobalLimit: the upload route streams past echo's global 64 MB body limit.
func TestCourseUploadBeyondGlobalLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 70 MB")
	}
	e := newEnv(t)
	tr := e.client().login("trainer")
	data := mp4File(70 << 20)
	if code, body := tr.uploadMaterial("video", "long.mp4", data); code != http.StatusCreated {
		t.Fatalf("70 MB video: %d %s", code, body)
	}
}

func TestMaterialServingRangesAndAccess(t *testing.T) {
	e := newEnv(t)
	tr := e.client().login("trainer")
	body := strings.Repeat("0123456789", 300)
	mid := uploadID(t, tr, "document", "规章.pdf", pdfFile(body))
	size := len(pdfFile(body))
	// A draft course without downloads that uses it.
	cid := newCourseHTTP(t, tr, url.Values{"title": {"草稿课程"}, "credit_hours": {"1"}})
	if code, b, _ := tr.post("/manage/courses/"+itoa(cid)+"/lessons", url.Values{"title": {"讲义"}, "kind": {"document"},
		"material_id": {itoa(mid)}, "min_seconds": {"10"}}); code != http.StatusSeeOther {
		t.Fatalf("adding document lesson: %d %.300s", code, b)
	}
	learner := e.client().login("learner1")
	path := "/materials/" + itoa(mid)
	if code, _ := learner.get(path); code != http.StatusForbidden {
		t.Fatalf("learner on a draft course's material: %d, want 403", code)
	}
	if code, _, _ := tr.post("/manage/courses/"+itoa(cid)+"/status", url.Values{"status": {"published"}}); code != http.StatusSeeOther {
		t.Fatalf("publishing: %d", code)
	}
	code, full, resp := learner.do(http.MethodGet, path, nil, nil)
	etag := resp.Header.Get("ETag")
	if code != http.StatusOK || len(full) != size || etag == "" || resp.Header.Get("Last-Modified") == "" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") || resp.Header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
		t.Fatalf("full GET: %d, %d bytes, headers %v", code, len(full), resp.Header)
	}
	cases := []struct {
		name   string
		header map[string]string
		query  string
		want   int
		check  func(b string, r *http.Response) bool
	}{
		{"range", map[string]string{"Range": "bytes=10-19"}, "", http.StatusPartialContent,
			func(b string, r *http.Response) bool {
				return b == full[10:20] && r.Header.Get("Content-Range") == "bytes 10-19/"+itoa(size)
			}},
		{"suffix range", map[string]string{"Range": "bytes=-5"}, "", http.StatusPartialContent,
			func(b string, _ *http.Response) bool { return b == full[size-5:] }},
		{"unsatisfiable", map[string]string{"Range": "bytes=999999-"}, "", http.StatusRequestedRangeNotSatisfiable, nil},
		{"etag", map[string]string{"If-None-Match": etag}, "", http.StatusNotModified, nil},
		{"download refused", nil, "?download=1", http.StatusForbidden, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, b, r := learner.do(http.MethodGet, path+c.query, nil, c.header)
			if code != c.want || (c.check != nil && !c.check(b, r)) {
				t.Fatalf("status %d (want %d), body %.60q, headers %v", code, c.want, b, r.Header)
			}
		})
	}
	// With downloads allowed the attachment is served.
	if code, b, _ := tr.post("/manage/courses/"+itoa(cid), url.Values{"title": {"草稿课程"}, "credit_hours": {"1"}, "allow_download": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("allowing downloads: %d %.300s", code, b)
	}
	if code, _, r := learner.do(http.MethodGet, path+"?download=1", nil, nil); code != http.StatusOK ||
		!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: %d %v", code, r.Header.Get("Content-Disposition"))
	}
	if code, _ := e.client().get(path); code != http.StatusSeeOther {
		t.Fatalf("anonymous: %d, want a redirect to sign in", code)
	}
}

// TestLessonProgressCappedSkipAndCompletion drives a video course through the progress API with the
// test clock: credit never exceeds wall-clock time, skipping ahead is refused, lessons and the course
// complete, and the hours show in the API with those of an in-person session.
func TestLessonProgressCappedSkipAndCompletion(t *testing.T) {
	e := newEnv(t)
	base := myHours(t, e, "learner1") // the demo programs already gave learner1 some hours
	tr := e.client().login("trainer")
	vid := uploadID(t, tr, "video", "课程.mp4", mp4File(8192))
	cid := newCourseHTTP(t, tr, url.Values{"title": {"非现场执法"}, "credit_hours": {"2.5"}, "no_skip": {"1"}})
	for _, f := range []url.Values{
		{"title": {"视频"}, "kind": {"video"}, "material_id": {itoa(vid)}, "min_seconds": {"30"}, "duration_seconds": {"60"}},
		{"title": {"课文"}, "kind": {"text"}, "body": {"<p>正文</p>"}, "min_seconds": {"40"}},
	} {
		if code, b, _ := tr.post("/manage/courses/"+itoa(cid)+"/lessons", f); code != http.StatusSeeOther {
			t.Fatalf("adding lesson: %d %.300s", code, b)
		}
	}
	if code, _, _ := tr.post("/manage/courses/"+itoa(cid)+"/status", url.Values{"status": {"published"}}); code != http.StatusSeeOther {
		t.Fatalf("publishing: %d", code)
	}
	_, ls, err := e.courses.Course(context.Background(), e.actor("trainer"), cid)
	if err != nil {
		t.Fatal(err)
	}
	video, text := ls[0].ID, ls[1].ID
	learner := e.client().login("learner1")
	type progress struct {
		SecondsStudied  int  `json:"seconds_studied"`
		Credited        int  `json:"credited"`
		Completed       bool `json:"completed"`
		CourseCompleted bool `json:"course_completed"`
		Error           struct{ Code, Field string }
	}
	steps := []struct {
		name      string
		advance   time.Duration
		lesson    int
		position  float64
		want      int
		studied   int
		completed bool
		course    bool
		errCode   string
	}{
		{"start", 0, video, 0, 200, 0, false, false, ""},
		{"15 s played in 15 s", 15 * time.Second, video, 15, 200, 15, false, false, ""},
		{"claims 15 s more at once", 0, video, 30, 200, 15, false, false, ""},
		{"skip ahead refused", time.Second, video, 58, 422, 0, false, false, "progress.skip_ahead"},
		{"claims 30 s after 11 s", 10 * time.Second, video, 45, 200, 26, false, false, ""},
		{"idle for an hour credits what was played", time.Hour, video, 57, 200, 38, true, false, ""},
		{"text opened", 0, text, 0, 200, 0, false, false, ""},
		{"text 30 s", 30 * time.Second, text, 0, 200, 30, false, false, ""},
		{"text done, course done", 15 * time.Second, text, 0, 200, 45, true, true, ""},
		{"bad position", 0, text, -1, 422, 0, false, false, "progress.position_invalid"},
	}
	for _, s := range steps {
		e.clock.Add(s.advance)
		code, body := learner.report(s.lesson, s.position)
		var p progress
		_ = json.Unmarshal([]byte(body), &p)
		if code != s.want {
			t.Fatalf("%s: status %d, want %d: %s", s.name, code, s.want, body)
		}
		if s.errCode != "" {
			if p.Error.Code != s.errCode || p.Error.Field != "position" {
				t.Fatalf("%s: error %+v, want %s", s.name, p.Error, s.errCode)
			}
			continue
		}
		if p.SecondsStudied != s.studied || p.Completed != s.completed || p.CourseCompleted != s.course {
			t.Fatalf("%s: got %s, want studied %d completed %v course %v", s.name, body, s.studied, s.completed, s.course)
		}
	}
	// The course page resumes and shows completion; "my progress" lists it.
	if code, page := learner.get("/courses/" + itoa(cid)); code != 200 || !strings.Contains(page, "已完成") || !strings.Contains(page, "/lessons/"+itoa(text)) {
		t.Fatalf("course page: %d %.500s", code, page)
	}
	tok := e.token("learner1")
	if code, out := e.api(tok, http.MethodGet, "/api/v1/me/progress", nil); code != 200 || !strings.Contains(mustJSON(out), `"completed":true`) {
		t.Fatalf("my progress: %d %v", code, out)
	}
	if code, out := e.api(tok, http.MethodGet, "/api/v1/courses/"+itoa(cid), nil); code != 200 || out["completed"] != true || len(out["lessons"].([]any)) != 2 {
		t.Fatalf("course API: %d %v", code, out)
	}
	// An in-person session adds its hours; the API sums both.
	ttok := e.token("trainer")
	code, out := e.api(ttok, http.MethodPost, "/api/v1/lectures", map[string]any{"title": "法治讲座",
		"held_on": e.clock.Now().In(courses.Shanghai).Format("2006-01-02"), "hours": 1.5, "trainer": "陈老师",
		"attendees": []int{e.ids["learner1"]}})
	if code != http.StatusCreated {
		t.Fatalf("recording a lecture: %d %v", code, out)
	}
	year := itoa(e.clock.Now().In(courses.Shanghai).Year())
	code, out = e.api(tok, http.MethodGet, "/api/v1/me/hours?year="+year, nil)
	if code != 200 || out["courses"] != base["courses"].(float64)+2.5 || out["lectures"] != base["lectures"].(float64)+1.5 ||
		out["total"] != base["total"].(float64)+4 {
		t.Fatalf("hours: %d %v, before the course and the session %v", code, out, base)
	}
	if code, out := e.api(tok, http.MethodGet, "/api/v1/me/hours?year=abc", nil); code != 422 || !strings.Contains(mustJSON(out), "year") {
		t.Fatalf("bad year: %d %v", code, out)
	}
	if code, page := learner.get("/profile"); code != 200 || !strings.Contains(page, `<strong>`+strconv.FormatFloat(out["total"].(float64), 'f', -1, 64)+`</strong>`) {
		t.Fatalf("profile hours: %d", code)
	}
	// A learner cannot report on a draft course's lesson.
	draft := newCourseHTTP(t, tr, url.Values{"title": {"草稿"}})
	if code, b, resp := tr.post("/manage/courses/"+itoa(draft)+"/lessons", url.Values{"title": {"课文"}, "kind": {"text"}, "body": {"<p>x</p>"}}); code != 303 {
		t.Fatalf("draft lesson: %d %.200s", code, b)
	} else if code, _ := learner.report(idFrom(t, resp, "/manage/lessons/"), 0); code != http.StatusForbidden {
		t.Fatalf("report on a draft: %d", code)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestLessonSanitizedThroughEditor: scripts, event attributes and javascript: links typed into the
// text editor are gone from what is saved, shown to the trainer and served to learners.
func TestLessonSanitizedThroughEditor(t *testing.T) {
	e := newEnv(t)
	tr := e.client().login("trainer")
	c, _ := e.demoCourse()
	dirty := `<p onclick="steal()">第一条<script>alert(1)</script><a href="javascript:alert(2)">链接</a><img src=x onerror="alert(3)"></p>`
	code, body, resp := tr.post("/manage/courses/"+itoa(c.ID)+"/lessons", url.Values{"title": {"脚本"}, "kind": {"text"}, "body": {dirty}, "min_seconds": {"5"}})
	if code != http.StatusSeeOther {
		t.Fatalf("saving: %d %.300s", code, body)
	}
	lid := idFrom(t, resp, "/manage/lessons/")
	for _, who := range []struct {
		cl   *client
		path string
	}{{tr, "/manage/lessons/" + itoa(lid)}, {e.client().login("learner1"), "/lessons/" + itoa(lid)}} {
		code, page := who.cl.get(who.path)
		if code != 200 || !strings.Contains(page, "第一条") {
			t.Fatalf("%s: %d", who.path, code)
		}
		view := page
		if i := strings.Index(page, "lesson-body"); i >= 0 {
			view = page[i:]
		}
		for _, bad := range []string{"<script>alert", "onclick=", "onerror=", `href="javascript:`} {
			if strings.Contains(view, bad) {
				t.Errorf("%s still shows %q", who.path, bad)
			}
		}
	}
}

// TestCourseFormsNameTheField: bad input is refused with a message beside the field, nothing saved.
func TestCourseFormsNameTheField(t *testing.T) {
	e := newEnv(t)
	tr := e.client().login("trainer")
	c, ls := e.demoCourse()
	before, _ := e.db.Client.Course.Query().Count(context.Background())
	cases := []struct {
		name, path string
		form       url.Values
		want       string
	}{
		{"no title", "/manage/courses", url.Values{"title": {" "}}, "请填写标题"},
		{"hours not a number", "/manage/courses", url.Values{"title": {"x"}, "credit_hours": {"两"}}, "学时"},
		{"hours out of range", "/manage/courses", url.Values{"title": {"x"}, "credit_hours": {"-1"}}, "学时应在"},
		{"lesson without file", "/manage/courses/" + itoa(c.ID) + "/lessons", url.Values{"title": {"v"}, "kind": {"video"}}, "请先上传文件"},
		{"link not http", "/manage/courses/" + itoa(c.ID) + "/lessons", url.Values{"title": {"l"}, "kind": {"link"}, "url": {"javascript:alert(1)"}}, "链接地址"},
		{"empty text", "/manage/lessons/" + itoa(ls[0].ID), url.Values{"title": {"t"}, "kind": {"text"}, "body": {"<script>x</script>"}}, "正文"},
		{"no status", "/manage/courses/" + itoa(c.ID) + "/status", url.Values{}, "请选择发布或归档"},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			code, body, _ := tr.post(cs.path, cs.form)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, cs.want) {
				t.Fatalf("status %d, body lacks %q: %.2000s", code, cs.want, body)
			}
		})
	}
	if after, _ := e.db.Client.Course.Query().Count(context.Background()); after != before {
		t.Errorf("courses %d → %d after refused forms", before, after)
	}
	// Deleting a published course is refused; a fresh draft goes; lessons move.
	if code, _, _ := tr.post("/manage/courses/"+itoa(c.ID)+"/delete", nil); code != http.StatusConflict {
		t.Errorf("deleting a published course: %d", code)
	}
	if code, _, _ := tr.post("/manage/lessons/"+itoa(ls[1].ID)+"/up", nil); code != http.StatusSeeOther {
		t.Errorf("moving up: %d", code)
	}
	if _, moved, _ := e.courses.Course(context.Background(), e.actor("trainer"), c.ID); moved[0].ID != ls[1].ID {
		t.Errorf("lesson %d did not move up", ls[1].ID)
	}
	draft := newCourseHTTP(t, tr, url.Values{"title": {"临时"}})
	if code, _, _ := tr.post("/manage/courses/"+itoa(draft)+"/delete", nil); code != http.StatusSeeOther {
		t.Errorf("deleting a draft: %d", code)
	}
	// English on the switch.
	tr.lang = "en"
	if code, body, _ := tr.post("/manage/courses", url.Values{"title": {""}}); code != 422 || !strings.Contains(body, "Title is required") {
		t.Errorf("English message: %d", code)
	}
}

// TestLectureCheckInWindow: a trainer opens a check-in window; a learner checks in through the link
// inside it and is refused after it; the QR code is a PNG.
func TestLectureCheckInWindow(t *testing.T) {
	e := newEnv(t)
	tr := e.client().login("trainer")
	code, body, resp := tr.post("/manage/lectures", url.Values{"title": {"执法纪律讲座"}, "held_on": {e.clock.Now().In(courses.Shanghai).Format("2006-01-02")}, "hours": {"2"}, "trainer": {"陈培训"}})
	if code != http.StatusSeeOther {
		t.Fatalf("recording: %d %.300s", code, body)
	}
	lid := idFrom(t, resp, "/manage/lectures/")
	if code, body, _ := tr.post("/manage/lectures", url.Values{"title": {"x"}, "held_on": {"2021-13-01"}, "hours": {"2"}}); code != 422 || !strings.Contains(body, "培训日期") {
		t.Errorf("bad date: %d", code)
	}
	// From the roster, paginated search.
	if code, page := tr.get("/manage/lectures/" + itoa(lid) + "?q=" + url.QueryEscape("王执法")); code != 200 || !strings.Contains(page, `value="`+itoa(e.ids["learner1"])+`"`) {
		t.Fatalf("roster search: %d", code)
	}
	if code, _, _ := tr.post("/manage/lectures/"+itoa(lid)+"/attendees", url.Values{"person_id": {itoa(e.ids["learner2"])}}); code != 303 {
		t.Fatalf("adding attendee: %d", code)
	}
	if code, body, _ := tr.post("/manage/lectures/"+itoa(lid)+"/attendees", url.Values{}); code != 422 || !strings.Contains(body, "请至少选择") {
		t.Errorf("no attendee chosen: %d", code)
	}
	if code, _, _ := tr.post("/manage/lectures/"+itoa(lid)+"/checkin", url.Values{"minutes": {"30"}}); code != 303 {
		t.Fatalf("opening check-in: %d", code)
	}
	l, err := e.courses.Lecture(context.Background(), e.actor("trainer"), lid)
	if err != nil || l.CheckinCode == nil {
		t.Fatalf("no code: %v", err)
	}
	code, qr, resp := tr.do(http.MethodGet, "/manage/lectures/"+itoa(lid)+"/qr.png", nil, nil)
	if code != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(qr, "\x89PNG") {
		t.Fatalf("QR: %d %s", code, resp.Header.Get("Content-Type"))
	}
	learner := e.client().login("learner1")
	if code, page := learner.get("/checkin/" + *l.CheckinCode); code != 200 || !strings.Contains(page, "执法纪律讲座") {
		t.Fatalf("check-in page: %d", code)
	}
	if code, page, _ := learner.post("/checkin/"+*l.CheckinCode, nil); code != 200 || !strings.Contains(page, "签到成功") {
		t.Fatalf("checking in: %d %.300s", code, page)
	}
	e.clock.Add(31 * time.Minute)
	other := e.client().login("manager")
	if code, page, _ := other.post("/checkin/"+*l.CheckinCode, nil); code != 422 || !strings.Contains(page, "不在签到时间") {
		t.Fatalf("after the window: %d", code)
	}
	tok := e.token("trainer")
	code, out := e.api(tok, http.MethodGet, "/api/v1/lectures/"+itoa(lid)+"/attendees", nil)
	if code != 200 || len(out["attendees"].([]any)) != 2 {
		t.Fatalf("attendees: %d %v", code, out)
	}
	if code, _ := e.api(e.token("learner1"), http.MethodGet, "/api/v1/lectures", nil); code != http.StatusForbidden {
		t.Errorf("a learner listed lectures: %d", code)
	}
}

// myHours reads a person's credit hours of this year through the API.
func myHours(t *testing.T, e *env, username string) map[string]any {
	t.Helper()
	year := itoa(e.clock.Now().In(courses.Shanghai).Year())
	code, out := e.api(e.token(username), http.MethodGet, "/api/v1/me/hours?year="+year, nil)
	if code != http.StatusOK {
		t.Fatalf("hours of %s: %d %v", username, code, out)
	}
	return out
}
