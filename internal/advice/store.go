package advice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/audit"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/ehc"
	"joinedup/internal/people"
)

// LinkPurpose is the purpose of the team's view of the child while it answers.
const LinkPurpose = "health advice for an EHC needs assessment"

// QAReason is the audit reason for the DCO's partnership-wide reading of health advice.
const QAReason = "Designated Clinical Officer: quality assurance of health advice (SEND Code of Practice 3.56)"

// MinQuestion and MinReason are the shortest question and reason accepted.
const (
	MinQuestion = 10
	MinReason   = 10
)

func invalid(fs apperr.Fields, what string) error {
	if len(fs) == 0 {
		return nil
	}
	return &apperr.Error{Code: apperr.Invalid, Message: what, Fields: fs}
}

// Team is a provider team that can be asked for advice.
type Team struct{ ID, Name, Provider string }

// Teams lists the teams of the partnership's NHS providers, by name: the
// bodies a request for health advice can go to (not the ICB's DCO team).
func Teams(ctx context.Context, q access.Querier) ([]Team, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.name, COALESCE(p.name, '') FROM organisations o
		LEFT JOIN organisations p ON p.id = o.parent_id
		WHERE o.kind = $1 AND p.kind = $2 ORDER BY o.name, p.name`, people.NHSTeam, people.NHSProvider)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Team
	for rows.Next() {
		var t Team
		if err := rows.Scan(&t.ID, &t.Name, &t.Provider); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Ask requests advice from a provider team for a child whose assessment is
// under way. It needs case.edit on the child; the request, the team's view
// of the child and the clock's advice_requested event are stored together
// or not at all.
func Ask(ctx context.Context, d *db.DB, a access.Actor, childID string, in RequestInput) (Request, error) {
	now := db.Now()
	today := date.Today(now)
	var r Request
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		dec, err := access.Require(ctx, tx, a, access.CaseEdit, childID, now)
		if err != nil {
			return err
		}
		in.Question, in.Consent = strings.TrimSpace(in.Question), strings.TrimSpace(in.Consent)
		if in.Received.IsZero() {
			in.Received = in.Sent
		}
		var fs apperr.Fields
		var team Team
		if in.TeamID == "" {
			fs.Add("team", "Choose the health team to ask")
		} else if err := tx.QueryRowContext(ctx, `SELECT o.id, o.name FROM organisations o JOIN organisations p ON p.id = o.parent_id
			WHERE o.id = $1 AND o.kind = $2 AND p.kind = $3`, in.TeamID, people.NHSTeam, people.NHSProvider).Scan(&team.ID, &team.Name); errors.Is(err, sql.ErrNoRows) {
			fs.Add("team", "Choose one of the health teams listed")
		} else if err != nil {
			return err
		}
		if len(in.Question) < MinQuestion {
			fs.Add("question", "Say what you are asking the team to advise on")
		}
		if len(in.Consent) < 5 {
			fs.Add("consent", "Say how and when the family agreed to the request for health advice")
		}
		if in.Sent.IsZero() {
			fs.Add("sent", "Enter the date the request was sent")
		}
		if !in.Sent.IsZero() && in.Received.Before(in.Sent) {
			fs.Add("received", "The day the team received the request cannot be before the day it was sent")
		}
		if err := invalid(fs, "the request for advice cannot be made"); err != nil {
			return err
		}
		var open int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM advice_requests WHERE child_id = $1 AND team_id = $2 AND status = $3",
			childID, team.ID, Open).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return invalid(apperr.Fields{{Name: "team", Message: team.Name + " already has a request for this child's advice in its queue"}},
				"the request for advice cannot be made")
		}
		ev, err := casework.AddIn(ctx, d, tx, a, childID, casework.Input{Type: ehc.AdviceRequested.String(), Date: in.Sent,
			Received: in.Received, Contributor: team.Name, Note: "Requested through the team's advice queue"})
		if err != nil {
			return err
		}
		ds, err := ehc.Deadlines([]ehc.Event{ev.Event}, today)
		if err != nil || len(ds) != 1 || ds[0].Rule != "R3" {
			return fmt.Errorf("advice: the clock gave no R3 deadline for %v: %v", ev.Event, err)
		}
		link, err := access.AddLink(ctx, tx, access.Link{ChildID: childID, OrganisationID: team.ID, Reason: access.Referral,
			Purpose: LinkPurpose, GrantedBy: a.PersonID, StartsAt: now})
		if err != nil {
			return err
		}
		r = Request{ID: uuid.NewString(), ChildID: childID, TeamID: team.ID, Team: team.Name, Contributor: team.Name,
			Question: in.Question, Consent: in.Consent, Sent: in.Sent, Received: in.Received, Due: ds[0].Due, Status: Open,
			RequestedBy: a.Name, RequestedAt: now, Today: today, Access: dec.Reason}
		if _, err := tx.ExecContext(ctx, `INSERT INTO advice_requests (id, child_id, team_id, contributor, question, consent,
			sent_on, received_on, due_on, status, link_id, requested_event_id, requested_by, requested_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, r.ID, childID, team.ID, r.Contributor,
			r.Question, r.Consent, r.Sent, r.Received, r.Due, Open, link.ID, ev.ID, a.PersonID, now.UTC()); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "advice.request", r.ID, childID, dec.Reason, now,
			audit.Change{Field: "team", New: team.Name}, audit.Change{Field: "due", New: r.Due.String()})
	})
	return r, err
}

// held is a request's row as the access checks need it.
type held struct {
	id, childID, teamID, status, withdrawnReason string
	withdrawnAt                                  sql.NullTime
}

// authorise loads request id and decides whether a may do p to it, giving the
// audit reason. A request another team holds is NotFound to a team member, as
// is one whose child is out of a coordinator's reach. A withdrawn request is
// a clear Conflict to its team, whose view of the child ended with it.
func authorise(ctx context.Context, tx *sql.Tx, a access.Actor, id string, p access.Permission, now time.Time) (held, string, error) {
	var h held
	err := tx.QueryRowContext(ctx, `SELECT id, child_id, team_id, status, COALESCE(withdrawn_reason, ''), withdrawn_at
		FROM advice_requests WHERE id = $1`, id).Scan(&h.id, &h.childID, &h.teamID, &h.status, &h.withdrawnReason, &h.withdrawnAt)
	if errors.Is(err, sql.ErrNoRows) {
		return h, "", apperr.Errorf(apperr.NotFound, "there is no such request for advice")
	}
	if err != nil {
		return h, "", err
	}
	ownTeam := a.Kind == access.Staff && !a.Disabled && a.TeamID == h.teamID && a.May(access.AdviceSubmit)
	switch {
	case ownTeam && p != access.CaseEdit:
		if h.status == Withdrawn {
			return h, "", apperr.Errorf(apperr.Conflict, "This request for advice was withdrawn on %s, so there is nothing more to do for it (the reason given: %s)",
				date.Today(h.withdrawnAt.Time).Time().Format("2 January 2006"), strings.TrimRight(h.withdrawnReason, "."))
		}
		if !a.May(p) && p != access.CaseView {
			return h, "", apperr.Errorf(apperr.Forbidden, "you may see this request but not do this: no role of yours allows %s", p)
		}
		dec, err := access.Require(ctx, tx, a, access.AdviceSubmit, h.childID, now)
		return h, dec.Reason, err
	case p == access.AdviceQA || (p == access.CaseView && a.May(access.AdviceQA) && !a.Disabled && a.Kind == access.Staff):
		if !a.May(access.AdviceQA) || a.Disabled || a.Kind != access.Staff {
			return h, "", apperr.Errorf(apperr.NotFound, "there is no such request for advice")
		}
		return h, QAReason, nil
	case p == access.CaseView || p == access.CaseEdit:
		dec, err := access.Require(ctx, tx, a, p, h.childID, now)
		if apperr.CodeOf(err) == apperr.NotFound {
			err = apperr.Errorf(apperr.NotFound, "there is no such request for advice")
		}
		return h, dec.Reason, err
	}
	return h, "", apperr.Errorf(apperr.NotFound, "there is no such request for advice")
}

// Get reads a request with every submission and review. Team members, the
// child's coordinators (case.view) and the DCO may read it; it is audited.
func Get(ctx context.Context, d *db.DB, a access.Actor, id string) (Request, error) {
	now := db.Now()
	var r Request
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		h, reason, err := authorise(ctx, tx, a, id, access.CaseView, now)
		if err != nil {
			return err
		}
		if r, err = read(ctx, tx, id); err != nil {
			return err
		}
		r.Access, r.Today = reason, date.Today(now)
		return write(ctx, d, tx, a, "advice.view", id, h.childID, reason, now)
	})
	return r, err
}

const requestCols = `r.id, r.child_id, c.given_name || ' ' || c.family_name, c.date_of_birth, COALESCE(c.nhs_number, ''),
	r.team_id, o.name, r.contributor, r.question, r.consent, r.sent_on, r.received_on, r.due_on, r.status,
	COALESCE(r.assigned_to, ''), COALESCE(ap.given_name || ' ' || ap.family_name, ''), rp.given_name || ' ' || rp.family_name,
	r.requested_at, COALESCE(r.withdrawn_reason, '')`

const requestFrom = `FROM advice_requests r JOIN children c ON c.id = r.child_id JOIN organisations o ON o.id = r.team_id
	JOIN people rp ON rp.id = r.requested_by LEFT JOIN people ap ON ap.id = r.assigned_to`

func scanRequest(s interface{ Scan(...any) error }, r *Request) error {
	return s.Scan(&r.ID, &r.ChildID, &r.ChildName, &r.DateOfBirth, &r.NHSNumber, &r.TeamID, &r.Team, &r.Contributor,
		&r.Question, &r.Consent, &r.Sent, &r.Received, &r.Due, &r.Status, &r.AssignedTo, &r.Assignee, &r.RequestedBy,
		&r.RequestedAt, &r.Withdrawn)
}

// read loads a request, its submissions and their reviews; access is the caller's.
func read(ctx context.Context, tx *sql.Tx, id string) (Request, error) {
	var r Request
	if err := scanRequest(tx.QueryRowContext(ctx, `SELECT `+requestCols+` `+requestFrom+` WHERE r.id = $1`, id), &r); err != nil {
		return r, err
	}
	subs, err := submissions(ctx, tx, "s.request_id = $1", id)
	r.Submissions = subs
	return r, err
}

// Filters of a team's queue: whose requests (QueueFilter.Assigned).
const (
	AssignedToMe = "me"   // assigned to the reader
	NotAssigned  = "none" // held by the team, nobody's yet
)

// QueueFilter narrows a team's queue and says where its page starts.
type QueueFilter struct {
	Assigned string // "" for every open request, AssignedToMe or NotAssigned
	Overdue  bool   // only those past their 6 weeks
	Offset   int    // how many to skip, soonest due first
}

// Queued is an open request as the team's queue lists it.
type Queued struct {
	ID, ChildName, NHSNumber string
	DateOfBirth              date.Date
	Received, Due            date.Date
	AssignedTo, Assignee     string // a person's id and name; "" while unassigned
	Overdue                  bool   // still awaited after its 6 weeks
}

// QueuePage is one page of a team's queue and the counts of the whole filtered queue.
type QueuePage struct {
	Requests       []Queued
	Total, Overdue int
	Today          date.Date
}

// Queue lists a page of at most limit open requests in the actor's team's
// queue, soonest due first (ties by request id), with the child's details,
// and counts the whole filtered queue. Reading it is audited once.
//
// The page is cut on the requests' ids and due dates alone, through the
// queue's index and the access predicate; the child's name and the assignee
// are read for the page's rows only. With its audit row, one statement on
// PostgreSQL (audit.Query).
func Queue(ctx context.Context, d *db.DB, a access.Actor, f QueueFilter, limit int) (QueuePage, error) {
	now := db.Now()
	p := QueuePage{Today: date.Today(now)}
	if a.Disabled || a.Kind != access.Staff || a.TeamID == "" || !a.May(access.AdviceSubmit) {
		return p, apperr.Errorf(apperr.Forbidden, "only a member of a health team has an advice queue")
	}
	args := []any{a.TeamID, Open, p.Today}
	where := "r.team_id = $1 AND r.status = $2"
	what := "member of the team whose queue it is"
	switch f.Assigned {
	case AssignedToMe:
		args = append(args, a.PersonID)
		where += fmt.Sprintf(" AND r.assigned_to = $%d", len(args))
		what += ": the requests assigned to them"
	case NotAssigned:
		where += " AND r.assigned_to IS NULL"
		what += ": the requests not assigned"
	case "":
	default:
		return p, invalid(apperr.Fields{{Name: "assigned", Message: "Choose requests assigned to you, not assigned, or all"}}, "the queue cannot be shown")
	}
	if f.Overdue {
		where += " AND r.due_on < $3"
		what += ", overdue only"
	}
	cond, pargs := access.Predicate(a, access.AdviceSubmit, "r.child_id", now, len(args)+1)
	args = append(args, pargs...)
	if scope, _ := a.Can(access.AdviceSubmit); scope != access.ScopeOwn && scope != access.ScopePartnership &&
		access.ReasonAllows(access.Referral, access.AdviceSubmit) {
		// The team's own referral link, made with the request, is one of the
		// links the predicate reads (the team's, for a reason that allows
		// advice, in force), so a request whose link is in force passes the
		// predicate: the test of that one row by its key comes first, and the
		// predicate's list of every link of the team (thousands) is read only
		// for a request whose own link has ended. LIMIT 1 OFFSET 0 keeps
		// PostgreSQL testing that link by its key, row by row: without it the
		// planner made the EXISTS a hash of every referral link in the
		// partnership (12,500 rows, 300 ms a page on the county demo).
		live, largs := access.InForce(now, len(args)+2)
		cond = fmt.Sprintf(`(EXISTS (SELECT 1 FROM care_team ct LEFT JOIN consents cs ON cs.id = ct.consent_id
			WHERE ct.id = r.link_id AND ct.organisation_id = r.team_id AND ct.reason = $%d AND %s LIMIT 1 OFFSET 0) OR %s)`, len(args)+1, live, cond)
		args = append(append(args, access.Referral), largs...)
	}
	counting := args
	args = append(args[:len(args):len(args)], limit, max(f.Offset, 0))
	// The count is its own one-row derived table (the same condition and
	// arguments): read once, and with no sort, where COUNT(*) OVER () sorted
	// the whole queue.
	query := `SELECT pg.id, c.given_name || ' ' || c.family_name, c.date_of_birth, COALESCE(c.nhs_number, ''), r.received_on, r.due_on,
		COALESCE(r.assigned_to, ''), COALESCE(ap.given_name || ' ' || ap.family_name, ''), n.total, n.overdue
		FROM (SELECT r.id, r.due_on FROM advice_requests r WHERE ` + where + ` AND ` + cond + `
			ORDER BY r.due_on, r.id ` + fmt.Sprintf("LIMIT $%d OFFSET $%d", len(args)-1, len(args)) + `) pg
		CROSS JOIN (SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN r.due_on < $3 THEN 1 ELSE 0 END), 0) AS overdue
			FROM advice_requests r WHERE ` + where + ` AND ` + cond + `) n
		JOIN advice_requests r ON r.id = pg.id JOIN children c ON c.id = r.child_id LEFT JOIN people ap ON ap.id = r.assigned_to
		ORDER BY pg.due_on, pg.id`
	ev := audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: a.OrganisationID, ActorRole: a.RoleTitle(),
		Action: "advice.queue.view", RecordType: "advice_queue", RecordID: a.TeamID, Reason: what}
	err := audit.Query(ctx, d, ev, func(rows *sql.Rows) error {
		p.Requests, p.Total, p.Overdue = p.Requests[:0], 0, 0
		for rows.Next() {
			var q Queued
			if err := rows.Scan(&q.ID, &q.ChildName, &q.DateOfBirth, &q.NHSNumber, &q.Received, &q.Due, &q.AssignedTo, &q.Assignee,
				&p.Total, &p.Overdue); err != nil {
				return err
			}
			q.Overdue = p.Today.After(q.Due)
			p.Requests = append(p.Requests, q)
		}
		return nil
	}, query, args...)
	if err != nil {
		return p, err
	}
	if len(p.Requests) == 0 && f.Offset > 0 { // past the last page: still say how many there are (the view is audited above)
		var skip any
		err := d.QueryRowContext(ctx, query, append(counting, 1, 0)...).Scan(&skip, &skip, &skip, &skip, &skip, &skip, &skip, &skip, &p.Total, &p.Overdue)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return p, err
		}
	}
	return p, nil
}

// Assign gives a request to a member of the team holding it (advice.assign, the team lead).
func Assign(ctx context.Context, d *db.DB, a access.Actor, id, personID string) error {
	now := db.Now()
	return d.Transact(ctx, func(tx *sql.Tx) error {
		h, reason, err := authorise(ctx, tx, a, id, access.AdviceAssign, now)
		if err != nil {
			return err
		}
		var name, old string
		err = tx.QueryRowContext(ctx, `SELECT given_name || ' ' || family_name FROM people
			WHERE id = $1 AND organisation_id = $2 AND kind = $3 AND disabled_at IS NULL`, personID, h.teamID, access.Staff).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return invalid(apperr.Fields{{Name: "person", Message: "Choose a member of the team"}}, "the request cannot be assigned")
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(p.given_name || ' ' || p.family_name, '') FROM advice_requests r
			LEFT JOIN people p ON p.id = r.assigned_to WHERE r.id = $1`, id).Scan(&old); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE advice_requests SET assigned_to = $1 WHERE id = $2", personID, id); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "advice.assign", id, h.childID, reason, now, audit.Change{Field: "assigned_to", Old: old, New: name})
	})
}

// Members lists the people of a team a request can be assigned to.
func Members(ctx context.Context, q access.Querier, teamID string) ([]access.Person, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, given_name || ' ' || family_name FROM people
		WHERE organisation_id = $1 AND kind = $2 AND disabled_at IS NULL ORDER BY family_name, given_name, id`, teamID, access.Staff)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []access.Person
	for rows.Next() {
		var p access.Person
		if err := rows.Scan(&p.ID, &p.Name); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Withdraw takes an open request out of the team's queue (case.edit on the
// child), with a reason, and ends the team's view of the child.
func Withdraw(ctx context.Context, d *db.DB, a access.Actor, id, reason string) error {
	now := db.Now()
	return d.Transact(ctx, func(tx *sql.Tx) error {
		h, why, err := authorise(ctx, tx, a, id, access.CaseEdit, now)
		if err != nil {
			return err
		}
		switch h.status {
		case Withdrawn:
			return apperr.Errorf(apperr.Conflict, "This request for advice was already withdrawn")
		case Submitted:
			return apperr.Errorf(apperr.Conflict, "The team has already returned its advice, so the request cannot be withdrawn")
		}
		reason = strings.TrimSpace(reason)
		if len(reason) < MinReason {
			return invalid(apperr.Fields{{Name: "reason", Message: "Say why the request is withdrawn: the team is told"}}, "the request cannot be withdrawn")
		}
		var link, contributor string
		if err := tx.QueryRowContext(ctx, "SELECT link_id, contributor FROM advice_requests WHERE id = $1", id).Scan(&link, &contributor); err != nil {
			return err
		}
		// The clock's R3 for this body goes with the request.
		if _, err := casework.AddIn(ctx, d, tx, a, h.childID, casework.Input{Type: ehc.AdviceWithdrawn.String(), Date: date.Today(now),
			Contributor: contributor, Note: reason}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE advice_requests SET status = $1, withdrawn_by = $2, withdrawn_at = $3, withdrawn_reason = $4
			WHERE id = $5 AND status = $6`, Withdrawn, a.PersonID, now.UTC(), reason, id, Open); err != nil {
			return err
		}
		if err := access.EndLink(ctx, tx, link, now); err != nil {
			return err
		}
		return write(ctx, d, tx, a, "advice.withdraw", id, h.childID, why, now, audit.Change{Field: "status", Old: Open, New: Withdrawn},
			audit.Change{Field: "reason", New: reason})
	})
}

// write appends the audit row for a read or change of a child's advice.
func write(ctx context.Context, d *db.DB, tx *sql.Tx, a access.Actor, action, id, childID, reason string, now time.Time, changes ...audit.Change) error {
	_, err := audit.Append(ctx, d, tx, audit.Event{At: now, RequestID: a.RequestID, ActorID: a.PersonID, ActorOrg: a.OrganisationID,
		ActorRole: a.RoleTitle(), Action: action, RecordType: "advice_request", RecordID: id, ChildID: childID, Reason: reason, Changes: changes})
	return err
}
