package training

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/jung-kurt/gofpdf"

	"peixun/certificates"
	"peixun/fault"
)

// reportFonts caches the bytes of the report font by path: reading a 10 MB font for every report
// would cost more than drawing it.
var reportFonts struct {
	sync.Mutex
	path string
	data []byte
}

// reportFont finds the Chinese font the certificates use (their configured path, else the system
// search) and returns it as a standalone TrueType file: a face of a .ttc collection is copied out,
// because gofpdf reads only plain TrueType.
func (s *Service) reportFont() ([]byte, error) {
	configured := os.Getenv(certificates.EnvFont)
	if s.certs != nil {
		if p := s.certs.FontPath(); p != "" {
			configured = p
		}
	}
	f, err := certificates.FindFont(configured)
	if err != nil {
		return nil, fault.New(fault.Unavailable, "reports.no_font").Because(err)
	}
	reportFonts.Lock()
	defer reportFonts.Unlock()
	key := fmt.Sprintf("%s#%d", f.Path, f.Face)
	if reportFonts.path == key {
		return reportFonts.data, nil
	}
	b := f.Bytes()
	reportFonts.path, reportFonts.data = key, b
	return b, nil
}

// reportPDF is an A4 portrait document in the Chinese font with the helpers reports need.
type reportPDF struct {
	*gofpdf.Fpdf
	width float64 // usable width between the margins
}

const pdfMargin = 15.0

func (s *Service) newReportPDF(title string) (*reportPDF, error) {
	font, err := s.reportFont()
	if err != nil {
		return nil, err
	}
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(false, pdfMargin)
	pdf.SetTitle(title, true)
	pdf.SetCreator("peixun", true)
	pdf.AddUTF8FontFromBytes("cjk", "", font)
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("loading report font: %w", err)
	}
	d := &reportPDF{Fpdf: pdf}
	w, _ := pdf.GetPageSize()
	d.width = w - 2*pdfMargin
	pdf.SetFooterFunc(func() {
		pdf.SetY(-10)
		pdf.SetFont("cjk", "", 8)
		pdf.CellFormat(0, 4, fmt.Sprintf("第 %d 页", pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.SetFont("cjk", "", 10)
	pdf.AddPage()
	return d, nil
}

// wrap breaks text into lines that fit width, rune by rune: gofpdf's own MultiCell and SplitText
// drop a Chinese character at every break they make.
func (d *reportPDF) wrap(text string, width float64) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		var line []rune
		for _, r := range para {
			if len(line) > 0 && d.GetStringWidth(string(append(line, r))) > width {
				lines = append(lines, string(line))
				line = line[:0]
			}
			line = append(line, r)
		}
		lines = append(lines, string(line))
	}
	return lines
}

// text writes a wrapped paragraph at the current position.
func (d *reportPDF) text(s string, size, lineH float64, align string) {
	d.SetFont("cjk", "", size)
	for _, l := range d.wrap(s, d.width) {
		d.ensure(lineH)
		d.SetX(pdfMargin)
		d.CellFormat(d.width, lineH, l, "", 1, align, false, 0, "")
	}
}

// ensure starts a new page when h millimetres do not fit on this one; it tells whether it did.
func (d *reportPDF) ensure(h float64) bool {
	_, ph := d.GetPageSize()
	if d.GetY()+h <= ph-pdfMargin-6 {
		return false
	}
	d.AddPage()
	return true
}

// pdfTable is a table with a header row repeated on every page; widths are shares of the page width.
type pdfTable struct {
	headers []string
	widths  []float64
	aligns  []string
}

// row draws one row: cells wrapped, the row as tall as its tallest cell, borders around each.
func (d *reportPDF) row(t pdfTable, cells []string, header, bold bool) {
	const lineH = 5.5
	d.SetFont("cjk", "", 9.5)
	ws := make([]float64, len(t.widths))
	wrapped := make([][]string, len(cells))
	rows := 1
	for i, c := range cells {
		ws[i] = t.widths[i] * d.width
		wrapped[i] = d.wrap(c, ws[i]-2)
		rows = max(rows, len(wrapped[i]))
	}
	h := float64(rows)*lineH + 1
	if !header && d.ensure(h) {
		d.row(t, t.headers, true, false)
		d.SetFont("cjk", "", 9.5)
	}
	x, y := pdfMargin, d.GetY()
	for i := range cells {
		if header || bold {
			d.SetFillColor(238, 242, 247)
			d.Rect(x, y, ws[i], h, "FD")
		} else {
			d.Rect(x, y, ws[i], h, "D")
		}
		align := "L"
		if i < len(t.aligns) && !header {
			align = t.aligns[i]
		}
		for j, l := range wrapped[i] {
			d.SetXY(x+1, y+0.5+float64(j)*lineH)
			d.CellFormat(ws[i]-2, lineH, l, "", 0, align, false, 0, "")
		}
		x += ws[i]
	}
	d.SetXY(pdfMargin, y+h)
}

// table draws a header row and the rows; the last row is bold (a total) when total is set.
func (d *reportPDF) table(t pdfTable, rows [][]string, total bool) {
	d.ensure(20)
	d.row(t, t.headers, true, false)
	for i, r := range rows {
		d.row(t, r, false, total && i == len(rows)-1)
	}
	d.Ln(3)
}

// output writes the document, turning gofpdf's panics (runes above U+FFFF) into errors.
func (d *reportPDF) output(w io.Writer) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("rendering report PDF: %v", v)
		}
	}()
	var buf bytes.Buffer // a bad document must not leave half a file in the response
	if err := d.Output(&buf); err != nil {
		return fmt.Errorf("rendering report PDF: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}
