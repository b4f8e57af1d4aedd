package casework

import (
	"context"
	"database/sql"
	"errors"

	"joinedup/internal/access"
	"joinedup/internal/db"
)

// GetIn reads a child's case inside a transaction the caller holds and has
// already checked access in (package plan: the final plan may not be issued
// before the clock's R5 not-before date). It writes no audit row: the caller's
// own change is audited.
func GetIn(ctx context.Context, tx *sql.Tx, a access.Actor, childID string, p access.Permission) (Case, error) {
	return read(ctx, tx, a, p, childID, db.Now())
}

// FamilyEmails are the addresses of everyone who decides for the child (those
// with parental responsibility, and the young person), as letters use them.
func FamilyEmails(ctx context.Context, tx *sql.Tx, childID string) ([]string, error) {
	return familyEmails(ctx, tx, childID)
}

// LetterFor is the id of the decision letter sent about the event eventID,
// "" when none has been (package plan: the final plan's letter, to link to).
// The caller has checked access to the child whose event it is.
func LetterFor(ctx context.Context, tx *sql.Tx, eventID string) (string, error) {
	var id string
	err := tx.QueryRowContext(ctx, "SELECT id FROM ehc_letters WHERE event_id = $1", eventID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}
