package training

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"testing"
	"unicode/utf16"
)

var (
	reportStreamRe = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	reportTjRe     = regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)
)

// pdfText extracts the strings a report PDF shows: every stream inflated, every Tj operand decoded
// from the UTF-16BE that gofpdf writes for UTF-8 fonts. Each shown string is one element.
func pdfText(t testing.TB, pdf []byte) []string {
	t.Helper()
	var out []string
	for _, m := range reportStreamRe.FindAllSubmatch(pdf, -1) {
		content := m[1]
		if r, err := zlib.NewReader(bytes.NewReader(m[1])); err == nil {
			if inflated, err := io.ReadAll(r); err == nil {
				content = inflated
			}
		}
		for _, tj := range reportTjRe.FindAllSubmatch(content, -1) {
			b := unescapeReportPDF(tj[1])
			u := make([]uint16, 0, len(b)/2)
			for i := 0; i+1 < len(b); i += 2 {
				u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
			}
			out = append(out, string(utf16.Decode(u)))
		}
	}
	return out
}

// unescapePDF undoes the backslash escapes of a PDF string.
func unescapeReportPDF(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 == len(b) {
			out = append(out, b[i])
			continue
		}
		i++
		switch c := b[i]; {
		case c == 'n':
			out = append(out, '\n')
		case c == 'r':
			out = append(out, '\r')
		case c == 't':
			out = append(out, '\t')
		case c == 'b':
			out = append(out, '\b')
		case c == 'f':
			out = append(out, '\f')
		case c >= '0' && c <= '7':
			n, j := 0, i
			for ; j < len(b) && j < i+3 && b[j] >= '0' && b[j] <= '7'; j++ {
				n = n*8 + int(b[j]-'0')
			}
			out = append(out, byte(n))
			i = j - 1
		default:
			out = append(out, c)
		}
	}
	return out
}
