package web

import (
	"context"
	"strings"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/plan"
)

// The amendment API on both databases, every answer valid against the
// OpenAPI document: Amira proposes amendments to Leo's demo final plan
// (refused without a reason), a section is changed as the plan API would,
// the notice is refused naming the method and then sent (R15 and R16 from
// the clock: 15 days and 8 weeks, reg 22(2)(c) and 22(3)); the amended plan
// is refused before R15's date; Sarah reads the proposed change; another
// team's coordinator gets 404. After the 15 days (the notice moved back, as
// the browser walk does) the amended plan is refused without its letter's
// mediation adviser, then issued with its decision letter in the same
// transaction (CFA 2014 s51(2)(c)), in the standard words. Amendments then
// proposed again and sent are not made after all (reg 22(4)): refused before
// the notice and with nothing given, then recorded with its letter (CFA 2014
// s51(2)(e)), which Sarah reads with the reasons. Amendments withdrawn
// before their notice tell nobody; after it they cannot be withdrawn quietly.
func TestAPIPlanAmendment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, w := matrixServer(t, d)
		sp := loadAPISpec(t, h)
		today := date.Today(db.Now())
		caller := newAPICaller(h, d, sp)
		call := func(person, method, path, body string) (int, map[string]any) {
			t.Helper()
			return caller.call(t, person, method, path, body)
		}
		field := func(out map[string]any) string {
			e, _ := out["error"].(map[string]any)
			var names []string
			for _, f := range list(e["fields"]) {
				names = append(names, str2(f.(map[string]any)["field"]))
			}
			return strings.Join(names, " ")
		}
		base := "/api/v1/children/" + w.leo + "/ehc/plan/amendment"
		if code, out := call(w.amira, "GET", base, ""); code != 200 || out["amendment"] != nil {
			t.Fatalf("Leo's plan never amended: %d %v", code, out)
		}
		if code, out := call(w.amira, "POST", base, `{"reason": ""}`); code != 422 || field(out) != "reason" {
			t.Errorf("amendments with no reason: %d %v", code, out)
		}
		if code, _ := call(w.amira, "POST", "/api/v1/children/"+w.stranger+"/ehc/plan/amendment", `{"reason": "The annual review found new needs"}`); code != 404 {
			t.Errorf("another team's child: %d", code)
		}
		code, out := call(w.amira, "POST", base, `{"reason": "The annual review found new needs"}`)
		if code != 201 || out["status"] != "proposed" || len(list(out["changes"])) != 0 {
			t.Fatalf("proposed: %d %v", code, out)
		}
		amira, err := access.LoadActor(context.Background(), d, w.amira)
		if err != nil {
			t.Fatal(err)
		}
		if err := plan.SaveSection(context.Background(), d, amira, w.leo, "J", []plan.Item{{Body: "A personal budget for after-school clubs."}}); err != nil {
			t.Fatal(err)
		}
		if code, out := call(w.amira, "POST", base+"/notice", `{}`); code != 422 || field(out) != "method" {
			t.Errorf("a notice with no method: %d %v", code, out)
		}
		code, out = call(w.amira, "POST", base+"/notice", `{"method": "email"}`)
		if code != 200 || out["status"] != "sent" || out["notice_on"] != today.String() || out["not_before"] != today.AddDays(15).String() ||
			out["due"] != today.AddDays(56).String() || len(list(out["changes"])) != 1 {
			t.Errorf("the notice: %d %v", code, out)
		}
		if code, out := call(w.amira, "POST", base+"/issue", `{"method": "email", "adviser": "`+DefaultAdviser+`"}`); code != 422 || field(out) != "issued" {
			t.Errorf("the amended plan within the 15 days: %d %v", code, out)
		}
		code, out = call(w.sarah, "GET", "/api/v1/family/children/"+w.leo+"/ehc/plan/amendment", "")
		am, _ := out["amendment"].(map[string]any)
		if code != 200 || am == nil || am["status"] != "sent" || !strings.Contains(str2(list(list(am["changes"])[0].(map[string]any)["added"])[0]), "after-school clubs") {
			t.Errorf("Sarah reads the proposed change: %d %v", code, out)
		}
		if _, err := d.Exec(`UPDATE ehc_events SET event_date = $1 WHERE id = (SELECT notice_event_id FROM ehc_plan_amendments WHERE plan_id = $2)`,
			today.AddDays(-15), str2(am["plan_id"])); err != nil {
			t.Fatal(err)
		}
		if code, out := call(w.amira, "POST", base+"/issue", `{"method": "email"}`); code != 422 || field(out) != "adviser" {
			t.Errorf("the amended plan with no mediation adviser for its letter: %d %v", code, out)
		}
		code, out = call(w.amira, "POST", base+"/issue", `{"method": "email", "adviser": "`+DefaultAdviser+`"}`)
		letter, _ := out["letter"].(map[string]any)
		if code != 201 || out["status"] != "issued" || letter == nil || letter["kind"] != "amended_plan" || out["letter_id"] != letter["id"] ||
			!strings.HasPrefix(str2(letter["reasons"]), "The council has amended Leo's EHC plan: The annual review found new needs. The amendments change section J") {
			t.Fatalf("the amended plan and its letter: %d %v", code, out)
		}
		if code, out := call(w.amira, "GET", base, ""); code != 200 || out["amendment"].(map[string]any)["letter_id"] != letter["id"] {
			t.Errorf("the amended plan read back names its letter: %d %v", code, out)
		}
		if code, _ := call(w.amira, "POST", base+"/issue", `{"method": "email", "adviser": "`+DefaultAdviser+`"}`); code != 409 {
			t.Errorf("issued twice: %d", code)
		}

		// Amendments proposed again and withdrawn before their notice: nobody is told.
		if code, out := call(w.amira, "POST", base, `{"reason": "Proposed on the wrong record"}`); code != 201 {
			t.Fatalf("proposed again: %d %v", code, out)
		}
		if code, out := call(w.amira, "POST", base+"/withdraw", `{"reason": ""}`); code != 422 || field(out) != "reason" {
			t.Errorf("a withdrawal with no reason: %d %v", code, out)
		}
		messages := dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox")
		code, out = call(w.amira, "POST", base+"/withdraw", `{"reason": "Proposed on the wrong child's record"}`)
		if wd, _ := out["withdrawn"].(map[string]any); code != 200 || out["status"] != "withdrawn" || wd == nil || wd["decided_on"] != nil || wd["reason"] != "Proposed on the wrong child's record" {
			t.Errorf("the withdrawal: %d %v", code, out)
		}
		if dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox") != messages {
			t.Error("the family was told of amendments they were never sent")
		}
		if code, out := call(w.amira, "POST", base+"/withdraw", `{"reason": "Proposed on the wrong child's record"}`); code != 409 {
			t.Errorf("withdrawn twice: %d %v", code, out)
		}

		// Amendments proposed again, sent, then not made after all (reg 22(4)): the decision and its letter (CFA 2014 s51(2)(e)).
		if code, out := call(w.amira, "POST", base, `{"reason": "A further review of the personal budget"}`); code != 201 {
			t.Fatalf("proposed again: %d %v", code, out)
		}
		if err := plan.SaveSection(context.Background(), d, amira, w.leo, "J", []plan.Item{{Body: "A personal budget for after-school clubs and holiday schemes."}}); err != nil {
			t.Fatal(err)
		}
		if code, out := call(w.amira, "POST", base+"/no-amendment", `{"reasons": "The council will not make these changes after all.", "method": "email", "adviser": "`+DefaultAdviser+`"}`); code != 409 {
			t.Errorf("a decision not to amend before the notice: %d %v", code, out)
		}
		if code, out := call(w.amira, "POST", base+"/notice", `{"method": "post"}`); code != 200 {
			t.Fatalf("the second notice: %d %v", code, out)
		}
		if code, out := call(w.amira, "POST", base+"/withdraw", `{"reason": "Changed our minds after sending them"}`); code != 409 {
			t.Errorf("a quiet withdrawal after the notice: %d %v", code, out)
		}
		if code, out := call(w.amira, "POST", base+"/no-amendment", `{}`); code != 422 || field(out) != "reasons adviser method" {
			t.Errorf("a decision not to amend with nothing: %d %v", code, out)
		}
		code, out = call(w.amira, "POST", base+"/no-amendment", `{"reasons": "Having read your comments, the council will keep the personal budget as it is.", "method": "email", "adviser": "`+DefaultAdviser+`"}`)
		letter, _ = out["letter"].(map[string]any)
		wd, _ := out["withdrawn"].(map[string]any)
		if code != 201 || out["status"] != "withdrawn" || letter == nil || letter["kind"] != "no_amendment" || out["letter_id"] != letter["id"] ||
			wd == nil || wd["decided_on"] != today.String() || wd["by"] != "Amira Hussain" {
			t.Fatalf("the decision not to amend: %d %v", code, out)
		}
		code, out = call(w.sarah, "GET", "/api/v1/family/children/"+w.leo+"/ehc/plan/amendment", "")
		am, _ = out["amendment"].(map[string]any)
		wd, _ = am["withdrawn"].(map[string]any)
		if code != 200 || am["status"] != "withdrawn" || wd == nil || wd["by"] != nil || !strings.Contains(str2(wd["reason"]), "keep the personal budget") || am["letter_id"] != letter["id"] {
			t.Errorf("Sarah reads the decision not to amend: %d %v", code, out)
		}
	})
}
