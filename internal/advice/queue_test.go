package advice_test

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/advice"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// queued is a request the test put in a queue, as the test knows it.
type queued struct {
	id, team, assigned string
	due                date.Date
	open, hidden       bool // hidden: the team's view of the child has ended
}

// fillQueue's extra requests beyond the n: one whose own link has ended, one
// withdrawn, one in another team's queue, and one whose own link has ended
// while the team holds another link to the child (a waiting-list referral).
const extra = 4

// fillQueue puts n more requests in Tom's team's queue, as the demo loads
// its own (a request and the team's referral link each): due dates from 20
// days past to 20 days ahead, four to a day so ties are ordered by id, every
// third assigned to Tom; plus the extra four (see extra): a request out of
// the team's reach is out of the queue and its counts, one the team reaches
// through another link is in both. It returns every request of Tom's team
// (the demo's and these) and the extra four.
func fillQueue(t *testing.T, w world, n int) (all []queued) {
	t.Helper()
	ctx := context.Background()
	today := date.Today(db.Now())
	rows, err := w.d.Query(`SELECT id, team_id, COALESCE(assigned_to, ''), due_on FROM advice_requests WHERE status = 'open'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var q queued
		if err := rows.Scan(&q.id, &q.team, &q.assigned, &q.due); err != nil {
			t.Fatal(err)
		}
		q.open = true
		all = append(all, q)
	}
	rows.Close()
	var ended []string
	err = w.d.Load(ctx, func(l *db.Loader) error {
		rows, err := l.Tx().QueryContext(ctx, `SELECT c.id FROM children c WHERE NOT EXISTS (SELECT 1 FROM advice_requests r
			WHERE r.child_id = c.id AND r.status = 'open') ORDER BY c.id LIMIT $1`, n+extra)
		if err != nil {
			return err
		}
		var children []string
		for rows.Next() {
			var id string
			rows.Scan(&id)
			children = append(children, id)
		}
		rows.Close()
		if len(children) < n+extra {
			return fmt.Errorf("only %d children without an open request", len(children))
		}
		for i, child := range children {
			q := queued{id: uuid.NewString(), team: w.salt, due: today.AddDays(-20 + i/4), open: true}
			switch {
			case i == n:
				q.hidden = true
			case i == n+1:
				q.open = false
			case i == n+2:
				q.team = w.ot
			case i == n+3: // its own link ends, but the team keeps a waiting-list referral
				other := access.Link{ID: uuid.NewString(), ChildID: child, OrganisationID: q.team, Reason: access.Referral,
					Purpose: "speech and language therapy waiting list", GrantedBy: w.amira.PersonID, StartsAt: q.due.AddDays(-90).Time()}
				if err := access.LoadLink(l, other); err != nil {
					return err
				}
			case i%3 == 0:
				q.assigned = w.tom.PersonID
			}
			link := access.Link{ID: uuid.NewString(), ChildID: child, OrganisationID: q.team, Reason: access.Referral,
				Purpose: advice.LinkPurpose, GrantedBy: w.amira.PersonID, StartsAt: q.due.AddDays(-50).Time()}
			if err := access.LoadLink(l, link); err != nil {
				return err
			}
			if q.hidden || i == n+3 {
				ended = append(ended, link.ID)
			}
			status, assigned := advice.Open, any(nil)
			if !q.open {
				status = advice.Withdrawn
			}
			if q.assigned != "" {
				assigned = q.assigned
			}
			received := q.due.AddDays(-42)
			if err := l.Add("advice_requests", []string{"id", "child_id", "team_id", "contributor", "question", "consent", "sent_on",
				"received_on", "due_on", "status", "assigned_to", "link_id", "requested_event_id", "requested_by", "requested_at"},
				q.id, child, q.team, "A health team", "Advice on communication needs", "The family agreed on the request form",
				received, received, q.due, status, assigned, link.ID, uuid.NewString(), w.amira.PersonID, received.Time()); err != nil {
				return err
			}
			all = append(all, q)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ended {
		if err := w.d.Transact(ctx, func(tx *sql.Tx) error { return access.EndLink(ctx, tx, id, db.Now().Add(-time.Hour)) }); err != nil {
			t.Fatal(err)
		}
	}
	return all
}

// The queue a page at a time: for each filter, the pages joined up are the
// whole filtered queue, soonest due first with ties by id, and every page
// counts the whole of it; a request out of the team's reach is in neither.
// Each page read writes one audit row.
func TestQueuePagesJoinUpToTheWholeQueue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		all := fillQueue(t, w, 37)
		today := date.Today(db.Now())
		for _, c := range []struct {
			name string
			f    advice.QueueFilter
			keep func(queued) bool
		}{
			{"all", advice.QueueFilter{}, func(queued) bool { return true }},
			{"assigned to Tom", advice.QueueFilter{Assigned: advice.AssignedToMe}, func(q queued) bool { return q.assigned == w.tom.PersonID }},
			{"not assigned", advice.QueueFilter{Assigned: advice.NotAssigned}, func(q queued) bool { return q.assigned == "" }},
			{"overdue", advice.QueueFilter{Overdue: true}, func(q queued) bool { return today.After(q.due) }},
			{"not assigned and overdue", advice.QueueFilter{Assigned: advice.NotAssigned, Overdue: true},
				func(q queued) bool { return q.assigned == "" && today.After(q.due) }},
		} {
			var want []queued
			overdue := 0
			for _, q := range all {
				if q.open && !q.hidden && q.team == w.salt && c.keep(q) {
					want = append(want, q)
					if today.After(q.due) {
						overdue++
					}
				}
			}
			slices.SortFunc(want, func(x, y queued) int { return cmp.Or(x.due.Compare(y.due), cmp.Compare(x.id, y.id)) })
			if len(want) < 8 {
				t.Fatalf("%s: only %d requests to page through", c.name, len(want))
			}
			const size = 7
			var got []advice.Queued
			for page := 0; ; page++ {
				f := c.f
				f.Offset = page * size
				before := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE action = 'advice.queue.view' AND actor_id = $1", w.tom.PersonID)
				p, err := advice.Queue(ctx, dbx, w.tom, f, size)
				if err != nil {
					t.Fatal(err)
				}
				if after := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE action = 'advice.queue.view' AND actor_id = $1", w.tom.PersonID); after != before+1 {
					t.Errorf("%s page %d: %d audit rows, want 1", c.name, page+1, after-before)
				}
				if p.Total != len(want) || p.Overdue != overdue {
					t.Errorf("%s page %d counts %d requests, %d overdue; want %d, %d", c.name, page+1, p.Total, p.Overdue, len(want), overdue)
				}
				if len(p.Requests) > size {
					t.Fatalf("%s page %d has %d rows, more than %d", c.name, page+1, len(p.Requests), size)
				}
				if len(p.Requests) == 0 {
					break
				}
				got = append(got, p.Requests...)
			}
			if len(got) != len(want) {
				t.Fatalf("%s: the pages hold %d requests, want %d", c.name, len(got), len(want))
			}
			for i := range want {
				if got[i].ID != want[i].id || got[i].Due != want[i].due || got[i].AssignedTo != want[i].assigned || got[i].Overdue != today.After(want[i].due) {
					t.Errorf("%s: row %d is %+v, want %+v", c.name, i+1, got[i], want[i])
				}
				if got[i].ChildName == "" || (got[i].AssignedTo != "" && got[i].Assignee == "") {
					t.Errorf("%s: row %d without its words: %+v", c.name, i+1, got[i])
				}
			}
		}
		if _, err := advice.Queue(ctx, dbx, w.tom, advice.QueueFilter{Assigned: "everyone"}, 10); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("an unknown filter: %v", err)
		}
		for _, who := range []access.Actor{w.amira, w.dco} {
			if _, err := advice.Queue(ctx, dbx, who, advice.QueueFilter{}, 10); apperr.CodeOf(err) != apperr.Forbidden {
				t.Errorf("%s has a queue: %v", who.Name, err)
			}
		}
	})
}
