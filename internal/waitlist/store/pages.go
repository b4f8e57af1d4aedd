package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/waitlist"
)

// Page is one page of a pathway's waiting list for staff: as List, but from
// offset, so a long list is read a page at a time. Children still waiting are
// read in index order (indexedPage) and only the page is measured; otherwise
// the whole list is measured as List does. Viewing it is audited once.
func Page(ctx context.Context, d *db.DB, a access.Actor, pathwayID string, census date.Date, f Filter, offset, limit int) (Pathway, []Entry, int, error) {
	if _, ok := a.Can(access.CaseView); !ok || a.Kind != access.Staff {
		return Pathway{}, nil, 0, apperr.Errorf(apperr.Forbidden, "your role does not include waiting lists")
	}
	if err := f.check(); err != nil {
		return Pathway{}, nil, 0, err
	}
	status := cmp.Or(f.Status, waitlist.Waiting)
	now := db.Now()
	var p Pathway
	var out []Entry
	total := 0
	err := audit.Read(ctx, d, func(tx *sql.Tx) (audit.Event, error) {
		var err error
		if p, err = pathway(ctx, tx, pathwayID); err != nil {
			return audit.Event{}, err
		}
		var ok bool
		if out, total, ok, err = indexedPage(ctx, tx, a, p, census, f, offset, limit, now); err != nil || ok {
			return listEvent(a, "waitlist.view", p, now), err
		}
		all, err := measured(ctx, tx, a, p, census, f, status, now)
		if err != nil {
			return audit.Event{}, err
		}
		total = len(all)
		out = longest(all, min(len(all), offset+limit))
		out = out[min(offset, len(out)):]
		return listEvent(a, "waitlist.view", p, now), named(ctx, tx, a, out, now)
	})
	if err != nil {
		return Pathway{}, nil, 0, err
	}
	return p, out, total, nil
}

// TeamPathways lists the pathways the actor's own team runs.
func TeamPathways(ctx context.Context, d *db.DB, a access.Actor) ([]Pathway, error) {
	all, err := Pathways(ctx, d)
	if err != nil {
		return nil, err
	}
	var out []Pathway
	for _, p := range all {
		if p.TeamID == a.TeamID {
			out = append(out, p)
		}
	}
	return out, nil
}

// ChildReferrals reads every referral of one child, with its events and the
// wait at census, for an actor allowed perm over the child (access.CaseView for
// staff, access.FamilyView for the family). One audit row records the read. A
// child out of reach is NotFound, as is one that does not exist.
func ChildReferrals(ctx context.Context, d *db.DB, a access.Actor, childID string, perm access.Permission, census date.Date) (string, []ChildReferral, error) {
	now := db.Now()
	var name string
	var out []ChildReferral
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		out = nil
		dec, err := access.Check(ctx, tx, a, perm, childID, now)
		if err != nil {
			return err
		}
		if !dec.Allow {
			return apperr.Errorf(apperr.NotFound, "there is no such child")
		}
		if err := tx.QueryRowContext(ctx, "SELECT given_name || ' ' || family_name FROM children WHERE id = $1", childID).Scan(&name); err != nil {
			return err
		}
		if out, err = referralsOf(ctx, tx, childID, census); err != nil {
			return err
		}
		for i := range out {
			out[i].Access = dec.Reason
		}
		return appendAudit(ctx, d, tx, a, "waitlist.child.view", "child", childID, childID, dec.Reason, now)
	})
	return name, out, err
}

// ChildReferral is one of a child's referrals, with what the family has told the team about it.
type ChildReferral struct {
	Detail
	Messages []Message
}

// Message is what a family told the team about their child's circumstances.
type Message struct {
	SentBy string // the sender's name
	SentAt time.Time
	Body   string
}

// referralsOf reads a child's referrals and their events, measured at census, by pathway name.
func referralsOf(ctx context.Context, tx *sql.Tx, childID string, census date.Date) ([]ChildReferral, error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.pathway_id, r.priority, r.received_on, r.source, r.priority_reason
		FROM waitlist_referrals r WHERE r.child_id = $1`, childID)
	if err != nil {
		return nil, err
	}
	var out []ChildReferral
	var pathways []string
	for rows.Next() {
		var x ChildReferral
		var pid string
		if err := rows.Scan(&x.ReferralID, &pid, &x.Priority, &x.Received, &x.Source, &x.PriorityReason); err != nil {
			rows.Close()
			return nil, err
		}
		x.ChildID = childID
		out, pathways = append(out, x), append(pathways, pid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		x := &out[i]
		if x.Pathway, err = pathway(ctx, tx, pathways[i]); err != nil {
			return nil, err
		}
		if x.Events, err = eventsOf(ctx, tx, x.ReferralID); err != nil {
			return nil, err
		}
		r := Referral{ID: x.ReferralID, Received: x.Received, Events: x.Events}
		h := r.history(x.Pathway.Regime)
		if x.Wait, err = waitlist.Measure(&h, census); err != nil {
			return nil, err
		}
		if x.Messages, err = messagesOf(ctx, tx, x.ReferralID); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b ChildReferral) int { return cmp.Compare(a.Pathway.Name, b.Pathway.Name) })
	return out, nil
}

func eventsOf(ctx context.Context, tx *sql.Tx, referralID string) ([]waitlist.Event, error) {
	rows, err := tx.QueryContext(ctx, `SELECT type, happened_on, rebooked_on, reason, kind, provider
		FROM waitlist_events WHERE referral_id = $1 ORDER BY seq`, referralID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []waitlist.Event
	for rows.Next() {
		var ev eventColumns
		if err := rows.Scan(&ev.typ, &ev.on, &ev.rebooked, &ev.reason, &ev.kind, &ev.provider); err != nil {
			return nil, err
		}
		x, err := ev.event()
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Refer records a new referral of a child to a pathway the actor's team runs
// (access.WaitlistManage by role; the child must be in the actor's view), and
// gives the team a referral link so it keeps the child's waiting list. A second
// referral of the same child to the same pathway is refused, naming the first.
// r.ID is made here. Nothing is stored unless all of it is; the change is audited.
func Refer(ctx context.Context, d *db.DB, a access.Actor, r Referral, census date.Date) (Referral, error) {
	if _, ok := a.Can(access.WaitlistManage); !ok || a.Kind != access.Staff {
		return Referral{}, apperr.Errorf(apperr.Forbidden, "your role does not include waiting lists")
	}
	now := db.Now()
	r.ID = uuid.NewString()
	r.Events = nil
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		dec, err := access.Check(ctx, tx, a, access.CaseView, r.ChildID, now)
		if err != nil {
			return err
		}
		if !dec.Allow {
			return apperr.Errorf(apperr.NotFound, "there is no such child")
		}
		var fs apperr.Fields
		var p Pathway
		if r.PathwayID == "" {
			fs.Add("pathway", "choose the waiting list the child is referred to")
		} else if p, err = pathway(ctx, tx, r.PathwayID); err != nil || p.TeamID != a.TeamID {
			if err != nil && apperr.CodeOf(err) != apperr.NotFound {
				return err
			}
			fs.Add("pathway", "choose one of your team's waiting lists")
		}
		if r.Received.IsZero() {
			fs.Add("received", "enter the date the referral was received")
		} else if r.Received.After(census) {
			fs.Add("received", fmt.Sprintf("%s is after today: enter the date the referral was received", r.Received))
		}
		if !slices.Contains(Sources, r.Source) {
			fs.Add("source", fmt.Sprintf("%q is not allowed: choose %s", r.Source, strings.Join(Sources, ", ")))
		}
		if !slices.Contains(Priorities, r.Priority) {
			fs.Add("priority", fmt.Sprintf("%q is not allowed: choose %s", r.Priority, strings.Join(Priorities, ", ")))
		}
		if strings.TrimSpace(r.PriorityReason) == "" {
			fs.Add("priority_reason", "say why the referral has its priority")
		}
		if err := fs.Err("the referral"); err != nil {
			return err
		}
		var first date.Date
		err = tx.QueryRowContext(ctx, "SELECT received_on FROM waitlist_referrals WHERE pathway_id = $1 AND child_id = $2", p.ID, r.ChildID).Scan(&first)
		if err == nil {
			return &apperr.Error{Code: apperr.Invalid, Message: "the referral is a duplicate", Fields: []apperr.Field{{Name: "pathway",
				Message: fmt.Sprintf("this child is already on the %s list, referred on %s: record what happened on that referral instead", p.Name, first.Time().Format("2 January 2006"))}}}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := r.check(p.Regime, census); err != nil {
			return err
		}
		marks := make([]string, len(referralCols))
		for i := range marks {
			marks[i] = fmt.Sprintf("$%d", i+1)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO waitlist_referrals ("+strings.Join(referralCols, ", ")+") VALUES ("+strings.Join(marks, ", ")+")",
			r.ID, r.PathwayID, r.ChildID, r.Source, r.Received, r.Priority, strings.TrimSpace(r.PriorityReason), now, string(waitlist.Waiting), r.Received); err != nil {
			return err
		}
		var linked int
		live, largs := access.InForce(now, 3)
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM care_team ct LEFT JOIN consents cs ON cs.id = ct.consent_id WHERE ct.child_id = $1 AND ct.organisation_id = $2 AND ct.reason = 'referral' AND "+live,
			append([]any{r.ChildID, p.TeamID}, largs...)...).Scan(&linked); err != nil {
			return err
		}
		if linked == 0 {
			if _, err := access.AddLink(ctx, tx, access.Link{ChildID: r.ChildID, OrganisationID: p.TeamID, Reason: access.Referral,
				Purpose: p.Name + " waiting list", GrantedBy: a.PersonID, StartsAt: now}); err != nil {
				return err
			}
		}
		return appendAudit(ctx, d, tx, a, "waitlist.referral.add", "waitlist_referral", r.ID, r.ChildID, dec.Reason, now,
			audit.Change{Field: "referral", New: fmt.Sprintf("%s, received %s from %s, %s: %s", p.Name, r.Received, r.Source, r.Priority, r.PriorityReason)})
	})
	if err != nil {
		return Referral{}, err
	}
	return r, nil
}

// TypicalWait is how long children on a pathway typically waited: the median
// days from the first referral to the clock stopping, over the referrals whose
// clock stopped (assessment complete or treatment) in the year before census,
// and how many there were. It names no child and is not audited: it is a
// figure about the service, read by families and staff alike.
func TypicalWait(ctx context.Context, d *db.DB, pathwayID string, census date.Date) (median, n int, err error) {
	var days []int
	err = d.Transact(ctx, func(tx *sql.Tx) error {
		p, err := pathway(ctx, tx, pathwayID)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT r.id, r.received_on, e.seq, e.type, e.happened_on, e.rebooked_on, e.reason, e.kind, e.provider
			FROM waitlist_referrals r JOIN waitlist_events e ON e.referral_id = r.id
			WHERE r.pathway_id = $1 AND r.id IN (SELECT referral_id FROM waitlist_events WHERE type = 'clock_stop' AND happened_on > $2 AND happened_on <= $3)
			ORDER BY r.id, e.seq`, p.ID, census.AddDays(-365), census)
		if err != nil {
			return err
		}
		defer rows.Close()
		var cur Referral
		flush := func() error {
			if cur.ID == "" {
				return nil
			}
			h := cur.history(p.Regime)
			w, err := waitlist.Measure(&h, census)
			if err != nil {
				return err
			}
			if w.Status == waitlist.Stopped && (w.StopReason == waitlist.AssessmentComplete || w.StopReason == waitlist.Treatment) {
				days = append(days, w.TotalWaitDays)
			}
			return nil
		}
		for rows.Next() {
			var id string
			var received date.Date
			var seq int
			var ev eventColumns
			if err := rows.Scan(&id, &received, &seq, &ev.typ, &ev.on, &ev.rebooked, &ev.reason, &ev.kind, &ev.provider); err != nil {
				return err
			}
			if id != cur.ID {
				if err := flush(); err != nil {
					return err
				}
				cur = Referral{ID: id, Received: received}
			}
			x, err := ev.event()
			if err != nil {
				return err
			}
			cur.Events = append(cur.Events, x)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return flush()
	})
	if err != nil || len(days) == 0 {
		return 0, 0, err
	}
	slices.Sort(days)
	m := days[len(days)/2]
	if len(days)%2 == 0 {
		m = (days[len(days)/2-1] + days[len(days)/2]) / 2
	}
	return m, len(days), nil
}

// ListWaits is what a projection needs of a pathway's list: the days each
// child the actor may see is waiting at census, and the days every referral
// they may see was received. It names no child; the read is audited once.
func ListWaits(ctx context.Context, d *db.DB, a access.Actor, pathwayID string, census date.Date) (Pathway, []int, []date.Date, error) {
	if _, ok := a.Can(access.CaseView); !ok || a.Kind != access.Staff {
		return Pathway{}, nil, nil, apperr.Errorf(apperr.Forbidden, "your role does not include waiting lists")
	}
	now := db.Now()
	var p Pathway
	var waits []int
	var received []date.Date
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		if p, err = pathway(ctx, tx, pathwayID); err != nil {
			return err
		}
		waits, received = nil, nil
		for _, st := range []waitlist.Status{waitlist.Waiting, waitlist.Stopped, waitlist.Nullified} {
			es, err := measured(ctx, tx, a, p, census, Filter{}, st, now)
			if err != nil {
				return err
			}
			for _, e := range es {
				received = append(received, e.Received)
				if st == waitlist.Waiting {
					waits = append(waits, e.Wait.DaysWaited)
				}
			}
		}
		_, err = audit.Append(ctx, d, tx, listEvent(a, "waitlist.project", p, now))
		return err
	})
	return p, waits, received, err
}

func messagesOf(ctx context.Context, tx *sql.Tx, referralID string) ([]Message, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.given_name || ' ' || p.family_name, m.sent_at, m.body
		FROM waitlist_messages m JOIN people p ON p.id = m.sent_by WHERE m.referral_id = $1 ORDER BY m.sent_at, m.id`, referralID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.SentBy, &m.SentAt, &m.Body); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MaxMessage is the longest message a family may send, in characters.
const MaxMessage = 2000

// TellTeam records that a family says their child's circumstances changed, on
// one of the child's referrals, for a parent or young person with
// access.FamilyContribute over the child. The team sees it on the child's
// waiting-list history. Audited in the same transaction.
func TellTeam(ctx context.Context, d *db.DB, a access.Actor, childID, referralID, body string) error {
	now := db.Now()
	body = strings.TrimSpace(body)
	return d.Transact(ctx, func(tx *sql.Tx) error {
		dec, err := access.Check(ctx, tx, a, access.FamilyContribute, childID, now)
		if err != nil {
			return err
		}
		if !dec.Allow {
			return apperr.Errorf(apperr.NotFound, "there is no such child")
		}
		var fs apperr.Fields
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM waitlist_referrals WHERE id = $1 AND child_id = $2", referralID, childID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			fs.Add("referral", "choose the waiting list this is about")
		}
		switch l := len([]rune(body)); {
		case l == 0:
			fs.Add("body", "tell the team what has changed")
		case l > MaxMessage:
			fs.Add("body", fmt.Sprintf("%d characters: write at most %d", l, MaxMessage))
		}
		if err := fs.Err("your message"); err != nil {
			return err
		}
		id := uuid.NewString()
		if _, err := tx.ExecContext(ctx, "INSERT INTO waitlist_messages (id, referral_id, sent_by, body, sent_at) VALUES ($1, $2, $3, $4, $5)",
			id, referralID, a.PersonID, body, now); err != nil {
			return err
		}
		return appendAudit(ctx, d, tx, a, "waitlist.message.add", "waitlist_referral", referralID, childID, dec.Reason, now,
			audit.Change{Field: "message", New: body})
	})
}
