package earlyyears

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
	"joinedup/internal/ident"
	"joinedup/internal/notify"
	"joinedup/internal/people"
)

// CouncilReason is the audit reason for the council SEND team's reading of a
// notification addressed to it: the notification is what makes the child known.
const CouncilReason = "council SEND team: early-years notification from a health body (Children and Families Act 2014 s23)"

// MinWords is the fewest characters accepted where plain words are asked for.
const MinWords = 10

func invalid(fs apperr.Fields, what string) error {
	if len(fs) == 0 {
		return nil
	}
	return &apperr.Error{Code: apperr.Invalid, Message: what, Fields: fs}
}

func long(d date.Date) string { return d.Time().Format("2 January 2006") }

// councilOf is the council a notification about the child goes to: the
// council whose team owns the child's casework, else the partnership's only
// council. A child with neither cannot be placed, and that is said.
func councilOf(ctx context.Context, tx *sql.Tx, childID string) (id, email string, err error) {
	err = tx.QueryRowContext(ctx, `SELECT k.id, COALESCE(k.email, '') FROM care_team ct JOIN organisations o ON o.id = ct.organisation_id
		JOIN organisations k ON k.id = CASE WHEN o.kind = $2 THEN o.id ELSE o.parent_id END
		WHERE ct.child_id = $1 AND ct.reason = $3 AND ct.status = 'active' AND o.kind IN ($2, $4) AND k.kind = $2
		ORDER BY ct.starts_at, ct.id LIMIT 1`, childID, people.Council, access.Owner, people.CouncilTeam).Scan(&id, &email)
	if !errors.Is(err, sql.ErrNoRows) {
		return id, email, err
	}
	rows, err := tx.QueryContext(ctx, "SELECT id, COALESCE(email, '') FROM organisations WHERE kind = $1 ORDER BY id LIMIT 2", people.Council)
	if err != nil {
		return "", "", err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if err := rows.Scan(&id, &email); err != nil {
			return "", "", err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return "", "", err
	}
	if n != 1 {
		return "", "", apperr.Errorf(apperr.Conflict, "joinedup cannot tell which council looks after this child: ask the council's SEND team to open the child's record first")
	}
	return id, email, nil
}

// Notify tells the council about a child under compulsory school age who the
// health professional's body thinks has or probably has SEN (s23). The child
// is found by NHS number among those the actor's team reaches; the
// notification, the audit row and the messages to the council's SEND team and
// the parents are written together or not at all.
func Notify(ctx context.Context, d *db.DB, a access.Actor, in Input) (Notification, error) {
	now := db.Now()
	today := date.Today(now)
	var n Notification
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		if a.Disabled || a.Kind != access.Staff || !a.May(access.EarlyYearsNotify) {
			return apperr.Errorf(apperr.Forbidden, "only a health professional tells the council about a child's special educational needs this way")
		}
		var provider, team string
		err := tx.QueryRowContext(ctx, `SELECT p.name, t.name FROM organisations t JOIN organisations p ON p.id = t.parent_id
			WHERE t.id = $1 AND p.id = $2 AND p.kind = $3`, a.TeamID, a.OrganisationID, people.NHSProvider).Scan(&provider, &team)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Errorf(apperr.Forbidden, "only a team of an NHS trust tells the council under section 23 of the Children and Families Act 2014")
		}
		if err != nil {
			return err
		}
		in.Needs, in.ParentInformedHow, in.Voluntary = strings.TrimSpace(in.Needs), strings.TrimSpace(in.ParentInformedHow), strings.TrimSpace(in.Voluntary)
		var fs apperr.Fields
		var childID string
		var dob date.Date
		var name string
		if nhs, err := ident.NHSNumber(in.NHSNumber); err != nil {
			fs.Add("nhs-number", "Enter the child's NHS number: 10 digits, like 999 000 0018")
		} else {
			cond, args := access.Predicate(a, access.EarlyYearsNotify, "c.id", now, 2)
			err := tx.QueryRowContext(ctx, `SELECT c.id, c.date_of_birth, c.given_name || ' ' || c.family_name FROM children c
				WHERE c.nhs_number = $1 AND `+cond, append([]any{nhs}, args...)...).Scan(&childID, &dob, &name)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				fs.Add("nhs-number", "No child with this NHS number is known to your team: check the number")
			case err != nil:
				return err
			case !UnderCompulsorySchoolAge(dob, today):
				fs.Add("nhs-number", fmt.Sprintf("%s was born on %s and has been of compulsory school age since %s (Education Act 1996 section 8): tell the council about a child of school age through their school or an EHC needs assessment request",
					name, long(dob), long(CompulsorySchoolAge(dob))))
			}
		}
		if len(in.Needs) < MinWords {
			fs.Add("needs", "Say in plain words what you think the child's special educational needs are")
		}
		if !in.ParentInformed {
			fs.Add("parent-informed", "Confirm that you told the parent before telling the council (Children and Families Act 2014 section 23(2))")
		}
		switch {
		case in.ParentInformedOn.IsZero():
			fs.Add("informed-on", "Enter the date you told the parent")
		case in.ParentInformedOn.After(today):
			fs.Add("informed-on", "The date you told the parent must be today or earlier: the parent is told before the council")
		case !dob.IsZero() && in.ParentInformedOn.Before(dob):
			fs.Add("informed-on", "The date you told the parent cannot be before the child was born")
		}
		if len(in.ParentInformedHow) < 3 {
			fs.Add("informed-how", "Say how you told the parent, for example in clinic or by phone")
		}
		if in.ParentWantsDiscussion != "yes" && in.ParentWantsDiscussion != "no" {
			fs.Add("discussion", "Say whether the parent wants to discuss your opinion with you (section 23(3))")
		}
		if err := invalid(fs, "the council cannot be told"); err != nil {
			return err
		}
		dec, err := access.Require(ctx, tx, a, access.EarlyYearsNotify, childID, now)
		if err != nil {
			return err
		}
		var open date.Date
		err = tx.QueryRowContext(ctx, `SELECT notified_on FROM early_years_notifications WHERE child_id = $1 AND provider_id = $2 AND status <> $3
			ORDER BY notified_on LIMIT 1`, childID, a.OrganisationID, Closed).Scan(&open)
		if err == nil {
			return invalid(apperr.Fields{{Name: "nhs-number", Message: fmt.Sprintf("%s already told the council about %s on %s and the council has not yet recorded what it did: add to that notification rather than sending another",
				provider, name, long(open))}}, "the council cannot be told")
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		council, councilEmail, err := councilOf(ctx, tx, childID)
		if err != nil {
			return err
		}
		n = Notification{ID: uuid.NewString(), ChildID: childID, ChildName: name, DateOfBirth: dob, Team: team, Provider: provider,
			NotifiedBy: a.Name, NotifiedOn: today, Needs: in.Needs, ParentInformedOn: in.ParentInformedOn,
			ParentInformedHow: in.ParentInformedHow, ParentWantsDiscussion: in.ParentWantsDiscussion == "yes", Voluntary: in.Voluntary,
			Status: Open, Access: dec.Reason}
		if _, err := tx.ExecContext(ctx, `INSERT INTO early_years_notifications (id, child_id, council_id, team_id, provider_id, notified_by,
			notified_on, needs, parent_informed_on, parent_informed_how, parent_wants_discussion, voluntary_suggested, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, n.ID, childID, council, a.TeamID, a.OrganisationID,
			a.PersonID, today, n.Needs, n.ParentInformedOn, n.ParentInformedHow, n.ParentWantsDiscussion, nullable(n.Voluntary), Open, now.UTC()); err != nil {
			return err
		}
		sent := 0
		if councilEmail != "" {
			if _, err := notify.Enqueue(ctx, tx, notify.Message{To: councilEmail,
				Subject:     "Early-years notification from " + provider,
				WhatChanged: fmt.Sprintf("%s (%s) has told the council about a child under compulsory school age who it thinks has, or probably has, special educational needs (Children and Families Act 2014 section 23).", provider, team),
				WhatToDo:    "Open the early-years notifications on joinedup to acknowledge it and record what the council does.",
				Reference:   "early-years:" + n.ID}); err != nil {
				return err
			}
			sent++
		}
		to, err := parentEmails(ctx, tx, childID)
		if err != nil {
			return err
		}
		first, _, _ := strings.Cut(name, " ")
		for _, addr := range to {
			what := fmt.Sprintf("%s has told the council that it thinks %s may have special educational needs, as you discussed with %s on %s. The council will decide how to help and you will see what it did on joinedup.",
				provider, first, a.Name, long(n.ParentInformedOn))
			todo := "You do not need to do anything. If you want to talk about it, contact " + team + "."
			if n.Voluntary != "" {
				todo += " Organisations that may help you: " + n.Voluntary + "."
			}
			if _, err := notify.Enqueue(ctx, tx, notify.Message{To: addr, Subject: fmt.Sprintf("%s has told the council about %s's needs", provider, first),
				WhatChanged: what, WhatToDo: todo, Reference: "early-years:" + n.ID}); err != nil {
				return err
			}
			sent++
		}
		return write(ctx, d, tx, a, "earlyyears.notify", n.ID, childID, dec.Reason, now,
			audit.Change{Field: "provider", New: provider}, audit.Change{Field: "parent_informed_on", New: n.ParentInformedOn.String()},
			audit.Change{Field: "messages", New: fmt.Sprint(sent)})
	})
	return n, err
}

// parentEmails are the addresses of those with parental responsibility for the child.
func parentEmails(ctx context.Context, tx *sql.Tx, childID string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.email FROM family_links fl JOIN people p ON p.id = fl.person_id
		WHERE fl.child_id = $1 AND fl.parental_responsibility = $2 AND p.email IS NOT NULL AND p.disabled_at IS NULL ORDER BY p.email`, childID, true)
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

// held is a notification's row as the access checks need it.
type held struct{ childID, councilID, teamID, status string }

// authorise decides whether a may do p to notification id, with the audit
// reason: the council's SEND team on the role for its own council; the team
// that made it through the access predicate (reading only). Anything else
// is NotFound, like a notification that does not exist.
func authorise(ctx context.Context, tx *sql.Tx, a access.Actor, id string, p access.Permission, now time.Time) (held, string, error) {
	var h held
	missing := apperr.Errorf(apperr.NotFound, "there is no such early-years notification")
	err := tx.QueryRowContext(ctx, "SELECT child_id, council_id, team_id, status FROM early_years_notifications WHERE id = $1", id).
		Scan(&h.childID, &h.councilID, &h.teamID, &h.status)
	if errors.Is(err, sql.ErrNoRows) {
		return h, "", missing
	}
	if err != nil {
		return h, "", err
	}
	if a.Disabled || a.Kind != access.Staff {
		return h, "", missing
	}
	if a.May(access.EarlyYearsManage) && a.OrganisationID == h.councilID {
		return h, CouncilReason, nil
	}
	if a.TeamID == h.teamID && a.May(access.EarlyYearsNotify) {
		dec, err := access.Check(ctx, tx, a, access.EarlyYearsNotify, h.childID, now)
		if err != nil {
			return h, "", err
		}
		switch {
		case dec.Allow && p == access.CaseView:
			return h, dec.Reason, nil
		case dec.Allow:
			return h, "", apperr.Errorf(apperr.Forbidden, "you may see this notification, but only the council's SEND team acknowledges it and records what it did")
		}
	}
	return h, "", missing
}

const cols = `n.id, n.child_id, c.given_name || ' ' || c.family_name, c.date_of_birth, COALESCE(c.nhs_number, ''), k.name, t.name, pr.name,
	nb.given_name || ' ' || nb.family_name, n.notified_on, n.needs, n.parent_informed_on, n.parent_informed_how, n.parent_wants_discussion,
	COALESCE(n.voluntary_suggested, ''), n.status, n.acknowledged_on, COALESCE(ab.given_name || ' ' || ab.family_name, ''),
	COALESCE(cb.given_name || ' ' || cb.family_name, ''), n.closed_at`

const from = `FROM early_years_notifications n JOIN children c ON c.id = n.child_id JOIN organisations k ON k.id = n.council_id
	JOIN organisations t ON t.id = n.team_id JOIN organisations pr ON pr.id = n.provider_id JOIN people nb ON nb.id = n.notified_by
	LEFT JOIN people ab ON ab.id = n.acknowledged_by LEFT JOIN people cb ON cb.id = n.closed_by`

func scan(s interface{ Scan(...any) error }, n *Notification) error {
	var ack sql.Null[date.Date]
	var closed sql.NullTime
	if err := s.Scan(&n.ID, &n.ChildID, &n.ChildName, &n.DateOfBirth, &n.NHSNumber, &n.Council, &n.Team, &n.Provider, &n.NotifiedBy,
		&n.NotifiedOn, &n.Needs, &n.ParentInformedOn, &n.ParentInformedHow, &n.ParentWantsDiscussion, &n.Voluntary, &n.Status,
		&ack, &n.AcknowledgedBy, &n.ClosedBy, &closed); err != nil {
		return err
	}
	n.AcknowledgedOn, n.ClosedAt = ack.V, closed.Time
	return nil
}

// outcomes fills in what the council did for each of ns, in one query.
func outcomes(ctx context.Context, tx *sql.Tx, ns []Notification) error {
	at := map[string]int{}
	var marks []string
	var args []any
	for i, n := range ns {
		if n.Status == Closed {
			at[n.ID] = i
			args = append(args, n.ID)
			marks = append(marks, fmt.Sprintf("$%d", len(args)))
		}
	}
	if len(args) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT notification_id, outcome, COALESCE(note, ''), COALESCE(ehc_request_id, '') FROM early_years_outcomes
		WHERE notification_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var o Outcome
		if err := rows.Scan(&id, &o.Outcome, &o.Note, &o.EHCRequestID); err != nil {
			return err
		}
		ns[at[id]].Outcomes = append(ns[at[id]].Outcomes, o)
	}
	for i := range ns {
		slices.SortFunc(ns[i].Outcomes, func(x, y Outcome) int {
			return slices.Index(Outcomes, x.Outcome) - slices.Index(Outcomes, y.Outcome)
		})
	}
	return rows.Err()
}

// Get reads one notification with what the council did; the read is audited.
func Get(ctx context.Context, d *db.DB, a access.Actor, id string) (Notification, error) {
	now := db.Now()
	var n Notification
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		h, reason, err := authorise(ctx, tx, a, id, access.CaseView, now)
		if err != nil {
			return err
		}
		if err := scan(tx.QueryRowContext(ctx, "SELECT "+cols+" "+from+" WHERE n.id = $1", id), &n); err != nil {
			return err
		}
		ns := []Notification{n}
		if err := outcomes(ctx, tx, ns); err != nil {
			return err
		}
		n = ns[0]
		n.Access = reason
		return write(ctx, d, tx, a, "earlyyears.view", id, h.childID, reason, now)
	})
	return n, err
}

// PageSize is how many notifications a page of the council's queue shows.
const PageSize = 50

// Queue is one page of the notifications addressed to the actor's council:
// those not yet acknowledged first, then newest first, without what the
// council did (the notification's own page reads that). It returns the page,
// the total and how many are unacknowledged; reading it is audited once.
func Queue(ctx context.Context, d *db.DB, a access.Actor, page int) (ns []Notification, total, unacknowledged int, err error) {
	now := db.Now()
	err = d.Transact(ctx, func(tx *sql.Tx) error {
		if a.Disabled || a.Kind != access.Staff || !a.May(access.EarlyYearsManage) {
			return apperr.Errorf(apperr.Forbidden, "only the council's SEND team has the early-years notifications")
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = $2 THEN 1 ELSE 0 END), 0)
			FROM early_years_notifications WHERE council_id = $1`, a.OrganisationID, Open).Scan(&total, &unacknowledged); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+cols+" "+from+` WHERE n.council_id = $1
			ORDER BY CASE WHEN n.status = $2 THEN 0 ELSE 1 END, n.notified_on DESC, n.created_at DESC, n.id LIMIT $3 OFFSET $4`,
			a.OrganisationID, Open, PageSize, (page-1)*PageSize)
		if err != nil {
			return err
		}
		for rows.Next() {
			var n Notification
			if err := scan(rows, &n); err != nil {
				rows.Close()
				return err
			}
			ns = append(ns, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = audit.Append(ctx, d, tx, audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: a.OrganisationID,
			ActorRole: a.RoleTitle(), Action: "earlyyears.queue.view", RecordType: "early_years_queue", RecordID: a.OrganisationID,
			Reason: fmt.Sprintf("%s: page %d, %d notifications", CouncilReason, page, len(ns))})
		return err
	})
	return ns, total, unacknowledged, err
}

// Acknowledge records that the council has the notification, on the day given
// (not before it was sent, not after today), and by whom.
func Acknowledge(ctx context.Context, d *db.DB, a access.Actor, id string, on date.Date) error {
	now := db.Now()
	today := date.Today(now)
	return d.Transact(ctx, func(tx *sql.Tx) error {
		h, reason, err := authorise(ctx, tx, a, id, access.EarlyYearsManage, now)
		if err != nil {
			return err
		}
		if reason != CouncilReason {
			return apperr.Errorf(apperr.Forbidden, "only the council's SEND team acknowledges a notification")
		}
		if h.status != Open {
			return apperr.Errorf(apperr.Conflict, "This notification has already been acknowledged")
		}
		var notified date.Date
		if err := tx.QueryRowContext(ctx, "SELECT notified_on FROM early_years_notifications WHERE id = $1", id).Scan(&notified); err != nil {
			return err
		}
		var fs apperr.Fields
		switch {
		case on.IsZero():
			fs.Add("acknowledged-on", "Enter the date the council acknowledged the notification")
		case on.After(today):
			fs.Add("acknowledged-on", "The date of acknowledgement must be today or earlier")
		case on.Before(notified):
			fs.Add("acknowledged-on", "The date of acknowledgement cannot be before the notification was sent on "+long(notified))
		}
		if err := invalid(fs, "the notification cannot be acknowledged"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE early_years_notifications SET status = $1, acknowledged_on = $2, acknowledged_by = $3
			WHERE id = $4 AND status = $5`, Acknowledged, on, a.PersonID, id, Open); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "earlyyears.acknowledge", id, h.childID, reason, now,
			audit.Change{Field: "status", Old: Open, New: Acknowledged}, audit.Change{Field: "acknowledged_on", New: on.String()})
	})
}

// Record records what the council did, all at once, and closes the
// notification: no action excludes the others and needs its reason; advice
// and support say what was given; an assessment request may name the
// child's own online EHC request.
func Record(ctx context.Context, d *db.DB, a access.Actor, id string, in Decision) error {
	now := db.Now()
	return d.Transact(ctx, func(tx *sql.Tx) error {
		h, reason, err := authorise(ctx, tx, a, id, access.EarlyYearsManage, now)
		if err != nil {
			return err
		}
		if reason != CouncilReason {
			return apperr.Errorf(apperr.Forbidden, "only the council's SEND team records what it did")
		}
		switch h.status {
		case Open:
			return apperr.Errorf(apperr.Conflict, "Acknowledge the notification before recording what the council did")
		case Closed:
			return apperr.Errorf(apperr.Conflict, "What the council did about this notification is already recorded")
		}
		notes := map[string]string{AdviceGiven: strings.TrimSpace(in.AdviceNote), EarlyYearsSupport: strings.TrimSpace(in.SupportNote),
			NoAction: strings.TrimSpace(in.NoActionReason)}
		in.EHCRequestID = strings.TrimSpace(in.EHCRequestID)
		var fs apperr.Fields
		chosen := map[string]bool{}
		for _, o := range in.Outcomes {
			if !slices.Contains(Outcomes, o) {
				fs.Add("outcomes", "Choose from the actions listed")
				continue
			}
			chosen[o] = true
		}
		switch {
		case len(chosen) == 0 && len(fs) == 0:
			fs.Add("outcomes", "Choose what the council did")
		case chosen[NoAction] && len(chosen) > 1:
			fs.Add("outcomes", "Choose no action on its own, or the actions the council took")
		}
		if chosen[AdviceGiven] && len(notes[AdviceGiven]) < MinWords {
			fs.Add("advice-note", "Say what advice the council gave")
		}
		if chosen[EarlyYearsSupport] && len(notes[EarlyYearsSupport]) < MinWords {
			fs.Add("support-note", "Say what early years support the council arranged")
		}
		if chosen[NoAction] && len(notes[NoAction]) < MinWords {
			fs.Add("no-action-reason", "Say why no action was needed: the family will see it")
		}
		if in.EHCRequestID != "" {
			if !chosen[AssessmentRequested] {
				fs.Add("ehc-request", "Choose that an EHC needs assessment was requested, or leave the request out")
			} else {
				var n int
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM ehc_requests WHERE id = $1 AND child_id = $2", in.EHCRequestID, h.childID).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					fs.Add("ehc-request", "Choose one of this child's EHC needs assessment requests")
				}
			}
		}
		if err := invalid(fs, "what the council did cannot be recorded"); err != nil {
			return err
		}
		var changes []audit.Change
		for _, o := range Outcomes {
			if !chosen[o] {
				continue
			}
			var req any
			if o == AssessmentRequested && in.EHCRequestID != "" {
				req = in.EHCRequestID
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO early_years_outcomes (notification_id, outcome, note, ehc_request_id) VALUES ($1, $2, $3, $4)",
				id, o, nullable(notes[o]), req); err != nil {
				return err
			}
			changes = append(changes, audit.Change{Field: "outcome", New: o})
		}
		if _, err := tx.ExecContext(ctx, "UPDATE early_years_notifications SET status = $1, closed_by = $2, closed_at = $3 WHERE id = $4 AND status = $5",
			Closed, a.PersonID, now.UTC(), id, Acknowledged); err != nil {
			return err
		}
		changes = append(changes, audit.Change{Field: "status", Old: Acknowledged, New: Closed})
		return write(ctx, d, tx, a, "earlyyears.record", id, h.childID, reason, now, changes...)
	})
}

// EHCRequest is one of the child's online EHC needs assessment requests, for the record form.
type EHCRequest struct {
	ID       string
	Received date.Date
}

// EHCRequests lists the online EHC requests of the notification's child, for
// the council's form (the notification's own access rule; not audited apart
// from the notification's read on the same page).
func EHCRequests(ctx context.Context, d *db.DB, a access.Actor, id string) ([]EHCRequest, error) {
	now := db.Now()
	var out []EHCRequest
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		h, reason, err := authorise(ctx, tx, a, id, access.EarlyYearsManage, now)
		if err != nil {
			return err
		}
		if reason != CouncilReason {
			return nil
		}
		rows, err := tx.QueryContext(ctx, "SELECT id, received_on FROM ehc_requests WHERE child_id = $1 ORDER BY received_on, id", h.childID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r EHCRequest
			if err := rows.Scan(&r.ID, &r.Received); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// ForFamily lists the notifications about a child for their parent or the
// young person (family.view), newest first, with what the council did.
func ForFamily(ctx context.Context, d *db.DB, a access.Actor, childID string) ([]Notification, error) {
	now := db.Now()
	var out []Notification
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		dec, err := access.Require(ctx, tx, a, access.FamilyView, childID, now)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+cols+" "+from+" WHERE n.child_id = $1 ORDER BY n.notified_on DESC, n.created_at DESC, n.id", childID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var n Notification
			if err := scan(rows, &n); err != nil {
				rows.Close()
				return err
			}
			out = append(out, n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := outcomes(ctx, tx, out); err != nil {
			return err
		}
		_, err = audit.Append(ctx, d, tx, audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: a.OrganisationID,
			ActorRole: a.RoleTitle(), Action: "earlyyears.family.view", RecordType: "child", RecordID: childID, ChildID: childID, Reason: dec.Reason})
		return err
	})
	return out, err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// write appends the audit row for a read or change of a notification.
func write(ctx context.Context, d *db.DB, tx *sql.Tx, a access.Actor, action, id, childID, reason string, now time.Time, changes ...audit.Change) error {
	_, err := audit.Append(ctx, d, tx, audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: a.OrganisationID,
		ActorRole: a.RoleTitle(), Action: action, RecordType: "early_years_notification", RecordID: id, ChildID: childID, Reason: reason, Changes: changes})
	return err
}
