// Package pdftext reads back the text of the PDFs the platform writes with gofpdf (certificates,
// study records, completion reports), so that tests can check what a PDF really shows. It is not a
// general PDF reader: it inflates each stream and decodes the Tj operands, which gofpdf writes as
// UTF-16BE for UTF-8 fonts.
package pdftext

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"unicode/utf16"
)

var (
	streamRe = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	tjRe     = regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)
)

// Strings returns every string the PDF shows, one element per Tj operator, in drawing order.
func Strings(pdf []byte) []string {
	var out []string
	for _, m := range streamRe.FindAllSubmatch(pdf, -1) {
		content := m[1] // an uncompressed content stream, or a Flate one inflated here
		if r, err := zlib.NewReader(bytes.NewReader(m[1])); err == nil {
			if inflated, err := io.ReadAll(r); err == nil {
				content = inflated
			}
		}
		for _, tj := range tjRe.FindAllSubmatch(content, -1) {
			out = append(out, decodeUTF16(unescape(tj[1])))
		}
	}
	return out
}

// unescape undoes the backslash escapes of a PDF string literal.
func unescape(b []byte) []byte {
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

func decodeUTF16(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return string(utf16.Decode(u))
}
