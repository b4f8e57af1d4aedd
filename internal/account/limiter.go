package account

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"joinedup/internal/db"
	secretpkg "joinedup/internal/secret"
)

// Default rate limit per source.
const (
	DefaultLimit  = 20
	DefaultWindow = 10 * time.Minute
)

// Limiter caps attempts per source (for example per client address): at most
// Limit in any Window, a sliding window. It keeps its count in the database,
// so every instance sharing the database shares the limit; nothing is kept in
// memory. Only the SHA-256 of a key is stored.
//
// Refused attempts are not counted, so a source that keeps trying is let in
// again as soon as its oldest counted attempt is older than Window.
type Limiter struct {
	DB     *db.DB
	Limit  int           // DefaultLimit when 0
	Window time.Duration // DefaultWindow when 0
	// Scope keeps separate limits apart on the same keys, for example
	// "signin" and "reset"; "signin" when empty.
	Scope string
}

func (l *Limiter) limits() (int, time.Duration) {
	n, w := l.Limit, l.Window
	if n <= 0 {
		n = DefaultLimit
	}
	if w <= 0 {
		w = DefaultWindow
	}
	return n, w
}

// Allow counts an attempt from key and reports whether it may go ahead. When
// it may not, retryAfter says how long until it may (for a Retry-After
// header). An error means the database failed: the caller should refuse the
// attempt rather than let it through uncounted.
func (l *Limiter) Allow(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error) {
	limit, window := l.limits()
	scope := l.Scope
	if scope == "" {
		scope = "signin"
	}
	k := secretpkg.Hash(scope + ":" + key)
	now := stamp(db.Now())
	since := now.Add(-window)
	err = l.DB.Transact(ctx, func(tx *sql.Tx) error {
		ok, retryAfter = false, 0
		// The source's row is locked until the transaction ends (SQLite holds
		// its one write lock already), so two instances counting the same
		// source at once take turns and cannot both let the last attempt in.
		if _, err := tx.ExecContext(ctx, `INSERT INTO signin_sources (key_hash, touched_at) VALUES ($1, $2)
			ON CONFLICT (key_hash) DO UPDATE SET touched_at = excluded.touched_at`, k, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM signin_attempts WHERE key_hash = $1 AND at <= $2", k, since); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT at FROM signin_attempts WHERE key_hash = $1 AND at > $2 ORDER BY at", k, since)
		if err != nil {
			return err
		}
		var times []time.Time
		for rows.Next() {
			var at time.Time
			if err := rows.Scan(&at); err != nil {
				rows.Close()
				return err
			}
			times = append(times, at)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(times) >= limit {
			// Allowed again once enough of the oldest attempts leave the window
			// that one more fits.
			retryAfter = times[len(times)-limit].Add(window).Sub(now)
			if retryAfter < time.Second {
				retryAfter = time.Second
			}
			return nil
		}
		ok = true
		_, err = tx.ExecContext(ctx, "INSERT INTO signin_attempts (key_hash, at) VALUES ($1, $2)", k, now)
		return err
	})
	if err != nil {
		return false, 0, fmt.Errorf("account: count an attempt: %w", err)
	}
	return ok, retryAfter, nil
}

// Prune deletes attempts and sources older than the window, whatever their
// scope: call it on the limiter with the longest window.
func (l *Limiter) Prune(ctx context.Context) error {
	_, window := l.limits()
	since := stamp(db.Now()).Add(-window)
	if _, err := l.DB.ExecContext(ctx, "DELETE FROM signin_attempts WHERE at <= $1", since); err != nil {
		return fmt.Errorf("account: prune attempts: %w", err)
	}
	if _, err := l.DB.ExecContext(ctx, "DELETE FROM signin_sources WHERE touched_at <= $1", since); err != nil {
		return fmt.Errorf("account: prune sources: %w", err)
	}
	return nil
}
