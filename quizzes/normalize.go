package quizzes

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Normalize brings a fill-in answer to the form in which answers are compared: full-width letters,
// digits and punctuation become their half-width forms (a Chinese input method often types "ＡＢＣ" or
// "１２"), letters are lower-cased and all white space (including the ideographic space) is removed,
// because spacing carries no meaning in a Chinese answer.
func Normalize(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// optionKey is the letter that names the option at index i: A, B, C...
func optionKey(i int) string { return string(rune('A' + i)) }

// optionIndex reads an option letter (any case, full or half width); -1 if it is not one.
func optionIndex(key string) int {
	k := strings.ToUpper(Normalize(key))
	if len(k) != 1 || k[0] < 'A' || k[0] > 'Z' {
		return -1
	}
	return int(k[0] - 'A')
}

// trueFalse reads the many ways people write true and false in Chinese and English.
func trueFalse(s string) (value string, ok bool) {
	switch Normalize(s) {
	case "true", "t", "对", "正确", "是", "√", "✓", "y", "yes", "1":
		return "true", true
	case "false", "f", "错", "错误", "否", "×", "✗", "x", "n", "no", "0":
		return "false", true
	}
	return "", false
}
