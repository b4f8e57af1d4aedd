package sar

import "context"

// The health waiting lists a child is on (internal/waitlist, migration 00014).
// They live here rather than beside their tables because a section reads
// through *Reader, and that package's store cannot import this one back.

const waitlistFrom = `waitlist_referrals r JOIN waitlist_pathways p ON p.id = r.pathway_id
	JOIN organisations o ON o.id = p.team_id JOIN children c ON c.id = r.child_id`

func waitingLists(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `r.id AS referral_id, r.child_id AS child_id, ` + name("c") + ` AS child, p.name AS waiting_list, o.name AS team,
			p.regime AS rules, r.received_on AS received, r.source AS referred_by, r.priority AS priority,
			r.priority_reason AS priority_reason`,
		From:  waitlistFrom,
		Where: "r.child_id = $1", OrderBy: "r.received_on, r.id", Child: "r.child_id",
	}, r.Subject.ChildID)
}

func waitingListEvents(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `e.referral_id AS referral_id, r.child_id AS child_id, p.name AS waiting_list, e.type AS event,
			e.happened_on AS happened_on, e.rebooked_on AS rebooked_on, e.reason AS reason, e.kind AS transfer,
			e.provider AS provider, COALESCE(` + name("rb") + `, e.recorded_by) AS recorded_by, e.recorded_at AS recorded_at`,
		From:  waitlistFrom + ` JOIN waitlist_events e ON e.referral_id = r.id LEFT JOIN people rb ON rb.id = e.recorded_by`,
		Where: "r.child_id = $1", OrderBy: "r.received_on, r.id, e.seq", Child: "r.child_id",
	}, r.Subject.ChildID)
}

// waitingListMessages are what the family told the team (migration 00018).
func waitingListMessages(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `m.referral_id AS referral_id, r.child_id AS child_id, p.name AS waiting_list, m.body AS message,
			COALESCE(` + name("sb") + `, m.sent_by) AS sent_by, m.sent_at AS sent_at`,
		From:  waitlistFrom + ` JOIN waitlist_messages m ON m.referral_id = r.id LEFT JOIN people sb ON sb.id = m.sent_by`,
		Where: "r.child_id = $1", OrderBy: "m.sent_at, m.id", Child: "r.child_id",
	}, r.Subject.ChildID)
}
