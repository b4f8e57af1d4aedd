package oidc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
)

// ErrNoStaffMember is a sign-in by someone the provider knows but joinedup
// does not: not a forged response, but worth a line in the security log.
var ErrNoStaffMember = errors.New("sign-in refused: no staff member in joinedup matches this identity")

// Bind returns the staff member an identity signs in as.
//
// An identity already bound (issuer + subject) signs in as its person, whatever
// its email address now says. The first sign-in binds it to the staff member
// whose email address the provider vouches for, and only if that person works
// in the provider's organisation (or one of its teams): a council's identity
// provider cannot sign anyone in as a hospital's staff. A person is bound to
// at most one subject per issuer, so a second account at the provider with a
// copied email address cannot take over the first's binding.
func Bind(ctx context.Context, d *db.DB, id Identity) (personID string, err error) {
	now := db.Now().UTC().Truncate(time.Microsecond)
	err = d.Transact(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT person_id FROM staff_identities WHERE issuer = $1 AND subject = $2",
			id.Issuer, id.Subject).Scan(&personID)
		if err == nil {
			_, err = tx.ExecContext(ctx, "UPDATE staff_identities SET last_used_at = $3 WHERE issuer = $1 AND subject = $2",
				id.Issuer, id.Subject, now)
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		email := strings.ToLower(strings.TrimSpace(id.Email))
		if email == "" {
			return noStaffMember("the provider sent no email address to match on first sign-in")
		}
		if id.EmailDisowned {
			return noStaffMember("the provider says the email address is not verified, so it cannot bind a first sign-in")
		}
		// The organisation and every team under it, however deep.
		err = tx.QueryRowContext(ctx, `WITH RECURSIVE org(id) AS (
				SELECT id FROM organisations WHERE id = $1
				UNION SELECT o.id FROM organisations o JOIN org ON o.parent_id = org.id)
			SELECT p.id FROM people p WHERE LOWER(p.email) = $2 AND p.kind = 'staff' AND p.organisation_id IN (SELECT id FROM org)`,
			id.OrganisationID, email).Scan(&personID)
		if errors.Is(err, sql.ErrNoRows) {
			return noStaffMember("no staff member of the provider's organisation has the email address the provider sent")
		}
		if err != nil {
			return err
		}
		var bound int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM staff_identities WHERE person_id = $1 AND issuer = $2",
			personID, id.Issuer).Scan(&bound); err != nil {
			return err
		}
		if bound > 0 {
			return noStaffMember("the staff member with this email address is already bound to another subject at this issuer")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO staff_identities (issuer, subject, person_id, provider_id, bound_at, last_used_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, id.Issuer, id.Subject, personID, id.ProviderID, now)
		return err
	})
	if db.IsUniqueViolation(err) { // a second sign-in raced this one to bind: try again, it is bound now
		return Bind(ctx, d, id)
	}
	if err != nil {
		var ns *noStaff
		if errors.As(err, &ns) {
			return "", err
		}
		return "", fmt.Errorf("oidc: bind an identity: %w", err)
	}
	return personID, nil
}

// noStaff is a Bind refusal: Error() is for the log, the apperr is for the person.
type noStaff struct{ detail string }

func noStaffMember(detail string) error { return &noStaff{detail} }

func (e *noStaff) Error() string { return ErrNoStaffMember.Error() + ": " + e.detail }
func (e *noStaff) Is(target error) bool {
	return target == ErrNoStaffMember
}
func (e *noStaff) As(target any) bool {
	t, ok := target.(**apperr.Error)
	if ok {
		*t = pub(apperr.Forbidden, "You signed in with your organisation, but joinedup has no staff account for you yet. "+
			"Ask your manager to add you, with the email address your organisation uses for you.")
	}
	return ok
}
