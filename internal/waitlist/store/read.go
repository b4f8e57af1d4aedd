package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/waitlist"
)

// outward is the first part of a UK postcode.
var outward = regexp.MustCompile(`^(?i)[A-Z]{1,2}[0-9][0-9A-Z]?$`)

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
	Band      string          // a range of weeks bands, one of Bands; "" means any
	Locality  string          // the outward code of the child's postcode (e.g. "WR11"); "" means any
}

// Bands are the ranges of weeks bands a list can be narrowed to: "0-18" is
// bands 1 to 18, "104+" band 105 and over.
var Bands = []string{"0-18", "18-36", "36-52", "52-104", "104+"}

// inBand reports whether a weeks band is in the range b.
func inBand(b string, band int) bool {
	lo, hi, _ := strings.Cut(strings.TrimSuffix(b, "+"), "-")
	var l, h int
	fmt.Sscan(lo, &l)
	if hi == "" {
		return band > l
	}
	fmt.Sscan(hi, &h)
	return band > l && band <= h
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
	if f.Band != "" && !slices.Contains(Bands, f.Band) {
		fs.Add("band", fmt.Sprintf("%q is not allowed: choose %s", f.Band, strings.Join(Bands, ", ")))
	}
	if f.Locality != "" && !outward.MatchString(f.Locality) {
		fs.Add("locality", fmt.Sprintf("%q is not the first part of a postcode, for example WR11", f.Locality))
	}
	return fs.Err("the filter")
}

// List is a pathway's waiting list at census for staff: the children the actor
// may see (access.CaseView, filtered in SQL), measured by the engine, longest
// wait first, at most limit of them, and how many match in all. Viewing a list
// is audited once, in the same transaction. An unknown pathway is NotFound; a
// role without CaseView is Forbidden.
//
// Every referral on the list is read narrow (its dates and events) to measure
// and sort it; only the page's children are then read with their names.
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
	err := audit.Read(ctx, d, func(tx *sql.Tx) (audit.Event, error) {
		var err error
		if p, err = pathway(ctx, tx, pathwayID); err != nil {
			return audit.Event{}, err
		}
		if out, err = measured(ctx, tx, a, p, census, f, status, now); err != nil {
			return audit.Event{}, err
		}
		total = len(out)
		out = longest(out, limit)
		return listEvent(a, "waitlist.view", p, now), named(ctx, tx, a, out, now)
	})
	if err != nil {
		return Pathway{}, nil, 0, err
	}
	return p, out, total, nil
}

// measured reads every referral on p the actor may see, narrow, and returns
// those that pass the filter, measured at census, without names.
func measured(ctx context.Context, tx *sql.Tx, a access.Actor, p Pathway, census date.Date, f Filter, status waitlist.Status, now time.Time) ([]Entry, error) {
	// Only the filters given are in the statement: "$2 = '' OR ..." would leave
	// PostgreSQL's generic plan guessing, and it guesses badly.
	where, vals := []string{"r.pathway_id = $1"}, []any{p.ID}
	if f.Priority != "" {
		vals = append(vals, f.Priority)
		where = append(where, fmt.Sprintf("r.priority = $%d", len(vals)))
	}
	if f.SettingID != "" {
		vals = append(vals, f.SettingID)
		where = append(where, fmt.Sprintf("r.child_id IN (SELECT id FROM children WHERE setting_id = $%d)", len(vals)))
	}
	if f.Locality != "" {
		vals = append(vals, strings.ToUpper(f.Locality)+" %")
		where = append(where, fmt.Sprintf("r.child_id IN (SELECT id FROM children WHERE postcode LIKE $%d)", len(vals)))
	}
	cond, args := access.Predicate(a, access.CaseView, "r.child_id", now, len(vals)+1)
	// No ORDER BY: grouping in Go costs less than either database's sort.
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.priority, r.received_on, e.seq, e.type, e.happened_on, e.rebooked_on, e.reason, e.kind, e.provider
		FROM waitlist_referrals r LEFT JOIN waitlist_events e ON e.referral_id = r.id
		WHERE `+strings.Join(where, " AND ")+` AND `+cond, append(vals, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type seqEvent struct {
		seq int64
		e   waitlist.Event
	}
	var all []Entry
	var events [][]seqEvent // by the entry's index in all
	at := map[string]int{}
	for rows.Next() {
		var e Entry
		var seq sql.NullInt64
		var ev eventColumns
		if err := rows.Scan(&e.ReferralID, &e.Priority, &e.Received, &seq, &ev.typ, &ev.on, &ev.rebooked, &ev.reason, &ev.kind, &ev.provider); err != nil {
			return nil, err
		}
		i, ok := at[e.ReferralID]
		if !ok {
			i = len(all)
			at[e.ReferralID] = i
			all = append(all, e)
			events = append(events, nil)
		}
		if ev.typ.Valid {
			x, err := ev.event()
			if err != nil {
				return nil, err
			}
			events[i] = append(events[i], seqEvent{seq.Int64, x})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := all[:0]
	var buf []waitlist.Event
	for i := range all {
		slices.SortFunc(events[i], func(a, b seqEvent) int { return cmp.Compare(a.seq, b.seq) })
		buf = buf[:0]
		for _, x := range events[i] {
			buf = append(buf, x.e)
		}
		r := Referral{ID: all[i].ReferralID, Received: all[i].Received, Events: buf}
		h := r.history(p.Regime)
		w, err := waitlist.Measure(&h, census)
		if err != nil {
			return nil, err // stored events the engine refuses: a fault to fix, not to hide
		}
		if w.Status == status && (f.Breach == "" || slices.Contains(w.Breaches, f.Breach)) && (f.Band == "" || inBand(f.Band, w.WeeksBand)) {
			e := all[i]
			e.Wait = w
			out = append(out, e)
		}
	}
	return out, nil
}

// named fills in the children of a page of entries, through the predicate again.
func named(ctx context.Context, tx *sql.Tx, a access.Actor, page []Entry, now time.Time) error {
	if len(page) == 0 {
		return nil
	}
	marks := make([]string, len(page))
	vals := make([]any, len(page))
	at := make(map[string]int, len(page))
	for i, e := range page {
		marks[i], vals[i], at[e.ReferralID] = fmt.Sprintf("$%d", i+1), e.ReferralID, i
	}
	cond, args := access.Predicate(a, access.CaseView, "r.child_id", now, len(vals)+1)
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.child_id, c.given_name || ' ' || c.family_name, c.date_of_birth, COALESCE(s.name, '')
		FROM waitlist_referrals r JOIN children c ON c.id = r.child_id LEFT JOIN organisations s ON s.id = c.setting_id
		WHERE r.id IN (`+strings.Join(marks, ", ")+`) AND `+cond, append(vals, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id string
		var e Entry
		if err := rows.Scan(&id, &e.ChildID, &e.Name, &e.DateOfBirth, &e.Setting); err != nil {
			return err
		}
		x := &page[at[id]]
		x.ChildID, x.Name, x.DateOfBirth, x.Setting = e.ChildID, e.Name, e.DateOfBirth, e.Setting
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != len(page) {
		return fmt.Errorf("waiting list: %d of the page's %d children read back", n, len(page))
	}
	return nil
}

// longest returns the first limit entries longest first, sorting indices:
// an Entry is too wide to move about thousands of times.
func longest(es []Entry, limit int) []Entry {
	idx := make([]int32, len(es))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return longestFirst(&es[a], &es[b]) })
	out := make([]Entry, min(limit, len(es)))
	for i := range out {
		out[i] = es[idx[i]]
	}
	return out
}

// longestFirst orders by days waited (most first), then the earliest referral, then id.
func longestFirst(a, b *Entry) int {
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
	_, err := audit.Append(ctx, d, tx, event(a, action, recordType, recordID, childID, reason, now, changes...))
	return err
}

// event is the audit row of a read or change by a.
func event(a access.Actor, action, recordType, recordID, childID, reason string, now time.Time, changes ...audit.Change) audit.Event {
	org := a.OrganisationID
	if org == "" {
		org = a.Kind
	}
	return audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: org,
		ActorRole: a.RoleTitle(), Action: action, RecordType: recordType, RecordID: recordID, ChildID: childID, Reason: reason, Changes: changes}
}

// listEvent is the audit row of a's action over p's list as a whole (a view,
// a check, a projection): it reaches only the children a may see.
func listEvent(a access.Actor, action string, p Pathway, now time.Time) audit.Event {
	return event(a, action, "waitlist_pathway", p.ID, "", "the children on the "+p.Name+" list you may see", now)
}
