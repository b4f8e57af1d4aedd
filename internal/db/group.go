package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
)

// TransactShared is Transact for the small transactions many requests make
// at once: the audited reads of a caseload. On SQLite the callers waiting for
// the writer at the same moment share one transaction, each in a savepoint of
// its own, and one commit ends them all. A caller whose fn fails is rolled
// back to its savepoint and leaves the others be; a failed commit fails them
// all. Each caller returns only once its own work is committed (or not).
//
// Why: each turn of the one writer costs a BEGIN, a COMMIT and a handover to
// the next goroutine; a batch pays them once. With 32 clients on the county
// caseload: 794–899 requests a second against 623–663, and 1.6–1.9 ms of CPU
// a request against 2.1–2.3 (docs/benchmarks.md, session 10). On PostgreSQL,
// whose transactions run side by side, it is Transact.
func (d *DB) TransactShared(ctx context.Context, fn func(*sql.Tx) error) error {
	if d.writer == nil {
		return d.Transact(ctx, fn)
	}
	return Retry(ctx, func() error { return d.shareOnce(ctx, fn) })
}

// sharing is the work waiting for a shared transaction, in the order it came.
type sharing struct {
	mu    sync.Mutex
	queue []*share
}

// share is one caller's part of a shared transaction.
type share struct {
	ctx   context.Context
	fn    func(*sql.Tx) error
	taken atomic.Bool // by a batch to run, or by its caller giving up
	done  chan error  // its outcome, sent once
}

// shareOnce queues fn and waits. Whichever waiting caller gets the writer's
// turn runs everything queued by then, its own work among it or not; the
// others find their outcome sent.
func (d *DB) shareOnce(ctx context.Context, fn func(*sql.Tx) error) error {
	me := &share{ctx: ctx, fn: fn, done: make(chan error, 1)}
	d.sharing.mu.Lock()
	d.sharing.queue = append(d.sharing.queue, me)
	d.sharing.mu.Unlock()
	for {
		select {
		case err := <-me.done:
			return err
		case <-ctx.Done():
			if me.taken.CompareAndSwap(false, true) {
				return ctx.Err() // never run, and now never will be
			}
			return <-me.done // running in a batch: its outcome is near
		case d.writeTurn <- struct{}{}:
			d.sharing.mu.Lock()
			batch := d.sharing.queue
			d.sharing.queue = nil
			d.sharing.mu.Unlock()
			d.runShared(batch)
			<-d.writeTurn
		}
	}
}

// runShared runs a batch in one transaction on the writer, whose turn the
// caller holds, and sends each member its outcome.
func (d *DB) runShared(batch []*share) {
	var ran []*share
	var errs []error
	var tx *sql.Tx
	for _, s := range batch {
		if !s.taken.CompareAndSwap(false, true) {
			continue // its caller gave up waiting
		}
		var err error
		if tx == nil {
			tx, err = d.writer.BeginTx(context.Background(), nil)
		}
		if err != nil {
			s.done <- err
			tx = nil
			continue
		}
		ran, errs = append(ran, s), append(errs, inSavepoint(tx, s))
	}
	if tx == nil {
		return
	}
	commit := tx.Commit()
	for i, s := range ran {
		if errs[i] == nil {
			errs[i] = commit
		}
		s.done <- errs[i]
	}
}

// inSavepoint runs s.fn in a savepoint of tx and rolls back to it if fn
// fails or panics: a panic is that caller's error, not the whole batch's.
func inSavepoint(tx *sql.Tx, s *share) (err error) {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(s.ctx, "SAVEPOINT shared"); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in a shared transaction: %v", p)
		}
		if err != nil {
			tx.Exec("ROLLBACK TO shared")
		}
		tx.Exec("RELEASE shared")
	}()
	return s.fn(tx)
}
