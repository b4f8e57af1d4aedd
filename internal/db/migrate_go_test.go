package db

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"
)

// Migration 31 rebuilds ehc_events on SQLite: every event and every reference
// to one survives, the references still name ehc_events and are still
// enforced, and the widened CHECK takes advice_withdrawn and nothing unknown.
func TestAdviceWithdrawnMigrationKeepsEvents(t *testing.T) {
	ctx := context.Background()
	d, _, exec := migratedTo(t, filepath.Join(t.TempDir(), "m.db"), 30)
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

// Migration 32 widens the CHECK on ehc_events' type again, for
// no_amendment_decision (SEND Regulations 2014 reg 22(4)), and on
// ehc_letters' kind for its letter, no_amendment, on both databases: a
// history written at 31 (with advice_withdrawn, which 31 let in) survives
// with its letter and the letter's mediation step, whose references are
// still enforced, and on SQLite the letters' index is made again; the new
// type and kind are refused before and taken after; unknown ones still
// refused.
func TestNoAmendmentDecisionMigrationKeepsEvents(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			dsn := filepath.Join(t.TempDir(), "m.db")
			if kind == "postgres" {
				dsn = testPostgres(t)
			}
			d, p, exec := migratedTo(t, dsn, 31)
			for _, q := range []string{
				"INSERT INTO organisations (id, kind, name, created_at) VALUES ('o1', 'council_team', 'SEND team', '2026-01-01 00:00:00')",
				"INSERT INTO people (id, kind, given_name, family_name, organisation_id, created_at) VALUES ('p1', 'staff', 'Ann', 'Example', 'o1', '2026-01-01 00:00:00')",
				"INSERT INTO children (id, given_name, family_name, date_of_birth, sen_provision, created_at) VALUES ('c1', 'Sam', 'Example', '2018-03-04', 'ehc_plan', '2026-01-01 00:00:00')",
				"INSERT INTO ehc_cases (id, child_id, team_id, opened_on, stage, clock, created_at) VALUES ('k1', 'c1', 'o1', '2026-06-01', 'plan', '', '2026-06-01 00:00:00')",
				"INSERT INTO ehc_events (id, case_id, seq, type, event_date, recorded_by, recorded_at) VALUES ('e1', 'k1', 1, 'request_received', '2026-01-05', 'p1', '2026-01-05 00:00:00')",
				"INSERT INTO ehc_events (id, case_id, seq, type, event_date, contributor, recorded_by, recorded_at) VALUES ('e2', 'k1', 2, 'advice_withdrawn', '2026-02-10', 'Health', 'p1', '2026-02-10 00:00:00')",
				"INSERT INTO ehc_events (id, case_id, seq, type, event_date, recorded_by, recorded_at) VALUES ('e3', 'k1', 3, 'final_plan_issued', '2026-05-20', 'p1', '2026-05-20 00:00:00')",
				`INSERT INTO ehc_letters (id, child_id, case_id, event_id, kind, decision_on, reasons, adviser, method, sent_at, deemed_on, issued_by, issued_at)
					VALUES ('l1', 'c1', 'k1', 'e3', 'final_plan', '2026-05-20', 'Reasons', 'Adviser', 'email', '2026-05-20 00:00:00', '2026-05-20', 'p1', '2026-05-20 00:00:00')`,
				`INSERT INTO ehc_disputes (id, letter_id, child_id, seq, step, step_date, outcome, recorded_by, recorded_at)
					VALUES ('s1', 'l1', 'c1', 1, 'adviser_contacted', '2026-06-01', 'wants_mediation', 'p1', '2026-06-01 00:00:00')`,
				"INSERT INTO ehc_events (id, case_id, seq, type, event_date, recorded_by, recorded_at) VALUES ('e4', 'k1', 4, 'amendment_notice', '2026-09-01', 'p1', '2026-09-01 00:00:00')",
			} {
				if err := exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			decided := "INSERT INTO ehc_events (id, case_id, seq, type, event_date, note, recorded_by, recorded_at) VALUES ('e5', 'k1', 5, 'no_amendment_decision', '2026-09-20', 'The review found the plan still right', 'p1', '2026-09-20 00:00:00')"
			if err := exec(decided); err == nil {
				t.Fatal("before migration 32 the CHECK took no_amendment_decision: the test proves nothing")
			}
			letter := `INSERT INTO ehc_letters (id, child_id, case_id, event_id, kind, decision_on, reasons, adviser, method, sent_at, deemed_on, issued_by, issued_at)
				VALUES ('l2', 'c1', 'k1', 'e5', 'no_amendment', '2026-09-20', 'Reasons', 'Adviser', 'post', '2026-09-20 00:00:00', '2026-09-22', 'p1', '2026-09-20 00:00:00')`
			if err := exec(strings.Replace(letter, "'e5'", "'e4'", 1)); err == nil {
				t.Fatal("before migration 32 ehc_letters took the kind no_amendment: the test proves nothing")
			}
			if _, err := p.UpTo(ctx, 32); err != nil {
				t.Fatal(err)
			}
			var events, letters, steps int
			if err := d.DB.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM ehc_events), (SELECT COUNT(*) FROM ehc_letters l JOIN ehc_events e ON e.id = l.event_id),
				(SELECT COUNT(*) FROM ehc_disputes s JOIN ehc_letters l ON l.id = s.letter_id)`).Scan(&events, &letters, &steps); err != nil || events != 4 || letters != 1 || steps != 1 {
				t.Errorf("after migration 32: %d events, %d letters joined to theirs, %d steps to theirs (%v), want 4, 1 and 1", events, letters, steps, err)
			}
			if kind == "sqlite" {
				for _, ref := range []struct{ from, to string }{{"ehc_requests", "ehc_events"}, {"ehc_letters", "ehc_events"}, {"ehc_disputes", "ehc_letters"}} {
					var n int
					if err := d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_foreign_key_list(?) WHERE "table" = ?`, ref.from, ref.to).Scan(&n); err != nil || n != 1 {
						t.Errorf("%s refers to %s %d times after the rebuild (%v), want once", ref.from, ref.to, n, err)
					}
				}
				var n int
				if err := d.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ehc_letters_child'").Scan(&n); err != nil || n != 1 {
					t.Errorf("the letters' index after the rebuild: %d (%v)", n, err)
				}
			}
			if err := exec("DELETE FROM ehc_events WHERE id = 'e3'"); err == nil {
				t.Error("an event a letter refers to was deleted: the reference is no longer enforced")
			}
			if err := exec("DELETE FROM ehc_letters WHERE id = 'l1'"); err == nil {
				t.Error("a letter a mediation step refers to was deleted: the reference is no longer enforced")
			}
			if err := exec(decided); err != nil {
				t.Errorf("no_amendment_decision after migration 32: %v", err)
			}
			if err := exec(letter); err != nil {
				t.Errorf("a no_amendment letter after migration 32: %v", err)
			}
			if err := exec(strings.ReplaceAll(strings.ReplaceAll(letter, "'l2'", "'l3'"), "'no_amendment'", "'no_idea'")); err == nil {
				t.Error("an unknown letter kind was stored: the CHECK was lost")
			}
			if err := exec("INSERT INTO ehc_events (id, case_id, seq, type, event_date, recorded_by, recorded_at) VALUES ('e6', 'k1', 6, 'amendment_forgotten', '2026-09-21', 'p1', '2026-09-21 00:00:00')"); err == nil {
				t.Error("an unknown type was stored: the CHECK was lost")
			}
			if _, err := d.Migrate(ctx); err != nil {
				t.Errorf("the migrations after 32: %v", err)
			}
		})
	}
}

// testPostgres is an empty database of its own on the test server
// (dbtest.NewPostgresDatabase, which this package cannot import).
func testPostgres(t *testing.T) string {
	t.Helper()
	admin := os.Getenv("JOINEDUP_TEST_PG")
	switch admin {
	case "off":
		t.Skip("PostgreSQL switched off by JOINEDUP_TEST_PG=off")
	case "":
		admin = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx := context.Background()
	a, err := Open(ctx, admin)
	if err != nil {
		t.Fatalf("PostgreSQL for tests: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "joinedup_test_" + hex.EncodeToString(b)
	if _, err := a.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		a.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		a.Close()
	})
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	return u.String()
}

// migratedTo opens dsn migrated to version, for a test of the migration
// after it: the database, its migrations (to go on) and a statement runner.
func migratedTo(t *testing.T, dsn string, version int64) (*DB, *goose.Provider, func(string) error) {
	t.Helper()
	ctx := context.Background()
	d, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	p, err := d.provider(Migrations)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		t.Fatal(err)
	}
	return d, p, func(q string) error { _, err := d.DB.ExecContext(ctx, q); return err }
}
