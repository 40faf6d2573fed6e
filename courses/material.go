package courses

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/material"
	"peixun/fault"
)

// Content types a material may have; nothing else is stored.
const (
	TypeMP4  = "video/mp4"
	TypeWebM = "video/webm"
	TypePDF  = "application/pdf"
)

// sniffLen is how many leading bytes decide a file's type, as in net/http.DetectContentType.
const sniffLen = 512

// Upload stores a trainer's file of the given kind (KindVideo or KindDocument) in the blob bucket and
// records it. The bytes are streamed to a temporary blob while they are hashed and counted, so a file
// of any size costs constant memory; the type is sniffed from the bytes, never taken from the name or
// the client. Identical files are stored once: uploading a file whose SHA-256 is known returns the
// existing material. On any failure nothing stays behind: no blob, no row.
func (s *Service) Upload(ctx context.Context, a accounts.Actor, fileName string, r io.Reader, kind string) (*ent.Material, error) {
	if !isStaff(a) {
		return nil, fault.ForbiddenErr()
	}
	limit, ok := s.MaxSize[kind]
	if !ok || (kind != KindVideo && kind != KindDocument) {
		return nil, fault.Field("kind", "material.kind_invalid")
	}
	name := cleanFileName(fileName)

	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading upload %q: %w", name, err)
	}
	head = head[:n]
	if n == 0 {
		return nil, fault.Field("file", "material.empty")
	}
	ctype := sniff(head)
	if kindOfType(ctype) != kind || !nameFits(name, ctype) {
		return nil, fault.Field("file", "material.false_type", "kind", kind)
	}
	if int64(n) > limit {
		return nil, fault.Field("file", "material.too_large", "max", limit)
	}

	tmpKey := "tmp/" + randomHex(16)
	sum, size, err := s.writeTemp(ctx, tmpKey, ctype, head, r, limit)
	if err != nil {
		return nil, err
	}
	// From here on the temporary blob exists and must go whatever happens; cleanup must outlive a
	// client that hung up.
	cleanup := context.WithoutCancel(ctx)
	defer s.deleteBlob(cleanup, tmpKey)

	if m, err := s.db.Client.Material.Query().Where(material.Sha256(sum)).Only(ctx); err == nil {
		return m, nil
	} else if !ent.IsNotFound(err) {
		return nil, fmt.Errorf("looking up material %s: %w", sum, err)
	}
	key := "materials/" + sum[:2] + "/" + sum
	if err := s.bucket.Copy(ctx, key, tmpKey, nil); err != nil {
		return nil, fmt.Errorf("storing material %s: %w", sum, err)
	}
	m, err := s.db.Client.Material.Create().SetBlobKey(key).SetFileName(name).SetContentType(ctype).
		SetSize(size).SetSha256(sum).SetUploaderID(a.PersonID).SetCreatedAt(s.clock()).Save(ctx)
	if err != nil {
		// A concurrent upload of the same bytes may have won the unique sha256: its row names the
		// very blob we wrote, so keep the blob and answer with that row.
		if m, qerr := s.db.Client.Material.Query().Where(material.Sha256(sum)).Only(cleanup); qerr == nil {
			return m, nil
		}
		s.deleteBlob(cleanup, key)
		return nil, fmt.Errorf("recording material %s: %w", sum, err)
	}
	return m, nil
}

// writeTemp streams head and then the rest of r into a temporary blob, hashing and counting. It stops
// reading one byte past the limit, and leaves no blob behind when it fails.
func (s *Service) writeTemp(ctx context.Context, key, ctype string, head []byte, r io.Reader, limit int64) (sum string, size int64, err error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.bucket.NewWriter(wctx, key, &blob.WriterOptions{ContentType: ctype})
	if err != nil {
		return "", 0, fmt.Errorf("opening blob %s: %w", key, err)
	}
	h := sha256.New()
	dst := io.MultiWriter(w, h)
	abort := func(e error) (string, int64, error) {
		// Cancelling the writer's context before Close discards the write (gocloud's documented way
		// to abort); the delete covers drivers that wrote something anyway.
		cancel()
		_ = w.Close()
		s.deleteBlob(context.WithoutCancel(ctx), key)
		return "", 0, e
	}
	if _, err := dst.Write(head); err != nil {
		return abort(fmt.Errorf("writing blob %s: %w", key, err))
	}
	rest, err := io.Copy(dst, io.LimitReader(r, limit-int64(len(head))+1))
	size = int64(len(head)) + rest
	if err != nil {
		return abort(fmt.Errorf("receiving upload into %s: %w", key, err))
	}
	if size > limit {
		return abort(fault.Field("file", "material.too_large", "max", limit))
	}
	if err := w.Close(); err != nil {
		s.deleteBlob(context.WithoutCancel(ctx), key)
		return "", 0, fmt.Errorf("closing blob %s: %w", key, err)
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}

// deleteBlob removes a blob, logging (not returning) failures: it only ever cleans up.
func (s *Service) deleteBlob(ctx context.Context, key string) {
	if err := s.bucket.Delete(ctx, key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		s.log.Error("deleting blob", "key", key, "err", err)
	}
}

// sniff names the type of a file from its first bytes. net/http's sniffer knows PDF and WebM but
// takes any "ftyp" box for MP4 (HEIC photos and QuickTime movies too), so containers are checked
// here first.
func sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		// An EBML header: WebM if its DocType says so, otherwise Matroska, which browsers don't play.
		if bytes.Contains(head[:min(len(head), 64)], []byte("webm")) {
			return TypeWebM
		}
		return "video/x-matroska"
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		if isMP4Brand(head) {
			return TypeMP4
		}
		return "application/octet-stream"
	}
	return http.DetectContentType(head)
}

// isMP4Brand reads the ftyp box (major brand, then compatible brands) for an ISO MP4 brand.
func isMP4Brand(head []byte) bool {
	boxLen := int(head[0])<<24 | int(head[1])<<16 | int(head[2])<<8 | int(head[3])
	end := min(boxLen, len(head))
	if boxLen < 16 || end < 12 {
		return false
	}
	brands := []string{string(head[8:12])}
	for i := 16; i+4 <= end; i += 4 {
		brands = append(brands, string(head[i:i+4]))
	}
	for _, b := range brands {
		switch b {
		case "isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "dash":
			return true
		}
	}
	return false
}

// kindOfType maps a stored content type to the lesson kind that plays it.
func kindOfType(ctype string) string {
	switch ctype {
	case TypeMP4, TypeWebM:
		return KindVideo
	case TypePDF:
		return KindDocument
	}
	return ""
}

// extTypes are the extensions we know better than the system's mime table (which may lack them).
var extTypes = map[string]string{".mp4": TypeMP4, ".m4v": TypeMP4, ".webm": TypeWebM, ".pdf": TypePDF}

// nameFits refuses a name whose extension claims another type than the bytes ("a.webm" holding an
// MP4, "a.pdf" holding a video). Names without an extension, or with one nobody knows, pass: the
// bytes decide.
func nameFits(name, ctype string) bool {
	ext := strings.ToLower(path.Ext(name))
	if ext == "" {
		return true
	}
	claimed, ok := extTypes[ext]
	if !ok {
		claimed, _, _ = strings.Cut(mime.TypeByExtension(ext), ";")
	}
	return claimed == "" || claimed == ctype
}

// cleanFileName keeps the last element of a client's path (browsers on Windows send "C:\…\a.pdf"),
// without control characters, at most 255 bytes of whole runes.
func cleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = strings.TrimSpace(path.Base(name))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	for len(name) > 255 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	return name
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
