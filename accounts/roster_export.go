package accounts

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"peixun/ent"
	"peixun/ent/person"
	"peixun/ent/unit"
	"peixun/fault"
)

// Roster file formats.
const (
	RosterXLSX = "xlsx"
	RosterCSV  = "csv"
)

// rosterLine is one person as a roster row: the cells in column order, and the expiry as a date so
// that XLSX can store a real date cell.
type rosterLine struct {
	cells   []string
	expires *time.Time
}

// ExportRoster writes the people of the actor's scope (except those who have left, and those
// without an employee number, who cannot be matched on re-import) in the import format: importing
// the export changes nothing. format is RosterXLSX or RosterCSV.
func (s *Service) ExportRoster(ctx context.Context, actor Actor, w io.Writer, format string) error {
	scope := actor.ScopePath()
	if scope == "" {
		return fault.ForbiddenErr()
	}
	if format != RosterXLSX && format != RosterCSV {
		return fault.Field("format", "roster.format_unknown", "name", format)
	}
	ix, err := loadUnitIndex(ctx, s.client)
	if err != nil {
		return err
	}
	people, err := s.client.Person.Query().
		Where(person.HasUnitWith(unit.PathHasPrefix(scope)), person.EmployeeNoNotNil(), person.StatusNEQ(person.StatusLeft)).
		Order(person.ByUnitID(), person.ByEmployeeNo()).All(ctx)
	if err != nil {
		return fmt.Errorf("listing people for the roster export: %w", err)
	}
	lines := make([]rosterLine, 0, len(people))
	names := map[int]string{}
	for _, p := range people {
		if _, ok := names[p.UnitID]; !ok {
			names[p.UnitID] = ix.namePath(p.UnitID)
		}
		lines = append(lines, personLine(p, names[p.UnitID]))
	}
	return writeRosterFile(w, format, lines)
}

// RosterTemplate writes an empty roster in the given format: the headers and one example row.
func RosterTemplate(w io.Writer, format string) error {
	if format != RosterXLSX && format != RosterCSV {
		return fault.Field("format", "roster.format_unknown", "name", format)
	}
	expires := time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)
	example := rosterLine{cells: []string{"YH0001", "张三", "余杭区交通运输局/良渚中队", categoryLabels["officer"],
		"13900000000", "浙交执330101", rosterDate(&expires), ""}, expires: &expires}
	return writeRosterFile(w, format, []rosterLine{example})
}

func personLine(p *ent.Person, unitPath string) rosterLine {
	var expires *time.Time
	if p.CredentialExpires != nil {
		// The calendar day shown in China, as a date without a time.
		d, _ := time.Parse(time.DateOnly, rosterDate(p.CredentialExpires))
		expires = &d
	}
	return rosterLine{cells: []string{*p.EmployeeNo, p.Name, unitPath, categoryLabels[string(p.Category)], p.Phone,
		p.CredentialNo, rosterDate(expires), p.Username}, expires: expires}
}

func writeRosterFile(w io.Writer, format string, lines []rosterLine) error {
	if format == RosterCSV {
		return writeRosterCSV(w, lines)
	}
	return writeRosterXLSX(w, lines)
}

func rosterHeaderRow() []string {
	h := make([]string, len(rosterColumns))
	for i, c := range rosterColumns {
		h[i] = c.header
	}
	return h
}

// writeRosterCSV writes UTF-8 with a byte order mark: without it Chinese Excel reads the file as GBK
// and shows garbage.
func writeRosterCSV(w io.Writer, lines []rosterLine) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("writing roster CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(rosterHeaderRow()); err != nil {
		return fmt.Errorf("writing roster CSV: %w", err)
	}
	row := make([]string, len(rosterColumns))
	for _, l := range lines {
		row = row[:0]
		for _, c := range l.cells {
			row = append(row, CSVSafe(c))
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("writing roster CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing roster CSV: %w", err)
	}
	return nil
}

// writeRosterXLSX streams the sheet (memory stays flat for large rosters) with a frozen header row;
// the expiry is a date cell, every other cell text, so employee numbers keep their leading zeros.
func writeRosterXLSX(w io.Writer, lines []rosterLine) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "花名册"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("naming roster sheet: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("starting roster sheet: %w", err)
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("making roster header style: %w", err)
	}
	dateFmt := "yyyy-mm-dd"
	date, err := x.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return fmt.Errorf("making roster date style: %w", err)
	}
	text, err := x.NewStyle(&excelize.Style{NumFmt: 49}) // "@": Excel keeps edited numbers as text
	if err != nil {
		return fmt.Errorf("making roster text style: %w", err)
	}
	widths := []float64{12, 10, 36, 10, 14, 16, 14, 14}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return fmt.Errorf("setting roster column width: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("freezing roster header: %w", err)
	}
	header := make([]any, len(rosterColumns))
	for i, h := range rosterHeaderRow() {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return fmt.Errorf("writing roster header: %w", err)
	}
	expiresCol := 6 // index of 执法证有效期 in rosterColumns
	for n, l := range lines {
		row := make([]any, len(l.cells))
		for i, c := range l.cells {
			row[i] = excelize.Cell{StyleID: text, Value: c}
		}
		if l.expires != nil {
			row[expiresCol] = excelize.Cell{StyleID: date, Value: *l.expires}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("writing roster row %d: %w", n+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("finishing roster sheet: %w", err)
	}
	if err := x.Write(w); err != nil {
		return fmt.Errorf("writing roster XLSX: %w", err)
	}
	return nil
}
