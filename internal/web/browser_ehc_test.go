package web_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/web/browsertest"
)

// One EHC needs assessment from request to final plan, recorded in a real
// browser by the coordinator (request by letter → decision to assess →
// advice asked and received → draft → final), refused once on the way
// (a review before the final plan, reg 18), and seen by the parent; the
// draft and the final plan themselves are the plan page's (the form does
// not offer them), so they are loaded as a past case's are; the
// manager sees it in the team view. Every page is checked with axe-core.
func TestEHCLifecycleInABrowser(t *testing.T) {
	srv, d, email, leo := startTinyDemo(t)
	// Start Leo afresh: whatever history the demo gave him, this test records its own.
	plans := "SELECT id FROM ehc_plans WHERE child_id = $1"
	for _, q := range []string{"DELETE FROM ehc_plan_items WHERE plan_id IN (" + plans + ")", "DELETE FROM ehc_plan_comments WHERE plan_id IN (" + plans + ")",
		"DELETE FROM ehc_plan_settings WHERE plan_id IN (" + plans + ")", "DELETE FROM ehc_plans WHERE child_id = $1",
		"DELETE FROM ehc_events WHERE case_id IN (SELECT id FROM ehc_cases WHERE child_id = $1)", "DELETE FROM ehc_cases WHERE child_id = $1"} {
		if _, err := d.Exec(q, leo); err != nil {
			t.Fatal(err)
		}
	}
	today := time.Now()
	ago := func(days int) time.Time { return today.AddDate(0, 0, -days) }
	base := srv.URL + "/staff/children/" + leo + "/ehc"

	amira := browsertest.NewBrowser(t)
	amira.SignInAsDemo(t, srv.URL, email["Amira Hussain"])
	amira.CheckPage(t, base, 200)
	tab := amira.Open(t, base)
	if text, _ := tab.Text(t, "main"); !strings.Contains(text, "no EHC needs assessment or plan") {
		t.Fatalf("Leo's case before any request: %q", text)
	}

	fillDate := func(tab *browsertest.Tab, name string, day time.Time) {
		tab.Fill(t, "#"+name, strconv.Itoa(day.Day()))
		tab.Fill(t, "#"+name+"-month", strconv.Itoa(int(day.Month())))
		tab.Fill(t, "#"+name+"-year", strconv.Itoa(day.Year()))
	}
	record := func(typ string, day time.Time, fill func(tab *browsertest.Tab)) *browsertest.Tab {
		t.Helper()
		tab := amira.Open(t, base+"/record")
		tab.Check(t, `input[name="type"][value="`+typ+`"]`)
		tab.Submit(t, `form[action$="/ehc/record"][method="get"] button`)
		if tab.Status != 200 {
			t.Fatalf("choosing %s: %d", typ, tab.Status)
		}
		fillDate(tab, "date", day)
		if fill != nil {
			fill(tab)
		}
		tab.Submit(t, `form[action$="/ehc/record"][method="post"] button`)
		return tab
	}
	done := func(tab *browsertest.Tab, what string) {
		t.Helper()
		if tab.Status != 200 || !strings.HasSuffix(tab.URL, "/ehc") {
			text, _ := tab.Text(t, "main")
			t.Fatalf("recording %s: landed on %s (%d): %s", what, tab.URL, tab.Status, text)
		}
	}

	// An empty request first: the form says what is missing, accessibly.
	tab = amira.Open(t, base+"/record?type=request_received")
	for _, v := range tab.Axe(t) {
		t.Errorf("request form: %s", v)
	}
	tab.Submit(t, `form[action$="/ehc/record"][method="post"] button`)
	if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 422 || msg == "" {
		t.Errorf("an empty request: %d, summary %q", tab.Status, msg)
	}
	for _, v := range tab.Axe(t) {
		t.Errorf("request form with errors: %s", v)
	}

	done(record("request_received", ago(120), func(tab *browsertest.Tab) {
		tab.Check(t, `input[name="code"][value="parent"]`)
		tab.Check(t, `input[name="channel"][value="letter"]`)
		tab.Fill(t, "#note", "Letter from Leo's mother asking for an assessment of his communication needs")
	}), "the request")
	done(record("assessment_decision", ago(90), func(tab *browsertest.Tab) { tab.Check(t, `input[name="code"][value="assess"]`) }), "the decision")
	done(record("advice_requested", ago(89), func(tab *browsertest.Tab) { tab.Fill(t, "#contributor", "Educational psychology") }), "the advice request")
	done(record("advice_received", ago(60), func(tab *browsertest.Tab) { tab.Fill(t, "#contributor", "Educational psychology") }), "the advice")

	tab = record("review_meeting", ago(30), nil)
	if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 422 || !strings.Contains(msg, "Needs a final plan issued on or before its date") {
		t.Errorf("a review before the final plan: %d, summary %q", tab.Status, msg)
	}
	for _, v := range tab.Axe(t) {
		t.Errorf("review form with errors: %s", v)
	}
	// The draft and the final plan are issued from the plan page, with the
	// plan and its letter (plan_browser_test.go): the form does not offer
	// them. Leo's are loaded as a past case's are, through casework.AddIn.
	if text, _ := amira.Open(t, base+"/record").Text(t, "main"); strings.Contains(text, "Final EHC plan issued") || strings.Contains(text, "Draft EHC plan issued") {
		t.Errorf("the event form offers the plan's own events: %q", text)
	}
	var amiraID string
	if err := d.QueryRow("SELECT id FROM people WHERE email = $1", email["Amira Hussain"]).Scan(&amiraID); err != nil {
		t.Fatal(err)
	}
	actor, err := access.LoadActor(context.Background(), d, amiraID)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Transact(context.Background(), func(tx *sql.Tx) error {
		for _, in := range []casework.Input{{Type: "draft_plan_issued", Date: date.FromTime(ago(40))}, {Type: "final_plan_issued", Date: date.FromTime(ago(20))}} {
			if _, err := casework.AddIn(context.Background(), d, tx, actor, leo, in); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	tab = amira.Open(t, base)
	done(tab, "the final plan")
	text, _ := tab.Text(t, "main")
	for _, want := range []string{"EHC plan in place", "reg 5(1)-(3)", "reg 8(1)", "reg 13(2)", "Met", "Educational psychology", "Amira Hussain"} {
		if !strings.Contains(text, want) {
			t.Errorf("the case page after the final plan does not say %q", want)
		}
	}
	for _, v := range tab.Axe(t) {
		t.Errorf("the case page: %s", v)
	}
	amira.CheckPage(t, srv.URL+"/staff/ehc", 200)
	amira.CheckPage(t, srv.URL+"/staff/ehc?due=week", 200)

	daniel := browsertest.NewBrowser(t)
	daniel.SignInAsDemo(t, srv.URL, email["Daniel Okafor"])
	daniel.CheckPage(t, srv.URL+"/staff/ehc", 200)
	// Leo's next date is his first annual review, a year away: a later page.
	listed := false
	for n := 1; n <= 10 && !listed; n++ {
		text, _ := daniel.Open(t, srv.URL+"/staff/ehc?page="+strconv.Itoa(n)).Text(t, "main")
		for _, line := range strings.Split(text, "\n") {
			listed = listed || strings.Contains(line, "Leo Bennett") && strings.Contains(line, "Amira Hussain")
		}
		if !strings.Contains(text, "Next") {
			break
		}
	}
	if !listed {
		t.Errorf("the manager's team view does not list Leo with his coordinator on any page")
	}
	daniel.CheckPage(t, srv.URL+"/staff/ehc?coordinator="+amiraID+"&due=week", 200)
	if text, _ := daniel.Open(t, srv.URL+"/staff/ehc?coordinator="+amiraID).Text(t, "main"); !strings.Contains(text, "Leo Bennett") || !strings.Contains(text, "one named contact") {
		t.Errorf("the manager's view of Amira's cases does not list Leo")
	}

	sarah := browsertest.NewBrowser(t)
	sarah.SignInAsDemo(t, srv.URL, email["Sarah Bennett"])
	sarah.CheckPage(t, srv.URL+"/family/children/"+leo+"/ehc", 200)
	text, _ = sarah.Open(t, srv.URL+"/family/children/"+leo+"/ehc").Text(t, "main")
	for _, want := range []string{"EHC plan in place", "Amira Hussain", "Review the EHC plan", "CFA s44(1)", "Final plan issued"} {
		if !strings.Contains(text, want) {
			t.Errorf("Sarah's page does not say %q: %s", want, text)
		}
	}
}
