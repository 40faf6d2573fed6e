package training

import (
	"peixun/certificates/pdftext"
	"testing"
)

// pdfText is the text a PDF shows, one element per drawn string.
func pdfText(t testing.TB, pdf []byte) []string {
	t.Helper()
	return pdftext.Strings(pdf)
}
