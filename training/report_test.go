package training

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"peixun/accounts"
	"peixun/certificates"
	"peixun/fault"
)

// reportEnv is the demo bureau with its programs, a few exemptions and a person who left scope.
type reportEnv struct {
	*env
	ids   map[string]int
	progs map[string]int
	mgr   accounts.Actor
}

func newReportEnv(t *testing.T) *reportEnv {
	e := newEnv(t)
	acc := accounts.New(e.db, e.clock.Now, quietLog())
	ids, err := acc.SeedDemo(e.ctx)
	e.must(err)
	courseID, _ := e.course(4, 6)
	progs, err := SeedDemo(e.ctx, e.svc, DemoOptions{CourseIDs: []int{courseID}, QuizID: e.quiz(), CreatedBy: ids["admin"]})
	e.must(err)
	// Exempt two people and move one out of scope, straight in the table: the figures must follow.
	_, err = e.db.SQL.ExecContext(e.ctx, `UPDATE enrollments SET status = 'exempt' WHERE id IN (SELECT id FROM (
  SELECT id FROM enrollments WHERE program_id = ? AND status <> 'completed' ORDER BY id LIMIT 2) x)`, progs["rotation"])
	e.must(err)
	_, err = e.db.SQL.ExecContext(e.ctx, `UPDATE enrollments SET left_scope_at = ? WHERE id IN (SELECT id FROM (
  SELECT id FROM enrollments WHERE program_id = ? ORDER BY id DESC LIMIT 1) x)`, e.clock.Now().UTC(), progs["rotation"])
	e.must(err)
	return &reportEnv{env: e, ids: ids, progs: progs, mgr: e.actor(e.c.Person.GetX(e.ctx, ids["manager"]))}
}

// sqlCount counts a program's enrollments in a unit subtree straight from the table.
func (e *reportEnv) sqlCount(programID int, path string) Figures {
	e.t.Helper()
	var f Figures
	e.must(e.db.SQL.QueryRowContext(e.ctx, `SELECT COUNT(*),
  COALESCE(SUM(CASE WHEN e.status = 'completed' THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN e.status = 'exempt' THEN 1 ELSE 0 END), 0),
  COALESCE(SUM(CASE WHEN e.status = 'overdue' THEN 1 ELSE 0 END), 0)
FROM enrollments e JOIN units u ON u.id = e.unit_id WHERE e.program_id = ? AND e.left_scope_at IS NULL AND u.path LIKE ?`,
		programID, path+"%").Scan(&f.InScope, &f.Completed, &f.Exempt, &f.Overdue))
	return f
}

func TestReportDashboardEqualsSQL(t *testing.T) {
	e := newReportEnv(t)
	paths := map[int]string{}
	for _, u := range e.c.Unit.Query().AllX(e.ctx) {
		paths[u.ID] = u.Path
	}
	for _, tc := range []struct {
		name  string
		actor accounts.Actor
		scope string
	}{{"admin", e.admin, "/"}, {"manager", e.mgr, e.mgr.UnitPath}} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := e.svc.Dashboard(e.ctx, tc.actor, DashboardQuery{})
			e.must(err)
			if len(d.Programs) == 0 {
				t.Fatal("no programs on the dashboard")
			}
			for _, rp := range d.Programs {
				if got, want := rp.Total, e.sqlCount(rp.Program.ID, tc.scope); got != want {
					t.Errorf("%s total %+v, SQL %+v", rp.Program.Name, got, want)
				}
				if want := PaceOf(rp.Total, ExpectedRate(rp.Program, e.clock.Now())); rp.Pace != want {
					t.Errorf("%s pace %s, want %s", rp.Program.Name, rp.Pace, want)
				}
			}
			for kind, id := range e.progs {
				d, err := e.svc.Dashboard(e.ctx, tc.actor, DashboardQuery{ProgramID: id})
				e.must(err)
				if d.Detail == nil {
					t.Fatalf("%s: no detail", kind)
				}
				for _, u := range d.Detail.Units {
					if !strings.HasPrefix(paths[u.UnitID], tc.scope) {
						t.Errorf("%s: unit %s outside the scope", kind, u.Name)
					}
					if want := e.sqlCount(id, paths[u.UnitID]); u.Subtree != want {
						t.Errorf("%s %s: subtree %+v, SQL %+v", kind, u.Name, u.Subtree, want)
					}
				}
				if n := len(d.Detail.Trend); n == 0 {
					t.Errorf("%s: no trend from the snapshots", kind)
				}
			}
		})
	}
	// A unit outside the manager's scope is refused, and names nothing.
	outside := e.ids["unit:YH-BGS"]
	if _, err := e.svc.Dashboard(e.ctx, e.mgr, DashboardQuery{UnitID: outside}); !fault.Is(err, fault.Invalid) {
		t.Errorf("unit outside the scope: %v", err)
	}
	learner := e.actor(e.c.Person.GetX(e.ctx, e.ids["learner1"]))
	if _, err := e.svc.Dashboard(e.ctx, learner, DashboardQuery{}); !fault.Is(err, fault.Forbidden) {
		t.Errorf("learner: %v", err)
	}
}

func TestReportUnitRanking(t *testing.T) {
	e := newReportEnv(t)
	rank, _, level, err := e.svc.UnitRanking(e.ctx, e.admin, e.progs["rotation"], 0)
	e.must(err)
	if len(rank) < 2 {
		t.Fatalf("ranking at level %d: %+v", level, rank)
	}
	for i := 1; i < len(rank); i++ {
		if rank[i].Rate > rank[i-1].Rate+1e-9 || rank[i].Rank < rank[i-1].Rank {
			t.Errorf("not in order at %d: %+v after %+v", i, rank[i], rank[i-1])
		}
		if rank[i].Depth != level {
			t.Errorf("unit %s at depth %d in a ranking of level %d", rank[i].Name, rank[i].Depth, level)
		}
	}
}

func TestReportExports(t *testing.T) {
	e := newReportEnv(t)
	id := e.progs["rotation"]
	want := e.sqlCount(id, e.mgr.UnitPath)
	x, err := e.svc.NewExport(e.ctx, e.mgr, ExportQuery{ProgramID: id, Format: FormatCSV})
	e.must(err)
	var buf bytes.Buffer
	e.must(x.Write(e.ctx, &buf))
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV does not begin with a BOM: %q", buf.String()[:20])
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\r\n")
	if lines[0] != "\ufeff"+strings.Join(ExportHeaders, ",") {
		t.Errorf("CSV header %q", lines[0])
	}
	if len(lines)-1 != want.InScope {
		t.Errorf("CSV has %d people, SQL %d", len(lines)-1, want.InScope)
	}

	x, err = e.svc.NewExport(e.ctx, e.mgr, ExportQuery{ProgramID: id, Format: FormatXLSX})
	e.must(err)
	buf.Reset()
	e.must(x.Write(e.ctx, &buf))
	f, err := excelize.OpenReader(&buf)
	e.must(err)
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != "单位统计" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := f.GetRows(sheets[1])
	e.must(err)
	if strings.Join(rows[0], ",") != strings.Join(ExportHeaders, ",") || len(rows)-1 != want.InScope {
		t.Errorf("people sheet: header %v, %d rows, SQL %d", rows[0], len(rows)-1, want.InScope)
	}
	sum, err := f.GetRows(sheets[0])
	e.must(err)
	total := sum[len(sum)-1]
	if total[1] != "合计" || total[2] != itoa(want.InScope) || total[3] != itoa(want.Completed) || total[4] != itoa(want.Exempt) {
		t.Errorf("units sheet total %v, SQL %+v", total, want)
	}
	if panes, err := f.GetPanes(sheets[1]); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header row not frozen: %+v %v", panes, err)
	}

	for _, q := range []ExportQuery{{Format: "pdf"}, {ProgramID: id, Format: FormatCSV, UnitID: e.ids["unit:YH-BGS"]}} {
		if _, err := e.svc.NewExport(e.ctx, e.mgr, q); !fault.Is(err, fault.Invalid) {
			t.Errorf("%+v: %v", q, err)
		}
	}
}

func TestReportCompletionPDFNamesEveryUnit(t *testing.T) {
	if _, err := certificates.FindFont(""); err != nil {
		t.Skip("no Chinese font installed:", err)
	}
	e := newReportEnv(t)
	for _, a := range []accounts.Actor{e.admin, e.mgr} {
		var buf bytes.Buffer
		e.must(e.svc.CompletionReportPDF(e.ctx, a, e.progs["rotation"], 0, &buf))
		text := strings.Join(pdfText(t, buf.Bytes()), "\n")
		rp, _, err := e.svc.ProgramReport(e.ctx, a, e.progs["rotation"], 0)
		e.must(err)
		for _, u := range rp.Units {
			if !strings.Contains(text, u.Name) {
				t.Errorf("report of %s does not name %s", a.Name, u.Name)
			}
		}
		if !strings.Contains(text, "合计") || !strings.Contains(text, itoa(rp.Total.InScope)) {
			t.Errorf("no totals in the report")
		}
	}
}

func TestReportStudyRecord(t *testing.T) {
	e := newEnv(t)
	root := e.unit("局", nil)
	a, b := e.unit("甲队", root), e.unit("乙队", root)
	p := e.person(a, "officer")
	mgrA := e.actor(e.person(a, "staff", accounts.RoleManager))
	mgrB := e.actor(e.person(b, "staff", accounts.RoleManager))
	courseID, lessons := e.course(2, 6)
	for _, l := range lessons {
		e.completeLesson(p.ID, courseID, l, sh(2021, 2, 10, 10, 0))
	}
	other, ls := e.course(2, 4) // completed the year before: not in 2021
	for _, l := range ls {
		e.completeLesson(p.ID, other, l, sh(2020, 12, 31, 10, 0))
	}
	e.attend(p.ID, e.lecture(sh(2021, 2, 20, 9, 0), 4), 4)
	q := e.quiz()
	e.attempt(q, p.ID, 55, false, sh(2021, 2, 21, 9, 0))
	e.attempt(q, p.ID, 88, true, sh(2021, 2, 22, 9, 0))
	for _, tc := range []struct {
		name  string
		actor accounts.Actor
		ok    bool
	}{{"self", e.actor(p), true}, {"manager", mgrA, true}, {"admin", e.admin, true}, {"other manager", mgrB, false}} {
		r, err := e.svc.StudyRecord(e.ctx, tc.actor, p.ID, 2021)
		if !tc.ok {
			if !fault.Is(err, fault.NotFound) {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		e.must(err)
		if len(r.Courses) != 1 || r.CourseHours != 6 || r.LectureHours != 4 || r.TotalHours() != 10 {
			t.Errorf("%s: courses %+v hours %v + %v", tc.name, r.Courses, r.CourseHours, r.LectureHours)
		}
		if len(r.Quizzes) != 1 || r.Quizzes[0].Attempts != 2 || r.Quizzes[0].Best != 88 || !r.Quizzes[0].Passed {
			t.Errorf("%s: quizzes %+v", tc.name, r.Quizzes)
		}
	}
	if _, err := e.svc.StudyRecord(e.ctx, e.admin, p.ID, 1999); !fault.Is(err, fault.Invalid) {
		t.Errorf("year 1999: %v", err)
	}
	if _, err := certificates.FindFont(""); err == nil {
		var buf bytes.Buffer
		e.must(e.svc.StudyRecordPDF(e.ctx, mgrA, p.ID, 2021, &buf))
		text := strings.Join(pdfText(t, buf.Bytes()), "")
		for _, want := range []string{p.Name, "甲队", "学习档案（2021年度）", "课程", "讲座", "考试"} {
			if !strings.Contains(text, want) {
				t.Errorf("record PDF lacks %q", want)
			}
		}
	}
}

func TestReportWeeklyOnce(t *testing.T) {
	e := newReportEnv(t)
	count := func() int {
		n, err := e.c.Notification.Query().Where().Count(e.ctx)
		e.must(err)
		return n
	}
	before := count()
	n, err := e.svc.WeeklyReport(e.ctx)
	e.must(err)
	if n == 0 {
		t.Fatal("no weekly report sent")
	}
	if again, err := e.svc.WeeklyReport(e.ctx); err != nil || again != 0 || count() != before+n {
		t.Fatalf("second run in the same week sent %d (%v)", again, err)
	}
	y, w := e.clock.Now().In(Shanghai).ISOWeek()
	got, err := e.c.Notification.Query().All(e.ctx)
	e.must(err)
	found := false
	for _, x := range got {
		if x.Key == WeeklyKey(e.ids["manager"], y, w) {
			found = strings.Contains(x.Body, "轮训")
		}
	}
	if !found {
		t.Error("the demo manager got no weekly report naming the rotational training")
	}
	e.clock.Add(7 * 24 * time.Hour)
	if next, err := e.svc.WeeklyReport(e.ctx); err != nil || next != n {
		t.Errorf("next week sent %d, want %d (%v)", next, n, err)
	}
}
