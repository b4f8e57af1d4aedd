package casework

import (
	"context"
	"database/sql"
	"fmt"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/ehc"
)

// Row is one case on a caseload: the child, where the case stands, its next
// statutory date and its state.
type Row struct {
	CaseID, ChildID, ChildName string
	Stage                      string
	Coordinator                string // the named contact, "" when none
	CoordinatorID              string
	Next                       ehc.Deadline
	Open                       int // deadlines not yet done
	State                      RAG
}

// Filter narrows a caseload.
type Filter struct {
	// Team lists every case in the actor's reach (a manager's view of their
	// teams); otherwise only the cases whose named contact is the actor.
	Team bool
	// DueThisWeek keeps cases with a deadline overdue or due in the next 7 days.
	DueThisWeek bool
	// Coordinator keeps the cases of one named contact (a person id), in a team view.
	Coordinator string
}

// Caseload lists the EHC cases a member of staff works on, ordered by their
// next statutory date, with the total before the limit. Deadlines come from
// the clock over each case's stored events. Viewing it is audited once.
func Caseload(ctx context.Context, d *db.DB, a access.Actor, f Filter, limit int) ([]Row, int, error) {
	if _, ok := a.Can(access.CaseView); !ok || a.Kind != access.Staff {
		return nil, 0, apperr.Errorf(apperr.Forbidden, "your role does not include a caseload")
	}
	now := db.Now()
	today := date.FromTime(now)
	// The named contact's own cases need no join to find their name: the
	// cases come through the index of their care-team links.
	named := `SELECT nc.child_id FROM care_team nc WHERE nc.person_id = $3 AND nc.reason = 'allocated' AND nc.purpose = $1
		AND nc.status = 'active' AND nc.starts_at <= $2 AND (nc.ends_at IS NULL OR nc.ends_at > $2)`
	args := []any{access.NamedContact, now}
	from := `ehc_cases k JOIN children ch ON ch.id = k.child_id
		LEFT JOIN care_team ct ON ct.child_id = k.child_id AND ct.reason = 'allocated' AND ct.purpose = $1
			AND ct.status = 'active' AND ct.starts_at <= $2 AND (ct.ends_at IS NULL OR ct.ends_at > $2)
		LEFT JOIN people p ON p.id = ct.person_id`
	coordinator, mine := "COALESCE(p.given_name || ' ' || p.family_name, ''), COALESCE(p.id, '')", "1 = 1"
	scope, _ := a.Can(access.CaseView)
	switch {
	case !f.Team && scope == access.ScopeOwn: // the predicate is already the children they are linked to
		from, coordinator = "ehc_cases k JOIN children ch ON ch.id = k.child_id", "'', ''"
		args = args[:0]
	case !f.Team:
		from, coordinator = "ehc_cases k JOIN children ch ON ch.id = k.child_id", "'', ''"
		mine, args = "k.child_id IN ("+named+")", append(args, a.PersonID)
	case f.Coordinator != "":
		mine, args = "ct.person_id = $3", append(args, f.Coordinator)
	}
	cond, pargs := access.Predicate(a, access.CaseView, "k.child_id", now, len(args)+1)
	args = append(args, pargs...)
	type raw struct {
		row   Row
		clock string
	}
	var got []raw
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		got = got[:0]
		// One row a case, its events packed (pack.go): the read holds SQLite's
		// write lock with the audit row, so it is kept short, and the clock
		// runs after the commit.
		rows, err := tx.QueryContext(ctx, `SELECT k.id, k.child_id, ch.given_name || ' ' || ch.family_name, k.stage, `+coordinator+`, k.clock
			FROM `+from+`
			WHERE `+mine+` AND `+cond+`
			ORDER BY k.id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r raw
			if err := rows.Scan(&r.row.CaseID, &r.row.ChildID, &r.row.ChildName, &r.row.Stage, &r.row.Coordinator, &r.row.CoordinatorID, &r.clock); err != nil {
				return err
			}
			if n := len(got); n > 0 && got[n-1].row.CaseID == r.row.CaseID {
				continue // two named contacts while a handover overlaps: one row
			}
			got = append(got, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		what := "the EHC cases you coordinate"
		if f.Team {
			what = "the EHC cases of your teams"
		}
		return write(ctx, d, tx, a, "ehc.caseload.view", "ehc_caseload", a.PersonID, "", what, now)
	})
	if err != nil {
		return nil, 0, err
	}
	out := make([]Row, 0, len(got))
	var evs []ehc.Event
	var ds []ehc.Deadline
	for _, r := range got {
		if !f.Team {
			r.row.Coordinator, r.row.CoordinatorID = a.Name, a.PersonID
		}
		if evs, err = unpack(r.clock, evs[:0]); err != nil {
			return nil, 0, fmt.Errorf("case %s: %w", r.row.CaseID, err)
		}
		if ds, err = ehc.Current.AppendDeadlines(ds[:0], evs, today); err != nil {
			return nil, 0, fmt.Errorf("case %s: stored events the clock refuses: %w", r.row.CaseID, err)
		}
		o := open(ds)
		r.row.Open = len(o)
		if len(o) > 0 {
			r.row.Next = o[0]
		}
		r.row.State = StateOf(o, today)
		if !f.DueThisWeek || (len(o) > 0 && !o[0].Due.After(today.AddDays(7))) {
			out = append(out, r.row)
		}
	}
	sortByNext(out)
	total := len(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, total, nil
}
