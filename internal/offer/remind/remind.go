// Package remind tells Local Offer providers when an entry is due for review
// (issue 6, point 3): an email two weeks before its review-by date (its last
// confirmation plus edits.ReviewEvery months) and another once the date has
// passed, each at most once per review cycle. A provider who confirms or
// changes the entry starts a new cycle (a later review-by date).
//
// Who is told: the staff, with the offer_provider role and an email address
// and not disabled, of the organisations linked to the entry's provider
// (offer_provider_members, directly or as a team of one): they are the people
// who can sign in and confirm it. An entry with nobody linked goes to the
// service's own email, else its organisation's, with words that ask them to
// reply rather than sign in: it is the only address of its owner we have,
// and saying nothing would let the entry go stale unseen.
//
// Only active and temporarily closed services are reminded: an inactive or
// defunct one is not on offer, and a deleted one is not there.
//
// Idempotent: offer_review_reminders is keyed by service, review-by date and
// kind, and its row is inserted (doing nothing on a conflict) in the same
// transaction as the messages (internal/notify). Running twice, or on two
// instances at once, sends nothing new: the second insert finds the row.
package remind

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/notify"
	"joinedup/internal/offer/edits"
)

// Notice is how long before the review-by date the first reminder goes.
const Notice = 14 // days

// Kinds of reminder.
const (
	Due     = "due"     // the review-by date is at most two weeks away
	Overdue = "overdue" // the review-by date has passed
)

// Options say what a run needs beyond the database.
type Options struct {
	Today   date.Date
	BaseURL string // where providers sign in, for the link; "" leaves the link out
}

// Sent is one reminder a run sent.
type Sent struct {
	ServiceID, Service string
	ReviewBy           date.Date
	Kind               string
	Recipients         int // 0 when nobody could be told (recorded, so not retried daily)
}

// ReviewByDate is the day a service last confirmed at checked is due for
// review, counted from the day it was confirmed in England.
func ReviewByDate(checked time.Time) date.Date {
	return date.FromTime(edits.ReviewBy(checked.In(date.England)))
}

// KindOn is the reminder a service due for review on reviewBy needs on
// today, or "" for none yet.
func KindOn(reviewBy, today date.Date) string {
	switch {
	case today.After(reviewBy):
		return Overdue
	case !today.Before(reviewBy.AddDays(-Notice)):
		return Due
	}
	return ""
}

type candidate struct {
	id, name, email, orgEmail, orgID string
	reviewBy                         date.Date
	kind                             string
}

// Run sends the reminders due on o.Today and says what it sent.
func Run(ctx context.Context, d *db.DB, o Options) ([]Sent, error) {
	// Services whose review-by date is within the notice: checked before
	// today plus the notice, less the review period (with a few days' slack,
	// since adding months is not undone by taking them away; KindOn decides).
	cutoff := o.Today.AddDays(Notice+4).Time().AddDate(0, -edits.ReviewEvery, 0)
	rows, err := d.QueryContext(ctx, `SELECT s.id, s.name, COALESCE(s.email, ''), COALESCE(o.email, ''), s.organization_id, s.last_checked
		FROM offer_services s JOIN offer_organizations o ON o.id = s.organization_id
		WHERE s.status IN ('active', 'temporarily closed') AND s.last_checked < $1 ORDER BY s.last_checked, s.id`, cutoff)
	if err != nil {
		return nil, err
	}
	var due []candidate
	for rows.Next() {
		var c candidate
		var checked time.Time
		if err := rows.Scan(&c.id, &c.name, &c.email, &c.orgEmail, &c.orgID, &checked); err != nil {
			rows.Close()
			return nil, err
		}
		c.reviewBy = ReviewByDate(checked)
		if c.kind = KindOn(c.reviewBy, o.Today); c.kind != "" {
			due = append(due, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Sent
	for _, c := range due {
		var s *Sent
		err := d.Transact(ctx, func(tx *sql.Tx) error {
			var err error
			s, err = send(ctx, tx, c, o)
			return err
		})
		if err != nil {
			return out, fmt.Errorf("remind: %s: %w", c.id, err)
		}
		if s != nil {
			out = append(out, *s)
		}
	}
	return out, nil
}

// send records and writes c's reminder in tx, or returns nil if it was sent before.
func send(ctx context.Context, tx *sql.Tx, c candidate, o Options) (*Sent, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO offer_review_reminders (service_id, review_by, kind, sent_at, recipients)
		VALUES ($1, $2, $3, $4, 0) ON CONFLICT DO NOTHING`, c.id, c.reviewBy.Time(), c.kind, db.Now())
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, nil // sent before, by this run's predecessor or another instance
	}
	staff, err := providerStaff(ctx, tx, c.orgID)
	if err != nil {
		return nil, err
	}
	to, signIn := staff, true
	if len(to) == 0 {
		signIn = false
		if c.email != "" {
			to = []string{c.email}
		} else if c.orgEmail != "" {
			to = []string{c.orgEmail}
		}
	}
	for _, addr := range to {
		if _, err := notify.Enqueue(ctx, tx, message(c, o, addr, signIn)); err != nil {
			return nil, err
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE offer_review_reminders SET recipients = $4 WHERE service_id = $1 AND review_by = $2 AND kind = $3",
		c.id, c.reviewBy.Time(), c.kind, len(to)); err != nil {
		return nil, err
	}
	return &Sent{ServiceID: c.id, Service: c.name, ReviewBy: c.reviewBy, Kind: c.kind, Recipients: len(to)}, nil
}

// providerStaff are the email addresses of the staff who may confirm the
// entries of the provider organisation orgID.
func providerStaff(ctx context.Context, tx *sql.Tx, orgID string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT p.email FROM people p
		JOIN role_grants g ON g.person_id = p.id AND g.role = 'offer_provider'
		JOIN organisations o ON o.id = p.organisation_id
		WHERE p.kind = 'staff' AND p.email IS NOT NULL AND p.disabled_at IS NULL
		AND (o.id IN (SELECT organisation_id FROM offer_provider_members WHERE offer_organization_id = $1)
			OR o.parent_id IN (SELECT organisation_id FROM offer_provider_members WHERE offer_organization_id = $1))
		ORDER BY p.email`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// message is the email about c to addr; signIn when addr can sign in to confirm.
func message(c candidate, o Options, addr string, signIn bool) notify.Message {
	by := c.reviewBy.Time().Format("2 January 2006")
	m := notify.Message{To: addr, Reference: "offer-review:" + c.id + ":" + c.reviewBy.String() + ":" + c.kind}
	if c.kind == Due {
		m.Subject = "Check your Local Offer entry by " + by
		m.WhatChanged = "Your Local Offer entry “" + c.name + "” is due to be checked by " + by +
			". Families rely on it being right, so each entry is confirmed every " + fmt.Sprint(edits.ReviewEvery) + " months."
	} else {
		m.Subject = "Your Local Offer entry was due to be checked on " + by
		m.WhatChanged = "Your Local Offer entry “" + c.name + "” was due to be checked on " + by +
			" and has not been confirmed since. It is now listed as out of date for the Local Offer team."
	}
	if signIn {
		where := "sign in to joinedup and open Your Local Offer entries"
		if o.BaseURL != "" {
			where = "sign in at " + o.BaseURL + "/staff/offer/services/" + c.id
		}
		m.WhatToDo = "Please " + where + ", then confirm the entry is still right or change what is not."
	} else {
		m.WhatToDo = "Please reply to this email to confirm the entry is still right, or tell us what has changed."
	}
	return m
}
