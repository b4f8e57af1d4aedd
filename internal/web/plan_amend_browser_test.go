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
// of appeal made with it (CFA 2014 s51(2)(c)), and Sarah reads both. Every page, with
// and without errors, is checked with axe-core.
func visitAmend(t *testing.T, srv *browsertest.Server, d *db.DB, email map[string]string) {
	t.Helper()
	var child string
	if err := d.QueryRow(`SELECT pl.child_id FROM ehc_plan_comments c JOIN ehc_plans pl ON pl.id = c.plan_id
		WHERE c.body LIKE 'Please say which days%' ORDER BY c.created_at DESC LIMIT 1`).Scan(&child); err != nil {
		t.Fatalf("visitPlan's child: %v", err)
	}
	today := date.FromTime(time.Now())
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
}
