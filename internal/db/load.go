package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Loader inserts many rows in one transaction: COPY on PostgreSQL, a prepared
// INSERT on SQLite. Rows wait in a buffer and are written in the order their
// tables were first used, so parents reach the database before their children
// and foreign keys hold at every flush.
type Loader struct {
	ctx    context.Context
	d      *DB
	conn   *sql.Conn
	tx     *sql.Tx
	order  []string
	tables map[string]*pending
	size   int
}

type pending struct {
	cols []string
	rows [][]any
	stmt *sql.Stmt // SQLite only
}

// flushAt bounds the memory a load holds, whatever its size.
const flushAt = 20000

// Load runs fn with a Loader and commits everything fn added if it returns nil;
// otherwise nothing it added is kept.
func (d *DB) Load(ctx context.Context, fn func(*Loader) error) (err error) {
	conn, err := d.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	l := &Loader{ctx: ctx, d: d, conn: conn, tx: tx, tables: map[string]*pending{}}
	defer func() {
		for _, p := range l.tables {
			if p.stmt != nil {
				p.stmt.Close()
			}
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(l); err != nil {
		return err
	}
	if err = l.Flush(); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return err
	}
	return l.vacuumAnalyze()
}

// vacuumAnalyze vacuums the tables a load wrote on PostgreSQL and gathers their
// statistics. Until autovacuum does (if it runs at all), the planner guesses
// a row or two everywhere and picks nested loops that probe every row of a
// big table (the waiting list's page took 45 ms of server time a request on
// the county demo instead of a few); and with no visibility map an index-only
// scan still reads every row's heap page, so the planner prefers to scan the
// whole table (the caseload's statement: 1.74 ms without the vacuum, 0.80 ms
// with it). SQLite plans well without statistics, and worse with them for
// some of our reads, so it is left without.
func (l *Loader) vacuumAnalyze() error {
	if l.d.Dialect != Postgres || len(l.tables) == 0 {
		return nil
	}
	names := make([]string, 0, len(l.tables))
	for t := range l.tables {
		names = append(names, t)
	}
	slices.Sort(names)
	if _, err := l.conn.ExecContext(l.ctx, "VACUUM (ANALYZE) "+strings.Join(names, ", ")); err != nil {
		return fmt.Errorf("vacuum and analyze the loaded tables: %w", err)
	}
	return nil
}

// Tx is the load's transaction, for the odd ordinary statement. Flush first if
// the statement must see rows added before it.
func (l *Loader) Tx() *sql.Tx { return l.tx }

// Dialect is the database the load writes to.
func (l *Loader) Dialect() Dialect { return l.d.Dialect }

// Add queues one row for table; cols must be the same on every call for a table.
func (l *Loader) Add(table string, cols []string, values ...any) error {
	if len(cols) != len(values) {
		return fmt.Errorf("load %s: %d columns but %d values", table, len(cols), len(values))
	}
	p := l.tables[table]
	if p == nil {
		p = &pending{cols: cols}
		l.tables[table] = p
		l.order = append(l.order, table)
	}
	p.rows = append(p.rows, values)
	l.size++
	if l.size >= flushAt {
		return l.Flush()
	}
	return nil
}

// Flush writes every queued row.
func (l *Loader) Flush() error {
	for _, table := range l.order {
		p := l.tables[table]
		if len(p.rows) == 0 {
			continue
		}
		var err error
		if l.d.Dialect == Postgres {
			err = l.copyRows(table, p)
		} else {
			err = l.insertRows(table, p)
		}
		if err != nil {
			return fmt.Errorf("load %s: %w", table, err)
		}
		clear(p.rows) // let the values go before the slice is reused
		p.rows = p.rows[:0]
	}
	l.size = 0
	return nil
}

func (l *Loader) copyRows(table string, p *pending) error {
	return l.conn.Raw(func(driverConn any) error {
		pc := driverConn.(*stdlib.Conn).Conn()
		_, err := pc.CopyFrom(l.ctx, pgx.Identifier{table}, p.cols, pgx.CopyFromRows(p.rows))
		return err
	})
}

func (l *Loader) insertRows(table string, p *pending) error {
	if p.stmt == nil {
		marks := make([]string, len(p.cols))
		for i := range marks {
			marks[i] = fmt.Sprintf("$%d", i+1)
		}
		q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(p.cols, ", "), strings.Join(marks, ", "))
		stmt, err := l.tx.PrepareContext(l.ctx, q)
		if err != nil {
			return err
		}
		p.stmt = stmt
	}
	for _, row := range p.rows {
		if _, err := p.stmt.ExecContext(l.ctx, row...); err != nil {
			return err
		}
	}
	return nil
}
