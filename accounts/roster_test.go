package accounts

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"peixun/ent/person"
	"peixun/fault"
)

func TestRosterImportGoodFile(t *testing.T) {
	xlsxRows := anyRows(goodRows)
	xlsxRows[3][6] = time.Date(2028, 1, 15, 0, 0, 0, 0, time.UTC) // a real Excel date cell
	tests := []struct {
		name, file string
		data       func(t *testing.T) []byte
	}{
		{"xlsx", "名册.xlsx", func(t *testing.T) []byte { return xlsxFile(t, xlsxRows) }},
		{"csv with BOM", "名册.csv", func(t *testing.T) []byte { return csvFile(t, goodRows, true) }},
		{"csv without BOM", "roster.csv", func(t *testing.T) []byte { return csvFile(t, goodRows, false) }},
		{"gb18030 csv", "名册.csv", func(t *testing.T) []byte {
			b, err := simplifiedchinese.GB18030.NewEncoder().Bytes(csvFile(t, goodRows, false))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fx := newRosterFixture(t)
			ctx := context.Background()
			data := tc.data(t)
			pv, err := fx.svc.PreviewRoster(ctx, fx.admin, tc.file, bytes.NewReader(data))
			if err != nil {
				t.Fatalf("preview: %v", err)
			}
			if !pv.OK() || pv.Create != 3 || !slices.Equal(pv.NewUnits, []string{pathLZ + "/良渚中队一分队"}) {
				t.Fatalf("preview = %+v", pv)
			}
			if n := fx.count(t, "persons"); n != 0 {
				t.Fatalf("preview wrote %d people", n)
			}
			res, err := fx.svc.ApplyRoster(ctx, fx.admin, tc.file, bytes.NewReader(data), false)
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if res.Created != 3 || res.Updated != 0 || res.UnitsCreated != 1 || res.Skipped != 0 {
				t.Fatalf("result = %+v", res)
			}
			p := fx.person(t, "YH1001")
			if p.Name != "王小明" || p.Username != "uyh1001" || p.Category != person.CategoryOfficer ||
				p.Edges.Unit.ID != fx.units["良渚中队"].ID || p.Phone != "13900000001" || p.CredentialNo != "浙交执330001" ||
				rosterDate(p.CredentialExpires) != "2027-06-30" || p.PasswordHash != "" || !slices.Equal(p.Roles, []string{RoleLearner}) {
				t.Errorf("YH1001 imported as %+v", p)
			}
			if p := fx.person(t, "YH1002"); p.Category != person.CategoryAuxiliary || p.CredentialExpires != nil {
				t.Errorf("YH1002 imported as %+v", p)
			}
			p = fx.person(t, "YH1003")
			if p.Edges.Unit.Name != "良渚中队一分队" || p.Edges.Unit.Path != ChildPath(fx.units["良渚中队"].Path, p.Edges.Unit.ID) ||
				p.Category != person.CategoryCadre || rosterDate(p.CredentialExpires) != "2028-01-15" {
				t.Errorf("YH1003 imported as %+v in unit %+v", p, p.Edges.Unit)
			}
			if n := fx.count(t, "audit_events WHERE action = 'roster.import'"); n != 1 {
				t.Errorf("%d audit events for one import, want 1", n)
			}
		})
	}
}

func TestRosterBadRows(t *testing.T) {
	fx := newRosterFixture(t)
	ctx := context.Background()
	if _, err := fx.svc.CreatePerson(ctx, fx.admin, PersonInput{Username: "taken", Name: "占用", UnitID: fx.units["余杭中队"].ID}); err != nil {
		t.Fatal(err)
	}
	rows := [][]string{
		append(append([]string{}, rosterHeaderZH...), "用户名"),
		{"YH1", "好人", pathLZ, "执法人员", "", "", "", ""},        // row 2: fine
		{"", "无工号", pathLZ, "", "", "", "", ""},              // row 3
		{"YH3", "错类别", pathLZ, "司机", "", "", "", ""},         // row 4
		{"YH4", "错日期", pathLZ, "", "", "", "2027-13-01", ""}, // row 5
		{"YH5", "错手机", pathLZ, "", "电话号码", "", "", ""},       // row 6
		{"YH6", "王\U00020000", pathLZ, "", "", "", "", ""},   // row 7: beyond U+FFFF
		{"YH1", "重复", pathLZ, "", "", "", "", ""},            // row 8: employee number of row 2
		{"YH9", "占名", pathLZ, "", "", "", "", "Taken"},       // row 9: username of someone else
		{"YH10", "", "", "", "", "", "", ""},                 // row 10: no name, no unit
	}
	data := csvFile(t, rows, true)
	pv, err := fx.svc.PreviewRoster(ctx, fx.admin, "bad.csv", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"3/工号/field.required",
		"4/类别/roster.category_unknown",
		"5/执法证有效期/roster.date_format",
		"6/手机/person.phone_format",
		"7/姓名/person.name_unsupported_char",
		"8/工号/roster.employee_no_duplicate",
		"9/用户名/person.username_taken",
		"10/姓名/field.required",
		"10/单位/field.required",
	}
	if got := problemKeys(pv.Problems); !slices.Equal(got, want) {
		t.Errorf("problems\n got %q\nwant %q", got, want)
	}
	if pv.Invalid != 8 || pv.Create != 1 {
		t.Errorf("preview counts: %d invalid, %d create", pv.Invalid, pv.Create)
	}
	people, units := fx.count(t, "persons"), fx.count(t, "units")
	res, err := fx.svc.ApplyRoster(ctx, fx.admin, "bad.csv", bytes.NewReader(data), false)
	if f, ok := fault.As(err); !ok || f.Code != "roster.has_problems" || f.Kind != fault.Invalid {
		t.Fatalf("apply error = %v, want roster.has_problems", err)
	}
	if len(res.Problems) != len(want) || res.Created != 0 {
		t.Errorf("refused result = %+v", res)
	}
	if fx.count(t, "persons") != people || fx.count(t, "units") != units || fx.count(t, "audit_events WHERE action = 'roster.import'") != 0 {
		t.Error("a refused import wrote something")
	}
}

func TestRosterValidOnly(t *testing.T) {
	fx := newRosterFixture(t)
	ctx := context.Background()
	rows := append(slices.Clone(goodRows),
		[]string{"YH2001", "坏单位", "不存在的局/某队", "执法人员", "", "", ""},   // fine for an admin: new units
		[]string{"YH1001", "重复", pathLZ, "执法人员", "", "", ""},        // duplicate
		[]string{"YH2003", "坏类别", pathLZ + "/新分队", "x", "", "", ""}, // bad: its new unit must not be created
	)
	res, err := fx.svc.ApplyRoster(ctx, fx.admin, "r.csv", bytes.NewReader(csvFile(t, rows, false)), true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 4 || res.Skipped != 2 || res.UnitsCreated != 3 || len(res.Problems) != 2 {
		t.Fatalf("result = %+v", res)
	}
	if got := problemKeys(res.Problems); !slices.Equal(got, []string{"6/工号/roster.employee_no_duplicate", "7/类别/roster.category_unknown"}) {
		t.Errorf("problems = %q", got)
	}
	if n := fx.count(t, "persons"); n != 4 {
		t.Errorf("%d people, want 4", n)
	}
	if n := fx.count(t, "units WHERE name = '新分队'"); n != 0 {
		t.Error("a skipped row's unit was created")
	}
}

func TestRosterReimport(t *testing.T) {
	fx := newRosterFixture(t)
	ctx := context.Background()
	data := xlsxFile(t, anyRows(goodRows))
	if _, err := fx.svc.ApplyRoster(ctx, fx.admin, "r.xlsx", bytes.NewReader(data), false); err != nil {
		t.Fatal(err)
	}
	before := fx.person(t, "YH1002")
	*fx.clock = fx.clock.Add(24 * time.Hour)
	res, err := fx.svc.ApplyRoster(ctx, fx.admin, "r.xlsx", bytes.NewReader(data), false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 0 || res.Updated != 0 || res.Unchanged != 3 || res.UnitsCreated != 0 {
		t.Fatalf("second import = %+v, want nothing changed", res)
	}
	if after := fx.person(t, "YH1002"); !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Error("an unchanged person was written")
	}

	// A changed file: a transfer, a new phone, a cleared expiry.
	changed := slices.Clone(goodRows)
	changed[2] = []string{"YH1002", "李协管", pathLZ, "协管员", "13900000099", "", ""}
	changed[1] = []string{"YH1001", "王小明", pathLZ, "执法人员", "13900000001", "浙交执330001", ""}
	changed[3] = []string{"YH1003", "赵新名", pathLZ + "/良渚中队一分队", "工作人员", "", "浙交执330003", "2028-01-15"}
	pv, err := fx.svc.PreviewRoster(ctx, fx.admin, "r.csv", bytes.NewReader(csvFile(t, changed, false)))
	if err != nil {
		t.Fatal(err)
	}
	wantChanges := map[string][]string{"YH1001": {"credential_expires"}, "YH1002": {"unit", "phone"}, "YH1003": {"name", "category"}}
	for _, r := range pv.Rows {
		if w, ok := wantChanges[r.EmployeeNo]; ok && (r.Action != RosterUpdate || !slices.Equal(r.Changes, w)) {
			t.Errorf("row %d: %s %v, want update %v", r.Row, r.Action, r.Changes, w)
		}
	}
	*fx.clock = fx.clock.Add(24 * time.Hour)
	if res, err = fx.svc.ApplyRoster(ctx, fx.admin, "r.csv", bytes.NewReader(csvFile(t, changed, false)), false); err != nil || res.Updated != 3 {
		t.Fatalf("apply changes = %+v, %v", res, err)
	}
	p := fx.person(t, "YH1002")
	if p.UnitID != fx.units["良渚中队"].ID || !p.UnitSince.Equal(*fx.clock) || p.Phone != "13900000099" ||
		p.Name != "李协管" || p.Category != person.CategoryAuxiliary || !p.UpdatedAt.Equal(*fx.clock) {
		t.Errorf("transfer: %+v", p)
	}
	if p := fx.person(t, "YH1003"); p.Name != "赵新名" || p.Category != person.CategoryStaff || p.Username != "uyh1003" ||
		rosterDate(p.CredentialExpires) != "2028-01-15" || p.CredentialNo != "浙交执330003" {
		t.Errorf("YH1003 after rename: %+v", p)
	}
	if p := fx.person(t, "YH1001"); p.CredentialExpires != nil || p.UnitSince.Equal(*fx.clock) {
		t.Errorf("YH1001: expiry %v, unit since %v", p.CredentialExpires, p.UnitSince)
	}
}

func TestRosterScope(t *testing.T) {
	fx := newRosterFixture(t)
	ctx := context.Background()
	if _, err := fx.svc.ApplyRoster(ctx, fx.admin, "r.csv", bytes.NewReader(csvFile(t, goodRows, false)), false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		row  []string
		want string // problem code, "" for none
	}{
		{"own unit", []string{"M1", "本队", pathLZ, "", "", "", ""}, ""},
		{"new unit below own", []string{"M2", "新分队", pathLZ + "/良渚中队三分队", "", "", "", ""}, ""},
		{"sibling unit", []string{"M3", "别队", pathYH, "", "", "", ""}, "roster.unit_out_of_scope"},
		{"parent unit", []string{"M4", "上级", pathTeam, "", "", "", ""}, "roster.unit_out_of_scope"},
		{"new unit elsewhere", []string{"M5", "别处", pathYH + "/新队", "", "", "", ""}, "roster.unit_out_of_scope"},
		{"new root", []string{"M6", "新局", "新局", "", "", "", ""}, "roster.unit_out_of_scope"},
		{"person of another unit", []string{"YH1002", "李协管", pathLZ, "", "", "", ""}, "roster.person_out_of_scope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := csvFile(t, [][]string{rosterHeaderZH, tc.row}, false)
			pv, err := fx.svc.PreviewRoster(ctx, fx.manager, "m.csv", bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			var got string
			if len(pv.Problems) > 0 {
				got = pv.Problems[0].Code
			}
			if got != tc.want {
				t.Errorf("problem %q, want %q (%+v)", got, tc.want, pv.Problems)
			}
		})
	}
	learner := Actor{PersonID: 9, UnitID: fx.units["良渚中队"].ID, UnitPath: fx.units["良渚中队"].Path, Roles: []string{RoleLearner}}
	if _, err := fx.svc.ApplyRoster(ctx, learner, "r.csv", bytes.NewReader(csvFile(t, goodRows, false)), false); !fault.Is(err, fault.Forbidden) {
		t.Errorf("learner import: %v, want forbidden", err)
	}
	// A refused manager import writes nothing, even its valid rows' new units.
	data := csvFile(t, [][]string{rosterHeaderZH, {"M2", "新分队", pathLZ + "/良渚中队三分队", "", "", "", ""},
		{"M3", "别队", pathYH, "", "", "", ""}}, false)
	units := fx.count(t, "units")
	if _, err := fx.svc.ApplyRoster(ctx, fx.manager, "m.csv", bytes.NewReader(data), false); !fault.Is(err, fault.Invalid) {
		t.Errorf("manager import outside scope: %v", err)
	}
	if fx.count(t, "units") != units {
		t.Error("refused import created units")
	}
}
