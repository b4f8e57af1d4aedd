package db

import (
	"context"
	"path/filepath"
	"testing"
)

// Migration 31 rebuilds ehc_events on SQLite: every event and every reference
// to one survives, the references still name ehc_events and are still
// enforced, and the widened CHECK takes advice_withdrawn and nothing unknown.
func TestAdviceWithdrawnMigrationKeepsEvents(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	p, err := d.provider(Migrations)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 30); err != nil {
		t.Fatal(err)
	}
	exec := func(q string) error { _, err := d.DB.ExecContext(ctx, q); return err }
	for _, q := range []string{
		"INSERT INTO organisations (id, kind, name, created_at) VALUES ('o1', 'council_team', 'SEND team', '2026-01-01 00:00:00')",
		"INSERT INTO people (id, kind, given_name, family_name, organisation_id, created_at) VALUES ('p1', 'staff', 'Ann', 'Example', 'o1', '2026-01-01 00:00:00')",
		"INSERT INTO children (id, given_name, family_name, date_of_birth, sen_provision, created_at) VALUES ('c1', 'Sam', 'Example', '2018-03-04', 'sen_support', '2026-01-01 00:00:00')",
		"INSERT INTO ehc_cases (id, child_id, team_id, opened_on, stage, clock, created_at) VALUES ('k1', 'c1', 'o1', '2026-06-01', 'assessing', '', '2026-06-01 00:00:00')",
		"INSERT INTO ehc_events (id, case_id, seq, type, event_date, recorded_by, recorded_at) VALUES ('e1', 'k1', 1, 'request_received', '2026-06-01', 'p1', '2026-06-01 00:00:00')",
		"INSERT INTO ehc_events (id, case_id, seq, type, event_date, code, recorded_by, recorded_at) VALUES ('e2', 'k1', 2, 'assessment_decision', '2026-07-06', 'refuse', 'p1', '2026-07-06 00:00:00')",
		`INSERT INTO ehc_letters (id, child_id, case_id, event_id, kind, decision_on, reasons, adviser, method, sent_at, deemed_on, issued_by, issued_at)
			VALUES ('l1', 'c1', 'k1', 'e2', 'refuse_assessment', '2026-07-06', 'Reasons', 'Adviser', 'email', '2026-07-06 00:00:00', '2026-07-07', 'p1', '2026-07-06 00:00:00')`,
	} {
		if err := exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := exec("INSERT INTO ehc_events (id, case_id, seq, type, event_date, recorded_by, recorded_at) VALUES ('e3', 'k1', 3, 'advice_withdrawn', '2026-07-08', 'p1', '2026-07-08 00:00:00')"); err == nil {
		t.Fatal("before migration 31 the CHECK took advice_withdrawn: the test proves nothing")
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var events, letters int
	if err := d.DB.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM ehc_events), (SELECT COUNT(*) FROM ehc_letters l JOIN ehc_events e ON e.id = l.event_id)").Scan(&events, &letters); err != nil || events != 2 || letters != 1 {
		t.Errorf("after the rebuild: %d events and %d letters joined to theirs (%v), want 2 and 1", events, letters, err)
	}
	for _, table := range []string{"ehc_requests", "ehc_letters"} {
		var n int
		if err := d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_foreign_key_list(?) WHERE "table" = 'ehc_events'`, table).Scan(&n); err != nil || n != 1 {
			t.Errorf("%s refers to ehc_events %d times after the rebuild (%v), want once", table, n, err)
		}
	}
	if err := exec("DELETE FROM ehc_events WHERE id = 'e2'"); err == nil {
		t.Error("an event a letter refers to was deleted: the reference is no longer enforced")
	}
	if err := exec("INSERT INTO ehc_events (id, case_id, seq, type, event_date, recorded_by, recorded_at) VALUES ('e3', 'k1', 3, 'advice_withdrawn', '2026-07-08', 'p1', '2026-07-08 00:00:00')"); err != nil {
		t.Errorf("advice_withdrawn after migration 31: %v", err)
	}
	if err := exec("INSERT INTO ehc_events (id, case_id, seq, type, event_date, recorded_by, recorded_at) VALUES ('e4', 'k1', 4, 'advice_forgotten', '2026-07-08', 'p1', '2026-07-08 00:00:00')"); err == nil {
		t.Error("an unknown type was stored: the CHECK was lost")
	}
}
