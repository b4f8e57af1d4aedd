package db

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// SQLite parses and plans a statement every time it is run unprepared: a
// quarter of a Local Offer search's CPU, an eighth of the caseload's. The
// pgx driver keeps its own prepared statements, so these are for SQLite.

// maxPrepared bounds each cache: the texts are a small set (one per
// combination of a page's filters), but never let a stream of new ones grow it.
const maxPrepared = 256

// prepared keeps one pool's prepared statements by their text.
type prepared struct {
	m sync.Map // string → *sql.Stmt
	n atomic.Int32
}

// get returns the statement for text prepared on pool, or nil once the
// cache is full.
func (c *prepared) get(ctx context.Context, pool *sql.DB, text string) (*sql.Stmt, error) {
	if s, ok := c.m.Load(text); ok {
		return s.(*sql.Stmt), nil
	}
	if c.n.Load() >= maxPrepared {
		return nil, nil
	}
	s, err := pool.PrepareContext(ctx, text)
	if err != nil {
		return nil, err
	}
	if prev, loaded := c.m.LoadOrStore(text, s); loaded {
		s.Close() // another request prepared it first
		return prev.(*sql.Stmt), nil
	}
	c.n.Add(1)
	return s, nil
}

// QueryPrepared runs a read on the pool, prepared once per text on SQLite.
func (d *DB) QueryPrepared(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	if d.Dialect != SQLite {
		return d.QueryContext(ctx, text, args...)
	}
	s, err := d.reads.get(ctx, d.DB, text)
	if err != nil || s == nil {
		if err == nil {
			return d.QueryContext(ctx, text, args...)
		}
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// ForWriter is text prepared once on SQLite's writer, for Transact's
// transactions to run through tx.StmtContext: database/sql reuses a
// statement already prepared on the transaction's connection, and SQLite's
// transactions all have the one. nil on PostgreSQL, whose driver keeps its
// own, and once the cache is full. Call it outside a transaction: the writer
// is one connection, and a transaction holds it until it ends.
func (d *DB) ForWriter(ctx context.Context, text string) (*sql.Stmt, error) {
	if d.writer == nil {
		return nil, nil
	}
	return d.writes.get(ctx, d.writer, text)
}

// Prepared is the pool as a querier whose statements are prepared once per
// text on SQLite: for the reads every request makes (its session, its actor).
func (d *DB) Prepared() PreparedPool { return PreparedPool{d} }

// PreparedPool runs reads through QueryPrepared; see Prepared.
type PreparedPool struct{ d *DB }

// QueryContext is QueryPrepared.
func (p PreparedPool) QueryContext(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	return p.d.QueryPrepared(ctx, text, args...)
}

// QueryRowContext is QueryRowContext of the pool, prepared as QueryPrepared is.
func (p PreparedPool) QueryRowContext(ctx context.Context, text string, args ...any) *sql.Row {
	if p.d.Dialect == SQLite {
		if s, err := p.d.reads.get(ctx, p.d.DB, text); err == nil && s != nil {
			return s.QueryRowContext(ctx, args...)
		}
	}
	return p.d.QueryRowContext(ctx, text, args...) // a failed prepare fails here again, in the row
}
