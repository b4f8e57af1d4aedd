package db_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// A migration that fails halfway must leave the database exactly as the
// migration before it left it, on both databases.
func TestFailedMigrationChangesNothing(t *testing.T) {
	good := "-- +goose Up\nCREATE TABLE first_one (id TEXT PRIMARY KEY);\n"
	bad := "-- +goose Up\nCREATE TABLE half_done (id TEXT PRIMARY KEY);\nINSERT INTO first_one (id) VALUES ('a');\nINSERT INTO no_such_table (id) VALUES ('b');\n"
	fsys := fstest.MapFS{
		"00001_first.sql":  {Data: []byte(good)},
		"00002_broken.sql": {Data: []byte(bad)},
	}
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			dsn := filepath.Join(t.TempDir(), "x.db")
			if kind == "postgres" {
				dsn = dbtest.NewPostgresDatabase(t)
			}
			d, err := db.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			v, err := d.MigrateFrom(ctx, fsys)
			if err == nil {
				t.Fatal("broken migration reported success")
			}
			if !strings.Contains(err.Error(), "00002_broken.sql") || !strings.Contains(err.Error(), "left at version 1") {
				t.Errorf("error does not name the migration and the version kept: %v", err)
			}
			if v != 1 {
				t.Errorf("version after failure = %d, want 1", v)
			}
			if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM first_one"); n != 0 {
				t.Errorf("the failed migration's insert was kept: %d rows", n)
			}
			if _, err := d.ExecContext(ctx, "SELECT 1 FROM half_done"); err == nil {
				t.Error("the failed migration's table was kept")
			}
		})
	}
}

func TestRefusesASchemaNewerThanItKnows(t *testing.T) {
	ctx := context.Background()
	d := dbtest.SQLite(t)
	future := fstest.MapFS{"09999_future.sql": {Data: []byte("-- +goose Up\nCREATE TABLE future (id TEXT);\n")}}
	if _, err := d.MigrateFrom(ctx, future); err != nil {
		t.Fatal(err)
	}
	_, err := d.Migrate(ctx)
	if err == nil || !strings.Contains(err.Error(), "newer than this joinedup knows") {
		t.Fatalf("Migrate on a newer schema: %v", err)
	}
}

func TestOpenSaysWhatIsWrong(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "plain-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ dsn, want string }{
		{filepath.Join(file, "data", "joinedup.db"), "cannot create the data directory"},
		{t.TempDir(), "it is a directory"},
		{"postgres://nobody@127.0.0.1:1/x?connect_timeout=2", "cannot reach the database at 127.0.0.1:1/x"},
		{"postgres://u:s3cret@127.0.0.1:1/x?connect_timeout=2", "cannot reach the database"},
		{"postgres://u@[bad/x", "the database URL is not valid"},
	}
	for _, c := range cases {
		d, err := db.Open(ctx, c.dsn)
		if err == nil {
			d.Close()
			t.Errorf("Open(%q) succeeded", c.dsn)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%q) = %q, want it to say %q", c.dsn, err, c.want)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q) leaked the password: %v", c.dsn, err)
		}
	}
}

func TestTransactKeepsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
		boom := errors.New("boom")
		err := d.Transact(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, "INSERT INTO partnership (id, name, area, created_at) VALUES ($1, $2, $3, $4)", "p1", "Test", "Test area", now); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Transact = %v", err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM partnership"); n != 0 {
			t.Fatalf("rolled-back row is visible: %d", n)
		}
		err = d.Transact(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO partnership (id, name, area, created_at) VALUES ($1, $2, $3, $4)", "p1", "Test", "Test area", now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var got time.Time
		if err := d.QueryRowContext(ctx, "SELECT created_at FROM partnership WHERE id = $1", "p1").Scan(&got); err != nil || !got.Equal(now) {
			t.Fatalf("created_at = %v, %v; want %v", got, err, now)
		}
		err = d.Transact(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO partnership (id, name, area, created_at) VALUES ($1, $2, $3, $4)", "p1", "Again", "Test area", now)
			return err
		})
		if !db.IsUniqueViolation(err) {
			t.Fatalf("duplicate key: %v, want a unique violation", err)
		}
	})
}

// The loader writes dates, booleans and NULLs the same way on both databases,
// and keeps nothing of a load that fails.
func TestLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := db.Now()
		orgCols := []string{"id", "kind", "name", "created_at"}
		childCols := []string{"id", "given_name", "family_name", "date_of_birth", "nhs_number", "setting_id", "sen_provision", "created_at"}
		err := d.Load(ctx, func(l *db.Loader) error {
			if err := l.Add("organisations", orgCols, "o1", "school", "Brookfield Primary", now); err != nil {
				return err
			}
			for i := 0; i < 25000; i++ { // crosses a flush boundary
				dob := date.Of(2015, 2, 28).AddDays(i % 400)
				var setting any = "o1"
				if i%2 == 0 {
					setting = nil
				}
				if err := l.Add("children", childCols, "c"+strconv.Itoa(i), "Given", "Family", dob, nil, setting, "sen_support", now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM children WHERE setting_id IS NULL"); n != 12500 {
			t.Errorf("children without a setting = %d, want 12500", n)
		}
		var dob date.Date
		if err := d.QueryRowContext(ctx, "SELECT date_of_birth FROM children WHERE id = 'c1'").Scan(&dob); err != nil || dob.String() != "2015-03-01" {
			t.Errorf("date_of_birth = %v, %v", dob, err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM children WHERE date_of_birth = $1", date.Of(2015, 3, 1)); n == 0 {
			t.Error("a date parameter does not match the stored date")
		}
		if d.Dialect == db.Postgres {
			// Vacuumed as well as analysed: every page of the load is marked all-visible,
			// so an index-only scan need not read the rows' pages.
			var pages, visible, tuples float64
			err := d.QueryRowContext(ctx, "SELECT relpages, relallvisible, reltuples FROM pg_class WHERE relname = 'children'").Scan(&pages, &visible, &tuples)
			if err != nil || pages == 0 || visible != pages || tuples != 25000 {
				t.Errorf("after a load, children has %v pages, %v all-visible, %v rows counted (%v); want every page visible and 25000 rows", pages, visible, tuples, err)
			}
		}

		// A failing load keeps nothing, even rows already flushed.
		err = d.Load(ctx, func(l *db.Loader) error {
			for i := 0; i < 21000; i++ {
				if err := l.Add("organisations", orgCols, "x"+strconv.Itoa(i), "school", "X", now); err != nil {
					return err
				}
			}
			return l.Add("organisations", orgCols, "y", "not_a_kind", "Y", now)
		})
		if err == nil {
			t.Fatal("load with a bad row succeeded")
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM organisations"); n != 1 {
			t.Errorf("organisations after failed load = %d, want 1", n)
		}
	})
}
