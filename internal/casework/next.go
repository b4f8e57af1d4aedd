package casework

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/ehc"
)

// nextDue is the earliest due date among a history's deadlines not yet done,
// zero when none: what ehc_cases.next_due keeps, so a caseload is read in the
// order of its next statutory date. Due dates never depend on today (only
// statuses do), so any day gives the same answer.
func nextDue(history []ehc.Event, ds []ehc.Deadline) (date.Date, []ehc.Deadline, error) {
	ds, err := ehc.Current.AppendDeadlines(ds[:0], history, date.Of(2000, 1, 1))
	if err != nil {
		return date.Date{}, ds, err
	}
	var next date.Date
	for _, d := range ds {
		if d.Done.IsZero() && !d.Due.IsZero() && (next.IsZero() || d.Due.Before(next)) {
			next = d.Due
		}
	}
	return next, ds, nil
}

const nextDueVersion = "ehc_cases.next_due"

// Refresh recomputes every case's next_due when the clock or its rulebook
// has changed since it was stored (ehc.Revision), and does nothing otherwise.
// Every command that opens the database for work runs it after the
// migrations. A case whose events change meanwhile keeps the value its own
// transaction wrote: a row is rewritten only if its packed events are still
// the ones read.
func Refresh(ctx context.Context, d *db.DB) (changed int, err error) {
	var have string
	err = d.QueryRowContext(ctx, "SELECT version FROM derived_versions WHERE name = $1", nextDueVersion).Scan(&have)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if have == ehc.Revision {
		return 0, nil
	}
	const batch = 2000
	after := ""
	var evs []ehc.Event
	var ds []ehc.Deadline
	for {
		type stored struct {
			id, clock string
			next      date.Date
		}
		var got []stored
		rows, err := d.QueryContext(ctx, "SELECT id, clock, next_due FROM ehc_cases WHERE id > $1 ORDER BY id LIMIT $2", after, batch)
		if err != nil {
			return changed, err
		}
		for rows.Next() {
			var s stored
			if err := rows.Scan(&s.id, &s.clock, &s.next); err != nil {
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
				var next date.Date
				if next, ds, err = nextDue(evs, ds); err != nil {
					return fmt.Errorf("case %s: stored events the clock refuses: %w", s.id, err)
				}
				if next == s.next {
					continue
				}
				if _, err := tx.ExecContext(ctx, "UPDATE ehc_cases SET next_due = $1 WHERE id = $2 AND clock = $3", next, s.id, s.clock); err != nil {
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
		ON CONFLICT (name) DO UPDATE SET version = excluded.version`, nextDueVersion, ehc.Revision)
	return changed, err
}
