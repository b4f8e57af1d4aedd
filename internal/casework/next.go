package casework

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/ehc"
)

// What a caseload keeps of each case's clock beside its packed events, so
// that a page of cases is read and judged without running the clock: the
// earliest due date among the deadlines not yet done (ehc_cases.next_due, the
// caseload's order; NULL when none) and those deadlines themselves
// (open_deadlines: rule, start, due date and the day an exception would
// excuse it, ehc.Deadline.ExcusableFrom), in the clock's order. None of it
// depends on today (only statuses do, and ehc.Deadline.StatusOn gives those),
// so any day gives the same answer.
type outlook struct {
	next date.Date
	open string
}

func outlookOf(history []ehc.Event, ds []ehc.Deadline) (outlook, []ehc.Deadline, error) {
	ds, err := ehc.Current.AppendDeadlines(ds[:0], history, date.Of(2000, 1, 1))
	if err != nil {
		return outlook{}, ds, err
	}
	var o outlook
	var b strings.Builder
	for _, d := range open(ds) {
		if o.next.IsZero() || d.Due.Before(o.next) {
			o.next = d.Due
		}
		if b.Len() > 0 {
			b.WriteString(eventSep)
		}
		b.WriteString(d.Rule)
		for _, day := range []date.Date{d.From, d.Due, d.ExcusableFrom} {
			b.WriteString(fieldSep)
			if !day.IsZero() {
				b.WriteString(day.String())
			}
		}
	}
	o.open = b.String()
	return o, ds, nil
}

// openOn appends to dst the deadlines packed in open (outlookOf), each with
// its duty and its status on today.
func openOn(open string, today date.Date, dst []ehc.Deadline) ([]ehc.Deadline, error) {
	for open != "" {
		var one string
		one, open, _ = strings.Cut(open, eventSep)
		f := strings.Split(one, fieldSep)
		if len(f) != 4 {
			return dst, fmt.Errorf("packed open deadline %q: %d fields, want 4", one, len(f))
		}
		d := ehc.Deadline{Rule: f[0]}
		for i, into := range []*date.Date{&d.From, &d.Due, &d.ExcusableFrom} {
			if f[i+1] == "" {
				continue
			}
			var err error
			if *into, err = ymd(f[i+1]); err != nil {
				return dst, err
			}
		}
		r := ehc.Current.InForce(d.Rule, d.From)
		if r == nil || d.Due.IsZero() {
			return dst, fmt.Errorf("packed open deadline %q: no rule %s in force on its start, or no due date", one, d.Rule)
		}
		d.Duty, d.Basis, d.Status = r.Duty, r.Basis, d.StatusOn(today)
		dst = append(dst, d)
	}
	return dst, nil
}

// outlookVersion names what is kept: raise it when that changes, and every
// case is worked out again at start-up (Refresh), as when the clock or its
// rulebook changes (ehc.Revision).
const (
	outlookName    = "ehc_cases.next_due"
	outlookVersion = "2" // 2: open_deadlines beside next_due
)

// Refresh works out every case's outlook again when the clock, its rulebook
// or what is kept has changed since it was stored, and does nothing otherwise.
// Every command that opens the database for work runs it after the
// migrations. A case whose events change meanwhile keeps the value its own
// transaction wrote: a row is rewritten only if its packed events are still
// the ones read.
func Refresh(ctx context.Context, d *db.DB) (changed int, err error) {
	version := ehc.Revision + "/" + outlookVersion
	var have string
	err = d.QueryRowContext(ctx, "SELECT version FROM derived_versions WHERE name = $1", outlookName).Scan(&have)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if have == version {
		return 0, nil
	}
	const batch = 2000
	after := ""
	var evs []ehc.Event
	var ds []ehc.Deadline
	for {
		type stored struct {
			id, clock string
			kept      outlook
		}
		var got []stored
		rows, err := d.QueryContext(ctx, "SELECT id, clock, next_due, open_deadlines FROM ehc_cases WHERE id > $1 ORDER BY id LIMIT $2", after, batch)
		if err != nil {
			return changed, err
		}
		for rows.Next() {
			var s stored
			if err := rows.Scan(&s.id, &s.clock, &s.kept.next, &s.kept.open); err != nil {
				rows.Close()
				return changed, err
			}
			got = append(got, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return changed, err
		}
		if len(got) == 0 {
			break
		}
		err = d.Transact(ctx, func(tx *sql.Tx) error {
			for _, s := range got {
				if evs, err = unpack(s.clock, evs[:0]); err != nil {
					return fmt.Errorf("case %s: %w", s.id, err)
				}
				var o outlook
				if o, ds, err = outlookOf(evs, ds); err != nil {
					return fmt.Errorf("case %s: stored events the clock refuses: %w", s.id, err)
				}
				if o == s.kept {
					continue
				}
				if _, err := tx.ExecContext(ctx, "UPDATE ehc_cases SET next_due = $1, open_deadlines = $2 WHERE id = $3 AND clock = $4",
					o.next, o.open, s.id, s.clock); err != nil {
					return err
				}
				changed++
			}
			return nil
		})
		if err != nil {
			return changed, err
		}
		after = got[len(got)-1].id
	}
	_, err = d.ExecContext(ctx, `INSERT INTO derived_versions (name, version) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET version = excluded.version`, outlookName, version)
	return changed, err
}
