package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"peixun/certificates"
	"peixun/training"
)

// unitPaths maps every unit id to its path.
func (e *env) unitPaths() map[int]string {
	e.t.Helper()
	us, err := e.db.Client.Unit.Query().All(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	m := map[int]string{}
	for _, u := range us {
		m[u.ID] = u.Path
	}
	return m
}

// TestDashboardFiguresEqualSQL: every figure of the dashboard (API and page) equals a direct SQL
// count, for a manager (their subtree only) and an administrator (everything).
func TestDashboardFiguresEqualSQL(t *testing.T) {
	e := newEnv(t)
	paths := e.unitPaths()
	for _, tc := range []struct{ who, scope string }{{"manager", e.scopePath()}, {"admin", "/"}} {
		t.Run(tc.who, func(t *testing.T) {
			tok := e.token(tc.who)
			code, body := e.api(tok, http.MethodGet, "/api/v1/dashboard", nil)
			if code != http.StatusOK {
				t.Fatalf("dashboard: %d %v", code, body)
			}
			progs := body["programs"].([]any)
			if len(progs) == 0 {
				t.Fatal("no programs")
			}
			for _, raw := range progs {
				p := raw.(map[string]any)
				in, done, ex, od := e.sqlFigures(num(p["id"]), tc.scope)
				tot := p["total"].(map[string]any)
				if num(tot["in_scope"]) != in || num(tot["completed"]) != done || num(tot["exempt"]) != ex || num(tot["overdue"]) != od {
					t.Errorf("%s: total %v, SQL %d %d %d %d", p["name"], tot, in, done, ex, od)
				}
			}
			for kind, id := range e.programs {
				code, body := e.api(tok, http.MethodGet, fmt.Sprintf("/api/v1/dashboard?program=%d", id), nil)
				if code != http.StatusOK {
					t.Fatalf("%s: %d %v", kind, code, body)
				}
				det := body["detail"].(map[string]any)
				for _, raw := range det["units"].([]any) {
					u := raw.(map[string]any)
					path := paths[num(u["unit_id"])]
					if !strings.HasPrefix(path, tc.scope) {
						t.Errorf("%s: unit %s outside the scope", kind, u["name"])
					}
					in, done, ex, od := e.sqlFigures(id, path)
					sub := u["subtree"].(map[string]any)
					if num(sub["in_scope"]) != in || num(sub["completed"]) != done || num(sub["exempt"]) != ex || num(sub["overdue"]) != od {
						t.Errorf("%s %s: %v, SQL %d %d %d %d", kind, u["name"], sub, in, done, ex, od)
					}
				}
				if len(det["trend"].([]any)) == 0 {
					t.Errorf("%s: no trend", kind)
				}
			}
		})
	}
	// The page shows the same totals.
	cl := e.client().login("manager")
	id := e.programs["rotation"]
	code, page := cl.get(fmt.Sprintf("/dashboard?program=%d", id))
	in, done, _, _ := e.sqlFigures(id, e.scopePath())
	if code != http.StatusOK || !strings.Contains(page, fmt.Sprintf(`class="num">%d</td>`, in)) ||
		!strings.Contains(page, fmt.Sprintf(`class="num">%d</td>`, done)) || !strings.Contains(page, "<svg class=\"chart bars\"") {
		t.Fatalf("dashboard page %d lacks the totals %d/%d or the chart", code, in, done)
	}
}

// TestDashboardManagerScope: a manager of one unit never sees another unit's figures or people.
func TestDashboardManagerScope(t *testing.T) {
	e := newEnv(t)
	cl := e.client().login("manager")
	outsideUnit := e.ids["unit:YH-BGS"]
	outsider, err := e.db.Client.Person.Query().Where().All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	paths := e.unitPaths()
	var other int
	for _, p := range outsider {
		if !strings.HasPrefix(paths[p.UnitID], e.scopePath()) {
			other = p.ID
			break
		}
	}
	id := e.programs["rotation"]
	cases := []struct {
		path string
		want int
	}{
		{fmt.Sprintf("/dashboard?program=%d&unit=%d", id, outsideUnit), http.StatusUnprocessableEntity},
		{fmt.Sprintf("/dashboard/export?program=%d&unit=%d&format=csv", id, outsideUnit), http.StatusUnprocessableEntity},
		{fmt.Sprintf("/dashboard/report.pdf?program=%d&unit=%d", id, outsideUnit), http.StatusUnprocessableEntity},
		{fmt.Sprintf("/people/%d/record", other), http.StatusNotFound},
		{fmt.Sprintf("/people/%d/record.pdf", other), http.StatusNotFound},
		{"/dashboard?program=abc", http.StatusUnprocessableEntity},
		{"/dashboard/export?format=pdf", http.StatusUnprocessableEntity},
		{"/dashboard/report.pdf", http.StatusUnprocessableEntity},
		{"/my/record?year=1990", http.StatusUnprocessableEntity},
	}
	for _, c := range cases {
		code, body := cl.get(c.path)
		if code != c.want {
			t.Errorf("%s: %d, want %d (%.200s)", c.path, code, c.want, body)
		}
	}
	// Bad input names the field.
	if _, body := cl.get("/dashboard?program=abc"); !strings.Contains(body, "培训项目必须是数字") {
		t.Errorf("bad program number: message does not name the field")
	}
	if _, body := cl.get("/dashboard/export?format=pdf"); !strings.Contains(body, "格式只能是 xlsx 或 csv") {
		t.Errorf("bad format: message does not name the field")
	}
	// The manager's pages and API name no unit outside their subtree.
	names := map[string]bool{}
	us, _ := e.db.Client.Unit.Query().All(context.Background())
	for _, u := range us {
		if !strings.HasPrefix(u.Path, e.scopePath()) && !strings.HasPrefix(e.scopePath(), u.Path) {
			names[u.Name] = true
		}
	}
	for _, path := range []string{fmt.Sprintf("/dashboard?program=%d", id), fmt.Sprintf("/dashboard/rankings?program=%d", id)} {
		_, body := cl.get(path)
		for n := range names {
			if strings.Contains(body, ">"+n+"<") {
				t.Errorf("%s shows the unit %s outside the manager's scope", path, n)
			}
		}
	}
	code, body := e.api(e.token("manager"), http.MethodGet, fmt.Sprintf("/api/v1/programs/%d/ranking", id), nil)
	if code != http.StatusOK {
		t.Fatalf("ranking: %d %v", code, body)
	}
	for _, raw := range body["units"].([]any) {
		if u := raw.(map[string]any); names[u["name"].(string)] {
			t.Errorf("ranking lists %s outside the scope", u["name"])
		}
	}
}

// download fetches a file through a signed-in client.
func (c *client) download(path string) (*http.Response, []byte) {
	c.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestReportExportDownloads: the XLSX reads back with its headers and one row per person in scope;
// the CSV begins with a BOM; the report PDF names every unit.
func TestReportExportDownloads(t *testing.T) {
	e := newEnv(t)
	cl := e.client().login("manager")
	id := e.programs["rotation"]
	in, done, _, _ := e.sqlFigures(id, e.scopePath())

	resp, b := cl.download(fmt.Sprintf("/dashboard/export?program=%d&format=xlsx", id))
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("xlsx: %d %v", resp.StatusCode, resp.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	rows, _ := f.GetRows(sheets[1])
	if strings.Join(rows[0], ",") != strings.Join(training.ExportHeaders, ",") || len(rows)-1 != in {
		t.Errorf("xlsx people sheet: header %v, %d rows, SQL %d", rows[0], len(rows)-1, in)
	}
	completed := 0
	for _, r := range rows[1:] {
		if r[6] == "已完成" {
			completed++
		}
	}
	if completed != done {
		t.Errorf("xlsx: %d completed, SQL %d", completed, done)
	}

	resp, b = cl.download(fmt.Sprintf("/dashboard/export?program=%d&format=csv", id))
	if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("csv: %d, begins %q", resp.StatusCode, b[:min(len(b), 8)])
	}
	if lines := strings.Count(strings.TrimSpace(string(b)), "\r\n"); lines != in {
		t.Errorf("csv: %d people, SQL %d", lines, in)
	}

	if _, err := certificates.FindFont(""); err != nil {
		t.Skip("no Chinese font: PDF not checked")
	}
	resp, b = cl.download(fmt.Sprintf("/dashboard/report.pdf?program=%d", id))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("report pdf: %d %v", resp.StatusCode, resp.Header)
	}
	text := strings.Join(pdfText(b), "\n")
	_, apiBody := e.api(e.token("manager"), http.MethodGet, fmt.Sprintf("/api/v1/dashboard?program=%d", id), nil)
	for _, raw := range apiBody["detail"].(map[string]any)["units"].([]any) {
		if name := raw.(map[string]any)["name"].(string); !strings.Contains(text, name) {
			t.Errorf("the report PDF does not name %s", name)
		}
	}
}

// TestRecordPages: a learner reads their own record; their manager reads it too; others cannot.
func TestRecordPages(t *testing.T) {
	e := newEnv(t)
	learner := e.client().login("learner1")
	code, body := learner.get("/my/record")
	me, _ := e.db.Client.Person.Get(context.Background(), e.ids["learner1"])
	if code != http.StatusOK || !strings.Contains(body, me.Name) || !strings.Contains(body, "学习档案") {
		t.Fatalf("my record: %d %.300s", code, body)
	}
	if code, _ := learner.get(fmt.Sprintf("/people/%d/record", e.ids["learner1"])); code != http.StatusForbidden {
		t.Errorf("learner on the managers' record page: %d", code)
	}
	mgr := e.client().login("manager")
	if code, body := mgr.get(fmt.Sprintf("/people/%d/record", e.ids["learner1"])); code != http.StatusOK || !strings.Contains(body, me.Name) {
		t.Errorf("manager on learner1's record: %d", code)
	}
	if _, err := certificates.FindFont(""); err == nil {
		resp, b := learner.download("/my/record.pdf")
		if resp.StatusCode != http.StatusOK || !strings.Contains(strings.Join(pdfText(b), ""), me.Name) {
			t.Errorf("record pdf: %d", resp.StatusCode)
		}
	}
}
