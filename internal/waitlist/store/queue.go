package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/date"
	"joinedup/internal/waitlist"
)

// settled is a census after every event: where a referral's clock stands once
// all its events have happened. Events are never recorded after today, so for
// any census from today on this is the clock's state.
var settled = date.Of(2999, 12, 31)

// queue is the referral's wait_status and clock_start columns (migration
// 00018): the engine's status with every event happened, and the day the
// current clock started (nil when there is none).
func (r *Referral) queue(regime waitlist.Regime) (string, any, error) {
	h := r.history(regime)
	w, err := waitlist.Measure(&h, settled)
	if err != nil {
		return "", nil, err
	}
	if w.ClockStart.IsZero() {
		return string(w.Status), nil, nil
	}
	return string(w.Status), w.ClockStart, nil
}

// indexedPage is one page of the children still waiting, read in the order of
// waitlist_referrals_queue: the filters and the order in SQL, the count from
// the index, the children's names with the page, and only the page's
// referrals measured by the engine. ok is false
// when it cannot answer (a referral from before migration 00018, or a filter
// on a status other than waiting); the caller then measures the whole list.
func indexedPage(ctx context.Context, tx *sql.Tx, a access.Actor, p Pathway, census date.Date, f Filter, offset, limit int, now time.Time) ([]Entry, int, bool, error) {
	if f.Status != "" && f.Status != waitlist.Waiting {
		return nil, 0, false, nil
	}
	var unindexed int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM waitlist_referrals WHERE pathway_id = $1 AND wait_status IS NULL", p.ID).Scan(&unindexed); err != nil {
		return nil, 0, false, err
	}
	if unindexed > 0 {
		return nil, 0, false, nil
	}
	where, vals := []string{"r.pathway_id = $1", "r.wait_status = $2", "r.clock_start <= $3"}, []any{p.ID, string(waitlist.Waiting), census}
	add := func(cond string, v any) {
		vals = append(vals, v)
		where = append(where, fmt.Sprintf(cond, len(vals)))
	}
	if f.Priority != "" {
		add("r.priority = $%d", f.Priority)
	}
	if f.SettingID != "" {
		add("r.child_id IN (SELECT id FROM children WHERE setting_id = $%d)", f.SettingID)
	}
	if f.Locality != "" {
		add("r.child_id IN (SELECT id FROM children WHERE postcode LIKE $%d)", strings.ToUpper(f.Locality)+" %")
	}
	// Days waited = census − clock_start: over n days is a clock started before census − n.
	if f.Breach != "" {
		var weeks int
		fmt.Sscan(f.Breach, &weeks)
		add("r.clock_start < $%d", census.AddDays(-7*weeks))
	}
	if f.Band != "" {
		// Band = ceil(days/7), at least 1: band > lo is days > 7·lo, band ≤ hi is days ≤ 7·hi.
		lo, hi, _ := strings.Cut(strings.TrimSuffix(f.Band, "+"), "-")
		var l, h int
		fmt.Sscan(lo, &l)
		if l > 0 {
			add("r.clock_start < $%d", census.AddDays(-7*l))
		}
		if hi != "" {
			fmt.Sscan(hi, &h)
			add("r.clock_start >= $%d", census.AddDays(-7*h))
		}
	}
	from := " FROM waitlist_referrals r WHERE " + strings.Join(where, " AND ") + " AND "
	// The count builds the list of children the actor may reach once; the
	// page tests each row it reads in index order and stops at the page's end.
	cond, args := access.Predicate(a, access.CaseView, "r.child_id", now, len(vals)+1)
	var total int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*)"+from+cond, append(vals, args...)...).Scan(&total); err != nil {
		return nil, 0, false, err
	}
	cond, args = access.PredicateEach(a, access.CaseView, "r.child_id", now, len(vals)+1)
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT r.id, r.priority, r.received_on, r.clock_start, r.child_id,
		c.given_name || ' ' || c.family_name, c.date_of_birth, COALESCE(s.name, '')
		FROM (SELECT r.id%s ORDER BY r.clock_start, r.received_on, r.id LIMIT %d OFFSET %d) n
		JOIN waitlist_referrals r ON r.id = n.id JOIN children c ON c.id = r.child_id LEFT JOIN organisations s ON s.id = c.setting_id
		ORDER BY r.clock_start, r.received_on, r.id`, from+cond, limit, offset), append(vals, args...)...)
	if err != nil {
		return nil, 0, false, err
	}
	var out []Entry
	var starts []date.Date
	for rows.Next() {
		var e Entry
		var start date.Date
		if err := rows.Scan(&e.ReferralID, &e.Priority, &e.Received, &start, &e.ChildID, &e.Name, &e.DateOfBirth, &e.Setting); err != nil {
			rows.Close()
			return nil, 0, false, err
		}
		out, starts = append(out, e), append(starts, start)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, false, err
	}
	events, err := eventsOfMany(ctx, tx, out)
	if err != nil {
		return nil, 0, false, err
	}
	for i := range out {
		r := Referral{ID: out[i].ReferralID, Received: out[i].Received, Events: events[out[i].ReferralID]}
		h := r.history(p.Regime)
		if out[i].Wait, err = waitlist.Measure(&h, census); err != nil {
			return nil, 0, false, err
		}
		if out[i].Wait.Status != waitlist.Waiting || out[i].Wait.ClockStart != starts[i] {
			return nil, 0, false, fmt.Errorf("waiting list: referral %s is indexed waiting since %s, but the engine says %s since %s",
				out[i].ReferralID, starts[i], out[i].Wait.Status, out[i].Wait.ClockStart)
		}
	}
	return out, total, true, nil
}

// eventsOfMany reads the events of a page of referrals in one statement, by referral, in order.
func eventsOfMany(ctx context.Context, tx *sql.Tx, page []Entry) (map[string][]waitlist.Event, error) {
	out := make(map[string][]waitlist.Event, len(page))
	if len(page) == 0 {
		return out, nil
	}
	marks := make([]string, len(page))
	vals := make([]any, len(page))
	for i, e := range page {
		marks[i], vals[i] = fmt.Sprintf("$%d", i+1), e.ReferralID
	}
	rows, err := tx.QueryContext(ctx, `SELECT referral_id, type, happened_on, rebooked_on, reason, kind, provider
		FROM waitlist_events WHERE referral_id IN (`+strings.Join(marks, ", ")+`) ORDER BY referral_id, seq`, vals...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var ev eventColumns
		if err := rows.Scan(&id, &ev.typ, &ev.on, &ev.rebooked, &ev.reason, &ev.kind, &ev.provider); err != nil {
			return nil, err
		}
		x, err := ev.event()
		if err != nil {
			return nil, err
		}
		out[id] = append(out[id], x)
	}
	return out, rows.Err()
}
