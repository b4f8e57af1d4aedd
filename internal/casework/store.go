package casework

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/ehc"
)

// Get reads a child's EHC case for p (access.CaseView for staff,
// access.FamilyView for families), with every deadline as of today. A child
// out of reach is NotFound; a child in reach with no case gives a Case whose
// Exists is false, so the page can offer to record a request.
func Get(ctx context.Context, d *db.DB, a access.Actor, childID string, p access.Permission) (Case, error) {
	now := db.Now()
	var c Case
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		dec, err := access.Require(ctx, tx, a, p, childID, now)
		if err != nil {
			return err
		}
		if c, err = read(ctx, tx, a, p, childID, now); err != nil {
			return err
		}
		if err := readFlow(ctx, tx, &c, p); err != nil {
			return err
		}
		c.Access = dec.Reason
		if p == access.FamilyView { // staff's words stay with staff; the reasons for decisions are the family's
			for i := range c.Events {
				if t := c.Events[i].Type; t != ehc.AssessmentDecision && t != ehc.NoPlanDecision && t != ehc.NoAmendmentDecision {
					c.Events[i].Note = ""
				}
				c.Events[i].RecordedBy = ""
			}
		}
		return write(ctx, d, tx, a, "ehc.view", "ehc_case", cmp.Or(c.ID, childID), childID, dec.Reason, now)
	})
	return c, err
}

// read loads the case of a child in reach of a for p, through the predicate.
func read(ctx context.Context, tx *sql.Tx, a access.Actor, p access.Permission, childID string, now time.Time) (Case, error) {
	c := Case{ChildID: childID, Today: date.Today(now)}
	cond, args := access.Predicate(a, p, "ch.id", now, 2)
	var given, family string
	var caseID, team, stage sql.NullString
	var opened sql.Null[date.Date]
	err := tx.QueryRowContext(ctx, `SELECT ch.given_name, ch.family_name, k.id, o.name, k.opened_on, k.stage
		FROM children ch LEFT JOIN ehc_cases k ON k.child_id = ch.id LEFT JOIN organisations o ON o.id = k.team_id
		WHERE ch.id = $1 AND `+cond, append([]any{childID}, args...)...).Scan(&given, &family, &caseID, &team, &opened, &stage)
	if errors.Is(err, sql.ErrNoRows) { // the predicate and Decide disagree: refuse, as hidden
		return c, apperr.Errorf(apperr.NotFound, "there is no such record")
	}
	if err != nil {
		return c, err
	}
	c.ChildName, c.ID, c.Team, c.Opened, c.Stage = given+" "+family, caseID.String, team.String, opened.V, stage.String
	if err := tx.QueryRowContext(ctx, `SELECT p.given_name || ' ' || p.family_name, COALESCE(p.email, ''), COALESCE(p.phone, '')
		FROM care_team ct JOIN people p ON p.id = ct.person_id
		WHERE ct.child_id = $1 AND ct.reason = 'allocated' AND ct.purpose = $2 AND ct.status = 'active'
		AND ct.starts_at <= $3 AND (ct.ends_at IS NULL OR ct.ends_at > $3)
		ORDER BY ct.starts_at DESC, ct.id LIMIT 1`, childID, access.NamedContact, now).Scan(&c.Coordinator, &c.CoordinatorEmail, &c.CoordinatorPhone); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, err
	}
	if !c.Exists() {
		return c, nil
	}
	var err2 error
	if c.Events, err2 = events(ctx, tx, c.ID); err2 != nil {
		return c, err2
	}
	if c.Deadlines, err = ehc.Deadlines(clockEvents(c.Events), c.Today); err != nil {
		return c, fmt.Errorf("case %s: stored events the clock refuses: %w", c.ID, err)
	}
	return c, nil
}

const eventCols = `e.id, e.seq, e.type, e.event_date, e.end_date, e.received_on, COALESCE(e.code, ''), COALESCE(e.contributor, ''),
	COALESCE(e.channel, ''), COALESCE(e.note, ''), e.recorded_at`

// events reads a case's events by date, then the order recorded.
func events(ctx context.Context, tx *sql.Tx, caseID string) ([]Event, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+eventCols+`, p.given_name || ' ' || p.family_name
		FROM ehc_events e JOIN people p ON p.id = e.recorded_by WHERE e.case_id = $1 ORDER BY e.event_date, e.seq`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := scanEvent(rows, &e, &e.RecordedBy); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func scanEvent(rows *sql.Rows, e *Event, extra ...any) error {
	var typ string
	var to, received sql.Null[date.Date]
	if err := rows.Scan(append([]any{&e.ID, &e.Seq, &typ, &e.Date, &to, &received, &e.Code, &e.Contributor, &e.Channel, &e.Note, &e.RecordedAt}, extra...)...); err != nil {
		return err
	}
	t, ok := ehc.ParseType(typ)
	if !ok {
		return fmt.Errorf("event %s: unknown type %q", e.ID, typ)
	}
	e.Type, e.To, e.Received = t, to.V, received.V
	return nil
}

func clockEvents(es []Event) []ehc.Event {
	out := make([]ehc.Event, len(es))
	for i := range es {
		out[i] = es[i].Event
	}
	return out
}

// permissionFor is what recording an event of type t needs: issuing plans
// and deciding not to issue one, or not to amend one, is plan.issue;
// everything else case.edit.
func permissionFor(t ehc.Type) access.Permission {
	switch t {
	case ehc.DraftPlanIssued, ehc.FinalPlanIssued, ehc.NoPlanDecision, ehc.AmendedPlanIssued, ehc.NoAmendmentDecision:
		return access.PlanIssue
	}
	return access.CaseEdit
}

// PlanActions are the event types package plan records with the document or
// the decision letter that must go with them, each with what does it: Add
// refuses them, so no plan is "issued" without a plan, nor a decision made
// without its letter. AddIn, which package plan calls in its own
// transaction, and the bulk load of past cases take them.
var PlanActions = map[ehc.Type]string{
	ehc.DraftPlanIssued:     "A draft plan is issued from the plan document",
	ehc.FinalPlanIssued:     "A final plan is issued from the plan document, with its decision letter",
	ehc.NoPlanDecision:      "A decision not to issue an EHC plan is recorded with its decision letter",
	ehc.AmendmentNotice:     "Proposed amendments are sent from the plan document",
	ehc.AmendedPlanIssued:   "An amended plan is issued from the plan document, with its decision letter",
	ehc.NoAmendmentDecision: "A decision not to amend the plan is recorded from the plan document, with its decision letter",
}

// Add records an event in a child's case, opening the case with a request
// received or the council becoming responsible. The whole history with the
// new event must pass the clock's validation and the order rules; otherwise
// the error names the field and the problem, and nothing is stored. One of
// PlanActions is refused, naming the type, once access is checked: a child
// out of reach is missing whatever the input.
func Add(ctx context.Context, d *db.DB, a access.Actor, childID string, in Input) (Event, error) {
	var ev Event
	err := d.Transact(ctx, func(tx *sql.Tx) (err error) {
		if t, ok := ehc.ParseType(in.Type); ok && PlanActions[t] != "" {
			if _, err := access.Require(ctx, tx, a, permissionFor(t), childID, db.Now()); err != nil {
				return err
			}
			return invalid("type", PlanActions[t]+": it cannot be recorded as an event on its own")
		}
		ev, err = AddIn(ctx, d, tx, a, childID, in)
		return err
	})
	if err != nil {
		return Event{}, err
	}
	return ev, nil
}

// AddIn is Add inside a transaction the caller holds, for a capability whose
// own change must stand or fall with the event (an advice request and the
// advice_requested event, say). On an error the caller must roll back.
func AddIn(ctx context.Context, d *db.DB, tx *sql.Tx, a access.Actor, childID string, in Input) (Event, error) {
	now := db.Now()
	today := date.Today(now)
	p := access.CaseEdit
	if t, ok := ehc.ParseType(in.Type); ok {
		p = permissionFor(t)
		if t == ehc.AdviceReceived && !a.May(access.CaseEdit) { // a body returning its own advice (package advice)
			p = access.AdviceSubmit
		}
	}
	var ev Event
	err := func() error {
		// Access first: a child out of reach is missing, whatever the input.
		dec, err := access.Require(ctx, tx, a, p, childID, now)
		if err != nil {
			return err
		}
		e, err := in.event()
		if err != nil {
			return err
		}
		if err := checkInput(in, e, today); err != nil {
			return err
		}
		ev = Event{Event: e, ID: uuid.NewString(), Channel: in.Channel, Note: cleanText(in.Note), RecordedBy: a.Name, RecordedAt: now}
		if e.Type != ehc.RequestReceived {
			ev.Channel = ""
		}
		c, err := read(ctx, tx, a, p, childID, now)
		if err != nil {
			return err
		}
		history := append(clockEvents(c.Events), e)
		if err := ehc.Validate(history); err != nil {
			return err
		}
		if i, err := checkOrder(history); err != nil {
			if i != len(history)-1 { // an event already stored: our fault, not the person's
				return fmt.Errorf("case %s: stored event %d out of order: %w", c.ID, i, err)
			}
			return err
		}
		o, _, err := outlookOf(history, nil)
		if err != nil {
			return err
		}
		stage := StageOf(history)
		if !c.Exists() {
			if e.Type != ehc.RequestReceived && e.Type != ehc.LAResponsible {
				return invalid("type", "There is no EHC case for this child yet: record the request for an assessment first")
			}
			if dec, err := access.Check(ctx, tx, a, access.CaseCreate, childID, now); err != nil || !dec.Allow {
				return cmp.Or(err, dec.Err())
			}
			c.ID = uuid.NewString()
			team, err := teamFor(ctx, tx, a, childID, now)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO ehc_cases (`+strings.Join(caseColumns, ", ")+`)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.ID, childID, team, e.Date, stage, pack(history), o.next, o.open, now.UTC()); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, "UPDATE ehc_cases SET stage = $1, clock = $2, next_due = $3, open_deadlines = $4 WHERE id = $5",
			stage, pack(history), o.next, o.open, c.ID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) + 1 FROM ehc_events WHERE case_id = $1", c.ID).Scan(&ev.Seq); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ehc_events (`+strings.Join(EventColumns, ", ")+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, ev.row(c.ID, a.PersonID)...); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "ehc.event.add", "ehc_event", ev.ID, childID, dec.Reason, now,
			audit.Change{Field: e.Type.String(), New: describe(ev)}, audit.Change{Field: "stage", Old: c.Stage, New: stage})
	}()
	if err != nil {
		return Event{}, err
	}
	return ev, nil
}

// EventColumns are ehc_events' columns in the order row gives them, for inserts and bulk loads.
var EventColumns = []string{"id", "case_id", "seq", "type", "event_date", "end_date", "received_on", "code", "contributor",
	"channel", "note", "recorded_by", "recorded_at"}

func (ev Event) row(caseID, by string) []any {
	return []any{ev.ID, caseID, ev.Seq, ev.Type.String(), ev.Date, nullDate(ev.To), nullDate(ev.Received), null(ev.Code),
		null(ev.Contributor), null(ev.Channel), null(ev.Note), by, ev.RecordedAt.UTC()}
}

func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullDate(d date.Date) any {
	if d.IsZero() {
		return nil
	}
	return d
}

// describe is an event in a line, for the audit row.
func describe(ev Event) string {
	parts := []string{words(ev.Date)}
	for _, s := range []string{ev.Code, ev.Contributor, ev.Channel} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if !ev.To.IsZero() {
		parts = append(parts, "to "+words(ev.To))
	}
	return strings.Join(parts, ", ")
}

// teamFor is the team that coordinates a new case: the council team that owns
// the child's casework, else the recording person's own team.
func teamFor(ctx context.Context, tx *sql.Tx, a access.Actor, childID string, now time.Time) (string, error) {
	var team string
	err := tx.QueryRowContext(ctx, `SELECT ct.organisation_id FROM care_team ct JOIN organisations o ON o.id = ct.organisation_id
		WHERE ct.child_id = $1 AND ct.reason = 'owner' AND o.kind = 'council_team' AND ct.status = 'active'
		AND ct.starts_at <= $2 AND (ct.ends_at IS NULL OR ct.ends_at > $2) ORDER BY ct.starts_at, ct.id LIMIT 1`, childID, now).Scan(&team)
	if errors.Is(err, sql.ErrNoRows) {
		if a.TeamID == "" {
			return "", apperr.Errorf(apperr.Forbidden, "only a member of a council team can open an EHC case")
		}
		return a.TeamID, nil
	}
	return team, err
}

// write appends the audit row for a read or, with its changes, a change by a.
func write(ctx context.Context, d *db.DB, tx *sql.Tx, a access.Actor, action, recordType, recordID, childID, reason string, now time.Time, changes ...audit.Change) error {
	_, err := audit.Append(ctx, d, tx, event(a, action, recordType, recordID, childID, reason, now, changes...))
	return err
}

// event is the audit row for a read or, with its changes, a change by a.
func event(a access.Actor, action, recordType, recordID, childID, reason string, now time.Time, changes ...audit.Change) audit.Event {
	org := a.OrganisationID
	if org == "" {
		org = a.Kind // families belong to no organisation
	}
	return audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: org,
		ActorRole: a.RoleTitle(), Action: action, RecordType: recordType, RecordID: recordID, ChildID: childID, Reason: reason,
		Changes: changes}
}
