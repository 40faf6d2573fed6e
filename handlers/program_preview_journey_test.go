package handlers_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestJourneyProgramCertificatePreview: in the program editor the certificate preview link carries
// the text as typed, before it is saved, to the preview of that program.
func TestJourneyProgramCertificatePreview(t *testing.T) {
	e := newEnv(t)
	ctx := browser(t)
	signInWithForm(t, ctx, e.srv.URL, "trainer")
	id := strconv.Itoa(e.programs["rotation"])
	err := chromedp.Do(ctx,
		chromedp.Navigate(e.srv.URL+"/programs/"+id+"/edit"),
		chromedp.WaitVisible(chromedp.CSS(`a[data-cert-preview]`)),
		chromedp.SetValue(chromedp.CSS(`input[name=cert_title]`), "行政执法人员轮训合格证"),
		chromedp.SetValue(chromedp.CSS(`input[name=cert_prefix]`), "yh-2021-lx"),
	)
	if err != nil {
		t.Fatal(err)
	}
	// The click handler rewrites the link; stop the new tab from opening so the page stays put.
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
		var a = document.querySelector("a[data-cert-preview]");
		a.addEventListener("click", function (ev) { ev.preventDefault(); });
		a.click();
		return a.getAttribute("href");
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(href, "/programs/"+id+"/certificate-preview?") || !strings.Contains(href, "prefix=yh-2021-lx") ||
		!strings.Contains(href, "title=%E8%A1%8C%E6%94%BF") {
		t.Fatalf("preview link %q does not carry the typed text", href)
	}
	code, body, resp := e.client().login("trainer").do("GET", href, nil, nil)
	if code != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
		t.Fatalf("the preview it points to: %d %s", code, resp.Header.Get("Content-Type"))
	}
}
