package web

// The JSON API's rows of the access matrix (issue 4, point 8): the same rules
// as the EHC pages, except that nobody signed in (or a disabled account) gets
// 401 rather than a redirect to sign in. "" is a route's default. The POST
// sends {} as JSON: refused naming the type once the child is known to be in
// reach for a change, 404 where it is not.
var apiMatrix = map[string]map[string]int{
	"GET /api/v1/openapi.json": {"": 200},
	"GET /api/v1/ehc/cases": {"": 403, "anonymous": 401, "disabled account": 401, "allocated coordinator": 200,
		"coordinator, no relationship": 200, "manager, owning team": 200, "therapist, referral accepted": 200,
		"therapist, referral revoked": 200, "therapist, consent withdrawn": 200, "coordinator, break-glass": 200},
	"GET /api/v1/children/{id}/ehc":        apiStaffRecord,
	"GET /api/v1/children/{id}/ehc/events": apiStaffRecord,
	"POST /api/v1/children/{id}/ehc/events": {"": 403, "anonymous": 401, "disabled account": 401,
		"allocated coordinator": 422, "manager, owning team": 422, "coordinator, no relationship": 404},
	"GET /api/v1/family/children/{id}/ehc": {"": 403, "anonymous": 401, "disabled account": 401, "parent of the child": 200,
		"parent, another child": 404, "young person, own record": 200, "young person, another child": 404},
	// Online requests, letters and steps (api_flow.go): as their pages in TestAccessMatrix. Asking needs only a
	// view of the child; {} is refused naming reasons (or the request, event, step). {lid} is a letter of Leo's.
	"POST /api/v1/children/{id}/ehc/requests": {"": 403, "anonymous": 401, "disabled account": 401, "allocated coordinator": 422,
		"manager, owning team": 422, "therapist, referral accepted": 422, "coordinator, break-glass": 422, "coordinator, no relationship": 404,
		"therapist, referral revoked": 404, "therapist, consent withdrawn": 404},
	"POST /api/v1/family/children/{id}/ehc/requests": {"": 403, "anonymous": 401, "disabled account": 401, "parent of the child": 422,
		"parent, another child": 404, "young person, own record": 422, "young person, another child": 404},
	"GET /api/v1/ehc/requests": {"": 403, "anonymous": 401, "disabled account": 401, "allocated coordinator": 200,
		"coordinator, no relationship": 200, "manager, owning team": 200, "coordinator, break-glass": 200},
	"POST /api/v1/children/{id}/ehc/requests/accept":     apiStaffChange,
	"POST /api/v1/children/{id}/ehc/letters":             apiStaffChange,
	"POST /api/v1/children/{id}/ehc/letters/{lid}/steps": apiStaffChange,
	"GET /api/v1/children/{id}/ehc/letters/{lid}": {"": 403, "anonymous": 401, "disabled account": 401, "allocated coordinator": 200,
		"manager, owning team": 200, "therapist, referral accepted": 200, "coordinator, no relationship": 404, "therapist, referral revoked": 404,
		"therapist, consent withdrawn": 404, "coordinator, break-glass": 404},
	"GET /api/v1/family/children/{id}/ehc/letters/{lid}": {"": 403, "anonymous": 401, "disabled account": 401, "parent of the child": 200,
		"parent, another child": 404, "young person, own record": 404, "young person, another child": 404},
}

// apiStaffChange is a change to a child's case: {} is refused naming the field once the child is in reach.
var apiStaffChange = map[string]int{"": 403, "anonymous": 401, "disabled account": 401,
	"allocated coordinator": 422, "manager, owning team": 422, "coordinator, no relationship": 404}

var apiStaffRecord = map[string]int{"": 403, "anonymous": 401, "disabled account": 401, "allocated coordinator": 200,
	"coordinator, no relationship": 404, "manager, owning team": 200, "therapist, referral accepted": 200,
	"therapist, referral revoked": 404, "therapist, consent withdrawn": 404, "coordinator, break-glass": 200}
