package web

import (
	"encoding/json"
	"slices"
	"testing"

	"joinedup/internal/appeal"
	"joinedup/internal/date"
	"joinedup/internal/db"
)

// apiFlowIDs finds the ids TestAPI's flow cases need once earlier cases have made them.
type apiFlowIDs struct {
	finalPlan, request, letter func() string
	senco, pupil               string // Brookfield's SENCO, and a pupil of Brookfield's with no EHC case
}

func apiFlowWorld(t *testing.T, d *db.DB, w matrixPeople) apiFlowIDs {
	one := func(q string, args ...any) func() string {
		return func() string {
			t.Helper()
			var s string
			if err := d.QueryRow(q, args...).Scan(&s); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return s
		}
	}
	senco := one("SELECT id FROM people WHERE given_name = 'Rachel' AND family_name = 'Evans'")()
	pupil := one(`SELECT MIN(t.child_id) FROM care_team t JOIN people p ON p.organisation_id = t.organisation_id
		WHERE p.id = $1 AND t.status = 'active' AND NOT EXISTS (SELECT 1 FROM ehc_cases k WHERE k.child_id = t.child_id)`, senco)()
	return apiFlowIDs{senco: senco, pupil: pupil,
		finalPlan: one(`SELECT e.id FROM ehc_events e JOIN ehc_cases k ON k.id = e.case_id WHERE k.child_id = $1 AND e.type = 'final_plan_issued'
			ORDER BY e.event_date DESC LIMIT 1`, w.leo),
		request: one("SELECT id FROM ehc_requests WHERE child_id = $1 ORDER BY made_at LIMIT 1", w.leo),
		letter:  one("SELECT id FROM ehc_letters WHERE child_id = $1 ORDER BY sent_at LIMIT 1", w.leo),
	}
}

func jsonBody(v map[string]any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// apiFlowCases are TestAPI's rows for online requests (SEND Regs 2014 reg 3),
// decision letters (CFA 2014 s51; deemed receipt by CPR 6.26; appeal by
// Tribunal Procedure Rules 2008 r20) and the mediation and tribunal steps
// after them (CFA 2014 s55; SEND Regs 2014 reg 44), in the order they happen.
func apiFlowCases(ids apiFlowIDs, w matrixPeople, today date.Date) []apiTestCase {
	leo := "/api/v1/children/" + w.leo + "/ehc"
	familyLeo := "/api/v1/family/children/" + w.leo + "/ehc"
	reasons := "Leo's needs have changed since his plan: he now cannot cope in class for more than an hour."
	letterBody := func(change map[string]any) func() (string, string) {
		return func() (string, string) {
			b := map[string]any{"event": ids.finalPlan(), "method": "email", "adviser": DefaultAdviser,
				"reasons": "The plan describes Leo's needs and the provision at Brookfield Primary.",
				// Friday 20 November 2026 at 5pm in London: after 4.30pm, so an email is deemed received on the next business day (CPR 6.26).
				"sent_at": "2026-11-20T17:00:00Z"}
			for k, v := range change {
				if v == nil {
					delete(b, k)
				} else {
					b[k] = v
				}
			}
			return leo + "/letters", jsonBody(b)
		}
	}
	letterPath := func(base, suffix string) func() (string, string) {
		return func() (string, string) { return base + "/letters/" + ids.letter() + suffix, "" }
	}
	step := func(body map[string]any) func() (string, string) {
		return func() (string, string) { return leo + "/letters/" + ids.letter() + "/steps", jsonBody(body) }
	}
	now := today.String()
	return []apiTestCase{
		// Requests: a professional other than the setting needs the family's consent (CFA s36(1)); a family asks in their own right.
		{name: "a professional's request without the family's consent", person: w.amira, method: "POST", path: leo + "/requests",
			body: jsonBody(map[string]any{"reasons": reasons}), want: 422, field: "consent_given_by"},
		{name: "a consent date that does not exist", person: w.amira, method: "POST", path: leo + "/requests",
			body: jsonBody(map[string]any{"reasons": reasons, "consent_given_by": "Sarah Bennett", "consent_given_on": "2026-02-30"}), want: 422, field: "consent_given_on"},
		{name: "a consent date in the future", person: w.amira, method: "POST", path: leo + "/requests",
			body: jsonBody(map[string]any{"reasons": reasons, "consent_given_by": "Sarah Bennett", "consent_given_on": today.AddDays(1).String()}), want: 422, field: "consent_given_on"},
		{name: "a professional asks with the family's consent", person: w.amira, method: "POST", path: leo + "/requests",
			body: jsonBody(map[string]any{"reasons": reasons, "consent_given_by": "Sarah Bennett", "consent_given_on": now}), want: 201, action: "ehc.request.submit", stores: true,
			check: func(t *testing.T, got map[string]any) {
				if got["source"] != "other" || got["status"] != "waiting" || got["received_on"] != now || got["consent_given_by"] != "Sarah Bennett" {
					t.Errorf("answer %v", got)
				}
			}},
		{name: "a setting asks in its own right", person: ids.senco, method: "POST", path: "/api/v1/children/" + ids.pupil + "/ehc/requests",
			body: jsonBody(map[string]any{"reasons": "Attainment has fallen well behind despite two terms of SEN support at school."}), want: 201, action: "ehc.request.submit", stores: true,
			check: func(t *testing.T, got map[string]any) {
				if got["source"] != "setting" || got["consent_given_by"] != nil || got["child_id"] != ids.pupil {
					t.Errorf("answer %v", got)
				}
			}},
		{name: "reasons too short", person: w.sarah, method: "POST", path: familyLeo + "/requests", body: `{"reasons": "short"}`, want: 422, field: "reasons"},
		{name: "a field the request does not have", person: w.sarah, method: "POST", path: familyLeo + "/requests",
			body: jsonBody(map[string]any{"reasons": reasons, "urgent": "yes"}), want: 422, field: "urgent"},
		{name: "the family asks while a request is waiting", person: w.sarah, method: "POST", path: familyLeo + "/requests",
			body: jsonBody(map[string]any{"reasons": reasons}), want: 409},
		{name: "a young person asks for themself", person: w.kai, method: "POST", path: "/api/v1/family/children/" + w.kaiChild + "/ehc/requests",
			body: jsonBody(map[string]any{"reasons": "I find lessons very hard since moving to college and need more help to manage."}), want: 201, action: "ehc.request.submit", stores: true,
			check: func(t *testing.T, got map[string]any) {
				if got["source"] != "young_person" || got["consent_given_by"] != nil {
					t.Errorf("answer %v", got)
				}
			}},
		{name: "a parent cannot ask for another child", person: w.sarah, method: "POST", path: "/api/v1/family/children/" + w.stranger + "/ehc/requests",
			body: jsonBody(map[string]any{"reasons": reasons}), want: 404},
		{name: "a parent cannot use the staff address to ask", person: w.sarah, method: "POST", path: leo + "/requests", body: jsonBody(map[string]any{"reasons": reasons}), want: 403},
		{name: "staff out of reach cannot ask", person: w.amira, method: "POST", path: "/api/v1/children/" + w.stranger + "/ehc/requests",
			body: jsonBody(map[string]any{"reasons": reasons, "consent_given_by": "A parent", "consent_given_on": now}), want: 404},

		// Requests waiting, and accepting one: it starts the clock with request_received, channel online.
		{name: "requests waiting", person: w.amira, method: "GET", path: "/api/v1/ehc/requests", want: 200, action: "ehc.requests.view",
			check: func(t *testing.T, got map[string]any) {
				if !slices.ContainsFunc(list(got["requests"]), func(r any) bool {
					m := r.(map[string]any)
					return m["child_id"] == w.leo && m["child_name"] == "Leo Bennett" && m["status"] == "waiting" && str2(m["team"]) != ""
				}) {
					t.Errorf("Leo's request is not waiting: %v", got)
				}
			}},
		{name: "requests waiting take no query", person: w.amira, method: "GET", path: "/api/v1/ehc/requests?child=x", want: 422, field: "child"},
		{name: "a parent has no requests waiting", person: w.sarah, method: "GET", path: "/api/v1/ehc/requests", want: 403},
		{name: "accepting no request", person: w.amira, method: "POST", path: leo + "/requests/accept", body: `{"request": "no-such-request"}`, want: 422, field: "request"},
		{name: "accepting a request of a child out of reach", person: w.amira, method: "POST", path: "/api/v1/children/" + w.stranger + "/ehc/requests/accept",
			late: func() (string, string) {
				return "/api/v1/children/" + w.stranger + "/ehc/requests/accept", jsonBody(map[string]any{"request": ids.request()})
			}, want: 404},
		{name: "a parent cannot accept", person: w.sarah, method: "POST", want: 403,
			late: func() (string, string) {
				return leo + "/requests/accept", jsonBody(map[string]any{"request": ids.request()})
			}},
		{name: "the request is accepted", person: w.amira, method: "POST", want: 201, action: "ehc.request.accept", stores: true,
			late: func() (string, string) {
				return leo + "/requests/accept", jsonBody(map[string]any{"request": ids.request()})
			},
			check: func(t *testing.T, got map[string]any) {
				if got["type"] != "request_received" || got["channel"] != "online" || got["date"] != now || got["source"] != "other" {
					t.Errorf("answer %v", got)
				}
			}},
		{name: "the request accepted twice", person: w.amira, method: "POST", want: 409,
			late: func() (string, string) {
				return leo + "/requests/accept", jsonBody(map[string]any{"request": ids.request()})
			}},

		// Decision letters: refused naming the field, with no letter and no message.
		{name: "a letter with no method", person: w.amira, method: "POST", late: letterBody(map[string]any{"method": nil}), want: 422, field: "method"},
		{name: "a letter sent by pigeon", person: w.amira, method: "POST", late: letterBody(map[string]any{"method": "pigeon"}), want: 422, field: "method"},
		{name: "a letter sent at a time without its offset", person: w.amira, method: "POST", late: letterBody(map[string]any{"sent_at": "2026-11-20 14:30"}), want: 422, field: "sent_at"},
		{name: "a letter sent in the future", person: w.amira, method: "POST", late: letterBody(map[string]any{"sent_at": today.AddDays(2).String() + "T10:00:00Z"}), want: 422, field: "sent_at"},
		{name: "a letter about no decision", person: w.amira, method: "POST", late: letterBody(map[string]any{"event": "no-such-event"}), want: 422, field: "event"},
		{name: "a letter without reasons", person: w.amira, method: "POST", late: letterBody(map[string]any{"reasons": "Because."}), want: 422, field: "reasons"},
		{name: "a parent cannot issue a letter", person: w.sarah, method: "POST", late: letterBody(nil), want: 403},
		{name: "a letter for a child out of reach", person: w.amira, method: "POST", want: 404,
			late: func() (string, string) {
				_, body := letterBody(nil)()
				return "/api/v1/children/" + w.stranger + "/ehc/letters", body
			}},
		{name: "the letter is issued", person: w.amira, method: "POST", late: letterBody(nil), want: 201, action: "ehc.letter.issue", stores: true,
			check: func(t *testing.T, got map[string]any) {
				appealBy, _ := got["appeal_by"].(map[string]any)
				// Sent after 4.30pm on Friday 20 November: deemed received Monday 23 November; appeal within two months of the notice (r20(1)(c)).
				if got["kind"] != "final_plan" || got["decision_on"] != "2026-11-20" || got["deemed_received_on"] != "2026-11-23" ||
					appealBy["due"] != "2027-01-20" || appealBy["rule"] != "R24" || got["certificate_due"] != nil || str2(got["issued_by"]) == "" {
					t.Errorf("answer %v", got)
				}
			}},
		{name: "the letter issued twice", person: w.amira, method: "POST", late: letterBody(nil), want: 409},

		// Reading a letter: staff who can see the child, and the family for their own child only.
		{name: "staff read the letter", person: w.amira, method: "GET", late: letterPath(leo, ""), want: 200, action: "ehc.view",
			check: func(t *testing.T, got map[string]any) {
				if got["deemed_received_on"] != "2026-11-23" || got["appeal_by"].(map[string]any)["due"] != "2027-01-20" || str2(got["issued_by"]) == "" {
					t.Errorf("answer %v", got)
				}
			}},
		{name: "a letter that does not exist", person: w.amira, method: "GET", path: leo + "/letters/no-such-letter", want: 404},
		{name: "a letter of another child", person: w.amira, method: "GET", want: 404,
			late: letterPath("/api/v1/children/"+w.stranger+"/ehc", "")},
		{name: "a parent reads their child's letter", person: w.sarah, method: "GET", late: letterPath(familyLeo, ""), want: 200, action: "ehc.view",
			check: func(t *testing.T, got map[string]any) {
				if got["appeal_by"].(map[string]any)["due"] != "2027-01-20" || got["issued_by"] != nil || str2(got["adviser"]) == "" {
					t.Errorf("answer %v", got)
				}
			}},
		{name: "a parent cannot read a letter through another child", person: w.sarah, method: "GET", want: 404,
			late: letterPath("/api/v1/family/children/"+w.stranger+"/ehc", "")},
		{name: "a young person cannot read another child's letter", person: w.kai, method: "GET", late: letterPath(familyLeo, ""), want: 404},
		{name: "a parent cannot use the staff address for a letter", person: w.sarah, method: "GET", late: letterPath(leo, ""), want: 403},

		// Mediation and tribunal steps, in order (CFA 2014 ss51-55).
		{name: "a hearing before the appeal is registered", person: w.amira, method: "POST", late: step(map[string]any{"step": "hearing", "date": now}), want: 422, field: "date"},
		{name: "an outcome the step does not have", person: w.amira, method: "POST", late: step(map[string]any{"step": "adviser_contacted", "date": now, "outcome": "maybe"}), want: 422, field: "outcome"},
		{name: "a step in the future", person: w.amira, method: "POST", late: step(map[string]any{"step": "adviser_contacted", "date": today.AddDays(1).String(), "outcome": "declined"}), want: 422, field: "date"},
		{name: "a step before the letter", person: w.amira, method: "POST", late: step(map[string]any{"step": "adviser_contacted", "date": "2026-11-19", "outcome": "declined"}), want: 422, field: "date"},
		{name: "a step that is not one", person: w.amira, method: "POST", late: step(map[string]any{"step": "appeal_won", "date": now}), want: 422, field: "step"},
		{name: "a field the step does not have", person: w.amira, method: "POST", late: step(map[string]any{"step": "adviser_contacted", "date": now, "outcome": "declined", "when": "today"}), want: 422, field: "when"},
		{name: "a parent cannot record a step", person: w.sarah, method: "POST", late: step(map[string]any{"step": "adviser_contacted", "date": now, "outcome": "declined"}), want: 403},
		{name: "a step for a letter out of reach", person: w.amira, method: "POST", want: 404,
			late: func() (string, string) {
				return "/api/v1/children/" + w.stranger + "/ehc/letters/" + ids.letter() + "/steps", jsonBody(map[string]any{"step": "adviser_contacted", "date": now, "outcome": "declined"})
			}},
		{name: "the family declines mediation", person: w.amira, method: "POST", want: 201, action: "ehc.dispute.add", stores: true,
			late: step(map[string]any{"step": "adviser_contacted", "date": now, "outcome": "declined", "note": "Phoned the adviser; they want to appeal about the school named."}),
			check: func(t *testing.T, got map[string]any) {
				if got["step"] != "adviser_contacted" || got["outcome"] != "declined" || got["seq"] != 1.0 || str2(got["recorded_by"]) == "" {
					t.Errorf("answer %v", got)
				}
			}},
		{name: "the same step twice", person: w.amira, method: "POST", late: step(map[string]any{"step": "adviser_contacted", "date": now, "outcome": "declined"}), want: 422, field: "step"},
		{name: "the certificate is due in 3 working days", person: w.amira, method: "GET", late: letterPath(leo, ""), want: 200, action: "ehc.view",
			check: func(t *testing.T, got map[string]any) {
				// Within 3 working days of being told (CFA s55; SEND Regs reg 33): told on Sunday 22 November 2026, by Wednesday 25 November.
				want, err := appeal.AddWorkingDays(today, 3)
				due, _ := got["certificate_due"].(map[string]any)
				if err != nil || due == nil || due["rule"] != "R22" || due["due"] != want.String() || len(list(got["steps"])) != 1 {
					t.Errorf("answer %v", got)
				}
			}},
		{name: "the appeal is registered", person: w.amira, method: "POST", late: step(map[string]any{"step": "appeal_registered", "date": now}), want: 201, action: "ehc.dispute.add", stores: true},
		{name: "the tribunal orders the school named changed", person: w.amira, method: "POST", late: step(map[string]any{"step": "tribunal_decision", "date": now, "outcome": "amend_placement"}),
			want: 201, action: "ehc.dispute.add", stores: true},
		{name: "the family reads the order's deadline", person: w.sarah, method: "GET", late: letterPath(familyLeo, ""), want: 200, action: "ehc.view",
			check: func(t *testing.T, got map[string]any) {
				// An order to amend the placement: the amended plan within 2 weeks (SEND Regs 2014 reg 44(2), reg 45(4)).
				dls := list(got["order_deadlines"])
				if got["order"] != "amend_placement" || got["appeal_lodged"] != true || len(dls) != 1 ||
					dls[0].(map[string]any)["rule"] != "R27" || dls[0].(map[string]any)["due"] != today.AddDays(14).String() {
					t.Errorf("answer %v", got)
				}
				for _, s := range list(got["steps"]) {
					if m := s.(map[string]any); m["note"] != nil || m["recorded_by"] != nil {
						t.Errorf("the family sees staff's note or name on a step: %v", m)
					}
				}
			}},
	}
}
