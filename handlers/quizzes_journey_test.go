package handlers_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const journeyGIFT = `// 法治工作要点（旅程测试）
::J1:: 非现场执法案件数应占总案件数的多少以上? {~30% =50% ~80%}

::J2:: 行政执法“三项制度”不包括哪一项? {~行政执法公示制度 ~执法全过程记录制度 =执法人员轮岗制度}

::J3:: 重大执法决定须经哪项审核? {=法制审核 ~财务审核 ~人事审核}

::J4:: 执法人员轮训任务完成率目标是多少? {~80% ~90% =100%}

::J5:: 行政处罚决定应当由谁作出? {=具有行政处罚权的行政机关 ~任何机关 ~个人}
`

// TestJourneyQuizExam: a trainer imports a bank and builds an exam; a learner starts it, closes the
// tab half-way, reopens it, finishes and sees the score; the trainer sees the statistics.
func TestJourneyQuizExam(t *testing.T) {
	e := newEnv(t)
	ctx := browser(t)
	base := e.srv.URL
	run := func(c context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(c, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(c context.Context) string { t.Helper(); return bodyText(t, c) }

	// The trainer makes a category, imports a GIFT bank into it and builds an exam over it.
	signInWithForm(t, ctx, base, "trainer")
	run(ctx, "creating a category",
		chromedp.Navigate(base+"/manage/questions"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/manage/categories"] input[name=name]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action="/manage/categories"] input[name=name]`), "旅程题库"),
		chromedp.Submit(chromedp.CSS(`form[action="/manage/categories"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	)
	tree, _ := e.quiz.CategoryTree(context.Background())
	catID := ""
	for _, n := range tree {
		if n.Name == "旅程题库" {
			catID = strconv.Itoa(n.ID)
		}
	}
	if catID == "" {
		t.Fatal("the category was not created")
	}
	file := filepath.Join(t.TempDir(), "bank.gift")
	if err := os.WriteFile(file, []byte(journeyGIFT), 0o644); err != nil {
		t.Fatal(err)
	}
	run(ctx, "previewing the import",
		chromedp.Navigate(base+"/manage/questions/import"),
		chromedp.WaitVisible(chromedp.CSS(`input[type=file]`)),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{file}),
		chromedp.SetValue(chromedp.CSS(`form[action="/manage/questions/import/preview"] select[name=category_id]`), catID),
		chromedp.Submit(chromedp.CSS(`form[action="/manage/questions/import/preview"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/manage/questions/import"] button`)),
	)
	if s := text(ctx); !strings.Contains(s, "可导入 5 道题") {
		t.Fatalf("the preview does not offer 5 questions: %.500s", s)
	}
	run(ctx, "confirming the import",
		chromedp.Click(chromedp.CSS(`form[action="/manage/questions/import"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	)
	if s := text(ctx); !strings.Contains(s, "已导入 5 道题") {
		t.Fatalf("import result: %.300s", s)
	}
	run(ctx, "building the exam",
		chromedp.Navigate(base+"/manage/quizzes/new"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=title]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=title]`), "旅程考试"),
		chromedp.SetValue(chromedp.CSS(`select[name=mode]`), "exam"),
		chromedp.SendKeys(chromedp.CSS(`#rule-0 input[name=rule_count]`), "4"),
		chromedp.SetValue(chromedp.CSS(`#rule-0 select[name=rule_kind]`), "single"),
		chromedp.SetValue(chromedp.CSS(`#rule-0 select[name=rule_category]`), catID),
		chromedp.SendKeys(chromedp.CSS(`#rule-0 input[name=rule_points]`), "25"),
		chromedp.SetValue(chromedp.CSS(`input[name=pass_score]`), "50"),
		chromedp.SetValue(chromedp.CSS(`input[name=attempts_allowed]`), "2"),
		chromedp.Click(chromedp.CSS(`input[name=publish]`)),
		chromedp.Click(chromedp.CSS(`form.quiz-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	)
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !strings.HasPrefix(path, "/manage/quizzes/") {
		t.Fatalf("after saving the exam: %q %v: %.300s", path, err, text(ctx))
	}
	quizID := strings.TrimPrefix(path, "/manage/quizzes/")

	// The learner starts it in a new tab and answers two questions.
	tab, closeTab := chromedp.NewContext(ctx)
	signOut := func(c context.Context) {
		t.Helper()
		run(c, "signing out",
			chromedp.Navigate(base+"/profile"),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/logout"] button`)),
			chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		)
	}
	signOut(tab)
	signInWithForm(t, tab, base, "learner1")
	run(tab, "starting the exam",
		chromedp.Navigate(base+"/quizzes"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/quizzes/`+quizID+`/start"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/quizzes/`+quizID+`/start"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/quizzes/`+quizID+`/start"] button`)),
		chromedp.Click(chromedp.CSS(`form[action="/quizzes/`+quizID+`/start"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#timer`)),
	)
	answer := func(c context.Context, n int) {
		t.Helper()
		sel := `fieldset.question:nth-of-type(` + strconv.Itoa(n) + `)`
		run(c, "answering question "+strconv.Itoa(n),
			chromedp.Click(chromedp.CSS(sel+` label.opt:first-of-type input`)),
			chromedp.Poll[chromedp.Void](`document.querySelector('`+sel+`').classList.contains('saved')`, chromedp.WithPollingTimeout(5*time.Second)),
		)
	}
	answer(tab, 1)
	answer(tab, 2)
	attemptPath, _ := chromedp.Run(tab, chromedp.Evaluate[string](`location.pathname`))
	closeTab() // the tab is closed half-way

	// Reopening: the quiz list offers to continue, and the two answers are still there.
	tab2, closeTab2 := chromedp.NewContext(ctx)
	defer closeTab2()
	run(tab2, "reopening the exam",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/quizzes"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="`+attemptPath+`"]`)),
		chromedp.Click(chromedp.CSS(`a[href="`+attemptPath+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#timer`)),
	)
	checked, err := chromedp.Run(tab2, chromedp.Evaluate[int](`document.querySelectorAll('fieldset.question input:checked').length`))
	if err != nil || checked != 2 {
		t.Fatalf("after reopening, %d answers are checked (want 2): %v", checked, err)
	}
	answer(tab2, 3)
	answer(tab2, 4)
	if s := text(tab2); !strings.Contains(s, "全部答案已保存") {
		t.Fatalf("the page does not say all answers are saved: %.300s", s)
	}
	screenshot(t, tab2, "quiz-attempt-phone")
	run(tab2, "submitting",
		chromedp.Evaluate[chromedp.Void](`window.confirm = function () { return true; }`), // the confirmation asks; the test agrees
		chromedp.Click(chromedp.CSS(`#submit-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`.attempt-result .score`)),
	)
	if s := text(tab2); !strings.Contains(s, "得分：") || !strings.Contains(s, "/ 100") {
		t.Fatalf("the learner does not see the score: %.400s", s)
	}

	// The trainer sees the statistics of the exam.
	signOut(ctx)
	signInWithForm(t, ctx, base, "trainer")
	run(ctx, "opening the statistics",
		chromedp.Navigate(base+"/manage/quizzes/"+quizID+"/statistics"),
		chromedp.WaitVisible(chromedp.CSS(`table.stats`)),
	)
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('table.stats tbody tr').length`))
	if s := text(ctx); err != nil || rows != 4 || !strings.Contains(s, "1 份答卷") {
		t.Fatalf("statistics: %d rows (want 4), %v: %.400s", rows, err, s)
	}
}
