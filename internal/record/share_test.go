package record_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/record"
)

const shareReason = "Leo told his teacher he is frightened to go home; a strategy discussion is planned."

// A safeguarding share needs no consent but a lawful basis and a written
// reason; it gives the organisation a view of the record and alerts the
// sharer's managers, who see it on their alerts list and mark it reviewed.
func TestSafeguardingShareAndAlerts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		joanne, amira, marcus, daniel, grace := w.persona("Joanne Price"), w.persona("Amira Hussain"), w.persona("Marcus Reid"), w.persona("Daniel Okafor"), w.persona("Grace Whitfield")
		leo := w.one("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'")
		stranger := w.one("SELECT id FROM children WHERE id NOT IN (SELECT child_id FROM care_team WHERE person_id = $1) ORDER BY id LIMIT 1", joanne.PersonID)
		dco := grace.TeamID // the Designated Clinical Officer's team
		school := w.one("SELECT id FROM organisations WHERE name = 'Brookfield Primary School'")
		basis := access.LawfulBases[0]

		cases := []struct {
			name                   string
			who                    access.Actor
			child, org, basis, why string
			code                   apperr.Code
			fields                 []string
		}{
			{"nothing given", joanne, leo, "", "", "", apperr.Invalid, []string{"organisation", "basis", "reason"}},
			{"a law not on the list", joanne, leo, dco, "because I said so", shareReason, apperr.Invalid, []string{"basis"}},
			{"a reason too short", joanne, leo, dco, basis, "concerns", apperr.Invalid, []string{"reason"}},
			{"a school", joanne, leo, school, basis, shareReason, apperr.Invalid, []string{"organisation"}},
			{"a coordinator may not share", amira, leo, dco, basis, shareReason, apperr.Forbidden, nil},
			{"out of reach looks missing", marcus, leo, dco, basis, shareReason, apperr.NotFound, nil},
			{"a child the social worker does not know", joanne, stranger, dco, basis, shareReason, apperr.NotFound, nil},
		}
		for _, c := range cases {
			_, err := record.SafeguardingShare(ctx, d, c.who, c.child, c.org, c.basis, c.why)
			if apperr.CodeOf(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
				continue
			}
			for _, f := range c.fields {
				if !strings.Contains(err.Error(), f+":") {
					t.Errorf("%s: %v does not name %s", c.name, err, f)
				}
			}
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM care_team WHERE reason = 'safeguarding'") + dbtest.Count(t, d, "SELECT COUNT(*) FROM access_alerts"); n != 0 {
			t.Fatalf("refused shares left %d rows", n)
		}

		l, err := record.SafeguardingShare(ctx, d, joanne, leo, dco, basis, shareReason)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := record.Child(ctx, d, grace, leo, access.CaseView); err != nil || r.Access != "safeguarding share (via team)" {
			t.Errorf("the organisation shared with reads Leo: %q, %v", r.Access, err)
		}
		var changes, reason string
		if err := d.QueryRow("SELECT changes, reason FROM audit_events WHERE action = 'child.safeguarding_share' AND record_id = $1", l.ID).Scan(&changes, &reason); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(reason, "Children Act 1989, section 47") || !strings.Contains(changes, "Designated Clinical Officer Team") || !strings.Contains(changes, "frightened") {
			t.Errorf("audited %q with changes %s", reason, changes)
		}
		// A break-glass use in the same council: its managers see both alerts.
		glass := w.one("SELECT id FROM children WHERE id NOT IN (SELECT child_id FROM care_team WHERE person_id = $1) ORDER BY id LIMIT 1", amira.PersonID)
		if err := d.Transact(ctx, func(tx *sql.Tx) error {
			_, err := access.BreakGlassAccess(ctx, tx, amira, glass, "carer phoned in crisis out of hours", db.Now())
			return err
		}); err != nil {
			t.Fatal(err)
		}

		list, err := record.Alerts(ctx, d, daniel)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]access.Alert{}
		for _, a := range list {
			kinds[a.Kind] = a
		}
		sg := kinds[access.Safeguarding]
		if len(list) != 2 || sg.Child != "Leo Bennett" || sg.LawfulBasis != basis || sg.Reason != shareReason ||
			!strings.Contains(sg.Who, "Joanne Price") || !strings.Contains(sg.SharedWith, "Designated Clinical Officer Team") ||
			kinds[access.BreakGlassed].Reason != "carer phoned in crisis out of hours" {
			t.Errorf("Daniel's alerts: %+v", list)
		}
		// Alerts belong to the organisation of the person who raised them.
		if other, err := record.Alerts(ctx, d, grace); err != nil || len(other) != 0 {
			t.Errorf("the ICB's DCO sees the council's alerts: %+v, %v", other, err)
		}
		if _, err := record.Alerts(ctx, d, amira); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("a coordinator's alerts: %v, want Forbidden", err)
		}
		for _, c := range []struct {
			who  access.Actor
			id   string
			code apperr.Code
		}{
			{grace, sg.ID, apperr.NotFound},
			{daniel, "00000000-0000-4000-8000-000000000000", apperr.NotFound},
			{daniel, sg.ID, ""},
			{daniel, sg.ID, apperr.Conflict},
		} {
			if _, err := record.ReviewAlert(ctx, d, c.who, c.id); apperr.CodeOf(err) != c.code && !(c.code == "" && err == nil) {
				t.Errorf("%s reviews %s: %v, want %q", c.who.Name, c.id, err, c.code)
			}
		}
		list, _ = record.Alerts(ctx, d, daniel)
		if len(list) != 2 || list[0].Kind != access.BreakGlassed || list[1].ReviewedBy != "Daniel Okafor" || list[1].ReviewedAt.IsZero() {
			t.Errorf("after review, unreviewed first: %+v", list)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE actor_id = $1 AND action = 'alert.review' AND child_id = $2", daniel.PersonID, leo); n != 1 {
			t.Errorf("%d audit rows for the review, want 1", n)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE actor_id = $1 AND action = 'alerts.view'", daniel.PersonID); n != 2 {
			t.Errorf("%d audit rows for reading the alerts, want 2", n)
		}
		if _, err := audit.Verify(ctx, d); err != nil {
			t.Error(err)
		}
	})
}
