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
