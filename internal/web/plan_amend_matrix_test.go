package web

// The amendment routes (plan_amend.go) in TestAccessMatrix, with the plan's
// own: Leo's demo final plan is in force, so proposing amendments with an
// empty form is refused naming the reason (422) where the child is in reach
// for a change; with nothing proposed, sending a notice, issuing an amended
// plan withdrawing amendments or deciding not to amend is a clear 409. A child out of reach is 404; a role that may not
// change the case, 403.
func init() {
	change := func(ok int) map[string]int {
		return map[string]int{"": 403, "allocated coordinator": ok, "manager, owning team": ok, "coordinator, no relationship": 404}
	}
	planMatrix["POST /staff/children/{id}/ehc/plan/amend"] = change(422)
	planMatrix["POST /staff/children/{id}/ehc/plan/amend/notice"] = change(409)
	planMatrix["POST /staff/children/{id}/ehc/plan/amend/issue"] = change(409)
	planMatrix["POST /staff/children/{id}/ehc/plan/amend/no-amendment"] = change(409)
	planMatrix["POST /staff/children/{id}/ehc/plan/amend/withdraw"] = change(409)
}
