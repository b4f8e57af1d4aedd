// Package notify tells families and young people when something changes.
//
// A capability calls Enqueue inside the transaction of the change itself, so
// the change and its message are committed together or not at all. A Worker,
// which may run in every joinedup instance at once, later claims due
// messages, sends them through a Sender (SMTP or GOV.UK Notify) outside any
// transaction, and records the result, retrying with backoff. Everything is
// in the outbox table; nothing lives only in memory.
//
// Every message says what changed and what to do: "you have new information,
// log in to see it" is refused.
package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
)

// Message is one email to a family or young person.
type Message struct {
	To          string // one email address, without a display name
	Subject     string // says what the message is about, e.g. "Your named contact has changed"
	WhatChanged string // the change itself, in full: "Your named contact is now Amira Hussain, 01905 000000."
	WhatToDo    string // what the reader needs to do, or that they need do nothing
	Reference   string // opaque id of the cause (e.g. "ehc-contact:4f1c…"), never personal data
}

// Footer ends every message body, saying how to reach the team. The wiring
// may set it once at startup, before any message is enqueued, to the
// partnership's own contact details; each body keeps the footer it was
// written with.
var Footer = "If you have a question about this message, reply to this email or contact your SEND team. " +
	"Please quote the reference below."

// Limits on what a message may hold.
const (
	minWhatChanged = 20 // runes left once stock phrases are taken out
	minSubject     = 10
	minWhatToDo    = 10
	maxSubject     = 150
	maxText        = 2000
	maxReference   = 100
)

// vague are stock phrases that say nothing by themselves. A subject or
// "what changed" made only of these (and punctuation) is refused: the family
// must be told the change itself, not that there is one.
var vague = []string{
	"you have new information",
	"there is new information",
	"new information is available",
	"new information",
	"you have a new message",
	"you have a message",
	"new message",
	"there has been a change to your record",
	"there has been a change",
	"something has changed",
	"your record has been updated",
	"your details have been updated",
	"there is an update",
	"you have an update",
	"update",
	"updated",
	"notification",
	"important",
	"please log in to the portal to see it",
	"please log in to the portal",
	"log in to the portal to see it",
	"log in to see it",
	"log in to the portal",
	"sign in to the portal",
	"see the portal",
	"check the portal",
	"it is on the portal",
	"please check",
	"please",
	"for details",
	"to see it",
	"on your account",
	"your account",
}

// referencePattern keeps references to opaque identifiers: no spaces, no "@",
// so neither a name nor an email address fits.
var referencePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/-]*$`)

// Enqueue validates m and writes it to the outbox inside tx, the transaction
// of the change that causes it; it is sent only if tx commits. It returns the
// message's id, or an apperr Invalid error naming every field that is wrong,
// in which case nothing is written.
func Enqueue(ctx context.Context, tx *sql.Tx, m Message) (string, error) {
	m = tidy(m)
	if err := Validate(m); err != nil {
		return "", err
	}
	if tx == nil {
		return "", errors.New("notify: Enqueue needs the transaction of the change it reports")
	}
	id := uuid.NewString()
	now := stamp(db.Now())
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (id, created_at, channel, recipient, subject, what_changed,
		what_to_do, body, reference, status, attempts, next_attempt_at)
		VALUES ($1, $2, 'email', $3, $4, $5, $6, $7, $8, 'pending', 0, $9)`,
		id, now, m.To, m.Subject, m.WhatChanged, m.WhatToDo, Body(m), m.Reference, now)
	if err != nil {
		return "", fmt.Errorf("notify: write to the outbox: %w", err)
	}
	return id, nil
}

// tidy trims the spaces people leave around fields.
func tidy(m Message) Message {
	m.To = strings.TrimSpace(m.To)
	m.Subject = strings.TrimSpace(m.Subject)
	m.WhatChanged = strings.TrimSpace(m.WhatChanged)
	m.WhatToDo = strings.TrimSpace(m.WhatToDo)
	m.Reference = strings.TrimSpace(m.Reference)
	return m
}

// Validate reports every field of m that is wrong, as an apperr Invalid error.
func Validate(m Message) error {
	m = tidy(m)
	var fs apperr.Fields
	if msg := checkAddress(m.To); msg != "" {
		fs.Add("to", msg)
	}
	switch {
	case m.Subject == "":
		fs.Add("subject", "is required")
	case hasControl(m.Subject, false):
		fs.Add("subject", "must be one line of text")
	case utf8.RuneCountInString(m.Subject) > maxSubject:
		fs.Add("subject", fmt.Sprintf("must be %d characters or fewer", maxSubject))
	case utf8.RuneCountInString(substance(m.Subject)) < minSubject:
		fs.Add("subject", "must say what the message is about, not only that there is news")
	}
	switch {
	case m.WhatChanged == "":
		fs.Add("what changed", "is required")
	case hasControl(m.WhatChanged, true):
		fs.Add("what changed", "must be plain text")
	case utf8.RuneCountInString(m.WhatChanged) > maxText:
		fs.Add("what changed", fmt.Sprintf("must be %d characters or fewer", maxText))
	case utf8.RuneCountInString(substance(m.WhatChanged)) < minWhatChanged:
		fs.Add("what changed", "must say what has changed in full (for example the new contact's name and phone number), not only that something has")
	}
	switch {
	case m.WhatToDo == "":
		fs.Add("what to do", "is required (say so if they need do nothing)")
	case hasControl(m.WhatToDo, true):
		fs.Add("what to do", "must be plain text")
	case utf8.RuneCountInString(m.WhatToDo) > maxText:
		fs.Add("what to do", fmt.Sprintf("must be %d characters or fewer", maxText))
	case utf8.RuneCountInString(m.WhatToDo) < minWhatToDo:
		fs.Add("what to do", "must say what to do, or that nothing needs doing")
	}
	switch {
	case m.Reference == "":
		fs.Add("reference", "is required: the id of what caused the message")
	case len(m.Reference) > maxReference:
		fs.Add("reference", fmt.Sprintf("must be %d characters or fewer", maxReference))
	case !referencePattern.MatchString(m.Reference):
		fs.Add("reference", "must be an opaque id (letters, digits and . _ : / -), never personal data")
	}
	return fs.Err("message")
}

// checkAddress returns why addr is not a plausible email address, or "".
func checkAddress(addr string) string {
	if addr == "" {
		return "is required"
	}
	if len(addr) > 254 || hasControl(addr, false) || strings.ContainsAny(addr, " \t") {
		return "is not an email address"
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != addr {
		return "is not an email address"
	}
	at := strings.LastIndexByte(addr, '@')
	local, domain := addr[:at], addr[at+1:]
	if local == "" || !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") || strings.ContainsAny(domain, "[]") {
		return "is not an email address"
	}
	return ""
}

// hasControl reports control characters; newlines are allowed when multiline.
func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

var nonWord = regexp.MustCompile(`[^\p{L}\p{N}]+`)

// substance returns what is left of s, lower-cased, once the stock phrases
// and punctuation are taken out.
func substance(s string) string {
	t := " " + strings.TrimSpace(nonWord.ReplaceAllString(strings.ToLower(s), " ")) + " "
	for again := true; again; {
		again = false
		for _, p := range vague {
			if u := strings.ReplaceAll(t, " "+p+" ", " "); u != t {
				t, again = u, true
			}
		}
	}
	return strings.Join(strings.Fields(t), " ")
}

// Body is the plain-text body of m: what changed, what to do, and how to
// reach the team. No greeting: the reader's name is not needed to tell them.
func Body(m Message) string {
	m = tidy(m)
	var b strings.Builder
	b.WriteString("What has changed\n\n")
	b.WriteString(lines(m.WhatChanged))
	b.WriteString("\n\nWhat you need to do\n\n")
	b.WriteString(lines(m.WhatToDo))
	b.WriteString("\n\nHow to contact us\n\n")
	b.WriteString(strings.TrimSpace(Footer))
	b.WriteString("\n\nOur reference: ")
	b.WriteString(m.Reference)
	b.WriteString("\n")
	return b.String()
}

func lines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// stamp is t as both databases keep it: UTC, to the microsecond. On SQLite
// times are compared as text, which orders correctly only when all are UTC.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// Email is one message as a Sender sends it.
type Email struct {
	ID        string // the outbox id: stable across retries
	To        string
	Subject   string
	Body      string // plain text
	Reference string
}

// Sender delivers one email. It returns the provider's id for the message, or
// an error: wrapped with Permanent when trying again cannot help (the address
// is refused, the request is malformed), otherwise the message is retried.
type Sender interface {
	Send(ctx context.Context, e Email) (providerID string, err error)
}

// SenderFunc lets a function be a Sender.
type SenderFunc func(ctx context.Context, e Email) (string, error)

func (f SenderFunc) Send(ctx context.Context, e Email) (string, error) { return f(ctx, e) }

type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }

// Permanent marks err as a failure that retrying will not fix.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, was marked Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}
