package certificates

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strings"
)

// EnvFont names the variable that points at the certificate font (a .ttf, or a .ttc collection).
const EnvFont = "PEIXUN_CERT_FONT"

// InstallHint tells an administrator what to do when no usable font is found.
const InstallHint = "no Chinese TrueType font found for certificates: install one (Debian/Ubuntu: apt-get install fonts-arphic-gbsn00lp) or set " + EnvFont + " to a TrueType .ttf or .ttc file; certificates are recorded meanwhile and rendered once a font is there"

// ErrNoFont is returned while no usable font is found; its text is InstallHint.
var ErrNoFont = errors.New(InstallHint)

// SystemFontPaths are the places searched after the configured path, best first: Song faces that
// look official, then faces that people already have on Linux, Windows and macOS. CFF-based fonts
// (Noto CJK .ttc/.otf) are not listed because gofpdf cannot embed them.
var SystemFontPaths = []string{
	"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
	"/usr/share/fonts/truetype/arphic/uming.ttc",
	"/usr/share/fonts/truetype/arphic/ukai.ttc",
	"/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/noto/NotoSerifSC-Regular.ttf",
	"/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
	"/usr/share/fonts/opentype/noto/NotoSerifSC-Regular.ttf",
	"/usr/local/share/fonts/NotoSerifSC-Regular.ttf",
	"/usr/local/share/fonts/NotoSansSC-Regular.ttf",
	`C:\Windows\Fonts\simsun.ttc`,
	`C:\Windows\Fonts\simhei.ttf`,
	`C:\Windows\Fonts\msyh.ttc`,
	"/System/Library/Fonts/Supplemental/Songti.ttc",
	"/System/Library/Fonts/STHeiti Medium.ttc",
	"/Library/Fonts/Arial Unicode.ttf",
	"/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
}

// Font is a TrueType font ready for gofpdf: a standalone file (a face copied out of a collection if
// need be) and the set of characters it can draw.
type Font struct {
	Path string // the file it came from
	Face int    // the face within a collection; 0 for a plain .ttf
	data []byte
	has  []uint64 // bitset over the Basic Multilingual Plane
}

// Bytes is the standalone TrueType file, ready for gofpdf's AddUTF8FontFromBytes. Other PDFs of the
// platform (reports) use it, so that the font search and the collection handling live here only.
func (f *Font) Bytes() []byte { return f.data }

// Has tells whether the font has a glyph for r.
func (f *Font) Has(r rune) bool {
	return r >= 0 && r <= 0xFFFF && f.has[r>>6]&(1<<(r&63)) != 0
}

// Missing lists the characters of s the font cannot draw (spaces and controls excepted), each once.
func (f *Font) Missing(s string) []rune {
	var out []rune
	for _, r := range s {
		if r <= ' ' || f.Has(r) || containsRune(out, r) {
			continue
		}
		out = append(out, r)
	}
	return out
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// FindFont returns the font at the configured path when set (its failure is reported, not skipped:
// an administrator who names a font wants to know why it is not used), else the first usable font
// among SystemFontPaths, else ErrNoFont.
func FindFont(configured string) (*Font, error) {
	if configured != "" {
		f, err := LoadFont(configured)
		if err != nil {
			// Wraps ErrNoFont too: to the rest of the package a configured font that cannot be
			// used is no font (certificates wait for one), and the message says why.
			return nil, fmt.Errorf("certificate font %s (%s) cannot be used: %v; %w", configured, EnvFont, err, ErrNoFont)
		}
		return f, nil
	}
	for _, p := range SystemFontPaths {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if f, err := LoadFont(p); err == nil {
			return f, nil
		}
	}
	return nil, ErrNoFont
}

// LoadFont reads a TrueType font or collection and checks that it can print a certificate: glyf
// outlines, a Unicode cmap, Chinese characters, and Latin letters and digits (serial numbers).
func LoadFont(path string) (*Font, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading font: %w", err)
	}
	return parseFont(path, b)
}

func parseFont(path string, b []byte) (*Font, error) {
	if len(b) < 12 {
		return nil, errors.New("not a font file")
	}
	switch binary.BigEndian.Uint32(b) {
	case tagOTTO:
		return nil, errCFF
	case tagTrueType, tagTrue:
		return newFont(path, 0, b)
	case tagTTC:
		// Take the first face with glyf outlines that covers Chinese; collections often start with it.
		count := int(binary.BigEndian.Uint32(b[8:]))
		var firstErr error
		for i := range count {
			face, err := extractFace(b, i)
			if err == nil {
				var f *Font
				if f, err = newFont(path, i, face); err == nil {
					return f, nil
				}
			}
			if firstErr == nil {
				firstErr = fmt.Errorf("face %d: %w", i, err)
			}
		}
		if firstErr == nil {
			firstErr = errors.New("the collection holds no faces")
		}
		return nil, firstErr
	}
	return nil, errors.New("not a TrueType font (.ttf) or collection (.ttc)")
}

func newFont(path string, face int, b []byte) (*Font, error) {
	if findTable(b, "CFF ") != nil || findTable(b, "CFF2") != nil {
		return nil, errCFF
	}
	for _, t := range []string{"glyf", "loca", "head", "hhea", "hmtx", "maxp", "cmap"} {
		if findTable(b, t) == nil {
			return nil, fmt.Errorf("the font has no %q table", t)
		}
	}
	has, err := coverage(findTable(b, "cmap"))
	if err != nil {
		return nil, err
	}
	f := &Font{Path: path, Face: face, data: b, has: has}
	if m := f.Missing("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"); len(m) > 0 {
		return nil, fmt.Errorf("the font lacks Latin letters or digits (%s), which serial numbers need", string(m))
	}
	if m := f.Missing("证书培训"); len(m) > 0 {
		return nil, errors.New("the font has no Chinese characters")
	}
	return f, nil
}

// coverage reads the Unicode BMP subtable (format 4, the one gofpdf uses) of a cmap table into a bitset.
func coverage(cmap []byte) ([]uint64, error) {
	if len(cmap) < 4 {
		return nil, errors.New("the font's cmap table is empty")
	}
	u16 := func(p int) int {
		if p+2 > len(cmap) {
			return 0
		}
		return int(binary.BigEndian.Uint16(cmap[p:]))
	}
	sub := -1
	for i := range u16(2) {
		rec := 4 + 8*i
		platform, encoding := u16(rec), u16(rec+2)
		if rec+8 > len(cmap) {
			break
		}
		off := int(binary.BigEndian.Uint32(cmap[rec+4:]))
		if (platform == 3 && encoding == 1 || platform == 0) && u16(off) == 4 {
			sub = off
			break
		}
	}
	if sub < 0 {
		return nil, errors.New("the font has no Unicode character map (cmap format 4)")
	}
	has := make([]uint64, 65536/64)
	segs := u16(sub+6) / 2
	ends, starts := sub+14, sub+16+2*segs
	deltas, ranges := starts+2*segs, starts+4*segs
	for s := range segs {
		end, start := u16(ends+2*s), u16(starts+2*s)
		delta, rangeOff := u16(deltas+2*s), u16(ranges+2*s)
		for c := start; c <= end && c < 0xFFFF; c++ {
			glyph := 0
			if rangeOff == 0 {
				glyph = (c + delta) & 0xFFFF
			} else if g := u16(ranges + 2*s + rangeOff + 2*(c-start)); g != 0 {
				glyph = (g + delta) & 0xFFFF
			}
			if glyph != 0 {
				has[c>>6] |= 1 << (c & 63)
			}
		}
	}
	return has, nil
}

// fontHint turns a font error into the text an administrator should read.
func fontHint(err error) string {
	if errors.Is(err, ErrNoFont) {
		return err.Error() // InstallHint, after the reason a configured font was refused
	}
	return strings.TrimSpace(err.Error()) + "; " + InstallHint
}
