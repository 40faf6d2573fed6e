package training

import (
	"context"
	"fmt"
	"slices"
	"time"

	"entgo.io/ent/dialect/sql"

	"peixun/accounts"
	"peixun/ent"
	"peixun/ent/notification"
	"peixun/ent/person"
	"peixun/fault"
)

// Notice is a notification to create. Key makes it unique: a notice whose key exists already is
// not created again, which is what keeps a reminder from being sent twice.
type Notice struct {
	PersonID int
	Key      string
	Kind     string // due, pace, credential, nudge, …
	Title    string
	Body     string
	Link     string
}

// Notify creates notifications, skipping those whose key exists, and e-mails the new ones when a
// mailer is configured. It returns how many were new.
func (s *Service) Notify(ctx context.Context, ns []Notice) (int, error) {
	created := 0
	for batch := range slices.Chunk(ns, 500) {
		keys := make([]string, len(batch))
		for i, n := range batch {
			keys[i] = n.Key
		}
		seen, err := s.client.Notification.Query().Where(notification.KeyIn(keys...)).Select(notification.FieldKey).Strings(ctx)
		if err != nil {
			return created, fmt.Errorf("checking notification keys: %w", err)
		}
		now := s.clock()
		var bulk []*ent.NotificationCreate
		for _, n := range batch {
			if slices.Contains(seen, n.Key) {
				continue
			}
			seen = append(seen, n.Key) // the same key twice in one call
			bulk = append(bulk, s.client.Notification.Create().SetPersonID(n.PersonID).SetKey(n.Key).SetKind(n.Kind).
				SetTitle(n.Title).SetBody(n.Body).SetLink(n.Link).SetCreatedAt(now))
		}
		if len(bulk) == 0 {
			continue
		}
		// DoNothing keeps a key that another replica inserted meanwhile: insert-ignore on every database.
		if err := s.client.Notification.CreateBulk(bulk...).OnConflict(sql.ConflictColumns(notification.FieldKey)).
			DoNothing().Exec(ctx); err != nil {
			return created, fmt.Errorf("creating %d notifications: %w", len(bulk), err)
		}
		created += len(bulk)
	}
	if created > 0 && s.mailer != nil {
		if _, err := s.SendPendingMail(ctx); err != nil {
			s.log.Error("e-mailing notifications", "err", err)
		}
	}
	return created, nil
}

// mailWindow is how old a notification may be and still be e-mailed: switching a mailer on must
// not flood people with last month's reminders.
const mailWindow = 48 * time.Hour

// SendPendingMail e-mails the recent notifications not yet e-mailed to people with an address.
// Each is claimed (emailed_at set) before sending so that two replicas never send one twice; a
// failed send gives the claim back to be retried. It does nothing without a mailer.
func (s *Service) SendPendingMail(ctx context.Context) (int, error) {
	if s.mailer == nil {
		return 0, nil
	}
	now := s.clock()
	ns, err := s.client.Notification.Query().
		Where(notification.EmailedAtIsNil(), notification.CreatedAtGTE(now.Add(-mailWindow))).
		Order(ent.Asc(notification.FieldID)).Limit(1000).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("finding notifications to e-mail: %w", err)
	}
	ids := make([]int, len(ns))
	for i, n := range ns {
		ids[i] = n.PersonID
	}
	people, err := s.client.Person.Query().Where(person.IDIn(uniq(ids)...), person.EmailNEQ("")).
		Select(person.FieldID, person.FieldEmail).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("finding e-mail addresses: %w", err)
	}
	email := map[int]string{}
	for _, p := range people {
		email[p.ID] = p.Email
	}
	sent := 0
	for _, n := range ns {
		to := email[n.PersonID]
		if to == "" {
			continue
		}
		claimed, err := s.client.Notification.Update().Where(notification.ID(n.ID), notification.EmailedAtIsNil()).
			SetEmailedAt(now).Save(ctx)
		if err != nil || claimed == 0 {
			continue
		}
		body := n.Body
		if n.Link != "" && s.baseURL != "" {
			body += "\n\n" + s.baseURL + n.Link
		}
		if err := s.mailer.Send(ctx, to, n.Title, body); err != nil {
			s.log.Warn("e-mail not sent", "notification", n.ID, "err", err)
			_ = s.client.Notification.UpdateOneID(n.ID).ClearEmailedAt().Exec(ctx)
			continue
		}
		sent++
	}
	return sent, nil
}

// InboxPage is one page of a person's notifications, newest first.
type InboxPage struct {
	Items   []*ent.Notification
	Total   int
	Unread  int
	Page    int
	PerPage int
}

// Inbox lists the actor's notifications.
func (s *Service) Inbox(ctx context.Context, actor accounts.Actor, page, perPage int) (InboxPage, error) {
	p := InboxPage{Page: max(page, 1), PerPage: perPage}
	if p.PerPage <= 0 || p.PerPage > 200 {
		p.PerPage = 20
	}
	q := s.client.Notification.Query().Where(notification.PersonID(actor.PersonID))
	var err error
	if p.Total, err = q.Clone().Count(ctx); err != nil {
		return p, fmt.Errorf("counting notifications: %w", err)
	}
	if p.Unread, err = s.UnreadCount(ctx, actor.PersonID); err != nil {
		return p, err
	}
	p.Items, err = q.Order(ent.Desc(notification.FieldCreatedAt), ent.Desc(notification.FieldID)).
		Offset((p.Page - 1) * p.PerPage).Limit(p.PerPage).All(ctx)
	if err != nil {
		return p, fmt.Errorf("listing notifications: %w", err)
	}
	return p, nil
}

// UnreadCount is the number shown on the bell: one indexed count over (person_id, read_at).
func (s *Service) UnreadCount(ctx context.Context, personID int) (int, error) {
	n, err := s.client.Notification.Query().Where(notification.PersonID(personID), notification.ReadAtIsNil()).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("counting unread notifications: %w", err)
	}
	return n, nil
}

// MarkRead marks one of the actor's notifications read; someone else's is not found.
func (s *Service) MarkRead(ctx context.Context, actor accounts.Actor, id int) error {
	n, err := s.client.Notification.Query().Where(notification.ID(id), notification.PersonID(actor.PersonID)).Only(ctx)
	if ent.IsNotFound(err) {
		return fault.NotFoundf("notification")
	}
	if err != nil {
		return fmt.Errorf("loading notification %d: %w", id, err)
	}
	if n.ReadAt != nil {
		return nil
	}
	return s.client.Notification.UpdateOneID(id).SetReadAt(s.clock()).Exec(ctx)
}

// MarkAllRead marks all of the actor's notifications read.
func (s *Service) MarkAllRead(ctx context.Context, actor accounts.Actor) (int, error) {
	n, err := s.client.Notification.Update().
		Where(notification.PersonID(actor.PersonID), notification.ReadAtIsNil()).SetReadAt(s.clock()).Save(ctx)
	if err != nil {
		return 0, fmt.Errorf("marking notifications read: %w", err)
	}
	return n, nil
}
