package record

import (
	"context"
	"database/sql"
	"errors"

	"joinedup/internal/access"
	"joinedup/internal/account"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/db"
)

// InviteCarer sends a parent with parental responsibility for the child, or
// the young person themself, an invitation to make their joinedup account.
// Only staff who may change the child's record may, and the invitation is
// audited in the same transaction as the email is written. A child out of
// reach is NotFound; a person who is not one of the child's decision-makers
// is Invalid, naming the field "person".
func InviteCarer(ctx context.Context, d *db.DB, a access.Actor, childID, personID string) error {
	now := db.Now().UTC()
	return d.Transact(ctx, func(tx *sql.Tx) error {
		dec, err := access.Require(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		var child, team string
		err = tx.QueryRowContext(ctx, `SELECT c.given_name, COALESCE(o.name || ', ' || op.name, o.name)
			FROM children c, organisations o LEFT JOIN organisations op ON op.id = o.parent_id
			WHERE c.id = $1 AND o.id = $2 AND EXISTS (
				SELECT 1 FROM family_links fl WHERE fl.child_id = c.id AND fl.person_id = $3 AND fl.parental_responsibility = $4
				UNION ALL SELECT 1 FROM children yp WHERE yp.id = c.id AND yp.person_id = $3)`,
			childID, a.TeamID, personID, true).Scan(&child, &team)
		if errors.Is(err, sql.ErrNoRows) {
			return &apperr.Error{Code: apperr.Invalid, Message: "only a parent with parental responsibility, or the young person, can be invited",
				Fields: []apperr.Field{{Name: "person", Message: "Choose a parent with parental responsibility for this child"}}}
		}
		if err != nil {
			return err
		}
		if err := account.Invite(ctx, tx, account.Invitation{PersonID: personID, InvitedBy: a.PersonID, Team: team, Child: child}, now); err != nil {
			return err
		}
		_, err = audit.Append(ctx, d, tx, audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: a.OrganisationID,
			ActorRole: a.RoleTitle(), Action: "account.invite", RecordType: "person", RecordID: personID, ChildID: childID,
			Reason: dec.Reason, Changes: []audit.Change{{Field: "joinedup account", Old: "none", New: "invitation sent"}}})
		return err
	})
}
