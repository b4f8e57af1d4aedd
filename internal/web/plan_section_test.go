package web

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/plan"
	"joinedup/internal/session"
)

// Section I's form follows the Children and Families Act 2014: for a draft
// it says section I stays empty (s38(5)) and offers no type, no school and
// nothing to save, and a type posted anyway is refused with plan.Check's
// words and nothing stored; for the final plan it offers the type and the
// school, and a type alone is saved and shown as the plan's section I, the
// name left out (s40(2)).
func TestPlanSectionIForm(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h, w := matrixServer(t, d)
		amira, err := access.LoadActor(ctx, d, w.amira)
		if err != nil {
			t.Fatal(err)
		}
		var child string
		if err := d.QueryRow(`SELECT c.id FROM children c WHERE c.sen_provision = 'sen_support' AND c.young_person_decides_from IS NULL
			AND NOT EXISTS (SELECT 1 FROM ehc_cases k WHERE k.child_id = c.id)
			AND NOT EXISTS (SELECT 1 FROM care_team ct LEFT JOIN organisations o ON o.id = ct.organisation_id
				WHERE ct.child_id = c.id AND (ct.person_id IS NOT NULL OR o.kind = 'nhs_team'))
			AND c.id NOT IN ($1, $2, $3, $4, $5) ORDER BY c.id LIMIT 1`, w.leo, w.stranger, w.revoked, w.withdrawn, w.glass).Scan(&child); err != nil {
			t.Fatal(err)
		}
		if err := d.Transact(ctx, func(tx *sql.Tx) error {
			start := db.Now().Add(-24 * time.Hour)
			if _, err := access.AddLink(ctx, tx, access.Link{ChildID: child, OrganisationID: amira.OrganisationID, Reason: access.Owner,
				Purpose: "EHC needs assessment casework", GrantedBy: "test", StartsAt: start}); err != nil {
				return err
			}
			_, err := access.AddLink(ctx, tx, access.Link{ChildID: child, PersonID: w.amira, Reason: access.Allocated,
				Purpose: access.NamedContact, GrantedBy: "test", StartsAt: start})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		today := date.Today(db.Now())
		for _, in := range []casework.Input{{Type: "request_received", Date: today.AddDays(-60), Code: "parent", Channel: "letter"},
			{Type: "assessment_decision", Date: today.AddDays(-40), Code: "assess"}} {
			if _, err := casework.Add(ctx, d, amira, child, in); err != nil {
				t.Fatal(err)
			}
		}
		secret, _, err := session.Create(ctx, d, w.amira, "test", "section I", session.StaffTimeouts)
		if err != nil {
			t.Fatal(err)
		}
		send := func(method, path string, form url.Values) (int, string) {
			t.Helper()
			r := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
			if method == http.MethodPost {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			return rec.Code, rec.Body.String()
		}
		base := "/staff/children/" + child + "/ehc/plan"
		if _, err := plan.Start(ctx, d, amira, child, plan.Draft); err != nil {
			t.Fatal(err)
		}
		code, body := send("GET", base+"/sections/I", nil)
		if code != 200 || !strings.Contains(body, "Section I stays empty in a draft plan") || !strings.Contains(body, "section 38(5)") ||
			strings.Contains(body, `id="type"`) || strings.Contains(body, `id="setting"`) || strings.Contains(body, `value="save"`) {
			t.Errorf("section I of a draft: %d\n%s", code, body)
		}
		code, body = send("POST", base+"/sections/I", url.Values{"type": {"Special school"}})
		if code != 422 || !strings.Contains(body, "must not name a school or other institution or specify a type of one") {
			t.Errorf("a type posted for a draft: %d\n%s", code, body)
		}
		if v, err := plan.Get(ctx, d, amira, child, access.CaseView); err != nil || v.Working().PlacementType != "" {
			t.Errorf("a refused type was stored: %v", err)
		}
		if _, body := send("GET", base, nil); !strings.Contains(body, "Left empty in a draft plan") {
			t.Errorf("the draft's section I on the plan page:\n%s", body)
		}

		// The final plan: the type and the school offered; a type alone saved and shown.
		for code, items := range map[string][]plan.Item{
			"B": {{Body: "Speech, language and communication needs"}},
			"E": {{Body: "Follows three-step instructions", ByWhen: today.AddDays(200), Steps: "Two-step first"}},
			"F": {{Body: "Language group", Who: "Teaching assistant", HowOften: "3 times a week", HowLong: "A year"}},
		} {
			if err := plan.SaveSection(ctx, d, amira, child, code, items); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := plan.IssueDraft(ctx, d, amira, child, "email"); err != nil {
			t.Fatal(err)
		}
		if _, err := plan.Start(ctx, d, amira, child, plan.Final); err != nil {
			t.Fatal(err)
		}
		code, body = send("GET", base+"/sections/I", nil)
		if code != 200 || !strings.Contains(body, `id="type"`) || !strings.Contains(body, `id="setting"`) || strings.Contains(body, "stays empty in a draft") {
			t.Errorf("section I of the final plan: %d\n%s", code, body)
		}
		if code, body = send("POST", base+"/sections/I", url.Values{"type": {"Special school"}, "setting": {""}}); code != http.StatusSeeOther {
			t.Errorf("a type alone for the final plan: %d\n%s", code, body)
		}
		if _, body = send("GET", base, nil); !strings.Contains(body, "Special school") || !strings.Contains(body, "Not named: the plan gives the type of school or other institution") {
			t.Errorf("the final plan's section I of a type only on the plan page:\n%s", body)
		}
	})
}
