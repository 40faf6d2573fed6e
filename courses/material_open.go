package courses

import (
	"context"
	"fmt"
	"io"
	"time"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/course"
	"peixun/ent/lesson"
	"peixun/fault"
)

// MaterialFile is an opened material, ready for http.ServeContent: the reader seeks (each seek that
// is followed by a read opens a ranged read on the blob store), so Range requests cost constant memory.
// The caller must Close it.
type MaterialFile struct {
	io.ReadSeekCloser
	ID          int
	FileName    string
	ContentType string
	Size        int64
	ModTime     time.Time // for Last-Modified: when the material was first stored
	SHA256      string    // for a strong ETag: the bytes never change under one material
	// AllowDownload is false when a course using the material turned downloads off: the HTTP layer
	// then serves it inline only and refuses an explicit download.
	AllowDownload bool
}

// Open checks that the actor may read the material and opens it. Trainers, administrators and the
// uploader may read any material; a learner only one used by a lesson of a published course.
// Enrollment-based access comes with the training package.
func (s *Service) Open(ctx context.Context, a accounts.Actor, materialID int) (*MaterialFile, error) {
	m, err := s.db.Client.Material.Get(ctx, materialID)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("material")
	}
	if err != nil {
		return nil, fmt.Errorf("loading material %d: %w", materialID, err)
	}
	allowDownload, err := s.materialAccess(ctx, a, m)
	if err != nil {
		return nil, err
	}
	r, err := s.bucket.NewReader(ctx, m.BlobKey, nil)
	if err != nil {
		return nil, fmt.Errorf("opening blob of material %d: %w", materialID, err)
	}
	return &MaterialFile{
		ReadSeekCloser: r,
		ID:             m.ID,
		FileName:       m.FileName,
		ContentType:    m.ContentType,
		Size:           m.Size,
		ModTime:        m.CreatedAt,
		SHA256:         m.Sha256,
		AllowDownload:  allowDownload,
	}, nil
}

// materialAccess answers whether the actor may read m and whether they may download it.
func (s *Service) materialAccess(ctx context.Context, a accounts.Actor, m *ent.Material) (download bool, err error) {
	if isStaff(a) || m.UploaderID == a.PersonID {
		return true, nil
	}
	ids, err := s.db.Client.Lesson.Query().Where(lesson.MaterialID(m.ID)).
		Unique(true).Select(lesson.FieldCourseID).Ints(ctx)
	if err != nil {
		return false, fmt.Errorf("finding lessons of material %d: %w", m.ID, err)
	}
	cs, err := s.db.Client.Course.Query().
		Where(course.IDIn(ids...), course.StatusEQ(course.StatusPublished)).All(ctx)
	if err != nil {
		return false, fmt.Errorf("finding courses of material %d: %w", m.ID, err)
	}
	if len(cs) == 0 {
		return false, fault.ForbiddenErr()
	}
	// The same bytes may serve several courses; the strictest of them decides.
	download = true
	for _, c := range cs {
		download = download && c.AllowDownload
	}
	return download, nil
}
