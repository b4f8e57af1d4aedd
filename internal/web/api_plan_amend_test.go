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
// team's coordinator gets 404.
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
		if code, out := call(w.amira, "POST", base+"/issue", `{"method": "email"}`); code != 422 || field(out) != "issued" {
			t.Errorf("the amended plan within the 15 days: %d %v", code, out)
		}
		code, out = call(w.sarah, "GET", "/api/v1/family/children/"+w.leo+"/ehc/plan/amendment", "")
		am, _ := out["amendment"].(map[string]any)
		if code != 200 || am == nil || am["status"] != "sent" || !strings.Contains(str2(list(list(am["changes"])[0].(map[string]any)["added"])[0]), "after-school clubs") {
			t.Errorf("Sarah reads the proposed change: %d %v", code, out)
		}
	})
}
