package training

import (
	"testing"
	"time"

	"peixun/accounts"
	"peixun/ent/notification"
	"peixun/ent/schema"
)

func TestRemindersAreNotRepeated(t *testing.T) {
	e := newEnv(t)
	root := e.unit("局", nil)
	squad := e.unit("中队", root)
	mgr := e.person(squad, "cadre", accounts.RoleManager)
	learner := e.person(squad, "officer")
	holder := e.person(squad, "officer")
	e.must(e.c.Person.UpdateOne(holder).SetCredentialNo("浙交执330101").SetCredentialExpires(sh(2021, 4, 20, 0, 0).UTC()).Exec(e.ctx))
	p := e.program(ProgramInput{StartsAt: sh(2021, 1, 1, 0, 0), DueAt: sh(2021, 3, 10, 18, 0),
		Audience: schema.Audience{Categories: []string{"officer"}}, Requirements: hours(10)})
	en := e.enrollmentOf(p.ID, learner.ID)

	keys := func(personID int) []string {
		return e.c.Notification.Query().Where(notification.PersonID(personID)).Order(notification.ByID()).
			Select(notification.FieldKey).StringsX(e.ctx)
	}
	days := []struct {
		at              time.Time
		due, pace, cred int
	}{
		{sh(2021, 2, 20, 8, 0), 0, 1, 1}, // 18 days to go: behind pace; credential in 59 days
		{sh(2021, 2, 20, 8, 0), 0, 0, 0}, // the same run again: nothing new
		{sh(2021, 3, 3, 8, 0), 2, 1, 0},  // 7 days: both officers; a new day for pace
		{sh(2021, 3, 3, 20, 0), 0, 0, 0}, // same day
		{sh(2021, 3, 8, 8, 0), 2, 1, 0},  // 2 days: the 3-day reminder
		{sh(2021, 3, 9, 8, 0), 2, 1, 0},  // 1 day
		{sh(2021, 3, 10, 8, 0), 0, 1, 0}, // due today: the 1-day reminder is out already
		{sh(2021, 3, 22, 8, 0), 0, 0, 1}, // past due: no pace reminders; credential in 29 days
	}
	for i, d := range days {
		e.clock.Set(d.at)
		r, err := e.svc.SendReminders(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.Due != d.due || r.Pace != d.pace || r.Credential != d.cred {
			t.Fatalf("day %d (%s): %+v, want due %d pace %d credential %d", i, Day(d.at), r, d.due, d.pace, d.cred)
		}
	}
	want := []string{"due:" + itoa(en.ID) + ":7", "due:" + itoa(en.ID) + ":3", "due:" + itoa(en.ID) + ":1"}
	if got := keys(learner.ID); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("learner keys %v, want %v", got, want)
	}
	if got := keys(holder.ID); len(got) != 5 || got[0] != "cred:"+itoa(holder.ID)+":60:2021-04-20" {
		t.Fatalf("holder keys %v", got)
	}
	if got := keys(mgr.ID); len(got) != 5 {
		t.Fatalf("manager keys %v", got)
	}

	// A manager's bulk reminder: once per person and day however often it is clicked.
	boss := e.actor(mgr)
	for i, want := range []int{2, 0} {
		n, err := e.svc.RemindPeople(e.ctx, boss, "", p.ID, []int{learner.ID, holder.ID, mgr.ID})
		if err != nil || n != want {
			t.Fatalf("click %d: %d reminded (%v), want %d", i, n, err, want)
		}
	}

	// The inbox.
	me := e.actor(learner)
	unread, _ := e.svc.UnreadCount(e.ctx, learner.ID)
	page, err := e.svc.Inbox(e.ctx, me, 1, 2)
	if err != nil || unread != 4 || page.Total != 4 || len(page.Items) != 2 || page.Unread != 4 {
		t.Fatalf("inbox %d/%d unread %d (%v)", len(page.Items), page.Total, unread, err)
	}
	if err := e.svc.MarkRead(e.ctx, e.actor(holder), page.Items[0].ID); err == nil {
		t.Fatal("marked someone else's notification read")
	}
	e.must(e.svc.MarkRead(e.ctx, me, page.Items[0].ID))
	if n, _ := e.svc.UnreadCount(e.ctx, learner.ID); n != 3 {
		t.Fatalf("unread %d after reading one", n)
	}
	if n, err := e.svc.MarkAllRead(e.ctx, me); err != nil || n != 3 {
		t.Fatalf("marked %d (%v)", n, err)
	}
}
