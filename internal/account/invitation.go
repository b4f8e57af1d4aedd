package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/notify"
	secretpkg "joinedup/internal/secret"
)

// InviteFor is how long an invitation link lasts: long enough for a family
// that reads email weekly.
const InviteFor = 14 * 24 * time.Hour

const purposeInvite = "invitation"

// Invitation is what a SEND team's invitation email says.
type Invitation struct {
	PersonID  string // the parent, carer or young person invited
	InvitedBy string // the staff member who sent it
	Team      string // the team's name, as the family knows it
	Child     string // the child's given name, so the family knows what it is about
}

// Invite writes, in the caller's transaction, an invitation link for a
// parent, carer or young person to make their joinedup account, and the
// email that carries it to the address the team holds. Accounts are only
// ever made this way: an open registration form would let anyone who knows a
// family's email address claim their account. The caller checks that the
// inviter may do this (record.InviteCarer) and audits it.
func Invite(ctx context.Context, tx *sql.Tx, inv Invitation, now time.Time) error {
	if inv.InvitedBy == "" {
		return errNoInviter
	}
	var kind string
	var email sql.NullString
	var disabled sql.NullTime
	var accounts int
	err := tx.QueryRowContext(ctx, `SELECT p.kind, p.email, p.disabled_at,
		(SELECT COUNT(*) FROM local_accounts a WHERE a.person_id = p.id) FROM people p WHERE p.id = $1`, inv.PersonID).
		Scan(&kind, &email, &disabled, &accounts)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.Errorf(apperr.NotFound, "there is no such person")
	}
	if err != nil {
		return err
	}
	switch {
	case kind != "parent_carer" && kind != "young_person":
		return apperr.Errorf(apperr.Invalid, "only parents, carers and young people are invited: staff sign in through their organisation")
	case disabled.Valid:
		return apperr.Errorf(apperr.Invalid, "this person's account has been closed")
	case !email.Valid || email.String == "":
		return apperr.Errorf(apperr.Invalid, "we hold no email address for this person: add one to their details first")
	case accounts > 0:
		return apperr.Errorf(apperr.Conflict, "this person already has an account")
	}
	var recent int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM account_tokens WHERE person_id = $1 AND purpose = $2 AND created_at > $3`,
		inv.PersonID, purposeInvite, now.Add(-time.Hour)).Scan(&recent); err != nil {
		return err
	}
	if recent >= linksPerHour {
		return apperr.Errorf(apperr.Conflict, "this person has been sent %d invitations in the last hour: wait before sending another", recent)
	}
	secret := secretpkg.New()
	link, err := link("/account/invitation", secret)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO account_tokens (token_hash, person_id, purpose, created_at, expires_at, invited_by)
		VALUES ($1, $2, $3, $4, $5, $6)`, secretpkg.Hash(secret), inv.PersonID, purposeInvite, now, now.Add(InviteFor), inv.InvitedBy); err != nil {
		return err
	}
	_, err = notify.Enqueue(ctx, tx, notify.Message{
		To:      email.String,
		Subject: "Make your joinedup account to follow " + inv.Child + "'s support",
		WhatChanged: inv.Team + " has invited you to joinedup, where you can see " + inv.Child +
			"'s record, who is working with you, what happens next, and who has looked at the record.",
		WhatToDo: "To make your account, open this link within 14 days and choose a password: " + link + "\n\n" +
			"If you were not expecting this, do not open the link. Contact " + inv.Team + " instead.",
		Reference: "account-invitation:" + inv.PersonID,
	})
	return err
}

// CheckInvitation reports whether an invitation link is still good, and the
// email address the account will use, without spending the link: the page
// calls it before showing the form, so that an email scanner opening the
// link does not spend it.
func CheckInvitation(ctx context.Context, d *db.DB, secret string) (email string, err error) {
	return peekToken(ctx, d, secret, purposeInvite)
}

// AcceptInvitation makes the account an invitation link was sent for, with
// password. The link came to the person's email address, so the address is
// confirmed at once. The link works once, within 14 days; anything else is a
// *Refusal (ErrBadToken). A password that breaks the rules is an apperr
// Invalid naming "password", and leaves the link unspent. It returns the
// person, so the page can sign them in.
func AcceptInvitation(ctx context.Context, d *db.DB, secret, password string) (personID string, err error) {
	address, err := peekToken(ctx, d, secret, purposeInvite)
	if err != nil {
		return "", err
	}
	if err := CheckPassword(password, address); err != nil {
		return "", err
	}
	hash := Hash(password) // outside the transaction: it takes tens of milliseconds
	err = useToken(ctx, d, secret, purposeInvite, func(tx *sql.Tx, id string, now time.Time) error {
		var disabled sql.NullTime
		if err := tx.QueryRowContext(ctx, "SELECT disabled_at FROM people WHERE id = $1", id).Scan(&disabled); err != nil {
			return err
		}
		if disabled.Valid {
			return refuse(ErrDisabled, id, "invitation refused: account disabled")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO local_accounts (person_id, password_hash, email_verified_at, failed_attempts,
			lockouts, password_changed_at, created_at) VALUES ($1, $2, $3, 0, 0, $3, $3)`, id, hash, now); err != nil {
			return err
		}
		personID = id
		return nil
	})
	if db.IsUniqueViolation(err) {
		return "", alreadyRegistered()
	}
	if err != nil {
		return "", err
	}
	return personID, nil
}

// errNoInviter guards against an invitation with nobody responsible for it.
var errNoInviter = fmt.Errorf("account: an invitation needs the staff member who sent it")
