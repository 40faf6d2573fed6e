package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"peixun/ent/jobrun"
	"peixun/ent/program"
)

// TestProgramForm: bad input is refused with a message naming the field and creates nothing; a
// good form creates a draft that can be activated, and a draft can be deleted.
func TestProgramForm(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cl := e.client().login("trainer")
	if code, page := cl.get("/programs/new"); code != http.StatusOK || !strings.Contains(page, `name="course_ids"`) {
		t.Fatalf("new program form: %d", code)
	}
	good := func() url.Values {
		return url.Values{"name": {"安全生产专题培训"}, "kind": {"other"}, "starts_at": {"2026-01-01"}, "due_at": {"2026-12-31"},
			"target_rate": {"95"}, "categories": {"officer"}, "min_hours": {"4"}, "include": {"learner2"}}
	}
	before, _ := e.db.Client.Program.Query().Count(ctx)
	cases := []struct {
		name   string
		change func(url.Values)
		want   string
	}{
		{"no name", func(f url.Values) { f.Set("name", "") }, "请填写项目名称"},
		{"due before start", func(f url.Values) { f.Set("due_at", "2025-01-01") }, "截止日期必须晚于开始日期"},
		{"bad date", func(f url.Values) { f.Set("starts_at", "2026-13-40") }, "开始日期的日期格式"},
		{"target over 100", func(f url.Values) { f.Set("target_rate", "120") }, "目标完成率应在0到100之间"},
		{"unknown person", func(f url.Values) { f.Set("exclude", "nobody-here") }, "找不到“nobody-here”"},
		{"no requirement", func(f url.Values) { f.Del("min_hours") }, "请至少设置一项完成要求"},
		{"bad prefix", func(f url.Values) { f.Set("certificate", "1"); f.Set("cert_prefix", "yh 2021") }, "证书编号前缀"},
	}
	for _, c := range cases {
		f := good()
		c.change(f)
		code, page, _ := cl.post("/programs", f)
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, c.want) {
			t.Errorf("%s: %d, want 422 with %q", c.name, code, c.want)
		}
		if !strings.Contains(page, `value="安全生产专题培训"`) && c.name != "no name" {
			t.Errorf("%s: the form did not come back filled in", c.name)
		}
	}
	if after, _ := e.db.Client.Program.Query().Count(ctx); after != before {
		t.Fatalf("refused forms created %d programs", after-before)
	}
	code, _, resp := cl.post("/programs", good())
	if code != http.StatusSeeOther {
		t.Fatalf("creating: %d", code)
	}
	p, err := e.db.Client.Program.Query().Where(program.Name("安全生产专题培训")).Only(ctx)
	if err != nil || p.Status != program.StatusDraft || p.TargetRate != 95 || len(p.Audience.Include) != 1 || p.Audience.Include[0] != e.ids["learner2"] {
		t.Fatalf("created program: %v %+v", err, p)
	}
	if due := p.DueAt.In(time.FixedZone("CST", 8*3600)); due.Format("2006-01-02 15:04") != "2026-12-31 23:59" {
		t.Errorf("due at %v, want the end of the due day", due)
	}
	base := resp.Header.Get("Location")
	if code, page := cl.get(fmt.Sprintf("/programs/%d/edit", p.ID)); code != http.StatusOK || !strings.Contains(page, "李协管 (YH0005)") {
		t.Errorf("edit form does not show the added person: %d", code)
	}
	if code, page := cl.get(base); code != http.StatusOK || !strings.Contains(page, "删除草稿") {
		t.Fatalf("draft page: %d", code)
	}
	if code, _, _ := cl.post(fmt.Sprintf("/programs/%d/status", p.ID), url.Values{"status": {"active"}}); code != http.StatusSeeOther {
		t.Fatalf("activating: %d", code)
	}
	if n, _ := e.db.Client.Enrollment.Query().Where().Count(ctx); n == 0 {
		t.Fatal("activation enrolled nobody")
	}
	if code, _, _ := cl.post(fmt.Sprintf("/programs/%d/delete", p.ID), nil); code != http.StatusConflict {
		t.Errorf("deleting an active program: %d, want 409", code)
	}
	draft, _ := e.db.Client.Program.Create().SetName("草稿").SetKind("other").SetStartsAt(p.StartsAt).SetDueAt(p.DueAt).Save(ctx)
	if code, _, _ := cl.post(fmt.Sprintf("/programs/%d/delete", draft.ID), nil); code != http.StatusSeeOther {
		t.Fatalf("deleting a draft: %d", code)
	}
	if ok, _ := e.db.Client.Program.Query().Where(program.ID(draft.ID)).Exist(ctx); ok {
		t.Error("the draft is still there")
	}
	// Lists filter by status, kind and name.
	for q, want := range map[string]string{"?kind=other": "安全生产专题培训", "?q=学法": "学法用法", "?status=closed": "没有符合条件"} {
		if _, page := cl.get("/programs" + q); !strings.Contains(page, want) {
			t.Errorf("/programs%s does not show %q", q, want)
		}
	}
	if code, _ := cl.get("/programs?status=nonsense"); code != http.StatusUnprocessableEntity {
		t.Errorf("bad status filter: %d", code)
	}
}

// TestProgramLearnerSeesOwnProgress: a learner sees their programs on the home page and the list,
// their progress on a program, and nothing of a program they are not in.
func TestProgramLearnerSeesOwnProgress(t *testing.T) {
	e := newEnv(t)
	cl := e.client().login("learner1")
	for _, path := range []string{"/", "/programs"} {
		if _, page := cl.get(path); !strings.Contains(page, "行政执法人员轮训") {
			t.Errorf("%s does not list learner1's rotational training", path)
		}
	}
	if code, page := cl.get(fmt.Sprintf("/programs/%d", e.programs["rotation"])); code != http.StatusOK || !strings.Contains(page, "<progress") || strings.Contains(page, "各单位完成情况") {
		t.Errorf("learner's program page: %d", code)
	}
	if code, _ := cl.get(fmt.Sprintf("/programs/%d", e.programs["auxiliary"])); code != http.StatusNotFound {
		t.Errorf("a program learner1 is not in: %d, want 404", code)
	}
	code, body := e.api(e.token("learner1"), http.MethodGet, "/api/v1/my/programs", nil)
	if code != http.StatusOK || len(body["programs"].([]any)) == 0 {
		t.Errorf("my programs API: %d %v", code, body)
	}
}

// TestInbox: the list, marking one read (only one's own) and all read, with the count in the navigation.
func TestInbox(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var ids []int
	for i := 0; i < 3; i++ {
		n, err := e.db.Client.Notification.Create().SetPersonID(e.ids["learner1"]).SetKey(fmt.Sprintf("t:%d", i)).SetKind("nudge").
			SetTitle(fmt.Sprintf("提醒%d", i)).SetBody("请完成").SetLink("/programs").SetCreatedAt(e.clock.Now()).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, n.ID)
	}
	cl := e.client().login("learner1")
	_, page := cl.get("/inbox")
	if !strings.Contains(page, "提醒2") || !strings.Contains(page, "未读 3 条") {
		t.Fatalf("inbox: %.400s", page)
	}
	if code, _, _ := cl.post(fmt.Sprintf("/inbox/%d/read", ids[0]), nil); code != http.StatusSeeOther {
		t.Fatalf("mark read: %d", code)
	}
	other := e.client().login("learner2")
	if code, _, _ := other.post(fmt.Sprintf("/inbox/%d/read", ids[1]), nil); code != http.StatusNotFound {
		t.Errorf("someone else's notification: %d, want 404", code)
	}
	if n, _ := e.tr.UnreadCount(ctx, e.ids["learner1"]); n != 2 {
		t.Fatalf("unread %d, want 2", n)
	}
	if code, _, _ := cl.post("/inbox/read-all", nil); code != http.StatusSeeOther {
		t.Fatalf("read all: %d", code)
	}
	if n, _ := e.tr.UnreadCount(ctx, e.ids["learner1"]); n != 0 {
		t.Fatalf("unread %d after read-all", n)
	}
}

// TestJobRunNow: the administrators' button runs a job and leaves a run record shown on the page;
// a run held by another server answers 409 with a clear message.
func TestJobRunNow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cl := e.client().login("admin")
	if code, page := cl.get("/admin/jobs"); code != http.StatusOK || !strings.Contains(page, "夜间全量统计") || !strings.Contains(page, "30 1 * * *") {
		t.Fatalf("jobs page: %d", code)
	}
	before, _ := e.db.Client.JobRun.Query().Where(jobrun.Name("sweep"), jobrun.Trigger("manual")).Count(ctx)
	code, _, resp := cl.post("/admin/jobs/sweep/run", nil)
	if code != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "ok=job_ran") {
		t.Fatalf("run now: %d → %s", code, resp.Header.Get("Location"))
	}
	runs, _ := e.db.Client.JobRun.Query().Where(jobrun.Name("sweep"), jobrun.Trigger("manual")).All(ctx)
	if len(runs) != before+1 || runs[len(runs)-1].Outcome != "ok" || runs[len(runs)-1].FinishedAt == nil {
		t.Fatalf("run records: %d (before %d)", len(runs), before)
	}
	if _, page := cl.get("/admin/jobs"); !strings.Contains(page, "手动") || !strings.Contains(page, "evaluated") {
		t.Error("the page does not show the manual run with its counts")
	}
	// Another replica holds the job.
	if _, err := e.db.SQL.ExecContext(ctx, `UPDATE job_leases SET holder = 'elsewhere', until = ? WHERE name = 'sweep'`,
		e.clock.Now().Add(time.Hour).UTC()); err != nil {
		t.Fatal(err)
	}
	if code, page, _ := cl.post("/admin/jobs/sweep/run", nil); code != http.StatusConflict || !strings.Contains(page, "正在另一台服务器上运行") {
		t.Fatalf("run while held elsewhere: %d", code)
	}
	if code, _, _ := cl.post("/admin/jobs/nonsense/run", nil); code != http.StatusNotFound {
		t.Errorf("unknown job: %d", code)
	}
}
