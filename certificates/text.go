package certificates

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"peixun/fault"
)

// ValidateName refuses names a certificate cannot print: characters beyond U+FFFF (gofpdf panics on
// them; rare ideographs of CJK Extension B and later, and emoji) and control characters. The accounts
// package calls it when a name is saved, so the problem shows where it can be fixed.
func ValidateName(name string) error {
	for _, r := range name {
		switch {
		case r > 0xFFFF:
			return fault.Field("name", "certificate.name_unsupported_char", "char", string(r),
				"code", "U+"+strings.ToUpper(strconv.FormatInt(int64(r), 16)))
		case r == unicode.ReplacementChar, unicode.IsControl(r):
			return fault.Field("name", "certificate.name_invalid_char", "code",
				"U+"+strings.ToUpper(strconv.FormatInt(int64(r), 16)))
		}
	}
	return nil
}

// validateText is ValidateName for any text that goes on a certificate (titles, bodies, unit and
// program names), reported against the given field.
func validateText(field, s string) error {
	for _, r := range s {
		if r > 0xFFFF || r == unicode.ReplacementChar || (unicode.IsControl(r) && r != '\n') {
			return fault.Field(field, "certificate.text_unsupported_char", "char", string(r),
				"code", "U+"+strings.ToUpper(strconv.FormatInt(int64(r), 16)))
		}
	}
	return nil
}

// MaskName hides the middle of a name for public verification: 张三丰 → 张*丰, 张三 → 张*, a
// one-character name stays. Longer names keep only the first and last character.
func MaskName(name string) string {
	rs := []rune(strings.TrimSpace(name))
	switch len(rs) {
	case 0, 1:
		return string(rs)
	case 2:
		return string(rs[0]) + "*"
	}
	return string(rs[0]) + strings.Repeat("*", len(rs)-2) + string(rs[len(rs)-1])
}

// Placeholders are the fields a program's certificate title and body may use.
var Placeholders = []string{"{{name}}", "{{unit}}", "{{program}}", "{{hours}}", "{{date}}", "{{serial}}"}

// DefaultTitle and DefaultBody are used when a program sets no text of its own.
const (
	DefaultTitle = "培训合格证书"
	DefaultBody  = "{{name}}同志（{{unit}}）于{{date}}完成“{{program}}”培训，共计{{hours}}学时，经考核合格，特发此证。"
)

// ValidateTemplate checks a program's certificate title and body before they are saved: printable
// characters only, and no placeholder this package does not know.
func ValidateTemplate(title, body string) error {
	_, _, err := fillTemplates(title, body, &document{})
	return err
}

// fillTemplates fills a program's title and body (or the defaults when empty) with a certificate's facts.
func fillTemplates(title, body string, d *document) (string, string, error) {
	if strings.TrimSpace(title) == "" {
		title = DefaultTitle
	}
	if strings.TrimSpace(body) == "" {
		body = DefaultBody
	}
	for _, t := range []struct{ field, text string }{{"cert_title", title}, {"cert_body", body}} {
		if err := validateText(t.field, t.text); err != nil {
			return "", "", err
		}
		rest := t.text
		for _, p := range Placeholders {
			rest = strings.ReplaceAll(rest, p, "")
		}
		if i := strings.Index(rest, "{{"); i >= 0 {
			end := strings.Index(rest[i:], "}}")
			if end < 0 {
				end = len(rest) - i
			} else {
				end += 2
			}
			return "", "", fault.Field(t.field, "certificate.unknown_placeholder", "placeholder", rest[i:i+end],
				"known", strings.Join(Placeholders, " "))
		}
	}
	return fill(title, d), fill(body, d), nil
}

// fill replaces the placeholders of a template with a certificate's facts.
func fill(tmpl string, d *document) string {
	return strings.NewReplacer(
		"{{name}}", d.Name,
		"{{unit}}", d.Unit,
		"{{program}}", d.Program,
		"{{hours}}", formatHours(d.Hours),
		"{{date}}", formatDate(d.Completed),
		"{{serial}}", d.Serial,
	).Replace(tmpl)
}

func formatHours(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) }

// shanghai is where dates are shown; certificates are for a Chinese agency.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// formatDate writes a date the way Chinese documents do: 2021年6月30日.
func formatDate(t time.Time) string {
	t = t.In(shanghai)
	return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
}

// noLineStart are characters Chinese typesetting never puts at the start of a line; they hang at
// the end of the previous one instead.
const noLineStart = "，。、；：？！）》」』】”’,.;:?!)"

// wrap splits text into lines no wider than width, measuring rune by rune with the given width
// function. gofpdf's MultiCell and SplitText drop a Chinese character at every automatic break, so
// lines are cut here and each is printed with a plain Cell. Latin words are not broken when a space
// lets the line end earlier; explicit newlines start new lines.
func wrap(text string, width float64, measure func(string) float64) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		rs := []rune(para)
		for len(rs) > 0 {
			w, n := 0.0, 0
			for n < len(rs) {
				cw := measure(string(rs[n]))
				if w+cw > width && n > 0 && !strings.ContainsRune(noLineStart, rs[n]) {
					break
				}
				w += cw
				n++
			}
			if n < len(rs) && isWordRune(rs[n]) && isWordRune(rs[n-1]) {
				// Do not split a Latin word (a serial, a name in pinyin): end the line before it,
				// unless the word fills the whole line.
				for k := n - 1; k > 0; k-- {
					if !isWordRune(rs[k]) {
						n = k + 1
						break
					}
				}
			}
			lines = append(lines, strings.TrimRight(string(rs[:n]), " "))
			rs = rs[n:]
			for len(rs) > 0 && rs[0] == ' ' {
				rs = rs[1:]
			}
		}
		if len(para) == 0 {
			lines = append(lines, "")
		}
	}
	return lines
}

func isWordRune(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
