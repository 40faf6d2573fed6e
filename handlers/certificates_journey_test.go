package handlers_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneyCertificateEarnDownloadVerifyRevoke is issue 6's journey. A learner enrolled in a
// program whose requirement is two credit hours checks in to a two-hour session through its check-in
// page; the training hook completes the enrollment and issues the certificate. The learner finds it
// under 证书 and downloads the PDF (fetched with the browser's own cookies, and read here: it names
// them and carries the serial and verification code). The verification address the QR code holds
// (the certificate record's, decoded from a QR image in the certificates package's own test) opens
// in a browser that has never signed in and says 有效; an administrator revokes the certificate on its
// page (confirming, with a reason) and the verification page then says 已撤销.
//
// The program and the session are made through the services: the program editor and the trainer's
// "open check-in" button are other journeys.
func TestJourneyCertificateEarnDownloadVerifyRevoke(t *testing.T) {
	e := newEnv(t)
	needCertFont(t, e)
	ctx := context.Background()
	base := e.srv.URL
	prog := e.certProgram("2026年度执法规范化旅程培训", "LC-2026", "learner1")
	now := e.clock.Now()
	l := e.lecture("执法规范化专题讲座")
	code, err := e.courses.OpenCheckIn(ctx, e.actor("trainer"), l.ID, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}

	// The learner checks in, which completes the program.
	b := browser(t)
	signInWithForm(t, b, base, "learner1")
	err = chromedp.Do(b,
		chromedp.Navigate(base+"/checkin/"+code),
		chromedp.Click(chromedp.CSS(`form[action^="/checkin/"] button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`.checkin-done`)),
		chromedp.Click(chromedp.CSS(`nav a[href="/certificates"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.cert-download`)),
	)
	if err != nil {
		t.Fatalf("checking in and opening my certificates: %v", err)
	}
	c := e.certOf("learner1", prog.ID)
	if text := bodyText(t, b); !strings.Contains(text, c.Serial) || !strings.Contains(text, "2026年度执法规范化旅程培训") || !strings.Contains(text, "有效") {
		t.Fatalf("my certificates does not list the new certificate: %.600s", text)
	}
	screenshot(t, b, "certificates-learner")

	// Download: the link's target, fetched with the page's cookies.
	got, err := chromedp.Run(b, chromedp.Evaluate[map[string]any](`(function () {
		var a = document.querySelector('a.cert-download[href="/certificates/`+itoa(c.ID)+`/pdf"]');
		return fetch(a.href).then(function (r) {
			return r.arrayBuffer().then(function (buf) {
				var u = new Uint8Array(buf), s = "";
				for (var i = 0; i < u.length; i++) { s += String.fromCharCode(u[i]); }
				return {status: r.status, type: r.headers.get("Content-Type"), disposition: r.headers.get("Content-Disposition"), pdf: btoa(s)};
			});
		});
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("downloading: %v", err)
	}
	pdf, _ := base64.StdEncoding.DecodeString(got["pdf"].(string))
	if got["status"] != float64(200) || got["type"] != "application/pdf" || !strings.Contains(got["disposition"].(string), "attachment") {
		t.Fatalf("download answer: %v %v %v", got["status"], got["type"], got["disposition"])
	}
	text := strings.Join(pdfText(pdf), "\n")
	for _, want := range []string{"王执法", "良渚中队一分队", c.Serial, c.VerifyCode} {
		if !strings.Contains(text, want) {
			t.Errorf("the downloaded PDF does not show %q", want)
		}
	}

	// The QR code's address, opened by someone who never signed in.
	qrURL := e.certs.VerifyURL(c)
	if !strings.HasPrefix(qrURL, base+"/verify/") {
		t.Fatalf("the QR address %s does not lead to this server", qrURL)
	}
	phone := browser(t)
	// Headless Chromium asks for English; a phone set to Chinese is what the bureau's people carry,
	// so the language switch's cookie is set first (as signInWithForm does with ?lang=zh).
	err = chromedp.Do(phone, chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/verify?lang=zh"),
		chromedp.Navigate(qrURL), chromedp.WaitVisible(chromedp.CSS(`#verify-status`)))
	if err != nil {
		t.Fatalf("opening the verification page: %v", err)
	}
	if text := bodyText(t, phone); !strings.Contains(text, "有效") || !strings.Contains(text, "王*法") || strings.Contains(text, "王执法") {
		t.Fatalf("the verification page does not say valid with a masked name: %.500s", text)
	}
	screenshot(t, phone, "verify-valid")

	// An administrator revokes it on its page: the confirmation is asked, a reason given.
	err = chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
	)
	if err != nil {
		t.Fatalf("signing out: %v", err)
	}
	signInWithForm(t, b, base, "admin")
	err = chromedp.Do(b,
		chromedp.Navigate(base+"/manage/certificates?q="+c.Serial),
		chromedp.Click(chromedp.CSS(`td.serial a`)),
		chromedp.WaitVisible(chromedp.CSS(`#revoke-form`)),
		chromedp.SendKeys(chromedp.CSS(`#revoke-form textarea[name=reason]`), "培训记录有误，证书作废"),
		evalTrue(`window.asked = ""; window.confirm = function (m) { window.asked = m; return false; }; true`),
		chromedp.Click(chromedp.CSS(`#revoke-form button[type=submit]`)),
	)
	if err != nil {
		t.Fatalf("opening the certificate page: %v", err)
	}
	asked, err := chromedp.Run(b, chromedp.Evaluate[string](`window.asked`))
	if err != nil || !strings.Contains(asked, "确定撤销证书 "+c.Serial) {
		t.Fatalf("no confirmation before revoking: %q %v", asked, err)
	}
	screenshot(t, b, "certificate-admin")
	err = chromedp.Do(b,
		evalTrue(`window.confirm = function () { return true; }; true`),
		chromedp.Click(chromedp.CSS(`#revoke-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if err != nil {
		t.Fatalf("revoking: %v", err)
	}
	if text := bodyText(t, b); !strings.Contains(text, "证书已撤销") || !strings.Contains(text, "培训记录有误") {
		t.Fatalf("the certificate page after revoking: %.500s", text)
	}

	// The same verification page now says revoked.
	if err := chromedp.Do(phone, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`#verify-status`))); err != nil {
		t.Fatal(err)
	}
	if text := bodyText(t, phone); !strings.Contains(text, "已撤销") || strings.Contains(text, "培训记录有误") {
		t.Fatalf("the verification page does not say revoked (or shows the reason): %.500s", text)
	}
	screenshot(t, phone, "verify-revoked")
}
