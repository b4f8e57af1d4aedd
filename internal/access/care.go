package access

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
)

// Link is one membership of a child's care team: a person or an organisation
// (usually a team), with the reason and purpose, who granted it, and when.
type Link struct {
	ID             string
	ChildID        string
	PersonID       string // one of PersonID
	OrganisationID string // and OrganisationID
	Reason         string
	Status         string // pending until a referral or transfer is accepted; active; rejected; ended
	Purpose        string
	GrantedBy      string
	StartsAt       time.Time
	EndsAt         time.Time // zero: open-ended
	ConsentID      string
	LawfulBasis    string
	Note           string
}

// BreakGlassFor is how long break-glass access lasts unless a manager ends it sooner.
const BreakGlassFor = 24 * time.Hour

// AddLink validates l and adds it to the care team in tx.
func AddLink(ctx context.Context, tx *sql.Tx, l Link) (Link, error) {
	if err := l.prepare(); err != nil {
		return Link{}, err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO care_team (`+strings.Join(linkCols, ", ")+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, l.row()...)
	return l, err
}

// LoadLink validates l and queues it in a bulk load (the demo, imports).
func LoadLink(ld *db.Loader, l Link) error {
	if err := l.prepare(); err != nil {
		return err
	}
	return ld.Add("care_team", linkCols, l.row()...)
}

// LoadGrant queues a role grant in a bulk load.
func LoadGrant(ld *db.Loader, personID, role string, scope Scope, by string, at time.Time) error {
	r, ok := RoleNamed(role)
	if !ok {
		return apperr.Errorf(apperr.Invalid, "there is no role %q", role)
	}
	if scope == "" {
		scope = r.DefaultScope
	}
	return ld.Add("role_grants", []string{"person_id", "role", "scope", "granted_by", "granted_at"}, personID, role, string(scope), by, at.UTC())
}

var linkCols = []string{"id", "child_id", "person_id", "organisation_id", "reason", "status", "purpose",
	"granted_by", "starts_at", "ends_at", "consent_id", "lawful_basis", "note"}

func (l Link) row() []any {
	return []any{l.ID, l.ChildID, null(l.PersonID), null(l.OrganisationID), l.Reason, l.Status, l.Purpose, l.GrantedBy,
		l.StartsAt.UTC(), nullTime(l.EndsAt), null(l.ConsentID), null(l.LawfulBasis), null(l.Note)}
}

// prepare validates l and fills its id and status.
func (l *Link) prepare() error {
	var fs apperr.Fields
	if l.ChildID == "" {
		fs.Add("child", "is required")
	}
	if (l.PersonID == "") == (l.OrganisationID == "") {
		fs.Add("member", "give a person or an organisation, not both")
	}
	if _, ok := reasonWords[l.Reason]; !ok || l.Reason == Parent || l.Reason == Self {
		fs.Add("reason", "is not a care-team reason")
	}
	if strings.TrimSpace(l.Purpose) == "" {
		fs.Add("purpose", "is required")
	}
	if l.GrantedBy == "" {
		fs.Add("granted by", "is required")
	}
	switch l.Reason {
	case ConsentShare:
		if l.ConsentID == "" {
			fs.Add("consent", "a consent share needs the consent it rests on")
		}
	case Safeguarding:
		if strings.TrimSpace(l.LawfulBasis) == "" {
			fs.Add("lawful basis", "sharing without consent needs the law it relies on")
		}
		if strings.TrimSpace(l.Note) == "" {
			fs.Add("reason", "sharing without consent needs a written reason")
		}
	case BreakGlassed:
		if strings.TrimSpace(l.Note) == "" {
			fs.Add("reason", "break-glass access needs a written reason")
		}
		if l.EndsAt.IsZero() {
			fs.Add("ends", "break-glass access must end")
		}
	}
	if err := fs.Err("care team link"); err != nil {
		return err
	}
	if l.ID == "" {
		l.ID = uuid.NewString()
	}
	if l.Status == "" {
		l.Status = "active"
	}
	return nil
}

// EndLink ends a care-team link at once.
func EndLink(ctx context.Context, tx *sql.Tx, id string, at time.Time) error {
	res, err := tx.ExecContext(ctx, "UPDATE care_team SET status = 'ended', ends_at = $2 WHERE id = $1 AND status IN ('pending', 'active')", id, at.UTC())
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.Errorf(apperr.NotFound, "no such care team link in force")
	}
	return nil
}

// BreakGlassAccess gives a time-boxed view of a child the actor has no
// relationship with, and raises an alert for their organisation's managers.
func BreakGlassAccess(ctx context.Context, tx *sql.Tx, a Actor, childID, reason string, now time.Time) (Link, error) {
	if _, ok := a.Can(BreakGlass); !ok || a.Kind != Staff {
		return Link{}, apperr.Errorf(apperr.Forbidden, "no role of yours allows break-glass access")
	}
	l, err := AddLink(ctx, tx, Link{ChildID: childID, PersonID: a.PersonID, Reason: BreakGlassed, Purpose: "emergency access",
		GrantedBy: a.PersonID, StartsAt: now, EndsAt: now.Add(BreakGlassFor), Note: reason})
	if err != nil {
		return Link{}, err
	}
	return l, raiseAlert(ctx, tx, a, BreakGlassed, l.ID, now)
}

// raiseAlert reports a link made without the usual relationship (break-glass,
// a safeguarding share) to the managers of the actor's organisation.
func raiseAlert(ctx context.Context, tx *sql.Tx, a Actor, kind, linkID string, now time.Time) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO access_alerts (id, organisation_id, kind, care_team_id, raised_at) VALUES ($1, $2, $3, $4, $5)",
		uuid.NewString(), a.OrganisationID, kind, linkID, now.UTC())
	return err
}

// LawfulBases are the laws a safeguarding share may rely on, as the person
// sharing chooses them. For special category data (health, for one) the Data
// Protection Act 2018 condition is Schedule 1 paragraph 18; Schedule 8 is for
// law-enforcement processing by competent authorities, which a council's SEND
// and social care work is not.
var LawfulBases = []string{
	"Children Act 1989, section 47: enquiries where a child may be suffering significant harm",
	"Children Act 1989, section 17: services for a child in need",
	"Children Act 2004, section 11: the duty to safeguard and promote the welfare of children",
	"Data Protection Act 2018, Schedule 1, paragraph 18: safeguarding of children and of individuals at risk",
	"Crime and Disorder Act 1998, section 115: disclosure to prevent crime and disorder",
}

// SafeguardingShare shares a child's record with an organisation without the
// family's consent, as a safeguarding share needs: the sharer must be allowed
// safeguarding.share for the child, chooses the law relied on and writes the
// reason, and the managers of their organisation are alerted. The share gives
// the organisation a view of the record (see limited). The caller audits it.
func SafeguardingShare(ctx context.Context, tx *sql.Tx, a Actor, childID, orgID, basis, reason string, now time.Time) (Link, error) {
	dec, err := Check(ctx, tx, a, Safeguard, childID, now)
	if err != nil {
		return Link{}, err
	}
	if !dec.Allow {
		return Link{}, dec.Err()
	}
	var fs apperr.Fields
	if orgID == "" {
		fs.Add("organisation", "choose the organisation to share the record with")
	} else if n, err := count(ctx, tx, "SELECT COUNT(*) FROM organisations o WHERE "+shareCond+" AND o.id = $1", orgID); err != nil {
		return Link{}, err
	} else if n == 0 {
		fs.Add("organisation", "choose an organisation from the list")
	}
	if !slices.Contains(LawfulBases, basis) {
		fs.Add("basis", "choose the law you are relying on to share without consent")
	}
	reason = strings.TrimSpace(reason)
	if len(reason) < 20 {
		fs.Add("reason", "say why the record must be shared without consent, in at least 20 characters")
	}
	if err := fs.Err("safeguarding share"); err != nil {
		return Link{}, err
	}
	l, err := AddLink(ctx, tx, Link{ChildID: childID, OrganisationID: orgID, Reason: Safeguarding, Purpose: "safeguarding share",
		GrantedBy: a.PersonID, StartsAt: now, LawfulBasis: basis, Note: reason})
	if err != nil {
		return Link{}, err
	}
	return l, raiseAlert(ctx, tx, a, Safeguarding, l.ID, now)
}

// shareCond is true of an organisation o a record can be shared with for
// safeguarding: not a school, college or nursery, which already hold their
// pupils' records through the setting's link (and would make the list long).
const shareCond = "o.kind NOT IN ('school', 'college', 'early_years')"

// ShareTargets lists the organisations a record can be shared with for safeguarding.
func ShareTargets(ctx context.Context, q Querier) ([]Organisation, error) {
	return organisations(ctx, q, shareCond)
}

// Consent records that a parent with parental responsibility, or the young
// person, agreed to share kinds of information with an organisation for a purpose.
type Consent struct {
	ID             string
	ChildID        string
	GivenBy        string
	OrganisationID string
	Information    []string
	Purpose        string
	Evidence       string
	GivenAt        time.Time
	ExpiresAt      time.Time
}

// RecordConsent stores c and adds the organisation to the care team for as long as it stands.
func RecordConsent(ctx context.Context, tx *sql.Tx, c Consent, recordedBy string) (Consent, error) {
	var fs apperr.Fields
	if c.ChildID == "" || c.GivenBy == "" || c.OrganisationID == "" {
		fs.Add("consent", "needs the child, who gave it and the organisation it is given to")
	}
	if len(c.Information) == 0 {
		fs.Add("information", "say which kinds of information may be shared")
	}
	if strings.TrimSpace(c.Purpose) == "" {
		fs.Add("purpose", "is required")
	}
	if strings.TrimSpace(c.Evidence) == "" {
		fs.Add("evidence", "say how the consent was given")
	}
	if !c.ExpiresAt.IsZero() && !c.ExpiresAt.After(c.GivenAt) {
		fs.Add("expires", "must be after it was given")
	}
	if err := fs.Err("consent"); err != nil {
		return Consent{}, err
	}
	// Only someone who may decide for the child can consent: a parent with
	// parental responsibility, or the young person themself.
	var may int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM children c WHERE c.id = $1 AND (c.person_id = $2 OR EXISTS (
		SELECT 1 FROM family_links fl WHERE fl.child_id = c.id AND fl.person_id = $2 AND fl.parental_responsibility = $3))`,
		c.ChildID, c.GivenBy, true).Scan(&may)
	if err != nil {
		return Consent{}, err
	}
	if may == 0 {
		return Consent{}, &apperr.Error{Code: apperr.Invalid, Message: "consent has problems",
			Fields: []apperr.Field{{Name: "given by", Message: "must be a parent with parental responsibility or the young person"}}}
	}
	if c.ID == "" {
		c.ID = uuid.NewString()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO consents (id, child_id, given_by, organisation_id, information, purpose, evidence, given_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, c.ID, c.ChildID, c.GivenBy, c.OrganisationID,
		strings.Join(c.Information, ","), c.Purpose, c.Evidence, c.GivenAt.UTC(), nullTime(c.ExpiresAt)); err != nil {
		return Consent{}, err
	}
	_, err = AddLink(ctx, tx, Link{ChildID: c.ChildID, OrganisationID: c.OrganisationID, Reason: ConsentShare, Purpose: c.Purpose,
		GrantedBy: recordedBy, StartsAt: c.GivenAt, ConsentID: c.ID})
	return c, err
}

// WithdrawConsent takes effect at once: every link resting on it stops counting.
func WithdrawConsent(ctx context.Context, tx *sql.Tx, consentID, by string, at time.Time) error {
	res, err := tx.ExecContext(ctx, "UPDATE consents SET withdrawn_at = $2, withdrawn_by = $3 WHERE id = $1 AND withdrawn_at IS NULL", consentID, at.UTC(), by)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.Errorf(apperr.NotFound, "no such consent in force")
	}
	return nil
}

// GrantRole gives a person a role with a scope (the role's default when empty).
func GrantRole(ctx context.Context, tx *sql.Tx, personID, role string, scope Scope, by string, at time.Time) error {
	r, ok := RoleNamed(role)
	if !ok {
		return apperr.Errorf(apperr.Invalid, "there is no role %q", role)
	}
	if scope == "" {
		scope = r.DefaultScope
	}
	if !scope.Valid() {
		return apperr.Errorf(apperr.Invalid, "there is no scope %q", scope)
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO role_grants (person_id, role, scope, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5)",
		personID, role, string(scope), by, at.UTC())
	return err
}

func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}
