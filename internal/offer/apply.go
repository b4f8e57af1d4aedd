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
	st := &Store{DB: d}
	pl, err := plan(ctx, st, items)
	if err != nil {
		return ImportReport{}, err
	}
	rep := pl.report
	err = d.Load(ctx, func(l *db.Loader) error {
		if err := pl.apply(ctx, l, now); err != nil {
			return err
		}
		if err := l.Flush(); err != nil {
			return err
		}
		return also(l.Tx())
	})
	if err != nil {
		return rep, err
	}
	rep.Applied = true
	return rep, nil
}
