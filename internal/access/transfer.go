package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
)

// Transfer statuses.
const (
	TransferPending  = "pending"
	TransferAccepted = "accepted"
	TransferRejected = "rejected"
	TransferRevoked  = "revoked"
)

// Transfer is a proposal to move a child's case from the team that owns it to
// another organisation or team. It is a pending owner link for the receiving
// side, carrying the handover note; the case stays where it is until a
// manager there accepts it, and the sending side can revoke it until then.
type Transfer struct {
	ID, ChildID, Child string // Child is the child's name
	LinkID, FromLinkID string // the pending owner link, and the owner link it replaces
	FromOrg, ToOrg     string
	From, To           string // the organisations' names, with the organisation they belong to
	Status             string
	Note               string
	ProposedBy         string // a name
	ProposedAt         time.Time
	DecidedBy          string // a name, once accepted, rejected or revoked
	DecidedAt          time.Time
	Reason             string // why it was rejected
	// Sending and Receiving say how the actor who loaded it stands: a manager
	// whose role reaches the owning team, the receiving one, or both.
	Sending, Receiving bool
}

// TransferMinNote is the shortest handover note or rejection reason accepted.
const TransferMinNote = 20

// ProposeTransfer proposes moving the case of a child the manager may
// reassign from their organisation's owning team to another council team with
// EHCP coordinators, with a handover note for the receiving side. The caller audits it.
func ProposeTransfer(ctx context.Context, tx *sql.Tx, manager Actor, childID, toOrg, note string, now time.Time) (Transfer, error) {
	dec, err := Check(ctx, tx, manager, CaseReassign, childID, now)
	if err != nil {
		return Transfer{}, err
	}
	if !dec.Allow {
		return Transfer{}, dec.Err()
	}
	// The owning team's link that the manager's role reaches is the one handed over.
	ar := &args{next: 2}
	reach, inForce := orgCond(ar, manager, CaseReassign, "ct.organisation_id"), live(ar, now)
	var fromLink, fromOrg, purpose string
	err = tx.QueryRowContext(ctx, `SELECT ct.id, ct.organisation_id, ct.purpose FROM care_team ct LEFT JOIN consents cs ON cs.id = ct.consent_id
		WHERE ct.child_id = $1 AND ct.reason = 'owner' AND ct.organisation_id IS NOT NULL AND `+reach+` AND `+inForce+`
		ORDER BY ct.starts_at, ct.id LIMIT 1`, append([]any{childID}, ar.vals...)...).Scan(&fromLink, &fromOrg, &purpose)
	if errors.Is(err, sql.ErrNoRows) {
		return Transfer{}, apperr.Errorf(apperr.Conflict, "your team does not hold this case, so it cannot transfer it")
	}
	if err != nil {
		return Transfer{}, err
	}
	var fs apperr.Fields
	note = strings.TrimSpace(note)
	if len(note) < TransferMinNote {
		fs.Add("note", "write a handover note of at least 20 characters: what the receiving team needs to know")
	}
	if toOrg == "" {
		fs.Add("organisation", "choose the team to transfer the case to")
	} else if n, err := count(ctx, tx, "SELECT COUNT(*) FROM organisations o WHERE "+receiverCond+" AND o.id = $2", childID, toOrg); err != nil {
		return Transfer{}, err
	} else if n == 0 {
		fs.Add("organisation", "choose a council SEND team from the list: one with EHCP coordinators that does not hold the case already")
	}
	if err := fs.Err("transfer"); err != nil {
		return Transfer{}, err
	}
	if n, err := count(ctx, tx, "SELECT COUNT(*) FROM transfers WHERE child_id = $1 AND status = 'pending'", childID); err != nil {
		return Transfer{}, err
	} else if n > 0 {
		return Transfer{}, apperr.Errorf(apperr.Conflict, "a transfer of this child's case is already waiting for an answer")
	}
	l, err := AddLink(ctx, tx, Link{ChildID: childID, OrganisationID: toOrg, Reason: Owner, Status: TransferPending,
		Purpose: purpose, GrantedBy: manager.PersonID, StartsAt: now, Note: note})
	if err != nil {
		return Transfer{}, err
	}
	id := uuid.NewString()
	if _, err := tx.ExecContext(ctx, `INSERT INTO transfers (id, child_id, link_id, from_link_id, from_org, to_org, status, proposed_by, proposed_at)
		VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8)`, id, childID, l.ID, fromLink, fromOrg, toOrg, manager.PersonID, now.UTC()); err != nil {
		return Transfer{}, err
	}
	return TransferByID(ctx, tx, manager, id)
}

// RevokeTransfer withdraws a pending transfer: only the sending side may.
func RevokeTransfer(ctx context.Context, d *db.DB, tx *sql.Tx, manager Actor, id string, now time.Time) (Transfer, error) {
	t, err := decide(ctx, d, tx, manager, id, false)
	if err != nil {
		return Transfer{}, err
	}
	if err := settle(ctx, tx, manager, &t, TransferRevoked, now, "", ""); err != nil {
		return Transfer{}, err
	}
	return t, EndLink(ctx, tx, t.LinkID, now)
}

// RejectTransfer refuses a pending transfer with a reason: only the receiving side may.
func RejectTransfer(ctx context.Context, d *db.DB, tx *sql.Tx, manager Actor, id, reason string, now time.Time) (Transfer, error) {
	t, err := decide(ctx, d, tx, manager, id, true)
	if err != nil {
		return Transfer{}, err
	}
	reason = strings.TrimSpace(reason)
	if len(reason) < TransferMinNote {
		return Transfer{}, apperr.Fields{{Name: "reason", Message: "say why you are rejecting the transfer, in at least 20 characters"}}.Err("rejection")
	}
	if err := settle(ctx, tx, manager, &t, TransferRejected, now, reason, ""); err != nil {
		return Transfer{}, err
	}
	_, err = tx.ExecContext(ctx, "UPDATE care_team SET status = 'rejected', ends_at = $2 WHERE id = $1 AND status = 'pending'", t.LinkID, now.UTC())
	return t, err
}

// AcceptTransfer hands the case over now: the receiving organisation's owner
// link comes into force, the old owner link ends, and so do the outgoing named
// contact's link and every allocation of the old team's staff, so their access
// ends at once; coordinator, who must work for the receiving side, becomes the
// named contact. Only the receiving side may accept. The caller audits it and
// tells the family.
func AcceptTransfer(ctx context.Context, d *db.DB, tx *sql.Tx, manager Actor, id, coordinator string, now time.Time) (Transfer, Handover, error) {
	t, err := decide(ctx, d, tx, manager, id, true)
	if err != nil {
		return Transfer{}, Handover{}, err
	}
	if coordinator == "" {
		return Transfer{}, Handover{}, apperr.Fields{{Name: "coordinator", Message: "choose the family's new named contact"}}.Err("acceptance")
	}
	if ok, err := isCoordinatorIn(ctx, tx, coordinator, t.ToOrg); err != nil {
		return Transfer{}, Handover{}, err
	} else if !ok {
		return Transfer{}, Handover{}, apperr.Fields{{Name: "coordinator", Message: "must be an EHCP coordinator in " + t.To}}.Err("acceptance")
	}
	if err := settle(ctx, tx, manager, &t, TransferAccepted, now, "", coordinator); err != nil {
		return Transfer{}, Handover{}, err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE care_team SET status = 'active', starts_at = $2 WHERE id = $1 AND status = 'pending'", t.LinkID, now.UTC()); err != nil {
		return Transfer{}, Handover{}, err
	}
	if err := EndLink(ctx, tx, t.FromLinkID, now); apperr.CodeOf(err) == apperr.NotFound {
		return Transfer{}, Handover{}, apperr.Errorf(apperr.Conflict, "%s no longer holds this case", t.From)
	} else if err != nil {
		return Transfer{}, Handover{}, err
	}
	h := Handover{ChildID: t.ChildID, To: coordinator}
	ending, from, err := allocations(ctx, tx, t.ChildID, now, "ct.purpose = $3 OR o.id = $4 OR o.parent_id = $4", NamedContact, t.FromOrg)
	if err != nil {
		return Transfer{}, Handover{}, err
	}
	if err := endLinks(ctx, tx, ending, now); err != nil {
		return Transfer{}, Handover{}, err
	}
	h.From = from
	h.Link, err = AddLink(ctx, tx, Link{ChildID: t.ChildID, PersonID: coordinator, Reason: Allocated, Purpose: NamedContact,
		GrantedBy: manager.PersonID, StartsAt: now})
	return t, h, err
}

// decide locks a transfer until tx ends, so of two managers deciding at once
// the second sees the first's answer, and checks the manager may answer it
// from their side: receiving to accept or reject, sending to revoke.
func decide(ctx context.Context, d *db.DB, tx *sql.Tx, manager Actor, id string, receiving bool) (Transfer, error) {
	var status string
	err := tx.QueryRowContext(ctx, "SELECT status FROM transfers WHERE id = $1"+d.ForUpdate(), id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return Transfer{}, apperr.Errorf(apperr.NotFound, "there is no such transfer")
	}
	if err != nil {
		return Transfer{}, err
	}
	t, err := TransferByID(ctx, tx, manager, id)
	switch {
	case err != nil:
		return Transfer{}, err
	case receiving && !t.Receiving:
		return Transfer{}, apperr.Errorf(apperr.Forbidden, "only a manager of %s can accept or reject this transfer", t.To)
	case !receiving && !t.Sending:
		return Transfer{}, apperr.Errorf(apperr.Forbidden, "only a manager of %s can revoke this transfer", t.From)
	case t.Status != TransferPending:
		return Transfer{}, apperr.Errorf(apperr.Conflict, "this transfer was %s already", t.Status)
	}
	return t, nil
}

// settle records the answer to a pending transfer.
func settle(ctx context.Context, tx *sql.Tx, manager Actor, t *Transfer, status string, now time.Time, reason, coordinator string) error {
	res, err := tx.ExecContext(ctx, `UPDATE transfers SET status = $2, decided_by = $3, decided_at = $4, reason = $5, coordinator_id = $6
		WHERE id = $1 AND status = 'pending'`, t.ID, status, manager.PersonID, now.UTC(), null(reason), null(coordinator))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 { // the lock makes this impossible; refuse rather than half-decide
		return apperr.Errorf(apperr.Conflict, "this transfer was answered already")
	}
	t.Status, t.DecidedBy, t.DecidedAt, t.Reason = status, manager.Name, now, reason
	return nil
}

// transferCols reads a Transfer from transfers t, its link ct, the child c,
// the organisations fo and to (with their parents fp and tp), and the people
// pp (proposer) and dp (decider); %[1]s and %[2]s are the actor's sending and
// receiving conditions.
const transferCols = `SELECT t.id, t.child_id, c.given_name || ' ' || c.family_name, t.link_id, t.from_link_id, t.from_org, t.to_org,
		fo.name || COALESCE(', ' || fp.name, ''), tg.name || COALESCE(', ' || tp.name, ''), t.status, COALESCE(ct.note, ''),
		pp.given_name || ' ' || pp.family_name, t.proposed_at, COALESCE(dp.given_name || ' ' || dp.family_name, ''), t.decided_at,
		COALESCE(t.reason, ''), CASE WHEN %[1]s THEN 1 ELSE 0 END, CASE WHEN %[2]s THEN 1 ELSE 0 END
	FROM transfers t JOIN children c ON c.id = t.child_id JOIN care_team ct ON ct.id = t.link_id
	JOIN organisations fo ON fo.id = t.from_org LEFT JOIN organisations fp ON fp.id = fo.parent_id
	JOIN organisations tg ON tg.id = t.to_org LEFT JOIN organisations tp ON tp.id = tg.parent_id
	JOIN people pp ON pp.id = t.proposed_by LEFT JOIN people dp ON dp.id = t.decided_by
	WHERE (%[1]s OR %[2]s)`

// transfers runs transferCols for the actor, with more conditions and their
// arguments (numbered from $1) after it.
func transfers(ctx context.Context, q Querier, a Actor, more string, vals ...any) ([]Transfer, error) {
	ar := &args{next: len(vals) + 1, vals: vals}
	sending, receiving := orgCond(ar, a, CaseReassign, "t.from_org"), orgCond(ar, a, CaseReassign, "t.to_org")
	rows, err := q.QueryContext(ctx, fmt.Sprintf(transferCols, sending, receiving)+more, ar.vals...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Transfer
	for rows.Next() {
		var t Transfer
		var decided sql.NullTime
		if err := rows.Scan(&t.ID, &t.ChildID, &t.Child, &t.LinkID, &t.FromLinkID, &t.FromOrg, &t.ToOrg, &t.From, &t.To, &t.Status,
			&t.Note, &t.ProposedBy, &t.ProposedAt, &t.DecidedBy, &decided, &t.Reason, &t.Sending, &t.Receiving); err != nil {
			return nil, err
		}
		t.DecidedAt = decided.Time
		out = append(out, t)
	}
	return out, rows.Err()
}

// TransferByID reads a transfer for a manager of either organisation it
// involves. To anyone else it is NotFound, like one that does not exist.
func TransferByID(ctx context.Context, q Querier, a Actor, id string) (Transfer, error) {
	ts, err := transfers(ctx, q, a, " AND t.id = $1", id)
	if err != nil {
		return Transfer{}, err
	}
	if len(ts) == 0 {
		return Transfer{}, apperr.Errorf(apperr.NotFound, "there is no such transfer")
	}
	return ts[0], nil
}

// Transfers lists the transfers a manager may see that are pending, or were
// answered since since, oldest proposal first.
func Transfers(ctx context.Context, q Querier, a Actor, since time.Time) ([]Transfer, error) {
	return transfers(ctx, q, a, " AND (t.status = 'pending' OR t.decided_at >= $1) ORDER BY t.proposed_at, t.id", since.UTC())
}

// PendingTransfer returns the id of the child's pending transfer, or "".
func PendingTransfer(ctx context.Context, q Querier, childID string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, "SELECT id FROM transfers WHERE child_id = $1 AND status = 'pending'", childID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// Organisation is one a person may choose, named with the organisation it belongs to.
type Organisation struct {
	ID, Name string
}

// receiverCond is true of an organisation o that can take over the case of
// child $1: a council or council team with an EHCP coordinator to be the named
// contact, that does not hold the case already.
const receiverCond = `o.kind IN ('council', 'council_team') AND EXISTS (SELECT 1 FROM people rp
	JOIN role_grants rg ON rg.person_id = rp.id AND rg.role = 'ehcp_coordinator' WHERE rp.organisation_id = o.id AND rp.disabled_at IS NULL)
	AND o.id NOT IN (SELECT organisation_id FROM care_team WHERE child_id = $1 AND reason = 'owner' AND status = 'active'
	AND organisation_id IS NOT NULL)`

// Receivers lists the organisations the child's case can be transferred to.
func Receivers(ctx context.Context, q Querier, childID string) ([]Organisation, error) {
	return organisations(ctx, q, receiverCond, childID)
}

// organisations lists the organisations meeting cond (on organisations o), by name.
func organisations(ctx context.Context, q Querier, cond string, vals ...any) ([]Organisation, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.name || COALESCE(', ' || op.name, '') FROM organisations o
		LEFT JOIN organisations op ON op.id = o.parent_id WHERE `+cond+` ORDER BY COALESCE(op.name, o.name), o.parent_id IS NOT NULL, o.name, o.id`, vals...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Organisation
	for rows.Next() {
		var o Organisation
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// count runs a SELECT COUNT(*).
func count(ctx context.Context, q Querier, query string, vals ...any) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, query, vals...).Scan(&n)
	return n, err
}
