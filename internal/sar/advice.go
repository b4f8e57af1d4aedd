package sar

import "context"

// Health advice for the child's EHC needs assessment (internal/advice,
// migration 00017): each request to a health team, each version of the advice
// with every statement and its source, and the Designated Clinical Officer's
// ratings and feedback. Kept here, like the waiting lists, because a section
// reads through *Reader.

const adviceFrom = `advice_requests r JOIN children c ON c.id = r.child_id JOIN organisations o ON o.id = r.team_id
	JOIN people rq ON rq.id = r.requested_by`

func adviceRequests(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `r.id AS request_id, r.child_id AS child_id, o.name AS team, r.question AS question, r.consent AS family_consent,
			r.sent_on AS sent, r.received_on AS received, r.due_on AS due, r.status AS status, ` + name("rq") + ` AS requested_by,
			r.requested_at AS requested_at, r.withdrawn_at AS withdrawn_at, r.withdrawn_reason AS withdrawn_reason`,
		From:  adviceFrom,
		Where: "r.child_id = $1", OrderBy: "r.requested_at, r.id", Child: "r.child_id",
	}, r.Subject.ChildID)
}

func adviceStatements(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `r.id AS request_id, r.child_id AS child_id, o.name AS team, s.version AS version, ` + name("sb") + ` AS submitted_by,
			s.submitted_at AS submitted_at, s.reused AS reused, s.reuse_agreement AS reuse_agreement, st.section AS section,
			st.body AS statement, st.who AS who, st.how_often AS how_often, st.how_long AS how_long, st.source AS source`,
		From: adviceFrom + ` JOIN advice_submissions s ON s.request_id = r.id JOIN people sb ON sb.id = s.submitted_by
			JOIN advice_statements st ON st.submission_id = s.id`,
		Where: "r.child_id = $1", OrderBy: "r.requested_at, r.id, s.version, st.seq", Child: "r.child_id",
	}, r.Subject.ChildID)
}

func adviceReviews(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `r.id AS request_id, r.child_id AS child_id, o.name AS team, s.version AS version, ` + name("rv") + ` AS reviewed_by,
			v.reviewed_at AS reviewed_at, cr.title AS criterion, g.rating AS rating, v.feedback AS feedback`,
		From: adviceFrom + ` JOIN advice_submissions s ON s.request_id = r.id JOIN advice_reviews v ON v.submission_id = s.id
			JOIN people rv ON rv.id = v.reviewed_by JOIN advice_ratings g ON g.review_id = v.id JOIN advice_rubric cr ON cr.id = g.criterion_id`,
		Where: "r.child_id = $1", OrderBy: "r.requested_at, r.id, s.version, cr.position", Child: "r.child_id",
	}, r.Subject.ChildID)
}
