package web_test

import (
	"strings"
	"testing"
	"time"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/web/browsertest"
)

// visitAmend amends the final plan visitPlan issued, in a real browser
// (issue 4, point 4; SEND Regulations 2014 reg 22): Amira is refused
// amendments with no reason, proposes them, is refused a notice that changes
// nothing and names no method, adds provision to section F and sends the
// notice by post, and is refused the amended plan within the family's 15
// days (R15, reg 22(2)(c)); Sarah sees the change in section F and
// comments on it; after the 15 days (the events are moved back, as visitPlan
// does) Amira issues the amended plan, its decision letter with the right
// of appeal made with it (CFA 2014 s51(2)(c)), and Sarah reads both. Then
// amendments proposed again are withdrawn before their notice (refused
// first with no reason), and a third set, sent, is not made after all (reg
// 22(4)): refused first with no reasons or method, then recorded with its
// letter (CFA 2014 s51(2)(e)); Amira and Sarah read the decision on the plan
// page, and Sarah on her case page. Every page, with
// and without errors, is checked with axe-core.
func visitAmend(t *testing.T, srv *browsertest.Server, d *db.DB, email map[string]string) {
	t.Helper()
	var child string
	if err := d.QueryRow(`SELECT pl.child_id FROM ehc_plan_comments c JOIN ehc_plans pl ON pl.id = c.plan_id
		WHERE c.body LIKE 'Please say which days%' ORDER BY c.created_at DESC LIMIT 1`).Scan(&child); err != nil {
		t.Fatalf("visitPlan's child: %v", err)
	}
	today := date.Today(time.Now())
	words := func(d date.Date) string { return d.Time().Format("2 January 2006") }
	axe := func(tab *browsertest.Tab, what string) {
		t.Helper()
		for _, v := range tab.Axe(t) {
			t.Errorf("%s: %s", what, v)
		}
	}
	summary := func(tab *browsertest.Tab, what string, want ...string) {
		t.Helper()
		msg, _ := tab.Text(t, ".govuk-error-summary")
		for _, w := range want {
			if tab.Status != 422 || !strings.Contains(msg, w) {
				t.Errorf("%s: %d, summary %q, want %q", what, tab.Status, msg, w)
			}
		}
		axe(tab, what)
	}
	main := func(tab *browsertest.Tab, what string, want ...string) {
		t.Helper()
		text, _ := tab.Text(t, "main")
		for _, w := range want {
			if tab.Status != 200 || !strings.Contains(text, w) {
				t.Errorf("%s: %d at %s, want %q in %q", what, tab.Status, tab.URL, w, text)
			}
		}
		axe(tab, what)
	}
	staffPlan := srv.URL + "/staff/children/" + child + "/ehc/plan"
	familyPlan := srv.URL + "/family/children/" + child + "/ehc/plan"

	a := browsertest.NewBrowser(t)
	a.SignInAsDemo(t, srv.URL, email["Amira Hussain"])
	tab := a.Open(t, staffPlan)
	tab.Submit(t, "#start-amend")
	summary(tab, "amendments with no reason", "Say why the plan is to be amended")
	tab.Fill(t, "#reason", "The annual review found she also needs help with reading")
	tab.Submit(t, "#start-amend")
	main(tab, "the amendments proposed", "Proposed amendments to the EHC plan", "Nothing has been changed from the final plan yet")
	tab.Submit(t, `form[action$="/plan/amend/notice"] button`)
	summary(tab, "a notice that changes nothing", "change nothing in the final plan", "Choose how the proposed amendments are sent")
	tab = a.Open(t, staffPlan+"/sections/F")
	tab.Fill(t, "#F-1-body", "Structured literacy programme")
	tab.Fill(t, "#F-1-who", "Specialist teacher")
	tab.Fill(t, "#F-1-often", "2 sessions a week, 30 minutes")
	tab.Fill(t, "#F-1-long", "One school year")
	tab.Submit(t, `button[value="save"]`)
	main(tab, "section F changed", "Put in:", "Structured literacy programme (who: Specialist teacher")
	tab.Check(t, "#method-1") // by post
	tab.Submit(t, `form[action$="/plan/amend/notice"] button`)
	main(tab, "the notice sent", "Sent to the family on "+words(today), "can be issued from "+words(today.AddDays(15)),
		"must be issued by "+words(today.AddDays(56)))
	tab.Check(t, "#method")
	tab.Submit(t, `form[action$="/plan/amend/issue"] button`)
	summary(tab, "the amended plan within the 15 days", "cannot be issued before "+words(today.AddDays(15)))

	s := browsertest.NewBrowser(t)
	s.SignInAsDemo(t, srv.URL, email["Sarah Bennett"])
	tab = s.Open(t, familyPlan)
	main(tab, "Sarah reads the proposed changes", "Proposed changes to the plan", "Section F", "Structured literacy programme",
		"Tell us what you think of the proposed changes", "before "+words(today.AddDays(15)))
	tab.Fill(t, "#section", "F")
	tab.Fill(t, "#comment", "Which days will the literacy sessions be?")
	tab.Submit(t, `form[action$="/plan/comments"] button`)
	main(tab, "Sarah's comment on the amendments", "Which days will the literacy sessions be?")

	// The family's 15 days pass: the case's plan events are moved back, keeping their order and R5's 15 days.
	for typ, days := range map[string]int{"draft_plan_issued": -31, "final_plan_issued": -16, "amendment_notice": -15} {
		if _, err := d.Exec(`UPDATE ehc_events SET event_date = $1 WHERE type = $2 AND case_id = (SELECT id FROM ehc_cases WHERE child_id = $3)`,
			today.AddDays(days), typ, child); err != nil {
			t.Fatal(err)
		}
	}
	tab = a.Open(t, staffPlan)
	main(tab, "Amira sees Sarah's comment", "Which days will the literacy sessions be?", "can be issued from "+words(today))
	tab.Check(t, "#method")
	tab.Submit(t, `form[action$="/plan/amend/issue"] button`)
	main(tab, "the amended plan issued with its letter", "Final amended EHC plan", "Structured literacy programme", "read the decision letter")
	main(s.Open(t, familyPlan), "Sarah reads the amended plan and is pointed to its letter", "Final amended EHC plan", "Structured literacy programme",
		"read the decision letter")

	// Amendments proposed again and withdrawn before their notice: nobody is told.
	tab = a.Open(t, staffPlan)
	tab.Fill(t, "#reason", "Proposed in error: the review asked for no change")
	tab.Submit(t, "#start-amend")
	main(tab, "amendments proposed again", "Proposed amendments to the EHC plan", "Withdraw the proposed amendments")
	tab.Check(t, "#withdraw-details summary")
	tab.Submit(t, "#withdraw-amend")
	summary(tab, "a withdrawal with no reason", "Say why the proposed amendments are withdrawn")
	tab.Fill(t, "#withdraw-reason", "Proposed in error: the review asked for no change")
	tab.Submit(t, "#withdraw-amend")
	main(tab, "the amendments withdrawn", "were withdrawn by Amira Hussain on "+words(today), "Proposed in error", "Propose amendments")

	// Amendments proposed, sent, and not made after all (reg 22(4)): the family is told why, with the letter (CFA 2014 s51(2)(e)).
	tab.Fill(t, "#reason", "The family asked for more speech and language therapy")
	tab.Submit(t, "#start-amend")
	tab = a.Open(t, staffPlan+"/sections/F")
	tab.Fill(t, "#F-2-body", "Extra speech and language therapy sessions")
	tab.Fill(t, "#F-2-who", "Speech and language therapist")
	tab.Fill(t, "#F-2-often", "Weekly, 30 minutes")
	tab.Fill(t, "#F-2-long", "One term")
	tab.Submit(t, `button[value="save"]`)
	main(tab, "section F changed again", "Extra speech and language therapy sessions")
	tab.Check(t, "#method")
	tab.Submit(t, `form[action$="/plan/amend/notice"] button`)
	main(tab, "the second notice sent", "Sent to the family on "+words(today), "Decide not to amend the plan")
	tab.Check(t, "#no-amend-details summary")
	tab.Submit(t, "#no-amend-decide")
	summary(tab, "a decision not to amend with no reasons or method", "Give the reasons for the decision", "Choose how the letter is sent")
	tab.Fill(t, "#noamend-reasons", "The therapist's report shows the current sessions are meeting his needs, so the council will keep the plan as it is.")
	tab.Check(t, "#noamend-method")
	tab.Submit(t, "#no-amend-decide")
	main(tab, "the decision's letter", "not to amend the EHC plan")
	main(a.Open(t, staffPlan), "Amira reads the decision on the plan", "decided not to make the amendments proposed on "+words(today), "regulation 22(4)",
		"read the decision letter", "Final amended EHC plan")
	main(s.Open(t, familyPlan), "Sarah reads that the plan stays as it was", "The plan stays as it was", "current sessions are meeting his needs",
		"read the decision letter", "Final amended EHC plan")
	main(s.Open(t, srv.URL+"/family/children/"+child+"/ehc"), "Sarah's case page", "Decision not to amend the plan")
}
