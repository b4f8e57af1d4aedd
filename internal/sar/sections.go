package sar

import (
	"context"
	"encoding/json"
	"regexp"

	"joinedup/internal/audit"
	"joinedup/internal/record"
)

// Section is one kind of data an export holds: a file of the archive and a
// heading of the document.
type Section struct {
	Name  string // the file is Name + ".json"
	Title string // the heading in the document
	About string // what it holds, in a sentence a family can read
	// Read returns the subject's rows, or nil when the section says nothing
	// about this kind of subject (a child without an account has no sessions).
	// It reads through r, so rows about other children are filtered by access.
	Read func(ctx context.Context, r *Reader) (*Table, error)
}

// Sections are exported in this order. A later capability (EHC plans,
// advice, waiting lists) adds one line here and one Read function, best kept
// in its own package beside the tables it owns.
//
// Never exported, whatever the section: password hashes, the hashes of
// sessions and emailed links, and the links' secrets (see redactLinks).
var Sections = []Section{
	{"record", "The child's or young person's record", "Their details as joinedup holds them: name, date of birth, identifiers, school or setting and special educational needs.", childRecord},
	{"personal_details", "Personal details", "The person's own details: name, contact details, and for staff their organisation and job.", personalDetails},
	{"family", "Family", "For a child, their parents and carers; for an adult, the children they are linked to, and whether they hold parental responsibility.", family},
	{"care_team", "Who works with the child", "Every person, team and organisation given access to the child's record, why, for what purpose, who granted it and when it started and ended.", careTeam},
	{"notes", "Notes written about the child's care", "Handover notes for a new coordinator, and the reasons written for emergency (break-glass) access or sharing without consent.", notes},
	{"ehc", "EHC needs assessment and plan", "Every event of the child's statutory EHC process as recorded: requests, decisions with their reasons, advice, plans, reviews, exceptions and transfers, who recorded each and when.", ehcEvents},
	{"ehc_requests", "Requests for an EHC needs assessment made online", "Each request made online: who made it and as whom, the reasons in their words, the family's consent where a professional asked, and when the council logged it.", ehcRequests},
	{"ehc_letters", "EHC decision letters", "Each letter telling the family a decision they can appeal: the decision, its reasons, the mediation adviser, how it was sent and when it counts as received.", ehcLetters},
	{"ehc_disputes", "Mediation and appeals", "After a decision letter: contact with the mediation adviser, mediation and its outcome, the certificate, the appeal, the hearing and the tribunal's order.", ehcDisputes},
	{"ehc_plans", "EHC plans", "Every version of the EHC plan, draft and final, and proposed amendments (with why, and if withdrawn, when and why): each section's text, outcomes and provision, the school or college named, when it was issued, how it was sent and when it counts as received.", ehcPlans},
	{"ehc_plan_comments", "Comments on the draft EHC plan", "What the family said about each section of a draft plan, who sent it and when.", ehcPlanComments},
	{"ehc_plan_settings", "Schools and colleges asked for", "Each school or college the family asked to be named in the plan, why, and the council's consultation of it: when, when the answer was due and what it said.", ehcPlanSettings},
	{"consents", "Consent to share information", "Consent given to share the child's information with an organisation: by whom, what, why, how it was given, and when it was withdrawn.", consents},
	{"waiting_lists", "Health waiting lists", "Each referral to a children's health service's waiting list: which list, the team, the waiting-time rules it is measured under, when the referral was received, who made it, and its priority and why.", waitingLists},
	{"waiting_list_events", "What happened while waiting", "Appointments attended or missed, when the wait ended and why, and moves to another provider, for each waiting-list referral.", waitingListEvents},
	{"waiting_list_messages", "What the family told the waiting-list team", "Messages a parent, carer or young person sent the team running a waiting list to say circumstances had changed, who sent them and when.", waitingListMessages},
	{"health_advice", "Health advice requested", "Each request to a health team for advice for an EHC needs assessment: the team, the question, the family's consent, when it was sent, received and due, and whether it was answered or withdrawn.", adviceRequests},
	{"health_advice_statements", "Health advice given", "Each version of a health team's advice: the needs, provision, outcomes and views it records, and the source of each statement.", adviceStatements},
	{"health_advice_reviews", "Quality assurance of health advice", "The Designated Clinical Officer's rating of each version of health advice against each criterion, with the feedback given to its author.", adviceReviews},
	{"early_years_notifications", "Health bodies telling the council about a young child's needs", "Each time an NHS body told the council it thought the child, before school age, had or probably had special educational needs (Children and Families Act 2014 section 23): who, when, what they said, when and how the parent was told, and when the council acknowledged it.", earlyYearsNotifications},
	{"early_years_outcomes", "What the council did after being told", "For each of those notifications, what the council did: advice, early years support, a request for an EHC needs assessment, or no action and why.", earlyYearsOutcomes},
	{"access_alerts", "Alerts about access to the record", "Alerts raised for managers when the record was opened in an emergency or shared without consent.", accessAlerts},
	{"messages", "Messages sent", "Emails joinedup wrote about the child or to the person, and whether they were sent. Links in them are removed.", messages},
	{"access_log", "Who has looked at or changed the record", "Every time someone read or changed the child's record: who (organisation, role, name), what, when and why they were allowed.", accessLog},
	{"actions", "What the person did in joinedup", "Every read or change of a record the person made, from the audit log.", actions},
	{"roles", "Roles held", "The staff roles the person holds, how far they reach, and who granted them.", roles},
	{"sessions", "Sign-ins", "When and how the person signed in, from which browser, and when each session ended. The session keys are not kept.", sessions},
	{"account", "Account", "The person's own sign-in account: when it was made and confirmed, and when the password last changed. The password is not kept, only a one-way hash, which is not exported.", account},
	{"account_links", "Account emails", "Links sent to confirm the email address or reset the password: when, and whether they were used. The links themselves are not exported.", accountLinks},
	{"local_offer_taxonomy_changes", "Changes to the Local Offer's lists of terms", "Terms of the Local Offer's taxonomies (categories, needs, accessibility…) the person added, changed, retired or brought back, and when.", taxonomyChanges},
	{"offer_imports", "Local Offer imports", "Imports into the Local Offer directory the person applied as an editor: when, from which file or address, and how many services it added and changed.", offerImports},
}

// name is the SQL for a person's name from a people row aliased p.
func name(p string) string { return p + ".given_name || ' ' || " + p + ".family_name" }

func childRecord(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `c.id AS child_id, c.given_name AS given_name, c.family_name AS family_name, c.date_of_birth AS date_of_birth,
			c.nhs_number AS nhs_number, c.upn AS upn, c.uln AS uln, c.postcode AS postcode, s.name AS school_or_setting,
			c.sen_provision AS sen_provision, c.primary_need AS primary_need,
			c.young_person_decides_from AS young_person_decides_from, c.created_at AS recorded_at`,
		From:  "children c LEFT JOIN organisations s ON s.id = c.setting_id",
		Where: "c.id = $1", OrderBy: "c.id", Child: "c.id",
	}, r.Subject.ChildID)
}

func personalDetails(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.PersonID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `p.id AS person_id, p.kind AS kind, p.given_name AS given_name, p.family_name AS family_name, p.email AS email,
			p.phone AS phone, o.name AS organisation, p.job_title AS job_title, p.created_at AS recorded_at,
			p.disabled_at AS account_closed_at`,
		From:  "people p LEFT JOIN organisations o ON o.id = p.organisation_id",
		Where: "p.id = $1", OrderBy: "p.id",
	}, r.Subject.PersonID)
}

func family(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID != "" {
		return r.Read(ctx, Query{
			Select: `fl.child_id AS child_id, p.id AS person_id, ` + name("p") + ` AS name, fl.relationship AS relationship,
				fl.parental_responsibility AS parental_responsibility, fl.lives_with_child AS lives_with_child,
				p.email AS email, p.phone AS phone`,
			From:  "family_links fl JOIN people p ON p.id = fl.person_id",
			Where: "fl.child_id = $1", OrderBy: "p.family_name, p.given_name, p.id", Child: "fl.child_id",
		}, r.Subject.ChildID)
	}
	return r.Read(ctx, Query{
		Select: `fl.child_id AS child_id, ` + name("c") + ` AS child, c.date_of_birth AS date_of_birth, fl.relationship AS relationship,
			fl.parental_responsibility AS parental_responsibility, fl.lives_with_child AS lives_with_child`,
		From:  "family_links fl JOIN children c ON c.id = fl.child_id",
		Where: "fl.person_id = $1", OrderBy: "c.date_of_birth, c.id", Child: "fl.child_id",
	}, r.Subject.PersonID)
}

// careTeamFrom joins a care-team link ct to its member (a person p or an
// organisation o), who granted it (g) and the child (c).
const careTeamFrom = `care_team ct JOIN children c ON c.id = ct.child_id
	LEFT JOIN people p ON p.id = ct.person_id LEFT JOIN organisations po ON po.id = p.organisation_id
	LEFT JOIN organisations o ON o.id = ct.organisation_id LEFT JOIN organisations op ON op.id = o.parent_id
	LEFT JOIN people g ON g.id = ct.granted_by`

func careTeam(ctx context.Context, r *Reader) (*Table, error) {
	sel := `ct.id AS link_id, ct.child_id AS child_id, ` + name("c") + ` AS child,
		COALESCE(` + name("p") + `, o.name) AS member, COALESCE(po.name, op.name, o.name) AS organisation,
		ct.reason AS reason, ct.status AS status, ct.purpose AS purpose, COALESCE(` + name("g") + `, ct.granted_by) AS granted_by,
		ct.starts_at AS starts_at, ct.ends_at AS ends_at, ct.lawful_basis AS lawful_basis, ct.consent_id AS consent_id`
	if r.Subject.ChildID != "" {
		return r.Read(ctx, Query{Select: sel, From: careTeamFrom, Where: "ct.child_id = $1",
			OrderBy: "ct.starts_at, ct.id", Child: "ct.child_id"}, r.Subject.ChildID)
	}
	// An adult on children's care teams: staff, for the children they work with.
	return r.Read(ctx, Query{Select: sel, From: careTeamFrom, Where: "ct.person_id = $1",
		OrderBy: "ct.starts_at, ct.id", Child: "ct.child_id"}, r.Subject.PersonID)
}

func notes(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `ct.child_id AS child_id, CASE ct.reason WHEN 'break_glass' THEN 'reason for emergency access'
				WHEN 'safeguarding' THEN 'reason for sharing without consent' ELSE 'handover note' END AS kind,
			COALESCE(` + name("p") + `, o.name) AS written_for, COALESCE(` + name("g") + `, ct.granted_by) AS written_by,
			ct.starts_at AS written_at, ct.note AS note`,
		From:  careTeamFrom,
		Where: "ct.child_id = $1 AND ct.note IS NOT NULL", OrderBy: "ct.starts_at, ct.id", Child: "ct.child_id",
	}, r.Subject.ChildID)
}

func consents(ctx context.Context, r *Reader) (*Table, error) {
	q := Query{
		Select: `cs.id AS consent_id, cs.child_id AS child_id, ` + name("c") + ` AS child, ` + name("gp") + ` AS given_by,
			o.name AS shared_with, cs.information AS information, cs.purpose AS purpose, cs.evidence AS evidence,
			cs.given_at AS given_at, cs.expires_at AS expires_at, cs.withdrawn_at AS withdrawn_at,
			COALESCE(` + name("wp") + `, cs.withdrawn_by) AS withdrawn_by`,
		From: `consents cs JOIN children c ON c.id = cs.child_id JOIN people gp ON gp.id = cs.given_by
			JOIN organisations o ON o.id = cs.organisation_id LEFT JOIN people wp ON wp.id = cs.withdrawn_by`,
		OrderBy: "cs.given_at, cs.id", Child: "cs.child_id",
	}
	if r.Subject.ChildID != "" {
		q.Where = "cs.child_id = $1"
		return r.Read(ctx, q, r.Subject.ChildID)
	}
	q.Where = "cs.given_by = $1 OR cs.withdrawn_by = $1"
	return r.Read(ctx, q, r.Subject.PersonID)
}

func accessAlerts(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `al.id AS alert_id, ct.child_id AS child_id, al.kind AS kind, o.name AS raised_for, al.raised_at AS raised_at,
			COALESCE(` + name("rv") + `, al.reviewed_by) AS reviewed_by, al.reviewed_at AS reviewed_at`,
		From: `access_alerts al JOIN care_team ct ON ct.id = al.care_team_id JOIN organisations o ON o.id = al.organisation_id
			LEFT JOIN people rv ON rv.id = al.reviewed_by`,
		Where: "ct.child_id = $1", OrderBy: "al.raised_at, al.id", Child: "ct.child_id",
	}, r.Subject.ChildID)
}

// linkSecret matches the secret in an emailed link (…?token=…): a link still
// in date would let whoever holds the archive confirm or reset the account.
var linkSecret = regexp.MustCompile(`([?&]token=)[^\s&"'<>]+`)

func redactLinks(v any) any {
	if s, ok := v.(string); ok {
		return linkSecret.ReplaceAllString(s, "${1}[removed]")
	}
	return v
}

// messages are the outbox's emails about the child (a handover's message
// names its care-team link in its reference) or to the person (by address,
// or an account email's reference).
func messages(ctx context.Context, r *Reader) (*Table, error) {
	s := r.Subject
	refs := []any{"", "", ""}
	if s.PersonID != "" {
		refs = []any{"account-verify:" + s.PersonID, "account-reset:" + s.PersonID, "account-password:" + s.PersonID}
	}
	t, err := r.Read(ctx, Query{
		Select: `m.id AS message_id, ct.child_id AS child_id, m.created_at AS written_at, m.channel AS channel, m.recipient AS sent_to,
			m.subject AS subject, m.what_changed AS what_changed, m.what_to_do AS what_to_do, m.reference AS reference,
			m.status AS status, m.sent_at AS sent_at`,
		From: `outbox m LEFT JOIN care_team ct ON m.reference LIKE 'handover-%' AND ct.id = SUBSTR(m.reference, 10)`,
		Where: `m.reference IN (SELECT 'handover-' || h.id FROM care_team h WHERE h.child_id = $1)
			OR m.recipient = (SELECT e.email FROM people e WHERE e.id = $2) OR m.reference IN ($3, $4, $5)`,
		OrderBy: "m.created_at, m.id", Child: "ct.child_id",
	}, append([]any{s.ChildID, s.PersonID}, refs...)...)
	if err != nil {
		return nil, err
	}
	t.update("what_changed", redactLinks)
	t.update("what_to_do", redactLinks)
	return t, nil
}

// readAudit reads audit rows (e e) and says what each action means in
// words, with the stored changes as a list of field, old and new. Its
// Select names e.action twice: as action, and as what, for the words.
func readAudit(ctx context.Context, r *Reader, q Query, args ...any) (*Table, error) {
	t, err := r.Read(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	t.update("what", func(v any) any { s, _ := v.(string); return record.Describe(s) })
	t.update("changes", func(v any) any {
		var cs []audit.Change
		if s, ok := v.(string); ok {
			json.Unmarshal([]byte(s), &cs)
		}
		return cs
	})
	return t, nil
}

func accessLog(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return readAudit(ctx, r, Query{
		Select: `e.seq AS entry, e.at AS at, ` + name("who") + ` AS name, o.name AS organisation, e.actor_role AS role,
			e.action AS what, e.reason AS why, e.changes AS changes, e.action AS action, e.record_type AS record_type,
			e.record_id AS record_id, e.child_id AS child_id, e.request_id AS request_id`,
		From:  "audit_events e LEFT JOIN people who ON who.id = e.actor_id LEFT JOIN organisations o ON o.id = e.actor_org",
		Where: "e.child_id = $1", OrderBy: "e.seq", Child: "e.child_id",
	}, r.Subject.ChildID)
}

func actions(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.PersonID == "" {
		return nil, nil
	}
	return readAudit(ctx, r, Query{
		Select: `e.seq AS entry, e.at AS at, e.action AS what, e.reason AS why, e.changes AS changes, e.action AS action,
			e.record_type AS record_type, e.record_id AS record_id, e.child_id AS child_id, e.request_id AS request_id`,
		From:  "audit_events e",
		Where: "e.actor_id = $1", OrderBy: "e.seq", Child: "e.child_id",
	}, r.Subject.PersonID)
}

func roles(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.PersonID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `rg.role AS role, rg.scope AS scope, COALESCE(` + name("g") + `, rg.granted_by) AS granted_by, rg.granted_at AS granted_at`,
		From:   "role_grants rg LEFT JOIN people g ON g.id = rg.granted_by",
		Where:  "rg.person_id = $1", OrderBy: "rg.role",
	}, r.Subject.PersonID)
}

func sessions(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.PersonID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `s.created_at AS signed_in_at, s.signed_in_with AS signed_in_with, s.user_agent AS browser,
			s.last_seen_at AS last_seen_at, s.idle_expires_at AS idle_expires_at, s.absolute_expires_at AS expires_at,
			s.ended_at AS ended_at, s.ended_reason AS ended_reason`,
		From:  "sessions s",
		Where: "s.person_id = $1", OrderBy: "s.created_at, s.last_seen_at",
	}, r.Subject.PersonID)
}

func account(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.PersonID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `la.created_at AS created_at, la.email_verified_at AS email_confirmed_at, la.password_changed_at AS password_changed_at,
			la.failed_attempts AS wrong_passwords_in_a_row, la.lockouts AS lockouts_in_a_row, la.locked_until AS locked_until`,
		From:  "local_accounts la",
		Where: "la.person_id = $1", OrderBy: "la.created_at",
	}, r.Subject.PersonID)
}

func accountLinks(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.PersonID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `tk.purpose AS purpose, tk.created_at AS sent_at, tk.expires_at AS expires_at, tk.used_at AS used_at`,
		From:   "account_tokens tk",
		Where:  "tk.person_id = $1", OrderBy: "tk.created_at, tk.expires_at",
	}, r.Subject.PersonID)
}

// ehcEvents is the child's EHC case as recorded (the tables of internal/casework):
// the deadlines are computed from these events and never stored.
func ehcEvents(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `k.child_id AS child_id, o.name AS coordinating_team, e.seq AS recorded_order, e.type AS event, e.event_date AS event_date,
			e.end_date AS end_date, e.received_on AS received_on, e.code AS detail, e.contributor AS contributor, e.channel AS channel,
			e.note AS note, ` + name("p") + ` AS recorded_by, e.recorded_at AS recorded_at`,
		From:  "ehc_events e JOIN ehc_cases k ON k.id = e.case_id JOIN organisations o ON o.id = k.team_id JOIN people p ON p.id = e.recorded_by",
		Where: "k.child_id = $1", OrderBy: "e.event_date, e.seq", Child: "k.child_id",
	}, r.Subject.ChildID)
}

// Early-years notifications (internal/earlyyears, migration 00022): what a
// health body told the council about the child under CFA 2014 s23, and what
// the council did.
const earlyYearsFrom = `early_years_notifications n JOIN organisations t ON t.id = n.team_id JOIN organisations pr ON pr.id = n.provider_id
	JOIN organisations k ON k.id = n.council_id JOIN people nb ON nb.id = n.notified_by LEFT JOIN people ab ON ab.id = n.acknowledged_by`

func earlyYearsNotifications(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `n.id AS notification_id, n.child_id AS child_id, pr.name AS health_body, t.name AS team, ` + name("nb") + ` AS notified_by,
			n.notified_on AS notified_on, k.name AS council, n.needs AS needs, n.parent_informed_on AS parent_told_on,
			n.parent_informed_how AS parent_told_how, n.parent_wants_discussion AS parent_wants_to_discuss,
			n.voluntary_suggested AS voluntary_organisations_suggested, n.status AS status, n.acknowledged_on AS acknowledged_on,
			` + name("ab") + ` AS acknowledged_by, n.closed_at AS council_recorded_what_it_did_at`,
		From:  earlyYearsFrom,
		Where: "n.child_id = $1", OrderBy: "n.notified_on, n.id", Child: "n.child_id",
	}, r.Subject.ChildID)
}

func earlyYearsOutcomes(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `n.id AS notification_id, n.child_id AS child_id, pr.name AS health_body, n.notified_on AS notified_on, o.outcome AS outcome,
			o.note AS note, o.ehc_request_id AS ehc_request_id`,
		From:  earlyYearsFrom + ` JOIN early_years_outcomes o ON o.notification_id = n.id`,
		Where: "n.child_id = $1", OrderBy: "n.notified_on, n.id, o.outcome", Child: "n.child_id",
	}, r.Subject.ChildID)
}
