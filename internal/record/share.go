package record

import (
	"context"
	"database/sql"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/db"
)

// SafeguardingShare shares a child's record with an organisation without
// consent (see access.SafeguardingShare), alerts the sharer's managers, and
// audits it with the law relied on and the reason, in one transaction.
func SafeguardingShare(ctx context.Context, d *db.DB, a access.Actor, childID, orgID, basis, reason string) (access.Link, error) {
	now := db.Now()
	var l access.Link
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		if l, err = access.SafeguardingShare(ctx, tx, a, childID, orgID, basis, reason, now); err != nil {
			return err
		}
		var org string
		if err := tx.QueryRowContext(ctx, "SELECT name FROM organisations WHERE id = $1", orgID).Scan(&org); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "child.safeguarding_share", "care_team", l.ID, childID, "safeguarding: "+l.LawfulBasis, now,
			audit.Change{Field: "care team", New: "safeguarding share with " + org}, audit.Change{Field: "reason", New: l.Note})
	})
	return l, err
}

// alertsLimit is the most alerts one page lists.
const alertsLimit = 200

// Alerts lists the break-glass and safeguarding alerts the manager may
// review (see access.Alerts). They name children, so the list is audited once.
func Alerts(ctx context.Context, d *db.DB, a access.Actor) ([]access.Alert, error) {
	if !a.May(access.AuditView) || a.Kind != access.Staff {
		return nil, apperr.Errorf(apperr.Forbidden, "alerts are for managers who may read the audit")
	}
	now := db.Now()
	var out []access.Alert
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = access.Alerts(ctx, tx, a, alertsLimit); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "alerts.view", "access_alerts", a.PersonID, "", "alerts for your organisation", now)
	})
	return out, err
}

// ReviewAlert marks an alert reviewed (see access.ReviewAlert) and audits it.
func ReviewAlert(ctx context.Context, d *db.DB, a access.Actor, id string) (access.Alert, error) {
	now := db.Now()
	var l access.Alert
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		if l, err = access.ReviewAlert(ctx, tx, a, id, now); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "alert.review", "access_alert", l.ID, l.ChildID, "alerts for your organisation", now,
			audit.Change{Field: "reviewed by", New: a.Name})
	})
	return l, err
}
