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
	args := []any{access.NamedContact, now}
	mine := "1 = 1"
	switch {
	case !f.Team:
		mine, args = "ct.person_id = $3", append(args, a.PersonID)
	case f.Coordinator != "":
		mine, args = "ct.person_id = $3", append(args, f.Coordinator)
	}
	cond, pargs := access.Predicate(a, access.CaseView, "k.child_id", now, len(args)+1)
	args = append(args, pargs...)
	var out []Row
	var total int
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		out, total = nil, 0
		// One row per event, the case's columns repeated: one round trip for the whole caseload.
		rows, err := tx.QueryContext(ctx, `SELECT k.id, k.child_id, ch.given_name || ' ' || ch.family_name, k.stage,
				COALESCE(p.given_name || ' ' || p.family_name, ''), e.type, e.event_date, e.end_date, e.received_on,
				COALESCE(e.code, ''), COALESCE(e.contributor, '')
			FROM ehc_cases k JOIN children ch ON ch.id = k.child_id
			LEFT JOIN care_team ct ON ct.child_id = k.child_id AND ct.reason = 'allocated' AND ct.purpose = $1
				AND ct.status = 'active' AND ct.starts_at <= $2 AND (ct.ends_at IS NULL OR ct.ends_at > $2)
			LEFT JOIN people p ON p.id = ct.person_id
			JOIN ehc_events e ON e.case_id = k.id
			WHERE `+mine+` AND `+cond+`
			ORDER BY k.id, e.seq`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var cur Row
		var evs []ehc.Event
		var ds []ehc.Deadline
		flush := func() error {
			if cur.CaseID == "" {
				return nil
			}
			var err error
			if ds, err = ehc.Current.AppendDeadlines(ds[:0], evs, today); err != nil {
				return fmt.Errorf("case %s: stored events the clock refuses: %w", cur.CaseID, err)
			}
			o := open(ds)
			cur.Open = len(o)
			if len(o) > 0 {
				cur.Next = o[0]
			}
			cur.State = StateOf(o, today)
			if !f.DueThisWeek || (len(o) > 0 && !o[0].Due.After(today.AddDays(7))) {
				out = append(out, cur)
			}
			evs = evs[:0]
			return nil
		}
		for rows.Next() {
			var r Row
			var typ string
			var e ehc.Event
			var to, received sql.Null[date.Date]
			if err := rows.Scan(&r.CaseID, &r.ChildID, &r.ChildName, &r.Stage, &r.Coordinator, &typ, &e.Date, &to, &received, &e.Code, &e.Contributor); err != nil {
				return err
			}
			if r.CaseID != cur.CaseID {
				if err := flush(); err != nil {
					return err
				}
				cur = r
			} else if r.Coordinator != cur.Coordinator { // two named contacts while a handover overlaps: one row
				continue
			}
			var ok bool
			if e.Type, ok = ehc.ParseType(typ); !ok {
				return fmt.Errorf("case %s: unknown event type %q", r.CaseID, typ)
			}
			e.To, e.Received = to.V, received.V
			evs = append(evs, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		sortByNext(out)
		total = len(out)
		if len(out) > limit {
			out = out[:limit]
		}
		what := "the EHC cases you coordinate"
		if f.Team {
			what = "the EHC cases of your teams"
		}
		return write(ctx, d, tx, a, "ehc.caseload.view", "ehc_caseload", a.PersonID, "", what, now)
	})
	return out, total, err
}
