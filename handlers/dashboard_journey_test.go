package handlers_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"peixun/training"
)

// backfillSnapshots writes the snapshots of the days before today from today's, as if the nightly
// sweep had run for weeks with completion rising: the trend chart needs more than one day.
func (e *env) backfillSnapshots(programID, days int) {
	e.t.Helper()
	ctx := context.Background()
	today := training.Day(e.clock.Now())
	for d := 1; d <= days; d++ {
		day := training.Day(e.clock.Now().AddDate(0, 0, -d))
		share := 1 - float64(d)/float64(days+4)
		_, err := e.db.SQL.ExecContext(ctx, `INSERT INTO completion_snapshots (program_id, unit_id, day, in_scope, completed, exempt, rate)
SELECT program_id, unit_id, ?, in_scope, FLOOR(completed * ?), exempt, rate * ? FROM completion_snapshots
WHERE program_id = ? AND day = ?`, day, share, share, programID, today)
		if err != nil {
			e.t.Fatal(err)
		}
	}
}

// TestJourneyDashboard is issue 7's journey: the manager of 良渚中队 opens the dashboard, chooses the
// rotational training, sees the units with their pace colours and the charts, drills into a unit and
// on to its people, and exports the XLSX (the download's answer is checked).
func TestJourneyDashboard(t *testing.T) {
	e := newEnv(t)
	prog := e.programs["rotation"]
	e.backfillSnapshots(prog, 28)
	b := browser(t)
	base := e.srv.URL
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	signInWithForm(t, b, base, "manager")
	run("opening the dashboard",
		chromedp.Click(chromedp.CSS(`nav a[href="/dashboard"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.programs-table`)),
		chromedp.Click(chromedp.CSS(`a[data-program="`+strconv.Itoa(prog)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`svg.chart.bars`)),
		chromedp.WaitVisible(chromedp.CSS(`svg.chart.trend`)),
	)
	page := bodyText(t, b)
	if !strings.Contains(page, "良渚中队") || strings.Contains(page, "余杭中队") {
		t.Fatalf("the dashboard does not show the manager's units only: %.600s", page)
	}
	bars, _ := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart.bars rect.bar").length`))
	dots, _ := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart.trend circle.dot").length`))
	if bars == 0 || dots != 29 {
		t.Fatalf("charts: %d bars, %d trend points (want 29 days)", bars, dots)
	}
	screenshot(t, b, "dashboard")

	unit := e.ids["unit:YH-ZFD-LZ-1"]
	run("drilling into a unit",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`svg.chart.bars a[href*="unit=%d"]`, unit))),
		chromedp.WaitVisible(chromedp.CSS(`nav.trail`)),
	)
	if trail, _ := chromedp.Run(b, chromedp.Text(chromedp.CSS(`nav.trail`))); !strings.Contains(trail, "良渚中队一分队") {
		t.Fatalf("not drilled into the unit: %q", trail)
	}
	run("listing the unit's people",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`tr[data-unit="%d"] a.people-link`, unit))),
		chromedp.WaitVisible(chromedp.CSS(`table.people-list`)),
	)
	in, _, _, _ := e.sqlFigures(prog, e.unitPaths()[unit])
	if people, _ := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("table.people-list tbody tr[data-person]").length`)); people == 0 || people > in {
		t.Fatalf("the unit's people list shows %d people, the unit has %d", people, in)
	}
	run("back to the dashboard", chromedp.Navigate(fmt.Sprintf("%s/dashboard?program=%d&unit=%d", base, prog, unit)),
		chromedp.WaitVisible(chromedp.CSS(`#export-xlsx`)))
	got, err := chromedp.Run(b, chromedp.Evaluate[map[string]any](`(function () {
		return fetch(document.querySelector('#export-xlsx').href).then(function (r) {
			return r.arrayBuffer().then(function (buf) {
				var u = new Uint8Array(buf);
				return {status: r.status, type: r.headers.get("Content-Type"), disposition: r.headers.get("Content-Disposition"),
					size: u.length, zip: String.fromCharCode(u[0], u[1])};
			});
		});
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("exporting: %v", err)
	}
	if got["status"] != float64(200) || !strings.Contains(fmt.Sprint(got["type"]), "spreadsheetml") ||
		!strings.Contains(fmt.Sprint(got["disposition"]), "attachment") || got["zip"] != "PK" {
		t.Fatalf("export answer: %v", got)
	}
}
