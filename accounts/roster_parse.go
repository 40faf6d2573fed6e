package accounts

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"peixun/fault"
)

// Limits that keep one upload from exhausting memory: a roster of a whole bureau is far smaller.
const (
	maxRosterBytes = 32 << 20
	maxRosterRows  = 50000
)

// rosterRecord is one non-blank data row and its number in the spreadsheet.
type rosterRecord struct {
	row   int
	cells []string
}

// rosterFile is a parsed roster: which column holds which field, and the data rows.
type rosterFile struct {
	col     map[string]int    // field → index of its column
	header  map[string]string // field → header as written in the file
	records []rosterRecord
	xlsx    bool // numbers in date columns are Excel date serials
}

// has tells whether the file has a column for the field.
func (f *rosterFile) has(field string) bool { _, ok := f.col[field]; return ok }

// cell is the trimmed value of a field in a record, "" when the column or the cell is missing.
func (f *rosterFile) cell(rec rosterRecord, field string) string {
	i, ok := f.col[field]
	if !ok || i >= len(rec.cells) {
		return ""
	}
	return strings.TrimSpace(rec.cells[i])
}

// column is the header to show in a problem about a field.
func (f *rosterFile) column(field string) string {
	if h, ok := f.header[field]; ok {
		return h
	}
	return columnHeader(field)
}

// readRoster parses an uploaded roster: XLSX (first sheet) or CSV. The content decides, not the
// name, because browsers and users rename files; the name only tells a CSV from a wrong upload.
func readRoster(fileName string, r io.Reader) (*rosterFile, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRosterBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading roster file %q: %w", fileName, err)
	}
	if len(data) > maxRosterBytes {
		return nil, fault.Field("file", "roster.file_too_large", "max_mb", maxRosterBytes>>20)
	}
	var rows []rosterRecord
	xlsx := false
	ext := strings.ToLower(filepath.Ext(fileName))
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		xlsx = true
		rows, err = readXLSX(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, fault.Field("file", "roster.xls_unsupported")
	case ext == ".csv" || ext == ".txt" || ext == "":
		rows, err = readCSV(data)
	default:
		return nil, fault.Field("file", "roster.format_unknown", "name", fileName)
	}
	if err != nil {
		return nil, err
	}
	return splitHeader(rows, xlsx)
}

// splitHeader takes the first non-blank row as the header and checks the required columns.
func splitHeader(rows []rosterRecord, xlsx bool) (*rosterFile, error) {
	if len(rows) == 0 {
		return nil, fault.Field("file", "roster.empty")
	}
	f := &rosterFile{col: map[string]int{}, header: map[string]string{}, records: rows[1:], xlsx: xlsx}
	for i, h := range rows[0].cells {
		field, ok := rosterHeaders[headerKey(h)]
		if !ok {
			continue // extra columns (remarks, sequence numbers) are common and harmless
		}
		if _, dup := f.col[field]; dup {
			return nil, fault.Field("file", "roster.column_duplicate", "column", strings.TrimSpace(h))
		}
		f.col[field] = i
		f.header[field] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
	}
	for _, c := range rosterColumns {
		if c.required && !f.has(c.field) {
			return nil, fault.Field("file", "roster.column_missing", "column", c.header)
		}
	}
	if len(f.records) == 0 {
		return nil, fault.Field("file", "roster.empty")
	}
	if len(f.records) > maxRosterRows {
		return nil, fault.Field("file", "roster.too_many_rows", "max", maxRosterRows)
	}
	return f, nil
}

// readXLSX reads the first sheet with raw cell values, so that a date cell comes as its serial
// number rather than in whatever display format the sheet chose.
func readXLSX(data []byte) ([]rosterRecord, error) {
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fault.Field("file", "roster.file_unreadable").Because(err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) == 0 {
		return nil, fault.Field("file", "roster.empty")
	}
	it, err := x.Rows(sheets[0])
	if err != nil {
		return nil, fault.Field("file", "roster.file_unreadable").Because(err)
	}
	defer it.Close()
	var out []rosterRecord
	for n := 1; it.Next(); n++ { // Next steps one spreadsheet row at a time, gaps included
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fault.Field("file", "roster.file_unreadable").Because(err)
		}
		if !blank(cells) {
			out = append(out, rosterRecord{row: n, cells: cells})
		}
		if len(out) > maxRosterRows+1 {
			return nil, fault.Field("file", "roster.too_many_rows", "max", maxRosterRows)
		}
	}
	if err := it.Error(); err != nil {
		return nil, fault.Field("file", "roster.file_unreadable").Because(err)
	}
	return out, nil
}

// readCSV decodes the text and reads its records. Row numbers follow what a spreadsheet program
// shows: blank lines count as rows, line breaks inside quoted cells do not.
func readCSV(data []byte) ([]rosterRecord, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, fault.Field("file", "roster.file_unreadable").Because(err)
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = sniffDelimiter(text)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var out []rosterRecord
	embedded := 0 // line breaks inside quoted cells so far
	for {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fault.Field("file", "roster.csv_malformed", "line", pe.Line).Because(err)
			}
			return nil, fmt.Errorf("reading CSV roster: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if !blank(cells) {
			out = append(out, rosterRecord{row: line - embedded, cells: cells})
		}
		for i, c := range cells {
			embedded += strings.Count(c, "\n")
			cells[i] = csvUnsafe(c) // our exports guard formula-like cells with an apostrophe
		}
		if len(out) > maxRosterRows+1 {
			return nil, fault.Field("file", "roster.too_many_rows", "max", maxRosterRows)
		}
	}
	return out, nil
}

// decodeText turns the file into UTF-8: a UTF-8 or UTF-16 byte order mark decides; otherwise valid
// UTF-8 is taken as it is and anything else is read as GB18030 (a superset of GBK and GB2312, what
// Chinese Excel writes when saving CSV).
func decodeText(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
	case utf8.Valid(data):
		return data, nil
	}
	return simplifiedchinese.GB18030.NewDecoder().Bytes(data)
}

// sniffDelimiter picks the separator the first line uses most: Excel writes commas, or tabs for
// "Unicode text", and semicolons in some locales.
func sniffDelimiter(text []byte) rune {
	first, _, _ := bytes.Cut(text, []byte("\n"))
	best, n := ',', bytes.Count(first, []byte(","))
	for _, d := range []rune{'\t', ';'} {
		if c := bytes.Count(first, []byte(string(d))); c > n {
			best, n = d, c
		}
	}
	return best
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

var dateLayouts = []string{"2006-01-02", "2006/01/02", "2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日"}

// parseRosterDate reads a credential expiry: YYYY-MM-DD, YYYY/MM/DD (with or without a time after
// it) or, in XLSX files, an Excel date serial. The date is stored at midnight UTC, which is the same
// calendar day in UTC and in China.
func parseRosterDate(s string, xlsx bool) (*time.Time, bool) {
	if s == "" {
		return nil, true
	}
	if xlsx {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			if v < 1 || v > 2958465 { // 1900-01-01 .. 9999-12-31
				return nil, false
			}
			t, err := excelize.ExcelDateToTime(v, false)
			if err != nil {
				return nil, false
			}
			d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			return &d, true
		}
	}
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return &t, true
		}
	}
	return nil, false
}
