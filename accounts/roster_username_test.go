package accounts

import (
	"bytes"
	"context"
	"slices"
	"testing"
)

func TestRosterUsernames(t *testing.T) {
	fx := newRosterFixture(t)
	ctx := context.Background()
	if _, err := fx.svc.ApplyRoster(ctx, fx.admin, "r.csv", bytes.NewReader(csvFile(t, goodRows, false)), false); err != nil {
		t.Fatal(err)
	}
	header := append(slices.Clone(rosterHeaderZH), "用户名")
	row := func(no, username string) []string { return []string{no, "某人", pathLZ, "", "", "", "", username} }
	// wang is YH1001 exactly as imported, with a username.
	wang := func(username string) []string { return append(slices.Clone(goodRows[1]), username) }
	tests := []struct {
		name     string
		rows     [][]string
		action   string // of the first row
		username string // of the first row
		problems []string
	}{
		{"given for a new person", [][]string{row("N1", "zhang.san")}, RosterCreate, "zhang.san", nil},
		{"lower-cased", [][]string{row("N1", "ZhangSan")}, RosterCreate, "zhangsan", nil},
		{"default from employee number", [][]string{row("N-1", "")}, RosterCreate, "un-1", nil},
		{"kept for an existing person", [][]string{wang("")}, RosterUnchanged, "uyh1001", nil},
		{"own username given", [][]string{wang("UYH1001")}, RosterUnchanged, "uyh1001", nil},
		{"renamed", [][]string{wang("wang")}, RosterUpdate, "wang", nil},
		{"taken by another person", [][]string{row("YH1001", "uyh1002")}, RosterInvalid, "uyh1002", []string{"2/用户名/person.username_taken"}},
		{"bad default", [][]string{row("工号1", "")}, RosterInvalid, "u工号1", []string{"2/用户名/roster.username_default_invalid"}},
		{"bad given", [][]string{row("N1", "a b")}, RosterInvalid, "a b", []string{"2/用户名/person.username_format"}},
		{"twice in the file", [][]string{row("N1", "same"), row("N2", "same")}, RosterCreate, "same", []string{"3/用户名/roster.username_duplicate"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := csvFile(t, append([][]string{header}, tc.rows...), false)
			pv, err := fx.svc.PreviewRoster(ctx, fx.admin, "u.csv", bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if r := pv.Rows[0]; r.Action != tc.action || r.Username != tc.username {
				t.Errorf("first row: %s %q, want %s %q", r.Action, r.Username, tc.action, tc.username)
			}
			if got := problemKeys(pv.Problems); !slices.Equal(got, tc.problems) {
				t.Errorf("problems %q, want %q", got, tc.problems)
			}
		})
	}
	data := csvFile(t, [][]string{header, wang("wang")}, false)
	if res, err := fx.svc.ApplyRoster(ctx, fx.admin, "u.csv", bytes.NewReader(data), false); err != nil || res.Updated != 1 {
		t.Fatalf("rename = %+v, %v", res, err)
	}
	if p := fx.person(t, "YH1001"); p.Username != "wang" || p.Phone != "13900000001" {
		t.Errorf("after rename: %+v", p)
	}
}
