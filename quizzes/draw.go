package quizzes

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"

	"peixun/ent/question"
	"peixun/ent/quiz"
	"peixun/ent/schema"
	"peixun/fault"
)

// PaperItem is one question of a frozen paper: the exact version shown, its weight, and the order in
// which its options were shown (indices into the version's options; empty when not shuffled). It is
// the type of the attempt's paper column (ent/schema/paper.go).
type PaperItem = schema.PaperItem

// candidate is a question that a rule may draw.
type candidate struct {
	ID        int    `json:"id"`
	LineageID int    `json:"lineage_id"`
	Version   int    `json:"version"`
	Kind      string `json:"kind"`
}

// ruleDraw is a rule with the questions it may draw, ready to pick from.
type ruleDraw struct {
	index    int
	rule     Rule
	pool     []candidate
	lineages []int // a fixed list's lineages in the trainer's order; nil for a category rule
}

// pools loads the questions every rule may draw. Fixed lists follow lineages to their current
// version, so a quiz built before an edit shows the edited question.
func (s *Service) pools(ctx context.Context, rules []Rule) ([]ruleDraw, error) {
	draws := make([]ruleDraw, 0, len(rules))
	for i, r := range rules {
		q := s.client().Question.Query().Where(question.StatusEQ(question.StatusActive))
		var lineages []int
		if len(r.QuestionIDs) > 0 {
			lineages = s.lineagesOf(ctx, r.QuestionIDs)
			q.Where(question.LineageIDIn(lineages...))
		} else {
			path, err := s.categoryPath(ctx, r.CategoryID, fmt.Sprintf("rules[%d].category_id", i))
			if err != nil {
				return nil, err
			}
			q.Where(question.KindEQ(question.Kind(r.Kind)), inCategoryTree(path))
			if r.Difficulty != 0 {
				q.Where(question.Difficulty(r.Difficulty))
			}
		}
		var pool []candidate
		if err := q.Select(question.FieldID, question.FieldLineageID, question.FieldVersion, question.FieldKind).Scan(ctx, &pool); err != nil {
			return nil, fmt.Errorf("loading questions for rule %d: %w", i+1, err)
		}
		if len(r.QuestionIDs) > 0 && len(pool) < len(r.QuestionIDs) {
			return nil, fault.Field(fmt.Sprintf("rules[%d].question_ids", i), "quiz.questions_unavailable",
				"rule", i+1, "needs", len(r.QuestionIDs), "has", len(pool))
		}
		draws = append(draws, ruleDraw{index: i, rule: r, pool: pool, lineages: lineages})
	}
	// Fixed lists first, then the narrowest pools: when pools nest (a category inside another, one
	// difficulty inside "any"), drawing the narrow rule first can never starve the wide one, so the
	// check below is exact for the trees trainers build.
	sort.SliceStable(draws, func(a, b int) bool {
		fa, fb := len(draws[a].rule.QuestionIDs) > 0, len(draws[b].rule.QuestionIDs) > 0
		if fa != fb {
			return fa
		}
		return len(draws[a].pool) < len(draws[b].pool)
	})
	return draws, nil
}

// lineagesOf maps question ids (any version) to their lineages, in the order of ids, so that a fixed
// list keeps the trainer's order; unknown ids map to nothing.
func (s *Service) lineagesOf(ctx context.Context, ids []int) []int {
	var rows []struct {
		ID        int `json:"id"`
		LineageID int `json:"lineage_id"`
	}
	if err := s.client().Question.Query().Where(question.IDIn(ids...)).
		Select(question.FieldID, question.FieldLineageID).Scan(ctx, &rows); err != nil {
		return nil
	}
	byID := make(map[int]int, len(rows))
	for _, r := range rows {
		byID[r.ID] = r.LineageID
	}
	lineages := make([]int, 0, len(ids))
	for _, id := range ids {
		if l, ok := byID[id]; ok {
			lineages = append(lineages, l)
		}
	}
	return lineages
}

// checkRules refuses rules the bank cannot satisfy now, with the numbers: a rule needing 20 questions
// from a category that has 12 gives needs=20, has=12.
func (s *Service) checkRules(ctx context.Context, rules []Rule) error {
	draws, err := s.pools(ctx, rules)
	if err != nil {
		return err
	}
	_, err = draw(draws, len(rules), nil)
	return err
}

// draw picks the questions of a paper from the rules' pools, which it does not change. With rnd nil
// it picks deterministically (for checking); a question (lineage) is never drawn twice by two rules.
func draw(draws []ruleDraw, rules int, rnd *rand.Rand) ([][]candidate, error) {
	total := 0
	for _, d := range draws {
		total += min(d.rule.size(), len(d.pool)) // never more than the bank holds, whatever the rules ask
	}
	used := make(map[int]bool, total) // sized once: every start of an exam draws
	picked := make([][]candidate, rules)
	for _, d := range draws {
		if rnd != nil && len(d.rule.QuestionIDs) == 0 {
			if got := sample(d.pool, d.rule.size(), used, rnd); got != nil {
				picked[d.index] = got
				continue
			}
		}
		free := slices.DeleteFunc(slices.Clone(d.pool), func(c candidate) bool { return used[c.LineageID] })
		need := d.rule.size()
		if len(free) < need {
			field := fmt.Sprintf("rules[%d]", d.index)
			return nil, fault.Field(field, "quiz.rule_unsatisfiable", "rule", d.index+1, "needs", need, "has", len(free))
		}
		if rnd != nil && len(d.rule.QuestionIDs) == 0 {
			rnd.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
		}
		if len(d.rule.QuestionIDs) > 0 {
			free = orderLike(free, d.lineages)
		}
		for _, c := range free[:need] {
			used[c.LineageID] = true
		}
		picked[d.index] = free[:need]
	}
	return picked, nil
}

// sample draws need questions of a large pool at random, none of a lineage in used, and adds theirs
// to used. It picks by index and draws again on a repeat, so that a start does not copy and shuffle
// a pool of hundreds for twenty questions; each set of need questions stays equally likely. It gives
// up (nil, used unchanged) when the pool is not at least four times need or too many draws repeat,
// and the caller then shuffles what is free. A repeat within this draw is found by looking through
// what it has drawn: a rule draws tens of questions, and a map per start cost more.
func sample(pool []candidate, need int, used map[int]bool, rnd *rand.Rand) []candidate {
	if need == 0 || need*4 > len(pool) {
		return nil
	}
	out := make([]candidate, 0, need)
	for tries := 0; len(out) < need && tries < need*8; tries++ {
		c := pool[rnd.IntN(len(pool))]
		if used[c.LineageID] || slices.ContainsFunc(out, func(o candidate) bool { return o.LineageID == c.LineageID }) {
			continue
		}
		out = append(out, c)
	}
	if len(out) < need {
		return nil
	}
	for _, c := range out {
		used[c.LineageID] = true
	}
	return out
}

// orderLike puts a fixed list's current versions in the order the trainer listed them.
func orderLike(free []candidate, lineages []int) []candidate {
	pos := map[int]int{}
	for i, l := range lineages {
		pos[l] = i
	}
	sort.SliceStable(free, func(a, b int) bool { return pos[free[a].LineageID] < pos[free[b].LineageID] })
	return free
}

// newPaper draws and freezes a paper for one attempt by the quiz's rules.
func (s *Service) newPaper(ctx context.Context, q *startQuiz, rnd *rand.Rand) ([]PaperItem, error) {
	rules := q.rules
	draws, err := s.cachedPools(ctx, q.poolsKey, rules)
	if err != nil {
		return nil, err
	}
	picked, err := draw(draws, len(rules), rnd)
	if err != nil {
		return nil, err
	}
	n := 0
	for _, cs := range picked {
		n += len(cs)
	}
	paper := make([]PaperItem, 0, n)
	for i, cs := range picked {
		for _, c := range cs {
			item := PaperItem{QuestionID: c.ID, Version: c.Version, Kind: c.Kind, Points: rules[i].Points,
				Partial: q.PartialCredit && c.Kind == KindMultiple, Feedback: q.Mode == quiz.ModePractice}
			if q.ShuffleOptions && (c.Kind == KindSingle || c.Kind == KindMultiple) {
				v, err := s.version(ctx, c.ID)
				if err != nil {
					return nil, err
				}
				item.OptionOrder = rnd.Perm(len(v.Options))
			}
			paper = append(paper, item)
		}
	}
	if q.ShuffleQuestions {
		rnd.Shuffle(len(paper), func(i, j int) { paper[i], paper[j] = paper[j], paper[i] })
	}
	return paper, nil
}
