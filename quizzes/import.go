package quizzes

import (
	"context"
	"fmt"
	"path"
	"strings"

	"peixun/fault"
)

// Import formats.
const (
	FormatXLSX      = "xlsx"
	FormatCSV       = "csv"
	FormatGIFT      = "gift"
	FormatAiken     = "aiken"
	FormatMoodleXML = "moodle_xml"
)

// ParsedQuestion is one question read from a file, not yet saved.
type ParsedQuestion struct {
	Name     string   // the question's name in the file (GIFT ::title::, XML <name>) or its stem's start
	Line     int      // line (text formats) or row (spreadsheets) where it starts
	Category []string // category path from the file, below the category chosen at import
	Input    QuestionInput
}

// Problem is something wrong in a file, tied to a question and a line or row. Skipped problems
// (a kind we do not support) do not block the import; the others do unless valid rows only are
// imported.
type Problem struct {
	Name    string
	Line    int
	Field   string         // the field at fault, when known
	Code    string         // message key, e.g. "import.unsupported_kind"
	Detail  string         // what was found, in the file's words
	Args    map[string]any // the message's placeholders, for validation problems
	Skipped bool
}

// Error renders the problem for logs and tests: "line 12 (Q3): import.no_answer: ...".
func (p Problem) Error() string {
	return fmt.Sprintf("line %d (%s): %s %s %s", p.Line, p.Name, p.Code, p.Field, p.Detail)
}

// Preview is a parsed file: what would be imported and what is wrong. Nothing is written until
// ConfirmImport.
type Preview struct {
	Format    string
	Questions []ParsedQuestion
	Problems  []Problem
}

// Blocking tells whether the preview has problems other than skipped kinds.
func (p *Preview) Blocking() bool {
	for _, pr := range p.Problems {
		if !pr.Skipped {
			return true
		}
	}
	return false
}

// problemf records a problem and returns nothing, so parsers can `return p.problemf(...)`.
func (p *Preview) problem(name string, line int, code, detail string, skipped bool) {
	p.Problems = append(p.Problems, Problem{Name: name, Line: line, Code: code, Detail: detail, Skipped: skipped})
}

// add validates a parsed question and keeps it, or records why not.
func (p *Preview) add(q ParsedQuestion) {
	q.Input.normalizeInput()
	if q.Name == "" {
		q.Name = shortName(q.Input.Stem)
	}
	if err := q.Input.validate(); err != nil {
		pr := Problem{Name: q.Name, Line: q.Line, Code: "import.invalid_question", Detail: err.Error()}
		if f, ok := fault.As(err); ok {
			pr.Code, pr.Field, pr.Args = f.Code, f.Field, f.Args
		}
		p.Problems = append(p.Problems, pr)
		return
	}
	p.Questions = append(p.Questions, q)
}

func shortName(stem string) string {
	r := []rune(strings.TrimSpace(stem))
	if len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return string(r)
}

// DetectFormat guesses the format from the file name: .xlsx, .csv, .xml, .gift; .txt is GIFT when
// it has a {…} answer block, Aiken otherwise.
func DetectFormat(filename string, data []byte) string {
	switch strings.ToLower(path.Ext(filename)) {
	case ".xlsx":
		return FormatXLSX
	case ".csv":
		return FormatCSV
	case ".xml":
		return FormatMoodleXML
	case ".gift":
		return FormatGIFT
	}
	if strings.Contains(string(data), "{") {
		return FormatGIFT
	}
	return FormatAiken
}

// maxImportBytes bounds an import file; a bank of thousands of questions is well under it.
const maxImportBytes = 20 << 20

// PreviewImport parses a file into a preview; format "" detects it from the file name. It writes
// nothing. A file that cannot be read at all is a fault naming the file; anything wrong inside it is
// a Problem with its line.
func (s *Service) PreviewImport(format, filename string, data []byte) (*Preview, error) {
	if len(data) > maxImportBytes {
		return nil, fault.Field("file", "import.too_large", "max_mb", maxImportBytes>>20)
	}
	if format == "" {
		format = DetectFormat(filename, data)
	}
	p := &Preview{Format: format}
	var err error
	switch format {
	case FormatXLSX:
		err = parseXLSX(data, p)
	case FormatCSV:
		err = parseCSV(data, p)
	case FormatGIFT:
		parseGIFT(string(utf8Text(data)), p)
	case FormatAiken:
		parseAiken(string(utf8Text(data)), p)
	case FormatMoodleXML:
		err = parseMoodleXML(data, p)
	default:
		return nil, fault.Field("format", "import.format_unknown", "format", format)
	}
	if err != nil {
		return nil, err
	}
	if len(p.Questions) == 0 && len(p.Problems) == 0 {
		return nil, fault.Field("file", "import.empty")
	}
	return p, nil
}

// ImportOptions says where and how to import a preview.
type ImportOptions struct {
	CategoryID int  // the questions (and the file's categories) go below this category
	AuthorID   int  // recorded as created_by
	ValidOnly  bool // import the valid questions even though others have problems
}

// ConfirmImport writes a preview's questions in one transaction: all of them or none.
func (s *Service) ConfirmImport(ctx context.Context, p *Preview, opt ImportOptions) (int, error) {
	if p == nil || len(p.Questions) == 0 {
		return 0, fault.Field("file", "import.nothing_to_import")
	}
	if p.Blocking() && !opt.ValidOnly {
		return 0, fault.New(fault.Invalid, "import.has_problems").With("problems", len(p.Problems))
	}
	if _, err := s.categoryPath(ctx, opt.CategoryID, "category_id"); err != nil {
		return 0, err
	}
	tx, err := s.client().Tx(ctx)
	if err != nil {
		return 0, fmt.Errorf("importing questions: %w", err)
	}
	defer tx.Rollback()
	cats := map[string]int{}
	for _, q := range p.Questions {
		key := strings.Join(q.Category, "/")
		id, ok := cats[key]
		if !ok {
			if id, err = ensureCategoryPath(ctx, tx.Client(), opt.CategoryID, q.Category); err != nil {
				return 0, fmt.Errorf("importing question at line %d: %w", q.Line, err)
			}
			cats[key] = id
		}
		in := q.Input
		in.CategoryID = id
		if _, err := insertQuestion(ctx, tx.Client(), in, opt.AuthorID, 0, 1); err != nil {
			return 0, fmt.Errorf("importing question at line %d: %w", q.Line, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("importing questions: %w", err)
	}
	s.bankChanged()
	return len(p.Questions), nil
}
