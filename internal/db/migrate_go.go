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
		goose.NewGoMigration(31, &goose.GoFunc{RunDB: func(ctx context.Context, db *sql.DB) error {
			return widenChecks(ctx, db, d, 31, eventsCheck(eventTypes31))
		}}, nil),
		goose.NewGoMigration(32, &goose.GoFunc{RunDB: func(ctx context.Context, db *sql.DB) error {
			return widenChecks(ctx, db, d, 32, eventsCheck(eventTypes32), lettersCheck(letterKinds32))
		}}, nil),
	}
}

// eventTypes31 are the clock's event types ehc_events may hold after
// migration 31: advice_withdrawn, a request for advice taken back before the
// body answered (issue 5), joins the fifteen of issue 4's table. Frozen: a
// migration once run never changes.
var eventTypes31 = []string{"request_received", "la_responsible", "assessment_decision", "advice_requested",
	"advice_received", "no_plan_decision", "draft_plan_issued", "final_plan_issued", "exception",
	"review_meeting", "review_report_sent", "review_decision", "amendment_notice",
	"amended_plan_issued", "phase_transfer", "advice_withdrawn"}

// eventTypes32 and letterKinds32 add, in migration 32, the council's
// decision not to amend the plan after sending proposed amendments (SEND
// Regulations 2014 reg 22(4)): the clock's no_amendment_decision and its
// decision letter, kind no_amendment. Frozen, as eventTypes31.
var (
	eventTypes32  = append(append([]string{}, eventTypes31...), "no_amendment_decision")
	letterKinds32 = []string{"refuse_assessment", "no_plan", "final_plan", "amended_plan", "cease", "no_amendment"}
)

// check is one table whose CHECK on one column a migration widens to the
// values given: PostgreSQL replaces the named constraint; SQLite rebuilds
// the table from create (its CREATE TABLE under another name, with the CHECK)
// and makes its indexes again.
type check struct {
	table, column, constraint string
	values                    []string
	create                    func(name, check string) string
	indexes                   []string
}

func eventsCheck(types []string) check {
	return check{table: "ehc_events", column: "type", constraint: "ehc_events_type_check", values: types,
		create: func(name, check string) string {
			return `CREATE TABLE ` + name + ` (
		id            TEXT PRIMARY KEY,
		case_id       TEXT NOT NULL REFERENCES ehc_cases (id),
		seq           INTEGER NOT NULL,
		type          TEXT NOT NULL CHECK (` + check + `),
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
	)`
		}}
}

func lettersCheck(kinds []string) check {
	return check{table: "ehc_letters", column: "kind", constraint: "ehc_letters_kind_check", values: kinds,
		create: func(name, check string) string {
			return `CREATE TABLE ` + name + ` (
		id            TEXT PRIMARY KEY,
		child_id      TEXT NOT NULL REFERENCES children (id),
		case_id       TEXT NOT NULL REFERENCES ehc_cases (id),
		event_id      TEXT NOT NULL UNIQUE REFERENCES ehc_events (id),
		kind          TEXT NOT NULL CHECK (` + check + `),
		decision_on   DATE NOT NULL,
		reasons       TEXT NOT NULL,
		adviser       TEXT NOT NULL,
		method        TEXT NOT NULL CHECK (method IN ('email', 'post', 'portal', 'hand')),
		sent_at       TIMESTAMP NOT NULL,
		deemed_on     DATE NOT NULL,
		issued_by     TEXT NOT NULL REFERENCES people (id),
		issued_at     TIMESTAMP NOT NULL
	)`
		},
		indexes: []string{"CREATE INDEX ehc_letters_child ON ehc_letters (child_id)"}}
}

// widenChecks (migrations 31 and 32) sets each CHECK given to its values in
// one transaction. PostgreSQL replaces the constraint. SQLite cannot alter a
// CHECK: each table is rebuilt as its documentation says
// (https://www.sqlite.org/lang_altertable.html, "other kinds of table schema
// changes"), with foreign keys off on one connection, so the references
// other tables hold (ehc_requests and ehc_letters to ehc_events,
// ehc_disputes to ehc_letters) keep naming the table, and checked before the
// commit.
func widenChecks(ctx context.Context, db *sql.DB, d Dialect, version int, checks ...check) error {
	if d == Postgres {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		for _, c := range checks {
			if _, err := tx.ExecContext(ctx, `ALTER TABLE `+c.table+` DROP CONSTRAINT `+c.constraint+`;
			ALTER TABLE `+c.table+` ADD CONSTRAINT `+c.constraint+` CHECK (`+c.expr()+`)`); err != nil {
				return err
			}
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
	for _, c := range checks {
		rebuilt := fmt.Sprintf("%s_%05d", c.table, version)
		if _, err := tx.ExecContext(ctx, c.create(rebuilt, c.expr())+`;
	INSERT INTO `+rebuilt+` SELECT * FROM `+c.table+`;
	DROP TABLE `+c.table+`;
	ALTER TABLE `+rebuilt+` RENAME TO `+c.table); err != nil {
			return err
		}
		for _, ix := range c.indexes {
			if _, err := tx.ExecContext(ctx, ix); err != nil {
				return err
			}
		}
	}
	var broken int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM pragma_foreign_key_check").Scan(&broken); err != nil {
		return err
	}
	if broken > 0 {
		return fmt.Errorf("rebuilding %d tables would leave %d references broken", len(checks), broken)
	}
	return tx.Commit()
}

// expr is the CHECK's condition.
func (c check) expr() string {
	return c.column + " IN ('" + strings.Join(c.values, "', '") + "')"
}
