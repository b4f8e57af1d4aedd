package web

import (
	"joinedup/internal/appeal"
	"joinedup/internal/plan"
)

// The OpenAPI description of api_plan.go's routes: EHC plan documents.

var planSectionParam = apiParam{Name: "section", In: "path", Required: true,
	Description: "The section's letter (A to K but I, which is the placement).", Schema: enum(planSectionCodes()...)}

var settingRequestParam = apiParam{Name: "sid", In: "path", Required: true, Description: "The id of the family's request for a setting.", Schema: str()}

// planChangeErrors are what a change to a plan can answer with besides success.
var planChangeErrors = []int{400, 401, 403, 404, 409, 413, 415, 422, 500}

var planOps = []apiOp{
	{Pattern: "GET /api/v1/children/{id}/ehc/plan", Summary: "A child's EHC plan",
		Description: "The version last issued and the one being written, each with sections A to K (rows in the shape of their section) and the placement; every version in a list; " +
			"the family's comments and the settings they asked for with their consultation; and final_not_before, the first day the final plan may be issued (rule R5: " +
			"at least 15 days beginning with the day the draft was served, SEND Regs 2014 reg 13(1)). A child out of your reach is 404, as one that does not exist. Audited.",
		Params: []apiParam{childID}, Status: 200, Response: "PlanView", Errors: []int{401, 403, 404, 500}},
	{Pattern: "POST /api/v1/children/{id}/ehc/plan/start", Summary: "Start a draft or the final plan",
		Description: "The first draft, once the council has decided to assess, starts from the health advice returned (sections C, G and K, each row keeping its source); " +
			"a later draft or the final plan starts as a copy of the draft last issued. One version is written at a time: 409 while another is, before a decision to assess, " +
			"for a final plan with no draft issued, or after a decision not to issue a plan. Audited.",
		Params: []apiParam{childID}, Body: "NewPlan", Status: 201, Response: "PlanVersion", Errors: planChangeErrors},
	{Pattern: "POST /api/v1/children/{id}/ehc/plan/sections/{section}", Summary: "Replace a section's rows",
		Description: "The rows of one section of the version being written, in order; rows with nothing in them are dropped, and a row with anything in it needs its body. " +
			"A field the section's rows do not have is refused by name (items[n].field). Whether the plan is complete is checked when it is issued. 409 when nothing is being written. Audited.",
		Params: []apiParam{childID, planSectionParam}, Body: "PlanSectionRows", Status: 200, Response: "PlanVersion", Errors: planChangeErrors},
	{Pattern: "POST /api/v1/children/{id}/ehc/plan/placement", Summary: "Set the placement (section I)",
		Description: "Section I of the final plan (first or amended): the type of school or other institution, the one named (an id from setting_choices), or both; either is enough (CFA 2014 s40(2)). " +
			"A draft's section I stays empty (CFA 2014 s38(5)): a type or a setting sent for a draft is refused by name (422), and nothing is stored; both empty clears it. Audited.",
		Params: []apiParam{childID}, Body: "NewPlacement", Status: 200, Response: "PlanVersion", Errors: planChangeErrors},
	{Pattern: "POST /api/v1/children/{id}/ehc/plan/issue", Summary: "Issue the draft or the final plan",
		Description: "Issues the version being written, sent to the family by method; the family is told, with the day it counts as received (CPR 6.26). " +
			"Refused while sections B, E or F are empty, an outcome lacks its date or steps, provision is not quantified (who, how often, how long), a draft names a setting or specifies a type " +
			"(CFA 2014 s38(5)), a final plan does neither (s40(2)), or before R5's date for a final plan: the answer names every problem (sections.E.items[0].by_when, placement, method...) and nothing is stored. " +
			"The final plan's decision letter with the right of appeal (CFA 2014 s51(2)(c)) is sent with it in the same transaction, the same way: give the mediation adviser, " +
			"and the reasons unless the standard words will do. The clock records draft_plan_issued or final_plan_issued. Needs plan.issue. Audited.",
		Params: []apiParam{childID}, Body: "IssuePlan", Status: 201, Response: "IssuedPlan", Errors: planChangeErrors},
	{Pattern: "POST /api/v1/children/{id}/ehc/plan/no-plan", Summary: "Decide not to issue a plan",
		Description: "Records the decision not to issue an EHC plan after the assessment, dated today (rule R4: notified within 16 weeks of the request, SEND Regs 2014 reg 10), " +
			"and sends its decision letter with the right of appeal (CFA 2014 s51(2)(b)) in the same transaction. 409 unless the assessment is under way and no final plan is issued; " +
			"a version being written stays as it was and can no longer be changed or issued. Needs plan.issue. Audited.",
		Params: []apiParam{childID}, Body: "NoPlanDecision", Status: 201, Response: "NoPlan", Errors: planChangeErrors},
	{Pattern: "POST /api/v1/children/{id}/ehc/plan/settings/{sid}", Summary: "Record consulting a setting the family asked for",
		Description: "The day the council consulted the school or college (CFA 2014 s39), which then has 15 days to answer, and its answer and the day it came when known. " +
			"An answer cannot come before the consultation or in the future. Audited.",
		Params: []apiParam{childID, settingRequestParam}, Body: "Consultation", Status: 200, Response: "SettingRequest", Errors: planChangeErrors},
	{Pattern: "GET /api/v1/family/children/{id}/ehc/plan", Summary: "Your child's EHC plan",
		Description: "For a parent, carer or young person: the version last issued (never one being written), your comments and the settings you asked for, " +
			"the last day to comment on a draft (final_not_before) and, while the draft is open, the schools and colleges you may ask for. Audited.",
		Params: []apiParam{childID}, Status: 200, Response: "PlanView", Errors: []int{401, 403, 404, 500}},
	{Pattern: "POST /api/v1/family/children/{id}/ehc/plan/comments", Summary: "Comment on the draft plan",
		Description: "A comment on a section of the draft, or on the whole plan (section all), while the draft is open: the representations SEND Regs 2014 reg 13(1) gives at least 15 days for. " +
			"409 when there is no draft to comment on. Audited.",
		Params: []apiParam{childID}, Body: "NewPlanComment", Status: 201, Response: "PlanComment", Errors: planChangeErrors},
	{Pattern: "POST /api/v1/family/children/{id}/ehc/plan/settings", Summary: "Ask for a school or college to be named",
		Description: "While the draft is open (CFA 2014 s38-39): a school or college from setting_choices, and why. Each once. 409 when there is no draft. Audited.",
		Params:      []apiParam{childID}, Body: "NewSettingRequest", Status: 201, Response: "SettingRequest", Errors: planChangeErrors},
}

func init() { apiOps = append(apiOps, planOps...) }

// planSectionCodes are the letters of the sections written as rows: all but I.
func planSectionCodes() []string {
	var out []string
	for _, s := range plan.Sections {
		if s.Shape != plan.Placement {
			out = append(out, s.Code)
		}
	}
	return out
}

func planSchemas(s map[string]any) {
	kinds, statuses := enum(plan.Draft, plan.Final), enum(plan.Editing, plan.Issued)
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	sections := map[string]any{}
	for _, code := range planSectionCodes() {
		sections[code] = ref("PlanSection")
	}
	s["Setting"] = object([]string{"id", "name"}, map[string]any{"id": str(), "name": str(), "kind": enum("school", "college")})
	s["PlanItem"] = object([]string{"body"}, map[string]any{
		"body":      map[string]any{"type": "string", "description": "The paragraph (A-D, J), the outcome (E), what the provision is (F, G, H1, H2) or the advice (K)."},
		"who":       map[string]any{"type": "string", "description": "Provision: who delivers it. Advice: who gave it."},
		"how_often": map[string]any{"type": "string", "description": "Provision only."},
		"how_long":  map[string]any{"type": "string", "description": "Provision only: for how long, or until when."},
		"by_when":   map[string]any{"type": "string", "format": "date", "description": "Outcomes only: when it should be achieved."},
		"steps":     map[string]any{"type": "string", "description": "Outcomes only: the steps towards it."},
		"given":     map[string]any{"type": "string", "format": "date", "description": "Advice only: when it was given."},
		"source":    map[string]any{"type": "string", "description": "Where the row came from, if from advice; send it back to keep it."},
	})
	s["PlanSection"] = object([]string{"title", "shape", "items"}, map[string]any{
		"title": str(), "shape": enum(plan.Text, plan.Outcome, plan.Provision, plan.Advice), "items": arrayOf("PlanItem")})
	s["Placement"] = object([]string{"type", "setting"}, map[string]any{
		"type":    map[string]any{"type": "string", "description": "The type of school or other institution: in the final plan only; empty in a draft."},
		"setting": map[string]any{"allOf": []any{ref("Setting")}, "nullable": true, "description": "The one named: in the final plan only. A final plan gives a type, a setting or both."}})
	s["PlanVersion"] = object([]string{"id", "version", "kind", "status", "title", "sections", "placement", "created_at"}, map[string]any{
		"id": str(), "version": map[string]any{"type": "integer", "minimum": 1}, "kind": kinds, "status": statuses, "title": str(),
		"sections":           object(planSectionCodes(), sections),
		"placement":          ref("Placement"),
		"issued_on":          day(),
		"deemed_received_on": map[string]any{"type": "string", "format": "date", "description": "The day the family is deemed to receive it (CPR 6.26)."},
		"method":             enum(appeal.Methods...),
		"letter_id":          map[string]any{"type": "string", "description": "The final plan's decision letter."},
		"created_by":         map[string]any{"type": "string", "description": "Staff only."},
		"issued_by":          map[string]any{"type": "string", "description": "Staff only."},
		"created_at":         dateTime,
	})
	s["PlanSummary"] = object([]string{"id", "version", "kind", "status", "title"}, map[string]any{
		"id": str(), "version": map[string]any{"type": "integer", "minimum": 1}, "kind": kinds, "status": statuses, "title": str(), "issued_on": day()})
	s["PlanComment"] = object([]string{"id", "plan_id", "section", "body", "by", "at"}, map[string]any{
		"id": str(), "plan_id": str(), "section": enum(append(planSectionCodesWithI(), "all")...), "body": str(), "by": str(), "at": dateTime})
	s["SettingRequest"] = object([]string{"id", "plan_id", "setting", "reason", "requested_by", "requested_at"}, map[string]any{
		"id": str(), "plan_id": str(), "setting": ref("Setting"), "reason": str(), "requested_by": str(), "requested_at": dateTime,
		"consulted_on": day(),
		"response_due": map[string]any{"type": "string", "format": "date", "description": "15 days after the consultation."},
		"responded_on": day(), "response": str(),
	})
	s["PlanView"] = object([]string{"child", "stage", "current", "working", "versions", "comments", "setting_requests", "today", "access"}, map[string]any{
		"child":    ref("Person"),
		"stage":    map[string]any{"type": "string", "description": "The EHC case's stage, as in the case; empty when the child has no case."},
		"current":  map[string]any{"allOf": []any{ref("PlanVersion")}, "nullable": true, "description": "The version last issued."},
		"working":  map[string]any{"allOf": []any{ref("PlanVersion")}, "nullable": true, "description": "Staff only: the version being written."},
		"versions": arrayOf("PlanSummary"),
		"final_not_before": map[string]any{"type": "string", "format": "date",
			"description": "Rule R5 (SEND Regs 2014 reg 13(1)): the first day the final plan may be issued, once a draft is."},
		"comments": arrayOf("PlanComment"), "setting_requests": arrayOf("SettingRequest"),
		"setting_choices": map[string]any{"type": "array", "items": ref("Setting"),
			"description": "The schools and colleges that may be named now: the family's while the draft is open, staff's while the final plan is written."},
		"today": day(), "access": map[string]any{"type": "string", "description": "Why you may see it, as audited."},
	})
	s["NewPlan"] = object([]string{"kind"}, map[string]any{"kind": kinds})
	s["PlanSectionRows"] = object([]string{"items"}, map[string]any{"items": map[string]any{"type": "array", "items": ref("PlanItem"),
		"description": "Every row of the section, in order. Text sections (A-D, J) take body; E body, by_when, steps; F, G, H1 and H2 body, who, how_often, how_long; K body, who, given; all take source."}})
	s["NewPlacement"] = object(nil, map[string]any{
		"type":    map[string]any{"type": "string", "description": "The type of school or other institution: the final plan only."},
		"setting": map[string]any{"type": "string", "description": "The id of a school or college (setting_choices): the final plan only."}})
	s["IssuePlan"] = object([]string{"kind", "method"}, map[string]any{
		"kind":    map[string]any{"type": "string", "enum": []string{plan.Draft, plan.Final}, "description": "The kind of the version being written."},
		"method":  enum(appeal.Methods...),
		"adviser": map[string]any{"type": "string", "description": "The final plan only: the mediation adviser's name and how to contact them, for its letter (10 to 500 characters)."},
		"reasons": map[string]any{"type": "string", "description": "The final plan only: the letter's reasons; left out, the standard words say what the plan decides."},
	})
	s["IssuedPlan"] = object([]string{"plan", "letter"}, map[string]any{"plan": ref("PlanVersion"),
		"letter": map[string]any{"allOf": []any{ref("Letter")}, "nullable": true, "description": "The final plan's decision letter; null for a draft."}})
	s["NoPlanDecision"] = object([]string{"reasons", "method", "adviser"}, map[string]any{
		"reasons": map[string]any{"type": "string", "description": "The reasons, as the family will read them in the letter (20 to 10,000 characters)."},
		"method":  enum(appeal.Methods...),
		"adviser": map[string]any{"type": "string", "description": "The mediation adviser's name and how to contact them (10 to 500 characters)."},
	})
	s["NoPlan"] = object([]string{"event", "letter"}, map[string]any{"event": ref("Event"), "letter": ref("Letter")})
	s["Consultation"] = object([]string{"consulted_on"}, map[string]any{"consulted_on": day(), "responded_on": day(),
		"response": map[string]any{"type": "string", "description": "What the setting answered, with responded_on."}})
	s["NewPlanComment"] = object([]string{"section", "body"}, map[string]any{
		"section": enum(append(planSectionCodesWithI(), "all")...), "body": map[string]any{"type": "string", "description": "2 to 10,000 characters."}})
	s["NewSettingRequest"] = object([]string{"setting"}, map[string]any{
		"setting": map[string]any{"type": "string", "description": "The id of a school or college (setting_choices)."},
		"reason":  map[string]any{"type": "string", "description": "Why, in your words (optional)."}})
}

// planSectionCodesWithI are every section's letter.
func planSectionCodesWithI() []string {
	var out []string
	for _, s := range plan.Sections {
		out = append(out, s.Code)
	}
	return out
}
