package handlers_test

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"peixun/database/dbtest"
)

// postFile uploads a file as a multipart form with the client's CSRF token.
func (c *client) postFile(path, field, name string, data []byte, extra url.Values) (int, string) {
	c.e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", c.csrf)
	for k, vs := range extra {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	fw, _ := w.CreateFormFile(field, name)
	_, _ = fw.Write(data)
	_ = w.Close()
	code, body, _ := c.do(http.MethodPost, path, &buf, map[string]string{"Content-Type": w.FormDataContentType()})
	return code, body
}

var hiddenRe = regexp.MustCompile(`name="(file_name|file_data|valid_only)" value="([^"]*)"`)

// TestRosterPages: preview names each bad row, nothing is written, the valid rows can be imported,
// and the same file again changes nothing.
func TestRosterPages(t *testing.T) {
	e := newEnv(t)
	mgr := e.client().login("manager")
	csv := "\ufeff工号,姓名,单位,类别,手机,执法证号,执法证有效期\n" +
		"LZ9001,周新,余杭区交通运输局/交通运输行政执法队/良渚中队,执法人员,13900000001,浙交执990001,2027-06-30\n" +
		"LZ9002,,余杭区交通运输局/交通运输行政执法队/良渚中队,执法人员,,,\n" +
		"LZ9003,吴新,余杭区交通运输局/交通运输行政执法队/良渚中队/三分队,飞行员,,,2027-02-30\n" +
		"LZ9004,郑新,余杭区交通运输局/交通运输行政执法队/余杭中队,执法人员,,,\n"
	before := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM persons")
	code, body := mgr.postFile("/roster/preview", "file", "名单.csv", []byte(csv), nil)
	if code != http.StatusOK {
		t.Fatalf("preview: %d", code)
	}
	for _, want := range []string{"第3行（姓名）", "第4行（类别）", "第4行（执法证有效期）", "第5行（单位）"} {
		if !strings.Contains(body, want) {
			t.Errorf("the preview does not report %q", want)
		}
	}
	if n := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM persons"); n != before {
		t.Fatalf("preview wrote %d people", n-before)
	}
	form := url.Values{}
	for _, m := range hiddenRe.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if form.Get("valid_only") != "1" || form.Get("file_data") == "" {
		t.Fatalf("the preview offers no import of the valid rows: %v", form)
	}
	// Importing the whole file is refused while rows are bad.
	whole := url.Values{"file_name": {form.Get("file_name")}, "file_data": {form.Get("file_data")}}
	if code, body, _ := mgr.post("/roster/import", whole); code != http.StatusUnprocessableEntity || !strings.Contains(body, "未导入任何数据") {
		t.Fatalf("importing a file with bad rows: %d %s", code, regexp.MustCompile(`role="alert">[^<]*`).FindString(body))
	}
	if n := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM persons"); n != before {
		t.Fatalf("a refused import wrote %d people", n-before)
	}
	code, body, _ = mgr.post("/roster/import", form)
	if code != http.StatusOK || !strings.Contains(body, "新增1人") || !strings.Contains(body, "跳过3行") {
		t.Fatalf("importing the valid rows: %d %s", code, regexp.MustCompile(`导入完成[^<]*`).FindString(body))
	}
	if n := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM persons WHERE employee_no = 'LZ9001' AND name = '周新'"); n != 1 {
		t.Fatalf("the valid row was not imported")
	}
	// The same file again: nothing new.
	code, body, _ = mgr.post("/roster/import", form)
	if code != http.StatusOK || !strings.Contains(body, "新增0人，更新0人，无变化1人") {
		t.Fatalf("second import changed something: %s", regexp.MustCompile(`导入完成[^<]*`).FindString(body))
	}
	// Export in both formats.
	for _, f := range []string{"csv", "xlsx"} {
		code, _, resp := mgr.do(http.MethodGet, "/roster/export?format="+f, nil, nil)
		if code != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "roster-") {
			t.Errorf("export %s: %d %v", f, code, resp.Header)
		}
	}
	if code, _, _ := mgr.do(http.MethodGet, "/roster/export?format=pdf", nil, nil); code != http.StatusUnprocessableEntity {
		t.Errorf("export in an unknown format: %d", code)
	}
}
