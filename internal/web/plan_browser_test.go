package web_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/advice"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/web/browsertest"
)

// visitPlan is the EHC plan's whole lifecycle in a real browser (issue 4,
// point 3), as part of TestSignedInPagesInABrowser. For a child whose
// assessment is under way and whose speech and language therapy advice came
// back, with Sarah Bennett as a parent: Amira starts the draft from the
// advice, is refused an incomplete draft (sections B, E and F, reg 12 [to
// verify]) and a date that does not exist, writes the sections and issues
// the draft by post, its section I form saying a draft leaves it empty (CFA
// 2014 s38(5)); Sarah reads it, is refused an empty comment and a
// request naming no school, then comments and asks for a school; Amira
// records consulting it; after the family's 15 days (R5, reg 13(1)) she is
// refused a final plan with section I empty (s40(2)), names the school and
// issues the final plan; Sarah reads it and Daniel, the manager, reads it. Every page, with
// and without errors, is checked with axe-core. It returns the routes visited.
func visitPlan(t *testing.T, srv *browsertest.Server, d *db.DB, email map[string]string) []string {
	t.Helper()
	ctx := context.Background()
	id := func(q string, args ...any) string {
		t.Helper()
		var s string
		if err := d.QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	actor := func(name string) access.Actor {
		a, err := access.LoadActor(ctx, d, id("SELECT id FROM people WHERE email = $1", email[name]))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	amira, tom := actor("Amira Hussain"), actor("Tom Nguyen")
	sarahID := id("SELECT id FROM people WHERE email = $1", email["Sarah Bennett"])
	child := assessedChild(t, d, amira, sarahID)
	school, schoolName := id("SELECT id FROM organisations WHERE kind = 'school' ORDER BY name, id LIMIT 1"), ""
	schoolName = id("SELECT name FROM organisations WHERE id = $1", school)
	today := date.Today(time.Now())
	r, err := advice.Ask(ctx, d, amira, child, advice.RequestInput{TeamID: tom.TeamID, Question: "Advice on speech, language and communication needs",
		Consent: "The mother agreed by phone", Sent: today.AddDays(-38)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := advice.Submit(ctx, d, tom, r.ID, advice.SubmissionInput{Statements: []advice.Statement{
		{Section: advice.Need, Body: "Finds it hard to follow instructions of more than two steps", Source: "Speech and language assessment"},
		{Section: advice.Provision, Body: "Direct therapy on following instructions", Who: "Speech and language therapist",
			HowOften: "30 minutes weekly", HowLong: "Two school terms", Source: "Speech and language assessment"},
		{Section: advice.Outcome, Body: "Follows three-step instructions in class", Source: "Agreed with the class teacher"},
		{Section: advice.View, Body: "Likes pictures with instructions", Source: "Conversation with the child"},
	}}); err != nil {
		t.Fatal(err)
	}
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
	}
	fillDate := func(tab *browsertest.Tab, name string, day date.Date) {
		t.Helper()
		tab.Fill(t, "#"+name, strconv.Itoa(day.Day()))
		tab.Fill(t, "#"+name+"-month", strconv.Itoa(int(day.Month())))
		tab.Fill(t, "#"+name+"-year", strconv.Itoa(day.Year()))
	}
	staffPlan := srv.URL + "/staff/children/" + child + "/ehc/plan"
	familyPlan := srv.URL + "/family/children/" + child + "/ehc/plan"

	a := browsertest.NewBrowser(t)
	a.SignInAsDemo(t, srv.URL, email["Amira Hussain"])
	a.CheckPage(t, staffPlan, 200)
	tab := a.Open(t, staffPlan)
	tab.Submit(t, "#start-draft")
	main(tab, "the draft from the advice", "From the "+r.Team+" advice", "Direct therapy on following instructions", "Draft EHC plan (version 1)")
	axe(tab, "the draft being written")
	tab.Submit(t, `form[action$="/plan/issue"] button`)
	summary(tab, "an empty draft issued", "Section B", "Section E", "Section F", "how the plan is sent")
	a.CheckPage(t, staffPlan+"/sections/B", 200)
	tab = a.Open(t, staffPlan+"/sections/B")
	tab.Fill(t, "#B-0-body", "Speech, language and communication needs: understanding instructions of more than two steps")
	tab.Submit(t, `button[value="save"]`)
	main(tab, "section B saved", "understanding instructions")
	tab = a.Open(t, staffPlan+"/sections/E")
	tab.Fill(t, "#E-0-body", "Follows three-step instructions in class")
	tab.Fill(t, "#E-0-steps", "Two-step instructions by Easter, three-step by the summer")
	tab.Fill(t, "#E-0-by", "31")
	tab.Fill(t, "#E-0-by-month", "2")
	tab.Fill(t, "#E-0-by-year", strconv.Itoa(today.Year()+1))
	tab.Submit(t, `button[value="save"]`)
	summary(tab, "an outcome by a day that does not exist", "no day 31")
	fillDate(tab, "E-0-by", today.AddDays(200))
	tab.Submit(t, `button[value="add"]`)
	if _, ok := tab.Text(t, "label[for='E-1-body']"); tab.Status != 200 || !ok {
		t.Errorf("save and add another row: %d, no second row", tab.Status)
	}
	tab = a.Open(t, staffPlan+"/sections/F")
	tab.Fill(t, "#F-0-body", "Small-group language sessions")
	tab.Fill(t, "#F-0-who", "Teaching assistant trained by the therapist")
	tab.Fill(t, "#F-0-often", "3 times a week, 20 minutes")
	tab.Fill(t, "#F-0-long", "Until the annual review")
	tab.Submit(t, `button[value="save"]`)
	// A draft's section I stays empty: the form says so and offers nothing to fill in or save.
	tab = a.Open(t, staffPlan+"/sections/I")
	main(tab, "section I of a draft", "Section I stays empty in a draft plan", "section 38(5)")
	if _, ok := tab.Text(t, "#type"); ok {
		t.Error("section I of a draft offers a type")
	}
	if _, ok := tab.Text(t, `button[value="save"]`); ok {
		t.Error("section I of a draft offers to save")
	}
	axe(tab, "section I of a draft")
	tab = a.Open(t, staffPlan)
	tab.Check(t, "#method-1") // by post
	tab.Submit(t, `form[action$="/plan/issue"] button`)
	main(tab, "the draft issued", "Issued on", "counts as received on")

	s := browsertest.NewBrowser(t)
	s.SignInAsDemo(t, srv.URL, email["Sarah Bennett"])
	s.CheckPage(t, familyPlan, 200)
	tab = s.Open(t, familyPlan)
	main(tab, "Sarah reads the draft", "Small-group language sessions", "Left empty in a draft plan")
	tab.Fill(t, "#section", "F")
	tab.Submit(t, `form[action$="/plan/comments"] button`)
	summary(tab, "an empty comment", "Write your comment")
	tab.Fill(t, "#comment", "Please say which days the sessions happen.")
	tab.Submit(t, `form[action$="/plan/comments"] button`)
	main(tab, "Sarah's comment", "Please say which days")
	tab.Submit(t, `form[action$="/plan/settings"] button`)
	summary(tab, "a setting request naming none", "Choose a school or college")
	tab.Fill(t, "#setting-choice", school)
	tab.Fill(t, "#reason", "It is near home.")
	tab.Submit(t, `form[action$="/plan/settings"] button`)
	main(tab, "Sarah asks for the school", "Asked for "+schoolName)

	tab = a.Open(t, staffPlan)
	main(tab, "Amira sees the comment and the request", "Please say which days", "Asked for "+schoolName)
	fillDate(tab, "c0-sent", today)
	tab.Submit(t, `form[action*="/plan/settings/"] button`)
	main(tab, "the consultation recorded", "its answer is due by "+today.AddDays(15).Time().Format("2 January 2006"))
	// The family's 15 days pass: the draft (on the clock and the plan) is moved back 15 days.
	for _, q := range []string{`UPDATE ehc_events SET event_date = $1 WHERE type = 'draft_plan_issued'
		AND case_id = (SELECT id FROM ehc_cases WHERE child_id = $2)`, "UPDATE ehc_plans SET issued_on = $1 WHERE child_id = $2"} {
		if _, err := d.Exec(q, today.AddDays(-15), child); err != nil {
			t.Fatal(err)
		}
	}
	tab = a.Open(t, staffPlan)
	tab.Submit(t, "#start-final")
	tab.Check(t, "#method")
	tab.Submit(t, `form[action$="/plan/issue"] button`)
	summary(tab, "a final plan with section I empty", "must name the school or other institution, or specify its type", "s40(2)")
	a.CheckPage(t, staffPlan+"/sections/I", 200)
	tab = a.Open(t, staffPlan+"/sections/I")
	tab.Fill(t, "#type", "Mainstream primary school")
	tab.Fill(t, "#setting", school)
	tab.Submit(t, `button[value="save"]`)
	tab.Check(t, "#method")
	tab.Submit(t, `form[action$="/plan/issue"] button`)
	main(tab, "the final plan issued", "Final EHC plan", schoolName, "read the decision letter")
	tab.Submit(t, `a[href*="/ehc/letters/"]`)
	main(tab, "the final plan's letter, sent with it", "to issue the final EHC plan", "Kingsbridge SEND Mediation Service")

	s.CheckPage(t, familyPlan, 200)
	tab = s.Open(t, familyPlan)
	main(tab, "Sarah reads the final plan", "Final EHC plan", schoolName, "read the decision letter")
	tab.Submit(t, `a[href*="/ehc/letters/"]`)
	main(tab, "Sarah reads the final plan's letter", "to issue the final EHC plan")
	dn := browsertest.NewBrowser(t)
	dn.SignInAsDemo(t, srv.URL, email["Daniel Okafor"])
	dn.CheckPage(t, staffPlan, 200)
	main(dn.Open(t, staffPlan), "Daniel reads the plan", "Final EHC plan", "Small-group language sessions")
	return []string{"GET /staff/children/{id}/ehc/plan", "GET /staff/children/{id}/ehc/plan/sections/{section}", "GET /family/children/{id}/ehc/plan"}
}

// assessedChild is a child on SEN support nobody was linked to, now Amira's
// to coordinate with Sarah Bennett as a parent, whose request came 60 days
// ago and whose assessment the council decided on 40 days ago.
func assessedChild(t *testing.T, d *db.DB, amira access.Actor, sarahID string) string {
	t.Helper()
	ctx := context.Background()
	var child string
	if err := d.QueryRow(`SELECT c.id FROM children c WHERE c.sen_provision = 'sen_support' AND c.young_person_decides_from IS NULL
		AND NOT EXISTS (SELECT 1 FROM ehc_cases k WHERE k.child_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM care_team ct LEFT JOIN organisations o ON o.id = ct.organisation_id
			WHERE ct.child_id = c.id AND (ct.person_id IS NOT NULL OR o.kind = 'nhs_team')) ORDER BY c.id DESC LIMIT 1`).Scan(&child); err != nil {
		t.Fatal(err)
	}
	if err := d.Transact(ctx, func(tx *sql.Tx) error {
		start := time.Now().Add(-24 * time.Hour)
		if _, err := access.AddLink(ctx, tx, access.Link{ChildID: child, OrganisationID: amira.OrganisationID, Reason: access.Owner,
			Purpose: "EHC needs assessment casework", GrantedBy: "test", StartsAt: start}); err != nil {
			return err
		}
		if _, err := access.AddLink(ctx, tx, access.Link{ChildID: child, PersonID: amira.PersonID, Reason: access.Allocated,
			Purpose: access.NamedContact, GrantedBy: "test", StartsAt: start}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO family_links (child_id, person_id, relationship, parental_responsibility, lives_with_child)
			VALUES ($1, $2, 'mother', $3, $3)`, child, sarahID, true)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	today := date.Today(time.Now())
	for _, in := range []casework.Input{{Type: "request_received", Date: today.AddDays(-60), Code: "parent", Channel: "letter"},
		{Type: "assessment_decision", Date: today.AddDays(-40), Code: "assess"}} {
		if _, err := casework.Add(ctx, d, amira, child, in); err != nil {
			t.Fatal(err)
		}
	}
	return child
}

// visitNoPlan is the decision not to issue a plan from the plan page (rule
// R4: within 16 weeks of the request, SEND Regulations 2014 reg 10), as part
// of TestSignedInPagesInABrowser: for a child whose assessment is under way,
// Amira is refused a decision with no reasons or method, then records it
// with its reasons by post; she lands on its decision letter with the right
// of appeal (CFA 2014 s51(2)(b)), and the plan page says no plan will be
// issued and offers nothing more to do. Every page is checked with axe-core.
func visitNoPlan(t *testing.T, srv *browsertest.Server, d *db.DB, email map[string]string) {
	t.Helper()
	var amiraID, sarahID string
	for name, id := range map[string]*string{"Amira Hussain": &amiraID, "Sarah Bennett": &sarahID} {
		if err := d.QueryRow("SELECT id FROM people WHERE email = $1", email[name]).Scan(id); err != nil {
			t.Fatal(err)
		}
	}
	amira, err := access.LoadActor(context.Background(), d, amiraID)
	if err != nil {
		t.Fatal(err)
	}
	child := assessedChild(t, d, amira, sarahID)
	staffPlan := srv.URL + "/staff/children/" + child + "/ehc/plan"
	axe := func(tab *browsertest.Tab, what string) {
		t.Helper()
		for _, v := range tab.Axe(t) {
			t.Errorf("%s: %s", what, v)
		}
	}
	a := browsertest.NewBrowser(t)
	a.SignInAsDemo(t, srv.URL, email["Amira Hussain"])
	tab := a.Open(t, staffPlan)
	tab.Check(t, "details summary") // "Decide not to issue a plan"
	axe(tab, "the plan page with the decision not to issue one open")
	tab.Submit(t, "#no-plan-decide")
	msg, _ := tab.Text(t, ".govuk-error-summary")
	for _, want := range []string{"Give the reasons for the decision", "Choose how the letter is sent"} {
		if tab.Status != 422 || !strings.Contains(msg, want) {
			t.Errorf("an empty decision not to issue a plan: %d, summary %q, want %q", tab.Status, msg, want)
		}
	}
	axe(tab, "the decision not to issue a plan, refused")
	tab.Fill(t, "#noplan-reasons", "The assessment found that the school can meet these needs from its SEN support, with advice from the specialist teacher.")
	tab.Check(t, "#noplan-method-1") // by post
	tab.Submit(t, "#no-plan-decide")
	text, _ := tab.Text(t, "main")
	for _, want := range []string{"not to issue an EHC plan", "the school can meet these needs", "appeal"} {
		if tab.Status != 200 || !strings.Contains(tab.URL, "/ehc/letters/") || !strings.Contains(text, want) {
			t.Errorf("the decision's letter: %d at %s, want %q in %q", tab.Status, tab.URL, want, text)
		}
	}
	axe(tab, "the decision not to issue a plan's letter")
	tab = a.Open(t, staffPlan)
	text, _ = tab.Text(t, "main")
	if !strings.Contains(text, "decided not to issue an EHC plan") || strings.Contains(text, "Start the draft") || strings.Contains(text, "Decide not to issue") {
		t.Errorf("the plan page after the decision: %q", text)
	}
	axe(tab, "the plan page after the decision not to issue a plan")
}
