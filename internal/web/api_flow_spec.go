package web

import (
	"joinedup/internal/appeal"
	"joinedup/internal/casework"
)

// The OpenAPI description of api_flow.go's routes: requests made online,
// decision letters, and mediation and tribunal steps.

var apiLetterParam = apiParam{Name: "lid", In: "path", Required: true, Description: "The decision letter's id.", Schema: str()}

var flowOps = []apiOp{
	{Pattern: "POST /api/v1/children/{id}/ehc/requests", Summary: "Ask for an EHC needs assessment, as a professional or setting",
		Description: "A request made online (SEND Regs 2014 reg 3; CFA 2014 s36(1)) for a child you can see. A school or setting (SENCO) asks in its own right; " +
			"any other professional gives the name of the parent or young person who agreed and the date they did. It waits with the council team until accepted. " +
			"409 when a request is already waiting or an assessment is under way. Audited.",
		Params: []apiParam{childID}, Body: "NewRequest", Status: 201, Response: "Request", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422, 500}},
	{Pattern: "POST /api/v1/family/children/{id}/ehc/requests", Summary: "Ask for an EHC needs assessment for your child",
		Description: "For a parent or carer, or a young person from their 16th birthday: a request made online (SEND Regs 2014 reg 3). No consent fields are needed. " +
			"409 when a request is already waiting or an assessment is under way. Audited.",
		Params: []apiParam{childID}, Body: "NewRequest", Status: 201, Response: "Request", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422, 500}},
	{Pattern: "GET /api/v1/ehc/requests", Summary: "Requests waiting",
		Description: "The requests made online waiting with the teams in your reach, oldest first (at most 500). Viewing the list is audited.",
		Status:      200, Response: "Requests", Errors: []int{401, 403, 422, 500}},
	{Pattern: "POST /api/v1/children/{id}/ehc/requests/accept", Summary: "Accept a request waiting",
		Description: "Logs the request in the child's case as a request_received event (channel online, dated the day it arrived), which starts the clock. " +
			"Needs what recording a request by hand needs. 409 when it is already logged or the case already has an open request. Audited.",
		Params: []apiParam{childID}, Body: "AcceptRequest", Status: 201, Response: "Event", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422, 500}},
	{Pattern: "POST /api/v1/children/{id}/ehc/letters", Summary: "Issue a decision letter",
		Description: "The letter for one of the case's decisions a family may appeal (CFA 2014 s51(2)), with the reasons, the mediation adviser and how it is sent. " +
			"The answer gives the day it is deemed received (CPR 6.26) and the last day to appeal. Everyone who decides for the child is emailed in the same transaction. " +
			"409 when a letter for the decision has been sent already. Audited.",
		Params: []apiParam{childID}, Body: "NewLetter", Status: 201, Response: "Letter", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422, 500}},
	{Pattern: "GET /api/v1/children/{id}/ehc/letters/{lid}", Summary: "A decision letter",
		Description: "The letter, its deemed receipt, the appeal deadline, the mediation certificate's deadline while one is due, a tribunal order's deadlines, and the steps recorded after it. Audited.",
		Params:      []apiParam{childID, apiLetterParam}, Status: 200, Response: "Letter", Errors: []int{401, 403, 404, 500}},
	{Pattern: "POST /api/v1/children/{id}/ehc/letters/{lid}/steps", Summary: "Record a mediation or tribunal step after a letter",
		Description: "Steps come in order (CFA 2014 ss51-55; SEND Regs 2014 Part 3 and reg 44): mediation needs the adviser contacted first, a hearing or decision needs the appeal registered, " +
			"and an appeal other than about the school named needs the mediation certificate. Each step once. Audited.",
		Params: []apiParam{childID, apiLetterParam}, Body: "NewStep", Status: 201, Response: "Step", Errors: []int{400, 401, 403, 404, 413, 415, 422, 500}},
	{Pattern: "GET /api/v1/family/children/{id}/ehc/letters/{lid}", Summary: "A decision letter about your child",
		Description: "For a parent, carer or young person: the letter, when it is deemed received, the last day to appeal and any deadlines a tribunal order sets. Staff's names and notes are left out. Audited.",
		Params:      []apiParam{childID, apiLetterParam}, Status: 200, Response: "Letter", Errors: []int{401, 403, 404, 500}},
}

func init() {
	apiOps = append(apiOps, flowOps...)
	errorStatusWords[409] = "It is done already, or not yet possible: a request is waiting or an assessment under way, the request is logged, or the letter sent; a plan with nothing being written, another version being written, or a decision not to issue one made."
}

func flowSchemas(s map[string]any) {
	var outcomes, orders []string
	for _, st := range casework.Steps {
		for _, o := range casework.Outcomes[st] {
			outcomes = append(outcomes, o.Value)
		}
	}
	for _, o := range appeal.Orders {
		orders = append(orders, o.Kind)
	}
	kinds := []string{casework.RefuseAssessment, casework.NoPlanLetter, casework.FinalPlanLetter, casework.AmendedLetter, casework.NoAmendLetter, casework.CeaseLetter}
	sources := []string{"parent", "young_person", "setting", "health", "social_care", "other"}
	dateTime := map[string]any{"type": "string", "format": "date-time"}
	s["NewRequest"] = object([]string{"reasons"}, map[string]any{
		"reasons":          map[string]any{"type": "string", "description": "Why the child may need an EHC plan, in a sentence or more (20 to 5,000 characters)."},
		"consent_given_by": map[string]any{"type": "string", "description": "A professional other than the child's setting: who in the family agreed to the request."},
		"consent_given_on": day(),
	})
	s["Request"] = object([]string{"id", "child_id", "child_name", "source", "received_on", "status"}, map[string]any{
		"id": str(), "child_id": str(), "child_name": str(), "source": enum(sources...),
		"reasons": map[string]any{"type": "string", "description": "Left out of the list of requests waiting."}, "received_on": day(),
		"consent_given_by": str(), "consent_given_on": day(), "status": enum(casework.Waiting, casework.Accepted),
		"team": map[string]any{"type": "string", "description": "The council team it waits with."},
	})
	s["Requests"] = object([]string{"requests"}, map[string]any{"requests": arrayOf("Request")})
	s["AcceptRequest"] = object([]string{"request"}, map[string]any{"request": map[string]any{"type": "string", "description": "The id of a request waiting for this child."}})
	s["NewLetter"] = object([]string{"event", "method", "adviser", "reasons", "sent_at"}, map[string]any{
		"event":   map[string]any{"type": "string", "description": "The id of the decision's event (a refusal to assess, a decision not to issue a plan, a final or amended plan, or ceasing a plan)."},
		"method":  enum(appeal.Methods...),
		"adviser": map[string]any{"type": "string", "description": "The mediation adviser's name and how to contact them (10 to 500 characters)."},
		"reasons": map[string]any{"type": "string", "description": "The reasons for the decision, as the family will read them."},
		"sent_at": map[string]any{"type": "string", "format": "date-time", "description": "When it was sent, with its offset: the time matters for the 4.30pm rule of CPR 6.26."},
	})
	s["AppealDeadline"] = object([]string{"rule", "duty", "basis", "due"}, map[string]any{"rule": str(), "duty": str(), "basis": str(), "due": day()})
	s["Letter"] = object([]string{"id", "child_id", "event_id", "kind", "decision", "basis", "decision_on", "reasons", "adviser", "method", "sent_at",
		"deemed_received_on", "appeal_by", "certificate_due", "appeal_lodged", "order_deadlines", "steps"}, map[string]any{
		"id": str(), "child_id": str(), "event_id": str(), "kind": enum(kinds...), "decision": str(),
		"basis":       map[string]any{"type": "string", "description": "The legal basis of the right of appeal."},
		"decision_on": day(), "reasons": str(), "adviser": str(), "method": enum(appeal.Methods...), "sent_at": dateTime,
		"deemed_received_on": map[string]any{"type": "string", "format": "date", "description": "The day the letter is deemed received (CPR 6.26)."},
		"issued_by":          map[string]any{"type": "string", "description": "Staff only."},
		"appeal_by":          ref("AppealDeadline"),
		"certificate_on":     day(),
		"certificate_due":    map[string]any{"allOf": []any{ref("AppealDeadline")}, "nullable": true, "description": "The mediation certificate's deadline, while one is due."},
		"appeal_lodged":      map[string]any{"type": "boolean"},
		"order":              enum(orders...),
		"order_deadlines":    arrayOf("AppealDeadline"),
		"steps":              arrayOf("Step"),
	})
	s["NewStep"] = object([]string{"step", "date"}, map[string]any{
		"step": enum(casework.Steps...), "date": day(),
		"outcome": map[string]any{"type": "string", "enum": unique(outcomes), "description": "Required for the steps that have one: the adviser contacted, mediation held, the tribunal's decision."},
		"note":    map[string]any{"type": "string", "description": "At most 2,000 characters; staff only."},
	})
	s["Step"] = object([]string{"id", "seq", "step", "words", "date"}, map[string]any{
		"id": str(), "seq": map[string]any{"type": "integer", "minimum": 1}, "step": enum(casework.Steps...), "words": str(), "date": day(),
		"outcome": enum(unique(outcomes)...), "note": str(), "recorded_by": str(),
	})
}
