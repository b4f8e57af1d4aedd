// Package session keeps signed-in sessions in the database, so any instance
// can serve any request and disabling an account ends its sessions everywhere
// at once. The browser holds a random secret; the database holds only its
// SHA-256, so a copy of the database signs nobody in.
package session

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
	secretpkg "joinedup/internal/secret"
)

// Timeouts for a kind of person.
type Timeouts struct {
	Idle     time.Duration // ends after this long without a request
	Absolute time.Duration // ends this long after sign-in, however busy
}

// Staff sessions: 30 minutes idle, 10 hours in all (issue 3; configurable).
var StaffTimeouts = Timeouts{Idle: 30 * time.Minute, Absolute: 10 * time.Hour}

// Families sign in less often and from their own devices.
var FamilyTimeouts = Timeouts{Idle: 30 * time.Minute, Absolute: 12 * time.Hour}

// touchEvery limits writes: a session's idle clock is pushed on at most once a minute.
const touchEvery = time.Minute

// Session is one signed-in browser.
type Session struct {
	ID           string // the hash: safe to show and to use in forms
	PersonID     string
	CreatedAt    time.Time
	LastSeenAt   time.Time
	IdleExpires  time.Time
	Expires      time.Time
	SignedInWith string
	UserAgent    string
}

// ErrNoSession means the secret names no live session: signed out, expired, unknown or malformed.
var ErrNoSession = apperr.Errorf(apperr.NotFound, "not signed in")

// SecretLen is the length of a cookie secret.
const SecretLen = secretpkg.Len

// Create starts a session for a person and returns the secret for the cookie.
// A new secret on every sign-in is what defeats session fixation.
func Create(ctx context.Context, d *db.DB, personID, signedInWith, userAgent string, t Timeouts) (string, Session, error) {
	secret := secretpkg.New()
	now := db.Now()
	s := Session{ID: secretpkg.Hash(secret), PersonID: personID, CreatedAt: now, LastSeenAt: now, IdleExpires: now.Add(t.Idle),
		Expires: now.Add(t.Absolute), SignedInWith: signedInWith, UserAgent: truncate(userAgent, 200)}
	_, err := d.ExecContext(ctx, `INSERT INTO sessions (secret_hash, person_id, created_at, last_seen_at, idle_expires_at,
		absolute_expires_at, signed_in_with, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		s.ID, s.PersonID, s.CreatedAt, s.LastSeenAt, s.IdleExpires, s.Expires, s.SignedInWith, s.UserAgent)
	if err != nil {
		return "", Session{}, fmt.Errorf("start session: %w", err)
	}
	return secret, s, nil
}

// Lookup returns the live session for secret and pushes its idle clock on.
// Anything else (malformed, unknown, ended, expired, disabled account) is ErrNoSession.
func Lookup(ctx context.Context, d *db.DB, secret string, t Timeouts) (Session, error) {
	if !secretpkg.WellFormed(secret) {
		return Session{}, ErrNoSession
	}
	var s Session
	now := db.Now()
	err := d.Prepared().QueryRowContext(ctx, `SELECT s.secret_hash, s.person_id, s.created_at, s.last_seen_at, s.idle_expires_at,
		s.absolute_expires_at, s.signed_in_with, s.user_agent
		FROM sessions s JOIN people p ON p.id = s.person_id
		WHERE s.secret_hash = $1 AND s.ended_at IS NULL AND p.disabled_at IS NULL
		AND s.idle_expires_at > $2 AND s.absolute_expires_at > $2`, secretpkg.Hash(secret), now).
		Scan(&s.ID, &s.PersonID, &s.CreatedAt, &s.LastSeenAt, &s.IdleExpires, &s.Expires, &s.SignedInWith, &s.UserAgent)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	if now.Sub(s.LastSeenAt) >= touchEvery {
		s.LastSeenAt, s.IdleExpires = now, now.Add(t.Idle)
		if s.IdleExpires.After(s.Expires) {
			s.IdleExpires = s.Expires
		}
		if _, err := d.ExecContext(ctx, "UPDATE sessions SET last_seen_at = $2, idle_expires_at = $3 WHERE secret_hash = $1",
			s.ID, s.LastSeenAt, s.IdleExpires); err != nil {
			return Session{}, err
		}
	}
	return s, nil
}

// End signs one session out.
func End(ctx context.Context, d *db.DB, id, reason string) error {
	_, err := d.ExecContext(ctx, "UPDATE sessions SET ended_at = $2, ended_reason = $3 WHERE secret_hash = $1 AND ended_at IS NULL", id, db.Now(), reason)
	return err
}

// EndAll signs a person out everywhere and returns how many live sessions ended.
func EndAll(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, personID, reason string) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE sessions SET ended_at = $2, ended_reason = $3
		WHERE person_id = $1 AND ended_at IS NULL AND idle_expires_at > $2 AND absolute_expires_at > $2`, personID, db.Now(), reason)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// EndOthers signs a person out everywhere but the session keep (its ID, as
// Session.ID) and returns how many live sessions ended.
func EndOthers(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, personID, keep, reason string) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE sessions SET ended_at = $2, ended_reason = $3
		WHERE person_id = $1 AND secret_hash <> $4 AND ended_at IS NULL AND idle_expires_at > $2 AND absolute_expires_at > $2`,
		personID, db.Now(), reason, keep)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Live lists a person's sessions that are still in force, newest first.
func Live(ctx context.Context, d *db.DB, personID string) ([]Session, error) {
	rows, err := d.QueryContext(ctx, `SELECT secret_hash, person_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at,
		signed_in_with, user_agent FROM sessions WHERE person_id = $1 AND ended_at IS NULL
		AND idle_expires_at > $2 AND absolute_expires_at > $2 ORDER BY created_at DESC`, personID, db.Now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var s Session
		if err := rows.Scan(&s.ID, &s.PersonID, &s.CreatedAt, &s.LastSeenAt, &s.IdleExpires, &s.Expires, &s.SignedInWith, &s.UserAgent); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Disable closes a person's account: every session ends in the same transaction.
func Disable(ctx context.Context, d *db.DB, personID string) error {
	return d.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE people SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL", personID, db.Now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.Errorf(apperr.NotFound, "no such account, or it is already disabled")
		}
		_, err = EndAll(ctx, tx, personID, "account disabled")
		return err
	})
}

func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
