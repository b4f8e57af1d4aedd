// Package audit keeps the append-only, hash-chained record of every read and
// change of a child's record: who, what, which record, why access was
// allowed, when, and for changes the old and new values. Rows are written in
// the same transaction as the read or change they record, so neither exists
// without the other, and Verify proves no row was altered, removed or reordered.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"joinedup/internal/db"
)

// Event is one audited read or change.
type Event struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	RequestID  string    `json:"request_id"`
	ActorID    string    `json:"actor_id"`
	ActorOrg   string    `json:"actor_org"`
	ActorRole  string    `json:"actor_role"`
	Action     string    `json:"action"` // e.g. child.view, child.update
	RecordType string    `json:"record_type"`
	RecordID   string    `json:"record_id"`
	ChildID    string    `json:"child_id"`
	Reason     string    `json:"reason"` // why access was allowed
	Changes    []Change  `json:"changes"`
}

// Change is one field's old and new value.
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Append writes e as the next row of the chain inside tx, which must be the
// transaction of the read or change it records. It holds the chain head
// until tx ends, so audited transactions append one at a time: keep the
// append the last thing before commit.
func Append(ctx context.Context, d *db.DB, tx *sql.Tx, e Event) (int64, error) {
	if e.Action == "" || e.RecordType == "" || e.RecordID == "" || e.ActorID == "" || e.Reason == "" {
		return 0, fmt.Errorf("audit: an event needs an actor, an action, a record and a reason")
	}
	var seq int64
	var prev string
	if err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_chain WHERE id = 1"+d.ForUpdate()).Scan(&seq, &prev); err != nil {
		return 0, fmt.Errorf("audit: read the chain head: %w", err)
	}
	e.Seq = seq + 1
	if e.At.IsZero() {
		e.At = db.Now()
	}
	// PostgreSQL keeps microseconds: hash what both databases give back.
	e.At = e.At.UTC().Truncate(time.Microsecond)
	changes, hash := seal(prev, e)
	args := []any{e.Seq, e.At, e.RequestID, e.ActorID, e.ActorOrg, e.ActorRole, e.Action, e.RecordType, e.RecordID,
		nullable(e.ChildID), e.Reason, changes, prev, hash}
	if d.Dialect == db.Postgres {
		// One statement, so one round trip to the server instead of two: the
		// row and the new head are written together or not at all.
		if _, err := tx.ExecContext(ctx, "WITH appended AS ("+insertEvent+") UPDATE audit_chain SET seq = $1, hash = $14 WHERE id = 1", args...); err != nil {
			return 0, fmt.Errorf("audit: append: %w", err)
		}
		return e.Seq, nil
	}
	// SQLite allows no INSERT inside WITH; its statements cost no round trip.
	if _, err := tx.ExecContext(ctx, insertEvent, args...); err != nil {
		return 0, fmt.Errorf("audit: append: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE audit_chain SET seq = $1, hash = $2 WHERE id = 1", e.Seq, hash); err != nil {
		return 0, fmt.Errorf("audit: move the chain head: %w", err)
	}
	return e.Seq, nil
}

// insertEvent writes one row of the chain from Append's fourteen arguments.
const insertEvent = `INSERT INTO audit_events (seq, at, request_id, actor_id, actor_org, actor_role,
	action, record_type, record_id, child_id, reason, changes, prev_hash, hash)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`

// seal returns the stored form of e's changes and e's hash: SHA-256 over the
// previous row's hash and a canonical JSON encoding of every field.
func seal(prev string, e Event) (changes, hash string) {
	if e.Changes == nil {
		e.Changes = []Change{}
	}
	c, _ := json.Marshal(e.Changes)
	body, _ := json.Marshal(e) // struct fields marshal in a fixed order
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write([]byte{'\n'})
	h.Write(body)
	return string(c), hex.EncodeToString(h.Sum(nil))
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
