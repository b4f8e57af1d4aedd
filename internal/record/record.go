// Package record is a child's record as staff and families read it. Every
// function takes the actor, reads through access.Predicate so a child out of
// reach is never read at all, and writes the audit row, with the reason
// access was allowed, in the same transaction as the read.
package record

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
)

// Summary is a child as a list shows them.
type Summary struct {
	ID           string
	Name         string
	DateOfBirth  date.Date
	Age          int
	SENProvision string
	PrimaryNeed  string
	Setting      string
}

// Member is someone working with the child, as the family and staff see them.
type Member struct {
	Name         string // a person's name, or a team's
	Organisation string
	Reason       string
	Purpose      string
	Since        time.Time
	Until        time.Time
	Note         string // a handover note for the incoming worker: shown to staff only
}

// Carer is a parent or carer linked to the child.
type Carer struct {
	PersonID               string
	Name                   string
	Relationship           string
	ParentalResponsibility bool
	Email, Phone           string
	// Account is their joinedup account: AccountActive, AccountInvited or "" (none).
	Account string
}

// A carer's joinedup account.
const (
	AccountActive  = "active"
	AccountInvited = "invited"
)

// Record is a child's record.
type Record struct {
	Summary
	NHSNumber, UPN, ULN, Postcode string
	CareTeam                      []Member
	Carers                        []Carer
	// Access is why the reader may see it, as the audit row records.
	Access string
}

// childCols reads a Summary from children c joined to organisations s (the setting).
const childCols = `c.id, c.given_name || ' ' || c.family_name, c.date_of_birth, c.sen_provision, COALESCE(c.primary_need, ''), COALESCE(s.name, '')`

// summaryRow scans childCols, then any extra columns, into one Summary it
// reuses, so a list of children allocates nothing per row for the scan.
type summaryRow struct {
	s    Summary
	dest []any
}

func newSummaryRow(extra ...any) *summaryRow {
	r := &summaryRow{}
	r.dest = append([]any{&r.s.ID, &r.s.Name, &r.s.DateOfBirth, &r.s.SENProvision, &r.s.PrimaryNeed, &r.s.Setting}, extra...)
	return r
}

// scan reads one row with scan (a row's or rows' Scan).
func (r *summaryRow) scan(scan func(...any) error, today date.Date) (Summary, error) {
	if err := scan(r.dest...); err != nil {
		return Summary{}, err
	}
	s := r.s
	s.Age = s.DateOfBirth.YearsOn(today)
	return s, nil
}

// Caseload lists the children the staff actor works with, by family name,
// at most limit of them, and the total. Viewing a list is audited once.
func Caseload(ctx context.Context, d *db.DB, a access.Actor, limit int) ([]Summary, int, error) {
	if _, ok := a.Can(access.CaseView); !ok || a.Kind != access.Staff {
		return nil, 0, apperr.Errorf(apperr.Forbidden, "your role does not include a caseload")
	}
	now := db.Now()
	cond, args := access.Predicate(a, access.CaseView, "c.id", now, 1)
	var out []Summary
	var total int
	today := date.Today(now)
	// The total comes with the rows (a window counts before LIMIT): one read, not two.
	err := audit.Query(ctx, d, event(a, "caseload.view", "caseload", a.PersonID, "", "the children on your own caseload", now),
		func(rows *sql.Rows) error {
			out, total = nil, 0
			row := newSummaryRow(&total)
			for rows.Next() {
				s, err := row.scan(rows.Scan, today)
				if err != nil {
					return err
				}
				if out == nil { // the first row knows how many will come
					out = make([]Summary, 0, min(total, limit))
				}
				out = append(out, s)
			}
			return nil
		}, fmt.Sprintf(`SELECT %s, COUNT(*) OVER () FROM children c
			LEFT JOIN organisations s ON s.id = c.setting_id
			WHERE %s ORDER BY c.family_name, c.given_name, c.id LIMIT %d`, childCols, cond, limit), args...)
	return out, total, err
}

// Child reads one child's record for p (access.CaseView for staff,
// access.FamilyView for families). A child out of reach is NotFound.
func Child(ctx context.Context, d *db.DB, a access.Actor, childID string, p access.Permission) (Record, error) {
	now := db.Now()
	var r Record
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		dec, err := access.Require(ctx, tx, a, p, childID, now)
		if err != nil {
			return err
		}
		cond, args := access.Predicate(a, p, "c.id", now, 2)
		row := tx.QueryRowContext(ctx, `SELECT `+childCols+`, COALESCE(c.nhs_number, ''), COALESCE(c.upn, ''), COALESCE(c.uln, ''), COALESCE(c.postcode, '')
			FROM children c LEFT JOIN organisations s ON s.id = c.setting_id WHERE c.id = $1 AND `+cond, append([]any{childID}, args...)...)
		var extra [4]string
		r.Summary, err = newSummaryRow(&extra[0], &extra[1], &extra[2], &extra[3]).scan(row.Scan, date.Today(now))
		if err == sql.ErrNoRows { // the predicate and Decide disagree: refuse, as hidden
			return apperr.Errorf(apperr.NotFound, "there is no such record")
		}
		if err != nil {
			return err
		}
		r.NHSNumber, r.UPN, r.ULN, r.Postcode = extra[0], extra[1], extra[2], extra[3]
		r.Access = dec.Reason
		if r.CareTeam, err = careTeam(ctx, tx, childID, now); err != nil {
			return err
		}
		if p == access.FamilyView { // handover notes and break-glass reasons are staff's words
			for i := range r.CareTeam {
				r.CareTeam[i].Note = ""
			}
		}
		if r.Carers, err = carers(ctx, tx, childID, now); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "child.view", "child", childID, childID, dec.Reason, now)
	})
	return r, err
}

func careTeam(ctx context.Context, tx *sql.Tx, childID string, now time.Time) ([]Member, error) {
	inForce, args := access.InForce(now, 2)
	rows, err := tx.QueryContext(ctx, `SELECT COALESCE(p.given_name || ' ' || p.family_name, o.name), COALESCE(po.name, COALESCE(op.name, o.name)),
			ct.reason, ct.purpose, ct.starts_at, ct.ends_at, COALESCE(ct.note, '')
		FROM care_team ct
		LEFT JOIN people p ON p.id = ct.person_id LEFT JOIN organisations po ON po.id = p.organisation_id
		LEFT JOIN organisations o ON o.id = ct.organisation_id LEFT JOIN organisations op ON op.id = o.parent_id
		LEFT JOIN consents cs ON cs.id = ct.consent_id
		WHERE ct.child_id = $1 AND `+inForce+`
		ORDER BY ct.starts_at, ct.id`, append([]any{childID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		var until sql.NullTime
		if err := rows.Scan(&m.Name, &m.Organisation, &m.Reason, &m.Purpose, &m.Since, &until, &m.Note); err != nil {
			return nil, err
		}
		m.Until = until.Time
		out = append(out, m)
	}
	return out, rows.Err()
}

func carers(ctx context.Context, tx *sql.Tx, childID string, now time.Time) ([]Carer, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.given_name || ' ' || p.family_name, fl.relationship, fl.parental_responsibility,
			COALESCE(p.email, ''), COALESCE(p.phone, ''),
			CASE WHEN EXISTS (SELECT 1 FROM local_accounts a WHERE a.person_id = p.id) THEN '`+AccountActive+`'
				WHEN EXISTS (SELECT 1 FROM account_tokens t WHERE t.person_id = p.id AND t.purpose = 'invitation'
					AND t.used_at IS NULL AND t.expires_at > $2) THEN '`+AccountInvited+`'
				ELSE '' END
		FROM family_links fl JOIN people p ON p.id = fl.person_id
		WHERE fl.child_id = $1 ORDER BY fl.parental_responsibility DESC, p.family_name, p.given_name`, childID, now.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Carer
	for rows.Next() {
		var c Carer
		if err := rows.Scan(&c.PersonID, &c.Name, &c.Relationship, &c.ParentalResponsibility, &c.Email, &c.Phone, &c.Account); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// write appends the audit row for a read or, with its changes, a change by a.
func write(ctx context.Context, d *db.DB, tx *sql.Tx, a access.Actor, action, recordType, recordID, childID, reason string, now time.Time, changes ...audit.Change) error {
	_, err := audit.Append(ctx, d, tx, event(a, action, recordType, recordID, childID, reason, now, changes...))
	return err
}

// event is the audit row for a read or change by a.
func event(a access.Actor, action, recordType, recordID, childID, reason string, now time.Time, changes ...audit.Change) audit.Event {
	org := a.OrganisationID
	if org == "" {
		org = a.Kind // families belong to no organisation
	}
	return audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: org,
		ActorRole: a.RoleTitle(), Action: action, RecordType: recordType, RecordID: recordID, ChildID: childID, Reason: reason,
		Changes: changes}
}
