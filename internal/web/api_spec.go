package web

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"joinedup/internal/casework"
	"joinedup/internal/ehc"
)

// The OpenAPI document at /api/v1/openapi.json is built from apiOps below,
// one entry per /api/v1 route in the route table (routes.go), and from the
// clock's own table of event fields. Tests hold it to the route table and
// validate real responses against it (api_test.go).

// apiOp describes one /api/v1 route for the document.
type apiOp struct {
	Pattern     string // as in the route table
	Summary     string
	Description string
	Params      []apiParam
	Body        string // the request body's schema, "" for none
	Status      int    // the success status
	Response    string // the success body's schema
	Errors      []int  // the error statuses it can answer with
	Public      bool   // no session needed
	Media       string // the request body's media type, or for a route without one the answer's; "" is application/json
}

type apiParam struct {
	Name, In, Description string
	Required              bool
	Schema                map[string]any
}

var childID = apiParam{Name: "id", In: "path", Required: true, Description: "The child's id.", Schema: str()}

// Error statuses every signed-in route can answer with.
var signedInErrors = []int{401, 403, 404, 422, 500}

var apiOps = []apiOp{
	{Pattern: "GET /api/v1/openapi.json", Summary: "This document", Status: 200, Response: "", Errors: []int{500}, Public: true},
	{Pattern: "GET /api/v1/ehc/cases", Summary: "EHC caseload",
		Description: "The EHC cases of the signed-in member of staff (view=mine) or, for a role that reaches further, of the teams in their reach (view=team, the default for such roles), ordered by next statutory date. Viewing it is audited.",
		Params: []apiParam{
			{Name: "view", In: "query", Description: "mine: the cases you coordinate; team: every case in your reach.", Schema: enum("mine", "team")},
			{Name: "due", In: "query", Description: "week: only cases with a deadline overdue or due in the next 7 days.", Schema: enum("week")},
			{Name: "coordinator", In: "query", Description: "In the team view, only the cases of this coordinator (a person id).", Schema: str()},
			{Name: "limit", In: "query", Description: "The most cases to return.", Schema: map[string]any{"type": "integer", "minimum": 1, "maximum": apiPageMax, "default": apiPageDefault}},
			{Name: "offset", In: "query", Description: "How many cases to skip.", Schema: map[string]any{"type": "integer", "minimum": 0, "default": 0}},
		},
		Status: 200, Response: "Caseload", Errors: []int{401, 403, 422, 500}},
	{Pattern: "GET /api/v1/children/{id}/ehc", Summary: "A child's EHC case",
		Description: "Where the case stands, every statutory deadline with its rule and legal basis, and its events. A child out of your reach is 404, as a child that does not exist. Audited.",
		Params:      []apiParam{childID}, Status: 200, Response: "Case", Errors: []int{401, 403, 404, 500}},
	{Pattern: "GET /api/v1/children/{id}/ehc/events", Summary: "A child's EHC case's events",
		Description: "Every recorded event, by date then the order recorded. Audited.",
		Params:      []apiParam{childID}, Status: 200, Response: "Events", Errors: []int{401, 403, 404, 500}},
	{Pattern: "POST /api/v1/children/{id}/ehc/events", Summary: "Record an event in a child's EHC case",
		Description: "The event's fields are those of `joinedup clock`'s events, plus channel (how a request arrived) and note (reasons for a decision, evidence for an exception). " +
			"A request received (or the council becoming responsible) opens the case. The whole history with the event must be in the order the SEND Regulations 2014 set; " +
			"otherwise the answer names the field and nothing is stored. The plan's own events go with a plan document or a decision letter, so they are refused here " +
			"(422, field type, naming the route to use): draft_plan_issued and final_plan_issued (POST …/ehc/plan/issue), no_plan_decision (…/ehc/plan/no-plan), " +
			"amendment_notice (…/ehc/plan/amendment/notice), amended_plan_issued (…/ehc/plan/amendment/issue) and no_amendment_decision (…/ehc/plan/amendment/no-amendment). " +
			"Audited with the change.",
		Params: []apiParam{childID}, Body: "NewEvent", Status: 201, Response: "Event", Errors: []int{400, 401, 403, 404, 413, 415, 422, 500}},
	{Pattern: "GET /api/v1/family/children/{id}/ehc", Summary: "Your child's EHC case",
		Description: "For a parent, carer or young person: where their child's case stands, what happens next and by when, and who their coordinator is. Staff's notes are left out, except the reasons for decisions. Audited.",
		Params:      []apiParam{childID}, Status: 200, Response: "Case", Errors: []int{401, 403, 404, 500}},
	// Amending a final plan (api_plan_amend.go; SEND Regulations 2014 reg 22, rules R15 and R16).
	{Pattern: "GET /api/v1/children/{id}/ehc/plan/amendment", Summary: "The latest amendment of a child's EHC plan",
		Description: "The proposed amendments being written or sent, or else the amended plan last issued or the proposal last withdrawn (status withdrawn, with the decision not to amend when " +
			"made after the notice), with what changes against the final plan it amends, section by section; " +
			"null when the plan was never amended. While sent, not_before is the clock's R15 date (reg 22(2)(c)) and due its R16 date (reg 22(3)). Audited.",
		Params: []apiParam{childID}, Status: 200, Response: "AmendmentView", Errors: []int{401, 403, 404, 500}},
	{Pattern: "POST /api/v1/children/{id}/ehc/plan/amendment", Summary: "Propose amendments to a child's final EHC plan",
		Description: "A new version copied from the final plan in force, to change section by section as a draft is; reason says why (the family is told it). " +
			"409 when another version is being written or there is no final plan in force. Audited.",
		Params: []apiParam{childID}, Body: "NewAmendment", Status: 201, Response: "Amendment", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422, 500}},
	{Pattern: "POST /api/v1/children/{id}/ehc/plan/amendment/notice", Summary: "Send the family the proposed amendments",
		Description: "Records the clock's amendment_notice (reg 22(2)) with how it was sent and when it is deemed received, and tells the family; the family may then comment and ask for a setting. " +
			"Refused naming every problem when it changes nothing, leaves the plan incomplete or names no method; 409 when nothing is proposed or it was sent already. Audited.",
		Params: []apiParam{childID}, Body: "AmendmentSend", Status: 200, Response: "Amendment", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422, 500}},
	{Pattern: "POST /api/v1/children/{id}/ehc/plan/amendment/issue", Summary: "Issue the amended EHC plan",
		Description: "Refused (field issued) before the clock's R15 date, and naming every problem (sections.F.items[0].how_often, method, adviser, reasons...) when incomplete " +
			"as a final plan or when the letter lacks its mediation adviser; nothing is stored. 409 before the notice is sent. Records amended_plan_issued, which meets R15 and R16 " +
			"(reg 22(3)); the amended plan becomes the plan in force, and its decision letter with the right of appeal (CFA 2014 s51(2)(c)) is sent with it in the same " +
			"transaction, the same way: give the mediation adviser, and the reasons unless the standard words will do. The answer has the letter. Needs plan.issue. Audited.",
		Params: []apiParam{childID}, Body: "AmendmentIssue", Status: 201, Response: "Amendment", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422, 500}},
	{Pattern: "POST /api/v1/children/{id}/ehc/plan/amendment/withdraw", Summary: "Withdraw proposed amendments not yet sent",
		Description: "Takes back the proposed amendments before the family is sent them, with the reason: the final plan stays in force, nothing is recorded on the clock " +
			"and nobody is told, and amendments can be proposed again. Refused naming the reason when it is missing; 409 when nothing is proposed, or the notice was sent " +
			"(then decide not to amend: …/amendment/no-amendment). Needs case.edit. Audited.",
		Params: []apiParam{childID}, Body: "AmendmentWithdrawal", Status: 200, Response: "Amendment", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422, 500}},
	{Pattern: "POST /api/v1/children/{id}/ehc/plan/amendment/no-amendment", Summary: "Decide not to amend the EHC plan after the notice",
		Description: "Once the family has the notice of proposed amendments, records the council's decision not to make them, dated today (SEND Regs 2014 reg 22(4): the family is told, " +
			"with the reasons): the clock's no_amendment_decision, which meets R16 when within 8 weeks of the notice and ends R15; the proposal withdrawn, the final plan staying in force; " +
			"and its decision letter with the right of appeal (CFA 2014 s51(2)(e)) in the same transaction. Refused naming every problem with the reasons, method and adviser, " +
			"nothing stored; 409 when nothing is proposed or the notice is not sent. Needs plan.issue. Audited.",
		Params: []apiParam{childID}, Body: "NoAmendmentDecision", Status: 201, Response: "Amendment", Errors: []int{400, 401, 403, 404, 409, 413, 415, 422, 500}},
	{Pattern: "GET /api/v1/family/children/{id}/ehc/plan/amendment", Summary: "Proposed changes to your child's EHC plan",
		Description: "For a parent, carer or young person: the amendments sent to them, with what changes section by section and the day the amended plan can be issued from, " +
			"or the amended plan last issued, or the council's decision not to make them with its reasons and letter; null when there is none. Audited.",
		Params: []apiParam{childID}, Status: 200, Response: "AmendmentView", Errors: []int{401, 403, 404, 500}},
}

func str() map[string]any { return map[string]any{"type": "string"} }

func enum(vals ...string) map[string]any { return map[string]any{"type": "string", "enum": vals} }

func day() map[string]any { return map[string]any{"type": "string", "format": "date"} }

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func nullable(name string) map[string]any {
	return map[string]any{"allOf": []any{ref(name)}, "nullable": true}
}

func arrayOf(name string) map[string]any { return map[string]any{"type": "array", "items": ref(name)} }

// object is a closed object schema: a field not listed is an error, so the
// document cannot fall behind the answers without a test noticing.
func object(required []string, props map[string]any) map[string]any {
	o := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

var errorStatusWords = map[int]string{
	400: "The body is not one JSON object.",
	401: "No live session: sign in first.",
	403: "Your role does not allow this, or a cross-origin request tried to change something.",
	404: "No such child or case, or one out of your reach: the two look the same.",
	405: "The address does not take this method.",
	413: "The body is too large.",
	415: "The body is not sent as application/json.",
	422: "The input is wrong: fields names each field and its problem.",
	500: "Our fault: the message gives a reference to quote.",
}

// openAPIDocument is the whole document; cookie is the session cookie's name.
func openAPIDocument(cookie string) map[string]any {
	paths := map[string]any{}
	for _, op := range apiOps {
		method, path, _ := strings.Cut(op.Pattern, " ")
		item, _ := paths[path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[path] = item
		}
		o := map[string]any{"summary": op.Summary, "operationId": operationID(op.Pattern)}
		if op.Description != "" {
			o["description"] = op.Description
		}
		if op.Public {
			o["security"] = []any{}
		}
		var params []any
		for _, p := range op.Params {
			params = append(params, map[string]any{"name": p.Name, "in": p.In, "required": p.Required, "description": p.Description, "schema": p.Schema})
		}
		if params != nil {
			o["parameters"] = params
		}
		media, answer := cmp.Or(op.Media, "application/json"), "application/json"
		if op.Body != "" {
			o["requestBody"] = map[string]any{"required": true, "content": map[string]any{media: map[string]any{"schema": ref(op.Body)}}}
		} else {
			answer = media
		}
		success := map[string]any{"description": "Success."}
		if op.Response != "" {
			success["content"] = map[string]any{answer: map[string]any{"schema": ref(op.Response)}}
		} else {
			success["content"] = map[string]any{answer: map[string]any{"schema": map[string]any{"type": "object"}}}
		}
		responses := map[string]any{strconv.Itoa(op.Status): success}
		for _, code := range op.Errors {
			responses[strconv.Itoa(code)] = map[string]any{"$ref": "#/components/responses/" + strconv.Itoa(code)}
		}
		o["responses"] = responses
		item[strings.ToLower(method)] = o
	}
	errResponses := map[string]any{}
	for code, words := range errorStatusWords {
		errResponses[strconv.Itoa(code)] = map[string]any{"description": words,
			"content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "joinedup API", "version": "1",
			"description": "The statutory EHC process (SEND Regulations 2014) for a Local Area Partnership: the same access rules and audit as the web pages. " +
				"Sign in on the web and send the session cookie. Requests that change something must be sent as application/json, and a browser's cross-origin ones are refused. " +
				"Every error is {\"error\": {\"code\", \"message\", \"fields\"}}."},
		"servers":  []any{map[string]any{"url": "/"}},
		"security": []any{map[string]any{"session": []any{}}},
		"paths":    paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"session": map[string]any{"type": "apiKey", "in": "cookie", "name": cookie,
				"description": "The session cookie set by signing in on the web (POST /sign-in/...). Over HTTPS it is named __Host-joinedup; otherwise joinedup."}},
			"responses": errResponses,
			"schemas":   apiSchemas(),
		},
	}
}

// operationID is a route's name for code generators: "GET /api/v1/ehc/cases" is getEhcCases.
func operationID(pattern string) string {
	method, path, _ := strings.Cut(pattern, " ")
	id := strings.ToLower(method)
	for _, part := range strings.FieldsFunc(strings.TrimPrefix(path, "/api/v1/"), func(r rune) bool { return r == '/' || r == '.' || r == '-' || r == '{' || r == '}' }) {
		if part == "id" {
			part = "ById"
		}
		id += strings.ToUpper(part[:1]) + part[1:]
	}
	return id
}

func apiSchemas() map[string]any {
	statuses := []string{string(ehc.Met), string(ehc.Missed), string(ehc.Excused), string(ehc.Overdue), string(ehc.Pending), string(ehc.Breached)}
	stages := []string{casework.Requested, casework.Assessing, casework.NotAssessed, casework.Draft, casework.Plan, casework.NoPlan, casework.Ceased}
	codes := []string{"invalid", "not_found", "forbidden", "conflict", "internal", string(codeUnauthenticated), string(codeMethodNotAllowed),
		string(codeTooLarge), string(codeMediaType), string(codeMalformed)}
	var typeNames []string
	for _, t := range ehc.Types() {
		typeNames = append(typeNames, t.String())
	}
	s := map[string]any{
		"Error": object([]string{"error"}, map[string]any{"error": object([]string{"code", "message"}, map[string]any{
			"code":    enum(codes...),
			"message": str(),
			"fields": map[string]any{"type": "array", "items": object([]string{"field", "message"}, map[string]any{
				"field": map[string]any{"type": "string", "description": "The input with the problem, as named in the request."}, "message": str()})},
		})}),
		"Deadline": object([]string{"rule", "duty", "basis", "from", "status"}, map[string]any{
			"rule": map[string]any{"type": "string", "description": "The rule's id in the statutory timescales (R2, R3...)."},
			"duty": str(), "basis": map[string]any{"type": "string", "description": "The regulation that sets it."},
			"from": day(), "due": day(), "not_before": day(), "status": enum(statuses...), "done": day(),
			"contributor": str(), "excused_by": map[string]any{"type": "string", "description": "The reason of the exception that excuses it."},
		}),
		"State":   object([]string{"colour", "words"}, map[string]any{"colour": enum("red", "amber", "green"), "words": str()}),
		"Person":  object([]string{"id", "name"}, map[string]any{"id": str(), "name": str()}),
		"Contact": object([]string{"name"}, map[string]any{"name": str(), "email": str(), "phone": str()}),
		"CaseRow": object([]string{"case_id", "child_id", "child_name", "stage", "stage_words", "coordinator", "next", "open_deadlines", "state"}, map[string]any{
			"case_id": str(), "child_id": str(), "child_name": str(), "stage": enum(stages...), "stage_words": str(),
			"coordinator": nullable("Person"), "next": nullable("Deadline"), "open_deadlines": map[string]any{"type": "integer", "minimum": 0},
			"state": ref("State"),
		}),
		"Caseload": object([]string{"cases", "total", "offset", "limit", "view", "today"}, map[string]any{
			"cases": arrayOf("CaseRow"), "total": map[string]any{"type": "integer", "minimum": 0}, "offset": map[string]any{"type": "integer", "minimum": 0},
			"limit": map[string]any{"type": "integer", "minimum": 1}, "view": enum("mine", "team"), "today": day(),
		}),
		"Case": object([]string{"child", "case", "today", "access"}, map[string]any{
			"child": ref("Person"), "case": map[string]any{"allOf": []any{ref("CaseBody")}, "nullable": true, "description": "null when the child has no EHC case."},
			"today": day(), "access": map[string]any{"type": "string", "description": "Why you may see it, as audited."},
		}),
		"CaseBody": object([]string{"id", "team", "opened", "stage", "stage_words", "coordinator", "state", "deadlines", "open", "events"}, map[string]any{
			"id": str(), "team": str(), "opened": day(), "stage": enum(stages...), "stage_words": str(), "coordinator": nullable("Contact"),
			"state": ref("State"), "deadlines": arrayOf("Deadline"), "open": arrayOf("Deadline"), "events": arrayOf("Event"),
		}),
		"Events": object([]string{"events"}, map[string]any{"events": arrayOf("Event")}),
	}
	flowSchemas(s) // api_flow_spec.go
	planSchemas(s) // api_plan_spec.go
	fhirSchemas(s) // below
	amendSchemas(s)
	// A recorded event, and a new one: their fields come from the clock's table.
	event := map[string]any{"id": str(), "seq": map[string]any{"type": "integer", "minimum": 1}, "type": enum(typeNames...),
		"channel": enum(casework.Channels...), "note": str(), "recorded_by": str(), "recorded_at": map[string]any{"type": "string", "format": "date-time"}}
	mapping := map[string]any{}
	var oneOf []any
	for _, t := range ehc.Types() {
		if casework.PlanActions[t] != "" { // recorded by the plan's own routes, never by this one
			continue
		}
		props := map[string]any{"type": enum(t.String()), "channel": enum(casework.Channels...), "note": str()}
		required := []string{"type"}
		for _, f := range t.Fields() {
			props[f.Name] = fieldSchema(f)
			if !f.Optional {
				required = append(required, f.Name)
			}
			if _, ok := event[f.Name]; !ok {
				event[f.Name] = fieldSchema(f)
			} else if f.Codes != nil { // a field more than one type has (outcome): every type's values
				e := event[f.Name].(map[string]any)
				e["enum"] = unique(append(e["enum"].([]string), f.Codes...))
			}
		}
		name := "NewEvent_" + t.String()
		o := object(required, props)
		o["description"] = "A " + casework.TypeWords[t.String()] + " event."
		s[name] = o
		oneOf = append(oneOf, ref(name))
		mapping[t.String()] = "#/components/schemas/" + name
	}
	s["Event"] = object([]string{"id", "seq", "type", "recorded_at"}, event)
	s["NewEvent"] = map[string]any{"oneOf": oneOf, "discriminator": map[string]any{"propertyName": "type", "mapping": mapping},
		"description": "An event to record; which fields it has depends on its type, as in `joinedup clock`'s input. The plan's own events are not recorded here."}
	return s
}

func fieldSchema(f ehc.FieldInfo) map[string]any {
	switch {
	case f.Date:
		return day()
	case f.Codes != nil:
		return enum(f.Codes...)
	}
	return str()
}

func unique(vals []string) []string {
	slices.Sort(vals)
	return slices.Compact(vals)
}

// openAPIJSON is the document as served.
func openAPIJSON(cookie string) []byte {
	b, err := json.MarshalIndent(openAPIDocument(cookie), "", "  ")
	if err != nil {
		panic(fmt.Sprintf("the OpenAPI document does not marshal: %v", err))
	}
	return b
}

// apiServeOpenAPI answers GET /api/v1/openapi.json.
func (s *server) apiServeOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIJSON(s.cookieName()))
}

// Health advice as FHIR R4 (advice_fhir.go). The bundles are FHIR's own
// documents, described here by their outline; the R4 JSON Schema and the
// package documentation of internal/fhir say the rest.

var adviceRequestParam = apiParam{Name: "rid", In: "path", Required: true, Description: "The request for advice's id.", Schema: str()}

var fhirOps = []apiOp{
	{Pattern: "GET /api/v1/advice/{rid}/fhir", Summary: "A request for health advice as FHIR R4",
		Description: "A collection Bundle (application/fhir+json) holding the child as a UK Core-style Patient with the NHS number, the ServiceRequest " +
			"(the question, the 6-week date of SEND Regulations 2014 reg 8, the council as requester, the team as performer, our request id as identifier) " +
			"and, when the family's agreement is recorded, a Consent. Whoever may read the request may export it; audited as reading it.",
		Params: []apiParam{adviceRequestParam}, Status: 200, Response: "FHIRBundle", Media: "application/fhir+json", Errors: []int{401, 403, 404, 409, 500}},
	{Pattern: "POST /api/v1/advice/{rid}/fhir", Summary: "Give health advice as FHIR R4",
		Description: "A collection Bundle holding the Patient (the child's NHS number), one QuestionnaireResponse (the advice; its items are listed in `go doc joinedup/internal/fhir`) " +
			"based on the request's ServiceRequest, and up to 3 DocumentReferences with PDF reports inline as base64. It is checked against the FHIR R4 JSON Schema and the NHS number rules " +
			"and submitted as the advice form is, in one transaction: each problem's field is the JSON pointer into the bundle, and nothing is kept. " +
			"Send it as application/fhir+json (or application/json), at most about 41 MB. Each import is a new version. Audited.",
		Params: []apiParam{adviceRequestParam}, Body: "FHIRBundle", Status: 201, Response: "AdviceVersion", Media: "application/fhir+json",
		Errors: []int{401, 403, 404, 409, 413, 415, 422, 500}},
}

func init() { apiOps = append(apiOps, fhirOps...) }

func fhirSchemas(s map[string]any) {
	s["FHIRBundle"] = map[string]any{"type": "object", "required": []string{"resourceType", "type"},
		"description": "A FHIR R4 Bundle of type collection (http://hl7.org/fhir/R4/bundle.html).",
		"properties":  map[string]any{"resourceType": enum("Bundle"), "type": enum("collection"), "entry": map[string]any{"type": "array", "items": map[string]any{"type": "object"}}}}
	s["AdviceVersion"] = object([]string{"request_id", "version", "status", "statements", "attachments", "submitted_at", "reused"}, map[string]any{
		"request_id": str(), "version": map[string]any{"type": "integer", "minimum": 1}, "status": enum("awaiting_qa", "reviewed"),
		"statements": map[string]any{"type": "integer", "minimum": 0}, "reused": map[string]any{"type": "boolean"},
		"submitted_at": map[string]any{"type": "string", "format": "date-time"},
		"attachments": map[string]any{"type": "array", "items": object([]string{"id", "name", "size", "sha256"}, map[string]any{
			"id": str(), "name": str(), "size": map[string]any{"type": "integer", "minimum": 0}, "sha256": str()})},
	})
}
