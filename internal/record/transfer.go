package record

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/db"
)

// Each step of a transfer is one transaction with its audit row (old and new
// values); acceptance also tells the family who their new named contact is.

// ProposeTransfer proposes moving a child's case to another team (see access.ProposeTransfer).
func ProposeTransfer(ctx context.Context, d *db.DB, manager access.Actor, childID, toOrg, note string) (access.Transfer, error) {
	return transferStep(ctx, d, func(tx *sql.Tx, now time.Time) (access.Transfer, error) {
		t, err := access.ProposeTransfer(ctx, tx, manager, childID, toOrg, note, now)
		if err != nil {
			return t, err
		}
		return t, write(ctx, d, tx, manager, "child.transfer.propose", "transfer", t.ID, t.ChildID, "a manager of the team that holds the case", now,
			audit.Change{Field: "transfer", New: access.TransferPending}, audit.Change{Field: "owning team", Old: t.From, New: t.To + " once accepted"})
	})
}

// RevokeTransfer withdraws a pending transfer (see access.RevokeTransfer).
func RevokeTransfer(ctx context.Context, d *db.DB, manager access.Actor, id string) (access.Transfer, error) {
	return transferStep(ctx, d, func(tx *sql.Tx, now time.Time) (access.Transfer, error) {
		t, err := access.RevokeTransfer(ctx, d, tx, manager, id, now)
		if err != nil {
			return t, err
		}
		return t, write(ctx, d, tx, manager, "child.transfer.revoke", "transfer", t.ID, t.ChildID, "a manager of the team that holds the case", now,
			audit.Change{Field: "transfer", Old: access.TransferPending, New: t.Status})
	})
}

// RejectTransfer refuses a pending transfer with a reason (see access.RejectTransfer).
func RejectTransfer(ctx context.Context, d *db.DB, manager access.Actor, id, reason string) (access.Transfer, error) {
	return transferStep(ctx, d, func(tx *sql.Tx, now time.Time) (access.Transfer, error) {
		t, err := access.RejectTransfer(ctx, d, tx, manager, id, reason, now)
		if err != nil {
			return t, err
		}
		return t, write(ctx, d, tx, manager, "child.transfer.reject", "transfer", t.ID, t.ChildID, "a manager of the receiving team", now,
			audit.Change{Field: "transfer", Old: access.TransferPending, New: t.Status}, audit.Change{Field: "reason", New: t.Reason})
	})
}

// AcceptTransfer hands the case over (see access.AcceptTransfer) and tells
// every parent with parental responsibility, and the young person, which team
// now supports the child and who their named contact is.
func AcceptTransfer(ctx context.Context, d *db.DB, manager access.Actor, id, coordinator string) (access.Transfer, error) {
	return transferStep(ctx, d, func(tx *sql.Tx, now time.Time) (access.Transfer, error) {
		t, h, err := access.AcceptTransfer(ctx, d, tx, manager, id, coordinator, now)
		if err != nil {
			return t, err
		}
		c, err := newContact(ctx, tx, h)
		if err != nil {
			return t, err
		}
		if err := write(ctx, d, tx, manager, "child.transfer.accept", "transfer", t.ID, t.ChildID, "a manager of the receiving team", now,
			audit.Change{Field: "transfer", Old: access.TransferPending, New: t.Status}, audit.Change{Field: "owning team", Old: t.From, New: t.To},
			audit.Change{Field: "named contact", Old: strings.Join(c.before, ", "), New: c.name}); err != nil {
			return t, err
		}
		return t, tellFamily(ctx, tx, c, "transfer-"+t.ID,
			fmt.Sprintf("The team that supports %s's special educational needs is now %s, in place of %s.", c.child, t.To, t.From))
	})
}

func transferStep(ctx context.Context, d *db.DB, step func(*sql.Tx, time.Time) (access.Transfer, error)) (access.Transfer, error) {
	now := db.Now()
	var t access.Transfer
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = step(tx, now)
		return err
	})
	return t, err
}

// Transfer reads one transfer for a manager of either side. It names the
// child and carries the note, so the read is audited like a record's.
func Transfer(ctx context.Context, d *db.DB, a access.Actor, id string) (access.Transfer, error) {
	return transferStep(ctx, d, func(tx *sql.Tx, now time.Time) (access.Transfer, error) {
		t, err := access.TransferByID(ctx, tx, a, id)
		if err != nil {
			return t, err
		}
		why := "a manager of the team that holds the case"
		if t.Receiving {
			why = "a manager of the receiving team"
		}
		return t, write(ctx, d, tx, a, "transfer.view", "transfer", t.ID, t.ChildID, why, now)
	})
}

// TransferAnswersFor is how long answered transfers stay on the list.
const TransferAnswersFor = 28 * 24 * time.Hour

// Transfers lists the transfers to and from the manager's teams that are
// pending or were answered in the last four weeks. The list is audited once.
func Transfers(ctx context.Context, d *db.DB, a access.Actor) ([]access.Transfer, error) {
	if !a.May(access.CaseReassign) || a.Kind != access.Staff {
		return nil, apperr.Errorf(apperr.Forbidden, "transfers are for managers who may reassign cases")
	}
	now := db.Now()
	var out []access.Transfer
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		if out, err = access.Transfers(ctx, tx, a, now.Add(-TransferAnswersFor)); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "transfers.view", "transfers", a.PersonID, "", "transfers to and from your teams", now)
	})
	return out, err
}
