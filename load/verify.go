package load

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Lost checks that every acknowledged answer is in the database: for each attempt and question the
// stored answer must carry the highest sequence number the server acknowledged (the last answer
// wins), with that answer's response. It returns how many acknowledged answers are missing or were
// overwritten by an older one.
func Lost(ctx context.Context, db *sql.DB, acks []Ack) (lost int, checked int, err error) {
	type key struct{ attempt, question int }
	want := map[key]Ack{}
	attempts := map[int]bool{}
	for _, a := range acks {
		k := key{a.Attempt, a.Question}
		if cur, ok := want[k]; !ok || a.Seq > cur.Seq {
			want[k] = a
		}
		attempts[a.Attempt] = true
	}
	ids := make([]any, 0, len(attempts))
	for id := range attempts {
		ids = append(ids, id)
	}
	got := map[key]struct {
		seq  int
		resp string
	}{}
	for start := 0; start < len(ids); start += 500 {
		batch := ids[start:min(start+500, len(ids))]
		q := "SELECT attempt_id, question_id, seq, response FROM answers WHERE attempt_id IN (?" +
			strings.Repeat(",?", len(batch)-1) + ")"
		rows, err := db.QueryContext(ctx, q, batch...)
		if err != nil {
			return 0, 0, fmt.Errorf("reading answers: %w", err)
		}
		for rows.Next() {
			var k key
			var seq int
			var resp sql.NullString
			if err := rows.Scan(&k.attempt, &k.question, &seq, &resp); err != nil {
				rows.Close()
				return 0, 0, err
			}
			got[k] = struct {
				seq  int
				resp string
			}{seq, resp.String}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, 0, err
		}
	}
	for k, a := range want {
		checked++
		g, ok := got[k]
		if !ok || g.seq < a.Seq || (g.seq == a.Seq && !strings.Contains(g.resp, `"`+a.Response+`"`)) {
			lost++
		}
	}
	return lost, checked, nil
}

// Learners picks n active people to sit an exam, in a stable order.
func Learners(ctx context.Context, db *sql.DB, n int) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT username FROM persons WHERE status = 'active' ORDER BY id LIMIT ?", n)
	if err != nil {
		return nil, fmt.Errorf("choosing learners: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) < n {
		return nil, fmt.Errorf("only %d active people in the database, %d wanted (peixun seed --scale N)", len(out), n)
	}
	return out, nil
}
