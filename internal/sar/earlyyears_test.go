package sar_test

import (
	"context"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/earlyyears"
	"joinedup/internal/sar"
)

// A child's export holds what a health body told the council about them
// under CFA 2014 s23 and what the council did. Leo is made three here, so
// Tom's team (which Leo is referred to) may tell the council about him.
func TestExportHoldsEarlyYearsNotifications(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setUp(t, d)
		_, err := d.Exec("UPDATE children SET date_of_birth = $1 WHERE id = $2", date.Of(2023, 5, 10), w.leo)
		must(t, err)
		n, err := earlyyears.Notify(ctx, d, w.tom, earlyyears.Input{NHSNumber: w.leoNHS, Needs: "Few words at three and not yet joining two together",
			ParentInformed: true, ParentInformedOn: date.Of(2026, 11, 20), ParentInformedHow: "At the clinic appointment", ParentWantsDiscussion: "yes"})
		must(t, err)
		must(t, earlyyears.Acknowledge(ctx, d, w.amira, n.ID, date.Of(2026, 11, 22)))
		must(t, earlyyears.Record(ctx, d, w.amira, n.ID, earlyyears.Decision{Outcomes: []string{earlyyears.EarlyYearsSupport},
			SupportNote: "Inclusion funding for the nursery"}))
		ar, err := sar.Export(ctx, d, w.daniel, w.leo, reason)
		must(t, err)
		a := unzip(t, ar)
		if rows := a.rows(t, "early_years_notifications"); !has(rows, map[string]any{"notification_id": n.ID, "parent_told_on": "2026-11-20",
			"notified_on": "2026-11-22", "acknowledged_on": "2026-11-22", "acknowledged_by": "Amira Hussain", "status": "closed"}) {
			t.Errorf("early-years notifications: %v", rows)
		}
		if rows := a.rows(t, "early_years_outcomes"); !has(rows, map[string]any{"notification_id": n.ID, "outcome": "early_years_support",
			"note": "Inclusion funding for the nursery"}) {
			t.Errorf("early-years outcomes: %v", rows)
		}
	})
}
