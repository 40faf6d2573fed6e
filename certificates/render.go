package certificates

import (
	"bytes"
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"peixun/ent"
)

// document is everything one certificate prints. It is built from the frozen certificate row, so
// rendering the same row again gives the same bytes (and the same content hash).
type document struct {
	Title, Body     string
	Name, Unit      string
	Program, Serial string
	Code, URL       string
	Issuer          string
	Hours           float64
	Completed       time.Time
	Issued          time.Time
	Expires         *time.Time
}

// documentOf builds the document of a certificate row.
func (s *Service) documentOf(c *ent.Certificate) *document {
	d := &document{
		Title: strings.ReplaceAll(c.Title, "{{serial}}", c.Serial),
		Body:  strings.ReplaceAll(c.Body, "{{serial}}", c.Serial), Name: c.HolderName, Unit: c.UnitName, Program: c.ProgramName,
		Serial: c.Serial, Code: c.VerifyCode, URL: s.verifyURL(c.VerifyCode), Issuer: c.Issuer,
		Hours: c.CreditHours, Issued: c.IssuedAt, Completed: c.IssuedAt, Expires: c.ExpiresAt,
	}
	if c.CompletedAt != nil {
		d.Completed = *c.CompletedAt
	}
	return d
}

// texts lists what a document prints, for cutting the font to its characters.
func (d *document) texts() []string {
	return []string{d.Title, d.Body, d.Name, d.Unit, d.Program, d.Serial, d.Code, d.Issuer,
		formatHours(d.Hours), formatDate(d.Completed), formatDate(d.Issued)}
}

// Colours of the certificate: a dark seal red for frame and title, near-black for text.
var (
	red  = [3]int{150, 20, 20}
	ink  = [3]int{25, 25, 25}
	grey = [3]int{90, 90, 90}
)

// render draws one certificate, A4 landscape, with the given (cut) font bytes and optional seal PNG.
// It never panics: gofpdf panics on some inputs (runes beyond U+FFFF, broken fonts), and one bad
// certificate must not take a batch or the server down.
func render(d *document, fontBytes, seal []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("rendering certificate %s panicked: %v\n%s", d.Serial, r, debug.Stack())
		}
	}()
	qr, err := qrPNG(d.URL, 4)
	if err != nil {
		return nil, err
	}
	pdf := gofpdf.New("L", "mm", "A4", "")
	// Fixed dates and sorted catalogue: the same certificate renders to the same bytes.
	pdf.SetCatalogSort(true)
	// Content streams stay uncompressed (about 1 KB more; fonts and images are compressed anyway)
	// so that stableFontName can rewrite the font's resource name in place.
	pdf.SetCompression(false)
	pdf.SetCreationDate(d.Issued)
	pdf.SetModificationDate(d.Issued)
	pdf.SetProducer("Peixun", false)
	pdf.SetTitle(d.Title+" "+d.Serial, true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.AddUTF8FontFromBytes("cert", "", fontBytes)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("loading certificate font: %w", err)
	}
	pdf.AddPage()

	// Frame: a heavy and a fine rule.
	pdf.SetDrawColor(red[0], red[1], red[2])
	pdf.SetLineWidth(1.4)
	pdf.Rect(10, 10, 277, 190, "D")
	pdf.SetLineWidth(0.4)
	pdf.Rect(14.5, 14.5, 268, 181, "D")

	// Title, centred, wrapped if an administrator wrote a long one.
	pdf.SetFont("cert", "", 32)
	pdf.SetTextColor(red[0], red[1], red[2])
	y := 24.0
	for _, line := range wrap(d.Title, 240, pdf.GetStringWidth) {
		pdf.SetXY(20, y)
		pdf.CellFormat(257, 14, line, "", 0, "C", false, 0, "")
		y += 14
	}

	// Body paragraph.
	pdf.SetFont("cert", "", 17)
	pdf.SetTextColor(ink[0], ink[1], ink[2])
	y = maxf(y+8, 52)
	for _, line := range wrap(d.Body, 215, pdf.GetStringWidth) {
		pdf.SetXY(41, y)
		pdf.CellFormat(215, 10, line, "", 0, "L", false, 0, "")
		y += 10.5
	}

	// Details: the facts, whatever the body template says.
	rows := [][2]string{
		{"姓名：", d.Name}, {"单位：", d.Unit}, {"培训项目：", d.Program},
		{"学时：", formatHours(d.Hours)}, {"完成日期：", formatDate(d.Completed)},
	}
	if d.Expires != nil {
		rows = append(rows, [2]string{"有效期至：", formatDate(*d.Expires)})
	}
	rows = append(rows, [2]string{"证书编号：", d.Serial})
	pdf.SetFont("cert", "", 12)
	y = maxf(y+4, 112)
	for _, row := range rows {
		pdf.SetTextColor(grey[0], grey[1], grey[2])
		pdf.SetXY(66, y)
		pdf.CellFormat(26, 7, row[0], "", 0, "R", false, 0, "")
		pdf.SetTextColor(ink[0], ink[1], ink[2])
		for _, line := range wrap(row[1], 110, pdf.GetStringWidth) {
			pdf.SetXY(92, y)
			pdf.CellFormat(110, 7, line, "", 0, "L", false, 0, "")
			y += 7
		}
	}

	// QR code to the public verification page, bottom left, with the code for typing in.
	pdf.RegisterImageOptionsReader("qr", gofpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(qr))
	pdf.ImageOptions("qr", 22, 150, 34, 34, false, gofpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	pdf.SetFont("cert", "", 9)
	pdf.SetTextColor(grey[0], grey[1], grey[2])
	pdf.SetXY(18, 184)
	pdf.CellFormat(42, 4.5, "扫码验证", "", 2, "C", false, 0, "")
	pdf.CellFormat(42, 4.5, "验证码："+d.Code, "", 0, "C", false, 0, "")

	// Issuing body and date, bottom right.
	pdf.SetFont("cert", "", 14)
	pdf.SetTextColor(ink[0], ink[1], ink[2])
	y = 160
	for _, line := range wrap(d.Issuer, 84, pdf.GetStringWidth) {
		pdf.SetXY(190, y)
		pdf.CellFormat(86, 8, line, "", 0, "C", false, 0, "")
		y += 8
	}
	pdf.SetXY(190, y+1)
	pdf.CellFormat(86, 8, formatDate(d.Issued), "", 0, "C", false, 0, "")
	// The seal goes over the issuer's name, as a stamp does; its transparency lets the text show.
	if len(seal) > 0 {
		pdf.RegisterImageOptionsReader("seal", gofpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(seal))
		pdf.ImageOptions("seal", 212, 138, 42, 0, false, gofpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("writing certificate %s: %w", d.Serial, err)
	}
	return stableFontName(buf.Bytes()), nil
}

// fontResource finds gofpdf's name for the font: "/F" and 40 hex digits, a SHA-1 of the font's
// width table, which differs between font cuts.
var fontResource = regexp.MustCompile(`/Font\s*<<\s*/F([0-9a-f]{40})\s`)

// stableFontName replaces the font's resource name with a fixed one of the same length (so the
// cross-reference offsets stay right): the same certificate then renders to the same bytes whichever
// batch's font cut drew it, and a re-rendered download matches the hash recorded at issue.
func stableFontName(pdf []byte) []byte {
	m := fontResource.FindSubmatch(pdf)
	if m == nil {
		return pdf
	}
	return bytes.ReplaceAll(pdf, m[1], []byte(strings.Repeat("0", 40)))
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}
