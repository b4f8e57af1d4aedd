package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"
)

// goMigrations are the few schema changes one of the databases cannot make
// in SQL inside goose's transaction; each is numbered among the SQL files.
func goMigrations(d Dialect) []*goose.Migration {
	return []*goose.Migration{
		goose.NewGoMigration(31, &goose.GoFunc{RunDB: func(ctx context.Context, db *sql.DB) error { return adviceWithdrawn(ctx, db, d) }}, nil),
	}
}

// eventTypes are the clock's event types ehc_events may hold, as its CHECK lists them.
var eventTypes = []string{"request_received", "la_responsible", "assessment_decision", "advice_requested",
	"advice_received", "no_plan_decision", "draft_plan_issued", "final_plan_issued", "exception",
	"review_meeting", "review_report_sent", "review_decision", "amendment_notice",
	"amended_plan_issued", "phase_transfer", "advice_withdrawn"}

// adviceWithdrawn (migration 31) lets ehc_events hold advice_withdrawn, a
// request for advice taken back before the body answered (issue 5), by
// widening the CHECK on its type. PostgreSQL replaces the constraint. SQLite
// cannot alter a CHECK: the table is rebuilt as its documentation says
// (https://www.sqlite.org/lang_altertable.html, "other kinds of table schema
// changes"), with foreign keys off on one connection, so the references
// ehc_requests and ehc_letters hold keep naming ehc_events, and checked
// before the commit.
func adviceWithdrawn(ctx context.Context, db *sql.DB, d Dialect) error {
	check := "type IN ('" + strings.Join(eventTypes, "', '") + "')"
	if d == Postgres {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, `ALTER TABLE ehc_events DROP CONSTRAINT ehc_events_type_check;
			ALTER TABLE ehc_events ADD CONSTRAINT ehc_events_type_check CHECK (`+check+`)`); err != nil {
			return err
		}
		return tx.Commit()
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE ehc_events_00031 (
		id            TEXT PRIMARY KEY,
		case_id       TEXT NOT NULL REFERENCES ehc_cases (id),
		seq           INTEGER NOT NULL,
		type          TEXT NOT NULL CHECK (`+check+`),
		event_date    DATE NOT NULL,
		end_date      DATE,
		received_on   DATE,
		code          TEXT,
		contributor   TEXT,
		channel       TEXT CHECK (channel IN ('letter', 'phone', 'email', 'in_person', 'online')),
		note          TEXT,
		recorded_by   TEXT NOT NULL REFERENCES people (id),
		recorded_at   TIMESTAMP NOT NULL,
		UNIQUE (case_id, seq)
	);
	INSERT INTO ehc_events_00031 SELECT * FROM ehc_events;
	DROP TABLE ehc_events;
	ALTER TABLE ehc_events_00031 RENAME TO ehc_events`); err != nil {
		return err
	}
	var broken int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM pragma_foreign_key_check").Scan(&broken); err != nil {
		return err
	}
	if broken > 0 {
		return fmt.Errorf("rebuilding ehc_events would leave %d references broken", broken)
	}
	return tx.Commit()
}
