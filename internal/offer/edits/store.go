package edits

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/offer"
)

// Store is the edits and who may make and decide them. Every call takes the
// actor: a provider reaches only its own organisation's services (another's
// is NotFound, as a missing one is); editors reach every service.
type Store struct{ DB *db.DB }

// Service is a line of a provider's list of its services.
type Service struct {
	ID, Name, Organization string
	LastChecked            time.Time
	Open                   string // the open edit's status, or ""
}

// ReviewBy is when the service is due to be confirmed again.
func (s Service) ReviewBy() time.Time { return ReviewBy(s.LastChecked) }

// Stale says whether the service is past its review-by date at now.
func (s Service) Stale(now time.Time) bool { return now.After(s.ReviewBy()) }

var notFound = apperr.Errorf(apperr.NotFound, "there is no such service")

// memberOrgs is the condition "the provider organisation col is one the actor acts for".
func memberCond(col string) string {
	return col + ` IN (SELECT m.offer_organization_id FROM offer_provider_members m WHERE m.organisation_id IN ($1, $2))`
}

func memberArgs(a access.Actor) []any { return []any{a.TeamID, a.OrganisationID} }

// Services lists the services of the provider organisations a acts for,
// by name, each with its open edit if any.
func (st *Store) Services(ctx context.Context, a access.Actor) ([]Service, error) {
	if !a.May(access.OfferProvide) {
		return nil, nil
	}
	rows, err := st.DB.QueryContext(ctx, `SELECT s.id, s.name, o.name, s.last_checked, COALESCE(e.status, '')
		FROM offer_services s JOIN offer_organizations o ON o.id = s.organization_id
		LEFT JOIN offer_service_edits e ON e.service_id = s.id AND e.status IN ('pending', 'returned')
		WHERE `+memberCond("s.organization_id")+` ORDER BY s.name, s.id`, memberArgs(a)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Service
	for rows.Next() {
		var s Service
		if err := rows.Scan(&s.ID, &s.Name, &s.Organization, &s.LastChecked, &s.Open); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// mayReach says whether a may see service id's edits: an editor always, a
// provider for its own organisation's services.
func (st *Store) mayReach(ctx context.Context, q querier, a access.Actor, serviceID string) error {
	if a.May(access.OfferModerate) {
		return nil
	}
	if !a.May(access.OfferProvide) {
		return notFound
	}
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM offer_services s WHERE s.id = $3 AND "+memberCond("s.organization_id"),
		a.TeamID, a.OrganisationID, serviceID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound
	}
	return err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Draft is a service as its provider sees it for editing: the live version,
// its open edit if any, and when it is due for review.
type Draft struct {
	Live offer.Service
	Open *Edit
}

// Form is the form to show: the open edit's, else the live service's.
func (d Draft) Form() Form {
	if d.Open != nil {
		return FormOf(d.Open.After)
	}
	return FormOf(d.Live)
}

// ForProvider returns service id as a (a provider of it, or an editor) may edit it.
func (st *Store) ForProvider(ctx context.Context, a access.Actor, id string) (Draft, error) {
	if err := st.mayReach(ctx, st.DB, a, id); err != nil {
		return Draft{}, err
	}
	live, err := (&offer.Store{DB: st.DB}).Service(ctx, id)
	if err != nil {
		return Draft{}, err
	}
	d := Draft{Live: live}
	list, err := st.list(ctx, st.DB, "e.service_id = $1 AND e.status IN ('pending', 'returned')", id)
	if err != nil {
		return Draft{}, err
	}
	if len(list) > 0 {
		d.Open = &list[0]
	}
	return d, nil
}

// Propose stores a's edit of service id as pending: a new edit, or the
// open pending one updated (see the package comment). Nothing is stored
// when the form is invalid or changes nothing.
func (st *Store) Propose(ctx context.Context, a access.Actor, id string, f Form) (Edit, error) {
	if !a.May(access.OfferProvide) {
		return Edit{}, notFound
	}
	d, err := st.ForProvider(ctx, a, id)
	if err != nil {
		return Edit{}, err
	}
	after, err := f.Apply(d.Live)
	if err != nil {
		return Edit{}, err
	}
	if len(Diff(d.Live, after)) == 0 {
		return Edit{}, &apperr.Error{Code: apperr.Invalid, Message: "Nothing has changed",
			Fields: []apperr.Field{{Name: "name", Message: "Change at least one answer, or use “Confirm it is still correct” if nothing needs changing"}}}
	}
	now := db.Now()
	e := Edit{ID: uuid.NewString(), ServiceID: id, OrganizationID: d.Live.OrganizationID, Status: Pending,
		Before: d.Live, After: after, EditedBy: a.PersonID, EditedByName: a.Name, EditedAt: now}
	err = st.DB.Transact(ctx, func(tx *sql.Tx) error {
		var openID, status string
		err := tx.QueryRowContext(ctx, "SELECT id, status FROM offer_service_edits WHERE service_id = $1 AND status IN ('pending', 'returned')", id).Scan(&openID, &status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case status == Pending:
			e.ID = openID
			_, err = tx.ExecContext(ctx, `UPDATE offer_service_edits SET before_doc = $2, after_doc = $3, edited_by = $4, edited_by_name = $5,
				edited_at = $6 WHERE id = $1 AND status = 'pending'`, openID, encode(e.Before), encode(e.After), a.PersonID, a.Name, now)
			return err
		default:
			if _, err := tx.ExecContext(ctx, "UPDATE offer_service_edits SET status = 'resubmitted' WHERE id = $1", openID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO offer_service_edits (id, service_id, organization_id, status, before_doc, after_doc,
			edited_by, edited_by_name, edited_at) VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8)`,
			e.ID, id, e.OrganizationID, encode(e.Before), encode(e.After), a.PersonID, a.Name, now)
		if db.IsUniqueViolation(err) {
			return apperr.Errorf(apperr.Conflict, "someone else saved an edit of this service at the same moment: look at it and try again")
		}
		return err
	})
	return e, err
}

// Confirm records that a provider has checked service id and it is still
// right: its last-checked date (shown to families) becomes now, which moves
// its review-by date on. It changes nothing else and needs no approval.
func (st *Store) Confirm(ctx context.Context, a access.Actor, id string) error {
	if !a.May(access.OfferProvide) {
		return notFound
	}
	return st.DB.Transact(ctx, func(tx *sql.Tx) error {
		if err := st.mayReach(ctx, tx, a, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE offer_services SET last_checked = $2 WHERE id = $1", id, db.Now())
		return err
	})
}

const editCols = `e.id, e.service_id, e.organization_id, e.status, e.before_doc, e.after_doc, e.edited_by, e.edited_by_name,
	e.edited_at, COALESCE(e.decided_by, ''), COALESCE(e.decided_by_name, ''), e.decided_at, COALESCE(e.comments, '')`

// list reads the edits matching cond, newest first.
func (st *Store) list(ctx context.Context, q querier, cond string, args ...any) ([]Edit, error) {
	return st.query(ctx, q, "SELECT "+editCols+" FROM offer_service_edits e WHERE "+cond+" ORDER BY e.edited_at DESC, e.id", args...)
}

func (st *Store) query(ctx context.Context, q querier, stmt string, args ...any) ([]Edit, error) {
	rows, err := q.QueryContext(ctx, stmt, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Edit
	for rows.Next() {
		var e Edit
		var before, after string
		var decided sql.NullTime
		if err := rows.Scan(&e.ID, &e.ServiceID, &e.OrganizationID, &e.Status, &before, &after, &e.EditedBy, &e.EditedByName,
			&e.EditedAt, &e.DecidedBy, &e.DecidedByName, &decided, &e.Comments); err != nil {
			return nil, err
		}
		if e.Before, err = decode(before); err != nil {
			return nil, fmt.Errorf("edit %s: %w", e.ID, err)
		}
		if e.After, err = decode(after); err != nil {
			return nil, fmt.Errorf("edit %s: %w", e.ID, err)
		}
		e.DecidedAt = decided.Time
		out = append(out, e)
	}
	return out, rows.Err()
}

// Queue is the edits waiting for an editor, oldest first.
func (st *Store) Queue(ctx context.Context, a access.Actor) ([]Edit, error) {
	if !a.May(access.OfferModerate) {
		return nil, notFound
	}
	return st.query(ctx, st.DB, "SELECT "+editCols+" FROM offer_service_edits e WHERE e.status = 'pending' ORDER BY e.edited_at, e.id")
}

// Edit returns one edit for an editor.
func (st *Store) Edit(ctx context.Context, a access.Actor, id string) (Edit, error) {
	if !a.May(access.OfferModerate) {
		return Edit{}, notFound
	}
	list, err := st.list(ctx, st.DB, "e.id = $1", id)
	if err != nil {
		return Edit{}, err
	}
	if len(list) == 0 {
		return Edit{}, apperr.Errorf(apperr.NotFound, "there is no such edit")
	}
	return list[0], nil
}

// History is every edit of service id, newest first, for its provider or an editor.
func (st *Store) History(ctx context.Context, a access.Actor, id string) ([]Edit, error) {
	if err := st.mayReach(ctx, st.DB, a, id); err != nil {
		return nil, err
	}
	return st.list(ctx, st.DB, "e.service_id = $1", id)
}

// Approve makes the edits with ids live, all or none: each must be
// pending. The provider's answers are applied to each live service and the
// services rewritten (offer.ImportThen) in the same transaction that marks
// the edits approved; approving also counts as the service being checked.
func (st *Store) Approve(ctx context.Context, a access.Actor, ids []string) error {
	if !a.May(access.OfferModerate) {
		return notFound
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return &apperr.Error{Code: apperr.Invalid, Message: "No edits chosen",
			Fields: []apperr.Field{{Name: "edit", Message: "Select at least one edit to approve"}}}
	}
	now := db.Now()
	var items []offer.FeedItem
	for _, id := range ids {
		e, err := st.Edit(ctx, a, id)
		if apperr.CodeOf(err) == apperr.NotFound {
			return &apperr.Error{Code: apperr.Invalid, Message: "An edit chosen does not exist",
				Fields: []apperr.Field{{Name: "edit", Message: "There is no edit " + id}}}
		}
		if err != nil {
			return err
		}
		if e.Status != Pending {
			return apperr.Errorf(apperr.Conflict, "the edit of %s has already been %s: nothing was approved", e.After.Name, e.Status)
		}
		// The provider's answers go onto the service as it is live now, so
		// an import since the edit keeps what the form does not cover.
		live, err := (&offer.Store{DB: st.DB}).Service(ctx, e.ServiceID)
		if err != nil {
			return err
		}
		s, err := FormOf(e.After).Apply(live)
		if err != nil {
			return fmt.Errorf("the edit of %s no longer fits the service: %w", e.After.Name, err)
		}
		s.LastModified, s.LastChecked = now, now
		items = append(items, offer.FeedItem{Where: "the edit of " + s.Name, Service: s})
	}
	_, err := offer.ImportThen(ctx, st.DB, items, now, func(tx *sql.Tx) error {
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `UPDATE offer_service_edits SET status = 'approved', decided_by = $2, decided_by_name = $3,
				decided_at = $4 WHERE id = $1 AND status = 'pending'`, id, a.PersonID, a.Name, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return apperr.Errorf(apperr.Conflict, "an edit chosen was decided by someone else meanwhile: nothing was approved")
			}
		}
		return nil
	})
	return err
}

// MaxComments bounds an editor's comments.
const MaxComments = 2000

// Return sends a pending edit back to its provider with comments, which
// are required: the provider must know what to change.
func (st *Store) Return(ctx context.Context, a access.Actor, id, comments string) error {
	if !a.May(access.OfferModerate) {
		return notFound
	}
	comments = strings.TrimSpace(comments)
	switch n := utf8.RuneCountInString(comments); {
	case n == 0:
		return &apperr.Error{Code: apperr.Invalid, Message: "Say what needs changing",
			Fields: []apperr.Field{{Name: "comments", Message: "Enter comments for the provider saying what needs changing"}}}
	case n > MaxComments || !utf8.ValidString(comments):
		return &apperr.Error{Code: apperr.Invalid, Message: "Comments too long",
			Fields: []apperr.Field{{Name: "comments", Message: fmt.Sprintf("Comments must be %d characters or fewer", MaxComments)}}}
	}
	return st.DB.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE offer_service_edits SET status = 'returned', decided_by = $2, decided_by_name = $3,
			decided_at = $4, comments = $5 WHERE id = $1 AND status = 'pending'`, id, a.PersonID, a.Name, db.Now(), comments)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var one int
		if err := tx.QueryRowContext(ctx, "SELECT 1 FROM offer_service_edits WHERE id = $1", id).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.NotFound, "there is no such edit")
		}
		return apperr.Errorf(apperr.Conflict, "this edit has already been decided")
	})
}

// Stale lists, for an editor, the services whose providers have not
// confirmed them for ReviewEvery months at now, longest unchecked first.
func (st *Store) Stale(ctx context.Context, a access.Actor, now time.Time) ([]Service, error) {
	if !a.May(access.OfferModerate) {
		return nil, notFound
	}
	rows, err := st.DB.QueryContext(ctx, `SELECT s.id, s.name, o.name, s.last_checked, COALESCE(e.status, '')
		FROM offer_services s JOIN offer_organizations o ON o.id = s.organization_id
		LEFT JOIN offer_service_edits e ON e.service_id = s.id AND e.status IN ('pending', 'returned')
		WHERE s.last_checked < $1 ORDER BY s.last_checked, s.id`, now.AddDate(0, -ReviewEvery, 0).UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Service
	for rows.Next() {
		var s Service
		if err := rows.Scan(&s.ID, &s.Name, &s.Organization, &s.LastChecked, &s.Open); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
