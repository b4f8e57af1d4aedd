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
	if err := check(e); err != nil {
		return 0, err
	}
	if d.Dialect == db.Postgres {
		// The head is read, the row sealed and the head moved in one
		// statement: one round trip to the server instead of two.
		var seq int64
		err := tx.QueryRowContext(ctx, appendOnServer(0, false)+" SELECT seq FROM audit_row", serverArgs(e)...).Scan(&seq)
		if err != nil {
			return 0, fmt.Errorf("audit: append: %w", err)
		}
		return seq, nil
	}
	var seq int64
	var prev string
	if err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_chain WHERE id = 1"+d.ForUpdate()).Scan(&seq, &prev); err != nil {
		return 0, fmt.Errorf("audit: read the chain head: %w", err)
	}
	e.Seq = seq + 1
	e.At = stamp(e.At)
	changes, hash := seal(prev, e)
	args := []any{e.Seq, e.At, e.RequestID, e.ActorID, e.ActorOrg, e.ActorRole, e.Action, e.RecordType, e.RecordID,
		nullable(e.ChildID), e.Reason, changes, prev, hash}
	if _, err := tx.ExecContext(ctx, insertEvent, args...); err != nil {
		return 0, fmt.Errorf("audit: append: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE audit_chain SET seq = $1, hash = $2 WHERE id = 1", e.Seq, hash); err != nil {
		return 0, fmt.Errorf("audit: move the chain head: %w", err)
	}
	return e.Seq, nil
}

// Query runs query, a read of children's records, and appends e for it, so
// that neither happens without the other; scan reads the rows (and is called
// again if a conflict makes the read run again). On PostgreSQL the two are one
// statement, committed by the server as it ends: one round trip in all, where
// a transaction takes five, so there a scan that fails after the server has
// answered still leaves the row: the records were read. query must not begin
// with WITH.
func Query(ctx context.Context, d *db.DB, e Event, scan func(*sql.Rows) error, query string, args ...any) error {
	if err := check(e); err != nil {
		return err
	}
	read := func(rows *sql.Rows, err error) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		if err := scan(rows); err != nil {
			return err
		}
		return rows.Err() // a failed commit arrives after the rows
	}
	if d.Dialect == db.Postgres {
		return db.Retry(ctx, func() error {
			return read(d.QueryContext(ctx, appendOnServer(len(args), true)+" "+query, append(args, serverArgs(e)...)...))
		})
	}
	stmt, err := d.ForWriter(ctx, query)
	if err != nil {
		return err
	}
	return Read(ctx, d, func(tx *sql.Tx) (Event, error) {
		if stmt != nil {
			return e, read(tx.StmtContext(ctx, stmt).QueryContext(ctx, args...))
		}
		return e, read(tx.QueryContext(ctx, query, args...))
	})
}

// Read runs the reads in fn and appends the event fn returns in the same
// transaction, so nothing read is released without its row. On SQLite that is
// the one writer's transaction: reading beside it on another connection was
// four times the CPU (the caseload, 5 against 21 ms a request), because every
// commit of an audit row empties the other connections' page caches. Reads
// that wait for the writer together share its transaction (db.TransactShared).
func Read(ctx context.Context, d *db.DB, fn func(*sql.Tx) (Event, error)) error {
	return d.TransactShared(ctx, func(tx *sql.Tx) error {
		e, err := fn(tx)
		if err != nil {
			return err
		}
		_, err = Append(ctx, d, tx, e)
		return err
	})
}

func check(e Event) error {
	if e.Action == "" || e.RecordType == "" || e.RecordID == "" || e.ActorID == "" || e.Reason == "" {
		return fmt.Errorf("audit: an event needs an actor, an action, a record and a reason")
	}
	return nil
}

// stamp is the time an event records: now if unset, in UTC, to the
// microsecond, because PostgreSQL keeps microseconds and the hash must cover
// what both databases give back.
func stamp(at time.Time) time.Time {
	if at.IsZero() {
		at = db.Now()
	}
	return at.UTC().Truncate(time.Microsecond)
}

// appendOnServer is a WITH clause that appends one event on PostgreSQL,
// sealing it there: the hash is SHA-256 over the head's hash, a newline,
// `{"seq":`, the new number and the rest of the event's JSON as seal writes
// it, which serverArgs passes as bytes. Its eleven parameters are numbered
// after the first n.
//
// A read's statement (async) commits without waiting for the WAL to reach
// the disk. Every audited statement holds the chain head until it commits,
// so waiting there put every caseload view in a queue behind the last one's
// flush (32 clients spent most of their time waiting for the head's lock,
// pg_stat_activity showed). A read changes no record, and its row is lost
// only if the server crashes within the WAL writer's delay of it: the
// guarantee SQLite gives every commit here (WAL with synchronous=NORMAL). A
// change's own transaction still waits, and flushes every row before it.
func appendOnServer(n int, async bool) string {
	p := func(i int) string { return "$" + strconv.Itoa(n+i) }
	from := "FROM audit_head h"
	if async {
		from += ", (SELECT set_config('synchronous_commit', 'off', true)) async"
	}
	return `WITH audit_head AS (SELECT seq, hash FROM audit_chain WHERE id = 1 FOR UPDATE),
	audit_row AS (INSERT INTO audit_events (seq, at, request_id, actor_id, actor_org, actor_role,
		action, record_type, record_id, child_id, reason, changes, prev_hash, hash)
		SELECT h.seq + 1, ` + p(1) + `::timestamp, ` + p(2) + `::text, ` + p(3) + `::text, ` + p(4) + `::text, ` + p(5) + `::text, ` +
		p(6) + `::text, ` + p(7) + `::text, ` + p(8) + `::text, ` + p(9) + `::text, ` + p(10) + `::text, ` + p(11) + `::text, h.hash,
		encode(sha256(convert_to(h.hash || E'\n{"seq":' || (h.seq + 1)::text, 'UTF8') || ` + p(12) + `::bytea), 'hex')
		` + from + ` RETURNING seq, hash),
	audit_moved AS (UPDATE audit_chain SET seq = r.seq, hash = r.hash FROM audit_row r WHERE audit_chain.id = 1)`
}

// serverArgs are appendOnServer's parameters for e.
func serverArgs(e Event) []any {
	e.At = stamp(e.At)
	changes, rest := tail(e)
	return []any{e.At, e.RequestID, e.ActorID, e.ActorOrg, e.ActorRole, e.Action, e.RecordType, e.RecordID,
		nullable(e.ChildID), e.Reason, string(changes), rest}
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
	// The hash covers prev, a newline, then the event.
	b := append(append(s.buf[:0], prev...), '\n')
	b, changes = body(b, e)
	s.buf = b
	sum := sha256.Sum256(b)
	hex.Encode(s.hex[:], sum[:])
	return changes, s.hex[:]
}

// body appends e's JSON to b and says where in it the changes are.
func body(b []byte, e Event) (_ []byte, changes []byte) {
	if e.Changes == nil {
		e.Changes = []Change{}
	}
	start := len(b)
	b, cut, ok := encode(b, e)
	if ok {
		return b, b[cut : len(b)-1]
	}
	changes, _ = json.Marshal(e.Changes)
	whole, _ := json.Marshal(e) // struct fields marshal in a fixed order
	return append(b[:start], whole...), changes
}

// tail is e's JSON after its number (which only the server knows when it
// seals), and its changes.
func tail(e Event) (changes, rest []byte) {
	e.Seq = 0
	b, changes := body(nil, e)
	return changes, b[len(`{"seq":0`):]
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
