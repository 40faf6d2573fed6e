package quizzes

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"peixun/ent"
	"peixun/ent/question"
	"peixun/ent/questioncategory"
)

// bankExport is the active questions of a category subtree with each one's category path below the
// exported category, so that an export imported elsewhere rebuilds the same sub-categories.
type bankExport struct {
	questions []*ent.Question
	paths     map[int][]string
}

func (s *Service) loadBank(ctx context.Context, categoryID int) (*bankExport, error) {
	root, err := s.categoryPath(ctx, categoryID, "category_id")
	if err != nil {
		return nil, err
	}
	cats, err := s.client().QuestionCategory.Query().Where(questioncategory.PathHasPrefix(root)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading categories under %d: %w", categoryID, err)
	}
	byID := map[int]*ent.QuestionCategory{}
	for _, c := range cats {
		byID[c.ID] = c
	}
	paths := map[int][]string{}
	for _, c := range cats {
		var names []string
		for cur := c; cur != nil && cur.ID != categoryID; {
			names = append([]string{cur.Name}, names...)
			if cur.ParentID == nil {
				break
			}
			cur = byID[*cur.ParentID]
		}
		paths[c.ID] = names
	}
	qs, err := s.client().Question.Query().Where(question.StatusEQ(question.StatusActive), inCategoryTree(root)).
		Order(ent.Asc(question.FieldCategoryID), ent.Asc(question.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("loading questions under %d: %w", categoryID, err)
	}
	return &bankExport{questions: qs, paths: paths}, nil
}

// ExportXLSX writes the active questions of a category subtree in the import template's layout.
func (s *Service) ExportXLSX(ctx context.Context, categoryID int, w io.Writer) error {
	bank, err := s.loadBank(ctx, categoryID)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return fmt.Errorf("exporting bank: %w", err)
	}
	if err := sw.SetRow("A1", anyRow(sheetHeaders)); err != nil {
		return fmt.Errorf("exporting bank: %w", err)
	}
	for i, q := range bank.questions {
		opts := make([]string, 6)
		copy(opts, q.Options)
		answer := strings.Join(q.Answer, "")
		switch string(q.Kind) {
		case KindTrueFalse:
			answer = map[string]string{"true": "对", "false": "错"}[strings.Join(q.Answer, "")]
		case KindFillBlank, KindShortAnswer:
			answer = strings.Join(q.Answer, "|")
		}
		row := append([]string{kindLabel[string(q.Kind)], strings.Join(bank.paths[q.CategoryID], "/"), q.Stem}, opts...)
		row = append(row, answer, q.Explanation, strconv.Itoa(q.Difficulty), strings.Join(q.Tags, ","), q.Statute, q.Article)
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, anyRow(row)); err != nil {
			return fmt.Errorf("exporting question %d: %w", q.ID, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("exporting bank: %w", err)
	}
	return f.Write(w)
}

func anyRow(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// giftEscape escapes GIFT's special characters.
func giftEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `~`, `\~`, `=`, `\=`, `#`, `\#`, `{`, `\{`, `}`, `\}`, `:`, `\:`, "\n", `\n`)
	return r.Replace(s)
}

// ExportGIFT writes the active questions of a category subtree as GIFT, with $CATEGORY lines; the
// difficulty, tags and legal basis have no place in GIFT and are not written.
func (s *Service) ExportGIFT(ctx context.Context, categoryID int, w io.Writer) error {
	bank, err := s.loadBank(ctx, categoryID)
	if err != nil {
		return err
	}
	var b strings.Builder
	current := "\x00"
	for _, q := range bank.questions {
		if cat := strings.Join(bank.paths[q.CategoryID], "/"); cat != current {
			fmt.Fprintf(&b, "$CATEGORY: %s\n\n", cat)
			current = cat
		}
		fmt.Fprintf(&b, "::Q%d:: %s {", q.ID, giftEscape(q.Stem))
		switch string(q.Kind) {
		case KindTrueFalse:
			b.WriteString(map[string]string{"true": "T", "false": "F"}[strings.Join(q.Answer, "")])
		case KindSingle:
			for i, o := range q.Options {
				mark := "~"
				if len(q.Answer) == 1 && optionIndex(q.Answer[0]) == i {
					mark = "="
				}
				fmt.Fprintf(&b, "\n\t%s%s", mark, giftEscape(o))
			}
			b.WriteString("\n")
		case KindMultiple:
			right := letterSet(q.Answer)
			share := strconv.FormatFloat(100/float64(len(right)), 'f', -1, 64)
			for i, o := range q.Options {
				w := "-100"
				if right[i] {
					w = share
				}
				fmt.Fprintf(&b, "\n\t~%%%s%%%s", w, giftEscape(o))
			}
			b.WriteString("\n")
		case KindFillBlank:
			for _, a := range q.Answer {
				fmt.Fprintf(&b, "=%s ", giftEscape(a))
			}
		case KindShortAnswer:
		}
		if q.Explanation != "" {
			fmt.Fprintf(&b, "####%s", giftEscape(q.Explanation))
		}
		b.WriteString("}\n\n")
	}
	_, err = io.WriteString(w, b.String())
	return err
}
