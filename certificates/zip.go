package certificates

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strings"

	"entgo.io/ent/dialect/sql"

	"peixun/ent"
	"peixun/ent/certificate"
	"peixun/ent/person"
	"peixun/ent/unit"
	"peixun/fault"
)

// ZIPFilter chooses the certificates of a bulk download: the listed ids, or those of people in a
// unit subtree (path prefix such as "/1/4/"), optionally of one program. Revoked certificates are
// left out.
type ZIPFilter struct {
	IDs       []int
	UnitPath  string // empty: the actor's whole scope
	ProgramID int    // 0: all programs
}

// WriteZIP streams the chosen certificates into w as a ZIP archive, one PDF per certificate,
// rendering them in batches so memory stays flat however many there are. It returns how many files
// it wrote. Managers get only certificates of their units' people.
func (s *Service) WriteZIP(ctx context.Context, by Actor, w io.Writer, f ZIPFilter) (int, error) {
	scope := by.ScopePath
	if by.Admin {
		scope = "/"
	}
	if scope == "" {
		return 0, fault.ForbiddenErr()
	}
	path := f.UnitPath
	if path == "" {
		path = scope
	}
	if !strings.HasPrefix(path, scope) {
		return 0, fault.ForbiddenErr()
	}
	if _, err := s.loadFont(); err != nil {
		return 0, renderFault(err)
	}
	q := s.db.Client.Certificate.Query().Where(certificate.RevokedAtIsNil(), inUnits(path))
	if len(f.IDs) > 0 {
		q.Where(certificate.IDIn(f.IDs...))
	}
	if f.ProgramID != 0 {
		q.Where(certificate.ProgramID(f.ProgramID))
	}
	// Only ids are held for the whole run; rows come in batches.
	ids, err := q.Order(ent.Asc(certificate.FieldID)).IDs(ctx)
	if err != nil {
		return 0, fmt.Errorf("listing certificates for ZIP: %w", err)
	}
	zw := zip.NewWriter(w)
	n := 0
	for start := 0; start < len(ids); start += renderBatch {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		batch, err := s.db.Client.Certificate.Query().
			Where(certificate.IDIn(ids[start:min(start+renderBatch, len(ids))]...)).
			Order(ent.Asc(certificate.FieldID)).All(ctx)
		if err != nil {
			return n, fmt.Errorf("loading certificates for ZIP: %w", err)
		}
		for _, r := range s.renderEach(batch) {
			if r.err != nil {
				return n, fmt.Errorf("certificate %s: %w", r.cert.Serial, renderFault(r.err))
			}
			if _, err := s.record(ctx, r.cert, r.pdf); err != nil {
				return n, err
			}
			// Stored, not deflated: PDF streams are compressed already.
			fw, err := zw.CreateHeader(&zip.FileHeader{
				Name: zipName(r.cert), Method: zip.Store, Modified: r.cert.IssuedAt,
			})
			if err != nil {
				return n, fmt.Errorf("writing ZIP entry: %w", err)
			}
			if _, err := fw.Write(r.pdf); err != nil {
				return n, fmt.Errorf("writing ZIP entry: %w", err)
			}
			n++
		}
	}
	if err := zw.Close(); err != nil {
		return n, fmt.Errorf("finishing ZIP: %w", err)
	}
	return n, nil
}

// inUnits keeps certificates whose holder's unit lies in the subtree at path (one indexed prefix
// match on units.path, in a subquery that SQLite and MySQL both plan well).
func inUnits(path string) func(*sql.Selector) {
	return func(sel *sql.Selector) {
		people := sql.Table(person.Table)
		units := sql.Table(unit.Table)
		sub := sql.Select(people.C(person.FieldID)).From(people).
			Join(units).On(people.C(person.FieldUnitID), units.C(unit.FieldID)).
			Where(sql.HasPrefix(units.C(unit.FieldPath), path))
		sel.Where(sql.In(sel.C(certificate.FieldPersonID), sub))
	}
}

// zipName names a file in the archive after its serial and holder, made safe for file systems.
func zipName(c *ent.Certificate) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '_'
		}
		return r
	}, c.Serial+"_"+c.HolderName)
	return clean + ".pdf"
}
