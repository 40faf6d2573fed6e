package accounts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"peixun/ent"
	"peixun/ent/person"
	"peixun/fault"
)

// rosterPlan is what an import will write: computed from the file and two bulk reads (all units,
// and the people), never one query per row.
type rosterPlan struct {
	preview RosterPreview
	units   []*plannedUnit // parents first
	creates []*plannedPerson
	updates []*plannedPerson
	index   *unitIndex
}

// rosterValues are one row's cleaned values.
type rosterValues struct {
	employeeNo, name, username, unit, category, phone, credentialNo string
	expires                                                         *time.Time
}

// plannedPerson is a valid row that creates or updates a person.
type plannedPerson struct {
	row     int
	v       rosterValues
	old     *ent.Person // nil for a new person
	unitID  int         // existing unit, or 0 when newUnit is set
	newUnit *plannedUnit
	changes []string
}

// unit is the id of the person's unit, once planned units exist.
func (pp *plannedPerson) unit() int {
	if pp.newUnit != nil {
		return pp.newUnit.created.ID
	}
	return pp.unitID
}

type rosterPlanner struct {
	actor        Actor
	file         *rosterFile
	units        *unitIndex
	byEmployeeNo map[string]*ent.Person
	byUsername   map[string]int // username → person id
	seenEmpNo    map[string]int // employee number → first row using it in the file
	seenUsername map[string]int // username → first row using it in the file
	newUnits     map[string]*plannedUnit
	plan         *rosterPlan
}

// planRoster checks every row against the database as read through c (the import's transaction, or
// the plain client for a preview).
func planRoster(ctx context.Context, c *ent.Client, actor Actor, fileName string, f *rosterFile) (*rosterPlan, error) {
	ix, err := loadUnitIndex(ctx, c)
	if err != nil {
		return nil, err
	}
	people, err := c.Person.Query().Select(person.FieldUsername, person.FieldName, person.FieldEmployeeNo,
		person.FieldPhone, person.FieldUnitID, person.FieldCategory, person.FieldCredentialNo,
		person.FieldCredentialExpires).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading people for the roster: %w", err)
	}
	p := &rosterPlanner{
		actor: actor, file: f, units: ix,
		byEmployeeNo: make(map[string]*ent.Person, len(people)), byUsername: make(map[string]int, len(people)),
		seenEmpNo: make(map[string]int, len(f.records)), seenUsername: make(map[string]int, len(f.records)),
		newUnits: map[string]*plannedUnit{},
		plan:     &rosterPlan{index: ix, preview: RosterPreview{FileName: fileName, Rows: make([]RosterRow, 0, len(f.records))}},
	}
	for _, pe := range people {
		if pe.EmployeeNo != nil {
			p.byEmployeeNo[*pe.EmployeeNo] = pe
		}
		p.byUsername[pe.Username] = pe.ID
	}
	for _, rec := range f.records {
		p.planRow(rec)
	}
	return p.plan, nil
}

// planRow checks one row, collecting every problem rather than stopping at the first, and plans its
// action when there is none.
func (p *rosterPlanner) planRow(rec rosterRecord) {
	f := p.file
	var problems []RosterProblem
	add := func(value string, fe *fault.Error) {
		problems = append(problems, RosterProblem{Row: rec.row, Column: f.column(fe.Field), Field: fe.Field,
			Value: value, Code: fe.Code, Args: fe.Args})
	}
	v := rosterValues{
		employeeNo: f.cell(rec, "employee_no"), name: f.cell(rec, "name"), unit: f.cell(rec, "unit"),
		phone: f.cell(rec, "phone"), credentialNo: f.cell(rec, "credential_no"),
	}
	first, empDup := p.seenEmpNo[v.employeeNo]
	switch {
	case v.employeeNo == "":
		add("", fault.Field("employee_no", "field.required"))
	case len(v.employeeNo) > 32:
		add(v.employeeNo, fault.Field("employee_no", "field.too_long", "max", 32))
	case empDup:
		add(v.employeeNo, fault.Field("employee_no", "roster.employee_no_duplicate", "first_row", first))
	default:
		p.seenEmpNo[v.employeeNo] = rec.row
	}
	if err := ValidateName(v.name); err != nil {
		if fe, ok := fault.As(err); ok {
			add(v.name, fe)
		}
	}
	if c := f.cell(rec, "category"); c != "" {
		var ok bool
		if v.category, ok = parseCategory(c); !ok {
			add(c, fault.Field("category", "roster.category_unknown", "value", c))
		}
	}
	if v.phone != "" && !phoneRe.MatchString(v.phone) {
		add(v.phone, fault.Field("phone", "person.phone_format"))
	}
	if len(v.credentialNo) > 64 {
		add(v.credentialNo, fault.Field("credential_no", "field.too_long", "max", 64))
	}
	if d := f.cell(rec, "credential_expires"); d != "" {
		var ok bool
		if v.expires, ok = parseRosterDate(d, f.xlsx); !ok {
			add(d, fault.Field("credential_expires", "roster.date_format", "value", d))
		}
	}
	target, code, args := p.units.resolveUnit(p.actor, v.unit)
	if code != "" {
		add(v.unit, fault.Field("unit", code, args...))
	}
	var old *ent.Person
	if v.employeeNo != "" {
		old = p.byEmployeeNo[v.employeeNo]
	}
	if old != nil && (p.units.byID[old.UnitID] == nil || !p.actor.Manages(p.units.byID[old.UnitID].Path)) {
		add(v.employeeNo, fault.Field("employee_no", "roster.person_out_of_scope", "value", v.employeeNo))
	}
	p.checkUsername(rec, f, &v, old, empDup, add)

	row := RosterRow{Row: rec.row, EmployeeNo: v.employeeNo, Name: v.name, Username: v.username, Unit: v.unit}
	if old != nil {
		row.PersonID = old.ID
	}
	if len(problems) > 0 {
		row.Action = RosterInvalid
		p.plan.preview.Invalid++
		p.plan.preview.Problems = append(p.plan.preview.Problems, problems...)
		p.plan.preview.Rows = append(p.plan.preview.Rows, row)
		return
	}
	pp := &plannedPerson{row: rec.row, v: v, old: old}
	if target.existing != nil {
		pp.unitID = target.existing.ID
	} else {
		pp.newUnit = p.planUnits(target)
	}
	switch {
	case old == nil:
		row.Action = RosterCreate
		p.plan.preview.Create++
		p.plan.creates = append(p.plan.creates, pp)
	default:
		if pp.changes = p.diff(old, pp); len(pp.changes) == 0 {
			row.Action = RosterUnchanged
			p.plan.preview.Unchanged++
		} else {
			row.Action, row.Changes = RosterUpdate, pp.changes
			p.plan.preview.Update++
			p.plan.updates = append(p.plan.updates, pp)
		}
	}
	p.plan.preview.Rows = append(p.plan.preview.Rows, row)
}

// checkUsername settles the row's username: the one given, else the existing person's, else "u" and
// the employee number; it must follow the username rules and belong to nobody else. A username made
// from a duplicate employee number is not reported again.
func (p *rosterPlanner) checkUsername(rec rosterRecord, f *rosterFile, v *rosterValues, old *ent.Person, empDup bool, add func(string, *fault.Error)) {
	v.username = strings.ToLower(f.cell(rec, "username"))
	switch {
	case v.username != "":
		if !usernameRe.MatchString(v.username) {
			add(v.username, fault.Field("username", "person.username_format"))
			return
		}
	case empDup:
		return
	case old != nil:
		v.username = old.Username
	case v.employeeNo != "":
		v.username = "u" + strings.ToLower(v.employeeNo)
		if !usernameRe.MatchString(v.username) {
			add(v.username, fault.Field("username", "roster.username_default_invalid", "value", v.username))
			return
		}
	default:
		return
	}
	if id, taken := p.byUsername[v.username]; taken && (old == nil || id != old.ID) {
		add(v.username, fault.Field("username", "person.username_taken", "value", v.username))
	}
	if first, dup := p.seenUsername[v.username]; dup {
		add(v.username, fault.Field("username", "roster.username_duplicate", "first_row", first))
	} else {
		p.seenUsername[v.username] = rec.row
	}
}

// diff lists the fields a row changes. A column the file lacks, or an empty category, leaves the
// field as it is; dates compare as the calendar day shown in China.
func (p *rosterPlanner) diff(old *ent.Person, pp *plannedPerson) []string {
	f, v := p.file, pp.v
	var changes []string
	add := func(changed bool, field string) {
		if changed {
			changes = append(changes, field)
		}
	}
	add(v.name != old.Name, "name")
	add(v.username != old.Username, "username")
	add(pp.newUnit != nil || pp.unitID != old.UnitID, "unit")
	add(v.category != "" && v.category != string(old.Category), "category")
	add(f.has("phone") && v.phone != old.Phone, "phone")
	add(f.has("credential_no") && v.credentialNo != old.CredentialNo, "credential_no")
	add(f.has("credential_expires") && rosterDate(v.expires) != rosterDate(old.CredentialExpires), "credential_expires")
	return changes
}
