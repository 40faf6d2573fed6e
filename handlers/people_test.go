package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"peixun/accounts"
	"peixun/database/dbtest"
)

// TestManagerScope: the manager of 良渚中队 acts on their own subtree only.
func TestManagerScope(t *testing.T) {
	e := newEnv(t)
	mgr := e.client().login("manager")
	token := e.token("manager")
	own := strconv.Itoa(e.ids["learner1"])   // 良渚中队一分队
	other := strconv.Itoa(e.ids["learner2"]) // 余杭中队
	otherUnit := strconv.Itoa(e.ids["unit:YH-ZFD-YH"])
	cases := []struct {
		method, path string
		status       int
	}{
		{"GET", "/people/" + own, http.StatusOK},
		{"GET", "/people/" + other, http.StatusForbidden},
		{"POST", "/people/" + other + "/status", http.StatusForbidden},
		{"POST", "/people/" + other + "/sign-out-everywhere", http.StatusForbidden},
		{"POST", "/units/" + otherUnit, http.StatusForbidden},
		{"GET", "/people?unit=" + otherUnit, http.StatusForbidden},
	}
	for _, c := range cases {
		var code int
		if c.method == "GET" {
			code, _ = mgr.get(c.path)
		} else {
			code, _, _ = mgr.post(c.path, url.Values{"status": {"suspended"}, "name": {"x"}, "code": {"x"}})
		}
		if code != c.status {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, code, c.status)
		}
	}
	for _, c := range []struct {
		method, path string
		body         any
		status       int
	}{
		{"GET", "/api/v1/people/" + own, nil, http.StatusOK},
		{"GET", "/api/v1/people/" + other, nil, http.StatusForbidden},
		{"PATCH", "/api/v1/people/" + other, map[string]any{"name": "改名"}, http.StatusForbidden},
		{"GET", "/api/v1/units/" + otherUnit, nil, http.StatusForbidden},
		{"POST", "/api/v1/people", map[string]any{"username": "newguy", "name": "新人", "unit_id": e.ids["unit:YH-ZFD-YH"]}, http.StatusForbidden},
	} {
		code, body := e.api(token, c.method, c.path, c.body)
		if code != c.status {
			t.Errorf("API %s %s: %d %v, want %d", c.method, c.path, code, body, c.status)
		}
	}
	// The list shows only the manager's subtree.
	_, body := mgr.get("/people?status=active")
	if strings.Contains(body, "李协管") || !strings.Contains(body, "王执法") {
		t.Errorf("people list crosses the manager's scope")
	}
	if n := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM persons WHERE status <> 'active'"); n != 0 {
		t.Errorf("%d people changed status through refused requests", n)
	}
}

// TestPersonFormErrors: bad input names its field, answers 4xx and writes nothing.
func TestPersonFormErrors(t *testing.T) {
	e := newEnv(t)
	adm := e.client().login("admin")
	unit := strconv.Itoa(e.ids["unit:YH-ZFD-LZ"])
	base := url.Values{"username": {"zhangsan"}, "name": {"张三"}, "unit_id": {unit}, "category": {"officer"}, "roles": {"learner"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range base {
			f[kk] = append([]string(nil), vv...)
		}
		f.Set(k, v)
		return f
	}
	cases := []struct {
		name string
		form url.Values
		msg  string
	}{
		{"bad username", with("username", "张三!"), "用户名须为"},
		{"taken username", with("username", "manager"), "用户名“manager”已被使用"},
		{"empty name", with("name", " "), "请填写名称"},
		{"name beyond U+FFFF", with("name", "张\U00020000"), "无法在证书上打印"},
		{"bad date", with("credential_expires", "2021-13-45"), "执法证有效期的日期格式"},
		{"bad phone", with("phone", "abc"), "手机号码格式不正确"},
		{"unknown category", with("category", "pilot"), "未知的人员类别"},
		{"weak password", with("password", "short"), "至少需要8个字符"},
		{"no such unit", with("unit_id", "999999"), "所选单位不存在"},
	}
	before := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM persons")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body, _ := adm.post("/people", c.form)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, c.msg) {
				t.Fatalf("status %d; want 422 with %q", code, c.msg)
			}
			if strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
				t.Fatalf("the page shows internals")
			}
		})
	}
	if after := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM persons"); after != before {
		t.Fatalf("people went from %d to %d through refused forms", before, after)
	}
	if code, _, resp := adm.post("/people", base); code != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "ok=person_created") {
		t.Fatalf("a good form gave %d", code)
	}
}

func TestUnitMoveRefusesCycle(t *testing.T) {
	e := newEnv(t)
	adm := e.client().login("admin")
	squad := strconv.Itoa(e.ids["unit:YH-ZFD-LZ"])
	team := strconv.Itoa(e.ids["unit:YH-ZFD-LZ-1"])
	pathBefore := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM units WHERE path LIKE ?", "%/"+squad+"/%")
	code, body, _ := adm.post("/units/"+squad+"/move", url.Values{"parent_id": {team}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "不能把“良渚中队”移动到它自己的下级单位") {
		t.Fatalf("moving a squad under its own team: %d %s", code, body)
	}
	if code, _, _ := adm.post("/units/"+squad+"/move", url.Values{"parent_id": {squad}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("moving a unit under itself: %d", code)
	}
	if n := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM units WHERE path LIKE ?", "%/"+squad+"/%"); n != pathBefore {
		t.Fatalf("unit paths changed: %d → %d", pathBefore, n)
	}
	// A legal move carries the subtree along.
	office := strconv.Itoa(e.ids["unit:YH-BGS"])
	if code, _, _ := adm.post("/units/"+squad+"/move", url.Values{"parent_id": {office}}); code != http.StatusSeeOther {
		t.Fatalf("legal move: %d", code)
	}
	if n := dbtest.Count(t, e.db.SQL, "SELECT COUNT(*) FROM units WHERE path LIKE ?", "%/"+office+"/"+squad+"/%"); n != 3 {
		t.Fatalf("after the move %d units lie under the office/squad path, want 3", n)
	}
}

// TestManagerFormKeepsRoles: a manager's person form sends only the learner role (the others are
// disabled checkboxes, which browsers do not submit); saving must not demote anyone, and the API
// cannot change roles for a manager either.
func TestManagerFormKeepsRoles(t *testing.T) {
	e := newEnv(t)
	mgr := e.client().login("manager")
	id := strconv.Itoa(e.ids["manager"])
	form := url.Values{"username": {"manager"}, "name": {"沈中队长"}, "unit_id": {strconv.Itoa(e.ids["unit:YH-ZFD-LZ"])},
		"category": {"cadre"}, "roles": {"learner"}, "phone": {"13905710003"}}
	if code, body, _ := mgr.post("/people/"+id, form); code != http.StatusSeeOther {
		t.Fatalf("saving own details: %d %.300s", code, body)
	}
	if code, _, _ := mgr.post("/people/"+id, form); code != http.StatusSeeOther {
		t.Fatalf("the manager lost access after saving: %d", code)
	}
	code, out := e.api(e.token("manager"), "PATCH", "/api/v1/people/"+id, map[string]any{"roles": []string{"learner"}})
	if code != http.StatusOK {
		t.Fatalf("PATCH: %d %v", code, out)
	}
	p, err := e.acc.Person(context.Background(), accounts.System, e.ids["manager"])
	if err != nil || !slices.Contains(p.Roles, "manager") || p.Phone != "13905710003" {
		t.Fatalf("after the saves: roles %v, phone %q (%v); want the manager role kept and the phone saved", p.Roles, p.Phone, err)
	}
}
