package audit

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"joinedup/internal/db/dbtest"
)

// Someone who knows the algorithm rewrites a row and seals it again with a
// correct hash: the next row no longer follows it.
func TestVerifyCatchesAResealedRow(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	for i := range 3 {
		err := d.Transact(ctx, func(tx *sql.Tx) error {
			_, err := Append(ctx, d, tx, Event{At: time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC), RequestID: "r", ActorID: "a",
				ActorOrg: "o", ActorRole: "r", Action: "child.view", RecordType: "child", RecordID: "c", Reason: "owner"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var prev string
	d.QueryRow("SELECT prev_hash FROM audit_events WHERE seq = 2").Scan(&prev)
	forged := Event{Seq: 2, At: time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC), RequestID: "r", ActorID: "someone-else",
		ActorOrg: "o", ActorRole: "r", Action: "child.view", RecordType: "child", RecordID: "c", Reason: "owner"}
	_, hash := seal(prev, forged)
	if _, err := d.Exec("UPDATE audit_events SET actor_id = 'someone-else', hash = $1 WHERE seq = 2", hash); err != nil {
		t.Fatal(err)
	}
	_, err := Verify(ctx, d)
	var b *Broken
	if !errors.As(err, &b) || b.Seq != 3 {
		t.Fatalf("resealed row 2: %v, want row 3 to be reported", err)
	}
}
