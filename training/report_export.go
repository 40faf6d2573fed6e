package training

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"peixun/accounts"
	"peixun/ent"
	"peixun/fault"
)

// Export formats.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

// ExportHeaders are the columns of the people sheets and of the CSV, in Chinese: the file goes to
// superiors and into their spreadsheets.
var ExportHeaders = []string{"培训项目", "单位", "姓名", "工号", "用户名", "人员类别", "状态", "完成进度(%)", "完成时间", "免训原因"}

// SummaryHeaders are the columns of the units sheet of the XLSX.
var SummaryHeaders = []string{"培训项目", "单位", "应训人数", "已完成", "免训", "逾期", "完成率(%)", "应达进度(%)", "目标(%)", "进度状态"}

var exportWidths = []float64{28, 22, 10, 12, 12, 10, 8, 12, 18, 24}
var summaryWidths = []float64{28, 28, 10, 10, 8, 8, 11, 12, 9, 10}

// Chinese names of statuses, categories and pace colours in reports.
var (
	StatusNames   = map[string]string{"assigned": "未开始", "in_progress": "学习中", "completed": "已完成", "overdue": "已逾期", "exempt": "免训"}
	CategoryNames = map[string]string{"officer": "执法人员", "auxiliary": "协管员", "cadre": "领导干部", "staff": "工作人员"}
	PaceNames     = map[string]string{PaceGreen: "达到进度", PaceAmber: "略低于进度", PaceRed: "落后于进度", PaceNone: "—"}
)

// ExportQuery chooses an export: a program (0: every program of the scope), a unit of the scope
// (0: all of it) and the format.
type ExportQuery struct {
	ProgramID int
	UnitID    int
	Format    string
}

// Export is a checked export, ready to be written: checking first lets the HTTP layer refuse bad
// input with a 4xx before it starts the download.
type Export struct {
	s        *Service
	ru       *reportUnits
	programs []*ent.Program
	format   string
	now      time.Time
}

// NewExport checks an export's input and the actor's right to it.
func (s *Service) NewExport(ctx context.Context, actor accounts.Actor, q ExportQuery) (*Export, error) {
	if q.Format != FormatXLSX && q.Format != FormatCSV {
		return nil, fault.Field("format", "reports.format_unknown")
	}
	ru, err := s.loadReportUnits(ctx, actor, q.UnitID)
	if err != nil {
		return nil, err
	}
	ps, err := s.reportPrograms(ctx, actor)
	if err != nil {
		return nil, err
	}
	if q.ProgramID != 0 {
		var one []*ent.Program
		for _, p := range ps {
			if p.ID == q.ProgramID {
				one = append(one, p)
			}
		}
		if len(one) == 0 {
			return nil, fault.NotFoundf("program")
		}
		ps = one
	}
	return &Export{s: s, ru: ru, programs: ps, format: q.Format, now: s.clock()}, nil
}

// FileName is the download's name: the program (or 培训完成情况), the unit and the day.
func (x *Export) FileName() string {
	name := "培训完成情况"
	if len(x.programs) == 1 {
		name = x.programs[0].Name
	}
	if x.ru.focus != nil {
		name += "-" + x.ru.focus.Name
	}
	return safeFileName(name) + "-" + x.now.In(Shanghai).Format("20060102") + "." + x.format
}

// Format is the export's format.
func (x *Export) Format() string { return x.format }

func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|[]`, r) || r < ' ' {
			return '_'
		}
		return r
	}, s)
}

// Write writes the export to w: each program's people are read and put in order, then written as
// CSV row by row, or through excelize's StreamWriter (which keeps the sheet's rows in a temporary
// file rather than in memory) into an XLSX whose zip leaves as it is compressed.
func (x *Export) Write(ctx context.Context, w io.Writer) error {
	if x.format == FormatCSV {
		return x.writeCSV(ctx, w)
	}
	return x.writeXLSX(ctx, w)
}

// writeCSV writes UTF-8 with a byte order mark: without it Chinese Excel reads the file as GBK.
// One record is reused for every row, and the texts that repeat (program, unit) are made safe
// once: the file has a hundred thousand rows.
func (x *Export) writeCSV(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return fmt.Errorf("writing CSV export: %w", err)
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write(ExportHeaders); err != nil {
		return fmt.Errorf("writing CSV export: %w", err)
	}
	units := make([]string, len(x.ru.all))
	for i, u := range x.ru.all {
		units[i] = accounts.CSVSafe(u.Name)
	}
	rec := make([]string, len(ExportHeaders))
	for _, p := range x.programs {
		rec[0] = accounts.CSVSafe(p.Name)
		err := x.eachPerson(ctx, p, func(r *exportRow) error {
			rec[1], rec[2], rec[3], rec[4] = units[r.unit], accounts.CSVSafe(r.name), accounts.CSVSafe(r.employeeNo), r.username
			rec[5], rec[6] = r.category, r.status
			rec[7] = strconv.FormatFloat(r.progress, 'f', 1, 64)
			rec[8] = ""
			if !r.completedAt.IsZero() {
				rec[8] = r.completedAt.In(Shanghai).Format("2006-01-02 15:04")
			}
			rec[9] = accounts.CSVSafe(r.reason)
			return cw.Write(rec)
		})
		if err != nil {
			return fmt.Errorf("writing CSV export: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing CSV export: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing CSV export: %w", err)
	}
	return nil
}

// sheetName makes a valid, unique sheet name (at most 31 characters, none of []:*?/\).
func sheetName(name string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, name)
	rs := []rune(name)
	if len(rs) > 28 {
		rs = rs[:28]
	}
	out := string(rs)
	for i := 2; used[out]; i++ {
		out = string(rs) + "(" + strconv.Itoa(i) + ")"
	}
	used[out] = true
	return out
}

type xlsxStyles struct{ bold, pct, text, date int }

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	if st.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF2F7"}}}); err != nil {
		return st, err
	}
	if st.pct, err = f.NewStyle(&excelize.Style{NumFmt: 2}); err != nil { // 0.00
		return st, err
	}
	if st.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil { // "@": employee numbers stay text
		return st, err
	}
	dateFmt := "yyyy-mm-dd hh:mm"
	st.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	return st, err
}

// startSheet opens a streamed sheet with column widths, a bold frozen header row.
func startSheet(f *excelize.File, name string, headers []string, widths []float64, bold int) (*excelize.StreamWriter, error) {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	row := make([]any, len(headers))
	for i, h := range headers {
		row[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	return sw, sw.SetRow("A1", row)
}

// writeXLSX writes a units sheet (every program, unit by unit, with totals) and one people sheet per
// program.
func (x *Export) writeXLSX(ctx context.Context, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		return fmt.Errorf("making export styles: %w", err)
	}
	used := map[string]bool{}
	summary := sheetName("单位统计", used)
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return err
	}
	sw, err := startSheet(f, summary, SummaryHeaders, summaryWidths, st.bold)
	if err != nil {
		return fmt.Errorf("starting units sheet: %w", err)
	}
	n := 2
	for _, p := range x.programs {
		direct, err := x.s.directFigures(ctx, []int{p.ID}, x.ru)
		if err != nil {
			return err
		}
		exp := ExpectedRate(p, x.now)
		lines, total := unitLines(x.ru, direct[p.ID], exp)
		for _, l := range append(lines, ReportUnit{Name: "合计", Subtree: total, Rate: total.Rate(), Pace: PaceOf(total, exp)}) {
			cell, _ := excelize.CoordinatesToCellName(1, n)
			row := []any{p.Name, strings.Repeat("  ", max(l.Depth, 0)) + l.Name, l.Subtree.InScope, l.Subtree.Completed,
				l.Subtree.Exempt, l.Subtree.Overdue, excelize.Cell{StyleID: st.pct, Value: round2(l.Rate)},
				excelize.Cell{StyleID: st.pct, Value: round2(exp)}, p.TargetRate, PaceNames[l.Pace]}
			if err := sw.SetRow(cell, row); err != nil {
				return fmt.Errorf("writing units sheet: %w", err)
			}
			n++
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("finishing units sheet: %w", err)
	}
	for _, p := range x.programs {
		name := sheetName(p.Name, used)
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
		sw, err := startSheet(f, name, ExportHeaders, exportWidths, st.bold)
		if err != nil {
			return fmt.Errorf("starting sheet %s: %w", name, err)
		}
		// A hundred thousand rows: the row, the two styled cells and the values that repeat (program,
		// unit, category, status) are made once, so that a row allocates little besides its texts.
		n := 2
		row := make([]any, len(ExportHeaders))
		units := make([]any, len(x.ru.all))
		for i, u := range x.ru.all {
			units[i] = u.Name
		}
		labelCells := map[string]any{"": ""}
		for _, names := range []map[string]string{CategoryNames, StatusNames} {
			for _, v := range names {
				labelCells[v] = v
			}
		}
		var program any = p.Name
		employeeNo := &excelize.Cell{StyleID: st.text}
		completed := &excelize.Cell{StyleID: st.date}
		err = x.eachPerson(ctx, p, func(r *exportRow) error {
			employeeNo.Value = r.employeeNo
			row[0], row[1], row[2], row[3] = program, units[r.unit], r.name, employeeNo
			row[4], row[5], row[6] = r.username, labelCells[r.category], labelCells[r.status]
			row[7] = round2(r.progress)
			row[8] = nil
			if !r.completedAt.IsZero() {
				// Excel has no time zones: write the Shanghai wall clock.
				t := r.completedAt.In(Shanghai)
				completed.Value = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
				row[8] = completed
			}
			row[9] = r.reason
			cell, _ := excelize.CoordinatesToCellName(1, n)
			n++
			return sw.SetRow(cell, row)
		})
		if err != nil {
			return fmt.Errorf("writing sheet %s: %w", name, err)
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("finishing sheet %s: %w", name, err)
		}
	}
	return writeZipped(f, w)
}

// writeZipped writes the workbook to w as it is compressed. File.Write would build the whole zip in
// a buffer first (4.4 MB for 100,000 people, a third of a second of compression), so the file's
// first byte would leave only after its last one was made. The zip writer set here writes straight
// to w instead and leaves excelize's buffer empty; the zip64 fix-up excelize applies to that
// buffer only concerns parts over 4 GB, which an export never has.
func writeZipped(f *excelize.File, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	zw := zip.NewWriter(bw)
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zw })
	buf, err := f.WriteToBuffer() // closes zw
	if err != nil {
		return fmt.Errorf("writing XLSX export: %w", err)
	}
	if buf.Len() != 0 {
		return fmt.Errorf("writing XLSX export: %d bytes left in excelize's buffer", buf.Len())
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing XLSX export: %w", err)
	}
	return nil
}

func round2(v float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 2, 64), 64)
	return r
}
