package certificates

import (
	"strings"
	"testing"
	"unicode/utf8"

	"peixun/fault"
)

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"张伟": "张*", "张三伟": "张*伟", "欧阳明华": "欧**华", "张": "张", "": "", " 李四 ": "李*"} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		code string
	}{
		{"王小明", ""}, {"阿卜杜·热合曼", ""}, {"Li Ming", ""},
		{"李𠀀", "certificate.name_unsupported_char"}, {"王😀", "certificate.name_unsupported_char"},
		{"王\x01", "certificate.name_invalid_char"},
	}
	for _, tt := range tests {
		err := ValidateName(tt.name)
		f, _ := fault.As(err)
		if tt.code == "" && err != nil || tt.code != "" && (f == nil || f.Code != tt.code || f.Field != "name") {
			t.Errorf("ValidateName(%q) = %v, want %q", tt.name, err, tt.code)
		}
	}
}

func TestValidateTemplate(t *testing.T) {
	tests := []struct{ title, body, field string }{
		{"", "", ""},
		{"结业证书", "{{name}}于{{date}}完成{{program}}，{{hours}}学时，编号{{serial}}。", ""},
		{"证书", "{{nmae}}同志", "cert_body"},
		{"{{name", "", "cert_title"},
		{"证书😀", "", "cert_title"},
	}
	for _, tt := range tests {
		err := ValidateTemplate(tt.title, tt.body)
		f, _ := fault.As(err)
		if tt.field == "" && err != nil || tt.field != "" && (f == nil || f.Field != tt.field) {
			t.Errorf("ValidateTemplate(%q, %q) = %v, want field %q", tt.title, tt.body, err, tt.field)
		}
	}
}

// Every character survives wrapping, whatever the width; punctuation never starts a line; a Latin
// word is not split when the line can end before it.
func TestWrapKeepsEveryCharacter(t *testing.T) {
	measure := func(s string) float64 {
		if r, _ := utf8.DecodeRuneInString(s); r < 0x80 {
			return 0.5
		}
		return 1
	}
	text := longProgram + "，编号YH-2021-LX-000123。"
	for width := 1.0; width <= 40; width++ {
		lines := wrap(text, width, measure)
		if got := strings.Join(lines, ""); got != text {
			t.Fatalf("width %v: lost characters:\n%s\n%s", width, got, text)
		}
		for _, l := range lines[1:] {
			if r, _ := utf8.DecodeRuneInString(l); strings.ContainsRune(noLineStart, r) {
				t.Errorf("width %v: line starts with %q", width, r)
			}
		}
	}
	if lines := wrap("培训编号ABCDEF", 6, measure); lines[0] != "培训编号" || lines[1] != "ABCDEF" {
		t.Errorf("Latin word split: %q", lines)
	}
	if lines := wrap("甲\n\n乙", 10, measure); len(lines) != 3 {
		t.Errorf("explicit newlines: %q", lines)
	}
}

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c, err := newCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) < 10 || strings.ContainsAny(c, "01OIl") || seen[c] {
			t.Fatalf("bad or repeated code %q", c)
		}
		seen[c] = true
	}
}
