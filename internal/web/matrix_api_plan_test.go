package web

// The plan API's rows of the access matrix (api_plan.go): as the plan pages
// in planMatrix, with 401 for nobody signed in. Leo's final plan is issued
// and nothing is being written, so {} is a clear 409 where the child is in
// reach for the change (nothing to change, issue or decide), 422 where the
// empty body is the problem (no kind to start), 404 for a request for a
// setting that does not exist, and 404 out of reach, hidden and missing alike.
func init() {
	staffChange := func(ok int) map[string]int {
		return map[string]int{"": 403, "anonymous": 401, "disabled account": 401,
			"allocated coordinator": ok, "manager, owning team": ok, "coordinator, no relationship": 404}
	}
	familyChange := map[string]int{"": 403, "anonymous": 401, "disabled account": 401, "parent of the child": 409,
		"parent, another child": 404, "young person, own record": 409, "young person, another child": 404}
	for pattern, states := range map[string]map[string]int{
		"GET /api/v1/children/{id}/ehc/plan":                     apiStaffRecord,
		"POST /api/v1/children/{id}/ehc/plan/start":              staffChange(422),
		"POST /api/v1/children/{id}/ehc/plan/sections/{section}": staffChange(422), // {} has no items
		"POST /api/v1/children/{id}/ehc/plan/placement":          staffChange(409),
		"POST /api/v1/children/{id}/ehc/plan/issue":              staffChange(409),
		"POST /api/v1/children/{id}/ehc/plan/no-plan":            staffChange(409),
		"POST /api/v1/children/{id}/ehc/plan/settings/{sid}":     staffChange(404),
		"GET /api/v1/family/children/{id}/ehc/plan": {"": 403, "anonymous": 401, "disabled account": 401, "parent of the child": 200,
			"parent, another child": 404, "young person, own record": 200, "young person, another child": 404},
		"POST /api/v1/family/children/{id}/ehc/plan/comments": familyChange,
		"POST /api/v1/family/children/{id}/ehc/plan/settings": familyChange,
	} {
		apiMatrix[pattern] = states
	}
}
