package handlers_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"peixun/ent/notification"
)

// TestJourneyProgramManager: after the due date and the nightly sweep, the manager of 良渚中队 opens
// the rotational training, sees their units behind pace, filters the overdue people, reminds them,
// exempts one with a reason, and sees the rate change.
func TestJourneyProgramManager(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	prog := e.programs["rotation"]
	p, err := e.db.Client.Program.Get(ctx, prog)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(p.DueAt.Sub(e.clock.Now()) + 24*time.Hour) // a day past the due date
	if _, err := e.tr.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	b := browser(t)
	base := e.srv.URL
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("reading %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	agree := chromedp.Evaluate[chromedp.Void](`window.confirm = function () { return true; }`)

	signInWithForm(t, b, base, "manager")
	run("opening the program",
		chromedp.Click(chromedp.CSS(`nav a[href="/programs"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.programs`)),
		chromedp.Click(chromedp.CSS(`a[href="/programs/`+strconv.Itoa(prog)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.units-figures`)),
	)
	page := bodyText(t, b)
	if !strings.Contains(page, "良渚中队") || !strings.Contains(page, "落后于进度") || strings.Contains(page, "余杭中队") {
		t.Fatalf("the manager's units behind pace are not shown: %.600s", page)
	}
	if red, _ := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("tr.pace-red").length`)); red == 0 {
		t.Fatal("no unit is marked red")
	}
	rateBefore := text("#rate")
	run("filtering the overdue",
		chromedp.SetValue(chromedp.CSS(`form.filters select[name=status]`), "overdue"),
		chromedp.Submit(chromedp.CSS(`form.filters`)),
		chromedp.WaitVisible(chromedp.CSS(`table.people-list`)),
	)
	rows, _ := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("table.people-list tbody tr[data-person]").length`))
	overdue, _ := chromedp.Run(b, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("table.people-list tbody tr[data-person]")).filter(r => r.textContent.includes("已逾期")).length`))
	if rows == 0 || overdue != rows {
		t.Fatalf("overdue filter shows %d rows, %d overdue", rows, overdue)
	}
	run("reminding everyone listed",
		chromedp.Click(chromedp.CSS(`input.select-all`)),
		agree,
		chromedp.Click(chromedp.CSS(`#remind button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	)
	if flash := text("p.flash"); !strings.Contains(flash, "已提醒 "+strconv.Itoa(rows)+" 人") {
		t.Fatalf("reminder flash: %q (rows %d)", flash, rows)
	}
	if n, _ := e.db.Client.Notification.Query().Where(notification.KindEQ("nudge")).Count(ctx); n != rows {
		t.Fatalf("%d reminders recorded, want %d", n, rows)
	}
	run("exempting the first person",
		chromedp.SendKeys(chromedp.CSS(`table.people-list form.exempt input[name=reason]`), "长期病假"),
		agree,
		chromedp.Evaluate[chromedp.Void](`document.querySelector("p.flash").remove()`), // the next page brings its own
		chromedp.Click(chromedp.CSS(`table.people-list form.exempt button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	)
	if flash := text("p.flash"); !strings.Contains(flash, "已设为免训") {
		t.Fatalf("exemption flash: %q", flash)
	}
	rateAfter := text("#rate")
	if rateAfter == rateBefore {
		t.Fatalf("the rate did not change after the exemption: %s", rateAfter)
	}
	if filter, _ := chromedp.Run(b, chromedp.Value(chromedp.CSS(`form.filters select[name=status]`))); filter != "overdue" {
		t.Errorf("the list lost its filter after the exemption: %q", filter)
	}
	run("back to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	screenshot(t, b, "program-manager")
	t.Logf("rate %s → %s after exempting one of %d overdue", rateBefore, rateAfter, rows)
}
