package courses

import (
	"context"
	"crypto/rand"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"entgo.io/ent/dialect/sql/sqlgraph"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/attendance"
	"peixun/ent/lecture"
	"peixun/ent/person"
	"peixun/fault"
)

// LectureInput describes an in-person session: a lecture or a training day.
type LectureInput struct {
	Title     string
	HeldOn    time.Time
	Hours     float64 // credit hours each attendee earns
	Trainer   string  // who taught it (free text: often a guest from outside the bureau)
	Attendees []int   // person ids chosen from the roster
}

// checkinAlphabet leaves out letters and digits that are confused when read aloud or off a screen.
const checkinAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// RecordLecture records a session and its attendees from the roster.
func (s *Service) RecordLecture(ctx context.Context, a accounts.Actor, in LectureInput) (*ent.Lecture, error) {
	if !isStaff(a) {
		return nil, fault.ForbiddenErr()
	}
	in.Title, in.Trainer = strings.TrimSpace(in.Title), strings.TrimSpace(in.Trainer)
	switch {
	case in.Title == "":
		return nil, fault.Field("title", "lecture.title_required")
	case utf8.RuneCountInString(in.Title) > 200:
		return nil, fault.Field("title", "lecture.title_too_long", "max", 200)
	case in.HeldOn.IsZero():
		return nil, fault.Field("held_on", "lecture.date_required")
	case math.IsNaN(in.Hours) || in.Hours <= 0 || in.Hours > 100:
		return nil, fault.Field("hours", "lecture.hours_range", "min", 0, "max", 100)
	case utf8.RuneCountInString(in.Trainer) > 100:
		return nil, fault.Field("trainer", "lecture.trainer_too_long", "max", 100)
	}
	var l *ent.Lecture
	err := s.withTx(ctx, func(tx *ent.Tx) error {
		var err error
		l, err = tx.Lecture.Create().SetTitle(in.Title).SetHeldOn(utcMicro(in.HeldOn)).SetHours(in.Hours).
			SetTrainer(in.Trainer).SetCreatedBy(a.PersonID).SetCreatedAt(s.clock()).Save(ctx)
		if err != nil {
			return fmt.Errorf("recording lecture %q: %w", in.Title, err)
		}
		_, err = s.addAttendees(ctx, tx.Client(), l, in.Attendees)
		return err
	})
	if err == nil {
		s.attended(ctx, in.Attendees...)
	}
	return l, err
}

// AddAttendees adds people from the roster to a session; people already there are skipped. It
// returns how many were added.
func (s *Service) AddAttendees(ctx context.Context, a accounts.Actor, lectureID int, personIDs []int) (int, error) {
	l, err := s.editableLecture(ctx, a, lectureID)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.withTx(ctx, func(tx *ent.Tx) error {
		n, err = s.addAttendees(ctx, tx.Client(), l, personIDs)
		return err
	})
	if err == nil {
		s.attended(ctx, personIDs...)
	}
	return n, err
}

// RemoveAttendee takes a person off a session's list (recorded by mistake).
func (s *Service) RemoveAttendee(ctx context.Context, a accounts.Actor, lectureID, personID int) error {
	if _, err := s.editableLecture(ctx, a, lectureID); err != nil {
		return err
	}
	_, err := s.db.Client.Attendance.Delete().
		Where(attendance.LectureID(lectureID), attendance.PersonID(personID)).Exec(ctx)
	if err == nil {
		s.attended(ctx, personID)
	}
	return err
}

// Attendees lists a session's attendance, in the order it was recorded.
func (s *Service) Attendees(ctx context.Context, a accounts.Actor, lectureID int) ([]*ent.Attendance, error) {
	if _, err := s.editableLecture(ctx, a, lectureID); err != nil {
		return nil, err
	}
	return s.db.Client.Attendance.Query().Where(attendance.LectureID(lectureID)).
		Order(ent.Asc(attendance.FieldID)).All(ctx)
}

// addAttendees checks that every person exists and inserts the missing attendance rows.
func (s *Service) addAttendees(ctx context.Context, c *ent.Client, l *ent.Lecture, ids []int) (int, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return 0, nil
	}
	known, err := c.Person.Query().Where(person.IDIn(ids...)).IDs(ctx)
	if err != nil {
		return 0, fmt.Errorf("checking attendees of lecture %d: %w", l.ID, err)
	}
	if len(known) != len(ids) {
		for _, id := range ids {
			if !slices.Contains(known, id) {
				return 0, fault.Field("attendees", "lecture.attendee_unknown", "id", id)
			}
		}
	}
	present, err := c.Attendance.Query().Where(attendance.LectureID(l.ID), attendance.PersonIDIn(ids...)).
		Select(attendance.FieldPersonID).Ints(ctx)
	if err != nil {
		return 0, fmt.Errorf("checking attendees of lecture %d: %w", l.ID, err)
	}
	var bulk []*ent.AttendanceCreate
	for _, id := range ids {
		if !slices.Contains(present, id) {
			bulk = append(bulk, c.Attendance.Create().SetLectureID(l.ID).SetPersonID(id).
				SetHours(l.Hours).SetSource(attendance.SourceRoster).SetRecordedAt(s.clock()))
		}
	}
	for chunk := range slices.Chunk(bulk, 500) {
		if err := c.Attendance.CreateBulk(chunk...).Exec(ctx); err != nil {
			return 0, fmt.Errorf("recording attendees of lecture %d: %w", l.ID, err)
		}
	}
	return len(bulk), nil
}

// OpenCheckIn gives a session a new random code that learners enter (or reach through a QR code) to
// sign in themselves between opens and closes. A new code replaces the old one.
func (s *Service) OpenCheckIn(ctx context.Context, a accounts.Actor, lectureID int, opens, closes time.Time) (string, error) {
	if _, err := s.editableLecture(ctx, a, lectureID); err != nil {
		return "", err
	}
	if opens.IsZero() || !closes.After(opens) {
		return "", fault.Field("closes", "lecture.window_invalid")
	}
	if closes.Sub(opens) > 7*24*time.Hour {
		return "", fault.Field("closes", "lecture.window_too_long", "max_days", 7)
	}
	for range 5 {
		code := randomCode(8)
		err := s.db.Client.Lecture.UpdateOneID(lectureID).SetCheckinCode(code).
			SetCheckinOpens(utcMicro(opens)).SetCheckinCloses(utcMicro(closes)).Exec(ctx)
		if sqlgraph.IsUniqueConstraintError(err) {
			continue // astronomically rare with 32^8 codes, but harmless to retry
		}
		if err != nil {
			return "", fmt.Errorf("opening check-in for lecture %d: %w", lectureID, err)
		}
		return code, nil
	}
	return "", fmt.Errorf("opening check-in for lecture %d: no free code", lectureID)
}

// CheckIn signs the actor in to the session whose code they entered, within its window. Signing in
// twice is harmless: the first attendance stands.
func (s *Service) CheckIn(ctx context.Context, a accounts.Actor, code string) (*ent.Attendance, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return nil, fault.Field("code", "lecture.code_required")
	}
	l, err := s.db.Client.Lecture.Query().Where(lecture.CheckinCode(code)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fault.Field("code", "lecture.code_unknown")
	}
	if err != nil {
		return nil, fmt.Errorf("finding lecture by code: %w", err)
	}
	now := s.clock()
	if l.CheckinOpens == nil || l.CheckinCloses == nil || now.Before(*l.CheckinOpens) || !now.Before(*l.CheckinCloses) {
		return nil, fault.Field("code", "lecture.checkin_closed")
	}
	att, err := s.db.Client.Attendance.Create().SetLectureID(l.ID).SetPersonID(a.PersonID).SetHours(l.Hours).
		SetSource(attendance.SourceCheckin).SetRecordedAt(now).Save(ctx)
	if sqlgraph.IsUniqueConstraintError(err) {
		return s.db.Client.Attendance.Query().
			Where(attendance.LectureID(l.ID), attendance.PersonID(a.PersonID)).Only(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("checking in to lecture %d: %w", l.ID, err)
	}
	s.attended(ctx, a.PersonID)
	return att, nil
}

// editableLecture loads a session its creator or an administrator may change.
func (s *Service) editableLecture(ctx context.Context, a accounts.Actor, id int) (*ent.Lecture, error) {
	l, err := s.db.Client.Lecture.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.NotFoundf("lecture")
	}
	if err != nil {
		return nil, err
	}
	if !a.IsAdmin() && !(a.Has(accounts.RoleTrainer) && l.CreatedBy == a.PersonID) {
		return nil, fault.ForbiddenErr()
	}
	return l, nil
}

// randomCode draws n characters from checkinAlphabet; 256 is a multiple of its 32 letters, so the
// modulo adds no bias.
func randomCode(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	for i := range b {
		b[i] = checkinAlphabet[int(b[i])%len(checkinAlphabet)]
	}
	return string(b)
}
