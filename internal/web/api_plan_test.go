package web

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/plan"
)

// planAPICase is one call of TestPlanAPI, made in order.
type planAPICase struct {
	name         string
	person       string
	method, path string
	body         any // marshalled as JSON; a string is sent as it is
	want         int
	fields       []string // a 422 names exactly these, in order
	action       string   // the audit action one row of which it writes ("" none)
	stores       bool     // rows are added (a plan, its rows, an event, a letter, a message, a comment, a request)
	check        func(t *testing.T, got map[string]any)
	before       func(t *testing.T) // runs before the call
}

// The plan API on both databases, in the order the SEND Regulations 2014 set:
// a draft started, written section by section and refused while incomplete
// (every missing item named, nothing stored: sections B, E and F, outcomes
// with their dates and steps, provision quantified, reg 12 and CoP 9.69 [to
// verify]); issued by post; the family's comment and request for a school
// (reg 13(1); CFA 2014 s38-39) and its consultation (s39); a draft's
// section I refused a school or a type (s38(5)); the final plan refused
// before R5's 15 days and with neither a setting nor a type (s40(2), a type
// alone being enough) or the adviser, then issued with its decision letter (CFA 2014 s51(2)(c)); and the decision not
// to issue a plan for another child with its letter (R4, reg 10; s51(2)(b)).
// A child out of reach is 404 as a missing one; each call writes its audit
// row; every answer, errors too, is valid against the OpenAPI document.
func TestPlanAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h, w := matrixServer(t, d)
		sp := loadAPISpec(t, h)
		today := date.Today(db.Now())
		amira, err := access.LoadActor(ctx, d, w.amira)
		if err != nil {
			t.Fatal(err)
		}
		// Two children on SEN support with nobody linked, now Amira's, Sarah Bennett the first one's mother;
		// the request came 60 days ago and the council decided to assess 40 days ago.
		var kids []string
		rows, err := d.Query(`SELECT c.id FROM children c WHERE c.sen_provision = 'sen_support' AND c.young_person_decides_from IS NULL
			AND NOT EXISTS (SELECT 1 FROM ehc_cases k WHERE k.child_id = c.id)
			AND NOT EXISTS (SELECT 1 FROM care_team ct LEFT JOIN organisations o ON o.id = ct.organisation_id
				WHERE ct.child_id = c.id AND (ct.person_id IS NOT NULL OR o.kind = 'nhs_team'))
			AND c.id NOT IN ($1, $2, $3, $4, $5) ORDER BY c.id LIMIT 2`, w.leo, w.stranger, w.revoked, w.withdrawn, w.glass)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			rows.Scan(&id)
			kids = append(kids, id)
		}
		rows.Close()
		if len(kids) != 2 {
			t.Fatalf("%d children to plan for in the tiny demo", len(kids))
		}
		child, other := kids[0], kids[1]
		if err := d.Transact(ctx, func(tx *sql.Tx) error {
			start := db.Now().Add(-24 * time.Hour)
			for _, c := range kids {
				if _, err := access.AddLink(ctx, tx, access.Link{ChildID: c, OrganisationID: amira.OrganisationID, Reason: access.Owner,
					Purpose: "EHC needs assessment casework", GrantedBy: "test", StartsAt: start}); err != nil {
					return err
				}
				if _, err := access.AddLink(ctx, tx, access.Link{ChildID: c, PersonID: w.amira, Reason: access.Allocated,
					Purpose: access.NamedContact, GrantedBy: "test", StartsAt: start}); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO family_links (child_id, person_id, relationship, parental_responsibility, lives_with_child)
				VALUES ($1, $2, 'mother', $3, $3)`, child, w.sarah, true)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, c := range kids {
			for _, in := range []casework.Input{{Type: "request_received", Date: today.AddDays(-60), Code: "parent", Channel: "letter"},
				{Type: "assessment_decision", Date: today.AddDays(-40), Code: "assess"}} {
				if _, err := casework.Add(ctx, d, amira, c, in); err != nil {
					t.Fatal(err)
				}
			}
		}
		var school, schoolName string
		if err := d.QueryRow("SELECT id, name FROM organisations WHERE kind = 'school' ORDER BY name, id LIMIT 1").Scan(&school, &schoolName); err != nil {
			t.Fatal(err)
		}

		staff := "/api/v1/children/" + child + "/ehc/plan"
		family := "/api/v1/family/children/" + child + "/ehc/plan"
		strangerPlan := "/api/v1/children/" + w.stranger + "/ehc/plan"
		caller := newAPICaller(h, d, sp)
		call := func(t *testing.T, person, method, path string, body any) (int, map[string]any) {
			t.Helper()
			raw, ok := body.(string)
			if !ok && body != nil {
				b, err := json.Marshal(body)
				if err != nil {
					t.Fatal(err)
				}
				raw = string(b)
			}
			return caller.call(t, person, method, path, raw)
		}
		stored := func() int {
			return dbtest.Count(t, d, `SELECT (SELECT COUNT(*) FROM ehc_plans) + (SELECT COUNT(*) FROM ehc_plan_items) + (SELECT COUNT(*) FROM ehc_events)
				+ (SELECT COUNT(*) FROM ehc_letters) + (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM ehc_plan_comments)
				+ (SELECT COUNT(*) FROM ehc_plan_settings)`)
		}
		audited := func(actor, action string) int {
			return dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE actor_id = $1 AND action = $2", actor, action)
		}
		one := func(q string, args ...any) string {
			t.Helper()
			var s string
			if err := d.QueryRow(q, args...).Scan(&s); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return s
		}
		var requestID, letterID string // known once earlier calls have made them
		version := func(got map[string]any, key string) map[string]any { m, _ := got[key].(map[string]any); return m }
		items := func(v map[string]any, code string) []any {
			secs, _ := v["sections"].(map[string]any)
			sec, _ := secs[code].(map[string]any)
			return list(sec["items"])
		}
		draftB := map[string]any{"items": []any{map[string]any{"body": "Speech, language and communication needs: understanding instructions of more than two steps."}}}
		draftE := map[string]any{"items": []any{map[string]any{"body": "Follows three-step instructions in class", "by_when": today.AddDays(200).String(),
			"steps": "Two-step instructions by Easter, three-step by the summer"}}}
		draftF := map[string]any{"items": []any{map[string]any{"body": "Small-group language sessions", "who": "Teaching assistant trained by the therapist",
			"how_often": "3 times a week, 20 minutes", "how_long": "Until the annual review"}}}
		reasons := "The assessment found that the school can meet these needs from its SEN support, with advice from the specialist teacher."

		cases := []planAPICase{
			// Reading: nothing written yet; out of reach is missing; the family reads only their own child's.
			{name: "no plan yet", person: w.amira, method: "GET", path: staff, want: 200, action: "plan.view",
				check: func(t *testing.T, got map[string]any) {
					if got["current"] != nil || got["working"] != nil || len(list(got["versions"])) != 0 || got["stage"] != "assessing" {
						t.Errorf("answer %v", got)
					}
				}},
			{name: "a child out of reach is missing", person: w.amira, method: "GET", path: strangerPlan, want: 404},
			{name: "a child that does not exist is missing", person: w.amira, method: "GET", path: "/api/v1/children/no-such-child/ehc/plan", want: 404},
			{name: "a parent cannot use the staff address", person: w.sarah, method: "GET", path: staff, want: 403},
			{name: "a parent cannot read another child's plan", person: w.sarah, method: "GET", path: "/api/v1/family/children/" + w.stranger + "/ehc/plan", want: 404},

			// Starting: a draft first (the final plan follows a draft the family has seen).
			{name: "a final plan before any draft", person: w.amira, method: "POST", path: staff + "/start", body: map[string]any{"kind": "final"}, want: 409},
			{name: "a kind that is not one", person: w.amira, method: "POST", path: staff + "/start", body: map[string]any{"kind": "sketch"}, want: 422, fields: []string{"kind"}},
			{name: "a field starting has not", person: w.amira, method: "POST", path: staff + "/start", body: map[string]any{"kind": "draft", "version": "2"}, want: 422, fields: []string{"version"}},
			{name: "starting for a child out of reach", person: w.amira, method: "POST", path: strangerPlan + "/start", body: map[string]any{"kind": "draft"}, want: 404},
			{name: "the draft is started", person: w.amira, method: "POST", path: staff + "/start", body: map[string]any{"kind": "draft"}, want: 201, action: "plan.start", stores: true,
				check: func(t *testing.T, got map[string]any) {
					if got["kind"] != "draft" || got["status"] != "editing" || got["version"] != 1.0 || len(got["sections"].(map[string]any)) != 11 {
						t.Errorf("answer %v", got)
					}
				}},
			{name: "the family cannot see a draft being written", person: w.sarah, method: "GET", path: family, want: 200, action: "plan.view",
				check: func(t *testing.T, got map[string]any) {
					if got["current"] != nil || got["working"] != nil || len(list(got["versions"])) != 0 {
						t.Errorf("answer %v", got)
					}
				}},

			// An incomplete draft: every missing item named, nothing stored.
			{name: "an empty draft issued with no method", person: w.amira, method: "POST", path: staff + "/issue", body: map[string]any{"kind": "draft"},
				want: 422, fields: []string{"sections.B", "sections.E", "sections.F", "method"}},
			{name: "an outcome with no date or steps", person: w.amira, method: "POST", path: staff + "/sections/E",
				body: map[string]any{"items": []any{map[string]any{"body": "Reads simple sentences"}}}, want: 200, action: "plan.section.save", stores: true,
				check: func(t *testing.T, got map[string]any) {
					if e := items(got, "E"); len(e) != 1 || e[0].(map[string]any)["body"] != "Reads simple sentences" {
						t.Errorf("section E: %v", e)
					}
				}},
			{name: "provision not quantified", person: w.amira, method: "POST", path: staff + "/sections/F",
				body: map[string]any{"items": []any{map[string]any{"body": "Reading support", "who": "Teaching assistant"}}}, want: 200, action: "plan.section.save", stores: true},
			{name: "an incomplete draft: every missing item named", person: w.amira, method: "POST", path: staff + "/issue", body: map[string]any{"kind": "draft", "method": "post"},
				want: 422, fields: []string{"sections.B", "sections.E.items[0].by_when", "sections.E.items[0].steps", "sections.F.items[0].how_often", "sections.F.items[0].how_long"}},
			{name: "a draft with a letter's adviser", person: w.amira, method: "POST", path: staff + "/issue", body: map[string]any{"kind": "draft", "method": "post", "adviser": demo.MediationAdviser},
				want: 422, fields: []string{"adviser", "sections.B", "sections.E.items[0].by_when", "sections.E.items[0].steps", "sections.F.items[0].how_often", "sections.F.items[0].how_long"}},
			{name: "a draft issued for a child out of reach", person: w.amira, method: "POST", path: strangerPlan + "/issue", body: map[string]any{"kind": "draft", "method": "post"}, want: 404},
			{name: "a health professional cannot issue", person: w.tom, method: "POST", path: staff + "/issue", body: map[string]any{"kind": "draft", "method": "post"}, want: 403},

			// A section's rows: the section's own fields, named by row.
			{name: "a field outcomes do not have", person: w.amira, method: "POST", path: staff + "/sections/E",
				body: map[string]any{"items": []any{map[string]any{"body": "Reads", "who": "Teacher"}}}, want: 422, fields: []string{"items[0].who"}},
			{name: "a date that does not exist", person: w.amira, method: "POST", path: staff + "/sections/E",
				body: map[string]any{"items": []any{map[string]any{"body": "Reads", "by_when": "2027-02-30"}}}, want: 422, fields: []string{"items[0].by_when"}},
			{name: "a row with no body", person: w.amira, method: "POST", path: staff + "/sections/F",
				body: map[string]any{"items": []any{map[string]any{}, map[string]any{"who": "Teacher"}}}, want: 422, fields: []string{"items[1].body"}},
			{name: "a row that is not an object", person: w.amira, method: "POST", path: staff + "/sections/B", body: `{"items": ["text"]}`, want: 422, fields: []string{"items[0]"}},
			{name: "no items", person: w.amira, method: "POST", path: staff + "/sections/B", body: map[string]any{"rows": []any{}}, want: 422, fields: []string{"rows", "items"}},
			{name: "a section out of reach, whatever the body", person: w.amira, method: "POST", path: strangerPlan + "/sections/B", body: map[string]any{"rows": []any{}}, want: 404},
			{name: "no section Z", person: w.amira, method: "POST", path: staff + "/sections/Z", body: draftB, want: 404},
			{name: "section I is the placement", person: w.amira, method: "POST", path: staff + "/sections/I", body: draftB, want: 404},
			// A draft's section I stays empty (CFA 2014 s38(5)): a school named or a type given is refused, naming it.
			{name: "a draft names no setting (s38(5)(a))", person: w.amira, method: "POST", path: staff + "/placement", body: map[string]any{"type": "Mainstream primary school", "setting": school},
				want: 422, fields: []string{"setting"}, check: refusedWith(plan.DraftPlacementRefused)},
			{name: "a draft specifies no type (s38(5)(b))", person: w.amira, method: "POST", path: staff + "/placement", body: map[string]any{"type": "Mainstream primary school"},
				want: 422, fields: []string{"type"}, check: refusedWith(plan.DraftPlacementRefused)},

			// The draft written and issued by post: on the clock, the family told.
			{name: "section B", person: w.amira, method: "POST", path: staff + "/sections/B", body: draftB, want: 200, action: "plan.section.save", stores: true},
			// E and F each replace their one row.
			{name: "section E", person: w.amira, method: "POST", path: staff + "/sections/E", body: draftE, want: 200, action: "plan.section.save"},
			{name: "section F", person: w.amira, method: "POST", path: staff + "/sections/F", body: draftF, want: 200, action: "plan.section.save"},
			{name: "a draft's section I saved empty", person: w.amira, method: "POST", path: staff + "/placement", body: map[string]any{"type": "", "setting": ""},
				want: 200, action: "plan.section.save",
				check: func(t *testing.T, got map[string]any) {
					if p := got["placement"].(map[string]any); p["type"] != "" || p["setting"] != nil {
						t.Errorf("placement %v", p)
					}
				}},
			{name: "the draft issued by post", person: w.amira, method: "POST", path: staff + "/issue", body: map[string]any{"kind": "draft", "method": "post"},
				want: 201, action: "plan.issue", stores: true,
				check: func(t *testing.T, got map[string]any) {
					pl := version(got, "plan")
					if pl["status"] != "issued" || pl["issued_on"] != today.String() || str2(pl["deemed_received_on"]) == "" || got["letter"] != nil {
						t.Errorf("answer %v", got)
					}
				}},

			// The family reads the draft, comments and asks for a school (reg 13(1): at least 15 days; CFA 2014 s38).
			{name: "the family reads the draft", person: w.sarah, method: "GET", path: family, want: 200, action: "plan.view",
				check: func(t *testing.T, got map[string]any) {
					cur := version(got, "current")
					if cur == nil || cur["kind"] != "draft" || cur["created_by"] != nil || got["working"] != nil ||
						got["final_not_before"] != today.AddDays(15).String() || len(list(got["setting_choices"])) == 0 || len(items(cur, "F")) != 1 {
						t.Errorf("answer %v", got)
					}
				}},
			{name: "a comment on no section", person: w.sarah, method: "POST", path: family + "/comments", body: map[string]any{"section": "Z", "body": ""},
				want: 422, fields: []string{"section", "body"}},
			{name: "a comment on another child's plan", person: w.sarah, method: "POST", path: "/api/v1/family/children/" + w.stranger + "/ehc/plan/comments",
				body: map[string]any{"section": "F", "body": "Please say which days."}, want: 404},
			{name: "staff cannot comment as the family", person: w.amira, method: "POST", path: family + "/comments", body: map[string]any{"section": "F", "body": "Please say which days."}, want: 403},
			{name: "the family comments on section F", person: w.sarah, method: "POST", path: family + "/comments", body: map[string]any{"section": "F", "body": "Please say which days the sessions happen."},
				want: 201, action: "plan.comment", stores: true,
				check: func(t *testing.T, got map[string]any) {
					if got["section"] != "F" || got["by"] != "Sarah Bennett" {
						t.Errorf("answer %v", got)
					}
				}},
			{name: "a school that is not one", person: w.sarah, method: "POST", path: family + "/settings", body: map[string]any{"setting": "no-such-school"}, want: 422, fields: []string{"setting"}},
			{name: "the family asks for a school", person: w.sarah, method: "POST", path: family + "/settings", body: map[string]any{"setting": school, "reason": "It is near home."},
				want: 201, action: "plan.setting.request", stores: true,
				check: func(t *testing.T, got map[string]any) {
					requestID = str2(got["id"])
					if got["setting"].(map[string]any)["name"] != schoolName || got["consulted_on"] != nil {
						t.Errorf("answer %v", got)
					}
				}},
			{name: "the same school twice", person: w.sarah, method: "POST", path: family + "/settings", body: map[string]any{"setting": school}, want: 422, fields: []string{"setting"}},

			// The council consults the school (CFA 2014 s39; 15 days to answer [to verify]).
			{name: "an answer before the consultation", person: w.amira, method: "POST", before: nil,
				path: "", body: nil, want: 422, fields: []string{"responded_on"}},
			{name: "a request for a setting that does not exist", person: w.amira, method: "POST", path: staff + "/settings/no-such-request",
				body: map[string]any{"consulted_on": today.String()}, want: 404},
			{name: "the school consulted", person: w.amira, method: "POST", path: "", want: 200, action: "plan.setting.consult",
				check: func(t *testing.T, got map[string]any) {
					if got["consulted_on"] != today.String() || got["response_due"] != today.AddDays(15).String() {
						t.Errorf("answer %v", got)
					}
				}},
			{name: "the coordinator reads the comment and the consultation", person: w.amira, method: "GET", path: staff, want: 200, action: "plan.view",
				check: func(t *testing.T, got map[string]any) {
					c, r := list(got["comments"]), list(got["setting_requests"])
					if len(c) != 1 || len(r) != 1 || r[0].(map[string]any)["response_due"] != today.AddDays(15).String() || version(got, "current")["created_by"] != "Amira Hussain" {
						t.Errorf("answer %v", got)
					}
				}},

			// The final plan: the setting named, the adviser given, R5's 15 days passed; its letter made with it.
			{name: "the final plan started", person: w.amira, method: "POST", path: staff + "/start", body: map[string]any{"kind": "final"}, want: 201, action: "plan.start", stores: true,
				check: func(t *testing.T, got map[string]any) {
					if got["kind"] != "final" || len(items(got, "F")) != 1 {
						t.Errorf("answer %v", got)
					}
				}},
			{name: "the final plan's choices of setting", person: w.amira, method: "GET", path: staff, want: 200, action: "plan.view",
				check: func(t *testing.T, got map[string]any) {
					if version(got, "working")["kind"] != "final" || len(list(got["setting_choices"])) == 0 {
						t.Errorf("answer %v", got)
					}
				}},
			{name: "issued as a draft", person: w.amira, method: "POST", path: staff + "/issue", body: map[string]any{"kind": "draft", "method": "email"}, want: 409},
			{name: "a final plan naming no setting and giving no type, with no adviser (s40(2))", person: w.amira, method: "POST", path: staff + "/issue", body: map[string]any{"kind": "final", "method": "email"},
				want: 422, fields: []string{"placement", "adviser"}, check: refusedWith(plan.FinalPlacementMissing)},
			// A type alone is enough for the final plan (s40(2)): only R5's date stops it now.
			{name: "the final plan's type", person: w.amira, method: "POST", path: staff + "/placement", body: map[string]any{"type": "Mainstream primary school"},
				want: 200, action: "plan.section.save",
				check: func(t *testing.T, got map[string]any) {
					if p := got["placement"].(map[string]any); p["type"] != "Mainstream primary school" || p["setting"] != nil {
						t.Errorf("placement %v", p)
					}
				}},
			{name: "the final plan of a type only, before R5's 15 days", person: w.amira, method: "POST", path: staff + "/issue",
				body: map[string]any{"kind": "final", "method": "email", "adviser": demo.MediationAdviser}, want: 422, fields: []string{"issued"}},
			{name: "the setting named", person: w.amira, method: "POST", path: staff + "/placement", body: map[string]any{"type": "Mainstream primary school", "setting": school},
				want: 200, action: "plan.section.save",
				check: func(t *testing.T, got map[string]any) {
					if s, _ := got["placement"].(map[string]any)["setting"].(map[string]any); s["id"] != school || s["name"] != schoolName {
						t.Errorf("placement %v", got["placement"])
					}
				}},
			{name: "the final plan before R5's 15 days", person: w.amira, method: "POST", path: staff + "/issue",
				body: map[string]any{"kind": "final", "method": "email", "adviser": demo.MediationAdviser}, want: 422, fields: []string{"issued"}},
			{name: "a letter with reasons too short", person: w.amira, method: "POST", path: staff + "/issue",
				body: map[string]any{"kind": "final", "method": "email", "adviser": demo.MediationAdviser, "reasons": "Because."}, want: 422, fields: []string{"reasons"},
				before: func(t *testing.T) { draftServedDaysAgo(t, d, child, today, 15) }},
			{name: "the final plan and its letter issued", person: w.amira, method: "POST", path: staff + "/issue",
				body: map[string]any{"kind": "final", "method": "email", "adviser": demo.MediationAdviser}, want: 201, action: "ehc.letter.issue", stores: true,
				check: func(t *testing.T, got map[string]any) {
					pl, l := version(got, "plan"), version(got, "letter")
					if pl["kind"] != "final" || pl["status"] != "issued" || l == nil || pl["letter_id"] != l["id"] {
						t.Fatalf("answer %v", got)
					}
					letterID = str2(l["id"])
					// The decision letter for a final plan (CFA 2014 s51(2)(c)): appeal within two months of it (r20(1)(c)).
					if l["kind"] != "final_plan" || l["decision_on"] != today.String() || l["appeal_by"].(map[string]any)["due"] != today.AddMonths(2).String() ||
						!strings.Contains(str2(l["reasons"]), schoolName) || l["adviser"] != demo.MediationAdviser || l["method"] != "email" {
						t.Errorf("letter %v", l)
					}
					if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_letters WHERE id = $1 AND child_id = $2 AND kind = 'final_plan'", letterID, child); n != 1 {
						t.Errorf("%d letters stored", n)
					}
					if n := audited(w.amira, "plan.issue"); n < 2 {
						t.Errorf("%d plan.issue audit rows", n)
					}
				}},
			{name: "the family reads the final plan and its letter's id", person: w.sarah, method: "GET", path: family, want: 200, action: "plan.view",
				check: func(t *testing.T, got map[string]any) {
					cur := version(got, "current")
					if cur["kind"] != "final" || cur["letter_id"] != letterID || cur["placement"].(map[string]any)["setting"] == nil || got["setting_choices"] != nil {
						t.Errorf("answer %v", got)
					}
				}},
			{name: "no decision not to issue once the final plan is", person: w.amira, method: "POST", path: staff + "/no-plan",
				body: map[string]any{"reasons": reasons, "method": "post", "adviser": demo.MediationAdviser}, want: 409},

			// The decision not to issue a plan for the other child, with its letter (R4; CFA 2014 s51(2)(b)).
			{name: "a decision with no reasons or method", person: w.amira, method: "POST", path: "/api/v1/children/" + other + "/ehc/plan/no-plan",
				body: map[string]any{"adviser": demo.MediationAdviser}, want: 422, fields: []string{"reasons", "method"}},
			{name: "a decision for a child out of reach", person: w.amira, method: "POST", path: strangerPlan + "/no-plan",
				body: map[string]any{"reasons": reasons, "method": "post", "adviser": demo.MediationAdviser}, want: 404},
			{name: "the decision not to issue a plan", person: w.amira, method: "POST", path: "/api/v1/children/" + other + "/ehc/plan/no-plan",
				body: map[string]any{"reasons": reasons, "method": "post", "adviser": demo.MediationAdviser}, want: 201, action: "ehc.letter.issue", stores: true,
				check: func(t *testing.T, got map[string]any) {
					ev, l := version(got, "event"), version(got, "letter")
					if ev["type"] != "no_plan_decision" || ev["date"] != today.String() || l["kind"] != "no_plan" || l["event_id"] != ev["id"] || l["reasons"] != reasons {
						t.Errorf("answer %v", got)
					}
					if s := one("SELECT stage FROM ehc_cases WHERE child_id = $1", other); s != casework.NoPlan {
						t.Errorf("the case's stage is %s", s)
					}
				}},
			{name: "the decision made twice", person: w.amira, method: "POST", path: "/api/v1/children/" + other + "/ehc/plan/no-plan",
				body: map[string]any{"reasons": reasons, "method": "post", "adviser": demo.MediationAdviser}, want: 409},
			{name: "no plan started after it", person: w.amira, method: "POST", path: "/api/v1/children/" + other + "/ehc/plan/start", body: map[string]any{"kind": "draft"}, want: 409},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if c.path == "" { // the consultation, whose address needs the request made above
					c.path = staff + "/settings/" + requestID
					c.body = map[string]any{"consulted_on": today.String()}
					if c.want == 422 {
						c.body = map[string]any{"consulted_on": today.String(), "responded_on": today.AddDays(-1).String(), "response": "Yes"}
					}
				}
				if c.before != nil {
					c.before(t)
				}
				before, beforeAudit := stored(), 0
				if c.action != "" {
					beforeAudit = audited(c.person, c.action)
				}
				got, body := call(t, c.person, c.method, c.path, c.body)
				if got != c.want {
					t.Fatalf("case %d: %d, want %d: %v", i, got, c.want, body)
				}
				if c.want >= 400 {
					e, _ := body["error"].(map[string]any)
					if e == nil || str2(e["code"]) == "" || str2(e["message"]) == "" {
						t.Errorf("not the error shape: %v", body)
					}
					var named []string
					for _, f := range list(e["fields"]) {
						named = append(named, str2(f.(map[string]any)["field"]))
					}
					if c.fields != nil && !slices.Equal(named, c.fields) {
						t.Errorf("the error names %q, want %q: %v", named, c.fields, e)
					}
				}
				if n := stored() - before; (n > 0) != c.stores {
					t.Errorf("%d rows stored", n)
				}
				if c.action != "" {
					if n := audited(c.person, c.action) - beforeAudit; n != 1 {
						t.Errorf("%d audit rows %s, want 1", n, c.action)
					}
				}
				if c.check != nil {
					c.check(t, body)
				}
			})
		}
	})
}

// refusedWith checks a 422's first field says msg.
func refusedWith(msg string) func(t *testing.T, got map[string]any) {
	return func(t *testing.T, got map[string]any) {
		t.Helper()
		e, _ := got["error"].(map[string]any)
		fs, _ := e["fields"].([]any)
		if len(fs) == 0 || fs[0].(map[string]any)["message"] != msg {
			t.Errorf("the error %v, want its first field to say %q", e, msg)
		}
	}
}

// draftServedDaysAgo moves the child's issued draft, on the clock and on the
// plan, back to days ago: the family's 15 days (R5) pass without waiting.
func draftServedDaysAgo(t *testing.T, d *db.DB, child string, today date.Date, days int) {
	t.Helper()
	for _, q := range []string{`UPDATE ehc_events SET event_date = $1 WHERE type = 'draft_plan_issued'
		AND case_id = (SELECT id FROM ehc_cases WHERE child_id = $2)`, "UPDATE ehc_plans SET issued_on = $1 WHERE child_id = $2 AND kind = 'draft'"} {
		if _, err := d.Exec(q, today.AddDays(-days), child); err != nil {
			t.Fatal(err)
		}
	}
}
