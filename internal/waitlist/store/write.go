package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/waitlist"
)

// AddEvent records one thing that happened on a referral, for a staff actor
// with access.WaitlistManage over the child, and returns the wait it leaves at
// census (today). The referral's whole history with the event must pass the
// engine, and the event cannot be after census: otherwise nothing is saved and
// the error names the field. A referral out of reach is NotFound, as is one that
// does not exist; one the actor may see but not manage is Forbidden. The change
// is audited with the reason access was allowed, in the same transaction.
func AddEvent(ctx context.Context, d *db.DB, a access.Actor, referralID string, e waitlist.Event, census date.Date) (waitlist.Wait, error) {
	now := db.Now()
	var w waitlist.Wait
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		w, _, err = addEventTx(ctx, d, tx, a, referralID, e, census, now)
		return err
	})
	if err != nil {
		return waitlist.Wait{}, err
	}
	return w, nil
}

// addEventTx is AddEvent inside a caller's transaction; it returns the child too.
func addEventTx(ctx context.Context, d *db.DB, tx *sql.Tx, a access.Actor, referralID string, e waitlist.Event, census date.Date, now time.Time) (waitlist.Wait, string, error) {
	var w waitlist.Wait
	var childID string
	err := func() error {
		var r Referral
		var regime string
		cond, args := access.Predicate(a, access.CaseView, "r.child_id", now, 2)
		err := tx.QueryRowContext(ctx, `SELECT r.child_id, r.received_on, p.regime FROM waitlist_referrals r
			JOIN waitlist_pathways p ON p.id = r.pathway_id WHERE r.id = $1 AND `+cond, append([]any{referralID}, args...)...).
			Scan(&r.ChildID, &r.Received, &regime)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "there is no such referral")
		}
		if err != nil {
			return err
		}
		dec, err := access.Require(ctx, tx, a, access.WaitlistManage, r.ChildID, now)
		if err != nil {
			return err
		}
		if err := checkNew(&e, census); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT type, happened_on, rebooked_on, reason, kind, provider
			FROM waitlist_events WHERE referral_id = $1 ORDER BY seq`, referralID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var ev eventColumns
			if err := rows.Scan(&ev.typ, &ev.on, &ev.rebooked, &ev.reason, &ev.kind, &ev.provider); err != nil {
				rows.Close()
				return err
			}
			x, err := ev.event()
			if err != nil {
				rows.Close()
				return err
			}
			r.Events = append(r.Events, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		r.ID = referralID
		r.Events = append(r.Events, e)
		rg, _ := waitlist.ParseRegime(regime)
		h := r.history(rg)
		if w, err = waitlist.Measure(&h, census); err != nil {
			return renamed(err, len(r.Events)) // the new event is events[len] of the history
		}
		var seq int
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) + 1 FROM waitlist_events WHERE referral_id = $1", referralID).Scan(&seq); err != nil {
			return err
		}
		// The predicate for the permission must agree with Decide, or the write is refused as hidden.
		manage, margs := access.Predicate(a, access.WaitlistManage, "c.id", now, 2)
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM children c WHERE c.id = $1 AND "+manage, append([]any{r.ChildID}, margs...)...).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			return apperr.Errorf(apperr.NotFound, "there is no such referral")
		}
		marks := make([]string, len(eventCols))
		for i := range marks {
			marks[i] = fmt.Sprintf("$%d", i+1)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO waitlist_events (%s) VALUES (%s)", strings.Join(eventCols, ", "), strings.Join(marks, ", ")),
			eventRow(referralID, seq, &e, a.PersonID, now)...); err != nil {
			return err
		}
		status, start, err := r.queue(rg)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE waitlist_referrals SET wait_status = $1, clock_start = $2 WHERE id = $3", status, start, referralID); err != nil {
			return err
		}
		childID = r.ChildID
		return appendAudit(ctx, d, tx, a, "waitlist.event.add", "waitlist_referral", referralID, r.ChildID, dec.Reason, now,
			audit.Change{Field: "event", New: describeEvent(&e)})
	}()
	if err != nil {
		return waitlist.Wait{}, "", err
	}
	return w, childID, nil
}

// checkNew refuses an event that cannot be added: a second referral, or one
// dated after census (what has happened is recorded, not what is booked).
func checkNew(e *waitlist.Event, census date.Date) error {
	bad := func(field, msg string) error {
		return &apperr.Error{Code: apperr.Invalid, Message: "the event has problems", Fields: []apperr.Field{{Name: field, Message: msg}}}
	}
	switch {
	case e.Kind == waitlist.ReferralReceived:
		return bad("type", "the referral is received once, on the referral itself")
	case e.Date.After(census):
		return bad("date", fmt.Sprintf("%s is after today (%s): record what has happened", e.Date, census))
	case e.Rebooked.After(census):
		return bad("rebooked", fmt.Sprintf("%s is after today (%s): the day the new appointment was booked", e.Rebooked, census))
	}
	return nil
}

// renamed turns the engine's error about events[i] of the history into one
// about the new event's own fields, so a form can show it beside them.
func renamed(err error, i int) error {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return err
	}
	out := &apperr.Error{Code: ae.Code, Message: "the event has problems"}
	prefix := fmt.Sprintf("events[%d].", i)
	for _, f := range ae.Fields {
		f.Name = strings.TrimPrefix(f.Name, prefix)
		out.Fields = append(out.Fields, f)
	}
	return out
}

// describeEvent is an event as the audit log shows it.
func describeEvent(e *waitlist.Event) string {
	s := e.Kind.String() + " " + e.Date.String()
	switch e.Kind {
	case waitlist.FirstAppointmentDNA:
		if !e.Rebooked.IsZero() {
			s += ", rebooked " + e.Rebooked.String()
		}
	case waitlist.ClockStop:
		s += ", " + e.Reason.String()
	case waitlist.Transfer:
		s += ", " + e.Transfer.String() + " to " + e.Provider
	}
	return s
}
