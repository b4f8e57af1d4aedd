package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Transact runs fn in a transaction and commits it if fn returns nil. It runs
// fn again, a few times, when the database reports a conflict that a retry
// resolves (PostgreSQL serialization failures and deadlocks, a busy SQLite),
// so fn must do nothing outside the transaction that cannot be repeated.
func (d *DB) Transact(ctx context.Context, fn func(*sql.Tx) error) error {
	return Retry(ctx, func() error { return d.transactOnce(ctx, fn) })
}

// Retry runs fn, and again a few times while it fails with a conflict that a
// retry resolves: for a single statement that is its own transaction.
func Retry(ctx context.Context, fn func() error) error {
	const attempts = 5
	var err error
	for i := 0; i < attempts; i++ {
		if err = fn(); err == nil || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(10<<i) * time.Millisecond):
		}
	}
	return fmt.Errorf("gave up after %d attempts: %w", attempts, err)
}

func (d *DB) transactOnce(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	pool := d.DB
	if d.writer != nil {
		select {
		case d.writeTurn <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-d.writeTurn }()
		pool = d.writer
	}
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		code := sqErr.Code() & 0xff
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
	}
	return false
}

// IsUniqueViolation reports whether err is a broken UNIQUE or PRIMARY KEY constraint.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
