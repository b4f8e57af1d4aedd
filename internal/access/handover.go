package access

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"joinedup/internal/apperr"
)

// NamedContact is the purpose of the allocated link that makes someone the
// family's named contact: the EHCP coordinator.
const NamedContact = "named EHCP coordinator"

// Handover is a change of a child's named contact.
type Handover struct {
	ChildID string
	From    []string // person ids whose named-contact links ended
	To      string
	Link    Link // the new named-contact link, carrying the note
}

// Reassign makes to the child's named contact at once, with a handover note
// for them: the manager must be allowed case.reassign for the child, to must
// be a coordinator in the manager's organisation, and the outgoing named
// contacts' access ends now. The caller audits it and tells the family.
func Reassign(ctx context.Context, tx *sql.Tx, manager Actor, childID, to, note string, now time.Time) (Handover, error) {
	dec, err := Check(ctx, tx, manager, CaseReassign, childID, now)
	if err != nil {
		return Handover{}, err
	}
	if !dec.Allow {
		return Handover{}, dec.Err()
	}
	var fs apperr.Fields
	if len(strings.TrimSpace(note)) < 20 {
		fs.Add("note", "write a handover note of at least 20 characters: what the new coordinator needs to know")
	}
	if to == "" {
		fs.Add("coordinator", "choose the new coordinator")
	} else if ok, err := isCoordinatorIn(ctx, tx, to, manager.OrganisationID); err != nil {
		return Handover{}, err
	} else if !ok {
		fs.Add("coordinator", "must be an EHCP coordinator in your organisation")
	}
	if err := fs.Err("handover"); err != nil {
		return Handover{}, err
	}
	h := Handover{ChildID: childID, To: to}
	ending, from, err := allocations(ctx, tx, childID, now, "ct.purpose = $3", NamedContact)
	if err != nil {
		return Handover{}, err
	}
	if slices.Contains(from, to) {
		return Handover{}, apperr.Errorf(apperr.Conflict, "this coordinator is already the named contact")
	}
	h.From = from
	if err := endLinks(ctx, tx, ending, now); err != nil {
		return Handover{}, err
	}
	h.Link, err = AddLink(ctx, tx, Link{ChildID: childID, PersonID: to, Reason: Allocated, Purpose: NamedContact,
		GrantedBy: manager.PersonID, StartsAt: now, Note: strings.TrimSpace(note)})
	return h, err
}

// allocations returns the ids and people of the child's allocated links in
// force that also meet cond: a condition on care_team ct and the person's
// organisation o, with its arguments numbered from $3.
func allocations(ctx context.Context, tx *sql.Tx, childID string, now time.Time, cond string, args ...any) (ids, people []string, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT ct.id, ct.person_id FROM care_team ct JOIN people p ON p.id = ct.person_id
		JOIN organisations o ON o.id = p.organisation_id
		WHERE ct.child_id = $1 AND ct.reason = 'allocated' AND ct.status = 'active' AND (ct.ends_at IS NULL OR ct.ends_at > $2)
		AND (`+cond+`) ORDER BY ct.id`, append([]any{childID, now}, args...)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, person string
		if err := rows.Scan(&id, &person); err != nil {
			return nil, nil, err
		}
		ids, people = append(ids, id), append(people, person)
	}
	return ids, people, rows.Err()
}

// endLinks ends each of the care-team links ids at once.
func endLinks(ctx context.Context, tx *sql.Tx, ids []string, at time.Time) error {
	for _, id := range ids {
		if err := EndLink(ctx, tx, id, at); err != nil {
			return err
		}
	}
	return nil
}

func isCoordinatorIn(ctx context.Context, tx *sql.Tx, person, org string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM people p JOIN role_grants g ON g.person_id = p.id AND g.role = 'ehcp_coordinator'
		JOIN organisations o ON o.id = p.organisation_id
		WHERE p.id = $1 AND p.disabled_at IS NULL AND (o.id = $2 OR o.parent_id = $2)`, person, org).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return n > 0, err
}

// Person is a member of staff someone may choose, e.g. for a handover.
type Person struct {
	ID, Name, Team string
}

// Coordinators lists the EHCP coordinators of an organisation and its teams, by name.
func Coordinators(ctx context.Context, q Querier, org string) ([]Person, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.given_name || ' ' || p.family_name, o.name FROM people p
		JOIN role_grants g ON g.person_id = p.id AND g.role = 'ehcp_coordinator' JOIN organisations o ON o.id = p.organisation_id
		WHERE p.disabled_at IS NULL AND (o.id = $1 OR o.parent_id = $1) ORDER BY p.family_name, p.given_name, p.id`, org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ID, &p.Name, &p.Team); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
