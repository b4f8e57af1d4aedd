package web

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/plan"
	"joinedup/internal/session"
)

// amendForms is Amira at the amendment forms of Leo's demo plan (plan_amend.go),
// through the real handler without a browser: post sends a form and answers
// the status and the page, page reads the staff plan page.
type amendForms struct {
	t            *testing.T
	h            http.Handler
	d            *db.DB
	w            matrixPeople
	secret, base string
	amira        access.Actor
}

func newAmendForms(t *testing.T, d *db.DB) amendForms {
	t.Helper()
	h, w := matrixServer(t, d)
	secret, _, err := session.Create(context.Background(), d, w.amira, "test", "form", session.StaffTimeouts)
	if err != nil {
		t.Fatal(err)
	}
	amira, err := access.LoadActor(context.Background(), d, w.amira)
	if err != nil {
		t.Fatal(err)
	}
	return amendForms{t: t, h: h, d: d, w: w, secret: secret, base: "/staff/children/" + w.leo + "/ehc/plan", amira: amira}
}

func (f amendForms) do(method, path string, form url.Values) (int, string) {
	f.t.Helper()
	return f.doAs(f.secret, method, f.base+path, form)
}

// doAs sends the request to target with the session secret.
func (f amendForms) doAs(secret, method, target string, form url.Values) (int, string) {
	f.t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
	if method == "POST" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, r)
	return rec.Code, rec.Body.String()
}

func (f amendForms) post(path string, form url.Values) (int, string) { return f.do("POST", path, form) }

func (f amendForms) page() string {
	f.t.Helper()
	code, body := f.do("GET", "", nil)
	if code != 200 {
		f.t.Fatalf("the plan page: %d", code)
	}
	return body
}

// sent proposes amendments to Leo's plan, changes section J and sends the
// notice by email, all through the forms, and moves the notice back by
// days (the family's 15 days pass, as the browser walk does).
func (f amendForms) sent(days int) {
	f.t.Helper()
	if code, body := f.post("/amend", url.Values{"reason": {"The annual review found new needs"}}); code != 303 {
		f.t.Fatalf("proposing amendments: %d %s", code, body)
	}
	if err := plan.SaveSection(context.Background(), f.d, f.amira, f.w.leo, "J", []plan.Item{{Body: "A personal budget for after-school clubs."}}); err != nil {
		f.t.Fatal(err)
	}
	if code, body := f.post("/amend/notice", url.Values{"method": {"email"}}); code != 303 {
		f.t.Fatalf("sending the notice: %d %s", code, body)
	}
	if _, err := f.d.Exec(`UPDATE ehc_events SET event_date = $1 WHERE id = (SELECT am.notice_event_id FROM ehc_plan_amendments am
		JOIN ehc_plans pl ON pl.id = am.plan_id WHERE pl.child_id = $2 AND pl.status = 'editing')`, date.Today(db.Now()).AddDays(-days), f.w.leo); err != nil {
		f.t.Fatal(err)
	}
}

// The form that issues the amended plan sends its decision letter with it
// (CFA 2014 s51(2)(c)): with no mediation adviser the page comes back
// naming the field, the plan and letter unstored; with one, the amended
// plan is issued and the page links to its letter, none left to send by hand.
func TestPlanAmendIssueForm(t *testing.T) {
	d := dbtest.SQLite(t)
	f := newAmendForms(t, d)
	f.sent(15)
	if !strings.Contains(f.page(), `id="adviser"`) {
		t.Error("the issue form does not ask for the letter's mediation adviser")
	}
	letters := dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_letters")
	amended := func() int {
		return dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_letters WHERE kind = 'amended_plan' AND child_id = $1", f.w.leo)
	}
	before := amended()
	code, body := f.post("/amend/issue", url.Values{"method": {"email"}, "adviser": {""}})
	if code != 422 || !strings.Contains(body, `href="#adviser"`) || !strings.Contains(body, "Give the mediation adviser") ||
		dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_letters") != letters {
		t.Errorf("no adviser: %d, or a letter was stored", code)
	}
	if code, body := f.post("/amend/issue", url.Values{"method": {"email"}, "adviser": {DefaultAdviser}}); code != 303 {
		t.Fatalf("issuing the amended plan: %d %s", code, body)
	}
	if page := f.page(); !strings.Contains(page, "Final amended EHC plan") || !strings.Contains(page, "read the decision letter") ||
		strings.Contains(page, "send a decision letter") {
		t.Error("the plan page does not link to the amended plan's letter")
	}
	if n := amended(); n != before+1 {
		t.Errorf("%d letters for the amended plan, want 1", n-before)
	}
}

// The decision not to amend after the notice (reg 22(4)) from the plan page:
// offered once the notice is sent; refused naming its own fields
// (noamend-…), the form open; recorded, it leads to its letter, the staff
// page says what was decided and links to the letter, and Sarah reads in
// plain English that the plan stays as it was, with the reasons and the
// letter saying how to appeal (CFA 2014 s51(2)(e)).
func TestPlanAmendNoAmendForm(t *testing.T) {
	d := dbtest.SQLite(t)
	f := newAmendForms(t, d)
	f.sent(5)
	if page := f.page(); !strings.Contains(page, `action="/staff/children/`+f.w.leo+`/ehc/plan/amend/no-amendment"`) || !strings.Contains(page, "Decide not to amend the plan") {
		t.Fatal("the plan page does not offer the decision not to amend once the notice is sent")
	}
	code, body := f.post("/amend/no-amendment", url.Values{"noamend-reasons": {""}, "noamend-adviser": {DefaultAdviser}})
	if code != 422 || !strings.Contains(body, `href="#noamend-reasons"`) || !strings.Contains(body, `href="#noamend-method"`) || !strings.Contains(body, `id="no-amend-details" open`) {
		t.Errorf("a decision with no reasons or method: %d, want 422 naming both, the form open", code)
	}
	reasons := "Having read your comments, the council will keep the personal budget as it is."
	code, body = f.post("/amend/no-amendment", url.Values{"noamend-reasons": {reasons}, "noamend-method": {"email"}, "noamend-adviser": {DefaultAdviser}})
	if code != 303 {
		t.Fatalf("the decision not to amend: %d %s", code, body)
	}
	page := f.page()
	if !strings.Contains(page, "decided not to make the amendments proposed on") || !strings.Contains(page, "regulation 22(4)") || !strings.Contains(page, "read the decision letter") {
		t.Error("the staff page does not say what was decided, or link to the letter")
	}
	if strings.Contains(page, "Proposed changes to the plan") {
		t.Error("the withdrawn proposal is still shown as proposed")
	}
	secret, _, err := session.Create(context.Background(), d, f.w.sarah, "test", "form", session.FamilyTimeouts)
	if err != nil {
		t.Fatal(err)
	}
	code, family := f.doAs(secret, "GET", "/family/children/"+f.w.leo+"/ehc/plan", nil)
	if code != 200 || !strings.Contains(family, "The plan stays as it was") || !strings.Contains(family, html.EscapeString(reasons)) ||
		!strings.Contains(family, `href="/family/children/`+f.w.leo+`/ehc/letters/`) {
		t.Errorf("Sarah's plan page: %d, does not say the plan stays as it was, the reasons and the letter", code)
	}
	if strings.Contains(family, "Tell us what you think of the proposed changes") {
		t.Error("Sarah is still asked to comment on amendments withdrawn")
	}
}

// Withdrawing proposed amendments before the notice, from the plan page:
// offered while they are unsent; refused naming withdraw-reason, the form
// open; withdrawn, the page says who withdrew them, when and why, and
// offers to propose amendments again. Once sent, the page offers the
// decision not to amend (reg 22(4)) instead, and a withdrawal posted anyway
// is a clear 409.
func TestPlanAmendWithdrawForm(t *testing.T) {
	d := dbtest.SQLite(t)
	f := newAmendForms(t, d)
	if code, body := f.post("/amend", url.Values{"reason": {"The annual review found new needs"}}); code != 303 {
		t.Fatalf("proposing amendments: %d %s", code, body)
	}
	if page := f.page(); !strings.Contains(page, "Withdraw the proposed amendments") {
		t.Fatal("the plan page does not offer to withdraw unsent amendments")
	}
	code, body := f.post("/amend/withdraw", url.Values{"withdraw-reason": {""}})
	if code != 422 || !strings.Contains(body, `href="#withdraw-reason"`) || !strings.Contains(body, "Say why the proposed amendments are withdrawn") {
		t.Errorf("a withdrawal with no reason: %d, want 422 naming it", code)
	}
	if code, body := f.post("/amend/withdraw", url.Values{"withdraw-reason": {"Proposed on the wrong child's record"}}); code != 303 {
		t.Fatalf("withdrawing: %d %s", code, body)
	}
	page := f.page()
	if !strings.Contains(page, "were withdrawn by Amira Hussain on") || !strings.Contains(page, "Proposed on the wrong child&#39;s record") || !strings.Contains(page, `id="start-amend"`) {
		t.Error("the page does not say the amendments were withdrawn, by whom and why, or offer to propose again")
	}
	f.sent(3)
	if page := f.page(); strings.Contains(page, "Withdraw the proposed amendments") || !strings.Contains(page, "Decide not to amend the plan") {
		t.Error("once sent, the page still offers a quiet withdrawal, or not the decision not to amend")
	}
	if code, _ := f.post("/amend/withdraw", url.Values{"withdraw-reason": {"Changed our minds after sending them"}}); code != 409 {
		t.Errorf("a withdrawal after the notice: %d, want 409", code)
	}
}
