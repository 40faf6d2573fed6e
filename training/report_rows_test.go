package training

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"peixun/accounts"
	"peixun/ent"
)

// TestReportExportOrder checks the exports' rows against the database's own order: the units of
// the scope in tree order and, within a unit, ORDER BY name, id (one query per unit, as the export
// once ran). Names that tie and names that sort differently by bytes than by letters are included.
func TestReportExportOrder(t *testing.T) {
	e := newReportEnv(t)
	id := e.progs["rotation"]
	var unitID int
	e.must(e.db.SQL.QueryRowContext(e.ctx, `SELECT unit_id FROM enrollments WHERE program_id = ? AND left_scope_at IS NULL
GROUP BY unit_id ORDER BY COUNT(*) DESC, unit_id LIMIT 1`, id).Scan(&unitID))
	var people []int
	rs, err := e.db.SQL.QueryContext(e.ctx, `SELECT person_id FROM enrollments WHERE program_id = ? AND unit_id = ?
AND left_scope_at IS NULL ORDER BY person_id DESC`, id, unitID)
	e.must(err)
	for rs.Next() {
		var p int
		e.must(rs.Scan(&p))
		people = append(people, p)
	}
	e.must(rs.Err())
	rs.Close()
	if len(people) < 5 {
		t.Fatalf("unit %d has %d people in the program", unitID, len(people))
	}
	// Highest ids first, so that the id tiebreak differs from the order of rows in the table.
	for i, name := range []string{"张三", "张三", "Zed", "abc", "张三"} {
		_, err := e.db.SQL.ExecContext(e.ctx, `UPDATE persons SET name = ? WHERE id = ?`, name, people[i])
		e.must(err)
	}

	for _, actor := range []accounts.Actor{e.admin, e.mgr} {
		want := e.exportOrderSQL(id, actor.ScopePath())
		x, err := e.svc.NewExport(e.ctx, actor, ExportQuery{ProgramID: id, Format: FormatCSV})
		e.must(err)
		var buf bytes.Buffer
		e.must(x.Write(e.ctx, &buf))
		records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff")))).ReadAll()
		e.must(err)
		var got []string
		for _, r := range records[1:] {
			got = append(got, r[1]+"/"+r[4])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: CSV rows\n%v\nwant (SQL)\n%v", actor.Name, got, want)
		}

		x, err = e.svc.NewExport(e.ctx, actor, ExportQuery{ProgramID: id, Format: FormatXLSX})
		e.must(err)
		buf.Reset()
		e.must(x.Write(e.ctx, &buf))
		f, err := excelize.OpenReader(&buf)
		e.must(err)
		rows, err := f.GetRows(f.GetSheetList()[1])
		e.must(err)
		got = got[:0]
		for _, r := range rows[1:] {
			got = append(got, r[1]+"/"+r[4])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: XLSX rows\n%v\nwant (SQL)\n%v", actor.Name, got, want)
		}
	}
}

// exportOrderSQL lists "unit/username" of a program's people under a scope in the export's order,
// straight from the database: unit by unit in tree order, ORDER BY name, id within each.
func (e *reportEnv) exportOrderSQL(programID int, scope string) []string {
	e.t.Helper()
	units := e.c.Unit.Query().AllX(e.ctx)
	units = slices.DeleteFunc(units, func(u *ent.Unit) bool { return !strings.HasPrefix(u.Path, scope) })
	slices.SortFunc(units, func(a, b *ent.Unit) int { return slices.Compare(pathKey(a.Path), pathKey(b.Path)) })
	var out []string
	for _, u := range units {
		rs, err := e.db.SQL.QueryContext(e.ctx, `SELECT p.username FROM enrollments e JOIN persons p ON p.id = e.person_id
WHERE e.program_id = ? AND e.left_scope_at IS NULL AND e.unit_id = ? ORDER BY p.name, p.id`, programID, u.ID)
		e.must(err)
		for rs.Next() {
			var username string
			e.must(rs.Scan(&username))
			out = append(out, u.Name+"/"+username)
		}
		e.must(rs.Err())
		rs.Close()
	}
	return out
}
