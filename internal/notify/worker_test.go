package notify

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/notify/smtptest"
)

// clock is a test clock for db.Now, safe to read from many goroutines.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

var testClock *clock

// setClock makes db.Now return start until advanced with testClock.
func setClock(t *testing.T, start time.Time) time.Time {
	t.Helper()
	saved := db.Now
	testClock = &clock{now: start}
	db.Now = testClock.Now
	t.Cleanup(func() { db.Now = saved })
	return start
}

func enqueue(t *testing.T, d *db.DB, m Message) string {
	t.Helper()
	var id string
	err := d.Transact(context.Background(), func(tx *sql.Tx) error {
		var err error
		id, err = Enqueue(context.Background(), tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

type outboxRow struct {
	Status     string
	Attempts   int
	LastError  sql.NullString
	Next       time.Time
	SentAt     sql.NullTime
	ProviderID sql.NullString
	Token      sql.NullString
}

func getRow(t *testing.T, d *db.DB, id string) outboxRow {
	t.Helper()
	var r outboxRow
	err := d.QueryRow(`SELECT status, attempts, last_error, next_attempt_at, sent_at, provider_message_id, claim_token
		FROM outbox WHERE id = $1`, id).Scan(&r.Status, &r.Attempts, &r.LastError, &r.Next, &r.SentAt, &r.ProviderID, &r.Token)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// received is a message as the test SMTP server got it, decoded.
type received struct {
	From, To, Subject, MessageID, Reference, Body string
}

func decode(t *testing.T, m smtptest.Message) received {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("the server got an unreadable message: %v", err)
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if ct := msg.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	var r io.Reader = msg.Body
	if msg.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
		r = quotedprintable.NewReader(r)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.To) != 1 {
		t.Fatalf("envelope recipients = %v", m.To)
	}
	return received{
		From: m.From, To: m.To[0], Subject: subject, MessageID: msg.Header.Get("Message-ID"),
		Reference: msg.Header.Get("X-Joinedup-Reference"),
		Body:      strings.ReplaceAll(string(body), "\r\n", "\n"),
	}
}

func smtpSender(s *smtptest.Server) *SMTPSender {
	return &SMTPSender{Addr: s.Addr, From: "SEND Team <send@example.gov.uk>"}
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestWorkerSendsThroughSMTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		setClock(t, t0)
		srv := smtptest.Start(t, smtptest.Options{})
		m := good()
		m.WhatChanged = "Your named contact is now Zoë Ó Briain, 01905 000000. " + strings.Repeat("This line is long. ", 10)
		id := enqueue(t, d, m)
		testClock.Advance(time.Second)

		w := &Worker{DB: d, Sender: smtpSender(srv)}
		sent, failed, err := w.RunOnce(ctx)
		if err != nil || sent != 1 || failed != 0 {
			t.Fatalf("RunOnce = %d, %d, %v", sent, failed, err)
		}
		got := srv.Messages()
		if len(got) != 1 {
			t.Fatalf("server got %d messages", len(got))
		}
		r := decode(t, got[0])
		if r.To != m.To || r.From != "send@example.gov.uk" || r.Subject != m.Subject || r.Body != Body(m) || r.Reference != m.Reference {
			t.Errorf("received %+v\nwant body %q", r, Body(m))
		}
		row := getRow(t, d, id)
		if row.Status != "sent" || row.Attempts != 1 || !row.SentAt.Valid || !row.SentAt.Time.Equal(t0.Add(time.Second)) ||
			row.ProviderID.String != r.MessageID || !strings.Contains(r.MessageID, id) || row.Token.Valid {
			t.Errorf("row after sending = %+v (Message-ID %q)", row, r.MessageID)
		}

		// Nothing is sent twice.
		testClock.Advance(24 * time.Hour)
		if sent, failed, err := w.RunOnce(ctx); sent != 0 || failed != 0 || err != nil {
			t.Fatalf("second RunOnce = %d, %d, %v", sent, failed, err)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("server got %d messages, want 1", n)
		}
	})
}

func TestWorkerRetriesWithBackoff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		setClock(t, t0)
		srv := smtptest.Start(t, smtptest.Options{})
		srv.FailNext("DATA", 2, 451, "4.3.0 try again later")
		id := enqueue(t, d, good())
		w := &Worker{DB: d, Sender: smtpSender(srv)}

		run := func(wantSent int) {
			t.Helper()
			sent, failed, err := w.RunOnce(ctx)
			if err != nil || sent != wantSent || failed != 0 {
				t.Fatalf("RunOnce at %v = %d, %d, %v; want %d sent", db.Now(), sent, failed, err, wantSent)
			}
		}
		run(0) // attempt 1: 451
		row := getRow(t, d, id)
		if row.Status != "pending" || row.Attempts != 1 || !strings.Contains(row.LastError.String, "451") || !row.Next.Equal(t0.Add(time.Minute)) {
			t.Fatalf("after the first failure: %+v", row)
		}
		run(0) // not due yet: nothing tried
		testClock.Advance(59 * time.Second)
		run(0)
		if getRow(t, d, id).Attempts != 1 {
			t.Fatal("retried before the backoff ended")
		}
		testClock.Advance(2 * time.Second)
		run(0) // attempt 2: 451 again
		row = getRow(t, d, id)
		if row.Attempts != 2 || !row.Next.Equal(t0.Add(61*time.Second+5*time.Minute)) {
			t.Fatalf("after the second failure: %+v", row)
		}
		testClock.Advance(4 * time.Minute)
		run(0)
		testClock.Advance(time.Minute + time.Second)
		run(1) // attempt 3: accepted
		row = getRow(t, d, id)
		if row.Status != "sent" || row.Attempts != 3 {
			t.Fatalf("after the third attempt: %+v", row)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("server accepted %d messages, want 1", n)
		}
	})
}

func TestWorkerFailsAtOnceOnAPermanentRefusal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		setClock(t, t0)
		srv := smtptest.Start(t, smtptest.Options{})
		m := good()
		srv.FailNext("RCPT", 1, 550, "5.1.1 <"+m.To+">: mailbox unavailable")
		id := enqueue(t, d, m)
		w := &Worker{DB: d, Sender: smtpSender(srv)}
		sent, failed, err := w.RunOnce(ctx)
		if err != nil || sent != 0 || failed != 1 {
			t.Fatalf("RunOnce = %d, %d, %v", sent, failed, err)
		}
		row := getRow(t, d, id)
		if row.Status != "failed" || row.Attempts != 1 || !strings.Contains(row.LastError.String, "550") ||
			strings.Contains(row.LastError.String, m.To) || strings.Contains(row.LastError.String, "named contact") {
			t.Fatalf("row = %+v", row)
		}
		testClock.Advance(48 * time.Hour)
		if sent, failed, err := w.RunOnce(ctx); sent != 0 || failed != 0 || err != nil {
			t.Fatalf("a failed message was tried again: %d, %d, %v", sent, failed, err)
		}
		list, err := Failed(ctx, d, 10)
		if err != nil || len(list) != 1 {
			t.Fatalf("Failed = %v, %v", list, err)
		}
		f := list[0]
		if f.ID != id || f.Recipient != m.To || f.Subject != m.Subject || f.Attempts != 1 || f.LastError != row.LastError.String ||
			f.Reference != m.Reference || !f.CreatedAt.Equal(t0) {
			t.Errorf("Failed()[0] = %+v", f)
		}
	})
}

func TestWorkerGivesUpAfterMaxAttempts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		setClock(t, t0)
		srv := smtptest.Start(t, smtptest.Options{})
		srv.FailNext("RCPT", 10, 452, "4.2.2 mailbox full")
		id := enqueue(t, d, good())
		w := &Worker{DB: d, Sender: smtpSender(srv), MaxAttempts: 3}
		var failed int
		for i := 0; i < 5; i++ {
			_, f, err := w.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			failed += f
			testClock.Advance(24 * time.Hour)
		}
		row := getRow(t, d, id)
		if failed != 1 || row.Status != "failed" || row.Attempts != 3 ||
			!strings.HasPrefix(row.LastError.String, "gave up after 3 attempts") || !strings.Contains(row.LastError.String, "452") {
			t.Fatalf("failed %d, row %+v", failed, row)
		}
		list, err := Failed(ctx, d, 10)
		if err != nil || len(list) != 1 || list[0].ID != id || list[0].Attempts != 3 {
			t.Fatalf("Failed = %+v, %v", list, err)
		}
	})
}

// A worker that claimed a message and died leaves it 'sending'; once the
// lease ends another worker sends it, and the dead one, should it wake, can
// neither send it again nor overwrite the result.
func TestExpiredLeaseIsPickedUpAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		setClock(t, t0)
		srv := smtptest.Start(t, smtptest.Options{})
		id := enqueue(t, d, good())
		lease := 2 * time.Minute

		var dead []claimed
		err := d.Transact(ctx, func(tx *sql.Tx) error {
			var err error
			_, dead, err = claim(ctx, d, tx, db.Now(), 10, lease, 8)
			return err
		})
		if err != nil || len(dead) != 1 {
			t.Fatalf("claim = %v, %v", dead, err)
		}
		if row := getRow(t, d, id); row.Status != "sending" || row.Attempts != 1 {
			t.Fatalf("claimed row = %+v", row)
		}

		w := &Worker{DB: d, Sender: smtpSender(srv), Lease: lease}
		testClock.Advance(lease - time.Second)
		if sent, _, err := w.RunOnce(ctx); sent != 0 || err != nil {
			t.Fatalf("took a message whose lease has not ended: %d, %v", sent, err)
		}
		testClock.Advance(2 * time.Second)
		if sent, _, err := w.RunOnce(ctx); sent != 1 || err != nil {
			t.Fatalf("RunOnce after the lease = %d, %v", sent, err)
		}
		row := getRow(t, d, id)
		if row.Status != "sent" || row.Attempts != 2 {
			t.Fatalf("row = %+v", row)
		}

		// The dead worker wakes up and carries on with its stale claim.
		zombie := &Worker{DB: d, Sender: smtpSender(srv), Lease: lease}
		out, err := zombie.attempt(ctx, dead[0])
		if err != nil || out != outcomeSkipped {
			t.Fatalf("stale claim: %v, %v", out, err)
		}
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("server got %d messages, want 1", n)
		}
		if getRow(t, d, id).Status != "sent" {
			t.Fatal("the stale claim changed the row")
		}
	})
}

// A message whose worker died after its last allowed attempt is marked
// failed, saying it may or may not have arrived, rather than sent again.
func TestExpiredLeaseOnTheLastAttemptFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		setClock(t, t0)
		id := enqueue(t, d, good())
		if _, err := d.Exec(`UPDATE outbox SET status = 'sending', attempts = 3, claim_token = 'dead',
			claimed_until = $1, next_attempt_at = $1 WHERE id = $2`, t0.Add(-time.Minute), id); err != nil {
			t.Fatal(err)
		}
		calls := 0
		w := &Worker{DB: d, MaxAttempts: 3, Sender: SenderFunc(func(context.Context, Email) (string, error) {
			calls++
			return "x", nil
		})}
		sent, failed, err := w.RunOnce(ctx)
		if err != nil || sent != 0 || failed != 1 || calls != 0 {
			t.Fatalf("RunOnce = %d, %d, %v; %d sends", sent, failed, err, calls)
		}
		if row := getRow(t, d, id); row.Status != "failed" || !strings.Contains(row.LastError.String, "may or may not") {
			t.Fatalf("row = %+v", row)
		}
	})
}

// Sending happens outside the claiming transaction: while a message is being
// sent, the database takes other writes, to the same row too.
func TestSendsOutsideTheTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		setClock(t, t0)
		id := enqueue(t, d, good())
		w := &Worker{DB: d, Sender: SenderFunc(func(ctx context.Context, e Email) (string, error) {
			wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			err := d.Transact(wctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(wctx, "UPDATE outbox SET subject = subject WHERE id = $1", e.ID); err != nil {
					return err
				}
				m := good()
				m.Reference = "during-send"
				_, err := Enqueue(wctx, tx, m)
				return err
			})
			if err != nil {
				return "", Permanent(fmt.Errorf("write during send: %w", err))
			}
			return "p1", nil
		})}
		sent, failed, err := w.RunOnce(ctx)
		if err != nil || sent != 1 || failed != 0 {
			t.Fatalf("RunOnce = %d, %d, %v; row %+v", sent, failed, err, getRow(t, d, id))
		}
	})
}

// Three workers running at once over 50 messages deliver each exactly once.
// Each has its own connection pool, as separate joinedup instances would.
func TestConcurrentWorkersSendEachMessageOnce(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) { concurrentWorkers(t, kind) })
	}
}

func concurrentWorkers(t *testing.T, kind string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	setClock(t, t0)
	dsn := filepath.Join(t.TempDir(), "joinedup.db")
	if kind == "postgres" {
		dsn = dbtest.NewPostgresDatabase(t)
	}
	pools := make([]*db.DB, 3)
	for k := range pools {
		p, err := db.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		pools[k] = p
	}
	d := pools[0]
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	srv := smtptest.Start(t, smtptest.Options{})
	const n = 50
	ids := map[string]bool{}
	for i := 0; i < n; i++ {
		m := good()
		m.Reference = fmt.Sprintf("case-%02d", i)
		ids[enqueue(t, d, m)] = true
	}
	var total atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	perWorker := make([]int, 3)
	for k := 0; k < 3; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &Worker{DB: pools[k], Sender: smtpSender(srv), Batch: 3}
			for total.Load() < n && ctx.Err() == nil {
				sent, failed, err := w.RunOnce(ctx)
				if err != nil || failed != 0 {
					errs <- fmt.Errorf("worker %d: failed %d, %v", k, failed, err)
					return
				}
				perWorker[k] += sent
				total.Add(int64(sent))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := srv.Messages()
	seen := map[string]int{}
	for _, m := range got {
		r := decode(t, m)
		id := strings.TrimSuffix(strings.TrimPrefix(r.MessageID, "<"), "@example.gov.uk>")
		seen[id]++
	}
	for id := range ids {
		if seen[id] != 1 {
			t.Errorf("message %s delivered %d times", id, seen[id])
		}
	}
	if len(got) != n || total.Load() != n {
		t.Fatalf("server got %d messages, workers counted %d; want %d", len(got), total.Load(), n)
	}
	if k := dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND attempts = 1"); k != n {
		t.Fatalf("%d rows sent on the first attempt, want %d", k, n)
	}
	t.Logf("sent per worker: %v", perWorker)
}

// On PostgreSQL a worker claiming while another's claim is still open takes
// other rows at once instead of waiting (SKIP LOCKED), and never the same rows.
func TestClaimSkipsRowsAnotherWorkerIsClaiming(t *testing.T) {
	d := dbtest.Postgres(t)
	ctx := context.Background()
	setClock(t, t0)
	for i := 0; i < 10; i++ {
		enqueue(t, d, good())
	}
	tx1, err := d.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback()
	_, first, err := claim(ctx, d, tx1, db.Now(), 5, time.Minute, 8)
	if err != nil || len(first) != 5 {
		t.Fatalf("first claim: %d, %v", len(first), err)
	}

	ctx2, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	tx2, err := d.BeginTx(ctx2, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx2.Rollback()
	_, second, err := claim(ctx2, d, tx2, db.Now(), 10, time.Minute, 8)
	if err != nil {
		t.Fatalf("second claim while the first is open: %v", err)
	}
	if len(second) != 5 {
		t.Fatalf("second claim took %d rows, want the other 5", len(second))
	}
	mine := map[string]bool{}
	for _, c := range first {
		mine[c.ID] = true
	}
	for _, c := range second {
		if mine[c.ID] {
			t.Fatalf("both claims took %s", c.ID)
		}
	}
	if err := tx2.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}
	if k := dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox WHERE status = 'sending' AND attempts = 1"); k != 10 {
		t.Fatalf("%d rows claimed once, want 10", k)
	}
}

// A run stopped part way records what it sent and hands the rest back
// untried, due at once and with no attempt counted.
func TestStoppingHandsBackUntriedMessages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		setClock(t, t0)
		for i := 0; i < 3; i++ {
			enqueue(t, d, good())
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := &Worker{DB: d, Sender: SenderFunc(func(context.Context, Email) (string, error) {
			cancel() // shutdown arrives during the first send, which succeeds
			return "p1", nil
		})}
		sent, _, err := w.RunOnce(ctx)
		if sent != 1 || !errors.Is(err, context.Canceled) {
			t.Fatalf("RunOnce = %d, %v", sent, err)
		}
		if k := dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'"); k != 1 {
			t.Fatalf("%d sent, want 1", k)
		}
		if k := dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND attempts = 0 AND claim_token IS NULL AND next_attempt_at <= $1", t0); k != 2 {
			t.Fatalf("%d handed back, want 2", k)
		}
	})
}

func TestRunSendsEverythingAndStops(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		setClock(t, t0)
		srv := smtptest.Start(t, smtptest.Options{})
		for i := 0; i < 12; i++ {
			enqueue(t, d, good())
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- (&Worker{DB: d, Sender: smtpSender(srv), Batch: 5}).Run(ctx, time.Hour) }()
		deadline := time.Now().Add(20 * time.Second)
		for len(srv.Messages()) < 12 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("Run = %v", err)
		}
		// Full batches are followed at once by the next, without waiting the hour.
		if n := len(srv.Messages()); n != 12 {
			t.Fatalf("Run sent %d, want 12", n)
		}
	})
}
