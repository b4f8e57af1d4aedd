package notify

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"joinedup/internal/db"
)

// Worker sends what the outbox holds. Any number of Workers, in one process
// or many sharing a database, may run at once: a message is claimed by one of
// them at a time, for a lease.
//
// How a double send is prevented: claiming is one short transaction that
// moves due rows to status 'sending', with a fresh claim token and a lease,
// and moves their next_attempt_at to the lease's end. On PostgreSQL the
// claiming SELECT locks the rows FOR UPDATE SKIP LOCKED, so concurrent
// workers take different rows without waiting, and the claiming UPDATE
// re-checks that each row is still due, so a row claimed and committed by
// another worker in between is left alone. On SQLite the transaction begins
// IMMEDIATE and holds the database's one write lock, so claims run one after
// another. Every later write (renewing the lease just before sending,
// recording the result) names the claim token, so a worker whose lease lapsed
// and was taken over records nothing. Sending has a timeout of half the
// lease, and the lease is renewed just before each send, so a live worker's
// claim does not lapse mid-send.
//
// What remains is the case no outbox can close: a worker that dies after the
// provider accepted a message but before recording it. Its claim lapses and
// the message is sent again (at least once, never silently lost).
type Worker struct {
	DB          *db.DB
	Sender      Sender
	Batch       int           // messages claimed at a time; default 20
	Lease       time.Duration // how long a claim lasts; default 2 minutes
	MaxAttempts int           // attempts before a message is marked failed; default 8
	Logger      *slog.Logger  // default slog.Default(); never given a body or an address
}

// Backoff is the wait after each failed attempt: after the first failure 1
// minute, then 5 minutes, 30 minutes, 2 hours, 6 hours, and 12 hours after
// each further failure.
var Backoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour}

// backoff is the wait after the attempts-th attempt failed.
func backoff(attempts int) time.Duration {
	i := min(max(attempts-1, 0), len(Backoff)-1)
	return Backoff[i]
}

const maxError = 500 // characters of last_error kept

func (w *Worker) batch() int {
	if w.Batch > 0 {
		return w.Batch
	}
	return 20
}

func (w *Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	return 2 * time.Minute
}

func (w *Worker) maxAttempts() int {
	if w.MaxAttempts > 0 {
		return w.MaxAttempts
	}
	return 8
}

func (w *Worker) log() *slog.Logger {
	if w.Logger != nil {
		return w.Logger
	}
	return slog.Default()
}

// claimed is one message a worker holds.
type claimed struct {
	Email
	attempts int
	token    string
}

// RunOnce claims one batch of due messages and tries each once. It returns
// how many were sent and how many were given up on (marked failed); messages
// put back for a retry count in neither. The error is the database's: a
// failed send is recorded on its message, not returned.
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	sent, failed, _, err = w.runOnce(ctx)
	return sent, failed, err
}

func (w *Worker) runOnce(ctx context.Context) (sent, failed, took int, err error) {
	if w.DB == nil || w.Sender == nil {
		return 0, 0, 0, fmt.Errorf("notify: a Worker needs a DB and a Sender")
	}
	gaveUp, batch, err := w.claim(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	failed += gaveUp
	for i, m := range batch {
		if ctx.Err() != nil {
			w.release(batch[i:])
			return sent, failed, len(batch), ctx.Err()
		}
		outcome, err := w.attempt(ctx, m)
		if err != nil {
			// m itself may have been sent: its claim lapses rather than
			// being released, so it is not sent again at once.
			w.release(batch[i+1:])
			return sent, failed, len(batch), err
		}
		switch outcome {
		case outcomeSent:
			sent++
		case outcomeFailed:
			failed++
		}
	}
	return sent, failed, len(batch), nil
}

// Run calls RunOnce every interval until ctx ends, at once again while
// batches come back full. Database errors are logged and tried again next
// time round. It returns ctx's error.
func (w *Worker) Run(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = 10 * time.Second
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		wait := every
		_, _, took, err := w.runOnce(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			w.log().Error("notify: outbox run failed", "err", err)
		case took >= w.batch():
			wait = 0 // more may be waiting
		}
		t.Reset(wait)
	}
}

// claim gives up on due messages that have had every attempt, then claims up
// to a batch of due messages, all in one transaction.
func (w *Worker) claim(ctx context.Context) (gaveUp int, batch []claimed, err error) {
	err = w.DB.Transact(ctx, func(tx *sql.Tx) error {
		var err error
		gaveUp, batch, err = claim(ctx, w.DB, tx, db.Now(), w.batch(), w.lease(), w.maxAttempts())
		return err
	})
	if err != nil {
		return 0, nil, fmt.Errorf("notify: claim messages: %w", err)
	}
	return gaveUp, batch, nil
}

// skipLocked is the clause with which the claiming SELECT locks the rows it
// takes and passes over rows another worker is claiming. SQLite needs none:
// its transactions begin IMMEDIATE, holding the one write lock.
func skipLocked(d *db.DB) string {
	if d.Dialect == db.Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

func claim(ctx context.Context, d *db.DB, tx *sql.Tx, now time.Time, n int, lease time.Duration, maxAttempts int) (int, []claimed, error) {
	now = stamp(now)
	// A message that used every attempt is due again only when its last
	// worker died mid-send (or MaxAttempts was lowered): say so and stop.
	res, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'failed', claimed_until = NULL, claim_token = NULL,
		last_error = $1
		WHERE status IN ('pending', 'sending') AND next_attempt_at <= $2 AND attempts >= $3`,
		fmt.Sprintf("gave up after %d attempts; the last ended without a result, so the message may or may not have arrived", maxAttempts),
		now, maxAttempts)
	if err != nil {
		return 0, nil, err
	}
	gaveUp, _ := res.RowsAffected()

	rows, err := tx.QueryContext(ctx, `SELECT id, recipient, subject, body, reference, attempts FROM outbox
		WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
		ORDER BY next_attempt_at, id LIMIT $2`+skipLocked(d), now, n)
	if err != nil {
		return 0, nil, err
	}
	var due []claimed
	for rows.Next() {
		var c claimed
		if err := rows.Scan(&c.ID, &c.To, &c.Subject, &c.Body, &c.Reference, &c.attempts); err != nil {
			rows.Close()
			return 0, nil, err
		}
		due = append(due, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	until := now.Add(lease)
	batch := due[:0]
	for _, c := range due {
		c.token = uuid.NewString()
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET status = 'sending', attempts = attempts + 1,
			claim_token = $1, claimed_until = $2, next_attempt_at = $2
			WHERE id = $3 AND status IN ('pending', 'sending') AND next_attempt_at <= $4`,
			c.token, until, c.ID, now)
		if err != nil {
			return 0, nil, err
		}
		if k, _ := res.RowsAffected(); k == 1 {
			c.attempts++
			batch = append(batch, c)
		}
	}
	return int(gaveUp), batch, nil
}

type outcome int

const (
	outcomeSkipped outcome = iota // the claim was lost; another worker has it
	outcomeSent
	outcomeRetry
	outcomeFailed
)

// attempt renews m's claim, sends it, and records what happened.
func (w *Worker) attempt(ctx context.Context, m claimed) (outcome, error) {
	lease := w.lease()
	until := stamp(db.Now()).Add(lease)
	res, err := w.DB.ExecContext(ctx, `UPDATE outbox SET claimed_until = $1, next_attempt_at = $1
		WHERE id = $2 AND claim_token = $3 AND status = 'sending'`, until, m.ID, m.token)
	if err != nil {
		return 0, fmt.Errorf("notify: renew claim: %w", err)
	}
	if k, _ := res.RowsAffected(); k != 1 {
		w.log().Warn("notify: claim lapsed and was taken over; not sending", "outbox_id", m.ID)
		return outcomeSkipped, nil
	}

	sctx, cancel := context.WithTimeout(ctx, lease/2)
	providerID, sendErr := w.Sender.Send(sctx, m.Email)
	cancel()

	// Record the result even if ctx ended during the send: the provider may
	// have accepted the message, and forgetting that would send it again.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer rcancel()
	now := stamp(db.Now())
	var q string
	var args []any
	var out outcome
	switch {
	case sendErr == nil:
		out = outcomeSent
		q = `UPDATE outbox SET status = 'sent', sent_at = $1, provider_message_id = $2,
			claimed_until = NULL, claim_token = NULL WHERE id = $3 AND claim_token = $4`
		args = []any{now, nullable(providerID), m.ID, m.token}
	case IsPermanent(sendErr) || m.attempts >= w.maxAttempts():
		out = outcomeFailed
		why := describe(sendErr, m.To)
		if !IsPermanent(sendErr) {
			why = fmt.Sprintf("gave up after %d attempts: %s", m.attempts, why)
		}
		q = `UPDATE outbox SET status = 'failed', last_error = $1,
			claimed_until = NULL, claim_token = NULL WHERE id = $2 AND claim_token = $3`
		args = []any{why, m.ID, m.token}
	default:
		out = outcomeRetry
		q = `UPDATE outbox SET status = 'pending', last_error = $1, next_attempt_at = $2,
			claimed_until = NULL, claim_token = NULL WHERE id = $3 AND claim_token = $4`
		args = []any{describe(sendErr, m.To), now.Add(backoff(m.attempts)), m.ID, m.token}
	}
	res, err = w.DB.ExecContext(rctx, q, args...)
	if err != nil {
		return 0, fmt.Errorf("notify: record the result of message %s: %w", m.ID, err)
	}
	if k, _ := res.RowsAffected(); k != 1 {
		w.log().Warn("notify: claim taken over during the send; result not recorded", "outbox_id", m.ID)
		return outcomeSkipped, nil
	}
	switch out {
	case outcomeSent:
		w.log().Info("notify: sent", "outbox_id", m.ID, "attempts", m.attempts)
	case outcomeFailed:
		w.log().Warn("notify: failed for good", "outbox_id", m.ID, "attempts", m.attempts, "err", describe(sendErr, m.To))
	case outcomeRetry:
		w.log().Info("notify: will retry", "outbox_id", m.ID, "attempts", m.attempts,
			"retry_at", now.Add(backoff(m.attempts)), "err", describe(sendErr, m.To))
	}
	return out, nil
}

// release hands back claimed messages not yet tried (the run is stopping):
// due again at once, and the claim not counted as an attempt.
func (w *Worker) release(batch []claimed) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	now := stamp(db.Now())
	for _, m := range batch {
		if _, err := w.DB.ExecContext(ctx, `UPDATE outbox SET status = 'pending', attempts = attempts - 1,
			next_attempt_at = $1, claimed_until = NULL, claim_token = NULL
			WHERE id = $2 AND claim_token = $3 AND status = 'sending'`, now, m.ID, m.token); err != nil {
			// The claim will lapse on its own.
			w.log().Warn("notify: could not release a claim", "outbox_id", m.ID, "err", err)
		}
	}
}

// describe is err as last_error keeps it and logs show it: one line, short,
// and without the recipient's address, which some servers echo back.
func describe(err error, recipient string) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if recipient != "" {
		s = strings.ReplaceAll(s, recipient, "[recipient]")
	}
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxError {
		s = string([]rune(s)[:maxError]) + "…"
	}
	return s
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// FailedMessage is a message that could not be sent, for staff to follow up.
type FailedMessage struct {
	ID        string
	CreatedAt time.Time
	Recipient string
	Subject   string
	Reference string
	LastError string
	Attempts  int
}

// Failed lists up to limit messages that could not be sent, newest first.
// Callers show it only to staff allowed to see the recipients.
func Failed(ctx context.Context, d *db.DB, limit int) ([]FailedMessage, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := d.QueryContext(ctx, `SELECT id, created_at, recipient, subject, reference, last_error, attempts
		FROM outbox WHERE status = 'failed' ORDER BY created_at DESC, id LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("notify: list failed messages: %w", err)
	}
	defer rows.Close()
	var out []FailedMessage
	for rows.Next() {
		var f FailedMessage
		var lastError sql.NullString
		if err := rows.Scan(&f.ID, &f.CreatedAt, &f.Recipient, &f.Subject, &f.Reference, &lastError, &f.Attempts); err != nil {
			return nil, fmt.Errorf("notify: list failed messages: %w", err)
		}
		f.LastError = lastError.String
		f.CreatedAt = f.CreatedAt.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}
