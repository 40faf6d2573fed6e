package accounts

import (
	"strings"
	"time"
)

// The planned action of a roster row.
const (
	RosterCreate    = "create"    // a new person
	RosterUpdate    = "update"    // an existing person (matched on employee number) whose details change
	RosterUnchanged = "unchanged" // an existing person the file describes exactly
	RosterInvalid   = "invalid"   // a row with problems: refused, or skipped when importing valid rows only
)

// RosterProblem is one thing wrong with a roster file. Row is numbered as the user sees it in the
// spreadsheet (the header is row 1; 0 means the whole file); Column is the header as written in the
// file, so that the user can find the cell. Code and Args are a message key and its placeholders for
// the locale files, as in fault.Error.
type RosterProblem struct {
	Row    int
	Column string
	Field  string // canonical column: employee_no, name, unit, category, phone, credential_no, credential_expires, username
	Value  string
	Code   string
	Args   map[string]any
}

// RosterRow is the plan for one data row of a roster file.
type RosterRow struct {
	Row        int
	EmployeeNo string
	Name       string
	Username   string
	Unit       string   // unit path of names, "余杭区交通运输局/良渚中队"
	Action     string   // RosterCreate, RosterUpdate, RosterUnchanged or RosterInvalid
	Changes    []string // for RosterUpdate: the canonical names of the fields that change
	PersonID   int      // the person matched on employee number; 0 for a new person
}

// RosterPreview is what an import would do, computed without writing anything.
type RosterPreview struct {
	FileName  string
	Rows      []RosterRow
	Problems  []RosterProblem // every problem of every row, in row order
	NewUnits  []string        // unit paths of names that the import creates, parents first
	Create    int
	Update    int
	Unchanged int
	Invalid   int
}

// OK tells whether the file can be imported as a whole.
func (p *RosterPreview) OK() bool { return len(p.Problems) == 0 }

// RosterResult counts what an import did.
type RosterResult struct {
	Created      int
	Updated      int
	Unchanged    int
	Skipped      int // bad rows left out when importing valid rows only
	UnitsCreated int
	Problems     []RosterProblem // the problems of the skipped (or, on refusal, of the offending) rows
}

// rosterColumn is one column of the roster file. The Chinese header is what exports and templates
// write; the field name and the aliases are accepted too, because people keep their own spreadsheets.
type rosterColumn struct {
	field    string
	header   string
	aliases  []string
	required bool // the column must be present and every row must fill it
}

// rosterColumns in the order exports and templates write them.
var rosterColumns = []rosterColumn{
	{"employee_no", "工号", []string{"employee number", "员工编号", "人员编号"}, true},
	{"name", "姓名", []string{"名字"}, true},
	{"unit", "单位", []string{"unit path", "所属单位", "单位路径"}, true},
	{"category", "类别", []string{"人员类别"}, false},
	{"phone", "手机", []string{"mobile", "手机号", "手机号码"}, false},
	{"credential_no", "执法证号", []string{"credential number", "执法证编号"}, false},
	{"credential_expires", "执法证有效期", []string{"credential expiry", "有效期", "执法证有效期至"}, false},
	{"username", "用户名", []string{"user name", "账号"}, false},
}

// headerKey normalises a header so that "Employee No", "employee_no" and "EMPLOYEE-NO" match.
func headerKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	return strings.NewReplacer(" ", "", "_", "", "-", "", "　", "").Replace(h)
}

// rosterHeaders maps every accepted header (normalised) to its field.
var rosterHeaders = func() map[string]string {
	m := map[string]string{}
	for _, c := range rosterColumns {
		m[headerKey(c.field)] = c.field
		m[headerKey(c.header)] = c.field
		for _, a := range c.aliases {
			m[headerKey(a)] = c.field
		}
	}
	return m
}()

// columnHeader is the Chinese header of a field, for problems about a column the file lacks.
func columnHeader(field string) string {
	for _, c := range rosterColumns {
		if c.field == field {
			return c.header
		}
	}
	return field
}

// categoryLabels are the Chinese names of the categories, as the work plan and the files use them.
var categoryLabels = map[string]string{
	"officer":   "执法人员",
	"auxiliary": "协管员",
	"cadre":     "领导干部",
	"staff":     "工作人员",
}

// parseCategory accepts the Chinese label or the English value of a category.
func parseCategory(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for value, label := range categoryLabels {
		if s == label || strings.EqualFold(s, value) {
			return value, true
		}
	}
	return "", false
}

// china is the time zone dates are shown in. China keeps no daylight saving time, so a fixed zone is
// exact and needs no time zone database in minimal containers.
var china = time.FixedZone("CST", 8*3600)

// rosterDate formats a credential expiry as the date people in China see.
func rosterDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(china).Format(time.DateOnly)
}
