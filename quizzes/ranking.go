package quizzes

import (
	"context"
	"fmt"
)

// PersonRank is a row of a competition's ranking by person: each person's best attempt.
type PersonRank struct {
	Rank     int
	PersonID int
	Name     string
	UnitID   int
	UnitName string
	Score    float64
	Duration int
}

// UnitRank is a row of a competition's ranking by unit: the mean of its members' best scores.
type UnitRank struct {
	Rank         int
	UnitID       int
	UnitName     string
	Participants int
	MeanScore    float64
}

// bestAttempts is each person's best graded attempt at a quiz: highest score, then fastest, then
// earliest. ROW_NUMBER() exists in SQLite ≥ 3.25, MySQL 8, MariaDB 10.2 and TiDB.
const bestAttempts = `SELECT person_id, score, duration_seconds FROM (
 SELECT person_id, score, duration_seconds,
  ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY score DESC, duration_seconds ASC, id ASC) AS rn
 FROM attempts WHERE quiz_id = ? AND status = 'graded') b WHERE rn = 1`

// RankPeople ranks people by their best score (descending), then time (ascending). Equal score and
// time share a rank.
func (s *Service) RankPeople(ctx context.Context, quizID int) ([]PersonRank, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT b.person_id, p.name, p.unit_id, u.name, b.score, b.duration_seconds
 FROM (`+bestAttempts+`) b JOIN persons p ON p.id = b.person_id JOIN units u ON u.id = p.unit_id
 ORDER BY b.score DESC, b.duration_seconds ASC, b.person_id ASC`, quizID)
	if err != nil {
		return nil, fmt.Errorf("ranking people at quiz %d: %w", quizID, err)
	}
	defer rows.Close()
	var out []PersonRank
	for rows.Next() {
		var r PersonRank
		if err := rows.Scan(&r.PersonID, &r.Name, &r.UnitID, &r.UnitName, &r.Score, &r.Duration); err != nil {
			return nil, fmt.Errorf("ranking people at quiz %d: %w", quizID, err)
		}
		r.Rank = len(out) + 1
		if n := len(out); n > 0 && out[n-1].Score == r.Score && out[n-1].Duration == r.Duration {
			r.Rank = out[n-1].Rank
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RankUnits ranks units by the mean best score of their members who took part (person.unit_id, the
// unit itself, not its subtree).
func (s *Service) RankUnits(ctx context.Context, quizID int) ([]UnitRank, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT u.id, u.name, COUNT(*), AVG(b.score)
 FROM (`+bestAttempts+`) b JOIN persons p ON p.id = b.person_id JOIN units u ON u.id = p.unit_id
 GROUP BY u.id, u.name ORDER BY AVG(b.score) DESC, u.id ASC`, quizID)
	if err != nil {
		return nil, fmt.Errorf("ranking units at quiz %d: %w", quizID, err)
	}
	defer rows.Close()
	var out []UnitRank
	for rows.Next() {
		var r UnitRank
		if err := rows.Scan(&r.UnitID, &r.UnitName, &r.Participants, &r.MeanScore); err != nil {
			return nil, fmt.Errorf("ranking units at quiz %d: %w", quizID, err)
		}
		r.Rank = len(out) + 1
		if n := len(out); n > 0 && out[n-1].MeanScore == r.MeanScore {
			r.Rank = out[n-1].Rank
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
