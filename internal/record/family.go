package record

import (
	"context"
	"database/sql"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
)

// FamilyChildren lists the children a parent or young person may see: their
// own children with parental responsibility, or themself. Each is audited.
func FamilyChildren(ctx context.Context, d *db.DB, a access.Actor) ([]Summary, error) {
	if a.Kind != access.ParentCarer && a.Kind != access.YoungPerson {
		return nil, apperr.Errorf(apperr.Forbidden, "this page is for parents, carers and young people")
	}
	now := db.Now()
	cond, args := access.Predicate(a, access.FamilyView, "c.id", now, 1)
	var out []Summary
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `SELECT `+childCols+` FROM children c LEFT JOIN organisations s ON s.id = c.setting_id
			WHERE `+cond+` ORDER BY c.date_of_birth, c.id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		row := newSummaryRow()
		for rows.Next() {
			s, err := row.scan(rows.Scan, date.Today(now))
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		reason := "parent with parental responsibility"
		if a.Kind == access.YoungPerson {
			reason = "the young person themself"
		}
		for _, s := range out {
			if err := write(ctx, d, tx, a, "child.list", "child", s.ID, s.ID, reason, now); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Look is one time someone looked at or changed a child's record, as the family sees it.
type Look struct {
	At   time.Time
	Who  string // the organisation, and the person's name where the partnership shows names
	Role string
	What string
}

// AccessLog tells a family, or a manager, who has looked at a child's record:
// the organisation, the role and the date, newest first, at most limit.
// showNames adds staff names, as the partnership decides. Reading it is audited too.
func AccessLog(ctx context.Context, d *db.DB, a access.Actor, childID string, showNames bool, limit int) ([]Look, error) {
	p := access.FamilyView
	if a.Kind == access.Staff {
		p = access.AuditView
	}
	now := db.Now()
	var out []Look
	err := d.Transact(ctx, func(tx *sql.Tx) error {
		out = nil
		dec, err := access.Require(ctx, tx, a, p, childID, now)
		if err != nil {
			return err
		}
		cond, args := access.Predicate(a, p, "$1", now, 3)
		rows, err := tx.QueryContext(ctx, `SELECT e.at, COALESCE(o.name, 'Your family'), e.actor_role, e.action,
				COALESCE(pp.given_name || ' ' || pp.family_name, '')
			FROM audit_events e LEFT JOIN organisations o ON o.id = e.actor_org LEFT JOIN people pp ON pp.id = e.actor_id
			WHERE e.child_id = $1 AND `+cond+` ORDER BY e.seq DESC LIMIT $2`, append([]any{childID, limit}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l Look
			var name string
			if err := rows.Scan(&l.At, &l.Who, &l.Role, &l.What, &name); err != nil {
				return err
			}
			if showNames && name != "" && l.Who != "Your family" {
				l.Who = name + ", " + l.Who
			}
			l.What = actionWords[l.What]
			out = append(out, l)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return write(ctx, d, tx, a, "access_log.view", "child", childID, childID, dec.Reason, now)
	})
	return out, err
}

var actionWords = map[string]string{
	"child.view":        "Looked at the record",
	"child.list":        "Saw the child in a list of their own children",
	"access_log.view":   "Looked at who has seen the record",
	"child.reassign":    "Changed the named contact",
	"child.break_glass": "Opened the record in an emergency",
	"caseload.view":     "Looked at their caseload",
	"sar.export":        "Exported the record for a subject access request",
	"account.invite":    "Invited a parent or the young person to make a joinedup account",
	// Transfers of the case and safeguarding shares.
	"child.transfer.propose":   "Proposed moving the case to another team",
	"child.transfer.revoke":    "Withdrew a proposal to move the case to another team",
	"child.transfer.reject":    "Declined to take over the case",
	"child.transfer.accept":    "Took over the case",
	"transfer.view":            "Looked at a proposal to move the case to another team",
	"child.safeguarding_share": "Shared the record with another organisation to keep a child safe",
	"alert.review":             "Reviewed how the record was opened",
	// Health waiting lists (internal/waitlist/store).
	"waitlist.view":          "Looked at a health waiting list",
	"waitlist.referral.view": "Looked at the child's referral to a health waiting list",
	"waitlist.event.add":     "Recorded what happened on a health waiting list",
	"waitlist.child.view":    "Looked at the child's place on health waiting lists",
	"waitlist.referral.add":  "Added the child to a health waiting list",
	"waitlist.message.add":   "Sent the health team a message about the child's wait",
	"waitlist.check":         "Checked a health waiting list for mistakes",
	"waitlist.project":       "Worked out when the children on a health waiting list may be seen",
	// Early-years notifications (internal/earlyyears, CFA 2014 s23).
	"earlyyears.notify":      "Told the council about the child's needs before school age",
	"earlyyears.view":        "Looked at what health told the council about the child",
	"earlyyears.acknowledge": "Acknowledged what health told the council",
	"earlyyears.record":      "Recorded what the council did after health told it",
	"earlyyears.family.view": "Looked at what health told the council",
	"earlyyears.queue.view":  "Looked at the list of what health has told the council about young children",
	// Advice for an EHC needs assessment (internal/advice, SEND Regulations 2014 reg 6 and 8).
	"advice.request":         "Asked a health, care or education team for advice about the child's needs",
	"advice.view":            "Looked at a request for advice about the child",
	"advice.assign":          "Gave a request for advice to a member of the team",
	"advice.withdraw":        "Withdrew a request for advice",
	"advice.submit":          "Sent advice about the child's needs",
	"advice.attachment.view": "Opened a report sent with advice about the child",
	"advice.assure":          "Checked the quality of health advice about the child",
	"advice.queue.view":      "Looked at their team's requests for advice",
	"advice.qa.list":         "Looked at the health advice waiting for a quality check",
	"advice.qa.sample":       "Chose health advice to check in a monthly audit",
	// The EHC needs assessment and its steps (internal/casework).
	"ehc.request.submit": "Asked for an education, health and care (EHC) needs assessment",
	"ehc.request.accept": "Added a request for an assessment to the child's case",
	"ehc.requests.view":  "Looked at requests for assessments waiting to be added to a case",
	"ehc.view":           "Looked at the education, health and care (EHC) needs assessment",
	"ehc.event.add":      "Recorded a step in the education, health and care (EHC) needs assessment",
	"ehc.letter.issue":   "Sent a letter with a decision and how to appeal against it",
	"ehc.dispute.add":    "Recorded a step in mediation or an appeal to the tribunal",
	"ehc.caseload.view":  "Looked at their list of education, health and care (EHC) cases",
	// The education, health and care plan (internal/plan).
	"plan.view":               "Looked at the education, health and care (EHC) plan",
	"plan.start":              "Started the draft education, health and care (EHC) plan",
	"plan.section.save":       "Changed a section of the education, health and care (EHC) plan",
	"plan.comment":            "Commented on a section of the draft education, health and care (EHC) plan",
	"plan.setting.request":    "Asked for a school or college to be named in the education, health and care (EHC) plan",
	"plan.setting.consult":    "Recorded asking a school or college whether it can offer a place",
	"plan.issue":              "Issued the education, health and care (EHC) plan: a draft, the final plan or an amended plan",
	"plan.amend.start":        "Started proposing changes to the education, health and care (EHC) plan",
	"plan.amend.notice":       "Sent the family the proposed changes to the education, health and care (EHC) plan",
	"plan.amend.withdraw":     "Withdrew proposed changes to the education, health and care (EHC) plan before the family was sent them",
	"plan.amend.no_amendment": "Decided not to make the proposed changes to the education, health and care (EHC) plan, and told the family why",
	// Lists staff look at, which name no one child.
	"alerts.view":    "Looked at alerts about emergency access and safeguarding",
	"transfers.view": "Looked at cases moving to or from their teams",
}

// Describe says what an audited action was, in words; an action without
// words is given as it is.
func Describe(action string) string {
	if w, ok := actionWords[action]; ok {
		return w
	}
	return action
}
