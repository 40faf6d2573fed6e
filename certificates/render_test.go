package certificates

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/jung-kurt/gofpdf"
	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"peixun/database/dbtest"
)

// A 60-character Chinese program name, long enough to wrap in the body and in the details.
const longProgram = "二零二一年度余杭区交通运输行政执法人员轮训暨道路运输与水路运输执法规范化建设专题培训执法办案实务能力提升专项学习班第一期"

func TestPDFShowsNameUnitNumberAndEveryCharacterOfALongProgram(t *testing.T) {
	if n := len([]rune(longProgram)); n != 60 {
		t.Fatalf("test program name has %d characters, want 60", n)
	}
	path := needFont(t)
	db := dbtest.Open(t)
	ctx := context.Background()
	w := makeWorld(t, db, longProgram)
	w.program.Update().SetCertValidMonths(36).ExecX(ctx)
	p := makePerson(t, db, "u1", "欧阳明华", w.squadA.ID)
	s := newService(t, db, path, newClock().Now)
	c, err := s.Issue(ctx, IssueRequest{PersonID: p.ID, ProgramID: w.program.ID, Hours: 32.5})
	if err != nil {
		t.Fatal(err)
	}
	pdf, _, err := s.PDF(ctx, Actor{PersonID: p.ID}, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	shown := pdfText(t, pdf)
	all := strings.Join(shown, "")
	for _, want := range []string{"欧阳明华", "运输执法一中队", c.Serial, "32.5", "2021年6月30日", "2024年6月30日",
		"杭州市余杭区交通运输局", c.VerifyCode, DefaultTitle} {
		if !strings.Contains(all, want) {
			t.Errorf("PDF text lacks %q; it shows %q", want, shown)
		}
	}
	// The body wraps the program name over lines; joined in drawing order, no character is lost.
	body := strings.ReplaceAll(strings.ReplaceAll(DefaultBody, "{{name}}", "欧阳明华"), "{{program}}", longProgram)
	body = strings.NewReplacer("{{unit}}", "运输执法一中队", "{{date}}", "2021年6月30日", "{{hours}}", "32.5").Replace(body)
	if !strings.Contains(all, body) {
		t.Errorf("body lost characters across line breaks:\nwant %s\nin   %q", body, shown)
	}
	lines := 0
	for _, sh := range shown {
		if sh != "" && strings.Contains(longProgram, sh) {
			lines++
		}
	}
	if lines < 2 {
		t.Errorf("the program name was not wrapped in the details (%d lines)", lines)
	}
	if size := len(pdf); size > 50<<10 {
		t.Errorf("certificate is %d bytes, over 50 KB", size)
	}
}

// Rendering is reproducible: the bytes do not depend on which characters the cached font cut holds,
// so a download re-rendered later matches the hash recorded at issue.
func TestRenderingIsReproducible(t *testing.T) {
	path := needFont(t)
	db := dbtest.Open(t)
	ctx := context.Background()
	w := makeWorld(t, db, "执法培训")
	p := makePerson(t, db, "u1", "吴十", w.squadA.ID)
	s := newService(t, db, path, newClock().Now)
	c, err := s.Issue(ctx, IssueRequest{PersonID: p.ID, ProgramID: w.program.ID})
	if err != nil {
		t.Fatal(err)
	}
	d := s.documentOf(c)
	// The service always renders from a cut (the uncut font differs in a few descriptor bytes):
	// whichever cut, the bytes must be the same.
	fresh := newService(t, db, path, nil)
	minCut, err := fresh.cutFont(testFont, d.texts()...)
	if err != nil {
		t.Fatal(err)
	}
	wide, err := s.cutFont(testFont, d.texts()...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.cutFont(testFont, "鹰隼鸢鹞鹤鹭鸥鸬鹚"+strings.Repeat("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经", 1)); err != nil {
		t.Fatal(err)
	}
	minimal, err := render(d, minCut, nil)
	if err != nil {
		t.Fatal(err)
	}
	grown, err := render(d, s.cut.data, nil)
	if err != nil {
		t.Fatal(err)
	}
	narrow, err := render(d, wide, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(minimal, narrow) || !bytes.Equal(minimal, grown) {
		t.Fatalf("renderings differ: minimal cut %d bytes, batch cut %d, grown cut %d", len(minimal), len(narrow), len(grown))
	}
	again, _, err := s.PDF(ctx, SystemActor, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.CheckPDF(ctx, again)
	if err != nil || !res.Ours {
		t.Fatalf("a re-downloaded certificate does not check as ours: %+v %v", res, err)
	}
}

func TestQRCodeDecodesToVerificationURL(t *testing.T) {
	for _, url := range []string{
		"https://peixun.example.cn/verify/ABCDEFGHJK23",
		"http://10.0.0.1:8080/verify/ZZZZZZZZZZZZ",
	} {
		b, err := qrPNG(url, 4)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := img.(*image.Gray); !ok {
			t.Errorf("QR PNG decodes as %T, want 8-bit *image.Gray (gofpdf rejects 16-bit)", img)
		}
		if c := img.At(1, 1); c != (color.Gray{Y: 0xFF}) {
			t.Errorf("no white quiet zone: %v", c)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("decoding QR of %s: %v", url, err)
		}
		if res.GetText() != url {
			t.Errorf("QR decodes to %q, want %q", res.GetText(), url)
		}
	}
}

// A TrueType collection is usable once one face is copied out; a CFF font is refused.
func TestFontFormats(t *testing.T) {
	path := needFont(t)
	ttf, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if binary.BigEndian.Uint32(ttf) == tagTTC {
		t.Skip("the machine's font is already a collection")
	}
	ttc := makeTTC(t, ttf)
	dir := t.TempDir()
	os.WriteFile(dir+"/x.ttc", ttc, 0o644)
	otf := append([]byte("OTTO"), ttf[4:]...)
	os.WriteFile(dir+"/x.otf", otf, 0o644)
	os.WriteFile(dir+"/x.txt", []byte("hello, not a font"), 0o644)
	tests := []struct {
		file string
		ok   bool
	}{{"/x.ttc", true}, {"/x.otf", false}, {"/x.txt", false}, {"/missing.ttf", false}}
	for _, tt := range tests {
		f, err := FindFont(dir + tt.file)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v, want ok=%v", tt.file, err, tt.ok)
			continue
		}
		if !tt.ok {
			continue
		}
		pdf := gofpdf.New("L", "mm", "A4", "")
		pdf.AddUTF8FontFromBytes("x", "", f.data)
		pdf.AddPage()
		pdf.SetFont("x", "", 12)
		pdf.Cell(10, 10, "证书 YH-2021-LX-000001")
		var buf bytes.Buffer
		if err := pdf.Output(&buf); err != nil || pdf.Err() {
			t.Errorf("%s: gofpdf cannot use the extracted face: %v", tt.file, err)
		}
		if !strings.Contains(strings.Join(pdfText(t, buf.Bytes()), ""), "证书 YH-2021-LX-000001") {
			t.Errorf("%s: text not drawn", tt.file)
		}
	}
}

// makeTTC wraps a TrueType font into a collection of two faces (the second a copy of the first, as
// the spec allows faces to share tables), with table offsets from the start of the collection.
func makeTTC(t *testing.T, ttf []byte) []byte {
	t.Helper()
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	dirLen := 12 + 16*n
	head := 12 + 8 // ttcf header with two offsets
	shift := uint32(head + 2*dirLen)
	out := make([]byte, 0, len(ttf)+head+dirLen)
	out = append(out, "ttcf"...)
	out = binary.BigEndian.AppendUint32(out, 0x00010000)
	out = binary.BigEndian.AppendUint32(out, 2)
	out = binary.BigEndian.AppendUint32(out, uint32(head))
	out = binary.BigEndian.AppendUint32(out, uint32(head+dirLen))
	for range 2 {
		dir := append([]byte(nil), ttf[:dirLen]...)
		for i := range n {
			p := 12 + 16*i + 8
			binary.BigEndian.PutUint32(dir[p:], binary.BigEndian.Uint32(dir[p:])-uint32(dirLen)+shift)
		}
		out = append(out, dir...)
	}
	return append(out, ttf[dirLen:]...)
}
