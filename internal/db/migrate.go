package db

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var embedded embed.FS

// Migrations are the schema changes this binary carries, in order.
var Migrations, _ = fs.Sub(embedded, "migrations")

// Migrate brings the schema up to date. Each migration runs in its own
// transaction, so one that fails leaves the database as the previous one left it.
// On PostgreSQL a session lock lets many instances start at once safely.
func (d *DB) Migrate(ctx context.Context) (version int64, err error) {
	return d.MigrateFrom(ctx, Migrations)
}

// MigrateFrom applies the migrations in fsys; tests use it to prove what a failure leaves behind.
func (d *DB) MigrateFrom(ctx context.Context, fsys fs.FS) (int64, error) {
	p, err := d.provider(fsys)
	if err != nil {
		return 0, err
	}
	current, known, err := p.GetVersions(ctx)
	if err != nil {
		return 0, fmt.Errorf("cannot read the schema version: %w", err)
	}
	if current > known {
		return current, fmt.Errorf("the database schema is at version %d, newer than this joinedup knows (%d): run a newer joinedup", current, known)
	}
	if _, err := p.Up(ctx); err != nil {
		var partial *goose.PartialError
		if errors.As(err, &partial) {
			now, _ := p.GetDBVersion(ctx)
			name := path.Base(partial.Failed.Source.Path)
			if partial.Failed.Source.Path == "" { // a Go migration (migrate_go.go)
				name = fmt.Sprint(partial.Failed.Source.Version)
			}
			return now, fmt.Errorf("migration %s failed, and the database was left at version %d: %v", name, now, partial.Err)
		}
		return current, fmt.Errorf("migration failed: %w", err)
	}
	return p.GetDBVersion(ctx)
}

// SchemaVersions returns the version the database is at and the newest this binary knows.
func (d *DB) SchemaVersions(ctx context.Context) (current, known int64, err error) {
	p, err := d.provider(Migrations)
	if err != nil {
		return 0, 0, err
	}
	return p.GetVersions(ctx)
}

func (d *DB) provider(src fs.FS) (*goose.Provider, error) {
	fsys, err := forDialect(src, d.Dialect)
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if src == Migrations {
		opts = append(opts, goose.WithGoMigrations(goMigrations(d.Dialect)...))
	}
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, d.DB, fsys, opts...)
}
