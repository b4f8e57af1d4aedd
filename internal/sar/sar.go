// Package sar answers subject access requests (UK GDPR Article 15): it
// gathers everything joinedup holds about one person, across every
// organisation of the partnership, with the log of who has looked at their
// record, into a ZIP archive of one JSON file per section, a manifest with a
// SHA-256 of each file, and a readable HTML document.
//
// An export is a read of the record like any other: Export decides with the
// access machinery, reads through the access predicate, and writes its audit
// row, with the request's reference, in the same transaction as the reads.
//
// Each kind of data is one Section (sections.go). A later capability (EHC
// plans, advice, waiting lists) adds its section with one function.
package sar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/db"
	"joinedup/internal/ident"
)

// Kinds of subject.
const (
	KindChild  = "child"  // a child or young person with a record (and perhaps their own account)
	KindPerson = "person" // an adult: a parent, carer or member of staff
)

// MinReason is the shortest reason an export accepts: enough for a request's reference.
const MinReason = 10

// Subject is the person a request is about.
type Subject struct {
	Kind     string `json:"kind"`
	ChildID  string `json:"child_id,omitempty"`  // the record of a child or young person
	PersonID string `json:"person_id,omitempty"` // an adult, or a young person's own account
	Name     string `json:"name"`
}

// Export gathers everything held about the subject named by id (a child's
// record id or NHS number, or a person's id) for actor a, who must hold
// sar.export, and returns the archive. reason (at least MinReason
// characters, e.g. the request's reference) goes into the audit row.
//
// A child is exported if access.Decide allows a sar.export of their record;
// an adult if they are staff of the actor's organisation (team, for a
// team-wide role) or family of a child the actor may export. Anyone else,
// like anyone who does not exist, is NotFound. Rows that concern another
// child outside the actor's reach are never read: the manifest counts them.
func Export(ctx context.Context, d *db.DB, a access.Actor, id, reason string) (*Archive, error) {
	id, reason = strings.TrimSpace(id), strings.TrimSpace(reason)
	var fs apperr.Fields
	if id == "" {
		fs.Add("subject", "Enter the NHS number or record id of the person the request is about")
	}
	if len([]rune(reason)) < MinReason {
		fs.Add("reason", fmt.Sprintf("Enter the reason for the export, such as the request's reference, in at least %d characters", MinReason))
	} else if len(reason) > 500 {
		fs.Add("reason", "Enter a reason of at most 500 characters")
	}
	if err := fs.Err("the subject access request"); err != nil {
		return nil, err
	}
	if a.Disabled || a.PersonID == "" {
		return nil, errNotFound
	}
	if _, ok := a.Can(access.SARExport); !ok || a.Kind != access.Staff {
		return nil, apperr.Errorf(apperr.Forbidden, "no role of yours allows %s", access.SARExport)
	}
	now := db.Now().UTC().Truncate(time.Second)
	var ar *Archive
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		s, err := resolve(ctx, tx, id)
		if err != nil {
			return err
		}
		why, err := allowed(ctx, tx, a, s, now)
		if err != nil {
			return err
		}
		r := &Reader{tx: tx, actor: a, now: now, Subject: s, children: map[string]bool{}}
		ar = &Archive{Manifest: Manifest{Format: Format, Subject: s, GeneratedAt: now, Reason: reason, Access: why}}
		if ar.Manifest.GeneratedBy, err = generatedBy(ctx, tx, a); err != nil {
			return err
		}
		for _, sec := range Sections {
			t, err := sec.Read(ctx, r)
			if err != nil {
				return fmt.Errorf("sar: section %s: %w", sec.Name, err)
			}
			if t == nil { // says nothing about this kind of subject
				continue
			}
			t.Name, t.Title, t.About = sec.Name, sec.Title, sec.About
			ar.Tables = append(ar.Tables, *t)
		}
		return writeAudit(ctx, d, tx, a, r, why, reason)
	})
	if err != nil {
		return nil, err
	}
	if err := ar.build(); err != nil {
		return nil, err
	}
	return ar, nil
}

var errNotFound = apperr.Errorf(apperr.NotFound, "there is no such record")

// resolve finds whom id names: a child by NHS number, record id or the
// young person's own person id; otherwise a person by id.
func resolve(ctx context.Context, tx *sql.Tx, id string) (Subject, error) {
	s := Subject{Kind: KindChild}
	var person sql.NullString
	var given, family string
	q, arg := "c.id = $1 OR c.person_id = $1", id
	if nhs, err := ident.NHSNumber(id); err == nil {
		q, arg = "c.nhs_number = $1", nhs
	}
	err := tx.QueryRowContext(ctx, "SELECT c.id, c.person_id, c.given_name, c.family_name FROM children c WHERE "+q, arg).
		Scan(&s.ChildID, &person, &given, &family)
	if err == nil {
		s.PersonID, s.Name = person.String, given+" "+family
		return s, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Subject{}, err
	}
	if arg != id { // an NHS number names children only
		return Subject{}, errNotFound
	}
	s = Subject{Kind: KindPerson, PersonID: id}
	err = tx.QueryRowContext(ctx, "SELECT given_name, family_name FROM people WHERE id = $1", id).Scan(&given, &family)
	if errors.Is(err, sql.ErrNoRows) {
		return Subject{}, errNotFound
	}
	s.Name = given + " " + family
	return s, err
}

// allowed says why a may export s, or returns NotFound.
//
// A child: access.Check with sar.export, like any read of the record.
// An adult has no care team, so the rule follows the reach of the role:
// staff of the actor's organisation (of their team, for a team-wide role;
// themself, for an own-scope one), or the family (family_links) of a child
// the actor may export. A partnership-wide role reaches everyone.
func allowed(ctx context.Context, tx *sql.Tx, a access.Actor, s Subject, now time.Time) (string, error) {
	if s.Kind == KindChild {
		dec, err := access.Require(ctx, tx, a, access.SARExport, s.ChildID, now)
		if err != nil {
			return "", err
		}
		return dec.Reason, nil
	}
	scope, _ := a.Can(access.SARExport)
	if scope == access.ScopePartnership {
		return fmt.Sprintf("partnership-wide role allows %s", access.SARExport), nil
	}
	var n int
	var err error
	switch scope {
	case access.ScopeOrganisation:
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM people p JOIN organisations o ON o.id = p.organisation_id
			WHERE p.id = $1 AND p.kind = 'staff' AND (o.id = $2 OR o.parent_id = $2)`, s.PersonID, a.OrganisationID).Scan(&n)
	case access.ScopeTeam:
		err = tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM people WHERE id = $1 AND kind = 'staff' AND organisation_id = $2",
			s.PersonID, a.TeamID).Scan(&n)
	default:
		if s.PersonID == a.PersonID {
			n = 1
		}
	}
	if err != nil {
		return "", err
	}
	if n > 0 {
		return fmt.Sprintf("member of staff within your %s-wide role", scope), nil
	}
	cond, args := access.Predicate(a, access.SARExport, "fl.child_id", now, 2)
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM family_links fl WHERE fl.person_id = $1 AND "+cond,
		append([]any{s.PersonID}, args...)...).Scan(&n); err != nil {
		return "", err
	}
	if n > 0 {
		return "family of a child whose record you may export", nil
	}
	return "", errNotFound
}

// generatedBy names the exporter for the manifest.
func generatedBy(ctx context.Context, tx *sql.Tx, a access.Actor) (Exporter, error) {
	e := Exporter{PersonID: a.PersonID, Name: a.Name, Role: a.RoleTitle()}
	err := tx.QueryRowContext(ctx, "SELECT name FROM organisations WHERE id = $1", a.OrganisationID).Scan(&e.Organisation)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return e, err
}

// writeAudit records the export, last in the transaction (Append holds the
// chain head until commit). A child's export is one row on their record. An
// adult's is one row for them and one on the record of each child whose
// rows it holds, so each family's access log shows the export too.
func writeAudit(ctx context.Context, d *db.DB, tx *sql.Tx, a access.Actor, r *Reader, why, reason string) error {
	e := audit.Event{At: r.now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: a.OrganisationID, ActorRole: a.RoleTitle(),
		Action: "sar.export", Reason: why + "; subject access request: " + reason}
	s := r.Subject
	if s.Kind == KindChild {
		e.RecordType, e.RecordID, e.ChildID = "child", s.ChildID, s.ChildID
		_, err := audit.Append(ctx, d, tx, e)
		return err
	}
	e.RecordType, e.RecordID = "person", s.PersonID
	children := []string{""}
	for c := range r.children {
		children = append(children, c)
	}
	slices.Sort(children)
	for _, c := range children {
		e.ChildID = c
		if _, err := audit.Append(ctx, d, tx, e); err != nil {
			return err
		}
	}
	return nil
}
