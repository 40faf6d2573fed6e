package accounts

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"peixun/database"
	"peixun/database/dbtest"
	"peixun/ent"
	"peixun/fault"
)

// rosterFixture is a database with a small bureau: 余杭区交通运输局 / 交通运输行政执法队 / 良渚中队 and
// 余杭中队, a service on a clock the test moves, and an administrator and the manager of 良渚中队.
type rosterFixture struct {
	db      *database.DB
	svc     *Service
	clock   *time.Time
	admin   Actor
	manager Actor // manager of 良渚中队
	units   map[string]*ent.Unit
}

func newRosterFixture(t testing.TB) *rosterFixture {
	t.Helper()
	db := dbtest.Open(t)
	clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	fx := &rosterFixture{db: db, clock: &clock, units: map[string]*ent.Unit{}}
	fx.svc = New(db, func() time.Time { return *fx.clock }, nil)
	ctx := context.Background()
	mk := func(name, code string, parent *ent.Unit) *ent.Unit {
		q := db.Client.Unit.Create().SetName(name).SetCode(code)
		path := "/"
		if parent != nil {
			q.SetParentID(parent.ID)
			path = parent.Path
		}
		u, err := q.Save(ctx)
		if err != nil {
			t.Fatalf("creating unit %s: %v", name, err)
		}
		if u, err = u.Update().SetPath(ChildPath(path, u.ID)).Save(ctx); err != nil {
			t.Fatalf("setting path of unit %s: %v", name, err)
		}
		fx.units[name] = u
		return u
	}
	root := mk("余杭区交通运输局", "YH", nil)
	team := mk("交通运输行政执法队", "YH-ZFD", root)
	lz := mk("良渚中队", "YH-ZFD-LZ", team)
	mk("余杭中队", "YH-ZFD-YH", team)
	fx.admin = Actor{PersonID: 0, Name: "admin", UnitID: root.ID, UnitPath: root.Path, Roles: []string{RoleAdmin, RoleLearner}}
	fx.manager = Actor{Name: "manager", UnitID: lz.ID, UnitPath: lz.Path, Roles: []string{RoleManager, RoleLearner}}
	return fx
}

func (fx *rosterFixture) count(t testing.TB, table string) int {
	t.Helper()
	return dbtest.Count(t, fx.db.SQL, "SELECT COUNT(*) FROM "+table)
}

// person reads one person by employee number.
func (fx *rosterFixture) person(t testing.TB, employeeNo string) *ent.Person {
	t.Helper()
	for _, p := range fx.db.Client.Person.Query().WithUnit().AllX(context.Background()) {
		if p.EmployeeNo != nil && *p.EmployeeNo == employeeNo {
			return p
		}
	}
	t.Fatalf("no person with employee number %s", employeeNo)
	return nil
}

// The units of the fixture, as roster files write them.
const (
	pathLZ   = "余杭区交通运输局/交通运输行政执法队/良渚中队"
	pathYH   = "余杭区交通运输局/交通运输行政执法队/余杭中队"
	pathTeam = "余杭区交通运输局/交通运输行政执法队"
)

var rosterHeaderZH = []string{"工号", "姓名", "单位", "类别", "手机", "执法证号", "执法证有效期"}

// goodRows are three valid rows: Chinese and English categories, both date layouts, one new unit.
var goodRows = [][]string{
	rosterHeaderZH,
	{"YH1001", "王小明", pathLZ, "执法人员", "13900000001", "浙交执330001", "2027-06-30"},
	{"YH1002", "李协管", pathYH, "auxiliary", "13900000002", "", ""},
	{"YH1003", "赵干部", pathLZ + "/良渚中队一分队", "领导干部", "", "浙交执330003", "2028/01/15"},
}

func csvFile(t testing.TB, rows [][]string, bom bool) []byte {
	t.Helper()
	var b bytes.Buffer
	if bom {
		b.WriteString("\ufeff")
	}
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// xlsxFile builds a workbook; a time.Time cell becomes a real Excel date cell.
func xlsxFile(t testing.TB, rows [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	dateFmt := "yyyy/m/d"
	style, err := x.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
		for j, v := range r {
			if _, ok := v.(time.Time); ok {
				c, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if err := x.SetCellStyle("Sheet1", c, c, style); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func anyRows(rows [][]string) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = make([]any, len(r))
		for j, c := range r {
			out[i][j] = c
		}
	}
	return out
}

// bigRoster is n valid rows spread over 20 squads, half of them new units.
func bigRoster(n int, unitOf func(i int) string) [][]string {
	rows := [][]string{append(append([]string{}, rosterHeaderZH...), "用户名")}
	cats := []string{"执法人员", "协管员", "领导干部", "工作人员"}
	for i := range n {
		rows = append(rows, []string{fmt.Sprintf("E%06d", i), fmt.Sprintf("人员%d", i), unitOf(i), cats[i%4],
			fmt.Sprintf("139%08d", i), fmt.Sprintf("浙交执%06d", i), "2027-12-31", ""})
	}
	return rows
}

func problemKeys(ps []RosterProblem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = fmt.Sprintf("%d/%s/%s", p.Row, p.Column, p.Code)
	}
	return out
}

// faultOf is the message key of a fault error.
func faultOf(err error) (string, bool) {
	f, ok := fault.As(err)
	if !ok {
		return "", false
	}
	return f.Code, true
}
