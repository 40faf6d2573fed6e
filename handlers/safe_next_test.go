package handlers

import "testing"

func TestSafeNext(t *testing.T) {
	cases := map[string]string{
		"/people?q=王":          "/people?q=王",
		"":                     "/",
		"https://evil.example": "/",
		"//evil.example":       "/",
		`/\evil.example`:       "/",
		"/\tevil":              "/",
		"people":               "/",
	}
	for in, want := range cases {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
