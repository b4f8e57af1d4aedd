package sar

import "context"

// EHC plan documents (internal/plan, migration 00023): every version of the
// child's plan with each row of each section, and the family's comments on a
// draft with the settings they asked for and the council's consultation.

const planFrom = `ehc_plans pl JOIN people cb ON cb.id = pl.created_by LEFT JOIN organisations so ON so.id = pl.setting_id`

// A proposal of amendments keeps status 'editing' in ehc_plans once
// withdrawn (migration 00033): the export says withdrawn, with the reasons.
const planStatus = `CASE WHEN am.withdrawn_at IS NOT NULL THEN 'withdrawn' ELSE pl.status END`

func ehcPlans(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `pl.id AS plan_id, pl.child_id AS child_id, pl.version AS version, pl.kind AS kind, ` + planStatus + ` AS status,
			am.reason AS amendment_reason, am.withdrawn_at AS withdrawn_at, am.withdrawn_reason AS withdrawn_reason,
			pl.issued_on AS issued_on, pl.method AS sent_by, pl.deemed_on AS deemed_received_on, pl.placement_type AS placement_type,
			so.name AS setting_named, ` + name("cb") + ` AS written_by, i.section AS section, i.seq AS row_number, i.body AS text,
			i.who AS who, i.how_often AS how_often, i.how_long AS how_long, i.by_when AS by_when, i.steps AS steps,
			i.given_on AS given_on, i.source AS source`,
		From:  planFrom + ` LEFT JOIN ehc_plan_amendments am ON am.plan_id = pl.id LEFT JOIN ehc_plan_items i ON i.plan_id = pl.id`,
		Where: "pl.child_id = $1", OrderBy: "pl.version, i.section, i.seq", Child: "pl.child_id",
	}, r.Subject.ChildID)
}

func ehcPlanComments(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `pl.child_id AS child_id, pl.version AS version, c.section AS section, c.body AS text,
			` + name("cp") + ` AS sent_by, c.created_at AS sent_at`,
		From:  `ehc_plan_comments c JOIN ehc_plans pl ON pl.id = c.plan_id JOIN people cp ON cp.id = c.person_id`,
		Where: "pl.child_id = $1", OrderBy: "c.created_at, c.id", Child: "pl.child_id",
	}, r.Subject.ChildID)
}

func ehcPlanSettings(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.ChildID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `pl.child_id AS child_id, pl.version AS version, o.name AS setting, s.reason AS reason, ` + name("rp") + ` AS requested_by,
			s.requested_at AS requested_at, s.consulted_on AS consulted_on, s.response_due AS response_due, s.response AS response,
			s.responded_on AS responded_on`,
		From:  `ehc_plan_settings s JOIN ehc_plans pl ON pl.id = s.plan_id JOIN organisations o ON o.id = s.setting_id JOIN people rp ON rp.id = s.requested_by`,
		Where: "pl.child_id = $1", OrderBy: "s.requested_at, s.id", Child: "pl.child_id",
	}, r.Subject.ChildID)
}
