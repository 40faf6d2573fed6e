package quizzes

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// Item statistics follow Moodle's "Quiz statistics calculations" (docs.moodle.org/dev/Quiz_statistics_calculations),
// restated here in our own terms:
//
//   - By default only each person's first attempt counts, because later attempts are no longer
//     independent of the earlier ones; AllAttempts includes every attempt, each treated as if a
//     different person had made it. Unanswered questions score 0.
//   - Facility index F of a question: its mean score as a share of the range of possible scores,
//     F = 100 · (mean(x) − min) / (max − min); our minimum is 0, so F = 100 · mean(x) / max. A high
//     value means an easy question.
//   - Standard deviation SD of the question's score, as a percentage of its maximum (sample form,
//     divided by n−1).
//   - Discrimination index D: the correlation between the score on this question (x) and the score on
//     the rest of the paper (X − x), as a percentage: D = 100 · C(x, X−x) / √(V(x) · V(X−x)). Using
//     the rest of the paper, not the total, removes the question's own share of the total, which
//     would otherwise inflate the correlation. Undefined (NaN) when either variance is 0.
//   - Option frequencies: how often each option was chosen.
//
// The aggregation is one GROUP BY over answers joined with attempts: Σx, Σx², ΣX, ΣX², ΣxX per
// question (summed over its response groups) are enough for every variance and covariance, so 10,000 attempts of 50 questions are one
// pass over 500,000 rows in the database, not a loop over attempts.

// ItemStat is the statistics of one question of a quiz.
type ItemStat struct {
	QuestionID     int
	Kind           string
	Stem           string
	Attempts       int
	MaxPoints      float64
	MeanScore      float64
	Facility       float64        // 0-100
	SD             float64        // 0-100, of the maximum
	Discrimination float64        // -100..100; NaN when undefined
	OptionCounts   map[string]int // option letter (or true/false) -> how many chose it
}

// QuizStats is the statistics of a quiz.
type QuizStats struct {
	Attempts  int
	MeanScore float64
	Items     []ItemStat
}

// ItemStatistics computes the item statistics of a quiz over its closed attempts.
func (s *Service) ItemStatistics(ctx context.Context, quizID int, allAttempts bool) (*QuizStats, error) {
	filter := "t.quiz_id = ? AND t.status <> 'in_progress'"
	if !allAttempts {
		filter += " AND t.number = 1"
	}
	st := &QuizStats{}
	if err := s.db.SQL.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(AVG(t.score), 0) FROM attempts t WHERE `+filter, quizID).
		Scan(&st.Attempts, &st.MeanScore); err != nil {
		return nil, fmt.Errorf("statistics of quiz %d: %w", quizID, err)
	}
	// One pass over the answers: grouped by question and, for choice kinds, by response, so the same
	// rows give the option frequencies; the sums are added up per question in Go. The response is
	// JSON (LONGTEXT on MariaDB): grouping by a short VARCHAR keeps the temporary table in memory.
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT a.question_id, q.kind,
 CASE WHEN q.kind IN ('single', 'multiple', 'true_false') THEN CAST(a.response AS CHAR(200)) ELSE NULL END AS r,
 COUNT(*), MAX(a.max_points),
 SUM(COALESCE(a.points, 0)), SUM(COALESCE(a.points, 0) * COALESCE(a.points, 0)),
 SUM(t.score), SUM(t.score * t.score), SUM(COALESCE(a.points, 0) * t.score)
 FROM answers a JOIN attempts t ON t.id = a.attempt_id JOIN questions q ON q.id = a.question_id
 WHERE `+filter+`
 GROUP BY a.question_id, q.kind, CASE WHEN q.kind IN ('single', 'multiple', 'true_false') THEN CAST(a.response AS CHAR(200)) ELSE NULL END`, quizID)
	if err != nil {
		return nil, fmt.Errorf("statistics of quiz %d: %w", quizID, err)
	}
	defer rows.Close()
	type sums struct{ sx, sxx, sX, sXX, sxX float64 }
	acc := map[int]*sums{}
	byID := map[int]*ItemStat{}
	var order []int
	for rows.Next() {
		var qid, n int
		var kind string
		var resp []byte
		var maxPts float64
		var g sums
		if err := rows.Scan(&qid, &kind, &resp, &n, &maxPts, &g.sx, &g.sxx, &g.sX, &g.sXX, &g.sxX); err != nil {
			return nil, fmt.Errorf("statistics of quiz %d: %w", quizID, err)
		}
		it := byID[qid]
		if it == nil {
			it = &ItemStat{QuestionID: qid, Kind: kind, OptionCounts: map[string]int{}}
			byID[qid], acc[qid] = it, &sums{}
			order = append(order, qid)
		}
		it.Attempts += n
		it.MaxPoints = math.Max(it.MaxPoints, maxPts)
		a := acc[qid]
		a.sx, a.sxx, a.sX, a.sXX, a.sxX = a.sx+g.sx, a.sxx+g.sxx, a.sX+g.sX, a.sXX+g.sXX, a.sxX+g.sxX
		countOptions(it, resp, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, qid := range order {
		it, a := byID[qid], acc[qid]
		computeItem(it, a.sx, a.sxx, a.sX, a.sXX, a.sxX)
		st.Items = append(st.Items, *it)
	}
	for i := range st.Items {
		if q, err := s.version(ctx, st.Items[i].QuestionID); err == nil {
			st.Items[i].Stem = q.Stem
		}
	}
	sort.Slice(st.Items, func(a, b int) bool { return st.Items[a].QuestionID < st.Items[b].QuestionID })
	return st, nil
}

// computeItem turns the sums into Moodle's statistics (see the comment at the top of the file).
func computeItem(it *ItemStat, sx, sxx, sX, sXX, sxX float64) {
	n := float64(it.Attempts)
	if n == 0 {
		return
	}
	it.MeanScore = sx / n
	if it.MaxPoints > 0 {
		it.Facility = 100 * it.MeanScore / it.MaxPoints
	}
	it.Discrimination = math.NaN()
	if n < 2 {
		return
	}
	vx := (sxx - sx*sx/n) / (n - 1)
	vX := (sXX - sX*sX/n) / (n - 1)
	cxX := (sxX - sx*sX/n) / (n - 1)
	if it.MaxPoints > 0 {
		it.SD = 100 * math.Sqrt(math.Max(vx, 0)) / it.MaxPoints
	}
	// The rest of the paper is R = X − x: C(x,R) = C(x,X) − V(x); V(R) = V(X) − 2C(x,X) + V(x).
	cxR := cxX - vx
	vR := vX - 2*cxX + vx
	if vx > 1e-12 && vR > 1e-12 {
		it.Discrimination = 100 * cxR / math.Sqrt(vx*vR)
	}
}

// countOptions adds a group of identical responses to the option frequencies; a multiple-choice
// response counts once for every option it picked. Unanswered questions have no response.
func countOptions(it *ItemStat, resp []byte, n int) {
	if resp == nil {
		return
	}
	var parts []string
	_ = json.Unmarshal(resp, &parts) // written by SaveAnswer as a JSON array
	for _, p := range parts {
		key := p
		if it.Kind == KindTrueFalse {
			key, _ = trueFalse(p)
		} else if i := optionIndex(p); i >= 0 {
			key = optionKey(i)
		}
		it.OptionCounts[key] += n
	}
}
