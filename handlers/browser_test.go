package handlers_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"peixun/accounts"
)

// browser starts headless Chromium for a journey test. Without Chromium the journey is skipped on a
// developer's machine and fails in CI, where .ci/run installs it.
func browser(t *testing.T) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("Chromium is not installed: .ci/run should have installed the Debian package chromium")
		}
		t.Skip("Chromium not installed (apt-get install chromium): browser journey skipped")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// screenshot saves a PNG of the page: into PEIXUN_SCREENSHOTS (e.g. docs/screenshots) when set, so
// that the documentation shows the real pages, else into the test's temporary folder.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := os.Getenv("PEIXUN_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// signInWithForm fills the sign-in form as a person would.
func signInWithForm(t *testing.T, ctx context.Context, base, username string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?lang=zh"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), username),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), accounts.DemoPassword),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav#nav, .who`)),
	)
	if err != nil {
		t.Fatalf("signing in as %s in the browser: %v", username, err)
	}
}

func bodyText(t *testing.T, ctx context.Context) string {
	t.Helper()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	if err != nil {
		t.Fatalf("reading the page: %v", err)
	}
	return text
}

// TestJourneyManagerSeesOwnUnit: the demo manager of 良渚中队 signs in, sees the people of their unit,
// and is refused on a person of another unit.
func TestJourneyManagerSeesOwnUnit(t *testing.T) {
	e := newEnv(t)
	ctx := browser(t)
	signInWithForm(t, ctx, e.srv.URL, "manager")
	if text := bodyText(t, ctx); !strings.Contains(text, "沈中队长，您好") {
		t.Fatalf("home page after sign-in does not greet the manager: %.300s", text)
	}
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav a[href="/people"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)),
	)
	if err != nil {
		t.Fatalf("opening the people list: %v", err)
	}
	text := bodyText(t, ctx)
	if !strings.Contains(text, "王执法") || strings.Contains(text, "李协管") {
		t.Fatalf("the people list should show 良渚中队's 王执法 and not 余杭中队's 李协管")
	}
	screenshot(t, ctx, "people-manager")
	other := strconv.Itoa(e.ids["learner2"])
	if err := chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/people/"+other), chromedp.WaitVisible(chromedp.CSS(`.error`))); err != nil {
		t.Fatalf("opening another unit's person: %v", err)
	}
	if text := bodyText(t, ctx); !strings.Contains(text, "403") || !strings.Contains(text, "您没有权限") {
		t.Fatalf("another unit's person was not refused: %.300s", text)
	}
	// English on the switch.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a.lang`)), chromedp.WaitVisible(chromedp.CSS(`.error`))); err != nil {
		t.Fatal(err)
	}
	if text := bodyText(t, ctx); !strings.Contains(text, "You are not allowed") {
		t.Fatalf("the language switch did not give English: %.300s", text)
	}
}
