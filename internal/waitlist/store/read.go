package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/waitlist"
)

// Entry is one child on a waiting list as staff see it.
type Entry struct {
	ReferralID  string
	ChildID     string
	Name        string
	DateOfBirth date.Date
	Setting     string
	Priority    string
	Received    date.Date
	Wait        waitlist.Wait
}

// Filter narrows a waiting list. The zero Filter is every child still waiting.
type Filter struct {
	Status    waitlist.Status // "" means waitlist.Waiting
	Priority  string          // "" means any
	Breach    string          // "18", "36", "52" or "104": only waits over it; "" means any
	SettingID string          // the child's school or setting; "" means any
}

func (f *Filter) check() error {
	var fs apperr.Fields
	if f.Status != "" && f.Status != waitlist.Waiting && f.Status != waitlist.Stopped && f.Status != waitlist.Nullified {
		fs.Add("status", fmt.Sprintf("%q is not allowed: choose waiting, stopped, nullified", f.Status))
	}
	if f.Priority != "" && !slices.Contains(Priorities, f.Priority) {
		fs.Add("priority", fmt.Sprintf("%q is not allowed: choose urgent, soon, routine", f.Priority))
	}
	if f.Breach != "" && !slices.Contains(waitlist.Breaches(1000), f.Breach) {
		fs.Add("breach", fmt.Sprintf("%q is not allowed: choose 18, 36, 52, 104", f.Breach))
	}
	return fs.Err("the filter")
}

// List is a pathway's waiting list at census for staff: the children the actor
// may see (access.CaseView, filtered in SQL), measured by the engine, longest
// wait first, at most limit of them, and how many match in all. Viewing a list
// is audited once, in the same transaction. An unknown pathway is NotFound; a
// role without CaseView is Forbidden.
func List(ctx context.Context, d *db.DB, a access.Actor, pathwayID string, census date.Date, f Filter, limit int) (Pathway, []Entry, int, error) {
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
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		out, total = nil, 0
		var err error
		if p, err = pathway(ctx, tx, pathwayID); err != nil {
			return err
		}
		cond, args := access.Predicate(a, access.CaseView, "r.child_id", now, 4)
		rows, err := tx.QueryContext(ctx, `SELECT r.id, r.child_id, c.given_name || ' ' || c.family_name, c.date_of_birth,
				COALESCE(s.name, ''), r.priority, r.received_on,
				e.type, e.happened_on, e.rebooked_on, e.reason, e.kind, e.provider
			FROM waitlist_referrals r JOIN children c ON c.id = r.child_id
			LEFT JOIN organisations s ON s.id = c.setting_id
			LEFT JOIN waitlist_events e ON e.referral_id = r.id
			WHERE r.pathway_id = $1 AND ($2 = '' OR r.priority = $2) AND ($3 = '' OR c.setting_id = $3) AND `+cond+`
			ORDER BY r.id, e.seq`, append([]any{pathwayID, f.Priority, f.SettingID}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var cur *Entry
		var events []waitlist.Event
		finish := func() error {
			if cur == nil {
				return nil
			}
			r := Referral{ID: cur.ReferralID, Received: cur.Received, Events: events}
			h := r.history(p.Regime)
			w, err := waitlist.Measure(&h, census)
			if err != nil {
				return err // stored events the engine refuses: a fault to fix, not to hide
			}
			cur.Wait = w
			if w.Status == status && (f.Breach == "" || slices.Contains(w.Breaches, f.Breach)) {
				out = append(out, *cur)
			}
			return nil
		}
		for rows.Next() {
			var e Entry
			var ev eventColumns
			if err := rows.Scan(&e.ReferralID, &e.ChildID, &e.Name, &e.DateOfBirth, &e.Setting, &e.Priority, &e.Received,
				&ev.typ, &ev.on, &ev.rebooked, &ev.reason, &ev.kind, &ev.provider); err != nil {
				return err
			}
			if cur == nil || cur.ReferralID != e.ReferralID {
				if err := finish(); err != nil {
					return err
				}
				cur, events = &e, nil
			}
			if ev.typ.Valid {
				x, err := ev.event()
				if err != nil {
					return err
				}
				events = append(events, x)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := finish(); err != nil {
			return err
		}
		return appendAudit(ctx, d, tx, a, "waitlist.view", "waitlist_pathway", p.ID, "", "the children on the "+p.Name+" list you may see", now)
	})
	if err != nil {
		return Pathway{}, nil, 0, err
	}
	slices.SortFunc(out, longestFirst)
	total = len(out)
	return p, out[:min(limit, len(out))], total, nil
}

// longestFirst orders by days waited (most first), then the earliest referral, then id.
func longestFirst(a, b Entry) int {
	return cmp.Or(b.Wait.DaysWaited-a.Wait.DaysWaited, b.Wait.TotalWaitDays-a.Wait.TotalWaitDays,
		a.Received.Compare(b.Received), cmp.Compare(a.ReferralID, b.ReferralID))
}

// Detail is one child's referral to one pathway, with its history.
type Detail struct {
	Pathway Pathway
	Entry
	Source         string
	PriorityReason string
	Events         []waitlist.Event
	// Access is why the reader may see it, as the audit row records.
	Access string
}

// History reads one referral and its events for staff (access.CaseView),
// measured at census. A referral whose child is out of reach is NotFound, as
// is one that does not exist; a refused read is not audited.
func History(ctx context.Context, d *db.DB, a access.Actor, referralID string, census date.Date) (Detail, error) {
	now := db.Now()
	var out Detail
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		out = Detail{}
		var pathwayID string
		cond, args := access.Predicate(a, access.CaseView, "r.child_id", now, 2)
		err := tx.QueryRowContext(ctx, `SELECT r.id, r.pathway_id, r.child_id, c.given_name || ' ' || c.family_name, c.date_of_birth,
				COALESCE(s.name, ''), r.priority, r.received_on, r.source, r.priority_reason
			FROM waitlist_referrals r JOIN children c ON c.id = r.child_id LEFT JOIN organisations s ON s.id = c.setting_id
			WHERE r.id = $1 AND `+cond, append([]any{referralID}, args...)...).
			Scan(&out.ReferralID, &pathwayID, &out.ChildID, &out.Name, &out.DateOfBirth, &out.Setting, &out.Priority, &out.Received,
				&out.Source, &out.PriorityReason)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "there is no such referral")
		}
		if err != nil {
			return err
		}
		dec, err := access.Check(ctx, tx, a, access.CaseView, out.ChildID, now)
		if err != nil {
			return err
		}
		if !dec.Allow { // the predicate and Decide disagree: refuse, as hidden
			return apperr.Errorf(apperr.NotFound, "there is no such referral")
		}
		if out.Pathway, err = pathway(ctx, tx, pathwayID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT type, happened_on, rebooked_on, reason, kind, provider
			FROM waitlist_events WHERE referral_id = $1 ORDER BY seq`, referralID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var ev eventColumns
			if err := rows.Scan(&ev.typ, &ev.on, &ev.rebooked, &ev.reason, &ev.kind, &ev.provider); err != nil {
				return err
			}
			x, err := ev.event()
			if err != nil {
				return err
			}
			out.Events = append(out.Events, x)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		r := Referral{ID: out.ReferralID, Received: out.Received, Events: out.Events}
		h := r.history(out.Pathway.Regime)
		if out.Wait, err = waitlist.Measure(&h, census); err != nil {
			return err
		}
		out.Access = dec.Reason
		return appendAudit(ctx, d, tx, a, "waitlist.referral.view", "waitlist_referral", referralID, out.ChildID, dec.Reason, now)
	})
	return out, err
}

// Pathways lists every pathway, by team and name. They name no child.
func Pathways(ctx context.Context, q access.Querier) ([]Pathway, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.team_id, o.name, p.service, p.regime, p.name
		FROM waitlist_pathways p JOIN organisations o ON o.id = p.team_id ORDER BY o.name, p.name, p.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Pathway
	for rows.Next() {
		p, err := scanPathway(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func pathway(ctx context.Context, q access.Querier, id string) (Pathway, error) {
	p, err := scanPathway(q.QueryRowContext(ctx, `SELECT p.id, p.team_id, o.name, p.service, p.regime, p.name
		FROM waitlist_pathways p JOIN organisations o ON o.id = p.team_id WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Pathway{}, apperr.Errorf(apperr.NotFound, "there is no such waiting list")
	}
	return p, err
}

func scanPathway(sc interface{ Scan(...any) error }) (Pathway, error) {
	var p Pathway
	var regime string
	if err := sc.Scan(&p.ID, &p.TeamID, &p.Team, &p.Service, &regime, &p.Name); err != nil {
		return Pathway{}, err
	}
	var ok bool
	if p.Regime, ok = waitlist.ParseRegime(regime); !ok {
		return Pathway{}, fmt.Errorf("waiting list %s: regime %q", p.ID, regime)
	}
	return p, nil
}

// eventColumns is one waitlist_events row as scanned (all NULL from a LEFT JOIN with no event).
type eventColumns struct {
	typ, reason, kind, provider sql.NullString
	on, rebooked                date.Date
}

func (c *eventColumns) event() (waitlist.Event, error) {
	var e waitlist.Event
	var ok bool
	if e.Kind, ok = waitlist.ParseKind(c.typ.String); !ok {
		return e, fmt.Errorf("waiting list event type %q", c.typ.String)
	}
	e.Date, e.Rebooked, e.Provider = c.on, c.rebooked, c.provider.String
	if c.reason.Valid {
		if e.Reason, ok = waitlist.ParseReason(c.reason.String); !ok {
			return e, fmt.Errorf("waiting list stop reason %q", c.reason.String)
		}
	}
	if c.kind.Valid {
		if e.Transfer, ok = waitlist.ParseTransferKind(c.kind.String); !ok {
			return e, fmt.Errorf("waiting list transfer kind %q", c.kind.String)
		}
	}
	return e, nil
}

// appendAudit writes the audit row of a read, or with its changes a change, by a.
func appendAudit(ctx context.Context, d *db.DB, tx *sql.Tx, a access.Actor, action, recordType, recordID, childID, reason string, now time.Time, changes ...audit.Change) error {
	org := a.OrganisationID
	if org == "" {
		org = a.Kind
	}
	_, err := audit.Append(ctx, d, tx, audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: org,
		ActorRole: a.RoleTitle(), Action: action, RecordType: recordType, RecordID: recordID, ChildID: childID, Reason: reason, Changes: changes})
	return err
}
