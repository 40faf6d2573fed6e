package courses

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Hours are the credit hours (学时) a person earned in a year.
type Hours struct {
	Courses  float64 // from online courses completed that year
	Lectures float64 // from in-person sessions attended that year
}

// Total is all hours of the year.
func (h Hours) Total() float64 { return h.Courses + h.Lectures }

// inChunk bounds IN lists: MySQL and SQLite both accept far more, but long statements cost parsing.
const inChunk = 1000

// courseHoursSQL finds the courses each person completed (every lesson of the course completed), and
// when: the last of those lessons. Counting against the lessons per course keeps it to one grouped
// pass over the (course_id, person_id, completed_at) index, however many people there are.
const courseHoursSQL = `SELECT x.person_id, SUM(c.credit_hours) FROM (
  SELECT p.person_id, p.course_id FROM lesson_progresses p
  JOIN (SELECT course_id, COUNT(*) AS n FROM lessons GROUP BY course_id) lc ON lc.course_id = p.course_id
  WHERE p.completed_at IS NOT NULL %s
  GROUP BY p.person_id, p.course_id, lc.n
  HAVING COUNT(*) = lc.n AND MAX(p.completed_at) >= ? AND MAX(p.completed_at) < ?
) x JOIN courses c ON c.id = x.course_id
GROUP BY x.person_id`

const lectureHoursSQL = `SELECT a.person_id, SUM(a.hours) FROM attendances a
JOIN lectures l ON l.id = a.lecture_id
WHERE l.held_on >= ? AND l.held_on < ? %s
GROUP BY a.person_id`

// HoursForYear is one person's credit hours of a calendar year, counted in Asia/Shanghai.
func (s *Service) HoursForYear(ctx context.Context, personID, year int) (Hours, error) {
	m, err := s.HoursForYearMany(ctx, year, []int{personID})
	return m[personID], err
}

// HoursForYearMany is HoursForYear for many people at once, for reports: two grouped queries per
// thousand people (or two in all, with personIDs nil, which covers everyone). People without hours
// are absent from the map.
func (s *Service) HoursForYearMany(ctx context.Context, year int, personIDs []int) (map[int]Hours, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, Shanghai).UTC()
	to := time.Date(year+1, 1, 1, 0, 0, 0, 0, Shanghai).UTC()
	out := map[int]Hours{}
	batches := [][]int{nil}
	if personIDs != nil {
		batches = slices.Collect(slices.Chunk(personIDs, inChunk))
	}
	for _, ids := range batches {
		courseFilter, lectureFilter := "", ""
		if ids != nil {
			courseFilter = "AND p.person_id IN (" + placeholders(len(ids)) + ")"
			lectureFilter = "AND a.person_id IN (" + placeholders(len(ids)) + ")"
		}
		args := intArgs(ids)
		err := s.sumByPerson(ctx, fmt.Sprintf(courseHoursSQL, courseFilter), append(args, from, to),
			func(id int, v float64) { h := out[id]; h.Courses = v; out[id] = h })
		if err != nil {
			return nil, fmt.Errorf("counting course hours of %d: %w", year, err)
		}
		err = s.sumByPerson(ctx, fmt.Sprintf(lectureHoursSQL, lectureFilter), append([]any{from, to}, args...),
			func(id int, v float64) { h := out[id]; h.Lectures = v; out[id] = h })
		if err != nil {
			return nil, fmt.Errorf("counting lecture hours of %d: %w", year, err)
		}
	}
	return out, nil
}

// sumByPerson runs a query giving (person_id, hours) rows.
func (s *Service) sumByPerson(ctx context.Context, query string, args []any, into func(id int, v float64)) error {
	rows, err := s.db.SQL.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var v float64
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		into(id, v)
	}
	return rows.Err()
}
