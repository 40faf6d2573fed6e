package training

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"peixun/accounts"
)

func pctText(v float64) string   { return strconv.FormatFloat(v, 'f', 1, 64) + "%" }
func hoursText(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// CompletionReportPDF writes the formal completion report of a program for superiors: title, date,
// scope, target and pace, a table by unit (in scope, completed, exempt, overdue, rate, pace) and the
// totals. A4 portrait in the certificates' Chinese font.
func (s *Service) CompletionReportPDF(ctx context.Context, actor accounts.Actor, programID, unitID int, w io.Writer) error {
	rp, focus, err := s.ProgramReport(ctx, actor, programID, unitID)
	if err != nil {
		return err
	}
	p := rp.Program
	title := "「" + p.Name + "」完成情况报告"
	d, err := s.newReportPDF(title)
	if err != nil {
		return err
	}
	now := s.clock().In(Shanghai)
	d.text(title, 16, 9, "C")
	d.Ln(2)
	scope := reportUnitName(focus)
	d.text(fmt.Sprintf("统计范围：%s　　统计日期：%s", scope, now.Format("2006年1月2日")), 10.5, 6, "L")
	d.text(fmt.Sprintf("培训期间：%s 至 %s　　目标完成率：%s　　按进度应达：%s", p.StartsAt.In(Shanghai).Format("2006-01-02"),
		p.DueAt.In(Shanghai).Format("2006-01-02"), pctText(p.TargetRate), pctText(rp.Expected)), 10.5, 6, "L")
	t := rp.Total
	d.text(fmt.Sprintf("应训 %d 人，已完成 %d 人，免训 %d 人，逾期 %d 人，完成率 %s（%s）。", t.InScope, t.Completed, t.Exempt,
		t.Overdue, pctText(rp.Rate), PaceNames[rp.Pace]), 10.5, 6, "L")
	d.Ln(3)
	tab := pdfTable{headers: []string{"单位", "应训人数", "已完成", "免训", "逾期", "完成率", "进度状态"},
		widths: []float64{0.34, 0.11, 0.1, 0.09, 0.09, 0.11, 0.16}, aligns: []string{"L", "R", "R", "R", "R", "R", "C"}}
	rows := make([][]string, 0, len(rp.Units)+1)
	for _, u := range rp.Units {
		f := u.Subtree
		rows = append(rows, []string{strings.Repeat("　", max(u.Depth, 0)) + u.Name, strconv.Itoa(f.InScope),
			strconv.Itoa(f.Completed), strconv.Itoa(f.Exempt), strconv.Itoa(f.Overdue), pctText(u.Rate), PaceNames[u.Pace]})
	}
	rows = append(rows, []string{"合计", strconv.Itoa(t.InScope), strconv.Itoa(t.Completed), strconv.Itoa(t.Exempt),
		strconv.Itoa(t.Overdue), pctText(rp.Rate), PaceNames[rp.Pace]})
	d.table(tab, rows, true)
	d.text("说明：各单位人数含其下属单位；应训人数含免训人员，完成率 = 已完成 ÷（应训人数 − 免训）。进度状态以按进度应达完成率为准，"+
		fmt.Sprintf("低于 %.0f 个百分点以内为“略低于进度”。", PaceAmberPoints), 9, 5, "L")
	return d.output(w)
}

// StudyRecordPDF writes a person's printable study record of a year.
func (s *Service) StudyRecordPDF(ctx context.Context, actor accounts.Actor, personID, year int, w io.Writer) error {
	r, err := s.StudyRecord(ctx, actor, personID, year)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("学习档案（%d年度）", r.Year)
	d, err := s.newReportPDF(title)
	if err != nil {
		return err
	}
	p := r.Person
	d.text(title, 16, 9, "C")
	d.Ln(2)
	no := ""
	if p.EmployeeNo != nil {
		no = *p.EmployeeNo
	}
	d.text(fmt.Sprintf("姓名：%s　　单位：%s　　工号：%s　　人员类别：%s", p.Name, r.UnitName, no, CategoryNames[string(p.Category)]), 10.5, 6, "L")
	d.text(fmt.Sprintf("年度学时：课程 %s 学时，面授 %s 学时，合计 %s 学时。打印日期：%s", hoursText(r.CourseHours),
		hoursText(r.LectureHours), hoursText(r.TotalHours()), r.Printed.In(Shanghai).Format("2006-01-02")), 10.5, 6, "L")
	d.Ln(3)
	section := func(name string, t pdfTable, rows [][]string) {
		d.ensure(22)
		d.text(name, 12, 7, "L")
		if len(rows) == 0 {
			d.text("无", 10, 6, "L")
			d.Ln(2)
			return
		}
		d.table(t, rows, false)
	}
	var rows [][]string
	for _, c := range r.Courses {
		rows = append(rows, []string{c.Title, hoursText(c.Hours), c.CompletedAt.In(Shanghai).Format("2006-01-02")})
	}
	section("一、完成课程", pdfTable{headers: []string{"课程", "学时", "完成日期"}, widths: []float64{0.64, 0.14, 0.22},
		aligns: []string{"L", "R", "C"}}, rows)
	rows = nil
	for _, l := range r.Lectures {
		rows = append(rows, []string{l.Title, l.HeldOn.In(Shanghai).Format("2006-01-02"), hoursText(l.Hours)})
	}
	section("二、参加面授", pdfTable{headers: []string{"名称", "日期", "学时"}, widths: []float64{0.64, 0.22, 0.14},
		aligns: []string{"L", "C", "R"}}, rows)
	rows = nil
	modes := map[string]string{"practice": "练习", "exam": "考试", "competition": "竞赛"}
	for _, q := range r.Quizzes {
		passed := "未通过"
		if q.Passed {
			passed = "通过"
		}
		rows = append(rows, []string{q.Title, modes[q.Mode], strconv.Itoa(q.Attempts),
			hoursText(q.Best) + " / " + hoursText(q.MaxScore), passed})
	}
	section("三、考试与测验", pdfTable{headers: []string{"名称", "类型", "次数", "最好成绩", "结果"},
		widths: []float64{0.46, 0.1, 0.1, 0.2, 0.14}, aligns: []string{"L", "C", "R", "R", "C"}}, rows)
	rows = nil
	for _, c := range r.Certificates {
		state := "有效"
		if c.Revoked {
			state = "已撤销"
		}
		rows = append(rows, []string{c.Serial, c.Program, c.IssuedAt.In(Shanghai).Format("2006-01-02"), state})
	}
	section("四、证书", pdfTable{headers: []string{"编号", "培训项目", "发证日期", "状态"},
		widths: []float64{0.26, 0.44, 0.18, 0.12}, aligns: []string{"L", "L", "C", "C"}}, rows)
	rows = nil
	for _, pr := range r.Programs {
		done := ""
		if pr.CompletedAt != nil {
			done = pr.CompletedAt.In(Shanghai).Format("2006-01-02")
		}
		rows = append(rows, []string{pr.Name, StatusNames[pr.Status], pctText(pr.Progress), done})
	}
	section("五、培训项目", pdfTable{headers: []string{"项目", "状态", "进度", "完成日期"},
		widths: []float64{0.5, 0.14, 0.14, 0.22}, aligns: []string{"L", "C", "R", "C"}}, rows)
	return d.output(w)
}
