package certificates

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"peixun/ent"
)

// codeAlphabet has no characters that look alike when read off paper or typed from a phone: no 0/O,
// 1/I/l. 32 symbols, so a random byte maps onto it without bias.
const codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// CodeLength is the length of a verification code: 32^12 = 2^60 codes, far beyond guessing through
// a rate-limited page.
const CodeLength = 12

// newCode draws a verification code from crypto/rand.
func newCode() (string, error) {
	b := make([]byte, CodeLength)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("drawing a verification code: %w", err)
	}
	for i := range b {
		b[i] = codeAlphabet[b[i]&31]
	}
	return string(b), nil
}

// normalizeCode makes a typed code comparable: upper case, no spaces or dashes.
func normalizeCode(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	return strings.NewReplacer(" ", "", "-", "").Replace(code)
}

// Prefix is the serial number prefix of a program: the one its administrator set (which carries the
// year, e.g. YH-2021-LX), or PX-<year it starts>-<program id>.
func Prefix(p *ent.Program) string {
	if pre := strings.TrimSpace(p.CertPrefix); pre != "" {
		return strings.TrimRight(pre, "-")
	}
	return "PX-" + strconv.Itoa(p.StartsAt.In(shanghai).Year()) + "-" + strconv.Itoa(p.ID)
}

// Serial is the printed number of the seq-th certificate of a program: PREFIX-000123.
func Serial(prefix string, seq int) string { return fmt.Sprintf("%s-%06d", prefix, seq) }

// nextSeq takes the next number of a program inside tx. The UPDATE takes the program row's write
// lock (on SQLite the transaction already holds the database write lock: _txlock=immediate), so
// concurrent issuers on any number of replicas queue here and each reads back its own value; a
// transaction that rolls back gives its number back, so there are no gaps. AUTO_INCREMENT is not
// used: on TiDB it is unique but not ordered.
func nextSeq(ctx context.Context, tx *ent.Tx, programID int) (int, error) {
	if _, err := tx.ExecContext(ctx, "UPDATE programs SET cert_seq = cert_seq + 1 WHERE id = ?", programID); err != nil {
		return 0, fmt.Errorf("advancing certificate sequence of program %d: %w", programID, err)
	}
	rows, err := tx.QueryContext(ctx, "SELECT cert_seq FROM programs WHERE id = ?", programID)
	if err != nil {
		return 0, fmt.Errorf("reading certificate sequence of program %d: %w", programID, err)
	}
	defer rows.Close()
	var seq sql.NullInt64
	if rows.Next() {
		if err := rows.Scan(&seq); err != nil {
			return 0, fmt.Errorf("reading certificate sequence of program %d: %w", programID, err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("reading certificate sequence of program %d: %w", programID, err)
	}
	if !seq.Valid {
		return 0, fmt.Errorf("program %d vanished while numbering its certificate", programID)
	}
	return int(seq.Int64), nil
}

// expiry is when a certificate completed at t stops being valid, or nil when the program sets no term.
func expiry(p *ent.Program, completed time.Time) *time.Time {
	if p.CertValidMonths <= 0 {
		return nil
	}
	t := completed.In(shanghai).AddDate(0, p.CertValidMonths, 0).UTC()
	return &t
}
