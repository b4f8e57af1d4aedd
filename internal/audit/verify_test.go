package audit

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// Verify reads the log in pages on several connections. Whatever the page
// size, it must give exactly the answer of one pass through the log: the same
// row count and the same first broken row, however the log was tampered with,
// including at the edges of pages.
func TestPagesAnswerAsOnePass(t *testing.T) {
	tampering := []string{
		"",
		"UPDATE audit_events SET reason = 'break-glass' WHERE seq = 4",
		"UPDATE audit_events SET reason = 'break-glass' WHERE seq = 7",
		"UPDATE audit_events SET changes = '[]' WHERE seq = 6",
		"UPDATE audit_events SET changes = 'not json' WHERE seq = 7",
		"UPDATE audit_events SET changes = '[ ]' WHERE seq = 9",
		"DELETE FROM audit_events WHERE seq = 1",
		"DELETE FROM audit_events WHERE seq = 7",
		"DELETE FROM audit_events WHERE seq IN (7, 8, 9)",
		"DELETE FROM audit_events WHERE seq >= 4 AND seq <= 12",
		"DELETE FROM audit_events WHERE seq = 20",
		"DELETE FROM audit_events",
		"UPDATE audit_events SET seq = -1 WHERE seq = 2; UPDATE audit_events SET seq = 2 WHERE seq = 17; UPDATE audit_events SET seq = 17 WHERE seq = -1",
		"UPDATE audit_events SET seq = 0 WHERE seq = 1",
		"UPDATE audit_events SET seq = 21 WHERE seq = 20",
		"UPDATE audit_events SET seq = 40 WHERE seq = 13",
		"UPDATE audit_events SET hash = 'f00d' WHERE seq = 20",
		"UPDATE audit_events SET prev_hash = 'f00d' WHERE seq = 10",
		"UPDATE audit_chain SET hash = 'f00d'",
		"UPDATE audit_chain SET seq = 25",
		"UPDATE audit_chain SET seq = 12",
		"UPDATE audit_chain SET seq = 9000000000000000000",
		"UPDATE audit_chain SET seq = 0",
	}
	defer func(n, m int64) { pageRows, maxPages = n, m }(pageRows, maxPages)
	maxPages = 8 // the absurd head must not mean a query for each of its numbers
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for _, q := range tampering {
			reset(t, d)
			appendRows(t, d, 20)
			if q != "" {
				if _, err := d.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			pageRows = 1_000_000
			want, wantErr := Verify(ctx, d)
			if (q == "") != (wantErr == nil) {
				t.Errorf("%q in one pass: %d rows, %v", q, want, wantErr)
			}
			for _, size := range []int64{1, 2, 3, 5, 7} {
				pageRows = size
				got, err := Verify(ctx, d)
				if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
					t.Errorf("%q in pages of %d: %d rows, %v; one pass: %d rows, %v", q, size, got, err, want, wantErr)
				}
			}
		}
	})
}

func reset(t *testing.T, d *db.DB) {
	t.Helper()
	if _, err := d.Exec("DELETE FROM audit_events"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec("UPDATE audit_chain SET seq = 0, hash = 'genesis'"); err != nil {
		t.Fatal(err)
	}
}

// appendRows appends n rows, every third a change.
func appendRows(t *testing.T, d *db.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		err := d.Transact(ctx, func(tx *sql.Tx) error {
			e := Event{At: time.Date(2026, 11, 22, 9, 0, i, 0, time.UTC), RequestID: fmt.Sprintf("req-%d", i), ActorID: "staff-1",
				ActorOrg: "org-1", ActorRole: "EHCP coordinator", Action: "child.view", RecordType: "child",
				RecordID: "child-1", ChildID: "child-1", Reason: "allocated worker"}
			if i%3 == 2 {
				e.Action, e.Changes = "child.update", []Change{{Field: "postcode", Old: "WR1 1AA", New: fmt.Sprintf("WR%d 2BB", i)}}
			}
			_, err := Append(ctx, d, tx, e)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
