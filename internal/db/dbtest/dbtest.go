// Package dbtest gives tests a fresh, migrated database of each kind, so one
// storage test runs on SQLite and on PostgreSQL alike.
//
// PostgreSQL is found at $JOINEDUP_TEST_PG (default: the CI server on
// 127.0.0.1:5432, database test). Each test gets its own database, created
// and dropped around it. Setting JOINEDUP_TEST_PG=off skips the PostgreSQL
// half explicitly; an unreachable server fails the test rather than skipping it.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"joinedup/internal/db"
)

// DefaultPG is the server CI provides.
const DefaultPG = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL returns the admin URL tests create databases through, or "" when switched off.
func PostgresURL() string {
	u := os.Getenv("JOINEDUP_TEST_PG")
	switch u {
	case "":
		return DefaultPG
	case "off":
		return ""
	}
	return u
}

// Each runs fn once on a fresh SQLite database and once on a fresh PostgreSQL one.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated database in a file of the test's temporary directory.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	return Open(t, filepath.Join(t.TempDir(), "joinedup.db"))
}

// Postgres returns a migrated database of its own on the test server.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	return Open(t, NewPostgresDatabase(t))
}

// NewPostgresDatabase creates an empty database for t, dropped when t ends, and returns its URL.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	admin := PostgresURL()
	if admin == "" {
		t.Skip("PostgreSQL switched off by JOINEDUP_TEST_PG=off")
	}
	ctx := context.Background()
	a, err := db.Open(ctx, admin)
	if err != nil {
		t.Fatalf("PostgreSQL for tests: %v (start it, or set JOINEDUP_TEST_PG to a server, or to off)", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "joinedup_test_" + hex.EncodeToString(b)
	if _, err := a.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		a.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		a.Close()
	})
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	return u.String()
}

// Open opens dsn, migrates it and closes it when the test ends; two calls on
// one dsn are two instances sharing a database.
func Open(t testing.TB, dsn string) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

// Count returns the number of rows a query like "SELECT COUNT(*) FROM t" finds.
func Count(t testing.TB, q interface {
	QueryRow(string, ...any) *sql.Row
}, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
