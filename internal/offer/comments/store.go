package comments

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
)

// Store is the comments. Sending one needs nobody; reading the queue,
// answering and closing need offer.moderate (anyone else gets NotFound, as
// for a missing comment); the public page reads only what may be published.
type Store struct{ DB *db.DB }

var notFound = apperr.Errorf(apperr.NotFound, "there is no such comment")

// AboutOffer is the name a comment about the Local Offer as a whole carries.
const AboutOffer = "The Local Offer"

// ServiceName is the name of the Local Offer entry id, or NotFound.
func (st *Store) ServiceName(ctx context.Context, id string) (string, error) {
	var name string
	err := st.DB.QueryRowContext(ctx, "SELECT name FROM offer_services WHERE id = $1", id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.Errorf(apperr.NotFound, "there is no such service")
	}
	return name, err
}

// Send stores a comment about service serviceID ("" for the Local Offer as
// a whole) as new. Nothing is stored when the form is wrong.
func (st *Store) Send(ctx context.Context, serviceID string, f Form) (string, error) {
	if err := f.Validate(); err != nil {
		return "", err
	}
	name := AboutOffer
	if serviceID != "" {
		var err error
		if name, err = st.ServiceName(ctx, serviceID); err != nil {
			return "", err
		}
	}
	id := uuid.NewString()
	publish := 0
	if f.Publish {
		publish = 1
	}
	_, err := st.DB.ExecContext(ctx, `INSERT INTO offer_comments (id, service_id, service_name, kind, words, email, publish, status, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8)`, id, null(serviceID), name, f.Kind, f.Words, null(f.Email), publish, db.Now())
	return id, err
}

const itemCols = `c.id, COALESCE(c.service_id, ''), c.service_name, c.kind, c.words, COALESCE(c.email, ''), c.publish, c.status,
	c.received_at, COALESCE(c.response, ''), COALESCE(c.reason, ''), COALESCE(c.decided_by, ''), COALESCE(c.decided_by_name, ''), c.decided_at`

func scanItems(rows *sql.Rows) ([]Item, error) {
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var c Item
		var publish int
		var decided sql.NullTime
		if err := rows.Scan(&c.ID, &c.ServiceID, &c.ServiceName, &c.Kind, &c.Words, &c.Email, &publish, &c.Status,
			&c.ReceivedAt, &c.Response, &c.Reason, &c.DecidedBy, &c.DecidedName, &decided); err != nil {
			return nil, err
		}
		c.Publish = publish == 1
		c.DecidedAt = decided.Time
		out = append(out, c)
	}
	return out, rows.Err()
}

// Queue is the new comments, oldest first: the order they should be answered in.
func (st *Store) Queue(ctx context.Context, a access.Actor) ([]Item, error) {
	if !a.May(access.OfferModerate) {
		return nil, notFound
	}
	rows, err := st.DB.QueryContext(ctx, "SELECT "+itemCols+" FROM offer_comments c WHERE c.status = 'new' ORDER BY c.received_at, c.id")
	if err != nil {
		return nil, err
	}
	return scanItems(rows)
}

// Get is one comment, for an editor.
func (st *Store) Get(ctx context.Context, a access.Actor, id string) (Item, error) {
	if !a.May(access.OfferModerate) {
		return Item{}, notFound
	}
	rows, err := st.DB.QueryContext(ctx, "SELECT "+itemCols+" FROM offer_comments c WHERE c.id = $1", id)
	if err != nil {
		return Item{}, err
	}
	list, err := scanItems(rows)
	if err != nil {
		return Item{}, err
	}
	if len(list) == 0 {
		return Item{}, notFound
	}
	return list[0], nil
}

// Respond answers a new comment and marks it addressed. The response is what
// the public page shows beside the words when the sender agreed to publication.
func (st *Store) Respond(ctx context.Context, a access.Actor, id, response string) error {
	return st.decide(ctx, a, id, Addressed, "response", response,
		"Enter the response: what the Local Offer team did, or will do, about it")
}

// Close closes a new comment without publishing it, for the reason given
// (for example: it names a child, or is about something else).
func (st *Store) Close(ctx context.Context, a access.Actor, id, reason string) error {
	return st.decide(ctx, a, id, NotPublished, "reason", reason, "Enter why this comment is not published")
}

func (st *Store) decide(ctx context.Context, a access.Actor, id, status, field, text, empty string) error {
	if !a.May(access.OfferModerate) {
		return notFound
	}
	text = strings.TrimSpace(text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		return &apperr.Error{Code: apperr.Invalid, Message: "The answer is missing", Fields: []apperr.Field{{Name: field, Message: empty}}}
	case n > MaxResponse || !utf8.ValidString(text):
		return &apperr.Error{Code: apperr.Invalid, Message: "The answer is too long",
			Fields: []apperr.Field{{Name: field, Message: "This must be 2,000 characters or fewer"}}}
	}
	return st.DB.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE offer_comments SET status = $2, `+field+` = $3, decided_by = $4, decided_by_name = $5,
			decided_at = $6 WHERE id = $1 AND status = 'new'`, id, status, text, a.PersonID, a.Name, db.Now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var one int
		if err := tx.QueryRowContext(ctx, "SELECT 1 FROM offer_comments WHERE id = $1", id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return notFound
		}
		return apperr.Errorf(apperr.Conflict, "this comment has already been answered or closed")
	})
}

// Published is the "you said, we did" page: how many comments were received
// and answered, and the answered ones whose senders agreed, by the month they
// were received, newest first. Nothing personal is read: no email, no editor.
func (st *Store) Published(ctx context.Context) (YouSaid, error) {
	var y YouSaid
	err := st.DB.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'addressed' THEN 1 ELSE 0 END), 0) FROM offer_comments`).
		Scan(&y.Received, &y.Answered)
	if err != nil {
		return y, err
	}
	rows, err := st.DB.QueryContext(ctx, `SELECT COALESCE(service_id, ''), service_name, kind, words, response, received_at, decided_at
		FROM offer_comments WHERE status = 'addressed' AND publish = 1 ORDER BY received_at DESC, id`)
	if err != nil {
		return y, err
	}
	defer rows.Close()
	for rows.Next() {
		var p Public
		if err := rows.Scan(&p.ServiceID, &p.ServiceName, &p.Kind, &p.Words, &p.Response, &p.ReceivedAt, &p.AnsweredAt); err != nil {
			return y, err
		}
		m := time.Date(p.ReceivedAt.Year(), p.ReceivedAt.Month(), 1, 0, 0, 0, 0, time.UTC)
		if n := len(y.Months); n == 0 || !y.Months[n-1].Month.Equal(m) {
			y.Months = append(y.Months, Month{Month: m})
		}
		y.Months[len(y.Months)-1].Comments = append(y.Months[len(y.Months)-1].Comments, p)
	}
	return y, rows.Err()
}

// LoadComment adds a comment as it stands, for the demo's bulk load.
func LoadComment(l *db.Loader, c Item) error {
	var decided any
	if !c.DecidedAt.IsZero() {
		decided = c.DecidedAt.UTC()
	}
	publish := 0
	if c.Publish {
		publish = 1
	}
	return l.Add("offer_comments", []string{"id", "service_id", "service_name", "kind", "words", "email", "publish", "status",
		"received_at", "response", "reason", "decided_by", "decided_by_name", "decided_at"},
		c.ID, null(c.ServiceID), c.ServiceName, c.Kind, c.Words, null(c.Email), publish, c.Status, c.ReceivedAt.UTC(),
		null(c.Response), null(c.Reason), null(c.DecidedBy), null(c.DecidedName), decided)
}

func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}
