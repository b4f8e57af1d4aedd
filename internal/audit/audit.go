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
	"strconv"
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
// previous row's hash and a canonical JSON encoding of every field, which is
// what encoding/json makes of an Event.
func seal(prev string, e Event) (changes, hash string) {
	var s sealer
	c, h := s.seal(prev, e)
	return string(c), string(h)
}

// sealer seals events into buffers it keeps, so that Verify, which seals
// every row of the log, allocates nothing per row for it.
type sealer struct {
	buf []byte
	hex [2 * sha256.Size]byte
}

// seal is the package's seal; what it returns is valid until the next call.
func (s *sealer) seal(prev string, e Event) (changes, hash []byte) {
	if e.Changes == nil {
		e.Changes = []Change{}
	}
	// The hash covers prev, a newline, then the event.
	b := append(append(s.buf[:0], prev...), '\n')
	start := len(b)
	b, cut, ok := encode(b, e)
	if ok {
		changes = b[cut : len(b)-1]
	} else {
		changes, _ = json.Marshal(e.Changes)
		body, _ := json.Marshal(e) // struct fields marshal in a fixed order
		b = append(b[:start], body...)
	}
	s.buf = b
	sum := sha256.Sum256(b)
	hex.Encode(s.hex[:], sum[:])
	return changes, s.hex[:]
}

// encode appends to b the same bytes as json.Marshal(e) for an event with a
// UTC time and strings that need no escaping, which is nearly every event,
// and says where the changes begin. For any other it reports false, and the
// encoding is left to encoding/json itself. Verify seals every row of the
// log, and encoding/json's reflection was most of that work.
// TestEncodeIsJSON holds the two together.
func encode(b []byte, e Event) (_ []byte, changesAt int, ok bool) {
	if y := e.At.Year(); e.At.Location() != time.UTC || y < 0 || y > 9999 {
		return b, 0, false // time.MarshalJSON's own rules, or an error
	}
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, `,"at":"`...)
	b = e.At.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	ok = true
	field := func(name, value string) {
		b = append(append(append(append(b, ',', '"'), name...), `":"`...), value...)
		b = append(b, '"')
		ok = ok && plain(value)
	}
	field("request_id", e.RequestID)
	field("actor_id", e.ActorID)
	field("actor_org", e.ActorOrg)
	field("actor_role", e.ActorRole)
	field("action", e.Action)
	field("record_type", e.RecordType)
	field("record_id", e.RecordID)
	field("child_id", e.ChildID)
	field("reason", e.Reason)
	b = append(b, `,"changes":`...)
	changesAt = len(b)
	b = append(b, '[')
	for i, c := range e.Changes {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(b, `{"field":"`...), c.Field...)
		b = append(append(b, `","old":"`...), c.Old...)
		b = append(append(b, `","new":"`...), c.New...)
		b = append(b, '"', '}')
		ok = ok && plain(c.Field) && plain(c.Old) && plain(c.New)
	}
	b = append(b, ']', '}')
	return b, changesAt, ok
}

// plain reports whether encoding/json writes s between quotes as it is:
// printable ASCII with no quote, backslash or character it escapes for HTML.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
