// Package db opens the embedded SQLite database or a shared PostgreSQL one,
// applies the embedded migrations, and keeps the few dialect differences in
// one place. Everything above it writes one SQL, with $1-style parameters,
// which both databases accept.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a connection pool with the dialect it speaks.
type DB struct {
	*sql.DB
	Dialect Dialect
	// Where names the database for messages and logs, never with a password.
	Where string
	// writer is SQLite's one connection for Transact. SQLite lets one writer
	// in at a time, and every Transact begins IMMEDIATE, so more connections
	// only queue in SQLite's busy handler, which sleeps for milliseconds
	// between tries; and each commit from another connection empties a
	// connection's page cache. One writer queues in Go, hands over at once and
	// keeps its cache warm. nil on PostgreSQL.
	writer *sql.DB
	// writeTurn gives the writer to transactions in the order they asked:
	// database/sql hands a freed connection to any one of its waiters, so
	// under load some waited many turns (SQLite's p99 several times its p50);
	// a channel's blocked senders are served first come, first served.
	writeTurn chan struct{}
	// sharing queues the work of TransactShared (group.go).
	sharing sharing
	// reads and writes keep SQLite's prepared statements (prepared.go), on
	// the pool and on the writer.
	reads, writes prepared
}

// Close closes the pool (and SQLite's writer).
func (d *DB) Close() error {
	if d.writer != nil {
		d.writer.Close()
	}
	return d.DB.Close()
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn: a postgres:// URL, or else the path of a SQLite file,
// whose directory it creates. It fails with one clear sentence when the
// database cannot be reached or written.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("no database given: pass --db with a file path or a postgres:// URL")
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("cannot create the data directory %s: %s", dir, reason(err))
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("cannot use %s as the database: it is a directory", path)
	}
	// WAL lets readers run beside the one writer; _txlock=immediate takes the
	// write lock at BEGIN so two writers queue instead of deadlocking.
	// A 32 MiB page cache per connection keeps hot pages out of read syscalls.
	dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)" +
		"&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32000)" +
		"&_time_format=sqlite&_txlock=immediate"
	// No memory map. Where the file changes under the readers, as it does
	// whenever staff work (every read of a child's record appends an audit
	// row), mapped pages cost more than cached ones: the caseload took 3.4-3.8
	// ms of CPU a request with the readers mapped and 2.3 without. A search
	// of the Local Offer with nothing being written is faster mapped (about
	// 2,900 against 2,000 a second, docs/benchmarks.md); a mixed load of both
	// is not yet measured.
	pool, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("cannot open the database %s: %v", path, err)
	}
	// Keep every connection: a new SQLite connection re-reads the schema and
	// starts with a cold cache, which under load costs more than the query.
	conns := max(4, 2*runtime.GOMAXPROCS(0))
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	// A write proves the file and its directory are writable (WAL needs both).
	if _, err := pool.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS joinedup_probe (x INTEGER); DROP TABLE joinedup_probe"); err != nil {
		pool.Close()
		return nil, fmt.Errorf("cannot write the database %s: %s", path, reason(err))
	}
	writer, err := sql.Open("sqlite", dsn)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("cannot open the database %s: %v", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	return &DB{DB: pool, Dialect: SQLite, Where: path, writer: writer, writeTurn: make(chan struct{}, 1)}, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("the database URL is not valid: %s", redact(err.Error(), dsn))
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("cannot open the database at %s: %s", where, redact(err.Error(), dsn))
	}
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(16)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("cannot reach the database at %s: %s", where, reason(err))
	}
	return &DB{DB: pool, Dialect: Postgres, Where: where}, nil
}

// reason shortens a driver error to the part a person can act on.
func reason(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return opErr.Err.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer within 10 seconds"
	}
	return err.Error()
}

// redact removes the password of dsn from a message.
func redact(msg, dsn string) string {
	if cfg, err := pgx.ParseConfig(dsn); err == nil && cfg.Password != "" {
		msg = strings.ReplaceAll(msg, cfg.Password, "xxxxx")
	}
	return msg
}

// Now is the clock the stores use for created/updated times; tests may replace it.
var Now = func() time.Time { return time.Now().UTC() }

// ForUpdate is the clause that locks the rows a SELECT reads until the
// transaction ends. SQLite needs none: its transactions begin IMMEDIATE,
// holding the one write lock already.
func (d *DB) ForUpdate() string {
	if d.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}
