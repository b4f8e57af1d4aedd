package web

// The amendment API (api_plan_amend.go) in TestAPIMatrix, as its pages in
// TestAccessMatrix: Leo's plan was never amended, so reading the amendment
// answers null (200) wherever the plan may be read; {} is refused naming the
// reason once the child is in reach for a change; with nothing proposed,
// the notice, the issue, the withdrawal and the decision not to amend are 409.
func init() {
	change := func(ok int) map[string]int {
		return map[string]int{"": 403, "anonymous": 401, "disabled account": 401, "allocated coordinator": ok, "manager, owning team": ok,
			"coordinator, no relationship": 404}
	}
	apiMatrix["GET /api/v1/children/{id}/ehc/plan/amendment"] = apiStaffRecord
	apiMatrix["POST /api/v1/children/{id}/ehc/plan/amendment"] = change(422)
	apiMatrix["POST /api/v1/children/{id}/ehc/plan/amendment/notice"] = change(409)
	apiMatrix["POST /api/v1/children/{id}/ehc/plan/amendment/issue"] = change(409)
	apiMatrix["POST /api/v1/children/{id}/ehc/plan/amendment/no-amendment"] = change(409)
	apiMatrix["POST /api/v1/children/{id}/ehc/plan/amendment/withdraw"] = change(409)
	apiMatrix["GET /api/v1/family/children/{id}/ehc/plan/amendment"] = map[string]int{"": 403, "anonymous": 401, "disabled account": 401,
		"parent of the child": 200, "parent, another child": 404, "young person, own record": 200, "young person, another child": 404}
}
