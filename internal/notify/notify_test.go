package notify

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// good is a message that says what changed and what to do.
func good() Message {
	return Message{
		To:          "parent.carer@example.org.uk",
		Subject:     "Your named contact has changed",
		WhatChanged: "Your named contact is now Amira Hussain, 01905 000000.",
		WhatToDo:    "You do not need to do anything. Call Amira if you have a question about the plan.",
		Reference:   "ehc-contact:4f1c2b7e-0d6a-4f7e-9a51-7c2f0e1d9b3a",
	}
}

func TestValidateAcceptsAClearMessage(t *testing.T) {
	if err := Validate(good()); err != nil {
		t.Fatalf("Validate(good) = %v", err)
	}
	m := good()
	m.To = "  a.b+c@school.sch.uk "
	m.WhatChanged = "The panel agreed to assess Sam's needs. The assessment starts on 3 March 2026."
	if err := Validate(m); err != nil {
		t.Fatalf("Validate = %v", err)
	}
}

// Every bad message is refused with the field named.
func TestValidateNamesTheField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Message)
		field string
	}{
		{"no address", func(m *Message) { m.To = "" }, "to"},
		{"no domain dot", func(m *Message) { m.To = "parent@localhost" }, "to"},
		{"display name", func(m *Message) { m.To = "Amira <amira@example.org>" }, "to"},
		{"two addresses", func(m *Message) { m.To = "a@example.org, b@example.org" }, "to"},
		{"space in address", func(m *Message) { m.To = "a b@example.org" }, "to"},
		{"no local part", func(m *Message) { m.To = "@example.org" }, "to"},
		{"header injection", func(m *Message) { m.To = "a@example.org\r\nBcc: x@evil.example" }, "to"},
		{"no subject", func(m *Message) { m.Subject = "  " }, "subject"},
		{"vague subject", func(m *Message) { m.Subject = "Update" }, "subject"},
		{"vague subject 2", func(m *Message) { m.Subject = "You have new information!" }, "subject"},
		{"two-line subject", func(m *Message) { m.Subject = "Your contact\nBcc: x@evil.example" }, "subject"},
		{"long subject", func(m *Message) { m.Subject = strings.Repeat("Your plan ", 20) }, "subject"},
		{"no what changed", func(m *Message) { m.WhatChanged = "" }, "what changed"},
		{"too short", func(m *Message) { m.WhatChanged = "Contact changed." }, "what changed"},
		{"bare new information", func(m *Message) { m.WhatChanged = "You have new information." }, "what changed"},
		{"portal only", func(m *Message) {
			m.WhatChanged = "There is new information. Please log in to the portal to see it."
		}, "what changed"},
		{"update, check portal", func(m *Message) {
			m.WhatChanged = "Update: there has been a change to your record. Please check the portal for details."
		}, "what changed"},
		{"no what to do", func(m *Message) { m.WhatToDo = "" }, "what to do"},
		{"too short what to do", func(m *Message) { m.WhatToDo = "Nothing." }, "what to do"},
		{"no reference", func(m *Message) { m.Reference = "" }, "reference"},
		{"email as reference", func(m *Message) { m.Reference = "amira@example.org" }, "reference"},
		{"name as reference", func(m *Message) { m.Reference = "Sam Smith" }, "reference"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := good()
			c.edit(&m)
			err := Validate(m)
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("Validate = %v, want Invalid", err)
			}
			var ae *apperr.Error
			errors.As(err, &ae)
			var named []string
			for _, f := range ae.Fields {
				named = append(named, f.Name)
			}
			if len(named) != 1 || named[0] != c.field {
				t.Fatalf("fields named = %v, want only %q (%v)", named, c.field, err)
			}
		})
	}
}

func TestBodySaysWhatChangedWhatToDoAndHowToReachUs(t *testing.T) {
	m := good()
	b := Body(m)
	for _, want := range []string{
		"What has changed\n\nYour named contact is now Amira Hussain, 01905 000000.\n",
		"What you need to do\n\nYou do not need to do anything.",
		"How to contact us\n\n" + Footer,
		"Our reference: " + m.Reference + "\n",
	} {
		if !strings.Contains(b, want) {
			t.Errorf("body lacks %q:\n%s", want, b)
		}
	}
	if strings.HasPrefix(b, "Dear") || strings.Contains(b, "Hello") {
		t.Errorf("body has a greeting:\n%s", b)
	}
}

func TestEnqueueIsPartOfTheTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := setClock(t, time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC))

		// The change rolls back: so does its message.
		boom := errors.New("the change failed")
		err := d.Transact(ctx, func(tx *sql.Tx) error {
			if _, err := Enqueue(ctx, tx, good()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Transact = %v", err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox"); n != 0 {
			t.Fatalf("a rolled-back message was kept: %d rows", n)
		}

		// A bad message is refused, naming the field, and nothing is written
		// even though the transaction commits.
		bad := good()
		bad.WhatChanged = "You have new information."
		err = d.Transact(ctx, func(tx *sql.Tx) error {
			_, err := Enqueue(ctx, tx, bad)
			if err == nil || !strings.Contains(err.Error(), "what changed") || apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("Enqueue(vague) = %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox"); n != 0 {
			t.Fatalf("a refused message was written: %d rows", n)
		}

		// A good one commits with its change.
		id := enqueue(t, d, good())
		var status, body, recipient, ref string
		var attempts int
		var created, next time.Time
		if err := d.QueryRowContext(ctx, `SELECT status, body, recipient, reference, attempts, created_at, next_attempt_at
			FROM outbox WHERE id = $1`, id).Scan(&status, &body, &recipient, &ref, &attempts, &created, &next); err != nil {
			t.Fatal(err)
		}
		if status != "pending" || attempts != 0 || body != Body(good()) || recipient != good().To || ref != good().Reference {
			t.Errorf("stored %q %d %q %q body=%q", status, attempts, recipient, ref, body)
		}
		if !created.Equal(now) || !next.Equal(now) {
			t.Errorf("created_at %v, next_attempt_at %v, want %v", created, next, now)
		}
	})
}

func TestEnqueueNeedsATransaction(t *testing.T) {
	if _, err := Enqueue(context.Background(), nil, good()); err == nil {
		t.Fatal("Enqueue without a transaction succeeded")
	}
}

func TestPermanent(t *testing.T) {
	base := errors.New("550 no such mailbox")
	if IsPermanent(base) || !IsPermanent(Permanent(base)) || Permanent(nil) != nil {
		t.Fatal("Permanent/IsPermanent disagree")
	}
	wrapped := errors.Join(errors.New("context"), Permanent(base))
	if !IsPermanent(wrapped) || !errors.Is(wrapped, base) {
		t.Fatal("a wrapped permanent error is not seen as permanent")
	}
}

func TestDescribeHidesTheAddressAndStaysShort(t *testing.T) {
	got := describe(errors.New("smtp RCPT TO: 550 5.1.1 <a@example.org>:\nno such user "+strings.Repeat("x", 600)), "a@example.org")
	if strings.Contains(got, "a@example.org") || strings.Contains(got, "\n") || len([]rune(got)) > maxError+1 {
		t.Fatalf("describe = %q", got)
	}
}

func TestBackoffGrows(t *testing.T) {
	want := []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour, 12 * time.Hour}
	for i, w := range want {
		if got := backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
}
