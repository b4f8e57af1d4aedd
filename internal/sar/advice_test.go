package sar_test

import (
	"context"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/advice"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/sar"
)

// A child's export holds the health advice asked for them, every statement
// of it with its source, and the DCO's rating of it.
func TestExportHoldsHealthAdvice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setUp(t, d)
		dco, err := access.LoadActor(ctx, d, w.one("SELECT g.person_id FROM role_grants g WHERE g.role = 'designated_clinical_officer' ORDER BY g.person_id LIMIT 1"))
		must(t, err)
		r, err := advice.Ask(ctx, d, w.daniel, w.leo, advice.RequestInput{TeamID: w.tom.TeamID, Question: "Advice on Leo's communication",
			Consent: "Sarah Bennett agreed in writing", Sent: date.Of(2026, 11, 2)})
		must(t, err)
		_, err = advice.Submit(ctx, d, w.tom, r.ID, advice.SubmissionInput{Reused: true, ReuseAgreement: "Agreed with Sarah Bennett and the coordinator",
			Statements: []advice.Statement{{Section: advice.Need, Body: "Leo's needs are as in the 2025 report", Source: "SLT report, March 2025"}}})
		must(t, err)
		ratings := map[string]string{"needs": "green", "provision": "red", "outcomes": "amber", "jargon": "green", "voice": "red", "timeliness": "green"}
		must(t, advice.Assure(ctx, d, dco, r.ID, 1, advice.ReviewInput{Ratings: ratings, Feedback: "Provision is missing: say what Leo gets"}))
		ar, err := sar.Export(ctx, d, w.daniel, w.leo, reason)
		must(t, err)
		a := unzip(t, ar)
		if rows := a.rows(t, "health_advice"); !has(rows, map[string]any{"question": "Advice on Leo's communication", "due": "2026-12-14", "status": "submitted"}) {
			t.Errorf("health advice: %v", rows)
		}
		if rows := a.rows(t, "health_advice_statements"); !has(rows, map[string]any{"section": "need", "source": "SLT report, March 2025", "version": float64(1)}) {
			t.Errorf("health advice statements: %v", rows)
		}
		var mine []map[string]any
		for _, row := range a.rows(t, "health_advice_reviews") {
			if row["request_id"] == r.ID {
				mine = append(mine, row)
			}
		}
		if rows := mine; len(rows) != 6 || !has(rows, map[string]any{"criterion": "Child's voice", "rating": "red"}) {
			t.Errorf("health advice reviews: %v", rows)
		}
	})
}
