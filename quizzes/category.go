package quizzes

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"peixun/ent"
	"peixun/ent/question"
	"peixun/ent/questioncategory"
	"peixun/fault"
)

// CreateCategory adds a category under parentID (0 for a top-level one). Its path is the parent's
// path plus its own id, so a subtree is one indexed prefix match, as for units.
func (s *Service) CreateCategory(ctx context.Context, name string, parentID int) (*ent.QuestionCategory, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, fault.Field("name", "category.name_required")
	}
	if utf8.RuneCountInString(name) > 200 {
		return nil, fault.Field("name", "category.name_too_long", "max", 200)
	}
	tx, err := s.client().Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("creating category %q: %w", name, err)
	}
	defer tx.Rollback()
	cat, err := createCategory(ctx, tx.Client(), name, parentID)
	if err != nil {
		return nil, err
	}
	return cat, tx.Commit()
}

// createCategory inserts a category and then sets its path, which needs the new id; c should be a
// transaction's client so that no category is ever seen without its path.
func createCategory(ctx context.Context, c *ent.Client, name string, parentID int) (*ent.QuestionCategory, error) {
	parentPath := "/"
	if parentID != 0 {
		p, err := c.QuestionCategory.Get(ctx, parentID)
		if ent.IsNotFound(err) {
			return nil, fault.Field("parent_id", "category.parent_not_found", "id", parentID)
		}
		if err != nil {
			return nil, fmt.Errorf("loading parent category %d: %w", parentID, err)
		}
		parentPath = p.Path
	}
	cr := c.QuestionCategory.Create().SetName(name).SetPath(parentPath)
	if parentID != 0 {
		cr.SetParentID(parentID)
	}
	cat, err := cr.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("creating category %q: %w", name, err)
	}
	cat, err = c.QuestionCategory.UpdateOne(cat).SetPath(parentPath + strconv.Itoa(cat.ID) + "/").Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("setting path of category %d: %w", cat.ID, err)
	}
	return cat, nil
}

// RenameCategory changes a category's name.
func (s *Service) RenameCategory(ctx context.Context, id int, name string) (*ent.QuestionCategory, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, fault.Field("name", "category.name_required")
	}
	c, err := s.client().QuestionCategory.UpdateOneID(id).SetName(name).Save(ctx)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("question_category")
	}
	if err != nil {
		return nil, fmt.Errorf("renaming category %d: %w", id, err)
	}
	return c, nil
}

// DeleteCategory removes an empty category: one without sub-categories or questions of any version,
// because old versions are still referenced by attempts.
func (s *Service) DeleteCategory(ctx context.Context, id int) error {
	if n, err := s.client().QuestionCategory.Query().Where(questioncategory.ParentID(id)).Count(ctx); err != nil || n > 0 {
		if err != nil {
			return fmt.Errorf("checking category %d: %w", id, err)
		}
		return fault.New(fault.Conflict, "category.has_children")
	}
	if n, err := s.client().Question.Query().Where(question.CategoryID(id)).Count(ctx); err != nil || n > 0 {
		if err != nil {
			return fmt.Errorf("checking category %d: %w", id, err)
		}
		return fault.New(fault.Conflict, "category.not_empty").With("questions", n)
	}
	if err := s.client().QuestionCategory.DeleteOneID(id).Exec(ctx); err != nil {
		if ent.IsNotFound(err) {
			return fault.NotFoundf("question_category")
		}
		return fmt.Errorf("deleting category %d: %w", id, err)
	}
	return nil
}

// CategoryNode is a category with its children, for the tree on the bank page.
type CategoryNode struct {
	*ent.QuestionCategory
	Active   int // active questions directly in this category
	Children []*CategoryNode
}

// CategoryTree returns every category as a forest, ordered by name.
func (s *Service) CategoryTree(ctx context.Context) ([]*CategoryNode, error) {
	cats, err := s.client().QuestionCategory.Query().Order(ent.Asc(questioncategory.FieldName)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing categories: %w", err)
	}
	var counts []struct {
		CategoryID int `json:"category_id"`
		Count      int `json:"count"`
	}
	if err := s.client().Question.Query().Where(question.StatusEQ(question.StatusActive)).
		GroupBy(question.FieldCategoryID).Aggregate(ent.Count()).Scan(ctx, &counts); err != nil {
		return nil, fmt.Errorf("counting questions per category: %w", err)
	}
	active := map[int]int{}
	for _, c := range counts {
		active[c.CategoryID] = c.Count
	}
	nodes := map[int]*CategoryNode{}
	for _, c := range cats {
		nodes[c.ID] = &CategoryNode{QuestionCategory: c, Active: active[c.ID]}
	}
	var roots []*CategoryNode
	for _, c := range cats {
		n := nodes[c.ID]
		if c.ParentID != nil && nodes[*c.ParentID] != nil {
			p := nodes[*c.ParentID]
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	return roots, nil
}

// categoryPath returns the path of a category, or a field fault naming field when it does not exist.
func (s *Service) categoryPath(ctx context.Context, id int, field string) (string, error) {
	c, err := s.client().QuestionCategory.Get(ctx, id)
	if ent.IsNotFound(err) || id == 0 {
		return "", fault.Field(field, "category.not_found", "id", id)
	}
	if err != nil {
		return "", fmt.Errorf("loading category %d: %w", id, err)
	}
	return c.Path, nil
}

// ensureCategoryPath finds or creates the chain of categories named by names below parentID and
// returns the id of the last one; imports use it for "$CATEGORY: 法治/三项制度".
func ensureCategoryPath(ctx context.Context, c *ent.Client, parentID int, names []string) (int, error) {
	id := parentID
	for _, name := range names {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		q := c.QuestionCategory.Query().Where(questioncategory.Name(name))
		if id == 0 {
			q.Where(questioncategory.ParentIDIsNil())
		} else {
			q.Where(questioncategory.ParentID(id))
		}
		found, err := q.First(ctx)
		switch {
		case err == nil:
			id = found.ID
		case ent.IsNotFound(err):
			cat, err := createCategory(ctx, c, name, id)
			if err != nil {
				return 0, err
			}
			id = cat.ID
		default:
			return 0, fmt.Errorf("finding category %q: %w", name, err)
		}
	}
	return id, nil
}
