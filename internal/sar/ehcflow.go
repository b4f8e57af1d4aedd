package sar

import "context"

// The EHC workflow's own tables (internal/casework: request.go, letters.go,
// disputes.go; migration 00016). They cannot live in casework, whose
// functions sar would then import in a cycle.

// ehcRequests are the requests for an assessment made online about the
// child or, for an adult, made by them.
func ehcRequests(ctx context.Context, r *Reader) (*Table, error) {
	q := Query{
		Select: `rq.child_id AS child_id, ` + name("c") + ` AS child, rq.source AS made_as, ` + name("m") + ` AS made_by, rq.made_at AS made_at,
			rq.received_on AS received_on, rq.reasons AS reasons, rq.consent_given_by AS consent_given_by, rq.consent_given_on AS consent_given_on,
			o.name AS sent_to, rq.status AS status, ` + name("ab") + ` AS logged_by, rq.accepted_at AS logged_at`,
		From: `ehc_requests rq JOIN children c ON c.id = rq.child_id JOIN people m ON m.id = rq.made_by
			JOIN organisations o ON o.id = rq.team_id LEFT JOIN people ab ON ab.id = rq.accepted_by`,
		OrderBy: "rq.made_at, rq.id", Child: "rq.child_id",
	}
	if r.Subject.ChildID != "" {
		q.Where = "rq.child_id = $1"
		return r.Read(ctx, q, r.Subject.ChildID)
	}
	q.Where = "rq.made_by = $1"
	return r.Read(ctx, q, r.Subject.PersonID)
}

// ehcLetters are the decision letters about the child, with how each was sent.
func ehcLetters(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `l.child_id AS child_id, l.kind AS decision, l.decision_on AS dated, l.reasons AS reasons, l.adviser AS mediation_adviser,
			l.method AS sent_by, l.sent_at AS sent_at, l.deemed_on AS deemed_received_on, ` + name("p") + ` AS issued_by`,
		From:  "ehc_letters l JOIN people p ON p.id = l.issued_by",
		Where: "l.child_id = $1", OrderBy: "l.sent_at, l.id", Child: "l.child_id",
	}, r.Subject.ChildID)
}

// ehcDisputes are the mediation and tribunal steps after those letters.
func ehcDisputes(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `s.child_id AS child_id, l.kind AS decision, l.decision_on AS letter_dated, s.step AS step, s.step_date AS step_date,
			s.outcome AS outcome, s.note AS note, ` + name("p") + ` AS recorded_by, s.recorded_at AS recorded_at`,
		From:  "ehc_disputes s JOIN ehc_letters l ON l.id = s.letter_id JOIN people p ON p.id = s.recorded_by",
		Where: "s.child_id = $1", OrderBy: "l.sent_at, s.seq", Child: "s.child_id",
	}, r.Subject.ChildID)
}
