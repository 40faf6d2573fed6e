package handlers_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneyCourseStudyResumeComplete is issue 3's journey. A trainer creates a course with a PDF
// lesson and a video lesson (uploaded through the page's progress-showing upload script) and
// publishes it; a learner studies it, closes the browser, opens a new one (a new profile), comes back
// to the same place, completes the course and sees the credit hours on the profile.
//
// The video is a file that passes the server's type sniffing (an MP4 header) but that Chromium cannot
// decode: no encoder is at hand in pure Go and the test machine has no ffmpeg. So playback itself is
// not exercised; the player's own report function (window.peixunPlayer.report, what its 15-second
// timer calls) is invoked with the position a viewer would have reached, and the test server's clock
// is moved forward between reports, so the server's wall-clock crediting is what is tested.
func TestJourneyCourseStudyResumeComplete(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "行政处罚法讲义.pdf")
	if err := os.WriteFile(pdf, pdfFile("journey handout"), 0o644); err != nil {
		t.Fatal(err)
	}
	video := realVideo(t, dir, "执法规范.webm", 60)
	base := e.srv.URL
	before := myHours(t, e, "learner1") // the demo programs already gave learner1 some hours

	// The trainer.
	ctx := browser(t)
	signInWithForm(t, ctx, base, "trainer")
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/manage/courses/new"),
		chromedp.SendKeys(chromedp.CSS(`input[name=title]`), "旅程课程：行政处罚法"),
		chromedp.SetValue(chromedp.CSS(`input[name=credit_hours]`), "3"),
		chromedp.Click(chromedp.CSS(`form.form button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`.lessons-card`)),
	)
	if err != nil {
		t.Fatalf("creating the course: %v", err)
	}
	courseURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	courseURL = strings.SplitN(courseURL, "?", 2)[0]
	addFileLesson := func(kind, file, title, minSeconds, duration string) {
		t.Helper()
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(courseURL + "/lessons/new?kind=" + kind),
			chromedp.WaitVisible(chromedp.CSS(`#upload-form input[type=file]`)),
			chromedp.SetUploadFiles(chromedp.CSS(`#upload-form input[type=file]`), []string{file}),
			chromedp.WaitVisible(chromedp.CSS(`#upload-form progress`)),
			pollTrue(`document.querySelector("input[name=material_id]").value !== ""`),
			chromedp.SetValue(chromedp.CSS(`#lesson-form input[name=title]`), title),
			chromedp.SetValue(chromedp.CSS(`#lesson-form input[name=min_seconds]`), minSeconds),
		}
		if duration != "" {
			steps = append(steps, chromedp.SetValue(chromedp.CSS(`#lesson-form input[name=duration_seconds]`), duration))
		}
		steps = append(steps, chromedp.Click(chromedp.CSS(`#lesson-form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.lessons-card`)))
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("adding the %s lesson: %v", kind, err)
		}
	}
	addFileLesson("document", pdf, "讲义", "30", "")
	if text := bodyText(t, ctx); !strings.Contains(text, "讲义") {
		t.Fatalf("the PDF lesson is not listed: %.400s", text)
	}
	addFileLesson("video", video, "执法视频", "20", "60")
	err = chromedp.Do(ctx,
		evalTrue(`window.confirm = function () { return true; }; true`),
		chromedp.Click(chromedp.CSS(`form[action$="/status"] button`)),
		chromedp.WaitReady(chromedp.CSS(`input[name=status][value=archived]`)),
	)
	if err != nil {
		t.Fatalf("publishing: %v", err)
	}
	if text := bodyText(t, ctx); !strings.Contains(text, "课程已发布") {
		t.Fatalf("not published: %.400s", text)
	}
	screenshot(t, ctx, "course-trainer-edit")

	// The learner, first visit: the PDF lesson completes, the video is left at 0:25.
	learn := browser(t)
	signInWithForm(t, learn, base, "learner1")
	err = chromedp.Do(learn,
		chromedp.Navigate(base+"/courses?q="+"旅程"),
		chromedp.Click(chromedp.CSS(`.course-card h2 a`)),
		chromedp.WaitVisible(chromedp.CSS(`a.resume`)),
		chromedp.Click(chromedp.CSS(`a.resume`)),
		chromedp.WaitVisible(chromedp.CSS(`iframe.pdf`)),
		pollTrue(`!!window.peixunPlayer`),
	)
	if err != nil {
		t.Fatalf("opening the PDF lesson: %v", err)
	}
	// The PDF is framed from this origin: the frame holds the PDF, not Chromium's "refused" page.
	framed, err := chromedp.Run(learn, chromedp.Poll[bool](`(function(){var f=document.querySelector("iframe.pdf");
		try { return !!f.contentDocument && f.contentDocument.URL.indexOf("/materials/") >= 0; } catch (e) { return false; }})()`,
		chromedp.WithPollingTimeout(5*time.Second)))
	if err != nil || !framed {
		t.Errorf("the PDF was not shown in its frame: %v", err)
	}
	for i := 0; i < 2; i++ {
		e.clock.Add(15 * time.Second)
		playerReport(t, learn, "")
	}
	if err := chromedp.Do(learn, chromedp.WaitVisible(chromedp.CSS(`.lesson-completed`))); err != nil {
		t.Fatalf("the PDF lesson did not complete: %v", err)
	}
	err = chromedp.Do(learn,
		chromedp.Click(chromedp.CSS(`.lesson-nav a.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`#player video`)),
		pollTrue(`!!window.peixunPlayer`),
	)
	if err != nil {
		t.Fatalf("opening the video lesson: %v", err)
	}
	// The video really plays (muted, four times as fast); the test's server clock moves with it, and
	// the player's own reports on play and pause carry the real position.
	playUntil(t, learn, 0, e.clock, 0)
	playUntil(t, learn, 16, e.clock, 15*time.Second)
	playUntil(t, learn, 26.2, e.clock, 10*time.Second)
	if text := bodyText(t, learn); !strings.Contains(text, "已学习 0:25") {
		t.Fatalf("the player does not show 25 s studied: %.600s", text)
	}
	// The learner closes the browser.
	if err := chromedp.Cancel(learn); err != nil {
		t.Fatalf("closing the browser: %v", err)
	}

	// Another browser (a new profile, as on another device): back to the same place.
	again := browser(t)
	signInWithForm(t, again, base, "learner1")
	err = chromedp.Do(again,
		chromedp.Navigate(strings.Replace(courseURL, "/manage/courses/", "/courses/", 1)),
		chromedp.WaitVisible(chromedp.CSS(`a.resume`)),
	)
	if err != nil {
		t.Fatalf("opening the course again: %v", err)
	}
	if text := bodyText(t, again); !regexp.MustCompile(`继续学习 \(0:2[6-8]\)`).MatchString(text) || !strings.Contains(text, "已完成 1/2 课时") {
		t.Fatalf("the course page does not offer to continue where the video was paused (0:26-0:28): %.600s", text)
	}
	err = chromedp.Do(again,
		chromedp.Click(chromedp.CSS(`a.resume`)),
		chromedp.WaitVisible(chromedp.CSS(`#player video`)),
		pollTrue(`!!window.peixunPlayer && Math.abs(parseFloat(document.getElementById("player").dataset.position) - 27) < 1.5`),
		pollTrue(`document.querySelector("#player video").readyState >= 1 && document.querySelector("#player video").currentTime > 25`),
	)
	if err != nil {
		t.Fatalf("the video lesson does not resume where it was paused: %v", err)
	}
	playUntil(t, again, 0, e.clock, 0)
	playUntil(t, again, 42, e.clock, 15*time.Second)
	playUntil(t, again, 58, e.clock, 17*time.Second)
	if err := chromedp.Do(again, chromedp.WaitVisible(chromedp.CSS(`.lesson-completed`))); err != nil {
		t.Fatalf("the video lesson did not complete: %v", err)
	}
	if text := bodyText(t, again); !strings.Contains(text, "整门课程已学完") {
		t.Fatalf("course completion not shown: %.600s", text)
	}
	err = chromedp.Do(again,
		chromedp.EmulateViewport(390, 844),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#player`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, again, "course-lesson-phone")
	err = chromedp.Do(again, chromedp.Navigate(base+"/profile"), chromedp.WaitVisible(chromedp.CSS(`.hours-total`)))
	if err != nil {
		t.Fatal(err)
	}
	total, err := chromedp.Run(again, chromedp.Text(chromedp.CSS(`.hours-total`)))
	want := strconv.FormatFloat(before["total"].(float64)+3, 'f', -1, 64)
	if err != nil || strings.TrimSpace(total) != want {
		t.Fatalf("profile shows %q credit hours, want %s: the course's 3 on top of %v (%v)", total, want, before["total"], err)
	}
	screenshot(t, again, "course-profile-hours-phone")
}

// pollTrue waits until a JavaScript expression is true.
func pollTrue(expr string) chromedp.Action[chromedp.Void] {
	p := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := p(ctx, t)
		return chromedp.Void{}, err
	}
}

// evalTrue runs a script for its effect.
func evalTrue(expr string) chromedp.Action[chromedp.Void] {
	ev := chromedp.Evaluate[bool](expr)
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := ev(ctx, t)
		return chromedp.Void{}, err
	}
}

// playerReport calls the player's own report (what its timer sends) and waits for the answer.
// realVideo makes a real WebM (VP8) of the given length with Debian's ffmpeg, so that the journey's
// video plays in Chromium. Without ffmpeg the journey is skipped on a developer's machine and fails in
// CI, where .ci/run installs it.
func realVideo(t *testing.T, dir, name string, seconds int) string {
	t.Helper()
	bin, err := exec.LookPath("ffmpeg")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ffmpeg is not installed: .ci/run should have installed the Debian package ffmpeg")
		}
		t.Skip("ffmpeg not installed (apt-get install ffmpeg): the course journey needs a real video")
	}
	out := filepath.Join(dir, name)
	cmd := exec.Command(bin, "-loglevel", "error", "-y", "-f", "lavfi", "-i",
		fmt.Sprintf("testsrc=duration=%d:size=160x120:rate=5", seconds), "-c:v", "libvpx", "-b:v", "40k", "-an", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making the test video: %v %s", err, b)
	}
	return out
}

// playUntil plays the lesson's video (muted, at four times the speed) until it reaches position
// seconds, moves the server's clock by advance, and pauses: the player itself reports on play and
// on pause, with the video's real position. It waits until the pause's report is answered.
func playUntil(t *testing.T, ctx context.Context, position float64, clk *clock, advance time.Duration) {
	t.Helper()
	err := chromedp.Do(ctx,
		evalTrue(`(function(){var v=document.querySelector("#player video"); v.muted=true; v.playbackRate=4; v.play(); return true;})()`),
		pollTrue(fmt.Sprintf(`document.querySelector("#player video").currentTime >= %g`, position)),
	)
	if err != nil {
		t.Fatalf("playing the video to %gs: %v", position, err)
	}
	clk.Add(advance)
	before, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".player-status .studied").textContent`))
	if err := chromedp.Do(ctx, evalTrue(`(function(){document.querySelector("#player video").pause(); return true;})()`)); err != nil {
		t.Fatalf("pausing the video: %v", err)
	}
	if advance > 0 {
		if err := chromedp.Do(ctx, pollTrue(fmt.Sprintf(`document.querySelector(".player-status .studied").textContent !== %q`, before))); err != nil {
			t.Fatalf("the pause at %gs was not credited: %v", position, err)
		}
	}
}

func playerReport(t *testing.T, ctx context.Context, position string) {
	t.Helper()
	arg := "undefined"
	if position != "" {
		arg = position
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]any](`window.peixunPlayer.report(`+arg+`)`, chromedp.EvalAwaitPromise))
	if err != nil || out == nil || out["error"] != nil {
		t.Fatalf("progress report at %s: %v %v", position, out, err)
	}
}
