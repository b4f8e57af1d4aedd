package sar_test

import (
	"context"
	"testing"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/sar"
)

// A child's export holds their EHC plan, every row of every section, the
// family's comments on a draft and the school they asked for with its
// consultation (UK GDPR Art. 15: everything held about the child).
func TestExportHoldsEHCPlans(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setUp(t, d)
		plan := w.one("SELECT id FROM ehc_plans WHERE child_id = $1", w.leo) // the demo's final plan for Leo
		school := w.one("SELECT id FROM organisations WHERE kind = 'school' ORDER BY id LIMIT 1")
		now := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		if _, err := d.Exec(`INSERT INTO ehc_plan_comments (id, plan_id, section, body, person_id, created_at) VALUES ('c1', $1, 'F', $2, $3, $4)`,
			plan, "Please say which days the sessions are.", w.sarah.PersonID, now); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(`INSERT INTO ehc_plan_settings (id, plan_id, setting_id, reason, requested_by, requested_at, consulted_on, response_due)
			VALUES ('s1', $1, $2, 'Near home', $3, $4, $5, $6)`, plan, school, w.sarah.PersonID, now, "2026-11-20", "2026-12-05"); err != nil {
			t.Fatal(err)
		}
		// A proposal of amendments, withdrawn: it stays 'editing' in ehc_plans.
		if _, err := d.Exec(`INSERT INTO ehc_plans (id, child_id, case_id, version, kind, status, created_by, created_at)
			SELECT 'p2', child_id, case_id, version + 1, 'final', 'editing', created_by, $2 FROM ehc_plans WHERE id = $1`, plan, now); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(`INSERT INTO ehc_plan_amendments (plan_id, amends_id, reason, withdrawn_at, withdrawn_by, withdrawn_reason)
			VALUES ('p2', $1, 'The review found new needs', $2, $3, 'The school met the needs without a change')`, plan, now, w.daniel.PersonID); err != nil {
			t.Fatal(err)
		}
		ar, err := sar.Export(ctx, d, w.daniel, w.leo, reason)
		must(t, err)
		a := unzip(t, ar)
		items := dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_plan_items WHERE plan_id = $1", plan)
		rows := a.rows(t, "ehc_plans")
		if len(rows) != items+1 || items == 0 || !has(rows, map[string]any{"kind": "final", "status": "issued", "section": "F"}) {
			t.Errorf("ehc_plans: %d rows, want %d: %v", len(rows), items+1, rows)
		}
		if !has(rows, map[string]any{"plan_id": "p2", "status": "withdrawn", "amendment_reason": "The review found new needs",
			"withdrawn_reason": "The school met the needs without a change"}) {
			t.Errorf("the withdrawn proposal is not exported as withdrawn with its reasons: %v", rows)
		}
		if r := a.rows(t, "ehc_plan_comments"); len(r) != 1 || r[0]["text"] != "Please say which days the sessions are." || r[0]["sent_by"] != "Sarah Bennett" {
			t.Errorf("comments: %v", r)
		}
		if r := a.rows(t, "ehc_plan_settings"); len(r) != 1 || r[0]["reason"] != "Near home" || r[0]["response_due"] != "2026-12-05" {
			t.Errorf("settings: %v", r)
		}
	})
}
