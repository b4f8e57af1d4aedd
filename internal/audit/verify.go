package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"joinedup/internal/db"
)

// Broken names the first row at which the chain fails, and how.
type Broken struct {
	Seq     int64
	Problem string
}

func (b *Broken) Error() string { return fmt.Sprintf("audit row %d: %s", b.Seq, b.Problem) }

// pageRows is how many sequence numbers a page covers, and the most rows one
// query reads. Small queries stay cheap whatever plan the database picks
// (without statistics PostgreSQL may sort a page rather than read the index
// in order, and 5,000 rows sort within its default work_mem where 10,000
// spilled to disk). Pages are also the unit of work the goroutines share.
var pageRows int64 = 5_000

// maxPages bounds the pages of one pass, so a head moved absurdly far gives
// wider pages rather than billions of them.
var maxPages int64 = 100_000

// maxReaders bounds the connections one pass reads on.
const maxReaders = 8

// Verify reads the whole chain in order and recomputes every hash. It returns
// the number of rows checked, and a *Broken error at the first row that was
// altered, removed or moved, or where the chain head disagrees with the rows.
//
// The log is read in pages of consecutive sequence numbers, a few at a time
// on as many connections as there are cores, since reading and hashing ten
// million rows is too much work for one. Each page checks its own rows
// against each other; then the pages are joined in order, checking each
// page's first row against the last row of the page before it, exactly as
// if the log had been read in one pass. So the first broken row is the one
// a single pass would report.
func Verify(ctx context.Context, d *db.DB) (int64, error) {
	var headSeq int64
	var headHash string
	if err := d.QueryRowContext(ctx, "SELECT seq, hash FROM audit_chain WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return 0, fmt.Errorf("audit: read the chain head: %w", err)
	}
	pages := split(headSeq)
	results := make([]page, len(pages))
	var next atomic.Int64
	var stop atomic.Int64 // no page after this one can change the answer
	stop.Store(int64(len(pages)))
	var wg sync.WaitGroup
	// At most maxReaders connections: a large machine must not take the pool.
	for range min(runtime.GOMAXPROCS(0)+1, maxReaders, len(pages)) {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(len(pages)) || i > stop.Load() {
					return
				}
				results[i] = verifyPage(ctx, d, pages[i])
				if results[i].err != nil {
					for s := stop.Load(); i < s && !stop.CompareAndSwap(s, i); s = stop.Load() {
					}
				}
			}
		})
	}
	wg.Wait()

	c := chain{want: 1, prev: "genesis"}
	for _, p := range results {
		if p.n == 0 {
			if p.err != nil {
				return c.want - 1, p.err
			}
			continue
		}
		if b := c.follow(p.first); b != nil {
			return c.want - 1, b
		}
		if p.err != nil {
			return p.intact, p.err
		}
		c = p.end
	}
	last := c.want - 1
	switch {
	case headSeq > last:
		return last, &Broken{last + 1, fmt.Sprintf("is missing: the chain head counts %d rows, %d were found", headSeq, last)}
	case headSeq < last:
		return last, &Broken{headSeq + 1, fmt.Sprintf("was added outside the log: the chain head counts %d rows, %d were found", headSeq, last)}
	case headHash != c.prev:
		return last, &Broken{last, "does not match the chain head (the last row was rewritten)"}
	}
	return last, nil
}

// span is the sequence numbers from..to of one page.
type span struct{ from, to int64 }

// split divides the log into pages: anything numbered below 1, pages of
// pageRows up to the head, and anything numbered after the head, so a row
// added or renumbered outside the chain is read like any other.
func split(head int64) []span {
	size := max(pageRows, head/maxPages+1)
	pages := []span{{math.MinInt64, 0}}
	for from := int64(1); from <= head; {
		to := head
		if head-from >= size {
			to = from + size - 1
		}
		pages = append(pages, span{from, to})
		if to == math.MaxInt64 {
			return pages
		}
		from = to + 1
	}
	return append(pages, span{max(head, 0) + 1, math.MaxInt64})
}

// row is what the chain checks of a row: its number, the hash it says it
// follows, its own hash, and what is wrong with its contents, if anything.
type row struct {
	seq            int64
	prevHash, hash string
	problem        string
}

// chain is where a pass through the log has got to: the number the next row
// must have and the hash it must follow.
type chain struct {
	want int64
	prev string
}

// follow checks that r comes next, and moves on to it.
func (c *chain) follow(r row) *Broken {
	switch {
	case r.seq != c.want:
		return &Broken{c.want, fmt.Sprintf("is missing (the next row is %d)", r.seq)}
	case r.prevHash != c.prev:
		return &Broken{r.seq, "does not follow the row before it (rows were removed, reordered or rewritten)"}
	case r.problem != "":
		return &Broken{r.seq, r.problem}
	}
	c.want, c.prev = r.seq+1, r.hash
	return nil
}

// page is what one page found: its first row, left for the join to check
// against the page before; where the rest got to; and the first *Broken or
// database error after the first row, with the rows intact before it.
type page struct {
	n      int64
	first  row
	end    chain
	err    error
	intact int64
}

func verifyPage(ctx context.Context, d *db.DB, s span) (p page) {
	var sl sealer
	for from := s.from; ; {
		last, n, err := p.read(ctx, d, &sl, from, s.to)
		switch {
		case err != nil:
			p.err, p.intact = err, p.end.want-1
			return p
		case p.err != nil, n < pageRows, last == s.to:
			return p
		}
		from = last + 1
	}
}

// read checks, into p, up to pageRows rows numbered from..to, and returns the
// number of the last row it read and how many it read. The LIMIT bounds the
// cost the planner expects whatever it knows of the table: without
// statistics PostgreSQL takes any range of ten million rows for 50,000 and,
// without a LIMIT, starts parallel workers and compiles each page's query.
func (p *page) read(ctx context.Context, d *db.DB, sl *sealer, from, to int64) (last, n int64, err error) {
	rows, err := d.QueryContext(ctx, `SELECT seq, at, request_id, actor_id, actor_org, actor_role, action,
		record_type, record_id, child_id, reason, changes, prev_hash, hash FROM audit_events
		WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3`, from, to, pageRows)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		var child sql.NullString
		var r row
		var changes string
		if err := rows.Scan(&e.Seq, &e.At, &e.RequestID, &e.ActorID, &e.ActorOrg, &e.ActorRole, &e.Action,
			&e.RecordType, &e.RecordID, &child, &e.Reason, &changes, &r.prevHash, &r.hash); err != nil {
			return last, n, err
		}
		e.ChildID = child.String
		e.At = e.At.UTC()
		r.seq, last = e.Seq, e.Seq
		n++
		// Most rows are reads, with no changes to decode: seal treats none and [] alike.
		if changes != "[]" && json.Unmarshal([]byte(changes), &e.Changes) != nil {
			r.problem = "its changes are not readable"
		} else if c, h := sl.seal(r.prevHash, e); r.hash != string(h) || changes != string(c) {
			r.problem = "its contents do not match its hash (the row was altered)"
		}
		p.n++
		if p.n == 1 {
			p.first, p.end = r, chain{want: r.seq + 1, prev: r.hash}
			continue
		}
		if b := p.end.follow(r); b != nil {
			p.err, p.intact = b, p.end.want-1
			return last, n, nil
		}
	}
	return last, n, rows.Err()
}
