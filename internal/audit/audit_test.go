package audit_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"joinedup/internal/audit"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

func appendN(t testing.TB, d *db.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		err := d.Transact(ctx, func(tx *sql.Tx) error {
			e := audit.Event{At: time.Date(2026, 11, 22, 9, 0, i, 123456789, time.UTC), RequestID: fmt.Sprintf("req-%d", i),
				ActorID: "staff-1", ActorOrg: "org-1", ActorRole: "ehcp_coordinator", Action: "child.view",
				RecordType: "child", RecordID: fmt.Sprintf("child-%d", i%3), ChildID: fmt.Sprintf("child-%d", i%3),
				Reason: "allocated coordinator"}
			if i%2 == 1 {
				e.Action = "child.update"
				e.Changes = []audit.Change{{Field: "postcode", Old: "WR1 1AA", New: fmt.Sprintf("WR%d 2BB", i)}}
			}
			_, err := audit.Append(ctx, d, tx, e)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Each way of tampering with the log is caught, at the row where it happened.
func TestVerifyCatchesTampering(t *testing.T) {
	tampering := []struct {
		name    string
		sql     string
		brokeAt int64
		says    string
	}{
		{"nothing", "", 0, ""},
		{"edit a row's reason", "UPDATE audit_events SET reason = 'break-glass' WHERE seq = 4", 4, "altered"},
		{"edit a recorded change", "UPDATE audit_events SET changes = '[]' WHERE seq = 6", 6, "altered"},
		{"edit a row and its hash", "UPDATE audit_events SET actor_id = 'someone', hash = 'f00d' WHERE seq = 3", 3, "altered"},
		{"delete a row", "DELETE FROM audit_events WHERE seq = 5", 5, "is missing"},
		{"delete the last row", "DELETE FROM audit_events WHERE seq = 8", 8, "is missing"},
		{"reorder two rows", "UPDATE audit_events SET seq = -1 WHERE seq = 2; UPDATE audit_events SET seq = 2 WHERE seq = 7; UPDATE audit_events SET seq = 7 WHERE seq = -1", 2, "does not follow"},
		{"rewrite the last row and its hash", "UPDATE audit_events SET hash = 'f00d' WHERE seq = 8", 8, "altered"},
		{"move the chain head", "UPDATE audit_chain SET hash = 'f00d'", 8, "chain head"},
	}
	for _, c := range tampering {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				appendN(t, d, 8)
				if c.sql != "" {
					if _, err := d.Exec(c.sql); err != nil {
						t.Fatal(err)
					}
				}
				n, err := audit.Verify(context.Background(), d)
				if c.sql == "" {
					if err != nil || n != 8 {
						t.Fatalf("untouched log: %d rows, %v", n, err)
					}
					return
				}
				var b *audit.Broken
				if !errors.As(err, &b) {
					t.Fatalf("tampering not caught: %v", err)
				}
				if b.Seq != c.brokeAt || !strings.Contains(b.Problem, c.says) {
					t.Errorf("caught at row %d (%s), want row %d saying %q", b.Seq, b.Problem, c.brokeAt, c.says)
				}
			})
		})
	}
}

func TestAppendRefusesAnEventWithoutAReason(t *testing.T) {
	d := dbtest.SQLite(t)
	err := d.Transact(context.Background(), func(tx *sql.Tx) error {
		_, err := audit.Append(context.Background(), d, tx, audit.Event{ActorID: "a", Action: "child.view", RecordType: "child", RecordID: "c"})
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "reason") {
		t.Fatalf("Append without a reason: %v", err)
	}
}

// Appends from many goroutines at once still make one gapless chain.
func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		done := make(chan struct{})
		for range 8 {
			go func() { appendN(t, d, 10); done <- struct{}{} }()
		}
		for range 8 {
			<-done
		}
		if n, err := audit.Verify(context.Background(), d); err != nil || n != 80 {
			t.Fatalf("after concurrent appends: %d rows, %v", n, err)
		}
	})
}

// Events whose text JSON escapes, appended in a transaction and with a read,
// are sealed on each database exactly as Verify seals them (PostgreSQL seals
// them itself).
func TestEveryWayOfAppendingVerifies(t *testing.T) {
	texts := []string{"plain", `quote " and \ backslash`, "<b>&amp;</b>", "line\nbreak\ttab", "Siân Ó Briain", "\u2028💡"}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for i, s := range texts {
			e := audit.Event{At: time.Date(2026, 11, 22, 9, 0, i, 987654321, time.FixedZone("BST", 3600)), RequestID: s,
				ActorID: "staff-1", ActorOrg: "org-1", ActorRole: s, Action: "child.update", RecordType: "child",
				RecordID: "child-1", ChildID: "child-1", Reason: s, Changes: []audit.Change{{Field: "name", Old: s, New: s + s}}}
			if err := d.Transact(ctx, func(tx *sql.Tx) error { _, err := audit.Append(ctx, d, tx, e); return err }); err != nil {
				t.Fatalf("append %q: %v", s, err)
			}
			e.Action, e.Changes, e.ChildID = "caseload.view", nil, ""
			var n int
			err := audit.Query(ctx, d, e, func(rows *sql.Rows) error {
				n = 0
				for rows.Next() {
					n++
				}
				return nil
			}, "SELECT seq FROM audit_events WHERE seq <= $1", 1000)
			if err != nil || n != 2*i+1 {
				t.Fatalf("query %q: %d rows (want %d, the rows before its own), %v", s, n, 2*i+1, err)
			}
		}
		if n, err := audit.Verify(ctx, d); err != nil || n != int64(2*len(texts)) {
			t.Fatalf("verify: %d rows, %v", n, err)
		}
		var reason, changes string
		if err := d.QueryRow("SELECT reason, changes FROM audit_events WHERE seq = 3").Scan(&reason, &changes); err != nil ||
			reason != texts[1] || changes != `[{"field":"name","old":"quote \" and \\ backslash","new":"quote \" and \\ backslashquote \" and \\ backslash"}]` {
			t.Fatalf("row 3 keeps reason %q changes %s, %v", reason, changes, err)
		}
	})
}

// A read and its audit row happen together or not at all.
func TestQueryIsOneAct(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := audit.Event{ActorID: "staff-1", ActorOrg: "org-1", ActorRole: "r", Action: "caseload.view",
			RecordType: "caseload", RecordID: "staff-1", Reason: "own caseload"}
		none := func(*sql.Rows) error { return nil }
		if err := audit.Query(ctx, d, e, none, "SELECT no_such_column FROM audit_chain"); err == nil {
			t.Fatal("a failed read was not reported")
		}
		unreasoned := e
		unreasoned.Reason = ""
		read := false
		err := audit.Query(ctx, d, unreasoned, func(*sql.Rows) error { read = true; return nil }, "SELECT seq FROM audit_chain")
		if err == nil || read {
			t.Fatalf("a read without a reason: read %v, %v", read, err)
		}
		if n, err := audit.Verify(ctx, d); err != nil || n != 0 {
			t.Fatalf("after failed reads the log holds %d rows (%v); want none", n, err)
		}
		// A reader that gives up after the database answered hears why.
		scanFails := errors.New("the reader gave up")
		if err := audit.Query(ctx, d, e, func(*sql.Rows) error { return scanFails }, "SELECT seq FROM audit_chain"); !errors.Is(err, scanFails) {
			t.Fatalf("a failed scan: %v", err)
		}
	})
}

// On PostgreSQL a read's statement commits without waiting for the disk
// (appendOnServer): the setting is the statement's own, and the next
// transaction on the same connection, a change's, waits again.
func TestAReadsAsynchronousCommitEndsWithIt(t *testing.T) {
	d := dbtest.Postgres(t)
	d.SetMaxOpenConns(1) // the read and the check share one connection
	ctx := context.Background()
	e := audit.Event{ActorID: "staff-1", ActorOrg: "org-1", ActorRole: "r", Action: "caseload.view",
		RecordType: "caseload", RecordID: "staff-1", Reason: "own caseload"}
	if err := audit.Query(ctx, d, e, func(*sql.Rows) error { return nil }, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	var after string
	if err := d.QueryRowContext(ctx, "SHOW synchronous_commit").Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != "on" {
		t.Errorf("after an audited read the connection commits with synchronous_commit %q; want on", after)
	}
	if n, err := audit.Verify(ctx, d); err != nil || n != 1 {
		t.Fatalf("the log holds %d rows (%v); want the read's one", n, err)
	}
}
