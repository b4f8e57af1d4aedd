package db

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// openKV opens dsn (a SQLite path or a PostgreSQL URL) with a table kv and
// a table child whose parent is checked only at commit.
func openKV(t *testing.T, dsn string) *DB {
	t.Helper()
	d, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	_, err = d.Exec(`CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL);
		CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES kv (k) DEFERRABLE INITIALLY DEFERRED)`)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func keys(t *testing.T, d *DB) string {
	t.Helper()
	rows, err := d.Query("SELECT k FROM kv ORDER BY k")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	return strings.Join(out, ",")
}

// Many callers at once each get their own work committed, on both databases.
func TestTransactSharedCommitsEveryCaller(t *testing.T) {
	for kind, dsn := range map[string]func(*testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "shared.db") },
		"postgres": testPostgres,
	} {
		t.Run(kind, func(t *testing.T) {
			d := openKV(t, dsn(t))
			var wg sync.WaitGroup
			errs := make([]error, 40)
			for i := range errs {
				wg.Go(func() {
					errs[i] = d.TransactShared(context.Background(), func(tx *sql.Tx) error {
						_, err := tx.Exec("INSERT INTO kv (k, v) VALUES ($1, 'x')", i)
						return err
					})
				})
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := d.QueryRow("SELECT COUNT(*) FROM kv").Scan(&n); err != nil || n != 40 {
				t.Fatalf("%d rows (%v), want 40", n, err)
			}
		})
	}
}

// On SQLite the callers queued while the writer is busy share one
// transaction, and each keeps its own outcome: one that fails or panics is
// rolled back alone, one whose caller gave up is never run, and a commit
// that fails fails every caller in it.
func TestTransactSharedKeepsEachCallersOutcome(t *testing.T) {
	d := openKV(t, filepath.Join(t.TempDir(), "shared.db"))
	insert := func(k int) func(*sql.Tx) error {
		return func(tx *sql.Tx) error {
			_, err := tx.Exec("INSERT INTO kv (k, v) VALUES ($1, 'x')", k)
			return err
		}
	}
	// batch holds the writer until every fn is queued, then lets them in
	// together; it returns each caller's error and the transactions they ran in.
	batch := func(fns []func(*sql.Tx) error, giveUp int) ([]error, map[*sql.Tx]bool) {
		t.Helper()
		release, held := make(chan struct{}), make(chan struct{})
		go d.Transact(context.Background(), func(*sql.Tx) error { close(held); <-release; return nil })
		<-held
		var mu sync.Mutex
		txs := map[*sql.Tx]bool{}
		errs := make([]error, len(fns))
		ctxs := make([]context.CancelFunc, len(fns))
		returned := make([]chan struct{}, len(fns))
		var wg sync.WaitGroup
		for i, fn := range fns {
			ctx, cancel := context.WithCancel(context.Background())
			ctxs[i], returned[i] = cancel, make(chan struct{})
			wg.Go(func() {
				defer close(returned[i])
				errs[i] = d.TransactShared(ctx, func(tx *sql.Tx) error {
					mu.Lock()
					txs[tx] = true
					mu.Unlock()
					return fn(tx)
				})
			})
		}
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
			d.sharing.mu.Lock()
			n := len(d.sharing.queue)
			d.sharing.mu.Unlock()
			if n == len(fns) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d callers queued", n, len(fns))
			}
		}
		if giveUp >= 0 {
			ctxs[giveUp]()
			<-returned[giveUp] // before the writer is free
		}
		close(release)
		wg.Wait()
		for _, c := range ctxs {
			c()
		}
		return errs, txs
	}

	errs, txs := batch([]func(*sql.Tx) error{
		insert(1),
		func(tx *sql.Tx) error { insert(2)(tx); return errors.New("refused") },
		func(tx *sql.Tx) error { insert(3)(tx); panic("broken") },
		insert(4), // its caller gives up
		insert(5),
	}, 3)
	if errs[0] != nil || errs[4] != nil {
		t.Errorf("the good callers failed: %v, %v", errs[0], errs[4])
	}
	if errs[1] == nil || errs[1].Error() != "refused" {
		t.Errorf("the refused caller got %v", errs[1])
	}
	if errs[2] == nil || !strings.Contains(errs[2].Error(), "panic") || !strings.Contains(errs[2].Error(), "broken") {
		t.Errorf("the panicking caller got %v", errs[2])
	}
	if !errors.Is(errs[3], context.Canceled) {
		t.Errorf("the caller who gave up got %v", errs[3])
	}
	if len(txs) != 1 {
		t.Errorf("the callers ran in %d transactions, want 1", len(txs))
	}
	if got := keys(t, d); got != "1,5" {
		t.Errorf("rows %s, want 1,5: only the good callers' work is kept", got)
	}

	// A child whose parent does not exist is refused only at commit, which
	// fails the whole batch: nothing of it is kept, and every caller is told.
	errs, _ = batch([]func(*sql.Tx) error{
		insert(6),
		func(tx *sql.Tx) error { _, err := tx.Exec("INSERT INTO child (id, parent) VALUES (1, 99)"); return err },
	}, -1)
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
			t.Errorf("caller %d after a failed commit: %v", i, err)
		}
	}
	if got := keys(t, d); got != "1,5" {
		t.Errorf("rows %s after a failed commit, want 1,5", got)
	}
}
