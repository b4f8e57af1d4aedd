// Package account is local sign-in for families: parents, carers and young
// people sign in with their email address and a password (staff sign in
// through their organisation instead).
//
// Passwords are hashed with argon2id (password.go). An account is usable once
// its email address is confirmed through a single-use link. Five wrong
// passwords in a row lock the account for 15 minutes, twice as long for each
// further lock in a row; a Limiter caps attempts from one source. A password
// is reset through a single-use link that lasts an hour, and the reset ends
// every session of the person. Every emailed link holds a random secret of
// which only the SHA-256 is stored. Every message is written to the notify
// outbox in the transaction of the change it reports.
//
// Everything lives in the database, so any number of instances can share it,
// and every time comes from db.Now, so tests can move the clock.
package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
	_ "time/tzdata" // Europe/London for the times in messages, even without the system's zone files

	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/notify"
	secretpkg "joinedup/internal/secret"
	"joinedup/internal/session"
)

// Config is how the package reaches families. The wiring sets Settings once
// at startup, before any request.
type Config struct {
	// BaseURL is the address families use, e.g. "https://send.example.gov.uk",
	// from which the links in emails are made ("{BaseURL}/account/verify?token=…").
	BaseURL string
}

// Settings is the configuration in force. Until BaseURL is set, Register,
// ResendVerification and RequestReset fail rather than send a broken link.
var Settings Config

// Timings.
const (
	VerifyFor   = 24 * time.Hour   // an email confirmation link lasts this long
	ResetFor    = time.Hour        // a password reset link lasts this long
	MaxFailures = 5                // consecutive wrong passwords that lock an account
	LockFor     = 15 * time.Minute // the first lock; each further lock in a row doubles it
	MaxLockFor  = 4 * time.Hour    // locks grow no longer than this
	// lockMemory: a lock that ended longer ago than this no longer counts
	// towards doubling the next one.
	lockMemory = 24 * time.Hour
	// linksPerHour caps how many confirmation or reset emails one account is
	// sent in an hour, so nobody can flood a family's inbox; requests beyond
	// it are quietly ignored, as for an unknown address.
	linksPerHour = 3
)

// Token purposes.
const (
	purposeVerify = "verify_email"
	purposeReset  = "reset_password"
)

// Security events. Every refused sign-in, confirmation or reset returns a
// *Refusal wrapping one of these, so callers can log it with errors.Is or
// errors.As; what the person is shown is the *apperr.Error it also wraps.
var (
	ErrBadCredentials = errors.New("sign-in refused: wrong email address or password")
	ErrLocked         = errors.New("refused: account locked after too many wrong passwords")
	ErrNotVerified    = errors.New("sign-in refused: email address not yet confirmed")
	ErrDisabled       = errors.New("refused: account disabled")
	ErrBadToken       = errors.New("refused: link unknown, already used, expired or for something else")
)

// Refusal is a security event: a refused sign-in, confirmation or reset.
// Shown is what the person may be told; it says nothing about whether an
// email address has an account (except that an account is locked).
// Event, PersonID and Detail are for the security log only, never for the page.
type Refusal struct {
	Event    error         // one of the Err… sentinels
	PersonID string        // the account concerned, when one was found
	Detail   string        // what exactly happened, e.g. "no account for this email address"
	Shown    *apperr.Error // the message for the person
}

func (r *Refusal) Error() string   { return r.Shown.Error() }
func (r *Refusal) Unwrap() []error { return []error{r.Shown, r.Event} }

// LogValue lets a Refusal be logged as it is: slog.Warn("sign-in refused", "refusal", r).
// It holds no email address and no password.
func (r *Refusal) LogValue() slog.Value {
	return slog.GroupValue(slog.String("event", r.Event.Error()), slog.String("person_id", r.PersonID),
		slog.String("detail", r.Detail))
}

// IsRefusal returns the Refusal in err, if there is one.
func IsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}

// The messages people see.
const (
	msgBadCredentials = "The email address or password is wrong"
	msgNotVerified    = "You need to confirm your email address before you can sign in. Open the link in the email we sent you. " +
		"If the link has expired, ask for a new one."
	msgDisabled = "This account has been closed. Contact your SEND team if you need to use joinedup again."
	msgBadToken = "This link has expired or has already been used. Ask for a new one."
)

func refuse(event error, personID, detail string) *Refusal {
	r := &Refusal{Event: event, PersonID: personID, Detail: detail}
	switch event {
	case ErrBadCredentials:
		r.Shown = &apperr.Error{Code: apperr.Invalid, Message: msgBadCredentials}
	case ErrNotVerified:
		r.Shown = &apperr.Error{Code: apperr.Forbidden, Message: msgNotVerified}
	case ErrDisabled:
		r.Shown = &apperr.Error{Code: apperr.Forbidden, Message: msgDisabled}
	case ErrBadToken:
		r.Shown = &apperr.Error{Code: apperr.Invalid, Message: msgBadToken}
	default:
		panic("account: refuse with an unknown event")
	}
	return r
}

func refuseLocked(personID string, until, now time.Time) *Refusal {
	return &Refusal{Event: ErrLocked, PersonID: personID, Detail: "locked until " + until.Format(time.RFC3339),
		Shown: &apperr.Error{Code: apperr.Forbidden, Message: "Your account is locked because the password was entered wrongly " +
			"too many times. Wait " + wait(until.Sub(now)) + " and try again, or reset your password."}}
}

// wait says how long d is, rounded up: "1 minute", "15 minutes", "4 hours".
func wait(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	switch {
	case m <= 1:
		return "1 minute"
	case m < 90:
		return fmt.Sprintf("%d minutes", m)
	}
	return fmt.Sprintf("%d hours", (m+59)/60)
}

// Register makes a local account for a parent, carer or young person who has
// an email address and no account yet, with password as its password. The
// account cannot be used until the address is confirmed: Register stores a
// confirmation link's secret (valid for 24 hours) and, in the same
// transaction, writes the email that carries the link. It returns the secret,
// for tests and for the rare page that needs it; it must never be shown,
// since showing it would skip the confirmation.
//
// A password that breaks the rules is an apperr Invalid naming "password".
func Register(ctx context.Context, d *db.DB, personID, password string) (verifySecret string, err error) {
	var kind string
	var email sql.NullString
	var disabled sql.NullTime
	var accounts int
	err = d.QueryRowContext(ctx, `SELECT p.kind, p.email, p.disabled_at,
		(SELECT COUNT(*) FROM local_accounts a WHERE a.person_id = p.id) FROM people p WHERE p.id = $1`, personID).
		Scan(&kind, &email, &disabled, &accounts)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.Errorf(apperr.NotFound, "there is no such person")
	}
	if err != nil {
		return "", fmt.Errorf("account: read the person: %w", err)
	}
	switch {
	case kind != "parent_carer" && kind != "young_person":
		return "", apperr.Errorf(apperr.Forbidden, "only parents, carers and young people have accounts here: staff sign in through their organisation")
	case disabled.Valid:
		return "", apperr.Errorf(apperr.Forbidden, "this person's account has been closed")
	case !email.Valid || email.String == "":
		return "", &apperr.Error{Code: apperr.Invalid, Message: "an account needs an email address",
			Fields: []apperr.Field{{Name: "email", Message: "is required: the account's messages go to it"}}}
	case accounts > 0:
		return "", alreadyRegistered()
	}
	if err := CheckPassword(password, email.String); err != nil {
		return "", err
	}
	secret := secretpkg.New()
	link, err := link("/account/verify", secret)
	if err != nil {
		return "", err
	}
	hash := Hash(password) // outside the transaction: it takes tens of milliseconds
	now := stamp(db.Now())
	err = d.Transact(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO local_accounts (person_id, password_hash, failed_attempts, lockouts,
			password_changed_at, created_at) VALUES ($1, $2, 0, 0, $3, $3)`, personID, hash, now); err != nil {
			return err
		}
		return sendVerification(ctx, tx, personID, email.String, secret, link, now)
	})
	if db.IsUniqueViolation(err) {
		return "", alreadyRegistered()
	}
	if err != nil {
		return "", fmt.Errorf("account: register: %w", err)
	}
	return secret, nil
}

func alreadyRegistered() error {
	return apperr.Errorf(apperr.Conflict, "this person already has an account: to change its password, use the reset link")
}

func sendVerification(ctx context.Context, tx *sql.Tx, personID, email, secret, link string, now time.Time) error {
	if err := insertToken(ctx, tx, secret, personID, purposeVerify, now, VerifyFor); err != nil {
		return err
	}
	_, err := notify.Enqueue(ctx, tx, notify.Message{
		To:          email,
		Subject:     "Confirm your email address to finish your joinedup account",
		WhatChanged: "An account was made for you on joinedup with this email address.",
		WhatToDo: "To finish, open this link within 24 hours: " + link + "\n\n" +
			"If you did not ask for an account, do not open the link. Contact your SEND team instead.",
		Reference: "account-verify:" + personID,
	})
	return err
}

// ResendVerification sends a new confirmation link (valid for 24 hours) if
// email belongs to an account that is not yet confirmed and not closed. It
// returns nil whether or not there is such an account, so a page cannot tell
// which addresses have accounts; it also sends nothing once an account has
// been sent 3 links within the hour.
func ResendVerification(ctx context.Context, d *db.DB, email string) error {
	return sendLink(ctx, d, email, purposeVerify)
}

// VerifyEmail confirms the address of the account the secret's link was made
// for. The link works once, within 24 hours; anything else is a *Refusal
// (ErrBadToken).
func VerifyEmail(ctx context.Context, d *db.DB, secret string) error {
	return useToken(ctx, d, secret, purposeVerify, func(tx *sql.Tx, personID string, now time.Time) error {
		_, err := tx.ExecContext(ctx, "UPDATE local_accounts SET email_verified_at = COALESCE(email_verified_at, $2) WHERE person_id = $1",
			personID, now)
		return err
	})
}

// SignIn checks an email address and password and returns the person they
// belong to. Every refusal is a *Refusal, a security event to log:
//
//   - no such account, or a wrong password: ErrBadCredentials, with one
//     message for both ("The email address or password is wrong"); an unknown
//     address costs the same argon2 work as a known one;
//   - MaxFailures wrong passwords in a row: ErrLocked for LockFor, doubling
//     for each further lock in a row, up to MaxLockFor; while locked even the
//     right password is refused, with a message saying to wait or reset;
//   - the right password but an unconfirmed address: ErrNotVerified;
//   - the right password but a closed account: ErrDisabled.
//
// These last two are only said to someone who knows the password. A right
// password clears the count of wrong ones, and replaces a hash made with
// older costs. The caller starts the session (session.Create with "password").
func SignIn(ctx context.Context, d *db.DB, email, password string) (personID string, err error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var hash string
	var disabled, verified, lockedUntil sql.NullTime
	err = d.QueryRowContext(ctx, `SELECT p.id, p.disabled_at, a.password_hash, a.email_verified_at, a.locked_until
		FROM people p JOIN local_accounts a ON a.person_id = p.id
		WHERE p.email = $1 AND p.kind IN ('parent_carer', 'young_person')`, email).
		Scan(&personID, &disabled, &hash, &verified, &lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		burn(password) // the same work as a real check, so time does not tell
		return "", refuse(ErrBadCredentials, "", "no account for this email address")
	}
	if err != nil {
		return "", fmt.Errorf("account: sign in: %w", err)
	}
	now := stamp(db.Now())
	if lockedUntil.Valid && lockedUntil.Time.After(now) {
		return "", refuseLocked(personID, lockedUntil.Time, now)
	}
	right := false
	if len(password) <= maxPasswordBytes {
		right, err = Verify(hash, password)
		if err != nil {
			return "", fmt.Errorf("account: the stored password of %s cannot be read: %w", personID, err)
		}
	} else {
		burn(password)
	}
	rehash := ""
	if right && NeedsRehash(hash) {
		rehash = Hash(password)
	}

	var refusal error
	err = d.Transact(ctx, func(tx *sql.Tx) error {
		refusal = nil
		var failed, lockouts int
		var current string
		var until sql.NullTime
		if err := tx.QueryRowContext(ctx, "SELECT failed_attempts, lockouts, locked_until, password_hash FROM local_accounts WHERE person_id = $1"+
			d.ForUpdate(), personID).Scan(&failed, &lockouts, &until, &current); err != nil {
			return err
		}
		if until.Valid && until.Time.After(now) { // locked by a concurrent attempt since we read it
			refusal = refuseLocked(personID, until.Time, now)
			return nil
		}
		if !right || current != hash { // a wrong password, or one changed by a reset meanwhile
			failed++
			refusal = refuse(ErrBadCredentials, personID, fmt.Sprintf("wrong password (%d in a row)", failed))
			if failed >= MaxFailures {
				if !until.Valid || now.Sub(until.Time) > lockMemory {
					lockouts = 0 // the last lock is long past: start again at LockFor
				}
				lockUntil := now.Add(lockDuration(lockouts))
				refusal = refuseLocked(personID, lockUntil, now)
				_, err := tx.ExecContext(ctx, "UPDATE local_accounts SET failed_attempts = 0, lockouts = $2, locked_until = $3 WHERE person_id = $1",
					personID, lockouts+1, lockUntil)
				return err
			}
			_, err := tx.ExecContext(ctx, "UPDATE local_accounts SET failed_attempts = $2 WHERE person_id = $1", personID, failed)
			return err
		}
		keep := current
		if rehash != "" {
			keep = rehash
		}
		_, err := tx.ExecContext(ctx, "UPDATE local_accounts SET failed_attempts = 0, lockouts = 0, password_hash = $2 WHERE person_id = $1",
			personID, keep)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("account: sign in: %w", err)
	}
	switch {
	case refusal != nil:
		return "", refusal
	case disabled.Valid:
		return "", refuse(ErrDisabled, personID, "right password, account disabled")
	case !verified.Valid:
		return "", refuse(ErrNotVerified, personID, "right password, email address not confirmed")
	}
	return personID, nil
}

// burn does the work of checking a password against a hash, to no purpose
// but to take the time a real check takes.
func burn(password string) {
	if len(password) > maxPasswordBytes {
		password = ""
	}
	Verify(dummyHash(), password)
}

// lockDuration is how long the lock after `previous` locks in a row lasts.
func lockDuration(previous int) time.Duration {
	d := LockFor
	for range previous {
		if d *= 2; d >= MaxLockFor {
			return MaxLockFor
		}
	}
	return d
}

// RequestReset sends a password reset link (valid for 1 hour) if email
// belongs to an account that is not closed. It returns nil whether or not
// there is such an account, so a page cannot tell which addresses have
// accounts: the page should always say "if an account uses this address, we
// have sent it a link". It also sends nothing once an account has been sent 3
// links within the hour. It fails only when the database or Settings do.
func RequestReset(ctx context.Context, d *db.DB, email string) error {
	return sendLink(ctx, d, email, purposeReset)
}

// sendLink sends a confirmation or reset link to an account's address, if
// there is an account to send it to.
func sendLink(ctx context.Context, d *db.DB, email, purpose string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	path := map[string]string{purposeVerify: "/account/verify", purposeReset: "/account/reset"}[purpose]
	secret := secretpkg.New()
	link, err := link(path, secret) // checked first, so a misconfiguration shows whatever the address
	if err != nil {
		return err
	}
	now := stamp(db.Now())
	err = d.Transact(ctx, func(tx *sql.Tx) error {
		var personID string
		var verified sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT a.person_id, a.email_verified_at FROM people p
			JOIN local_accounts a ON a.person_id = p.id
			WHERE p.email = $1 AND p.kind IN ('parent_carer', 'young_person') AND p.disabled_at IS NULL`+d.ForUpdate(), email).
			Scan(&personID, &verified)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if purpose == purposeVerify && verified.Valid {
			return nil
		}
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM account_tokens WHERE person_id = $1 AND purpose = $2 AND created_at > $3`,
			personID, purpose, now.Add(-time.Hour)).Scan(&recent); err != nil {
			return err
		}
		if recent >= linksPerHour {
			return nil
		}
		if purpose == purposeVerify {
			return sendVerification(ctx, tx, personID, email, secret, link, now)
		}
		if err := insertToken(ctx, tx, secret, personID, purposeReset, now, ResetFor); err != nil {
			return err
		}
		_, err = notify.Enqueue(ctx, tx, notify.Message{
			To:          email,
			Subject:     "Reset the password of your joinedup account",
			WhatChanged: "Someone asked to reset the password of the joinedup account that uses this email address. Your password has not changed yet.",
			WhatToDo: "To choose a new password, open this link within 1 hour: " + link + "\n\n" +
				"If you did not ask for this, you need do nothing: your password stays as it is.",
			Reference: "account-reset:" + personID,
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("account: send a link: %w", err)
	}
	return nil
}

// CheckResetToken reports whether a reset link is still good, without using
// it: the reset page calls it before showing the form for a new password, so
// that a link opened by an email scanner is not spent. A bad link is a
// *Refusal (ErrBadToken).
func CheckResetToken(ctx context.Context, d *db.DB, secret string) error {
	_, err := peekToken(ctx, d, secret, purposeReset)
	return err
}

// Reset sets a new password through a reset link. The link works once,
// within 1 hour; anything else is a *Refusal (ErrBadToken), and a closed
// account is refused (ErrDisabled). A new password that breaks the rules is
// an apperr Invalid naming "password", and leaves the link unspent. In one
// transaction Reset stores the new hash, clears any lock and the count of
// wrong passwords, confirms the email address (the link proves it), spends
// every other reset link of the person, ends all their sessions, and writes
// the email saying the password was changed.
func Reset(ctx context.Context, d *db.DB, secret, newPassword string) error {
	address, err := peekToken(ctx, d, secret, purposeReset)
	if err != nil {
		return err
	}
	if err := CheckPassword(newPassword, address); err != nil {
		return err
	}
	hash := Hash(newPassword)
	return useToken(ctx, d, secret, purposeReset, func(tx *sql.Tx, personID string, now time.Time) error {
		var email sql.NullString
		var disabled sql.NullTime
		if err := tx.QueryRowContext(ctx, "SELECT email, disabled_at FROM people WHERE id = $1", personID).Scan(&email, &disabled); err != nil {
			return err
		}
		if disabled.Valid {
			return refuse(ErrDisabled, personID, "reset refused: account disabled")
		}
		if email.String == "" {
			return refuse(ErrBadToken, personID, "reset refused: the person no longer has an email address")
		}
		res, err := tx.ExecContext(ctx, `UPDATE local_accounts SET password_hash = $2, password_changed_at = $3, failed_attempts = 0,
			lockouts = 0, locked_until = NULL, email_verified_at = COALESCE(email_verified_at, $3) WHERE person_id = $1`, personID, hash, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return refuse(ErrBadToken, personID, "reset refused: the person has no account")
		}
		if _, err := tx.ExecContext(ctx, "UPDATE account_tokens SET used_at = $2 WHERE person_id = $1 AND purpose = $3 AND used_at IS NULL",
			personID, now, purposeReset); err != nil {
			return err
		}
		if _, err := session.EndAll(ctx, tx, personID, "password reset"); err != nil {
			return err
		}
		reset, err := page("/account/reset")
		if err != nil {
			return err
		}
		_, err = notify.Enqueue(ctx, tx, passwordChanged(email.String, personID, reset, now, "Everyone signed in to the account was signed out."))
		return err
	})
}

// passwordChanged is the email after a reset or a change: whoever did not
// make the change learns of it, and how to take the account back.
func passwordChanged(to, personID, resetPage string, at time.Time, signedOut string) notify.Message {
	return notify.Message{
		To:          to,
		Subject:     "The password of your joinedup account was changed",
		WhatChanged: "The password of the joinedup account that uses this email address was changed on " + when(at) + ". " + signedOut,
		WhatToDo: "If you changed it, you need do nothing. If you did not, reset your password straight away at " +
			resetPage + " and contact your SEND team.",
		Reference: "account-password:" + personID,
	}
}

// when is an instant as families in England read it: "22 November 2026 at 9:00am".
func when(t time.Time) string {
	return t.In(date.England).Format("2 January 2006 at 3:04pm")
}

// peekToken checks a link without spending it, and returns the address of
// the account it was made for.
func peekToken(ctx context.Context, d *db.DB, secret, purpose string) (email string, err error) {
	if !secretpkg.WellFormed(secret) {
		return "", refuse(ErrBadToken, "", "malformed link")
	}
	var personID, got string
	var expires time.Time
	var used sql.NullTime
	var address sql.NullString
	err = d.QueryRowContext(ctx, `SELECT t.person_id, t.purpose, t.expires_at, t.used_at, p.email
		FROM account_tokens t JOIN people p ON p.id = t.person_id WHERE t.token_hash = $1`, secretpkg.Hash(secret)).
		Scan(&personID, &got, &expires, &used, &address)
	if errors.Is(err, sql.ErrNoRows) {
		return "", refuse(ErrBadToken, "", "unknown link")
	}
	if err != nil {
		return "", fmt.Errorf("account: read a link: %w", err)
	}
	if r := tokenProblem(personID, got, purpose, expires, used, stamp(db.Now())); r != nil {
		return "", r
	}
	return address.String, nil
}

// useToken spends a link and runs fn in the same transaction; if fn fails,
// the link stays unspent.
func useToken(ctx context.Context, d *db.DB, secret, purpose string, fn func(tx *sql.Tx, personID string, now time.Time) error) error {
	if !secretpkg.WellFormed(secret) {
		return refuse(ErrBadToken, "", "malformed link")
	}
	now := stamp(db.Now())
	h := secretpkg.Hash(secret)
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		var personID, got string
		var expires time.Time
		var used sql.NullTime
		err := tx.QueryRowContext(ctx, "SELECT person_id, purpose, expires_at, used_at FROM account_tokens WHERE token_hash = $1"+
			d.ForUpdate(), h).Scan(&personID, &got, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return refuse(ErrBadToken, "", "unknown link")
		}
		if err != nil {
			return err
		}
		if r := tokenProblem(personID, got, purpose, expires, used, now); r != nil {
			return r
		}
		if _, err := tx.ExecContext(ctx, "UPDATE account_tokens SET used_at = $2 WHERE token_hash = $1", h, now); err != nil {
			return err
		}
		return fn(tx, personID, now)
	})
	if _, ok := IsRefusal(err); ok || err == nil {
		return err
	}
	return fmt.Errorf("account: use a link: %w", err)
}

func tokenProblem(personID, got, want string, expires time.Time, used sql.NullTime, now time.Time) *Refusal {
	switch {
	case got != want:
		return refuse(ErrBadToken, personID, "a "+got+" link used for "+want)
	case used.Valid:
		return refuse(ErrBadToken, personID, "a "+got+" link used again")
	case !expires.After(now):
		return refuse(ErrBadToken, personID, "an expired "+got+" link")
	}
	return nil
}

func insertToken(ctx context.Context, tx *sql.Tx, secret, personID, purpose string, now time.Time, lasts time.Duration) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO account_tokens (token_hash, person_id, purpose, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, secretpkg.Hash(secret), personID, purpose, now, now.Add(lasts))
	return err
}

// PruneLinks deletes links that expired more than a day ago. The wiring
// should call it now and then (hourly is plenty), with Limiter.Prune; nothing
// depends on either but the size of the tables.
func PruneLinks(ctx context.Context, d *db.DB) error {
	_, err := d.ExecContext(ctx, "DELETE FROM account_tokens WHERE expires_at < $1", stamp(db.Now()).Add(-24*time.Hour))
	if err != nil {
		return fmt.Errorf("account: prune links: %w", err)
	}
	return nil
}

// page makes the address of one of joinedup's pages from Settings.BaseURL.
func page(path string) (string, error) {
	base := strings.TrimRight(Settings.BaseURL, "/")
	u, err := url.Parse(base)
	if base == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("account: Settings.BaseURL must be set to the absolute http(s) address families use")
	}
	return base + path, nil
}

// link makes the address of a page with a link's secret in its query.
func link(path, secret string) (string, error) {
	p, err := page(path)
	return p + "?token=" + secret, err
}

// stamp is t as both databases keep it: UTC, to the microsecond. On SQLite
// times are compared as text, which orders correctly only when all are UTC.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
