package quizzes

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"peixun/ent"
	"peixun/ent/attempt"
	"peixun/ent/quiz"
)

// MyAttempt is a row of a learner's "my attempts" page.
type MyAttempt struct {
	*ent.Attempt
	QuizTitle string
	QuizMode  string
}

// MyAttempts lists the person's attempts, newest first.
func (s *Service) MyAttempts(ctx context.Context, personID int) ([]MyAttempt, error) {
	list, err := s.client().Attempt.Query().Where(attempt.PersonID(personID)).Order(ent.Desc(attempt.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing attempts of person %d: %w", personID, err)
	}
	ids := make([]int, 0, len(list))
	for _, a := range list {
		ids = append(ids, a.QuizID)
	}
	quizzes, err := s.client().Quiz.Query().Where(quiz.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing attempts of person %d: %w", personID, err)
	}
	byID := map[int]*ent.Quiz{}
	for _, q := range quizzes {
		byID[q.ID] = q
	}
	out := make([]MyAttempt, 0, len(list))
	for _, a := range list {
		m := MyAttempt{Attempt: a}
		if q := byID[a.QuizID]; q != nil {
			m.QuizTitle, m.QuizMode = q.Title, string(q.Mode)
		}
		out = append(out, m)
	}
	return out, nil
}

// WrongQuestion is an entry of the wrong-question book: a question the person missed, in its
// current version when it has one (so practice uses the corrected text).
type WrongQuestion struct {
	Question *ent.Question
	Misses   int
	LastMiss time.Time
	ShownID  int // the version that was missed
}

// WrongBook returns the questions the person got wrong in submitted attempts, most recent first.
// A question answered right in a later attempt leaves the book.
func (s *Service) WrongBook(ctx context.Context, personID int) ([]WrongQuestion, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT q.lineage_id, MAX(a.question_id), COUNT(*), MAX(t.submitted_at)
 FROM answers a JOIN attempts t ON t.id = a.attempt_id JOIN questions q ON q.id = a.question_id
 WHERE t.person_id = ? AND t.status IN ('submitted', 'graded') AND a.correct = ? AND a.points IS NOT NULL
 GROUP BY q.lineage_id`, personID, false)
	if err != nil {
		return nil, fmt.Errorf("building the wrong-question book of person %d: %w", personID, err)
	}
	defer rows.Close()
	type miss struct {
		lineage, shown, n int
		last              time.Time
	}
	var misses []miss
	for rows.Next() {
		var m miss
		var last any
		if err := rows.Scan(&m.lineage, &m.shown, &m.n, &last); err != nil {
			return nil, fmt.Errorf("building the wrong-question book: %w", err)
		}
		m.last = anyTime(last)
		misses = append(misses, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []WrongQuestion
	for _, m := range misses {
		// Answered right after the last miss? Then it has been learnt.
		var later int
		if err := s.db.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM answers a JOIN attempts t ON t.id = a.attempt_id
 JOIN questions q ON q.id = a.question_id WHERE t.person_id = ? AND q.lineage_id = ? AND a.correct = ? AND t.submitted_at > ?`,
			personID, m.lineage, true, m.last).Scan(&later); err != nil {
			return nil, fmt.Errorf("building the wrong-question book: %w", err)
		}
		if later > 0 {
			continue
		}
		q, err := s.currentVersion(ctx, m.lineage, m.shown)
		if err != nil {
			return nil, err
		}
		out = append(out, WrongQuestion{Question: q, Misses: m.n, LastMiss: m.last, ShownID: m.shown})
	}
	sortByLastMiss(out)
	return out, nil
}

// PracticeWrongQuestions makes a personal practice quiz over the person's wrong-question book.
func (s *Service) PracticeWrongQuestions(ctx context.Context, personID int) (*ent.Quiz, error) {
	book, err := s.WrongBook(ctx, personID)
	if err != nil {
		return nil, err
	}
	var ids []int
	for _, w := range book {
		if w.Question.Status == "active" {
			ids = append(ids, w.Question.ID)
		}
	}
	if len(ids) == 0 {
		return nil, faultNothingToPractise()
	}
	return s.CreateQuiz(ctx, QuizInput{Title: "错题练习", Mode: ModePractice, Rules: []Rule{{QuestionIDs: ids, Points: 1}},
		ShuffleQuestions: true, ShuffleOptions: true, Publish: true, ForPerson: personID}, personID)
}

// ResultRow is one attempt on the trainer's results page and export.
type ResultRow struct {
	AttemptID   int
	PersonID    int
	Username    string
	Name        string
	UnitName    string
	Number      int
	Status      string
	Score       float64
	MaxScore    float64
	Passed      bool
	Duration    int
	SubmittedAt time.Time
}

// QuizResults lists every closed attempt of a quiz with the person and unit, best scores first.
func (s *Service) QuizResults(ctx context.Context, quizID int) ([]ResultRow, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT t.id, p.id, p.username, p.name, u.name, t.number, t.status,
 t.score, t.max_score, t.passed, t.duration_seconds, t.submitted_at
 FROM attempts t JOIN persons p ON p.id = t.person_id JOIN units u ON u.id = p.unit_id
 WHERE t.quiz_id = ? AND t.status <> 'in_progress'
 ORDER BY t.score DESC, t.duration_seconds, t.id`, quizID)
	if err != nil {
		return nil, fmt.Errorf("listing results of quiz %d: %w", quizID, err)
	}
	defer rows.Close()
	var out []ResultRow
	for rows.Next() {
		var r ResultRow
		var sub any
		if err := rows.Scan(&r.AttemptID, &r.PersonID, &r.Username, &r.Name, &r.UnitName, &r.Number, &r.Status,
			&r.Score, &r.MaxScore, &r.Passed, &r.Duration, &sub); err != nil {
			return nil, fmt.Errorf("listing results of quiz %d: %w", quizID, err)
		}
		r.SubmittedAt = anyTime(sub)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ExportResultsXLSX writes a quiz's results as a spreadsheet with the stream writer, so memory stays
// flat for a bureau-wide exam. Times are shown in Asia/Shanghai.
func (s *Service) ExportResultsXLSX(ctx context.Context, quizID int, w io.Writer) error {
	return s.ExportResultsXLSXIn(ctx, quizID, "/", w)
}

// ExportResultsXLSXIn exports the results of the people within scopePath (see QuizResultsIn).
func (s *Service) ExportResultsXLSXIn(ctx context.Context, quizID int, scopePath string, w io.Writer) error {
	results, err := s.QuizResultsIn(ctx, quizID, scopePath)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return fmt.Errorf("exporting results of quiz %d: %w", quizID, err)
	}
	if err := sw.SetRow("A1", []any{"用户名", "姓名", "单位", "第几次", "状态", "得分", "满分", "是否通过", "用时(秒)", "交卷时间"}); err != nil {
		return fmt.Errorf("exporting results of quiz %d: %w", quizID, err)
	}
	status := map[string]string{StatusSubmitted: "待阅卷", StatusGraded: "已评分"}
	for i, r := range results {
		passed := "否"
		if r.Passed {
			passed = "是"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{r.Username, r.Name, r.UnitName, r.Number, status[r.Status], r.Score, r.MaxScore,
			passed, r.Duration, r.SubmittedAt.In(loc).Format("2006-01-02 15:04:05")}); err != nil {
			return fmt.Errorf("exporting results of quiz %d: %w", quizID, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("exporting results of quiz %d: %w", quizID, err)
	}
	return f.Write(w)
}
