package web_test

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/web/browsertest"
)

// visitEarlyYears is early-years notifications in a real browser (issue 5,
// point 6; CFA 2014 s23), as part of TestSignedInPagesInABrowser: Tom tells
// the council about a three-year-old his team knows (refused once, empty);
// Amira acknowledges it (refused once, no date) and records what the council
// did (refused once, nothing chosen); the DCO sees the totals (refused once,
// a bad number of days); Sarah sees a notification about Leo from when he
// was three and what the council did. Every page, with and without errors, is
// checked with axe-core. It returns the routes visited.
func visitEarlyYears(t *testing.T, srv *browsertest.Server, d *db.DB, email map[string]string, leo string) []string {
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
	today := date.Today(time.Now())
	tomID := id("SELECT id FROM people WHERE email = $1", email["Tom Nguyen"])
	team := id("SELECT organisation_id FROM people WHERE id = $1", tomID)
	// A child under four with an NHS number, no notification and no health team, now referred to Tom's team.
	var child, nhs, name string
	if err := d.QueryRow(`SELECT c.id, c.nhs_number, c.given_name || ' ' || c.family_name FROM children c
		WHERE c.nhs_number IS NOT NULL AND c.date_of_birth > $1
		AND NOT EXISTS (SELECT 1 FROM early_years_notifications n WHERE n.child_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM care_team ct JOIN organisations o ON o.id = ct.organisation_id WHERE ct.child_id = c.id AND o.kind = 'nhs_team')
		ORDER BY c.id LIMIT 1`, today.AddMonths(-48)).Scan(&child, &nhs, &name); err != nil {
		t.Fatal(err)
	}
	if err := d.Transact(ctx, func(tx *sql.Tx) error {
		_, err := access.AddLink(ctx, tx, access.Link{ChildID: child, OrganisationID: team, Reason: access.Referral,
			Purpose: "early years health care", GrantedBy: "test", StartsAt: time.Now().Add(-48 * time.Hour)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	axe := func(tab *browsertest.Tab, what string) {
		t.Helper()
		for _, v := range tab.Axe(t) {
			t.Errorf("%s: %s", what, v)
		}
	}

	tom := browsertest.NewBrowser(t)
	tom.SignInAsDemo(t, srv.URL, email["Tom Nguyen"])
	notify := srv.URL + "/staff/early-years/notify"
	tom.CheckPage(t, notify, 200)
	tab := tom.Open(t, notify)
	tab.Submit(t, `form[action="/staff/early-years/notify"] button`)
	if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 422 || !strings.Contains(msg, "NHS number") || !strings.Contains(msg, "section 23(2)") {
		t.Errorf("an empty notification: %d, summary %q", tab.Status, msg)
	}
	axe(tab, "the notification form with errors")
	tab.Fill(t, "#nhs-number", nhs)
	tab.Fill(t, "#needs", "Few words at three and does not yet join two words together")
	tab.Check(t, "#parent-informed")
	tab.Fill(t, "#informed-on", strconv.Itoa(today.Day()))
	tab.Fill(t, "#informed-on-month", strconv.Itoa(int(today.Month())))
	tab.Fill(t, "#informed-on-year", strconv.Itoa(today.Year()))
	tab.Fill(t, "#informed-how", "At the clinic appointment")
	tab.Check(t, "#discussion")
	tab.Submit(t, `form[action="/staff/early-years/notify"] button`)
	if tab.Status != 200 || !strings.Contains(tab.URL, "/staff/early-years/") {
		text, _ := tab.Text(t, "main")
		t.Fatalf("the notification: landed on %s (%d): %s", tab.URL, tab.Status, text)
	}
	notification := tab.URL
	tom.CheckPage(t, notification, 200)

	amira := browsertest.NewBrowser(t)
	amira.SignInAsDemo(t, srv.URL, email["Amira Hussain"])
	amira.CheckPage(t, srv.URL+"/staff/early-years", 200)
	if text, _ := amira.Open(t, srv.URL+"/staff/early-years").Text(t, "main"); !strings.Contains(text, name) {
		t.Errorf("the council's queue does not list %s first among the unacknowledged: %s", name, text)
	}
	amira.CheckPage(t, notification, 200)
	tab = amira.Open(t, notification)
	tab.Submit(t, `form[action$="/acknowledge"] button`)
	if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 422 || !strings.Contains(msg, "Enter the date") {
		t.Errorf("acknowledging with no date: %d, summary %q", tab.Status, msg)
	}
	axe(tab, "the acknowledgement with errors")
	tab.Fill(t, "#acknowledged-on", strconv.Itoa(today.Day()))
	tab.Fill(t, "#acknowledged-on-month", strconv.Itoa(int(today.Month())))
	tab.Fill(t, "#acknowledged-on-year", strconv.Itoa(today.Year()))
	tab.Submit(t, `form[action$="/acknowledge"] button`)
	if tab.Status != 200 || !strings.HasSuffix(tab.URL, notification[len(srv.URL):]) {
		t.Fatalf("acknowledging: landed on %s (%d)", tab.URL, tab.Status)
	}
	axe(tab, "the notification with the record form")
	tab.Submit(t, `form[action$="/record"] button`)
	if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 422 || !strings.Contains(msg, "Choose what the council did") {
		t.Errorf("recording nothing: %d, summary %q", tab.Status, msg)
	}
	axe(tab, "the record form with errors")
	tab.Check(t, `input[name="outcomes"][value="advice_given"]`)
	tab.Fill(t, "#advice-note", "Area SENCO advised the nursery on visual supports")
	tab.Submit(t, `form[action$="/record"] button`)
	if text, _ := tab.Text(t, "main"); tab.Status != 200 || !strings.Contains(text, "What the council did") || !strings.Contains(text, "visual supports") {
		t.Errorf("recording advice: %d: %s", tab.Status, text)
	}

	grace := browsertest.NewBrowser(t)
	grace.SignInAsDemo(t, srv.URL, email["Grace Whitfield"])
	grace.CheckPage(t, srv.URL+"/staff/early-years/summary", 200)
	grace.CheckPage(t, srv.URL+"/staff/early-years/summary?within=0", 422)
	if msg, _ := grace.Open(t, srv.URL+"/staff/early-years/summary?within=0").Text(t, ".govuk-error-summary"); !strings.Contains(msg, "from 1 to 90") {
		t.Errorf("within 0 days: summary %q", msg)
	}
	if text, _ := grace.Open(t, srv.URL+"/staff/early-years/summary").Text(t, "main"); strings.Contains(text, name) {
		t.Errorf("the totals name %s", name)
	}

	// Leo at three: a notification from Tom's team when he was under compulsory school age, and the council's answer.
	var dob date.Date
	if err := d.QueryRow("SELECT date_of_birth FROM children WHERE id = $1", leo).Scan(&dob); err != nil {
		t.Fatal(err)
	}
	on := dob.AddMonths(36)
	council := id("SELECT id FROM organisations WHERE kind = 'council'")
	provider := id("SELECT parent_id FROM organisations WHERE id = $1", team)
	amiraID := id("SELECT id FROM people WHERE email = $1", email["Amira Hussain"])
	if _, err := d.Exec(`INSERT INTO early_years_notifications (id, child_id, council_id, team_id, provider_id, notified_by, notified_on, needs,
		parent_informed_on, parent_informed_how, parent_wants_discussion, voluntary_suggested, status, acknowledged_on, acknowledged_by,
		closed_by, closed_at, created_at) VALUES ('ey-leo', $1, $2, $3, $4, $5, $6, 'Speech hard for unfamiliar adults to understand', $7,
		'At the clinic appointment', $8, 'Chatterbox Speech and Language Support', 'closed', $9, $10, $10, $11, $11)`,
		leo, council, team, provider, tomID, on, on.AddDays(-2), true, on.AddDays(5), amiraID, on.AddDays(30).Time()); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(`INSERT INTO early_years_outcomes (notification_id, outcome, note) VALUES ('ey-leo', 'early_years_support', 'Speech and language support at nursery')`); err != nil {
		t.Fatal(err)
	}
	sarah := browsertest.NewBrowser(t)
	sarah.SignInAsDemo(t, srv.URL, email["Sarah Bennett"])
	page := srv.URL + "/family/children/" + leo + "/early-years"
	sarah.CheckPage(t, page, 200)
	if text, _ := sarah.Open(t, page).Text(t, "main"); !strings.Contains(text, "early years special educational needs support") || !strings.Contains(text, "Chatterbox") {
		t.Errorf("Sarah's page: %s", text)
	}
	return []string{"GET /staff/early-years/notify", "GET /staff/early-years", "GET /staff/early-years/{nid}", "GET /staff/early-years/summary",
		"GET /family/children/{id}/early-years"}
}
