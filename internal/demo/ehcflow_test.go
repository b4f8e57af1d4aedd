package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"joinedup/internal/appeal"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
)

// The demo's requests, letters and appeals hold together: each letter
// notifies an appealable decision and its deemed day is CPR 6.26's; steps
// come in order and never after today; accepted requests point at their
// event; waiting ones only follow a refusal; the personas' children are untouched.
func TestDemoEHCFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		today := date.Of(2026, 11, 22)
		if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: today}); err != nil {
			t.Fatal(err)
		}
		for what, q := range map[string]string{
			"letters":           "SELECT COUNT(*) FROM ehc_letters",
			"mediation steps":   "SELECT COUNT(*) FROM ehc_disputes",
			"accepted requests": "SELECT COUNT(*) FROM ehc_requests WHERE status = 'accepted'",
		} {
			if n := dbtest.Count(t, d, q); n == 0 {
				t.Errorf("no %s in the tiny demo", what)
			}
		}
		bad := map[string]string{
			"a letter about a decision that is not appealable": `SELECT COUNT(*) FROM ehc_letters l JOIN ehc_events e ON e.id = l.event_id
				WHERE NOT ((e.type = 'assessment_decision' AND e.code = 'refuse') OR e.type IN ('no_plan_decision', 'final_plan_issued', 'amended_plan_issued')
				OR (e.type = 'review_decision' AND e.code = 'cease'))`,
			"a letter sent before its decision": "SELECT COUNT(*) FROM ehc_letters l JOIN ehc_events e ON e.id = l.event_id WHERE l.decision_on < e.event_date",
			"a step after today":                "SELECT COUNT(*) FROM ehc_disputes WHERE step_date > '2026-11-22'",
			"a step before its letter":          "SELECT COUNT(*) FROM ehc_disputes s JOIN ehc_letters l ON l.id = s.letter_id WHERE s.step_date < l.decision_on",
			"an accepted request without its online event": `SELECT COUNT(*) FROM ehc_requests r LEFT JOIN ehc_events e ON e.id = r.event_id
				WHERE r.status = 'accepted' AND (e.id IS NULL OR e.channel <> 'online' OR e.event_date <> r.received_on)`,
			"a waiting request beside an open case": `SELECT COUNT(*) FROM ehc_requests r JOIN ehc_cases k ON k.child_id = r.child_id
				WHERE r.status = 'waiting' AND k.stage IN ('requested', 'assessing', 'draft')`,
			"a persona's child with a letter or request": `SELECT COUNT(*) FROM children c JOIN family_links fl ON fl.child_id = c.id JOIN people p ON p.id = fl.person_id
				WHERE p.email IN ($1, $2) AND (EXISTS (SELECT 1 FROM ehc_letters l WHERE l.child_id = c.id) OR EXISTS (SELECT 1 FROM ehc_requests r WHERE r.child_id = c.id))`,
		}
		var families []any
		for _, p := range demo.Personas() {
			if p.Name == "Sarah Bennett" || p.Name == "Kai Thompson" {
				families = append(families, p.Email)
			}
		}
		for what, q := range bad {
			var args []any
			if strings.Contains(q, "$1") {
				args = families
			}
			if n := dbtest.Count(t, d, q, args...); n != 0 {
				t.Errorf("%d times %s", n, what)
			}
		}
		rows, err := d.Query("SELECT method, sent_at, deemed_on FROM ehc_letters")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var method string
			var sent time.Time
			var deemed date.Date
			if err := rows.Scan(&method, &sent, &deemed); err != nil {
				t.Fatal(err)
			}
			if want, err := appeal.DeemedReceived(method, sent); err != nil || want != deemed {
				t.Errorf("sent %s at %s: deemed %s, CPR 6.26 gives %s %v", method, sent, deemed, want, err)
			}
		}
	})
}
