package quizzes

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

const goodGIFT = `// 工作要点题库
$CATEGORY: $course$/top/工作要点/数字化

::Q1:: 非现场执法案件数应占总案件数的多少以上? {
	~30%
	=50%
	~80%
####见工作要点第二部分。
}

::Q2:: 三项制度包括哪些? {
	~%50%行政执法公示制度
	~%50%执法全过程记录制度
	~%-100%执法人员轮岗制度
}

::Q3:: 轮训任务完成率目标为100%。{T}

::Q4:: 重大执法案件实行"一案一{=审 =审查}"制。

::Q5:: 简述三项制度的意义。{}

::Q6:: 1 加 1 等于? {#2}

::Q7:: 配对 {=a -> b =c -> d}

::Q8:: 时间 \{分钟\} 是 {#3.5:0.5}
`

func TestImportGIFT(t *testing.T) {
	s, _, _ := newService(t)
	p, err := s.PreviewImport(FormatGIFT, "bank.gift", []byte(goodGIFT))
	if err != nil {
		t.Fatal(err)
	}
	wantKinds := []string{KindSingle, KindMultiple, KindTrueFalse, KindFillBlank, KindShortAnswer, KindFillBlank}
	if len(p.Questions) != len(wantKinds) {
		t.Fatalf("%d questions, %d problems: %v", len(p.Questions), len(p.Problems), p.Problems)
	}
	for i, q := range p.Questions {
		if q.Input.Kind != wantKinds[i] {
			t.Errorf("question %d (%s) kind %s, want %s", i, q.Name, q.Input.Kind, wantKinds[i])
		}
	}
	q1, q2, q4 := p.Questions[0], p.Questions[1], p.Questions[3]
	if q1.Line != 4 || strings.Join(q1.Category, "/") != "工作要点/数字化" || q1.Input.Answer[0] != "B" || q1.Input.Explanation != "见工作要点第二部分。" {
		t.Errorf("Q1 %+v", q1)
	}
	if strings.Join(q2.Input.Answer, "") != "AB" {
		t.Errorf("Q2 answer %v", q2.Input.Answer)
	}
	if q4.Input.Stem != `重大执法案件实行"一案一____"制。` || len(q4.Input.Answer) != 2 {
		t.Errorf("Q4 %+v", q4.Input)
	}
	if len(p.Problems) != 2 || p.Blocking() {
		t.Fatalf("problems %v", p.Problems)
	}
	if p.Problems[0].Name != "Q7" || p.Problems[0].Line != 25 || !p.Problems[0].Skipped || p.Problems[1].Name != "Q8" || p.Problems[1].Line != 27 {
		t.Errorf("problems %v", p.Problems)
	}
}

func TestImportBrokenFiles(t *testing.T) {
	s, _, _ := newService(t)
	cases := []struct {
		name, format, text string
		problemLine        int
		code               string
	}{
		{"gift unclosed", FormatGIFT, "::A:: 好题 {T}\n\n::B:: 坏题 {\n=a ~b\n", 3, "import.gift_unclosed_brace"},
		{"gift questions without a blank line", FormatGIFT, "::A:: 甲 {T}\n::B:: 乙 {F}\n", 2, "import.gift_no_blank_line"},
		{"gift no right answer", FormatGIFT, "\n\n::C:: 题 {~a ~b}", 3, "import.gift_bad_answers"},
		{"gift invalid question", FormatGIFT, "::D:: 题 {=a ~a}", 1, "question.option_duplicate"},
		{"aiken no answer", FormatAiken, "题一\nA. 甲\nB. 乙\nANSWER: A\n\n题二\nA. 甲\nB. 乙\n\n题三\nA) 甲\nB) 乙\nANSWER: B\n", 6, "import.aiken_no_answer"},
		{"aiken bad letter", FormatAiken, "题一\nA. 甲\nB. 乙\nANSWER: C\n", 4, "import.aiken_answer_not_an_option"},
		{"aiken order", FormatAiken, "题一\nA. 甲\nC. 乙\nANSWER: A\n", 3, "import.aiken_option_out_of_order"},
		{"csv bad kind is skipped", FormatCSV, "题型,题干,答案\n单选题,x,A\n连线题,y,A\n", 3, "import.unsupported_kind"},
		{"csv bad answer", FormatCSV, "题型,题干,选项A,选项B,答案\n单选,题,甲,乙,E\n", 2, "question.answer_not_an_option"},
		{"xml unsupported", FormatMoodleXML, `<?xml version="1.0"?>
<quiz>
  <question type="matching"><name><text>配对</text></name></question>
</quiz>`, 3, "import.unsupported_kind"},
	}
	for _, c := range cases {
		p, err := s.PreviewImport(c.format, "", []byte(c.text))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		found := false
		for _, pr := range p.Problems {
			if pr.Line == c.problemLine && pr.Code == c.code {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: want %s at line %d, got %v", c.name, c.code, c.problemLine, p.Problems)
		}
	}
	// Files that cannot be read at all.
	_, err := s.PreviewImport(FormatMoodleXML, "", []byte("<quiz>\n<question type=\"truefalse\">\n</quiz>"))
	if f := wantFault(t, err, "import.xml_unreadable", "file"); f.Args["line"] != 3 {
		t.Errorf("xml error at line %v", f.Args["line"])
	}
	_, err = s.PreviewImport(FormatCSV, "", []byte("题型,答案\n单选,A\n"))
	wantFault(t, err, "import.missing_header", "file")
}

const goodXML = `<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/工作要点</text></category></question>
  <question type="multichoice">
    <name><text>非现场执法</text></name>
    <questiontext format="html"><text><![CDATA[<p>非现场执法案件数应占总案件数的 <b>多少</b> 以上？</p>]]></text></questiontext>
    <generalfeedback><text>50%以上</text></generalfeedback>
    <single>true</single>
    <answer fraction="0"><text>30%</text></answer>
    <answer fraction="100"><text>50%</text></answer>
  </question>
  <question type="multichoice">
    <name><text>三项制度</text></name>
    <questiontext><text>三项制度包括?</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>公示</text></answer>
    <answer fraction="50"><text>记录</text></answer>
    <answer fraction="-100"><text>轮岗</text></answer>
  </question>
  <question type="truefalse"><name><text>tf</text></name><questiontext><text>轮训完成率100%</text></questiontext>
    <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>
  <question type="shortanswer"><name><text>sa</text></name><questiontext><text>一案一__</text></questiontext>
    <answer fraction="100"><text>审</text></answer></question>
  <question type="essay"><name><text>es</text></name><questiontext><text>论述</text></questiontext></question>
  <question type="numerical"><name><text>num</text></name><questiontext><text>1+1</text></questiontext>
    <answer fraction="100"><text>2</text><tolerance>0</tolerance></answer></question>
  <question type="description"><name><text>说明</text></name><questiontext><text>以下为说明</text></questiontext></question>
</quiz>`

func TestImportMoodleXMLAndConfirm(t *testing.T) {
	ctx := context.Background()
	s, db, _ := newService(t)
	p, err := s.PreviewImport("", "bank.xml", []byte(goodXML))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Questions) != 6 || len(p.Problems) != 1 || p.Problems[0].Name != "说明" || p.Problems[0].Line != 27 {
		t.Fatalf("%d questions, problems %v", len(p.Questions), p.Problems)
	}
	if q := p.Questions[0]; q.Input.Stem != "非现场执法案件数应占总案件数的 多少 以上？" || q.Input.Answer[0] != "B" || q.Line != 4 {
		t.Errorf("first question %+v line %d", q.Input, q.Line)
	}
	root := mustCategory(t, s, "导入", 0)
	if n := dbtestCount(t, db, "SELECT COUNT(*) FROM questions"); n != 0 {
		t.Fatalf("preview wrote %d questions", n)
	}
	n, err := s.ConfirmImport(ctx, p, ImportOptions{CategoryID: root})
	if err != nil || n != 6 {
		t.Fatalf("imported %d: %v", n, err)
	}
	page, _ := s.SearchQuestions(ctx, QuestionFilter{CategoryID: root})
	if page.Total != 6 {
		t.Fatalf("%d in the category tree", page.Total)
	}
	// A file with a blocking problem is refused as a whole, unless valid rows only are chosen.
	bad, _ := s.PreviewImport(FormatAiken, "", []byte("好题\nA. 甲\nB. 乙\nANSWER: A\n\n坏题\nA. 甲\nB. 乙\nANSWER: Q\n"))
	_, err = s.ConfirmImport(ctx, bad, ImportOptions{CategoryID: root})
	wantFault(t, err, "import.has_problems", "")
	if n, err := s.ConfirmImport(ctx, bad, ImportOptions{CategoryID: root, ValidOnly: true}); n != 1 || err != nil {
		t.Fatalf("valid only: %d %v", n, err)
	}
}

func TestTemplatesAndSheetImport(t *testing.T) {
	s, _, _ := newService(t)
	x, err := TemplateXLSX()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		format string
		data   []byte
	}{{FormatXLSX, x}, {FormatCSV, TemplateCSV()}} {
		p, err := s.PreviewImport(c.format, "", c.data)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Questions) != len(templateRows) || len(p.Problems) != 0 {
			t.Fatalf("%s template: %d questions, problems %v", c.format, len(p.Questions), p.Problems)
		}
		if q := p.Questions[1]; q.Line != 3 || strings.Join(q.Input.Answer, "") != "ABC" || strings.Join(q.Category, "/") != "工作要点/三项制度" {
			t.Fatalf("%s row 3: %+v", c.format, q)
		}
	}
}

func TestExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newService(t)
	root := mustCategory(t, s, "根", 0)
	child := mustCategory(t, s, "子类", root)
	ins := []QuestionInput{
		{CategoryID: root, Kind: KindSingle, Stem: "比例 50% 以上: 对吗?", Options: []string{"是 {1}", "否 = 不"}, Answer: []string{"A"}, Explanation: "说明#1"},
		{CategoryID: child, Kind: KindMultiple, Stem: "三项制度", Options: []string{"公示", "记录", "审核", "轮岗"}, Answer: []string{"A", "B", "C"}},
		{CategoryID: child, Kind: KindMultiple, Stem: "只有一个对的多选", Options: []string{"甲", "乙"}, Answer: []string{"B"}},
		{CategoryID: child, Kind: KindTrueFalse, Stem: "判断~题", Answer: []string{"false"}},
		{CategoryID: child, Kind: KindFillBlank, Stem: "一案一____", Answer: []string{"审", "审查"}},
		{CategoryID: root, Kind: KindShortAnswer, Stem: "简述"},
	}
	for _, in := range ins {
		mustQuestion(t, s, in)
	}
	for _, format := range []string{FormatGIFT, FormatXLSX} {
		var buf bytes.Buffer
		var err error
		if format == FormatGIFT {
			err = s.ExportGIFT(ctx, root, &buf)
		} else {
			err = s.ExportXLSX(ctx, root, &buf)
		}
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.PreviewImport(format, "", buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Questions) != len(ins) || len(p.Problems) != 0 {
			t.Fatalf("%s: %d questions back, problems %v\n%s", format, len(p.Questions), p.Problems, buf.String())
		}
		byStem := map[string]QuestionInput{}
		for _, in := range ins {
			byStem[in.Stem] = in
		}
		for i, q := range p.Questions {
			want := byStem[q.Input.Stem]
			want.normalizeInput()
			got := q.Input
			if got.Kind != want.Kind || got.Stem != want.Stem || strings.Join(got.Options, "|") != strings.Join(want.Options, "|") ||
				strings.Join(got.Answer, "|") != strings.Join(want.Answer, "|") || got.Explanation != want.Explanation {
				t.Errorf("%s question %d: got %+v, want %+v", format, i, got, want)
			}
			if wantCat := map[int]string{root: "", child: "子类"}[want.CategoryID]; strings.Join(q.Category, "/") != wantCat {
				t.Errorf("%s question %d category %v", format, i, q.Category)
			}
		}
	}
}
