package record

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/audit"
	"joinedup/internal/db"
	"joinedup/internal/notify"
)

// Reassign makes another coordinator the child's named contact (see
// access.Reassign), audits the change, and in the same transaction writes a
// message to each parent with parental responsibility, and to the young
// person, saying who their new named contact is and how to reach them.
func Reassign(ctx context.Context, d *db.DB, manager access.Actor, childID, to, note string) (access.Handover, error) {
	now := db.Now()
	var h access.Handover
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		var e audit.Event
		var err error
		if h, e, err = handover(ctx, tx, manager, childID, to, note, now); err != nil {
			return err
		}
		// Last before commit: the append holds the chain head until the
		// transaction ends, and every audited transaction waits for it.
		_, err = audit.Append(ctx, d, tx, e)
		return err
	})
	return h, err
}

// handover is Reassign's change without its audit row: it reassigns the child,
// writes the family's messages, and returns the event that records the change.
// It is apart from Reassign so that the audit benchmark can time the same
// change with and without the row.
func handover(ctx context.Context, tx *sql.Tx, manager access.Actor, childID, to, note string, now time.Time) (access.Handover, audit.Event, error) {
	h, err := access.Reassign(ctx, tx, manager, childID, to, note, now)
	if err != nil {
		return h, audit.Event{}, err
	}
	var child, name, email, phone, org string
	if err := tx.QueryRowContext(ctx, `SELECT c.given_name, p.given_name || ' ' || p.family_name, COALESCE(p.email, ''), COALESCE(p.phone, ''),
			COALESCE(op.name, o.name)
		FROM children c, people p JOIN organisations o ON o.id = p.organisation_id LEFT JOIN organisations op ON op.id = o.parent_id
		WHERE c.id = $1 AND p.id = $2`, childID, to).Scan(&child, &name, &email, &phone, &org); err != nil {
		return h, audit.Event{}, err
	}
	var before []string
	for _, id := range h.From {
		var n string
		if err := tx.QueryRowContext(ctx, "SELECT given_name || ' ' || family_name FROM people WHERE id = $1", id).Scan(&n); err != nil {
			return h, audit.Event{}, err
		}
		before = append(before, n)
	}
	if err := tellFamily(ctx, tx, childID, h.Link.ID, child, name, email, phone, org, before); err != nil {
		return h, audit.Event{}, err
	}
	return h, audit.Event{At: now, RequestID: manager.RequestID, ActorID: manager.PersonID,
		ActorOrg: manager.OrganisationID, ActorRole: manager.RoleTitle(), Action: "child.reassign", RecordType: "care_team",
		RecordID: h.Link.ID, ChildID: childID, Reason: "handover by a manager who may reassign",
		Changes: []audit.Change{{Field: "named contact", Old: strings.Join(before, ", "), New: name}}}, nil
}

// tellFamily writes the message about a new named contact to everyone who decides for the child.
func tellFamily(ctx context.Context, tx *sql.Tx, childID, ref, child, name, email, phone, org string, before []string) error {
	rows, err := tx.QueryContext(ctx, `SELECT p.email FROM family_links fl JOIN people p ON p.id = fl.person_id
		WHERE fl.child_id = $1 AND fl.parental_responsibility = $2 AND p.email IS NOT NULL AND p.disabled_at IS NULL
		UNION SELECT p.email FROM children c JOIN people p ON p.id = c.person_id WHERE c.id = $1 AND p.email IS NOT NULL`, childID, true)
	if err != nil {
		return err
	}
	var to []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			rows.Close()
			return err
		}
		to = append(to, e)
	}
	rows.Close()
	instead := ""
	if len(before) > 0 {
		instead = ", in place of " + strings.Join(before, " and ")
	}
	reach := "email " + email
	if phone != "" {
		reach += " or phone " + phone
	}
	first, _, _ := strings.Cut(name, " ")
	for _, addr := range to {
		if _, err := notify.Enqueue(ctx, tx, notify.Message{
			To:          addr,
			Subject:     fmt.Sprintf("%s's named contact has changed", child),
			WhatChanged: fmt.Sprintf("%s, EHCP coordinator at %s, is now your named contact for %s's special educational needs support%s.", name, org, child, instead),
			WhatToDo:    fmt.Sprintf("You do not need to do anything. To reach %s, %s.", first, reach),
			Reference:   "handover-" + ref,
		}); err != nil {
			return err
		}
	}
	return nil
}
