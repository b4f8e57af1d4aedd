package casework

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/ehc"
)

// A Request is a request for an EHC needs assessment made online (SEND Regs
// 2014 reg 3; CFA 2014 s36(1)): by a parent, by a young person, by the
// child's school or setting, or by a professional with the family's consent.
// It waits with the coordinating council team until a member of it accepts
// it, which records the clock's request_received event, dated the day the
// request arrived, in the same transaction.
type Request struct {
	ID, ChildID, Team        string
	Source                   string // the SEN2 request source: parent, young_person, setting, health, social_care, other
	Reasons                  string // in the words of the person asking
	MadeBy                   string // a name
	MadeAt                   time.Time
	ReceivedOn               date.Date
	ConsentGivenBy           string // a professional's request: who in the family agreed
	ConsentGivenOn           date.Date
	Status                   string // waiting, accepted
	AcceptedBy               string
	AcceptedAt               time.Time
	ChildName, AcceptedEvent string
}

// RequestInput is what the online form sends.
type RequestInput struct {
	Reasons        string
	ConsentGivenBy string    // required from a professional other than the child's setting
	ConsentGivenOn date.Date // the day they agreed
}

// Request statuses.
const (
	Waiting  = "waiting"
	Accepted = "accepted"
)

// YoungPersonAge is the age from which a young person asks for themself
// here (CFA 2014 s83(2): a young person is over compulsory school age; the
// form asks from the 16th birthday, which the issue sets).
const YoungPersonAge = 16

// RequestSource is the SEN2 source of a request made by a: the family's
// kind, or the member of staff's role. Settings (SENCOs) ask in their own
// right (CFA s36(1)); other professionals need the family's consent.
func RequestSource(a access.Actor) (source string, needsConsent bool) {
	switch a.Kind {
	case access.ParentCarer:
		return "parent", false
	case access.YoungPerson:
		return "young_person", false
	}
	roles := make([]string, 0, len(a.Grants))
	for _, g := range a.Grants {
		roles = append(roles, g.Role)
	}
	switch {
	case slices.Contains(roles, "senco"):
		return "setting", false
	case slices.Contains(roles, "health_professional"), slices.Contains(roles, "designated_clinical_officer"):
		return "health", true
	case slices.Contains(roles, "social_worker"):
		return "social_care", true
	}
	return "other", true
}

// requestPermission is what asking needs: a family adds to their own record;
// staff need only to see the child (a request is not a change to the case).
func requestPermission(a access.Actor) access.Permission {
	if a.Kind == access.Staff {
		return access.CaseView
	}
	return access.FamilyContribute
}

// Duplicate is the error when the child already has a request waiting or an
// assessment under way: Conflict, with what happens next in words the
// person asking may read (they can see the child's case anyway).
func duplicate(childName, what string) error {
	return &apperr.Error{Code: apperr.Conflict, Message: fmt.Sprintf("%s You do not need to ask again.", strings.ReplaceAll(what, "{child}", childName))}
}

// SubmitRequest records a request made online for childID by a. Nothing is
// stored when a field is wrong or the request would be a second one.
func SubmitRequest(ctx context.Context, d *db.DB, a access.Actor, childID string, in RequestInput) (Request, error) {
	now := db.Now()
	today := date.Today(now)
	var rq Request
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		dec, err := access.Require(ctx, tx, a, requestPermission(a), childID, now)
		if err != nil {
			return err
		}
		source, needsConsent := RequestSource(a)
		var dob date.Date
		var name string
		if err := tx.QueryRowContext(ctx, "SELECT given_name, date_of_birth FROM children WHERE id = $1", childID).Scan(&name, &dob); err != nil {
			return err
		}
		if source == "young_person" && dob.YearsOn(today) < YoungPersonAge {
			return apperr.Errorf(apperr.Forbidden, "you can ask for an assessment yourself from your %dth birthday; until then a parent or your school can ask", YoungPersonAge)
		}
		var bad []apperr.Field
		reasons := cleanText(in.Reasons)
		if len([]rune(strings.TrimSpace(reasons))) < 20 {
			bad = append(bad, apperr.Field{Name: "reasons", Message: "Say why you think " + name + " may need an EHC plan, in a sentence or more"})
		} else if len(reasons) > 5000 {
			bad = append(bad, apperr.Field{Name: "reasons", Message: "The reasons must be 5,000 characters or fewer"})
		}
		consentBy := strings.TrimSpace(strings.ReplaceAll(in.ConsentGivenBy, "\n", " "))
		if needsConsent {
			if len(consentBy) < 3 {
				bad = append(bad, apperr.Field{Name: "consent-by", Message: "Enter the name of the parent or young person who agreed to this request"})
			}
			switch {
			case in.ConsentGivenOn.IsZero():
				bad = append(bad, apperr.Field{Name: "consent-on", Message: "Enter the date they agreed"})
			case in.ConsentGivenOn.After(today):
				bad = append(bad, apperr.Field{Name: "consent-on", Message: "The date they agreed cannot be in the future"})
			}
		} else {
			consentBy, in.ConsentGivenOn = "", date.Date{}
		}
		if len(bad) > 0 {
			return &apperr.Error{Code: apperr.Invalid, Message: "the request cannot be sent", Fields: bad}
		}
		if err := checkDuplicate(ctx, tx, childID, name); err != nil {
			return err
		}
		team, err := requestTeam(ctx, tx, childID, now)
		if err != nil {
			return err
		}
		rq = Request{ID: uuid.NewString(), ChildID: childID, Source: source, Reasons: reasons, MadeBy: a.Name, MadeAt: now,
			ReceivedOn: today, ConsentGivenBy: consentBy, ConsentGivenOn: in.ConsentGivenOn, Status: Waiting, ChildName: name}
		if _, err := tx.ExecContext(ctx, `INSERT INTO ehc_requests (id, child_id, team_id, source, reasons, made_by, made_at, received_on,
			consent_given_by, consent_given_on, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			rq.ID, childID, team, source, reasons, a.PersonID, now.UTC(), today, null(consentBy), nullDate(in.ConsentGivenOn), Waiting); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "ehc.request.submit", "ehc_request", rq.ID, childID, dec.Reason, now,
			audit.Change{Field: "source", New: source}, audit.Change{Field: "consent_given_by", New: consentBy})
	})
	if err != nil {
		return Request{}, err
	}
	return rq, nil
}

// checkDuplicate refuses a second request: one is waiting, or the child's
// case is at request, assessment or draft.
func checkDuplicate(ctx context.Context, tx *sql.Tx, childID, name string) error {
	var received date.Date
	err := tx.QueryRowContext(ctx, "SELECT received_on FROM ehc_requests WHERE child_id = $1 AND status = $2 ORDER BY received_on LIMIT 1",
		childID, Waiting).Scan(&received)
	if err == nil {
		return duplicate(name, fmt.Sprintf("A request for an EHC needs assessment for {child} reached the council on %s and is waiting for the SEND team to log it. The council must decide whether to assess within 6 weeks of that day, by %s (SEND Regulations 2014 reg 5).",
			words(received), words(received.AddDays(42))))
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var stage string
	var opened date.Date
	err = tx.QueryRowContext(ctx, "SELECT stage, opened_on FROM ehc_cases WHERE child_id = $1", childID).Scan(&stage, &opened)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	switch stage {
	case Requested:
		return duplicate(name, "The council already has a request for an EHC needs assessment for {child} and must decide whether to assess within 6 weeks of receiving it (SEND Regulations 2014 reg 5). The family's page shows the date.")
	case Assessing, Draft:
		return duplicate(name, "An EHC needs assessment for {child} is already under way. The council must finish it, and issue a plan or say it will not, within 20 weeks of the request (SEND Regulations 2014 reg 13). The family's page shows each date.")
	}
	return nil
}

// requestTeam is where a request lands: the council team that owns the
// child's casework or, for a child no council team holds yet, the
// partnership's first SEND casework team by name, which passes it on.
func requestTeam(ctx context.Context, tx *sql.Tx, childID string, now time.Time) (string, error) {
	var team string
	err := tx.QueryRowContext(ctx, `SELECT ct.organisation_id FROM care_team ct JOIN organisations o ON o.id = ct.organisation_id
		WHERE ct.child_id = $1 AND ct.reason = 'owner' AND o.kind = 'council_team' AND ct.status = 'active'
		AND ct.starts_at <= $2 AND (ct.ends_at IS NULL OR ct.ends_at > $2) ORDER BY ct.starts_at, ct.id LIMIT 1`, childID, now).Scan(&team)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, "SELECT id FROM organisations WHERE kind = 'council_team' ORDER BY name, id LIMIT 1").Scan(&team)
	}
	return team, err
}

// AcceptRequest logs a waiting request in the child's case: the
// request_received event (channel online, dated the day it arrived) and the
// request's new status, in one transaction. It needs what recording a
// request by hand needs (case.edit, and case.create for a child's first case).
func AcceptRequest(ctx context.Context, d *db.DB, a access.Actor, childID, requestID string) (Event, error) {
	var ev Event
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		dec, err := access.Require(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		var rq Request
		err = tx.QueryRowContext(ctx, `SELECT r.id, r.source, r.reasons, r.received_on, r.status, ch.given_name FROM ehc_requests r
			JOIN children ch ON ch.id = r.child_id WHERE r.id = $1 AND r.child_id = $2`, requestID, childID).
			Scan(&rq.ID, &rq.Source, &rq.Reasons, &rq.ReceivedOn, &rq.Status, &rq.ChildName)
		if errors.Is(err, sql.ErrNoRows) {
			return &apperr.Error{Code: apperr.Invalid, Message: "the request cannot be logged", Fields: []apperr.Field{{Name: "request", Message: "Choose a request waiting for this child"}}}
		}
		if err != nil {
			return err
		}
		if rq.Status != Waiting {
			return apperr.Errorf(apperr.Conflict, "this request has already been logged")
		}
		var stage string
		if err := tx.QueryRowContext(ctx, "SELECT stage FROM ehc_cases WHERE child_id = $1", childID).Scan(&stage); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if stage == Requested || stage == Assessing || stage == Draft {
			return apperr.Errorf(apperr.Conflict, "%s's case already has a request at stage %q: this one was made while it was open and is not logged twice", rq.ChildName, StageWords[stage])
		}
		note := "Made online: " + rq.Reasons // the reasons are at most 5,000 characters (SubmitRequest)
		if ev, err = AddIn(ctx, d, tx, a, childID, Input{Type: ehc.RequestReceived.String(), Date: rq.ReceivedOn, Code: rq.Source, Channel: "online", Note: note}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE ehc_requests SET status = $1, event_id = $2, accepted_by = $3, accepted_at = $4 WHERE id = $5",
			Accepted, ev.ID, a.PersonID, now.UTC(), rq.ID); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "ehc.request.accept", "ehc_request", rq.ID, childID, dec.Reason, now,
			audit.Change{Field: "status", Old: Waiting, New: Accepted})
	})
	return ev, err
}

// readRequests is a child's online requests, newest first, inside a read the caller audits.
func readRequests(ctx context.Context, tx *sql.Tx, childID string) ([]Request, error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.source, r.reasons, p.given_name || ' ' || p.family_name, r.made_at, r.received_on,
		COALESCE(r.consent_given_by, ''), r.consent_given_on, r.status, o.name, COALESCE(r.event_id, '')
		FROM ehc_requests r JOIN people p ON p.id = r.made_by JOIN organisations o ON o.id = r.team_id
		WHERE r.child_id = $1 ORDER BY r.made_at DESC, r.id`, childID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		rq := Request{ChildID: childID}
		var consentOn sql.Null[date.Date]
		if err := rows.Scan(&rq.ID, &rq.Source, &rq.Reasons, &rq.MadeBy, &rq.MadeAt, &rq.ReceivedOn, &rq.ConsentGivenBy, &consentOn,
			&rq.Status, &rq.Team, &rq.AcceptedEvent); err != nil {
			return nil, err
		}
		rq.ConsentGivenOn = consentOn.V
		out = append(out, rq)
	}
	return out, rows.Err()
}

// WaitingRequests are the requests waiting with the teams in a's reach, oldest first.
func WaitingRequests(ctx context.Context, d *db.DB, a access.Actor, limit int) ([]Request, error) {
	now := db.Now()
	var out []Request
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		cond, args := access.Predicate(a, access.CaseEdit, "r.child_id", now, 3)
		rows, err := tx.QueryContext(ctx, `SELECT r.id, r.child_id, ch.given_name || ' ' || ch.family_name, r.source, r.received_on, o.name
			FROM ehc_requests r JOIN children ch ON ch.id = r.child_id JOIN organisations o ON o.id = r.team_id
			WHERE r.status = $1 AND `+cond+` ORDER BY r.received_on, r.id LIMIT $2`, append([]any{Waiting, limit}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var rq Request
			if err := rows.Scan(&rq.ID, &rq.ChildID, &rq.ChildName, &rq.Source, &rq.ReceivedOn, &rq.Team); err != nil {
				return err
			}
			rq.Status = Waiting
			out = append(out, rq)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// Viewing the list is audited once, as the caseload is.
		return write(ctx, d, tx, a, "ehc.requests.view", "ehc_requests", a.PersonID, "", fmt.Sprintf("%d waiting requests in reach", len(out)), now)
	})
	return out, err
}
