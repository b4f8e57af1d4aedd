package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
)

// The columns of each table, in the order row functions return values.
var (
	partnershipCols  = []string{"id", "name", "area", "created_at"}
	organisationCols = []string{"id", "kind", "name", "parent_id", "phase", "urn", "ukprn", "ods_code", "email", "phone", "postcode", "created_at"}
	personCols       = []string{"id", "kind", "given_name", "family_name", "email", "phone", "organisation_id", "job_title", "created_at"}
	childCols        = []string{"id", "given_name", "family_name", "date_of_birth", "nhs_number", "upn", "uln", "postcode", "setting_id", "sen_provision", "primary_need", "person_id", "created_at"}
	familyLinkCols   = []string{"child_id", "person_id", "relationship", "parental_responsibility", "lives_with_child"}
)

func (p Partnership) row() []any { return []any{p.ID, p.Name, p.Area, db.Now()} }

func (o Organisation) row() []any {
	return []any{o.ID, o.Kind, o.Name, null(o.ParentID), null(o.Phase), null(o.URN), null(o.UKPRN), null(o.ODSCode),
		null(o.Email), null(o.Phone), null(o.Postcode), db.Now()}
}

func (p Person) row() []any {
	return []any{p.ID, p.Kind, p.GivenName, p.FamilyName, null(p.Email), null(p.Phone), null(p.OrganisationID), null(p.JobTitle), db.Now()}
}

func (c Child) row() []any {
	return []any{c.ID, c.GivenName, c.FamilyName, c.DateOfBirth, null(c.NHSNumber), null(c.UPN), null(c.ULN), null(c.Postcode),
		null(c.SettingID), c.SENProvision, null(c.PrimaryNeed), null(c.PersonID), db.Now()}
}

func (l FamilyLink) row() []any {
	return []any{l.ChildID, l.PersonID, l.Relationship, l.ParentalResponsibility, l.LivesWithChild}
}

// null stores an empty optional field as NULL, so UNIQUE allows many of them.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// NewID returns a random identifier for a new record; record ids appear in
// URLs, so they carry nothing about the person.
func NewID() string { return uuid.NewString() }

// Loading many records at once (the demo partnership, imports). Each validates
// before it queues, so a bad record fails the whole load with its reason.

func LoadPartnership(l *db.Loader, p Partnership) error {
	return l.Add("partnership", partnershipCols, p.row()...)
}

func LoadOrganisation(l *db.Loader, o Organisation) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return l.Add("organisations", organisationCols, o.row()...)
}

func LoadPerson(l *db.Loader, p Person) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return l.Add("people", personCols, p.row()...)
}

func LoadChild(l *db.Loader, c Child, today date.Date) error {
	if err := c.Validate(today); err != nil {
		return err
	}
	return l.Add("children", childCols, c.row()...)
}

func LoadFamilyLink(l *db.Loader, f FamilyLink) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return l.Add("family_links", familyLinkCols, f.row()...)
}

// Store keeps the core model. Reading a child's record is the access layer's
// job (every read carries the actor); Store holds what precedes it: creating
// records and partnership-level facts that name no one.
type Store struct {
	DB *db.DB
}

// CreateChild validates c, gives it an id and stores it; an identifier that
// another child already holds is a Conflict naming that identifier.
func (s *Store) CreateChild(ctx context.Context, c Child, today date.Date) (Child, error) {
	if err := c.Validate(today); err != nil {
		return Child{}, err
	}
	if c.ID == "" {
		c.ID = NewID()
	}
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		for _, id := range []struct{ col, name, value string }{{"nhs_number", "NHS number", c.NHSNumber}, {"upn", "UPN", c.UPN}, {"uln", "ULN", c.ULN}} {
			if id.value == "" {
				continue
			}
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM children WHERE "+id.col+" = $1", id.value).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return &apperr.Error{Code: apperr.Conflict, Message: "another child's record has this identifier",
					Fields: []apperr.Field{{Name: id.name, Message: "is already recorded for another child"}}}
			}
		}
		return insert(ctx, tx, "children", childCols, c.row())
	})
	return c, err
}

// CreateOrganisation validates o, gives it an id and stores it.
func (s *Store) CreateOrganisation(ctx context.Context, o Organisation) (Organisation, error) {
	if err := o.Validate(); err != nil {
		return Organisation{}, err
	}
	if o.ID == "" {
		o.ID = NewID()
	}
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error { return insert(ctx, tx, "organisations", organisationCols, o.row()) })
	if db.IsUniqueViolation(err) {
		return Organisation{}, apperr.Errorf(apperr.Conflict, "an organisation with this URN, UKPRN or ODS code is already recorded")
	}
	return o, err
}

// CreatePerson validates p, gives it an id and stores it.
func (s *Store) CreatePerson(ctx context.Context, p Person) (Person, error) {
	if err := p.Validate(); err != nil {
		return Person{}, err
	}
	if p.ID == "" {
		p.ID = NewID()
	}
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error { return insert(ctx, tx, "people", personCols, p.row()) })
	if db.IsUniqueViolation(err) {
		return Person{}, &apperr.Error{Code: apperr.Conflict, Message: "this email address is already in use",
			Fields: []apperr.Field{{Name: "email", Message: "is already in use"}}}
	}
	return p, err
}

// LinkFamily records that a person is a parent or carer of a child.
func (s *Store) LinkFamily(ctx context.Context, l FamilyLink) error {
	if err := l.Validate(); err != nil {
		return err
	}
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error { return insert(ctx, tx, "family_links", familyLinkCols, l.row()) })
	if db.IsUniqueViolation(err) {
		return apperr.Errorf(apperr.Conflict, "this person is already linked to this child")
	}
	return err
}

// ThePartnership returns the partnership this database serves, NotFound if none is set up.
func (s *Store) ThePartnership(ctx context.Context) (Partnership, error) {
	var p Partnership
	err := s.DB.QueryRowContext(ctx, "SELECT id, name, area FROM partnership ORDER BY created_at LIMIT 1").Scan(&p.ID, &p.Name, &p.Area)
	if errors.Is(err, sql.ErrNoRows) {
		return p, apperr.Errorf(apperr.NotFound, "no partnership is set up in this database yet")
	}
	return p, err
}

// Census counts the children and young people by SEN provision: figures that name no one.
type Census struct {
	Organisations int
	SENSupport    int
	EHCPlans      int
	Children      int
}

// TakeCensus counts the partnership's organisations and children.
func (s *Store) TakeCensus(ctx context.Context) (Census, error) {
	var c Census
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM organisations").Scan(&c.Organisations); err != nil {
		return c, err
	}
	// One pass over the provision index rather than a scan per figure.
	rows, err := s.DB.QueryContext(ctx, "SELECT sen_provision, COUNT(*) FROM children GROUP BY sen_provision")
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var provision string
		var n int
		if err := rows.Scan(&provision, &n); err != nil {
			return c, err
		}
		c.Children += n
		switch provision {
		case SENSupport:
			c.SENSupport = n
		case EHCPlan:
			c.EHCPlans = n
		}
	}
	return c, rows.Err()
}

// CensusCache serves the census from memory for up to TTL. The figures are
// partnership-wide totals, so a minute's lag misleads no one, while counting
// every child on every page view would cost more than the page.
type CensusCache struct {
	Store *Store
	TTL   time.Duration

	mu    sync.Mutex
	taken time.Time
	last  Census
}

// Census returns the figures and when they were counted.
func (cc *CensusCache) Census(ctx context.Context) (Census, time.Time, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock() // one count at a time; the others wait for its result
	if now := db.Now(); cc.taken.IsZero() || now.Sub(cc.taken) >= cc.TTL {
		c, err := cc.Store.TakeCensus(ctx)
		if err != nil {
			return Census{}, time.Time{}, err
		}
		cc.last, cc.taken = c, now
	}
	return cc.last, cc.taken, nil
}

func insert(ctx context.Context, tx *sql.Tx, table string, cols []string, values []any) error {
	marks := make([]string, len(cols))
	for i := range cols {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES ("+strings.Join(marks, ", ")+")", values...)
	return err
}
