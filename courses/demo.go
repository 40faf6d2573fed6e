package courses

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/jung-kurt/gofpdf"

	"peixun/accounts"
	"peixun/ent/course"
)

// cjkFontPaths are where a TrueType font with Chinese glyphs is usually found (gofpdf reads neither
// TTC collections nor CFF-based OpenType, so only .ttf files are listed).
var cjkFontPaths = []string{
	"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
	"/usr/share/fonts/truetype/arphic/gbsn00lp.ttf",
	"/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
	"/usr/share/fonts/truetype/noto/NotoSerifSC-Regular.ttf",
	`C:\Windows\Fonts\simhei.ttf`,
	"/Library/Fonts/Arial Unicode.ttf",
}

// SeedDemo adds the demo courses, owned by the trainer: one per topic of the bureau's 2021 work plan,
// each with a text lesson and a generated PDF handout, published. Courses the trainer already has
// under the same title are left alone, so seeding twice adds nothing.
func SeedDemo(ctx context.Context, svc *Service, trainerID int) error {
	a := accounts.Actor{PersonID: trainerID, Name: "demo", Roles: []string{accounts.RoleTrainer}}
	font := findCJKFont()
	for i, d := range demoCourses {
		exists, err := svc.db.Client.Course.Query().
			Where(course.OwnerID(trainerID), course.Title(d.Title)).Exist(ctx)
		if err != nil {
			return fmt.Errorf("seeding course %q: %w", d.Title, err)
		}
		if exists {
			continue
		}
		c, err := svc.CreateCourse(ctx, a, CourseInput{
			Title: d.Title, Summary: d.Summary, Tags: d.Tags, CreditHours: d.Hours,
			NoSkip: i == 0, AllowDownload: i != 1,
		})
		if err != nil {
			return fmt.Errorf("seeding course %q: %w", d.Title, err)
		}
		if _, err := svc.AddLesson(ctx, a, c.ID, LessonInput{
			Title: "课文:" + d.Title, Kind: KindText, Body: d.Body, MinSeconds: 120,
		}); err != nil {
			return fmt.Errorf("seeding text lesson of %q: %w", d.Title, err)
		}
		pdf, err := handoutPDF(d, font)
		if err != nil {
			return fmt.Errorf("making the handout of %q: %w", d.Title, err)
		}
		m, err := svc.Upload(ctx, a, fmt.Sprintf("handout-%d.pdf", i+1), bytes.NewReader(pdf), KindDocument)
		if err != nil {
			return fmt.Errorf("uploading the handout of %q: %w", d.Title, err)
		}
		if _, err := svc.AddLesson(ctx, a, c.ID, LessonInput{
			Title: "讲义(PDF)", Kind: KindDocument, MaterialID: m.ID, MinSeconds: 60,
		}); err != nil {
			return fmt.Errorf("seeding document lesson of %q: %w", d.Title, err)
		}
		if _, err := svc.Publish(ctx, a, c.ID); err != nil {
			return fmt.Errorf("publishing %q: %w", d.Title, err)
		}
	}
	return nil
}

// findCJKFont returns the bytes of a Chinese TrueType font (PEIXUN_CJK_FONT, then well-known paths),
// or nil: the handouts are then printed in English with a core font.
func findCJKFont() []byte {
	paths := cjkFontPaths
	if p := os.Getenv("PEIXUN_CJK_FONT"); p != "" {
		paths = append([]string{p}, paths...)
	}
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			return b
		}
	}
	return nil
}

// handoutPDF prints a one-page handout: the title and the key points.
func handoutPDF(d demoCourse, font []byte) (out []byte, err error) {
	defer func() {
		// gofpdf panics on some inputs (runes above U+FFFF); a demo must not take the server down.
		if v := recover(); v != nil {
			err = fmt.Errorf("rendering PDF: %v", v)
		}
	}()
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(20, 20, 20)
	title, points, family := d.TitleEn, d.PointsEn, "Helvetica"
	if font != nil {
		pdf.AddUTF8FontFromBytes("cjk", "", font)
		title, points, family = d.Title, d.Points, "cjk"
	}
	pdf.AddPage()
	pdf.SetFont(family, "", 18)
	if err := pdf.Error(); err != nil {
		return nil, err
	}
	width, _ := pdf.GetPageSize()
	width -= 40
	for _, line := range wrapRunes(pdf, title, width) {
		pdf.CellFormat(width, 10, line, "", 1, "L", false, 0, "")
	}
	pdf.Ln(6)
	pdf.SetFont(family, "", 12)
	for i, p := range points {
		for j, line := range wrapRunes(pdf, fmt.Sprintf("%d. %s", i+1, p), width) {
			if j > 0 {
				line = "    " + line
			}
			pdf.CellFormat(width, 8, line, "", 1, "L", false, 0, "")
		}
		pdf.Ln(2)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// wrapRunes breaks text into lines no wider than width, rune by rune: gofpdf's own MultiCell drops a
// Chinese character at every automatic line break.
func wrapRunes(pdf *gofpdf.Fpdf, text string, width float64) []string {
	var lines []string
	var cur []rune
	for _, r := range text {
		if len(cur) > 0 && pdf.GetStringWidth(string(append(cur, r))) > width {
			lines = append(lines, string(cur))
			cur = cur[:0]
		}
		cur = append(cur, r)
	}
	return append(lines, string(cur))
}
