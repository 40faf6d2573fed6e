package handlers

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"peixun/assets"
)

func TestLocalesHaveTheSameKeys(t *testing.T) {
	cat, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if missing := cat.Missing(); len(missing) > 0 {
		t.Fatalf("keys missing from a language: %v", missing)
	}
}

// TestEveryMessageKeyExists reads the templates and the Go sources: every {{.T "key"}} of a template
// and every fault code (as "err.<code>") must be in the locale files, so that no user ever sees a raw key.
func TestEveryMessageKeyExists(t *testing.T) {
	cat, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	tkey := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	files, _ := fs.Glob(assets.Templates, "templates/*.html")
	for _, f := range files {
		b, _ := fs.ReadFile(assets.Templates, f)
		for _, m := range tkey.FindAllSubmatch(b, -1) {
			if !cat.Has(string(m[1])) {
				t.Errorf("%s uses missing key %q", f, m[1])
			}
		}
	}
	code := regexp.MustCompile(`fault\.(?:Field\("[a-z_]+", |New\(fault\.[A-Za-z]+, )"([a-z0-9_.]+)"`)
	pageKey := regexp.MustCompile(`(?:p\.T|T)\("([a-z0-9_.]+)"`)
	// Domain packages join this list as their pages are wired in.
	for _, dir := range []string{"../accounts", "../handlers", "../courses", "../quizzes", "../training", "../certificates"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, p := range paths {
			if strings.HasSuffix(p, "_test.go") {
				continue
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range code.FindAllSubmatch(b, -1) {
				if !cat.Has("err." + string(m[1])) {
					t.Errorf("%s: fault code %q has no message err.%s", p, m[1], m[1])
				}
			}
			if strings.Contains(p, "handlers") {
				for _, m := range pageKey.FindAllSubmatch(b, -1) {
					if strings.Contains(string(m[1]), ".") && !strings.HasSuffix(string(m[1]), ".") && !cat.Has(string(m[1])) {
						t.Errorf("%s: key %q missing", p, m[1])
					}
				}
			}
		}
	}
}

func TestPickLanguage(t *testing.T) {
	cases := []struct{ explicit, accept, want string }{
		{"", "", "zh"},
		{"", "en-US,en;q=0.9", "en"},
		{"", "zh-CN,zh;q=0.9,en;q=0.8", "zh"},
		{"zh", "en-US", "zh"},
		{"en", "zh-CN", "en"},
		{"fr", "de-DE", "zh"},
	}
	for _, c := range cases {
		if got := pickLanguage(c.explicit, c.accept); got != c.want {
			t.Errorf("pickLanguage(%q, %q) = %q, want %q", c.explicit, c.accept, got, c.want)
		}
	}
}
