package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"joinedup/internal/db"
)

// Broken names the first row at which the chain fails, and how.
type Broken struct {
	Seq     int64
	Problem string
}

func (b *Broken) Error() string { return fmt.Sprintf("audit row %d: %s", b.Seq, b.Problem) }

// Verify reads the whole chain in order and recomputes every hash. It returns
// the number of rows checked, and a *Broken error at the first row that was
// altered, removed or moved, or where the chain head disagrees with the rows.
func Verify(ctx context.Context, d *db.DB) (int64, error) {
	var headSeq int64
	var headHash string
	if err := d.QueryRowContext(ctx, "SELECT seq, hash FROM audit_chain WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return 0, fmt.Errorf("audit: read the chain head: %w", err)
	}
	rows, err := d.QueryContext(ctx, `SELECT seq, at, request_id, actor_id, actor_org, actor_role, action,
		record_type, record_id, child_id, reason, changes, prev_hash, hash FROM audit_events ORDER BY seq`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	prev, want := "genesis", int64(1)
	for rows.Next() {
		var e Event
		var child sql.NullString
		var changes, prevHash, hash string
		if err := rows.Scan(&e.Seq, &e.At, &e.RequestID, &e.ActorID, &e.ActorOrg, &e.ActorRole, &e.Action,
			&e.RecordType, &e.RecordID, &child, &e.Reason, &changes, &prevHash, &hash); err != nil {
			return want - 1, err
		}
		e.ChildID = child.String
		e.At = e.At.UTC()
		switch {
		case e.Seq != want:
			return want - 1, &Broken{want, fmt.Sprintf("is missing (the next row is %d)", e.Seq)}
		case prevHash != prev:
			return want - 1, &Broken{e.Seq, "does not follow the row before it (rows were removed, reordered or rewritten)"}
		case json.Unmarshal([]byte(changes), &e.Changes) != nil:
			return want - 1, &Broken{e.Seq, "its changes are not readable"}
		}
		if c, h := seal(prev, e); hash != h || changes != c {
			return want - 1, &Broken{e.Seq, "its contents do not match its hash (the row was altered)"}
		}
		prev = hash
		want++
	}
	if err := rows.Err(); err != nil {
		return want - 1, err
	}
	last := want - 1
	switch {
	case headSeq > last:
		return last, &Broken{last + 1, fmt.Sprintf("is missing: the chain head counts %d rows, %d were found", headSeq, last)}
	case headSeq < last:
		return last, &Broken{headSeq + 1, fmt.Sprintf("was added outside the log: the chain head counts %d rows, %d were found", headSeq, last)}
	case headHash != prev:
		return last, &Broken{last, "does not match the chain head (the last row was rewritten)"}
	}
	return last, nil
}
