package certificates

import (
	"errors"
	"sort"

	"github.com/jung-kurt/gofpdf"
)

// layoutText is every fixed character the layout prints; it is always part of a cut font.
const layoutText = "证书编号：发证日期有效期至机关姓名单位培训项目学时完成扫码验证码" +
	" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"

// maxCutRunes bounds the characters a cached cut font may grow to: beyond it a fresh cut is made
// for the documents at hand, so the cache never approaches the whole font.
const maxCutRunes = 4000

// cutCache keeps the font cut to the characters recent documents needed. gofpdf parses the whole
// font for every document (20-60 ms for a 5-10 MB Chinese font); parsing a font of a few hundred
// glyphs is a fraction of that. The cut is made once per batch and reused while it covers the text.
type cutCache struct {
	font  *Font
	runes map[rune]bool
	data  []byte
}

// cutFont returns font bytes covering every character of texts. It fails when the font lacks one of
// them, rather than print a certificate with a blank where a name's character should be.
func (s *Service) cutFont(font *Font, texts ...string) ([]byte, error) {
	need := map[rune]bool{}
	var missing []rune
	for _, t := range append(texts, layoutText) {
		for _, r := range t {
			if r <= ' ' || need[r] {
				continue
			}
			if !font.Has(r) {
				if !containsRune(missing, r) {
					missing = append(missing, r)
				}
				continue
			}
			need[r] = true
		}
	}
	if len(missing) > 0 {
		return nil, &MissingGlyphsError{Font: font.Path, Runes: missing}
	}
	// gofpdf writes the widths of every character up to U+00FF that the font file has, used or not:
	// every cut carries them all, so the PDF does not depend on which cut rendered it.
	for r := rune(0x20); r <= 0xFF; r++ {
		if font.Has(r) {
			need[r] = true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &s.cut
	if c.font == font {
		covered := true
		for r := range need {
			if !c.runes[r] {
				covered = false
				break
			}
		}
		if covered {
			return c.data, nil
		}
		// Grow the cached cut rather than replace it, so alternating documents do not thrash.
		if len(c.runes)+len(need) <= maxCutRunes {
			for r := range c.runes {
				need[r] = true
			}
		}
	}
	rs := make([]rune, 0, len(need)+1)
	rs = append(rs, ' ')
	for r := range need {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	data := gofpdf.UTF8CutFont(font.data, string(rs))
	if len(data) == 0 {
		return nil, errors.New("cutting the certificate font failed")
	}
	c.font, c.runes, c.data = font, need, data
	return data, nil
}

// MissingGlyphsError says the font cannot draw some characters of a certificate (a rare character in
// a name, say). The certificate stays recorded and unrendered until a fuller font is configured.
type MissingGlyphsError struct {
	Font  string
	Runes []rune
}

func (e *MissingGlyphsError) Error() string {
	return "the certificate font " + e.Font + " has no glyph for " + string(e.Runes) +
		": set " + EnvFont + " to a fuller Chinese TrueType font (e.g. Noto Serif SC)"
}
