package quizzes

import (
	"context"
	"fmt"
	"time"
)

// SeedDemo creates the demo content: a question bank about the bureau's 2021 rule-of-law work plan
// (one category per section of the plan), a practice quiz, an exam and a competition, all
// published. It is meant for an empty database; run twice it adds a second copy.
func SeedDemo(ctx context.Context, svc *Service, authorID int) error {
	root, err := svc.CreateCategory(ctx, "2021年法治工作要点", 0)
	if err != nil {
		return fmt.Errorf("seeding demo bank: %w", err)
	}
	cats := make([]int, len(demoCategories))
	for i, name := range demoCategories {
		c, err := svc.CreateCategory(ctx, name, root.ID)
		if err != nil {
			return fmt.Errorf("seeding demo bank: %w", err)
		}
		cats[i] = c.ID
	}
	for i, q := range demoQuestions {
		in := QuestionInput{CategoryID: cats[q.cat], Kind: q.kind, Stem: q.stem, Options: q.options, Answer: q.answer,
			Explanation: q.expl, Difficulty: q.diff, Tags: []string{"2021工作要点"}}
		if q.kind == KindSingle || q.kind == KindMultiple {
			in.Options = append([]string(nil), q.options...)
		}
		if _, err := svc.CreateQuestion(ctx, in, authorID); err != nil {
			return fmt.Errorf("seeding demo question %d (%s): %w", i+1, q.stem, err)
		}
	}
	now := svc.clock()
	closes := now.AddDate(0, 1, 0)
	r := func(n int, kind string, points float64) Rule {
		return Rule{Count: n, Kind: kind, CategoryID: root.ID, Points: points}
	}
	quizzes := []QuizInput{
		{Title: "法治工作要点随堂练习", Mode: ModePractice, Rules: []Rule{r(10, KindSingle, 1), r(5, KindTrueFalse, 1), r(5, KindFillBlank, 1)},
			ShuffleQuestions: true, ShuffleOptions: true, Review: ReviewAfterSubmit,
			Description: "不限次数，答完即显示对错。"},
		{Title: "2021年法治工作要点考试", Mode: ModeExam, TimeLimit: 30 * time.Minute, PassScore: 60, AttemptsAllowed: 2,
			Rules:   []Rule{r(10, KindSingle, 3), r(8, KindMultiple, 4), r(10, KindTrueFalse, 2), r(5, KindFillBlank, 2), r(1, KindShortAnswer, 8)},
			OpensAt: &now, ClosesAt: &closes, ShuffleQuestions: true, ShuffleOptions: true, Review: ReviewAfterClose,
			Description: "满分100分，60分及格，限时30分钟，可考两次。"},
		{Title: "“人人能办案、人人办好案”法治知识竞赛", Mode: ModeCompetition, TimeLimit: 15 * time.Minute, AttemptsAllowed: 1,
			Rules:   []Rule{r(10, KindSingle, 4), r(5, KindMultiple, 6), r(5, KindTrueFalse, 2)},
			OpensAt: &now, ClosesAt: &closes, ShuffleQuestions: true, ShuffleOptions: true, Review: ReviewAfterClose,
			Description: "按得分排名，同分用时少者在前；同时按单位平均分排名。"},
	}
	for _, q := range quizzes {
		q.Publish = true
		if _, err := svc.CreateQuiz(ctx, q, authorID); err != nil {
			return fmt.Errorf("seeding demo quiz %q: %w", q.Title, err)
		}
	}
	return nil
}
