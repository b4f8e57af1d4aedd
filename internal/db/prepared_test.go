package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

// TestPreparedStatementsAreKeptAndBounded: on SQLite a read in the writer's
// transactions and a read on the pool are each prepared once per text and
// reused, see what the transaction wrote before its commit, and once the
// cache holds maxPrepared texts the rest still run, unprepared.
func TestPreparedStatementsAreKeptAndBounded(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "prepared.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.ExecContext(ctx, "CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	one := func(rows *sql.Rows, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		v := ""
		for rows.Next() {
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return v
	}
	const read = "SELECT v FROM kv WHERE k = $1"
	for i := range 3 {
		stmt, err := d.ForWriter(ctx, read)
		if err != nil || stmt == nil {
			t.Fatalf("%v, %v", stmt, err)
		}
		err = d.Transact(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO kv (k, v) VALUES ($1, $2)", i, fmt.Sprint("value ", i)); err != nil {
				return err
			}
			if got, want := one(tx.StmtContext(ctx, stmt).QueryContext(ctx, i)), fmt.Sprint("value ", i); got != want {
				t.Errorf("in the transaction: %q, want %q", got, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := one(d.QueryPrepared(ctx, read, i)), fmt.Sprint("value ", i); got != want {
			t.Errorf("after the commit: %q, want %q", got, want)
		}
	}
	var v string
	if err := d.Prepared().QueryRowContext(ctx, read, 1).Scan(&v); err != nil || v != "value 1" {
		t.Errorf("one row through the prepared pool: %q, %v", v, err)
	}
	if err := d.Prepared().QueryRowContext(ctx, read, 7).Scan(&v); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("no row through the prepared pool: %v, want sql.ErrNoRows", err)
	}
	if w, r := d.writes.n.Load(), d.reads.n.Load(); w != 1 || r != 1 {
		t.Errorf("%d texts prepared on the writer and %d on the pool, want 1 and 1", w, r)
	}
	for i := range maxPrepared + 5 {
		text := fmt.Sprintf("SELECT v FROM kv WHERE k = $1 AND %d = %d", i, i)
		if got := one(d.QueryPrepared(ctx, text, 2)); got != "value 2" {
			t.Fatalf("text %d: %q", i, got)
		}
	}
	if n := d.reads.n.Load(); n != maxPrepared {
		t.Errorf("%d texts kept, want the bound, %d", n, maxPrepared)
	}
}
