package access

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"joinedup/internal/apperr"
)

// Alert reports access given without the usual relationship, break-glass or
// a safeguarding share, to the managers of the organisation of the person who
// used it, until one of them marks it reviewed.
type Alert struct {
	ID, Kind       string // BreakGlassed or Safeguarding
	ChildID, Child string // Child is the child's name
	Who            string // who used it, with their organisation
	SharedWith     string // a safeguarding share's organisation
	LawfulBasis    string
	Reason         string
	RaisedAt       time.Time
	ReviewedBy     string // a name
	ReviewedAt     time.Time
}

// Alerts are for the whole organisation: audit.view at organisation scope
// (SEND managers, the DCO) reaches the alerts raised for the actor's
// organisation; a partnership-wide role reaches all.
const alertCols = `SELECT al.id, al.kind, c.id, c.given_name || ' ' || c.family_name,
		COALESCE(gp.given_name || ' ' || gp.family_name || ', ' || ga.name, ct.granted_by), COALESCE(so.name || COALESCE(', ' || sp.name, ''), ''),
		COALESCE(ct.lawful_basis, ''), COALESCE(ct.note, ''), al.raised_at, COALESCE(rp.given_name || ' ' || rp.family_name, ''), al.reviewed_at
	FROM access_alerts al JOIN care_team ct ON ct.id = al.care_team_id JOIN children c ON c.id = ct.child_id
	LEFT JOIN people gp ON gp.id = ct.granted_by LEFT JOIN organisations ga ON ga.id = gp.organisation_id
	LEFT JOIN organisations so ON so.id = ct.organisation_id LEFT JOIN organisations sp ON sp.id = so.parent_id
	LEFT JOIN people rp ON rp.id = al.reviewed_by
	WHERE `

// Alerts lists the alerts the actor may review: those not yet reviewed
// first, then the newest; at most limit.
func Alerts(ctx context.Context, q Querier, a Actor, limit int) ([]Alert, error) {
	return alerts(ctx, q, a, fmt.Sprintf(" ORDER BY al.reviewed_at IS NOT NULL, al.raised_at DESC, al.id LIMIT %d", limit))
}

func alerts(ctx context.Context, q Querier, a Actor, more string, vals ...any) ([]Alert, error) {
	ar := &args{next: len(vals) + 1, vals: vals}
	rows, err := q.QueryContext(ctx, alertCols+orgCond(ar, a, AuditView, "al.organisation_id")+more, ar.vals...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var l Alert
		var reviewed sql.NullTime
		if err := rows.Scan(&l.ID, &l.Kind, &l.ChildID, &l.Child, &l.Who, &l.SharedWith, &l.LawfulBasis, &l.Reason, &l.RaisedAt,
			&l.ReviewedBy, &reviewed); err != nil {
			return nil, err
		}
		l.ReviewedAt = reviewed.Time
		out = append(out, l)
	}
	return out, rows.Err()
}

// ReviewAlert marks an alert reviewed by the actor. An alert of another
// organisation is NotFound, like one that does not exist; one reviewed
// already is a Conflict. The caller audits it.
func ReviewAlert(ctx context.Context, tx *sql.Tx, a Actor, id string, now time.Time) (Alert, error) {
	ls, err := alerts(ctx, tx, a, " AND al.id = $1", id)
	if err != nil {
		return Alert{}, err
	}
	if len(ls) == 0 {
		return Alert{}, apperr.Errorf(apperr.NotFound, "there is no such alert")
	}
	l := ls[0]
	res, err := tx.ExecContext(ctx, "UPDATE access_alerts SET reviewed_by = $2, reviewed_at = $3 WHERE id = $1 AND reviewed_at IS NULL",
		id, a.PersonID, now.UTC())
	if err != nil {
		return Alert{}, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Alert{}, apperr.Errorf(apperr.Conflict, "%s marked this alert reviewed already", l.ReviewedBy)
	}
	l.ReviewedBy, l.ReviewedAt = a.Name, now
	return l, nil
}
