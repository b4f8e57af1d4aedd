package web

import "strings"

// planMatrix is who may reach the EHC plan pages (plan.go), for
// TestAccessMatrix. Leo has a final plan on the clock but no plan document
// being written, so the coordinator's and manager's changes are a clear 409
// (there is nothing to change) or 422 (an empty form); a child out of reach
// is 404, hidden and missing alike; break-glass gives no change to a case
// (403). The family's comments and setting requests need an open draft: 409.
var planMatrix = func() map[string]map[string]int {
	staffRead := map[string]int{"": 403, "anonymous": 303, "disabled account": 303, "allocated coordinator": 200,
		"coordinator, no relationship": 404, "manager, owning team": 200, "therapist, referral accepted": 200,
		"therapist, referral revoked": 404, "therapist, consent withdrawn": 404, "coordinator, break-glass": 200}
	familyRead := map[string]int{"": 403, "anonymous": 303, "disabled account": 303, "parent of the child": 200,
		"parent, another child": 404, "young person, own record": 200, "young person, another child": 404}
	change := func(ok int) map[string]int {
		return map[string]int{"": 403, "allocated coordinator": ok, "manager, owning team": ok, "coordinator, no relationship": 404}
	}
	familyChange := map[string]int{"": 403, "parent of the child": 409, "parent, another child": 404,
		"young person, own record": 409, "young person, another child": 404}
	sectionForm := change(409)
	sectionForm["anonymous"], sectionForm["disabled account"] = 303, 303
	staffPDF := map[string]int{}
	for k, v := range staffRead {
		staffPDF[k] = v
	}
	staffPDF["coordinator, break-glass"] = 404 // that child has no plan: nothing to download
	return map[string]map[string]int{
		"GET /staff/children/{id}/ehc/plan":                     staffRead,
		"POST /staff/children/{id}/ehc/plan/start":              change(422), // no kind chosen
		"GET /staff/children/{id}/ehc/plan/sections/{section}":  sectionForm, // no version being written
		"POST /staff/children/{id}/ehc/plan/sections/{section}": change(409),
		"POST /staff/children/{id}/ehc/plan/issue":              change(409),
		"POST /staff/children/{id}/ehc/plan/no-plan":            change(409), // Leo's final plan is issued
		"POST /staff/children/{id}/ehc/plan/settings/{sid}":     change(404), // no such request for a setting
		"GET /family/children/{id}/ehc/plan":                    familyRead,
		"GET /staff/children/{id}/ehc/plan.pdf":                 staffPDF, // the demo's final plan for Leo
		"GET /family/children/{id}/ehc/plan.pdf":                familyRead,
		"POST /family/children/{id}/ehc/plan/comments":          familyChange,
		"POST /family/children/{id}/ehc/plan/settings":          familyChange,
	}
}()

// planPath fills a plan route's {section} with section B and {sid} with an id no request has.
func planPath(path string) string {
	return strings.NewReplacer("{section}", "B", "{sid}", "00000000-0000-0000-0000-000000000000").Replace(path)
}
