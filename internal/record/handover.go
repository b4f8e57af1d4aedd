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
	c, err := newContact(ctx, tx, h)
	if err != nil {
		return h, audit.Event{}, err
	}
	if err := tellFamily(ctx, tx, c, "handover-"+h.Link.ID, ""); err != nil {
		return h, audit.Event{}, err
	}
	return h, audit.Event{At: now, RequestID: manager.RequestID, ActorID: manager.PersonID,
		ActorOrg: manager.OrganisationID, ActorRole: manager.RoleTitle(), Action: "child.reassign", RecordType: "care_team",
		RecordID: h.Link.ID, ChildID: childID, Reason: "handover by a manager who may reassign",
		Changes: []audit.Change{{Field: "named contact", Old: strings.Join(c.before, ", "), New: c.name}}}, nil
}

// contact is a change of named contact as the family is told of it.
type contact struct {
	childID, child          string // the child's id and given name
	name, email, phone, org string // the new named contact and how to reach them
	before                  []string
}

// newContact reads what the family is told about the handover h.
func newContact(ctx context.Context, tx *sql.Tx, h access.Handover) (contact, error) {
	c := contact{childID: h.ChildID}
	if err := tx.QueryRowContext(ctx, `SELECT c.given_name, p.given_name || ' ' || p.family_name, COALESCE(p.email, ''), COALESCE(p.phone, ''),
			COALESCE(op.name, o.name)
		FROM children c, people p JOIN organisations o ON o.id = p.organisation_id LEFT JOIN organisations op ON op.id = o.parent_id
		WHERE c.id = $1 AND p.id = $2`, h.ChildID, h.To).Scan(&c.child, &c.name, &c.email, &c.phone, &c.org); err != nil {
		return contact{}, err
	}
	for _, id := range h.From {
		var n string
		if err := tx.QueryRowContext(ctx, "SELECT given_name || ' ' || family_name FROM people WHERE id = $1", id).Scan(&n); err != nil {
			return contact{}, err
		}
		c.before = append(c.before, n)
	}
	return c, nil
}

// tellFamily writes the message about a new named contact to everyone who
// decides for the child. moved, when the case moved to another team, says so first.
func tellFamily(ctx context.Context, tx *sql.Tx, c contact, ref, moved string) error {
	rows, err := tx.QueryContext(ctx, `SELECT p.email FROM family_links fl JOIN people p ON p.id = fl.person_id
		WHERE fl.child_id = $1 AND fl.parental_responsibility = $2 AND p.email IS NOT NULL AND p.disabled_at IS NULL
		UNION SELECT p.email FROM children c JOIN people p ON p.id = c.person_id WHERE c.id = $1 AND p.email IS NOT NULL`, c.childID, true)
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
	if len(c.before) > 0 {
		instead = ", in place of " + strings.Join(c.before, " and ")
	}
	reach := "email " + c.email
	if c.phone != "" {
		reach += " or phone " + c.phone
	}
	subject := fmt.Sprintf("%s's named contact has changed", c.child)
	if moved != "" {
		subject = fmt.Sprintf("%s's SEND team and named contact have changed", c.child)
		moved += " "
	}
	first, _, _ := strings.Cut(c.name, " ")
	for _, addr := range to {
		if _, err := notify.Enqueue(ctx, tx, notify.Message{
			To:          addr,
			Subject:     subject,
			WhatChanged: fmt.Sprintf("%s%s, EHCP coordinator at %s, is now your named contact for %s's special educational needs support%s.", moved, c.name, c.org, c.child, instead),
			WhatToDo:    fmt.Sprintf("You do not need to do anything. To reach %s, %s.", first, reach),
			Reference:   ref,
		}); err != nil {
			return err
		}
	}
	return nil
}
