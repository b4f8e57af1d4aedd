package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/notify"
	"joinedup/internal/session"
)

// ErrNoPassword: the person signs in through their organisation, not with a
// password of ours.
var ErrNoPassword = &apperr.Error{Code: apperr.NotFound,
	Message: "You sign in with your organisation's account, so your password is changed there: ask your organisation's IT service desk."}

// HasPassword reports whether the person signs in with a password of ours.
func HasPassword(ctx context.Context, d *db.DB, personID string) (bool, error) {
	var n int
	err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM local_accounts WHERE person_id = $1", personID).Scan(&n)
	return n == 1, err
}

// ChangePassword sets a new password for a signed-in person who proves they
// know the current one (ASVS V6.2.3), so that a browser left signed in is not
// enough to take the account. The current password is checked as at sign-in:
// a wrong one counts towards the lock and is a *Refusal (ErrBadCredentials,
// shown as a field error on "current"), and a locked account is refused. A new
// password that breaks the rules is an apperr Invalid naming "password". In
// one transaction it stores the new hash, ends every other session of the
// person (keepSession, the session making the change, stays) and writes the
// email saying the password was changed.
func ChangePassword(ctx context.Context, d *db.DB, personID, current, newPassword, keepSession string) error {
	var email sql.NullString
	err := d.QueryRowContext(ctx, `SELECT p.email FROM people p JOIN local_accounts a ON a.person_id = p.id WHERE p.id = $1`, personID).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNoPassword
	}
	if err != nil {
		return fmt.Errorf("account: change password: %w", err)
	}
	if current == "" {
		return currentProblem("Enter your current password")
	}
	if _, err := SignIn(ctx, d, email.String, current); err != nil {
		if r, ok := IsRefusal(err); ok && errors.Is(r.Event, ErrBadCredentials) {
			r.Shown = currentProblem("Your current password is wrong")
		}
		return err
	}
	if err := CheckPassword(newPassword, email.String); err != nil {
		return err
	}
	hash := Hash(newPassword)
	reset, err := page("/account/reset")
	if err != nil {
		return err
	}
	now := stamp(db.Now())
	return d.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE local_accounts SET password_hash = $2, password_changed_at = $3 WHERE person_id = $1",
			personID, hash, now); err != nil {
			return err
		}
		if _, err := session.EndOthers(ctx, tx, personID, keepSession, "password changed"); err != nil {
			return err
		}
		_, err := notify.Enqueue(ctx, tx, passwordChanged(email.String, personID, reset, now, "Everyone else signed in to the account was signed out."))
		return err
	})
}

func currentProblem(message string) *apperr.Error {
	return &apperr.Error{Code: apperr.Invalid, Message: message, Fields: []apperr.Field{{Name: "current", Message: message}}}
}
