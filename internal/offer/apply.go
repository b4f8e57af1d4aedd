package offer

import (
	"context"
	"database/sql"
	"time"

	"joinedup/internal/db"
)

// ImportThen is Import with o.Apply, running also in the same transaction
// after the directory is written: moderation (internal/offer/edits) marks an
// edit approved in the transaction that makes it live, so the two cannot
// disagree. If also fails, nothing of the import is kept.
func ImportThen(ctx context.Context, d *db.DB, items []FeedItem, now time.Time, also func(*sql.Tx) error) (ImportReport, error) {
	return ImportChecked(ctx, d, items, now, nil, func(tx *sql.Tx, _ ImportReport) error { return also(tx) })
}

// ImportChecked is ImportThen with a check of what the import would do
// before anything is written (nil checks nothing): the editors' pages refuse
// an import whose Fingerprint is not the one they previewed. also sees the
// report, to record it in the same transaction.
func ImportChecked(ctx context.Context, d *db.DB, items []FeedItem, now time.Time, check func(ImportReport) error,
	also func(*sql.Tx, ImportReport) error) (ImportReport, error) {
	st := &Store{DB: d}
	pl, err := plan(ctx, st, items)
	if err != nil {
		return ImportReport{}, err
	}
	rep := pl.report
	if check != nil {
		if err := check(rep); err != nil {
			return rep, err
		}
	}
	rep.Applied = true
	err = d.Load(ctx, func(l *db.Loader) error {
		if err := pl.apply(ctx, l, now); err != nil {
			return err
		}
		if err := l.Flush(); err != nil {
			return err
		}
		return also(l.Tx(), rep)
	})
	if err != nil {
		rep.Applied = false
		return rep, err
	}
	return rep, nil
}
