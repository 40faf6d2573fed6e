package quizzes

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"peixun/fault"
)

// sheetHeaders are the columns of the spreadsheet template, in order. Import finds columns by
// header, so trainers may reorder or drop the optional ones.
var sheetHeaders = []string{"题型", "分类", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "解析", "难度", "标签", "法规", "条款"}

// kindNames maps the names trainers write in the 题型 column to kinds.
var kindNames = map[string]string{
	"单选": KindSingle, "单选题": KindSingle, "单项选择题": KindSingle, "single": KindSingle,
	"多选": KindMultiple, "多选题": KindMultiple, "多项选择题": KindMultiple, "multiple": KindMultiple,
	"判断": KindTrueFalse, "判断题": KindTrueFalse, "true_false": KindTrueFalse,
	"填空": KindFillBlank, "填空题": KindFillBlank, "fill_blank": KindFillBlank,
	"简答": KindShortAnswer, "简答题": KindShortAnswer, "问答题": KindShortAnswer, "short_answer": KindShortAnswer,
}

// kindLabel is the Chinese name written to the 题型 column on export.
var kindLabel = map[string]string{KindSingle: "单选", KindMultiple: "多选", KindTrueFalse: "判断", KindFillBlank: "填空", KindShortAnswer: "简答"}

// templateRows are the example rows of the template.
var templateRows = [][]string{
	{"单选", "工作要点/数字化执法", "非现场执法案件数应占总案件数的多少以上？", "30%", "50%", "70%", "", "", "", "B", "工作要点要求非现场执法案件数占总案件数的50%以上。", "2", "非现场执法", "", ""},
	{"多选", "工作要点/三项制度", "“三项制度”包括哪些？", "行政执法公示制度", "执法全过程记录制度", "重大执法决定法制审核制度", "执法人员轮岗制度", "", "", "ABC", "", "3", "三项制度,执法规范化", "", ""},
	{"判断", "工作要点", "执法人员轮训任务完成率目标为100%。", "", "", "", "", "", "", "对", "", "1", "", "", ""},
	{"填空", "工作要点", "重大执法案件实行“一案一____”制。", "", "", "", "", "", "", "审", "多个可接受答案用 | 分隔", "2", "", "", ""},
	{"简答", "法律法规", "简述行政处罚与教育相结合原则。", "", "", "", "", "", "", "", "", "4", "", "《行政处罚法》", "第六条"},
}

// TemplateXLSX returns the import template as an XLSX file, with the headers and example rows.
func TemplateXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	rows := append([][]string{sheetHeaders}, templateRows...)
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(row))
		for j, v := range row {
			vals[j] = v
		}
		if err := f.SetSheetRow("Sheet1", cell, &vals); err != nil {
			return nil, fmt.Errorf("writing template: %w", err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("writing template: %w", err)
	}
	return buf.Bytes(), nil
}

// TemplateCSV returns the import template as CSV, with a UTF-8 byte order mark so that Excel in
// Chinese reads it as UTF-8 rather than GBK.
func TemplateCSV() []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	_ = w.Write(sheetHeaders)
	_ = w.WriteAll(templateRows) // writing to a buffer cannot fail
	return buf.Bytes()
}

// utf8Text strips a byte order mark and reads GB18030 (what Excel and Notepad save on Chinese
// Windows) when the bytes are not UTF-8.
func utf8Text(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if utf8.Valid(data) {
		return data
	}
	if out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data); err == nil {
		return out
	}
	return data
}

func parseXLSX(data []byte, p *Preview) error {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return fault.Field("file", "import.xlsx_unreadable").Because(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		return fault.Field("file", "import.xlsx_unreadable").Because(err)
	}
	return parseSheet(rows, p)
}

func parseCSV(data []byte, p *Preview) error {
	r := csv.NewReader(bytes.NewReader(utf8Text(data)))
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			if pe, ok := err.(*csv.ParseError); ok {
				line = pe.Line
			}
			return fault.Field("file", "import.csv_unreadable", "line", line).Because(err)
		}
		rows = append(rows, rec)
	}
	return parseSheet(rows, p)
}

// parseSheet reads rows under the template's headers; row numbers are the spreadsheet's (header = 1).
func parseSheet(rows [][]string, p *Preview) error {
	if len(rows) == 0 {
		return fault.Field("file", "import.empty")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, h := range []string{"题型", "题干", "答案"} {
		if _, ok := col[h]; !ok {
			return fault.Field("file", "import.missing_header", "header", h)
		}
	}
	for i, row := range rows[1:] {
		line := i + 2
		get := func(h string) string {
			if c, ok := col[h]; ok && c < len(row) {
				return strings.TrimSpace(row[c])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		stem := get("题干")
		name := shortName(stem)
		kind, ok := kindNames[strings.ToLower(get("题型"))]
		if !ok {
			p.problem(name, line, "import.unsupported_kind", get("题型"), true)
			continue
		}
		in := QuestionInput{Kind: kind, Stem: stem, Explanation: get("解析"), Statute: get("法规"), Article: get("条款")}
		for _, l := range "ABCDEFGHIJ" {
			if o := get("选项" + string(l)); o != "" {
				in.Options = append(in.Options, o)
			}
		}
		in.Answer = splitAnswer(kind, get("答案"))
		if d := get("难度"); d != "" {
			n, err := strconv.Atoi(d)
			if err != nil {
				p.Problems = append(p.Problems, Problem{Name: name, Line: line, Field: "difficulty", Code: "question.difficulty_range", Detail: d, Args: map[string]any{"min": 1, "max": 5, "got": d}})
				continue
			}
			in.Difficulty = n
		}
		in.Tags = splitList(get("标签"))
		p.add(ParsedQuestion{Name: name, Line: line, Category: splitCategory(get("分类")), Input: in})
	}
	return nil
}

// splitAnswer reads the 答案 cell: "ABC", "A,C" or "A、C" for choices, "答案1|答案2" for blanks.
func splitAnswer(kind, s string) []string {
	switch kind {
	case KindSingle, KindMultiple:
		var out []string
		for _, r := range Normalize(s) {
			if r != ',' && r != '、' && r != ';' {
				out = append(out, string(r))
			}
		}
		return out
	case KindFillBlank:
		return strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == '｜' })
	}
	if s == "" {
		return nil
	}
	return []string{s}
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",，、;；", r) })
}

func splitCategory(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '／' })
}
