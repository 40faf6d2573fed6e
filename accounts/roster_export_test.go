package accounts

import (
	"bytes"
	"context"
	"testing"

	"github.com/xuri/excelize/v2"

	"peixun/database/dbtest"
	"peixun/ent/person"
)

func TestRosterExportRoundTrip(t *testing.T) {
	db := dbtest.Open(t)
	fx := &rosterFixture{db: db, svc: New(db, nil, nil)}
	ctx := context.Background()
	// The demo is a realistic roster: 13 units, about 200 people, expiries at any time of day.
	if _, err := fx.svc.SeedDemo(ctx); err != nil {
		t.Fatalf("seeding the demo: %v", err)
	}
	// A name and a phone that a spreadsheet would take for formulas must survive the round trip.
	fx.db.Client.Person.Update().Where(person.Username(DemoAccounts.Learner1)).SetName("=1+2").SetPhone("+86 13900000001").ExecX(ctx)
	mgr := fx.db.Client.Person.Query().Where(person.Username(DemoAccounts.Manager)).WithUnit().OnlyX(ctx)
	manager := Actor{PersonID: mgr.ID, UnitID: mgr.UnitID, UnitPath: mgr.Edges.Unit.Path, Roles: mgr.Roles}
	admin := Actor{Roles: []string{RoleAdmin}}
	inScope := func(a Actor) int {
		return fx.count(t, "persons p JOIN units u ON u.id = p.unit_id WHERE p.employee_no IS NOT NULL AND u.path LIKE '"+a.ScopePath()+"%'")
	}
	for _, format := range []string{RosterXLSX, RosterCSV} {
		for _, who := range []struct {
			name  string
			actor Actor
		}{{"admin", admin}, {"manager", manager}} {
			t.Run(format+"/"+who.name, func(t *testing.T) {
				var b bytes.Buffer
				if err := fx.svc.ExportRoster(ctx, who.actor, &b, format); err != nil {
					t.Fatalf("export: %v", err)
				}
				if format == RosterCSV && !bytes.HasPrefix(b.Bytes(), []byte("\ufeff工号,姓名,单位")) {
					t.Errorf("CSV starts with %q, want a BOM and the headers", b.Bytes()[:min(20, b.Len())])
				}
				if format == RosterCSV && (!bytes.Contains(b.Bytes(), []byte(",'=1+2,")) || !bytes.Contains(b.Bytes(), []byte(",'+86 13900000001,"))) {
					t.Errorf("the CSV does not guard formula-like cells with an apostrophe")
				}
				if format == RosterXLSX {
					checkExportedSheet(t, b.Bytes())
				}
				pv, err := fx.svc.PreviewRoster(ctx, who.actor, "export."+format, bytes.NewReader(b.Bytes()))
				if err != nil {
					t.Fatalf("preview of the export: %v", err)
				}
				want := inScope(who.actor)
				if !pv.OK() || pv.Unchanged != want || pv.Create+pv.Update != 0 || len(pv.NewUnits) != 0 {
					t.Fatalf("re-import of the export: %d unchanged (want %d), %d create, %d update, units %v, problems %+v",
						pv.Unchanged, want, pv.Create, pv.Update, pv.NewUnits, pv.Problems)
				}
				res, err := fx.svc.ApplyRoster(ctx, who.actor, "export."+format, bytes.NewReader(b.Bytes()), false)
				if err != nil || res.Created+res.Updated+res.UnitsCreated != 0 {
					t.Fatalf("apply of the export = %+v, %v", res, err)
				}
			})
		}
	}
}

// checkExportedSheet opens an exported workbook: a frozen header row and a real date cell.
func checkExportedSheet(t *testing.T, data []byte) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("opening the export: %v", err)
	}
	defer x.Close()
	sheet := x.GetSheetList()[0]
	panes, err := x.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v; want the header row frozen", panes, err)
	}
	rows, err := x.GetRows(sheet)
	if err != nil || len(rows) < 2 || rows[0][0] != "工号" {
		t.Fatalf("rows = %v, %v", rows[:min(2, len(rows))], err)
	}
	for i := 2; i <= len(rows); i++ {
		cell, _ := excelize.CoordinatesToCellName(7, i)
		if v, _ := x.GetCellValue(sheet, cell); v != "" {
			if raw, _ := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true}); raw == v {
				t.Errorf("expiry %s = %q is not a date cell", cell, v)
			}
			return
		}
	}
	t.Error("no expiry in the export")
}

func TestRosterTemplate(t *testing.T) {
	fx := newRosterFixture(t)
	for _, format := range []string{RosterXLSX, RosterCSV} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := RosterTemplate(&b, format); err != nil {
				t.Fatal(err)
			}
			pv, err := fx.svc.PreviewRoster(context.Background(), fx.admin, "template."+format, &b)
			if err != nil {
				t.Fatal(err)
			}
			if !pv.OK() || pv.Create != 1 || pv.Rows[0].Row != 2 || pv.Rows[0].Username != "uyh0001" {
				t.Errorf("template preview = %+v", pv)
			}
		})
	}
	if err := RosterTemplate(&bytes.Buffer{}, "pdf"); err == nil {
		t.Error("a pdf template was made")
	}
}
