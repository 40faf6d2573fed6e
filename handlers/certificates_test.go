package handlers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"peixun/certificates"
	"peixun/ent/certificate"
	"peixun/ent/person"
	"peixun/ent/unit"
	"peixun/handlers"
)

// upload posts a multipart form with one file, as a browser does.
func (c *client) upload(path, field, fileName string, data []byte, fields map[string]string) (int, string) {
	c.e.t.Helper()
	if c.csrf == "" {
		c.get("/login")
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.csrf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if data != nil {
		fw, _ := w.CreateFormFile(field, fileName)
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	code, body, _ := c.do(http.MethodPost, path, &buf, map[string]string{"Content-Type": w.FormDataContentType()})
	return code, body
}

func jsonOf(t *testing.T, body string) map[string]any {
	t.Helper()
	m := map[string]any{}
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("not JSON: %v: %.300s", err, body)
	}
	return m
}

// TestCertificateDownloadVerifyRevoke is issue 6's acceptance on the HTTP side: a learner who
// completes a program downloads a PDF naming them, their unit and the serial; the verification
// address on the record works without sign-in and masks the name; others cannot download it; the
// revocation shows on the verification page, in its JSON and in the learner's list.
func TestCertificateDownloadVerifyRevoke(t *testing.T) {
	e := newEnv(t)
	needCertFont(t, e)
	p := e.certProgram("2026年度证书测试培训", "ZS-2026-CS", "learner1", "learner2")
	e.attend(e.lecture("证书测试授课"), "learner1", "learner2")
	c1, c2 := e.certOf("learner1", p.ID), e.certOf("learner2", p.ID)
	if c1.Serial != "ZS-2026-CS-000001" && c1.Serial != "ZS-2026-CS-000002" {
		t.Errorf("serial %s", c1.Serial)
	}

	learner := e.client().login("learner1")
	code, body := learner.get("/certificates")
	if code != http.StatusOK || !strings.Contains(body, c1.Serial) || !strings.Contains(body, "/certificates/"+itoa(c1.ID)+"/pdf") ||
		strings.Contains(body, c2.Serial) {
		t.Fatalf("my certificates: %d %.500s", code, body)
	}
	code, pdf, resp := learner.do(http.MethodGet, "/certificates/"+itoa(c1.ID)+"/pdf", nil, nil)
	if code != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF") {
		t.Fatalf("download: %d %s %.100s", code, resp.Header.Get("Content-Type"), pdf)
	}
	wantName := "filename*=UTF-8''" + url.PathEscape("证书-"+c1.Serial+".pdf")
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, wantName) {
		t.Errorf("Content-Disposition %q, want an attachment with %s", cd, wantName)
	}
	text := strings.Join(pdfText([]byte(pdf)), "\n")
	for _, want := range []string{"王执法", "良渚中队一分队", c1.Serial, "2026年度证书测试培训", c1.VerifyCode} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF does not show %q; it shows %q", want, text)
		}
	}

	for _, tt := range []struct {
		who  string
		id   int
		want int
	}{
		{"learner1", c2.ID, http.StatusForbidden}, // another learner's
		{"trainer", c1.ID, http.StatusForbidden},
		{"manager", c2.ID, http.StatusForbidden}, // 余杭中队 is outside the manager's 良渚中队
		{"manager", c1.ID, http.StatusOK},
		{"admin", c2.ID, http.StatusOK},
		{"learner1", c1.ID + 100000, http.StatusNotFound},
	} {
		if code, _ := e.client().login(tt.who).get("/certificates/" + itoa(tt.id) + "/pdf"); code != tt.want {
			t.Errorf("%s downloading certificate %d: %d, want %d", tt.who, tt.id, code, tt.want)
		}
	}

	// The QR code's address (the record's verification URL) works without sign-in.
	vu := e.certs.VerifyURL(c1)
	if !strings.HasPrefix(vu, e.srv.URL+"/verify/") {
		t.Fatalf("verification URL %s is not on the server %s", vu, e.srv.URL)
	}
	anon := e.client()
	path := strings.TrimPrefix(vu, e.srv.URL)
	code, body = anon.get(path)
	if code != http.StatusOK || !strings.Contains(body, "有效") || !strings.Contains(body, "王*法") || strings.Contains(body, "王执法") ||
		!strings.Contains(body, "杭州市余杭区交通运输局") || !strings.Contains(body, c1.Serial) {
		t.Fatalf("verification page: %d %.800s", code, body)
	}
	code, body = anon.get(path + ".json")
	j := jsonOf(t, body)
	if code != http.StatusOK || j["status"] != "valid" || j["name"] != "王*法" || j["serial"] != c1.Serial || j["url"] != vu || j["issuer"] == "" {
		t.Errorf("verification JSON: %d %v", code, j)
	}
	code, body, _ = anon.do(http.MethodGet, path, nil, map[string]string{"Accept": "application/json"})
	if code != http.StatusOK || jsonOf(t, body)["program"] != "2026年度证书测试培训" {
		t.Errorf("verification with Accept JSON: %d %.300s", code, body)
	}
	if code, _ := anon.get("/verify/" + strings.ToLower(c1.VerifyCode)); code != http.StatusOK {
		t.Errorf("a code typed in lower case: %d", code)
	}
	if code, _ := anon.get("/api/v1/verify/" + c1.VerifyCode); code != http.StatusOK {
		t.Errorf("API verification: %d", code)
	}
	for _, p := range []string{"/verify/ABCDEFGHJKLM", "/verify/ABCDEFGHJKLM.json", "/verify/x", "/api/v1/verify/ABCDEFGHJKLM"} {
		if code, _ := anon.get(p); code != http.StatusNotFound {
			t.Errorf("unknown code %s: %d", p, code)
		}
	}
	if code, _ := anon.get("/verify?code=" + c1.VerifyCode); code != http.StatusSeeOther {
		t.Errorf("the code form does not go to the page: %d", code)
	}

	// API: own list, metadata by scope, revoke for administrators only.
	tok1, tok2, tokAdmin := e.token("learner1"), e.token("learner2"), e.token("admin")
	if code, out := e.api(tok1, http.MethodGet, "/api/v1/my/certificates", nil); code != http.StatusOK ||
		!strings.Contains(fmt.Sprint(out["certificates"]), c1.Serial) || strings.Contains(fmt.Sprint(out["certificates"]), c2.Serial) {
		t.Errorf("my certificates API: %d %v", code, out)
	}
	if code, out := e.api(tok1, http.MethodGet, "/api/v1/certificates/"+itoa(c1.ID), nil); code != http.StatusOK || out["serial"] != c1.Serial || out["status"] != "valid" {
		t.Errorf("certificate API: %d %v", code, out)
	}
	if code, _ := e.api(tok2, http.MethodGet, "/api/v1/certificates/"+itoa(c1.ID), nil); code != http.StatusForbidden {
		t.Errorf("another learner's certificate through the API: %d", code)
	}
	if code, _ := e.api(tok1, http.MethodPost, "/api/v1/certificates/"+itoa(c1.ID)+"/revoke", map[string]string{"reason": "x"}); code != http.StatusForbidden {
		t.Errorf("a learner revoked: %d", code)
	}
	if code, out := e.api(tokAdmin, http.MethodPost, "/api/v1/certificates/"+itoa(c2.ID)+"/revoke", map[string]string{}); code != http.StatusUnprocessableEntity ||
		out["error"].(map[string]any)["field"] != "reason" {
		t.Errorf("revoking without a reason: %d %v", code, out)
	}
	if code, out := e.api(tokAdmin, http.MethodPost, "/api/v1/certificates/"+itoa(c2.ID)+"/revoke", map[string]string{"reason": "重复发放"}); code != http.StatusOK ||
		out["status"] != "revoked" {
		t.Errorf("revoking through the API: %d %v", code, out)
	}

	// Revocation through the page: a reason is required; then the verification page says revoked.
	admin := e.client().login("admin")
	code, body, _ = admin.post("/manage/certificates/"+itoa(c1.ID)+"/revoke", url.Values{"reason": {"  "}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写撤销原因") {
		t.Fatalf("revoking without a reason: %d %.300s", code, body)
	}
	if n := e.db.Client.Certificate.Query().Where(certificate.ID(c1.ID), certificate.RevokedAtNotNil()).CountX(context.Background()); n != 0 {
		t.Fatal("a refused revocation changed the certificate")
	}
	code, _, resp = admin.post("/manage/certificates/"+itoa(c1.ID)+"/revoke", url.Values{"reason": {"考试作弊，成绩无效"}})
	if code != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "ok=certificate_revoked") {
		t.Fatalf("revoking: %d %s", code, resp.Header.Get("Location"))
	}
	today := e.clock.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	code, body = anon.get(path)
	if code != http.StatusOK || !strings.Contains(body, "已撤销") || !strings.Contains(body, today) || strings.Contains(body, "考试作弊") {
		t.Errorf("verification after revocation: %d %.600s", code, body)
	}
	_, body = anon.get(path + ".json")
	if j := jsonOf(t, body); j["status"] != "revoked" || j["revoked_at"] == nil {
		t.Errorf("verification JSON after revocation: %v", j)
	}
	if _, body := learner.get("/certificates"); !strings.Contains(body, "已撤销") || strings.Contains(body, "/certificates/"+itoa(c1.ID)+"/pdf") {
		t.Errorf("the learner's list after revocation: %.600s", body)
	}
	if code, _ := learner.get("/certificates/" + itoa(c1.ID) + "/pdf"); code != http.StatusConflict {
		t.Errorf("downloading a revoked certificate as its holder: %d, want 409", code)
	}
	if code, _, _ := admin.post("/manage/certificates/"+itoa(c1.ID)+"/revoke", url.Values{"reason": {"again"}}); code != http.StatusConflict {
		t.Errorf("revoking twice: %d", code)
	}
	// English on the switch.
	anon.lang = "en"
	if _, body := anon.get(path); !strings.Contains(body, "Revoked") {
		t.Errorf("English verification page: %.300s", body)
	}
}

// TestCertificateZIPScope: the manager's ZIP holds one PDF per certificate of their units and none
// from outside; a unit outside their scope is refused.
func TestCertificateZIPScope(t *testing.T) {
	e := newEnv(t)
	needCertFont(t, e)
	ctx := context.Background()
	p := e.certProgram("打包下载测试", "ZIP-2026", "learner1", "learner2", "manager")
	e.attend(e.lecture("打包授课"), "learner1", "learner2", "manager")
	in, out, mgr := e.certOf("learner1", p.ID), e.certOf("learner2", p.ID), e.certOf("manager", p.ID)

	cl := e.client().login("manager")
	zipOf := func(q string) map[string][]byte {
		t.Helper()
		code, body, resp := cl.do(http.MethodGet, "/manage/certificates/zip"+q, nil, nil)
		if code != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("ZIP %s: %d %s %.200s", q, code, resp.Header.Get("Content-Type"), body)
		}
		zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
		if err != nil {
			t.Fatalf("ZIP %s: %v", q, err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			r, _ := f.Open()
			b, _ := io.ReadAll(r)
			r.Close()
			if !bytes.HasPrefix(b, []byte("%PDF")) {
				t.Errorf("%s is not a PDF", f.Name)
			}
			files[f.Name] = b
		}
		return files
	}
	files := zipOf("?program=" + itoa(p.ID))
	if len(files) != 2 {
		t.Errorf("ZIP of the program has %d files, want 2 (learner1 and the manager): %v", len(files), keys(files))
	}
	for name := range files {
		if strings.Contains(name, out.Serial) {
			t.Errorf("the ZIP holds %s from outside the manager's unit", name)
		}
	}
	for _, c := range []string{in.Serial, mgr.Serial} {
		found := false
		for name := range files {
			found = found || strings.HasPrefix(name, c)
		}
		if !found {
			t.Errorf("the ZIP lacks %s: %v", c, keys(files))
		}
	}
	// Unfiltered: exactly the certificates (not revoked) of people in the manager's subtree.
	scope := e.db.Client.Unit.GetX(ctx, e.ids["unit:YH-ZFD-LZ"]).Path // the manager's unit
	inScope := 0
	all := e.db.Client.Certificate.Query().Where(certificate.RevokedAtIsNil()).AllX(ctx)
	for _, c := range all {
		pe := e.db.Client.Person.Query().Where(person.ID(c.PersonID), person.HasUnitWith(unit.PathHasPrefix(scope))).ExistX(ctx)
		if pe {
			inScope++
		}
	}
	if files := zipOf(""); len(files) != inScope {
		t.Errorf("the manager's whole ZIP has %d files, want %d (of %d)", len(files), inScope, len(all))
	}
	// A unit outside the scope is refused, a unit inside narrows the download.
	if code, _ := cl.get("/manage/certificates/zip?unit=" + itoa(e.ids["unit:YH-ZFD-YH"])); code != http.StatusForbidden {
		t.Errorf("ZIP of another unit: %d, want 403", code)
	}
	if files := zipOf("?program=" + itoa(p.ID) + "&unit=" + itoa(e.ids["unit:YH-ZFD-LZ-1"])); len(files) != 1 {
		t.Errorf("ZIP of 良渚中队一分队: %d files, want 1", len(files))
	}
	// The list: search, filters, scope.
	if _, body := cl.get("/manage/certificates?q=王执法&program=" + itoa(p.ID)); !strings.Contains(body, in.Serial) || strings.Contains(body, mgr.Serial) {
		t.Errorf("search by name: %.400s", body)
	}
	if _, body := cl.get("/manage/certificates?q=" + url.QueryEscape(mgr.Serial)); !strings.Contains(body, mgr.Serial) || strings.Contains(body, in.Serial) {
		t.Errorf("search by serial: %.400s", body)
	}
	if _, body := cl.get("/manage/certificates?program=" + itoa(p.ID)); strings.Contains(body, out.Serial) {
		t.Errorf("the manager's list shows another unit's certificate")
	}
	if code, _ := cl.get("/manage/certificates?unit=" + itoa(e.ids["unit:YH-ZFD-YH"])); code != http.StatusForbidden {
		t.Errorf("listing another unit: %d", code)
	}
	if code, _ := cl.get("/manage/certificates/" + itoa(out.ID)); code != http.StatusForbidden {
		t.Errorf("another unit's certificate page: %d", code)
	}
	if code, _ := cl.get("/manage/certificates?status=nonsense"); code != http.StatusUnprocessableEntity {
		t.Errorf("unknown status filter: %d", code)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestVerifyCheckPDF: an unchanged certificate is reported as ours with a link to its verification
// page; a tampered copy is not; an empty upload names the field.
func TestVerifyCheckPDF(t *testing.T) {
	e := newEnv(t)
	needCertFont(t, e)
	p := e.certProgram("核验测试", "HY-2026", "learner1")
	e.attend(e.lecture("核验授课"), "learner1")
	c := e.certOf("learner1", p.ID)
	_, pdf := e.client().login("learner1").get("/certificates/" + itoa(c.ID) + "/pdf")
	tampered := []byte(pdf)
	i := bytes.Index(tampered, []byte("/Producer"))
	tampered[i+2] ^= 0x20

	anon := e.client()
	if code, body := anon.get("/verify/check"); code != http.StatusOK || !strings.Contains(body, `name="file"`) {
		t.Fatalf("check page: %d", code)
	}
	for _, tt := range []struct {
		name string
		data []byte
		code int
		want string
	}{
		{"unchanged", []byte(pdf), http.StatusOK, "本平台签发，未被改动"},
		{"tampered", tampered, http.StatusOK, "不是本平台签发的证书"},
		{"empty", nil, http.StatusUnprocessableEntity, "请选择一个证书 PDF 文件"},
	} {
		code, body := anon.upload("/verify/check", "file", "证书.pdf", tt.data, nil)
		if code != tt.code || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d %.600s", tt.name, code, body)
		}
		if tt.name == "unchanged" && !strings.Contains(body, `href="/verify/`+c.VerifyCode+`"`) {
			t.Errorf("no link to the verification page: %.600s", body)
		}
		if tt.name == "tampered" && strings.Contains(body, c.VerifyCode) {
			t.Errorf("a tampered file was linked to the certificate")
		}
	}
}

// TestVerifyRateLimit: more than 60 verifications a minute from one address get 429.
func TestVerifyRateLimit(t *testing.T) {
	e := newEnv(t)
	anon := e.client()
	for i := 0; i < 60; i++ {
		if code, _ := anon.get("/verify/ABCDEFGHJKLM"); code != http.StatusNotFound {
			t.Fatalf("request %d: %d", i+1, code)
		}
	}
	if code, body := anon.get("/verify/ABCDEFGHJKLM"); code != http.StatusTooManyRequests || !strings.Contains(body, "尝试过于频繁") {
		t.Fatalf("request 61: %d %.200s", code, body)
	}
	if code, _ := anon.get("/api/v1/verify/ABCDEFGHJKLM"); code != http.StatusTooManyRequests {
		t.Errorf("the API shares the limit: %d", code)
	}
	e.clock.Add(time.Minute)
	if code, _ := anon.get("/verify/ABCDEFGHJKLM"); code != http.StatusNotFound {
		t.Errorf("a minute later: %d", code)
	}
}

func sealPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 120))
	for x := 10; x < 110; x++ {
		for y := 10; y < 110; y++ {
			if (x-60)*(x-60)+(y-60)*(y-60) < 2500 {
				img.Set(x, y, color.NRGBA{R: 200, A: 180})
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// TestCertificateAdminPages: the seal upload (refusing what is not a PNG), issuing by hand,
// reissuing with the same number, and the managers' list.
func TestCertificateAdminPages(t *testing.T) {
	e := newEnv(t)
	needCertFont(t, e)
	p := e.certProgram("管理测试", "GL-2026", "learner1")
	admin := e.client().login("admin")
	if code, body := admin.get("/manage/certificates"); code != http.StatusOK || !strings.Contains(body, "证书设置") || !strings.Contains(body, "正在使用的字体") {
		t.Fatalf("manage page: %d %.300s", code, body)
	}
	if code, body := admin.upload("/manage/certificates/seal", "seal", "seal.jpg", []byte("GIF89a not a png"), nil); code != http.StatusUnprocessableEntity || !strings.Contains(body, "印章必须是 PNG 图片") {
		t.Errorf("a seal that is not a PNG: %d %.300s", code, body)
	}
	if code, body := admin.upload("/manage/certificates/seal", "seal", "", nil, nil); code != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择一张 PNG 印章图片") {
		t.Errorf("no seal file: %d %.300s", code, body)
	}
	if code, _ := admin.upload("/manage/certificates/seal", "seal", "seal.png", sealPNG(t), nil); code != http.StatusSeeOther {
		t.Fatalf("uploading the seal: %d", code)
	}
	if code, img, _ := admin.do(http.MethodGet, "/manage/certificates/seal.png", nil, nil); code != http.StatusOK || !strings.HasPrefix(img, "\x89PNG") {
		t.Errorf("the seal image: %d", code)
	}
	if len(e.certs.Seal()) == 0 {
		t.Error("the seal was not set")
	}

	// Issue by hand: errors name the field; then the certificate page.
	for _, tt := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"program": {itoa(p.ID)}}, "请填写人员的用户名或工号"},
		{url.Values{"person": {"nobody"}, "program": {itoa(p.ID)}}, "找不到用户名或工号为“nobody”的人员"},
		{url.Values{"person": {"learner2"}}, "请选择培训项目"},
		{url.Values{"person": {"learner2"}, "program": {itoa(p.ID)}, "hours": {"abc"}}, "学时应为"},
	} {
		code, body, _ := admin.post("/manage/certificates", tt.form)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, tt.want) {
			t.Errorf("issuing %v: %d, want %q in %.300s", tt.form, code, tt.want, body)
		}
	}
	code, _, resp := admin.post("/manage/certificates", url.Values{"person": {"learner2"}, "program": {itoa(p.ID)}, "hours": {"6"}})
	if code != http.StatusSeeOther {
		t.Fatalf("issuing by hand: %d", code)
	}
	id := idFrom(t, resp, "/manage/certificates/")
	c := e.certOf("learner2", p.ID)
	if c.ID != id || c.CreditHours != 6 {
		t.Errorf("issued %d (%v hours), redirected to %d", c.ID, c.CreditHours, id)
	}
	code, body := admin.get("/manage/certificates/" + itoa(id))
	if code != http.StatusOK || !strings.Contains(body, c.Serial) || !strings.Contains(body, "data-confirm") || !strings.Contains(body, e.srv.URL+"/verify/"+c.VerifyCode) {
		t.Errorf("certificate page: %d %.500s", code, body)
	}
	// Reissue keeps the number and verification code; the old file no longer checks as ours.
	_, before := admin.get("/certificates/" + itoa(id) + "/pdf")
	e.clock.Add(2 * time.Second)
	if code, _, _ := admin.post("/manage/certificates/"+itoa(id)+"/reissue", nil); code != http.StatusSeeOther {
		t.Fatalf("reissue: %d", code)
	}
	after := e.certOf("learner2", p.ID)
	if after.Serial != c.Serial || after.VerifyCode != c.VerifyCode || !after.IssuedAt.After(c.IssuedAt) {
		t.Errorf("reissue changed the number or kept the date: %s→%s %v→%v", c.Serial, after.Serial, c.IssuedAt, after.IssuedAt)
	}
	if _, body := e.client().upload("/verify/check", "file", "old.pdf", []byte(before), nil); !strings.Contains(body, "不是本平台签发") {
		t.Errorf("the file from before the reissue still checks as ours")
	}
	// Managers see the list, not the administrators' settings or actions.
	mgr := e.client().login("manager")
	if code, body := mgr.get("/manage/certificates"); code != http.StatusOK || strings.Contains(body, "证书设置") || strings.Contains(body, "/manage/certificates/new") {
		t.Errorf("the manager's page: %d", code)
	}
	// Removing the seal asks for confirmation on the page and then removes it.
	if _, body := admin.get("/manage/certificates"); !strings.Contains(body, "确定移除印章") {
		t.Errorf("no confirmation before removing the seal")
	}
	if code, _ := admin.upload("/manage/certificates/seal", "seal", "", nil, map[string]string{"remove": "1"}); code != http.StatusSeeOther || len(e.certs.Seal()) != 0 {
		t.Errorf("removing the seal: %d", code)
	}
}

// TestCertificateWithoutFont: with no font installed, a completed program still records the
// certificate, the learner sees "being prepared" instead of a link, and the administrator sees what
// to install.
func TestCertificateWithoutFont(t *testing.T) {
	e := newEnv(t)
	noFont, err := certificates.New(certificates.Config{DB: e.db, Now: e.clock.Now, FontPath: "/nonexistent/font.ttf", BaseURL: e.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	p := e.certProgram("无字体测试", "WZ-2026")
	c, err := noFont.Issue(context.Background(), certificates.IssueRequest{PersonID: e.ids["learner1"], ProgramID: p.ID})
	if err != nil || c.RenderedAt != nil {
		t.Fatalf("recording without a font: %v %v", c, err)
	}
	s, err := handlers.New(handlers.Deps{DB: e.db, Accounts: e.acc, Courses: e.courses, Quizzes: e.quiz, Training: e.tr,
		Certificates: noFont, BaseURL: e.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	e2 := *e
	e2.srv = srv
	learner := e2.client().login("learner1")
	code, body := learner.get("/certificates")
	if code != http.StatusOK || !strings.Contains(body, "证书生成中") || strings.Contains(body, "/certificates/"+itoa(c.ID)+"/pdf") {
		t.Errorf("without a font the learner should see 证书生成中: %d %.600s", code, body)
	}
	if code, _ := learner.get("/certificates/" + itoa(c.ID) + "/pdf"); code != http.StatusServiceUnavailable {
		t.Errorf("download without a font: %d, want 503", code)
	}
	admin := e2.client().login("admin")
	if _, body := admin.get("/manage/certificates"); !strings.Contains(body, "未找到中文字体") || !strings.Contains(body, "fonts-arphic-gbsn00lp") || !strings.Contains(body, "PEIXUN_CERT_FONT") {
		t.Errorf("the administrator is not told what to install: %.600s", body)
	}
	if code, body, _ := admin.post("/manage/certificates/render", nil); code != http.StatusServiceUnavailable || !strings.Contains(body, "未找到中文字体，证书暂时无法生成：") {
		t.Errorf("rendering pending without a font: %d %.300s", code, body)
	}
	// Once a font is there (the main server's service finds one), the same record downloads.
	if e.certs.FontWarning() == "" {
		if code, _ := e.client().login("learner1").get("/certificates/" + itoa(c.ID) + "/pdf"); code != http.StatusOK {
			t.Errorf("download once a font is there: %d", code)
		}
	}
}

// TestCertificatePreview: the program editor's preview renders the saved settings, or text given in
// the query; an unknown placeholder is refused naming the field.
func TestCertificatePreview(t *testing.T) {
	e := newEnv(t)
	needCertFont(t, e)
	p := e.certProgram("预览测试项目", "YL-2026")
	cl := e.client().login("trainer")
	q := url.Values{"title": {"结业证书"}, "body": {"{{name}}完成了{{program}}。"}, "valid_months": {"24"}}
	code, pdf, resp := cl.do(http.MethodGet, "/programs/"+itoa(p.ID)+"/certificate-preview?"+q.Encode(), nil, nil)
	if code != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("preview: %d %.300s", code, pdf)
	}
	text := strings.Join(pdfText([]byte(pdf)), "")
	for _, want := range []string{"结业证书", "张三完成了预览测试项目。", "YL-2026-000001", "有效期至"} {
		if !strings.Contains(text, want) {
			t.Errorf("preview lacks %q: %q", want, text)
		}
	}
	for _, tt := range []struct {
		q     url.Values
		field string
	}{
		{url.Values{"body": {"{{bogus}}"}}, "cert_body"},
		{url.Values{"title": {"证书{{x}}"}}, "cert_title"},
		{url.Values{"prefix": {"坏前缀"}}, "cert_prefix"},
		{url.Values{"valid_months": {"-3"}}, "cert_valid_months"},
	} {
		code, body, _ := cl.do(http.MethodGet, "/programs/"+itoa(p.ID)+"/certificate-preview?"+tt.q.Encode(), nil, map[string]string{"Accept": "application/json"})
		if code != http.StatusUnprocessableEntity || jsonOf(t, body)["error"].(map[string]any)["field"] != tt.field {
			t.Errorf("preview %v: %d %.300s, want the field %s", tt.q, code, body, tt.field)
		}
	}
	if code, _ := cl.get("/programs/999999/certificate-preview"); code != http.StatusNotFound {
		t.Errorf("preview of an unknown program: %d", code)
	}
}
