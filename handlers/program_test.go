package handlers_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"peixun/ent"
	"peixun/ent/enrollment"
	"peixun/ent/notification"
	"peixun/ent/schema"
	"peixun/training"
)

// trainingMatrixIDs fills the named parameters of the training routes for the authorization matrix.
func trainingMatrixIDs(t *testing.T, e *env) map[string]string {
	t.Helper()
	ctx := context.Background()
	en := e.openEnrollment(e.programs["rotation"])
	n, err := e.db.Client.Notification.Create().SetPersonID(e.ids["learner1"]).SetKey("matrix").SetKind("nudge").
		SetTitle("matrix").SetCreatedAt(e.clock.Now()).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{":program": strconv.Itoa(e.programs["rotation"]), ":enrollment": strconv.Itoa(en.ID),
		":notification": strconv.Itoa(n.ID), ":job": training.JobPurgeSessions}
}

// scopePath is the unit path of the demo manager (良渚中队).
func (e *env) scopePath() string {
	e.t.Helper()
	u, err := e.db.Client.Unit.Get(context.Background(), e.ids["unit:YH-ZFD-LZ"])
	if err != nil {
		e.t.Fatal(err)
	}
	return u.Path
}

// openEnrollment is an unfinished enrollment of the program in the manager's subtree, not the manager's own.
func (e *env) openEnrollment(programID int) *ent.Enrollment {
	e.t.Helper()
	var id int
	err := e.db.SQL.QueryRowContext(context.Background(), `SELECT e.id FROM enrollments e JOIN units u ON u.id = e.unit_id
WHERE e.program_id = ? AND u.path LIKE ? AND e.person_id <> ? AND e.left_scope_at IS NULL
  AND e.status IN ('assigned', 'in_progress', 'overdue') ORDER BY e.id LIMIT 1`, programID, e.scopePath()+"%", e.ids["manager"]).Scan(&id)
	if err != nil {
		e.t.Fatalf("no open enrollment in the manager's unit: %v", err)
	}
	en, err := e.db.Client.Enrollment.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return en
}

// sqlFigures counts a program's enrollments in a unit subtree straight from the table.
func (e *env) sqlFigures(programID int, path string) (inScope, completed, exempt, overdue int) {
	e.t.Helper()
	err := e.db.SQL.QueryRowContext(context.Background(), `SELECT COUNT(*),
  COALESCE(SUM(CASE WHEN e.status = 'completed' THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN e.status = 'exempt' THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN e.status = 'overdue' THEN 1 ELSE 0 END), 0)
FROM enrollments e JOIN units u ON u.id = e.unit_id WHERE e.program_id = ? AND e.left_scope_at IS NULL AND u.path LIKE ?`,
		programID, path+"%").Scan(&inScope, &completed, &exempt, &overdue)
	if err != nil {
		e.t.Fatal(err)
	}
	return
}

func num(v any) int { f, _ := v.(float64); return int(f) }

// TestProgramCompletionEqualsSQL: the figures and the pace a manager gets equal direct SQL counts
// and the pace formula, unit by unit, for every demo program; and the manager gets only their units.
func TestProgramCompletionEqualsSQL(t *testing.T) {
	e := newEnv(t)
	tok := e.token("manager")
	scope := e.scopePath()
	paths := map[int]string{}
	us, _ := e.db.Client.Unit.Query().All(context.Background())
	for _, u := range us {
		paths[u.ID] = u.Path
	}
	for kind, id := range e.programs {
		t.Run(kind, func(t *testing.T) {
			code, body := e.api(tok, http.MethodGet, fmt.Sprintf("/api/v1/programs/%d/completion", id), nil)
			if code != http.StatusOK {
				t.Fatalf("completion: %d %v", code, body)
			}
			p, _ := e.db.Client.Program.Get(context.Background(), id)
			now := e.clock.Now()
			want := p.TargetRate * math.Min(1, math.Max(0, float64(now.Sub(p.StartsAt))/float64(p.DueAt.Sub(p.StartsAt))))
			if got := body["expected_rate"].(float64); math.Abs(got-want) > 1e-6 {
				t.Errorf("expected rate %v, want target × elapsed share %v", got, want)
			}
			units := body["units"].([]any)
			if len(units) == 0 {
				t.Fatal("no units in the manager's view")
			}
			for _, raw := range units {
				u := raw.(map[string]any)
				uid := num(u["unit_id"])
				if !strings.HasPrefix(paths[uid], scope) {
					t.Errorf("unit %d (%s) is outside the manager's scope", uid, u["name"])
				}
				in, done, ex, od := e.sqlFigures(id, paths[uid])
				sub := u["subtree"].(map[string]any)
				if num(sub["in_scope"]) != in || num(sub["completed"]) != done || num(sub["exempt"]) != ex || num(sub["overdue"]) != od {
					t.Errorf("unit %s: API %v, SQL in %d done %d exempt %d overdue %d", u["name"], sub, in, done, ex, od)
				}
				rate := 0.0
				if in-ex > 0 {
					rate = float64(done) * 100 / float64(in-ex)
				}
				if math.Abs(sub["rate"].(float64)-rate) > 1e-9 {
					t.Errorf("unit %s: rate %v, want %v", u["name"], sub["rate"], rate)
				}
				if behind := in-ex > 0 && rate < want-1e-9; u["behind"] != behind {
					t.Errorf("unit %s: behind %v, want %v (rate %.1f, expected %.1f)", u["name"], u["behind"], behind, rate, want)
				}
			}
			in, done, ex, _ := e.sqlFigures(id, scope)
			total := body["total"].(map[string]any)
			if num(total["in_scope"]) != in || num(total["completed"]) != done || num(total["exempt"]) != ex {
				t.Errorf("total %v, SQL %d/%d/%d", total, in, done, ex)
			}
		})
	}
	// The page shows the same rate as the API.
	cl := e.client().login("manager")
	code, page := cl.get(fmt.Sprintf("/programs/%d", e.programs["rotation"]))
	_, body := e.api(tok, http.MethodGet, fmt.Sprintf("/api/v1/programs/%d/completion", e.programs["rotation"]), nil)
	rate := strconv.FormatFloat(body["total"].(map[string]any)["rate"].(float64), 'f', 1, 64) + "%"
	if code != http.StatusOK || !strings.Contains(page, `<span class="num" id="rate">`+rate) {
		t.Fatalf("program page %d does not show the rate %s", code, rate)
	}
}

// TestProgramManagerScope: a manager never sees another unit's units or people, and cannot act on them.
func TestProgramManagerScope(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tok := e.token("manager")
	prog := e.programs["rotation"]
	other := e.ids["unit:YH-ZFD-YH"] // 余杭中队, a sibling of the manager's 良渚中队
	var otherEnrollment int
	if err := e.db.SQL.QueryRowContext(ctx, `SELECT id FROM enrollments WHERE program_id = ? AND unit_id = ? AND status <> 'completed' LIMIT 1`,
		prog, other).Scan(&otherEnrollment); err != nil {
		t.Fatal(err)
	}
	// An office-only program does not touch the manager's scope at all.
	admin := e.actor("admin")
	office, err := e.tr.CreateProgram(ctx, admin, training.ProgramInput{Name: "办公室专项", Kind: "other",
		StartsAt: e.clock.Now().Add(-time.Hour), DueAt: e.clock.Now().AddDate(0, 1, 0),
		Audience: schema.Audience{UnitIDs: []int{e.ids["unit:YH-BGS"]}}, MinEvents: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.tr.SetProgramStatus(ctx, admin, office.ID, training.StatusActive); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"another unit's people", http.MethodGet, fmt.Sprintf("/api/v1/programs/%d/enrollments?unit=%d", prog, other), nil, http.StatusForbidden},
		{"exempt in another unit", http.MethodPost, fmt.Sprintf("/api/v1/enrollments/%d/exempt", otherEnrollment), map[string]string{"reason": "借调"}, http.StatusForbidden},
		{"unexempt in another unit", http.MethodPost, fmt.Sprintf("/api/v1/enrollments/%d/unexempt", otherEnrollment), nil, http.StatusForbidden},
		{"a program outside the scope", http.MethodGet, fmt.Sprintf("/api/v1/programs/%d", office.ID), nil, http.StatusNotFound},
		{"its completion", http.MethodGet, fmt.Sprintf("/api/v1/programs/%d/completion", office.ID), nil, http.StatusNotFound},
		{"its people", http.MethodGet, fmt.Sprintf("/api/v1/programs/%d/enrollments", office.ID), nil, http.StatusNotFound},
		{"a bad filter", http.MethodGet, fmt.Sprintf("/api/v1/programs/%d/enrollments?status=nonsense", prog), nil, http.StatusUnprocessableEntity},
	}
	for _, c := range cases {
		if code, body := e.api(tok, c.method, c.path, c.body); code != c.want {
			t.Errorf("%s: %d %v, want %d", c.name, code, body, c.want)
		}
	}
	if s, _ := e.db.Client.Enrollment.Get(ctx, otherEnrollment); s.Status == enrollment.StatusExempt {
		t.Fatal("another unit's enrollment was exempted")
	}
	// Every person listed belongs to the manager's subtree; the list holds all of them.
	code, body := e.api(tok, http.MethodGet, fmt.Sprintf("/api/v1/programs/%d/enrollments?per_page=500", prog), nil)
	if code != http.StatusOK {
		t.Fatalf("people: %d %v", code, body)
	}
	scope := e.scopePath()
	in, _, _, _ := e.sqlFigures(prog, scope)
	if num(body["total"]) != in || len(body["enrollments"].([]any)) != in {
		t.Errorf("people list has %v (total %v), SQL counts %d in scope", len(body["enrollments"].([]any)), body["total"], in)
	}
	for _, raw := range body["enrollments"].([]any) {
		u, _ := e.db.Client.Unit.Get(ctx, num(raw.(map[string]any)["unit_id"]))
		if !strings.HasPrefix(u.Path, scope) {
			t.Errorf("%v of %s is outside the manager's scope", raw.(map[string]any)["name"], u.Name)
		}
	}
	// The page neither lists the other squad nor its people; the office program is not found.
	cl := e.client().login("manager")
	_, page := cl.get(fmt.Sprintf("/programs/%d?status=incomplete", prog))
	if strings.Contains(page, "余杭中队") || !strings.Contains(page, "良渚中队") {
		t.Error("the program page shows another unit or misses the manager's")
	}
	if code, _ := cl.get(fmt.Sprintf("/programs/%d", office.ID)); code != http.StatusNotFound {
		t.Errorf("the office program answered %d to the squad manager", code)
	}
	if code, _ := cl.get(fmt.Sprintf("/programs/%d?unit=%d", prog, other)); code != http.StatusForbidden {
		t.Errorf("filtering by another unit answered %d", code)
	}
	if _, list := cl.get("/programs"); strings.Contains(list, "办公室专项") || !strings.Contains(list, "行政执法人员轮训") {
		t.Error("the manager's program list is wrong")
	}
}

// TestProgramExemption: an exemption needs a reason, is audited with the address, leaves the
// denominator (the rate changes as counted) and can be ended.
func TestProgramExemption(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	prog := e.programs["rotation"]
	en := e.openEnrollment(prog)
	cl := e.client().login("manager")
	path := fmt.Sprintf("/enrollments/%d/exempt", en.ID)
	code, page, _ := cl.post(path, url.Values{"reason": {"  "}, "program": {strconv.Itoa(prog)}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "请填写免训理由") {
		t.Fatalf("no reason: %d, page %.200s", code, page)
	}
	if got, _ := e.db.Client.Enrollment.Get(ctx, en.ID); got.Status == enrollment.StatusExempt {
		t.Fatal("exempted without a reason")
	}
	scope := e.scopePath()
	in0, done0, ex0, _ := e.sqlFigures(prog, scope)
	code, _, resp := cl.post(path, url.Values{"reason": {"长期病假"}, "back": {"status=incomplete"}})
	if code != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "status=incomplete") {
		t.Fatalf("exempting: %d → %s", code, resp.Header.Get("Location"))
	}
	got, _ := e.db.Client.Enrollment.Get(ctx, en.ID)
	if got.Status != enrollment.StatusExempt || got.ExemptReason != "长期病假" || got.ExemptedBy == nil || *got.ExemptedBy != e.ids["manager"] {
		t.Fatalf("enrollment after exemption: %+v", got)
	}
	var action, detail, ip string
	if err := e.db.SQL.QueryRowContext(ctx, `SELECT action, detail, ip FROM audit_events WHERE target_type = 'enrollment' AND target_id = ? ORDER BY id DESC LIMIT 1`,
		en.ID).Scan(&action, &detail, &ip); err != nil || action != "enrollment.exempt" || !strings.Contains(detail, "长期病假") || ip == "" {
		t.Fatalf("audit: %v %q %q %q", err, action, detail, ip)
	}
	in1, done1, ex1, _ := e.sqlFigures(prog, scope)
	if in1 != in0 || ex1 != ex0+1 || done1 != done0 {
		t.Fatalf("figures before %d/%d/%d after %d/%d/%d", in0, done0, ex0, in1, done1, ex1)
	}
	before, after := float64(done0)*100/float64(in0-ex0), float64(done1)*100/float64(in1-ex1)
	_, page = cl.get(fmt.Sprintf("/programs/%d?ok=exempted", prog))
	if !strings.Contains(page, `id="rate">`+strconv.FormatFloat(after, 'f', 1, 64)+"%") || before == after {
		t.Fatalf("the page does not show the new rate %.1f (was %.1f)", after, before)
	}
	// Exempting again conflicts; ending the exemption puts the person back.
	if code, _, _ := cl.post(path, url.Values{"reason": {"再次"}}); code != http.StatusConflict {
		t.Errorf("second exemption: %d", code)
	}
	if code, _, _ := cl.post(fmt.Sprintf("/enrollments/%d/unexempt", en.ID), nil); code != http.StatusSeeOther {
		t.Fatalf("unexempt: %d", code)
	}
	if in2, _, ex2, _ := e.sqlFigures(prog, scope); in2 != in0 || ex2 != ex0 {
		t.Errorf("after unexempt: in %d exempt %d, want %d %d", in2, ex2, in0, ex0)
	}
	// The API takes the same rules.
	tok := e.token("manager")
	if code, body := e.api(tok, http.MethodPost, fmt.Sprintf("/api/v1/enrollments/%d/exempt", en.ID), map[string]string{}); code != http.StatusUnprocessableEntity ||
		body["error"].(map[string]any)["field"] != "reason" {
		t.Errorf("API without reason: %d %v", code, body)
	}
	if code, body := e.api(tok, http.MethodPost, fmt.Sprintf("/api/v1/enrollments/%d/exempt", en.ID), map[string]string{"reason": "借调"}); code != http.StatusOK ||
		body["status"] != "exempt" {
		t.Errorf("API exemption: %d %v", code, body)
	}
}

// TestProgramRemindOnceADay: a bulk reminder clicked twice the same day notifies each person once.
func TestProgramRemindOnceADay(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	prog := e.programs["rotation"]
	var people []string
	rows, err := e.db.SQL.QueryContext(ctx, `SELECT e.person_id FROM enrollments e JOIN units u ON u.id = e.unit_id
WHERE e.program_id = ? AND u.path LIKE ? AND e.status IN ('assigned', 'in_progress') ORDER BY e.person_id LIMIT 3`, prog, e.scopePath()+"%")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int
		_ = rows.Scan(&id)
		people = append(people, strconv.Itoa(id))
	}
	rows.Close()
	if len(people) < 2 {
		t.Fatalf("only %d people to remind", len(people))
	}
	cl := e.client().login("manager")
	for i, want := range []string{"reminded=" + strconv.Itoa(len(people)), "reminded=0"} {
		code, _, resp := cl.post(fmt.Sprintf("/programs/%d/remind", prog), url.Values{"person_ids": people, "back": {"status=overdue"}})
		if code != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), want) {
			t.Fatalf("click %d: %d → %s, want %s", i+1, code, resp.Header.Get("Location"), want)
		}
	}
	n, _ := e.db.Client.Notification.Query().Where(notification.KindEQ("nudge")).Count(ctx)
	if n != len(people) {
		t.Fatalf("%d nudges, want %d", n, len(people))
	}
	if code, page, _ := cl.post(fmt.Sprintf("/programs/%d/remind", prog), url.Values{}); code != http.StatusUnprocessableEntity || !strings.Contains(page, "请先选择要提醒的人员") {
		t.Errorf("remind nobody: %d", code)
	}
	// The reminded person sees it in the inbox with the unread count in the navigation.
	id, _ := strconv.Atoi(people[0])
	p, _ := e.db.Client.Person.Get(ctx, id)
	lc := e.client().login(p.Username)
	_, page := lc.get("/inbox")
	if !strings.Contains(page, "请尽快完成") || !strings.Contains(page, "消息（1）") && !strings.Contains(page, "(1)") && !strings.Contains(page, "1") {
		t.Fatalf("inbox does not show the reminder: %.300s", page)
	}
}
