package web

// waitsExpect is a route's expected statuses: a default and those of named states.
type waitsExpect struct {
	def   int
	state map[string]int
}

// waitsMatrix is the access matrix of the waiting-list pages (issue 7). Only the
// therapist (Tom, a health professional of the speech and language therapy
// team) keeps waiting lists; Leo is on his team's list (a referral link). A
// child's waiting lists are read like the record; recording on them needs the
// referral link too, so with it revoked or with only a consent share the child
// is hidden (404). An empty form is refused naming what is missing (422).
func waitsMatrix(staffRecord, familyRecord map[string]int) map[string]waitsExpect {
	signIn := func(m map[string]int) map[string]int {
		m["anonymous"], m["disabled account"] = 303, 303
		return m
	}
	therapist := func(leo, revoked, withdrawn int) map[string]int {
		return map[string]int{"therapist, referral accepted": leo, "therapist, referral revoked": revoked, "therapist, consent withdrawn": withdrawn}
	}
	return map[string]waitsExpect{
		"GET /staff/waits":                         {403, signIn(therapist(200, 200, 200))},
		"GET /staff/waits/transfer":                {403, signIn(therapist(200, 200, 200))},
		"POST /staff/waits/transfer":               {403, therapist(422, 422, 422)},
		"GET /staff/waits/checks":                  {403, signIn(therapist(200, 200, 200))},
		"GET /staff/waits/projection":              {403, signIn(therapist(200, 200, 200))},
		"GET /staff/waits/projection.csv":          {403, signIn(therapist(200, 200, 200))},
		"GET /staff/children/{id}/waits":           {403, staffRecord},
		"GET /staff/children/{id}/waits/event":     {403, signIn(therapist(200, 404, 404))},
		"POST /staff/children/{id}/waits/event":    {403, therapist(422, 404, 404)},
		"GET /staff/children/{id}/waits/refer":     {403, signIn(therapist(200, 404, 404))},
		"POST /staff/children/{id}/waits/refer":    {403, therapist(422, 404, 404)},
		"GET /family/children/{id}/waits":          {403, familyRecord},
		"POST /family/children/{id}/waits/changed": {403, map[string]int{"parent of the child": 422, "young person, own record": 422, "parent, another child": 404, "young person, another child": 404}},
	}
}
