package record_test

import (
	"context"
	"strings"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/record"
)

// A manager hands Leo to another coordinator: the outgoing coordinator's
// access ends at once, the incoming one sees the record and the note, the
// family is told who their new contact is and how to reach them, and the
// change is audited with old and new values.
func TestHandover(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := tinyDemo(t, d)
		one, actor := w.one, w.actor
		leo := one("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'")
		amira := actor(one("SELECT id FROM people WHERE given_name = 'Amira' AND family_name = 'Hussain'"))
		daniel := actor(one("SELECT id FROM people WHERE given_name = 'Daniel' AND family_name = 'Okafor'"))
		// Another coordinator in the same council.
		incoming := actor(one(`SELECT p.id FROM people p JOIN role_grants g ON g.person_id = p.id AND g.role = 'ehcp_coordinator'
			WHERE p.id <> $1 ORDER BY p.id LIMIT 1`, amira.PersonID))
		note := "Leo's annual review is due in March; his mother prefers phone calls after 3pm."

		// Refused without changing anything: a coordinator cannot reassign; a short note; a non-coordinator.
		bad := []struct {
			who      access.Actor
			to, note string
			code     apperr.Code
		}{
			{amira, incoming.PersonID, note, apperr.Forbidden},
			{daniel, incoming.PersonID, "see file", apperr.Invalid},
			{daniel, one("SELECT id FROM people WHERE given_name = 'Marcus' AND family_name = 'Reid'"), note, apperr.Invalid},
			{daniel, amira.PersonID, note, apperr.Conflict},
		}
		for _, b := range bad {
			if _, err := record.Reassign(ctx, d, b.who, leo, b.to, b.note); apperr.CodeOf(err) != b.code {
				t.Errorf("reassign by %s to %s: %v, want %s", b.who.Name, b.to, err, b.code)
			}
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox"); n != 0 {
			t.Fatalf("refused handovers left %d messages", n)
		}

		h, err := record.Reassign(ctx, d, daniel, leo, incoming.PersonID, note)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.From) != 1 || h.From[0] != amira.PersonID {
			t.Errorf("handed over from %v, want Amira", h.From)
		}
		if _, err := record.Child(ctx, d, amira, leo, access.CaseView); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("the outgoing coordinator still sees Leo: %v", err)
		}
		r, err := record.Child(ctx, d, incoming, leo, access.CaseView)
		if err != nil {
			t.Fatalf("the incoming coordinator cannot see Leo: %v", err)
		}
		var sawNote bool
		for _, m := range r.CareTeam {
			sawNote = sawNote || m.Note == note
		}
		if !sawNote {
			t.Error("the incoming coordinator does not see the handover note")
		}
		// The family is told, by name and how to reach them; the family's view carries no staff notes.
		// Both parents with parental responsibility are told, each by name of the new contact and how to reach them.
		rows, err := d.Query("SELECT recipient, what_changed, what_to_do FROM outbox ORDER BY recipient")
		if err != nil {
			t.Fatal(err)
		}
		var told []string
		for rows.Next() {
			var to, changed, todo string
			rows.Scan(&to, &changed, &todo)
			told = append(told, to)
			if !strings.Contains(changed, incoming.Name) || !strings.Contains(changed, "in place of Amira Hussain") || !strings.Contains(todo, "email ") {
				t.Errorf("message to %s: %q / %q", to, changed, todo)
			}
		}
		rows.Close()
		wantParents := dbtest.Count(t, d, "SELECT COUNT(*) FROM family_links fl JOIN people p ON p.id = fl.person_id WHERE fl.child_id = $1 AND fl.parental_responsibility = $2 AND p.email IS NOT NULL", leo, true)
		if len(told) != wantParents || !strings.Contains(strings.Join(told, " "), "sarah.bennett@") {
			t.Errorf("told %v, want the %d parents with parental responsibility including Sarah", told, wantParents)
		}
		sarah := actor(one("SELECT id FROM people WHERE given_name = 'Sarah' AND family_name = 'Bennett'"))
		fr, err := record.Child(ctx, d, sarah, leo, access.FamilyView)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fr.CareTeam {
			if m.Note != "" {
				t.Errorf("the family sees a staff note: %q", m.Note)
			}
		}
		var old string
		if err := d.QueryRow("SELECT changes FROM audit_events WHERE action = 'child.reassign'").Scan(&old); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(old, `"old":"Amira Hussain"`) || !strings.Contains(old, incoming.Name) {
			t.Errorf("audited changes %s", old)
		}
		if _, err := audit.Verify(ctx, d); err != nil {
			t.Error(err)
		}
	})
}
