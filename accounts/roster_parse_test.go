package accounts

import (
	"bytes"
	"slices"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

func TestRosterReadCSV(t *testing.T) {
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("工号\t姓名\t单位\nA1\t甲\t局\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    []byte
		rows    []int    // spreadsheet row of each record
		names   []string // the name column of each record
		hasUser bool
	}{
		{"english headers", []byte("Employee No,name,UNIT,username\nA1,甲,局,x1\nA2,乙,局,x2\n"), []int{2, 3}, []string{"甲", "乙"}, true},
		{"blank lines count as rows", []byte("工号,姓名,单位\n\nA1,甲,局\n,,\nA2,乙,局\n"), []int{3, 5}, []string{"甲", "乙"}, false},
		{"line break inside a cell", []byte("工号,姓名,单位,备注\nA1,甲,局,\"两\n行\"\nA2,乙,局,\n"), []int{2, 3}, []string{"甲", "乙"}, false},
		{"tabs and extra columns", []byte("序号\t工号\t姓名\t单位\n1\tA1\t甲\t局\n"), []int{2}, []string{"甲"}, false},
		{"utf-16 unicode text", utf16, []int{2}, []string{"甲"}, false},
		{"crlf", []byte("工号,姓名,单位\r\nA1,甲,局\r\n\r\nA2,乙,局\r\n"), []int{2, 4}, []string{"甲", "乙"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := readRoster("r.csv", bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			var rows []int
			var names []string
			for _, r := range f.records {
				rows = append(rows, r.row)
				names = append(names, f.cell(r, "name"))
			}
			if !slices.Equal(rows, tc.rows) || !slices.Equal(names, tc.names) || f.has("username") != tc.hasUser {
				t.Errorf("rows %v names %q username column %v", rows, names, f.has("username"))
			}
		})
	}
}

func TestRosterReadRefusals(t *testing.T) {
	tests := []struct {
		name, file string
		data       []byte
		code       string
	}{
		{"no unit column", "r.csv", []byte("工号,姓名\nA1,甲\n"), "roster.column_missing"},
		{"header only", "r.csv", []byte("工号,姓名,单位\n"), "roster.empty"},
		{"empty", "r.csv", nil, "roster.empty"},
		{"same column twice", "r.csv", []byte("工号,姓名,单位,name\nA1,甲,局,乙\n"), "roster.column_duplicate"},
		{"old excel", "r.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0, 0}, "roster.xls_unsupported"},
		{"not a roster", "r.pdf", []byte("%PDF-1.4"), "roster.format_unknown"},
		{"broken xlsx", "r.xlsx", []byte("PK\x03\x04broken"), "roster.file_unreadable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readRoster(tc.file, bytes.NewReader(tc.data))
			if f, ok := faultOf(err); !ok || f != tc.code {
				t.Errorf("error %v, want %s", err, tc.code)
			}
		})
	}
}

func TestRosterDates(t *testing.T) {
	tests := []struct {
		in   string
		xlsx bool
		want string // "" for none, "bad" for refused
	}{
		{"2027-06-30", false, "2027-06-30"},
		{"2027/6/3", false, "2027-06-03"},
		{"2027-06-30 00:00:00", false, "2027-06-30"},
		{"2027年6月30日", false, "2027-06-30"},
		{"46568", true, "2027-06-30"},
		{"46568", false, "bad"},
		{"2027-02-30", false, "bad"},
		{"明年", false, "bad"},
		{"", false, ""},
	}
	for _, tc := range tests {
		d, ok := parseRosterDate(tc.in, tc.xlsx)
		got := rosterDate(d)
		if !ok {
			got = "bad"
		}
		if got != tc.want {
			t.Errorf("parseRosterDate(%q, %v) = %q, want %q", tc.in, tc.xlsx, got, tc.want)
		}
	}
}
