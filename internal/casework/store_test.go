package casework_test

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/ehc"
)

var d = date.Of

// world is the tiny demo at 22 November 2026, with a child on SEN support
// (no EHC case) allocated to Amira as her named contact.
type world struct {
	t                                  *testing.T
	d                                  *db.DB
	child                              string
	amira, daniel, marcus, tom, parent access.Actor
}

func newWorld(t *testing.T, dbx *db.DB) world {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Generate(ctx, dbx, demo.Options{Scale: demo.Tiny, Seed: 1, Today: d(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	old := db.Now
	t.Cleanup(func() { db.Now = old })
	db.Now = func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }
	w := world{t: t, d: dbx}
	one := func(q string, args ...any) string {
		t.Helper()
		var s string
		if err := dbx.QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	actor := func(email string) access.Actor {
		a, err := access.LoadActor(ctx, dbx, one("SELECT id FROM people WHERE email = $1", email))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, p := range demo.Personas() {
		switch p.Name {
		case "Amira Hussain":
			w.amira = actor(p.Email)
		case "Daniel Okafor":
			w.daniel = actor(p.Email)
		case "Marcus Reid":
			w.marcus = actor(p.Email)
		case "Tom Nguyen":
			w.tom = actor(p.Email)
		}
	}
	w.child = one(`SELECT c.id FROM children c WHERE c.sen_provision = 'sen_support' AND EXISTS (SELECT 1 FROM family_links fl
		WHERE fl.child_id = c.id AND fl.parental_responsibility = $1) AND c.young_person_decides_from IS NULL ORDER BY c.id LIMIT 1`, true)
	parent, err := access.LoadActor(ctx, dbx, one("SELECT person_id FROM family_links WHERE child_id = $1 AND parental_responsibility = $2 ORDER BY person_id LIMIT 1", w.child, true))
	if err != nil {
		t.Fatal(err)
	}
	w.parent = parent
	council := one("SELECT organisation_id FROM people WHERE id = $1", w.amira.PersonID)
	err = dbx.Transact(ctx, func(tx *sql.Tx) error {
		start := db.Now().Add(-24 * time.Hour)
		if _, err := access.AddLink(ctx, tx, access.Link{ChildID: w.child, OrganisationID: council, Reason: access.Owner,
			Purpose: "EHC needs assessment casework", GrantedBy: "test", StartsAt: start}); err != nil {
			return err
		}
		_, err := access.AddLink(ctx, tx, access.Link{ChildID: w.child, PersonID: w.amira.PersonID, Reason: access.Allocated,
			Purpose: access.NamedContact, GrantedBy: "test", StartsAt: start})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// record is Amira recording in: through Add, or for one of the plan's own
// events through AddIn in a transaction of its own, as package plan and the
// bulk load of past cases do (Add refuses them).
func (w world) record(in casework.Input) error {
	ctx := context.Background()
	if t, _ := ehc.ParseType(in.Type); casework.PlanActions[t] != "" {
		return w.d.Transact(ctx, func(tx *sql.Tx) error {
			_, err := casework.AddIn(ctx, w.d, tx, w.amira, w.child, in)
			return err
		})
	}
	_, err := casework.Add(ctx, w.d, w.amira, w.child, in)
	return err
}

// TestRecordingFollowsTheRegulationsAndStoresNothingRefused walks one case
// from request to final plan, refusing on the way every event the SEND
// Regulations 2014 put in another order, each with the field it names.
func TestRecordingFollowsTheRegulationsAndStoresNothingRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		cases := []struct {
			name      string
			in        casework.Input
			field     string // "" for accepted
			wantStage string
		}{
			{"advice before any request: there is no case to add it to", casework.Input{Type: "advice_received", Date: d(2026, 6, 1), Contributor: "Educational psychology"}, "date", ""},
			{"a decision cannot open a case (reg 4: a request comes first)", casework.Input{Type: "assessment_decision", Date: d(2026, 6, 1), Code: "assess"}, "date", ""},
			{"a request must say how it arrived", casework.Input{Type: "request_received", Date: d(2026, 6, 1), Code: "parent"}, "channel", ""},
			{"a request must give its SEN2 source", casework.Input{Type: "request_received", Date: d(2026, 6, 1), Channel: "letter"}, "source", ""},
			{"a request dated tomorrow has not happened", casework.Input{Type: "request_received", Date: d(2026, 11, 23), Code: "parent", Channel: "letter"}, "date", ""},
			{"a request by letter from the parent opens the case", casework.Input{Type: "request_received", Date: d(2026, 6, 1), Code: "parent", Channel: "letter"}, "", casework.Requested},
			{"a decision before the request (reg 5)", casework.Input{Type: "assessment_decision", Date: d(2026, 5, 29), Code: "assess"}, "date", ""},
			{"a refusal needs its reasons (reg 5(3): the family is told them)", casework.Input{Type: "assessment_decision", Date: d(2026, 7, 6), Code: "refuse"}, "note", ""},
			{"an outcome the clock does not know", casework.Input{Type: "assessment_decision", Date: d(2026, 7, 6), Code: "maybe"}, "outcome", ""},
			{"a draft before any decision to assess", casework.Input{Type: "draft_plan_issued", Date: d(2026, 7, 1)}, "date", ""},
			{"advice before the decision to assess", casework.Input{Type: "advice_requested", Date: d(2026, 7, 1), Contributor: "Educational psychology"}, "date", ""},
			{"the decision to assess, within 6 weeks (R2)", casework.Input{Type: "assessment_decision", Date: d(2026, 7, 6), Code: "assess"}, "", casework.Assessing},
			{"advice requested of the EP (reg 6(1)(b))", casework.Input{Type: "advice_requested", Date: d(2026, 7, 7), Contributor: "Educational psychology"}, "", casework.Assessing},
			{"advice received before it was asked of the body", casework.Input{Type: "advice_received", Date: d(2026, 8, 10), Contributor: "Health"}, "date", ""},
			{"an advice request received before it was sent", casework.Input{Type: "advice_requested", Date: d(2026, 7, 10), Received: d(2026, 7, 9), Contributor: "Health"}, "received", ""},
			{"the EP's advice within 6 weeks (R3)", casework.Input{Type: "advice_received", Date: d(2026, 8, 10), Contributor: "Educational psychology"}, "", casework.Assessing},
			{"a request withdrawn after its advice came", casework.Input{Type: "advice_withdrawn", Date: d(2026, 8, 11), Contributor: "Educational psychology"}, "date", ""},
			{"a request withdrawn that was never made", casework.Input{Type: "advice_withdrawn", Date: d(2026, 8, 11), Contributor: "Health"}, "date", ""},
			{"advice requested of social care (reg 6(1)(e))", casework.Input{Type: "advice_requested", Date: d(2026, 8, 3), Contributor: "Social care"}, "", casework.Assessing},
			{"the request to social care withdrawn: R3 asks nothing of it", casework.Input{Type: "advice_withdrawn", Date: d(2026, 8, 5), Contributor: "Social care"}, "", casework.Assessing},
			{"an exception needs its evidence", casework.Input{Type: "exception", Date: d(2026, 8, 1), Code: "absent_from_area"}, "note", ""},
			{"an exception ending before it begins", casework.Input{Type: "exception", Date: d(2026, 8, 1), To: d(2026, 7, 1), Code: "absent_from_area", Note: "Family abroad, letter from the school"}, "to", ""},
			{"a final plan before any draft", casework.Input{Type: "final_plan_issued", Date: d(2026, 9, 1)}, "date", ""},
			{"the draft plan", casework.Input{Type: "draft_plan_issued", Date: d(2026, 9, 14)}, "", casework.Draft},
			{"a final plan dated before its draft", casework.Input{Type: "final_plan_issued", Date: d(2026, 9, 10)}, "date", ""},
			{"a review before the final plan", casework.Input{Type: "review_meeting", Date: d(2026, 10, 1)}, "date", ""},
			{"the final plan, within 20 weeks (R6) and after 15 days (R5)", casework.Input{Type: "final_plan_issued", Date: d(2026, 10, 12)}, "", casework.Plan},
			{"a review decision without its meeting", casework.Input{Type: "review_decision", Date: d(2026, 11, 1), Code: "maintain"}, "date", ""},
			{"an amended plan without proposed amendments (reg 22)", casework.Input{Type: "amended_plan_issued", Date: d(2026, 11, 1)}, "date", ""},
			{"a decision not to amend without proposed amendments (reg 22(4))", casework.Input{Type: "no_amendment_decision", Date: d(2026, 11, 1), Note: "The plan is right as it is"}, "date", ""},
			{"proposed amendments (reg 22(2))", casework.Input{Type: "amendment_notice", Date: d(2026, 11, 2)}, "", casework.Plan},
			{"a decision not to amend without its reasons (reg 22(4): the family is told them)", casework.Input{Type: "no_amendment_decision", Date: d(2026, 11, 20)}, "note", ""},
			{"the decision not to amend after all (reg 22(4))", casework.Input{Type: "no_amendment_decision", Date: d(2026, 11, 20), Note: "The plan is right as it is"}, "", casework.Plan},
			{"a phase transfer is planned, so its date may be ahead", casework.Input{Type: "phase_transfer", Date: d(2027, 9, 1), Code: "school"}, "", casework.Plan},
		}
		accepted := 0
		for _, c := range cases {
			events := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM ehc_events")
			audits := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE action = 'ehc.event.add'")
			err := w.record(c.in)
			if c.field == "" {
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				accepted++
				got, err := casework.Get(ctx, dbx, w.amira, w.child, access.CaseView)
				if err != nil || got.Stage != c.wantStage {
					t.Errorf("%s: stage %q, want %q (%v)", c.name, got.Stage, c.wantStage, err)
				}
				continue
			}
			var ae *apperr.Error
			if !asErr(err, &ae) || ae.Code != apperr.Invalid || len(ae.Fields) != 1 || ae.Fields[0].Name != c.field || ae.Fields[0].Message == "" {
				t.Errorf("%s: %v, want Invalid naming %s", c.name, err, c.field)
			}
			if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM ehc_events"); n != events {
				t.Errorf("%s: refused, yet %d events stored", c.name, n-events)
			}
			if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE action = 'ehc.event.add'"); n != audits {
				t.Errorf("%s: refused, yet audited", c.name)
			}
		}
		if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM ehc_cases WHERE child_id = $1", w.child); n != 1 {
			t.Errorf("%d cases for the child", n)
		}
		if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE action = 'ehc.event.add' AND child_id = $1 AND actor_id = $2", w.child, w.amira.PersonID); n != accepted {
			t.Errorf("%d event audits, want %d", n, accepted)
		}

		// The deadlines are the clock's over the stored events: what each met, and by what.
		c, err := casework.Get(ctx, dbx, w.amira, w.child, access.CaseView)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]struct {
			due    date.Date
			status ehc.Status
			done   date.Date
		}{
			"R2":  {d(2026, 7, 13), ehc.Met, d(2026, 7, 6)},    // reg 5(1): 6 weeks from 1 June
			"R3":  {d(2026, 8, 18), ehc.Met, d(2026, 8, 10)},   // reg 8(1): 6 weeks from 7 July
			"R6":  {d(2026, 10, 19), ehc.Met, d(2026, 10, 12)}, // reg 13(2): 20 weeks from 1 June
			"R10": {d(2027, 10, 12), ehc.Pending, date.Date{}}, // s44(1): 12 months from the final plan
			"R17": {d(2027, 2, 14), ehc.Pending, date.Date{}},  // reg 18(1)(b): before 15 February of the move
		}
		for _, dl := range c.Deadlines {
			if wd, ok := want[dl.Rule]; ok {
				if dl.Due != wd.due || dl.Status != wd.status || dl.Done != wd.done || dl.Basis == "" || dl.Duty == "" {
					t.Errorf("%s: due %s %s done %s, want due %s %s done %s", dl.Rule, dl.Due, dl.Status, dl.Done, wd.due, wd.status, wd.done)
				}
				delete(want, dl.Rule)
			}
		}
		if len(want) > 0 {
			t.Errorf("deadlines missing: %v (got %+v)", want, c.Deadlines)
		}
		if n := len(slices.DeleteFunc(slices.Clone(c.Deadlines), func(dl ehc.Deadline) bool { return dl.Rule != "R3" })); n != 1 {
			t.Errorf("%d R3 deadlines, want the EP's alone: the request to social care was withdrawn", n)
		}
		if next := c.Open(); len(next) == 0 || next[0].Rule != "R17" {
			t.Errorf("next deadline: %+v, want R17", next)
		}
		if c.Coordinator != "Amira Hussain" || !strings.Contains(c.Team, "") || c.Opened != d(2026, 6, 1) {
			t.Errorf("case: coordinator %q, opened %s", c.Coordinator, c.Opened)
		}
		if len(c.Events) != accepted || c.Events[0].Type != ehc.RequestReceived || c.Events[0].Channel != "letter" || c.Events[0].RecordedBy != "Amira Hussain" {
			t.Errorf("events: %+v", c.Events)
		}
		if _, err := audit.Verify(ctx, dbx); err != nil {
			t.Errorf("audit chain: %v", err)
		}
	})
}

// TestWhoMayReadAndRecord: the family reads (FamilyView) and cannot record;
// staff with no relationship find nothing (hidden looks missing).
func TestWhoMayReadAndRecord(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		if _, err := casework.Add(ctx, dbx, w.amira, w.child, casework.Input{Type: "request_received", Date: d(2026, 11, 2), Code: "setting", Channel: "email", Note: "SENCO's email; the family has not been told yet"}); err != nil {
			t.Fatal(err)
		}
		req := casework.Input{Type: "assessment_decision", Date: d(2026, 11, 20), Code: "assess"}
		for _, c := range []struct {
			who  string
			a    access.Actor
			code apperr.Code
		}{
			{"the parent (families read, the council decides)", w.parent, apperr.Forbidden},
			{"the Local Offer editor (no relationship)", w.marcus, apperr.NotFound},
			{"a therapist with no referral", w.tom, apperr.NotFound},
		} {
			if _, err := casework.Add(ctx, dbx, c.a, w.child, req); apperr.CodeOf(err) != c.code {
				t.Errorf("%s recording: %v, want %s", c.who, err, c.code)
			}
		}
		if _, err := casework.Get(ctx, dbx, w.marcus, w.child, access.CaseView); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("editor reading: %v", err)
		}
		if _, err := casework.Get(ctx, dbx, w.parent, "00000000-0000-4000-8000-000000000000", access.FamilyView); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("parent reading a missing child: %v", err)
		}
		before := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE actor_id = $1 AND action = 'ehc.view'", w.parent.PersonID)
		c, err := casework.Get(ctx, dbx, w.parent, w.child, access.FamilyView)
		if err != nil {
			t.Fatal(err)
		}
		if c.Stage != casework.Requested || c.Coordinator != "Amira Hussain" || len(c.Open()) != 1 || c.Open()[0].Rule != "R2" || c.Open()[0].Due != d(2026, 12, 14) {
			t.Errorf("the family's view: %+v", c)
		}
		if ev := c.Events[0]; ev.Note != "" || ev.RecordedBy != "" {
			t.Errorf("the family reads staff's words: %+v", ev)
		}
		if n := dbtest.Count(t, dbx, "SELECT COUNT(*) FROM audit_events WHERE actor_id = $1 AND action = 'ehc.view'", w.parent.PersonID); n != before+1 {
			t.Errorf("the family's read wrote %d audit rows", n-before)
		}
	})
}

// TestCaseloadOrdersByTheNextStatutoryDate: the coordinator's own cases, the
// manager's team view with the coordinator named, and "due this week".
func TestCaseloadOrdersByTheNextStatutoryDate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		// Requested 12 October: R2 due 23 November, tomorrow.
		if _, err := casework.Add(ctx, dbx, w.amira, w.child, casework.Input{Type: "request_received", Date: d(2026, 10, 12), Code: "parent", Channel: "phone"}); err != nil {
			t.Fatal(err)
		}
		rows, total, err := casework.Caseload(ctx, dbx, w.amira, casework.Filter{}, 500)
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for i, r := range rows {
			if i > 0 && !rows[i-1].Next.Due.IsZero() && !r.Next.Due.IsZero() && r.Next.Due.Before(rows[i-1].Next.Due) {
				t.Errorf("row %d due %s after row %d due %s", i, r.Next.Due, i-1, rows[i-1].Next.Due)
			}
			if r.ChildID == w.child {
				found = true
				if r.Next.Rule != "R2" || r.Next.Due != d(2026, 11, 23) || r.State.Colour != "amber" || r.Coordinator != "Amira Hussain" {
					t.Errorf("the child's row: %+v", r)
				}
			}
		}
		if !found || total != len(rows) {
			t.Errorf("caseload of %d (total %d) without the child", len(rows), total)
		}
		week, _, err := casework.Caseload(ctx, dbx, w.amira, casework.Filter{DueThisWeek: true}, 500)
		if err != nil || len(week) == 0 || week[0].ChildID != w.child && week[0].Next.Due.After(d(2026, 11, 29)) {
			t.Errorf("due this week: %+v, %v", week, err)
		}
		for _, r := range week {
			if r.Next.Due.After(d(2026, 11, 29)) {
				t.Errorf("due this week lists %s due %s", r.ChildName, r.Next.Due)
			}
		}
		team, _, err := casework.Caseload(ctx, dbx, w.daniel, casework.Filter{Team: true, Coordinator: w.amira.PersonID}, 500)
		if err != nil || len(team) == 0 {
			t.Fatalf("Daniel's view of Amira's cases: %v", err)
		}
		for _, r := range team {
			if r.Coordinator != "Amira Hussain" {
				t.Errorf("Amira's cases list %s coordinated by %q", r.ChildName, r.Coordinator)
			}
		}
		if _, _, err := casework.Caseload(ctx, dbx, w.parent, casework.Filter{}, 10); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("a parent's caseload: %v", err)
		}
		if _, _, err := casework.Caseload(ctx, dbx, w.marcus, casework.Filter{}, 10); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("the Local Offer editor's caseload: %v", err)
		}
	})
}

func asErr(err error, target **apperr.Error) bool {
	e, ok := err.(*apperr.Error)
	if ok {
		*target = e
	}
	return ok
}

// The plan's own events go with a plan document or a decision letter, so
// the generic Add refuses them, naming the type and storing nothing: a
// draft or final plan (SEND Regs 2014 reg 13), a decision not to issue one
// (reg 10 and its letter, CFA 2014 s51(2)(b)), proposed amendments, the
// amended plan and a decision not to amend (reg 22(2)-(4)). Access comes first: a child out of reach is
// missing, a role that may not issue plans is refused as such. Every other
// type still goes through Add.
func TestAddRefusesThePlansOwnEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dbx *db.DB) {
		ctx := context.Background()
		w := newWorld(t, dbx)
		for _, in := range []casework.Input{{Type: "request_received", Date: d(2026, 6, 1), Code: "parent", Channel: "letter"},
			{Type: "assessment_decision", Date: d(2026, 7, 6), Code: "assess"}} {
			if err := w.record(in); err != nil {
				t.Fatal(err)
			}
		}
		stored := func() int {
			return dbtest.Count(t, dbx, "SELECT (SELECT COUNT(*) FROM ehc_events) + (SELECT COUNT(*) FROM audit_events WHERE action = 'ehc.event.add')")
		}
		for _, c := range []struct {
			name string
			in   casework.Input
			as   access.Actor
			code apperr.Code
		}{
			{"a draft plan (reg 13)", casework.Input{Type: "draft_plan_issued", Date: d(2026, 9, 14)}, w.amira, apperr.Invalid},
			{"a final plan (reg 13)", casework.Input{Type: "final_plan_issued", Date: d(2026, 10, 12)}, w.amira, apperr.Invalid},
			{"a decision not to issue a plan (reg 10)", casework.Input{Type: "no_plan_decision", Date: d(2026, 10, 12), Note: "The school can meet her needs"}, w.amira, apperr.Invalid},
			{"proposed amendments sent (reg 22(2))", casework.Input{Type: "amendment_notice", Date: d(2026, 10, 12)}, w.amira, apperr.Invalid},
			{"an amended plan (reg 22(3))", casework.Input{Type: "amended_plan_issued", Date: d(2026, 10, 12)}, w.amira, apperr.Invalid},
			{"a decision not to amend (reg 22(4))", casework.Input{Type: "no_amendment_decision", Date: d(2026, 10, 12), Note: "The plan is right as it is"}, w.amira, apperr.Invalid},
			{"a final plan for a child out of reach", casework.Input{Type: "final_plan_issued", Date: d(2026, 10, 12)}, w.marcus, apperr.NotFound},
		} {
			before := stored()
			_, err := casework.Add(ctx, dbx, c.as, w.child, c.in)
			var ae *apperr.Error
			if !asErr(err, &ae) || ae.Code != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			} else if c.code == apperr.Invalid && (len(ae.Fields) != 1 || ae.Fields[0].Name != "type" || !strings.Contains(ae.Fields[0].Message, "cannot be recorded as an event on its own")) {
				t.Errorf("%s: %+v, want the type named", c.name, ae.Fields)
			}
			if stored() != before {
				t.Errorf("%s: refused, yet stored or audited", c.name)
			}
		}
		if _, err := casework.Add(ctx, dbx, w.amira, w.child, casework.Input{Type: "advice_requested", Date: d(2026, 7, 7), Contributor: "Educational psychology"}); err != nil {
			t.Errorf("an event of no plan action: %v", err)
		}
	})
}
