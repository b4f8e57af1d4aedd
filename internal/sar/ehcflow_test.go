package sar_test

import (
	"context"
	"testing"

	"joinedup/internal/casework"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/sar"
)

// A child's export holds every letter and every mediation or tribunal step
// about them; a parent's holds the requests they made online.
func TestExportEHCFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setUp(t, d)
		child := w.one(`SELECT l.child_id FROM ehc_letters l JOIN ehc_disputes s ON s.letter_id = l.id JOIN ehc_cases k ON k.child_id = l.child_id
			JOIN organisations o ON o.id = k.team_id WHERE o.id = $1 OR o.parent_id = $1 ORDER BY l.child_id LIMIT 1`, w.daniel.OrganisationID)
		ar, err := sar.Export(ctx, d, w.daniel, child, reason)
		must(t, err)
		a := unzip(t, ar)
		letters := dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_letters WHERE child_id = $1", child)
		steps := dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_disputes WHERE child_id = $1", child)
		if r := a.rows(t, "ehc_letters"); len(r) != letters || r[0]["deemed_received_on"] == nil || r[0]["mediation_adviser"] == "" {
			t.Errorf("letters: %d rows, want %d: %v", len(r), letters, r)
		}
		if r := a.rows(t, "ehc_disputes"); len(r) != steps || r[0]["step"] == "" {
			t.Errorf("steps: %d rows, want %d: %v", len(r), steps, r)
		}

		if _, err := casework.SubmitRequest(ctx, d, w.sarah, w.leo, casework.RequestInput{Reasons: "Leo's needs have changed a great deal since his last review."}); err != nil {
			t.Fatal(err)
		}
		ar, err = sar.Export(ctx, d, w.daniel, w.sarah.PersonID, reason)
		must(t, err)
		if r := unzip(t, ar).rows(t, "ehc_requests"); len(r) != 1 || r[0]["made_as"] != "parent" || r[0]["child"] != "Leo Bennett" {
			t.Errorf("Sarah's requests: %v", r)
		}
	})
}
