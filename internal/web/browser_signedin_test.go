package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"joinedup/internal/web"
	"joinedup/internal/web/browsertest"
)

// Every page behind sign-in, in a real browser, signed in as the demo person
// who uses it: axe-core, CSP, h1, no-JavaScript, as for public pages. The
// test fails if a page in the route table is behind sign-in and nobody visits it.
func TestSignedInPagesInABrowser(t *testing.T) {
	srv, d, email, leo := startTinyDemo(t)
	var stranger string
	// A child with an NHS number on nobody's care team but the school's: break-glass material.
	if err := d.QueryRow(`SELECT nhs_number FROM children c WHERE nhs_number IS NOT NULL AND sen_provision = 'sen_support'
		ORDER BY id LIMIT 1`).Scan(&stranger); err != nil {
		t.Fatal(err)
	}
	visits := []struct {
		who, landing string
		pages        []string // route patterns, with {id} as Leo
	}{
		{"Amira Hussain", "/staff/caseload", []string{"GET /staff/caseload", "GET /staff/children/{id}", "GET /staff/break-glass", "GET /account/sessions", "GET /account/password", "GET /sign-in",
			"GET /staff/ehc", "GET /staff/children/{id}/ehc", "GET /staff/children/{id}/ehc/record"}},
		{"Daniel Okafor", "/staff/caseload", []string{"GET /staff/children/{id}/access-log", "GET /staff/children/{id}/reassign",
			"GET /staff/sar", "GET /staff/children/{id}"}}, // the record again: with the export links a manager sees
		{"Sarah Bennett", "/family/children", []string{"GET /family/children", "GET /family/children/{id}", "GET /family/children/{id}/access-log", "GET /family/children/{id}/ehc",
			"GET /family/children/{id}/waits"}},
		{"Tom Nguyen", "/staff/caseload", []string{"GET /staff/waits", "GET /staff/waits/transfer", "GET /staff/waits/checks", "GET /staff/waits/projection",
			"GET /staff/children/{id}/waits", "GET /staff/children/{id}/waits/event", "GET /staff/children/{id}/waits/refer"}},
	}
	visited := map[string]bool{}
	for _, v := range visits {
		t.Run(v.who, func(t *testing.T) {
			b := browsertest.NewBrowser(t) // a browser of their own: sessions are per browser
			if got := b.SignInAsDemo(t, srv.URL, email[v.who]); got != v.landing {
				t.Errorf("after signing in, landed on %s, want %s", got, v.landing)
			}
			for _, pattern := range v.pages {
				visited[pattern] = true
				path := strings.ReplaceAll(strings.TrimPrefix(pattern, "GET "), "{id}", leo)
				b.CheckPage(t, srv.URL+path, 200)
			}
			// A picture of their first page, for a person to look at.
			dir := os.Getenv("JOINEDUP_SCREENSHOTS")
			if dir == "" {
				dir = os.TempDir()
			}
			b.Open(t, srv.URL+v.landing).Screenshot(t, filepath.Join(dir, "joinedup-"+strings.Fields(v.who)[0]+".png"))
		})
	}
	for _, pattern := range visitEHCFlow(t, srv, email, leo) {
		visited[pattern] = true
	}
	for _, pattern := range visitTransfersAndShares(t, srv, d, email, leo) {
		visited[pattern] = true
	}
	for _, pattern := range visitLocalOfferEdits(t, srv, d, email) {
		visited[pattern] = true
	}
	for _, pattern := range visitAdvice(t, srv, d, email) {
		visited[pattern] = true
	}
	for _, pattern := range visitLocalOfferComments(t, srv, d, email) {
		visited[pattern] = true
	}
	for _, pattern := range visitEarlyYears(t, srv, d, email, leo) {
		visited[pattern] = true
	}
	for _, pattern := range visitLocalOfferTaxonomies(t, srv, d, email) {
		visited[pattern] = true
	}
	for _, pattern := range visitPlan(t, srv, d, email) {
		visited[pattern] = true
	}
	visitNoPlan(t, srv, d, email)
	visitAmend(t, srv, d, email)
	for _, pattern := range visitLocalOfferImport(t, srv, d, email) {
		visited[pattern] = true
	}
	for _, rt := range web.Routes() {
		if rt.IsPage() && rt.Permission != web.PermPublic && !visited[rt.Pattern] {
			t.Errorf("%s is behind sign-in and no browser test visits it signed in", rt.Pattern)
		}
	}

	// A subject access request with a reason too short, then for a child out
	// of reach: the form says what is wrong, accessibly, and the second is 404.
	t.Run("subject access request", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		b.SignInAsDemo(t, srv.URL, email["Daniel Okafor"])
		tab := b.Open(t, srv.URL+"/staff/sar?subject="+leo)
		tab.Fill(t, "#reason", "SAR 1")
		tab.Submit(t, `form[action="/staff/sar"] button`)
		if tab.Status != 422 {
			t.Errorf("a short reason answered %d, want 422", tab.Status)
		}
		if msg, _ := tab.Text(t, ".govuk-error-summary"); !strings.Contains(msg, "at least 10 characters") {
			t.Errorf("the error summary does not name the reason: %q", msg)
		}
		for _, v := range tab.Axe(t) {
			t.Errorf("error page accessibility: %s", v)
		}
		tab.Fill(t, "#subject", stranger)
		tab.Fill(t, "#reason", "SAR-2026-0142, letter from the family")
		tab.Submit(t, `form[action="/staff/sar"] button`)
		if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 404 || !strings.Contains(msg, "no record you may export") {
			t.Errorf("a child out of reach answered %d: %q", tab.Status, msg)
		}
	})

	// Break-glass from start to end: the form refuses what is wrong, accessibly,
	// then opens a record the coordinator had no link to.
	t.Run("break-glass", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		b.SignInAsDemo(t, srv.URL, email["Amira Hussain"])
		tab := b.Open(t, srv.URL+"/staff/break-glass")
		tab.Fill(t, "#nhs-number", "123")
		tab.Fill(t, "#reason", "urgent")
		tab.Submit(t, `form[action="/staff/break-glass"] button`)
		if tab.Status != 422 {
			t.Errorf("a bad break-glass request answered %d, want 422", tab.Status)
		}
		if msg, _ := tab.Text(t, ".govuk-error-summary"); !strings.Contains(msg, "NHS number") || !strings.Contains(msg, "at least 20 characters") {
			t.Errorf("the error summary does not name both problems: %q", msg)
		}
		for _, v := range tab.Axe(t) {
			t.Errorf("error page accessibility: %s", v)
		}
		tab.Fill(t, "#nhs-number", stranger)
		tab.Fill(t, "#reason", "The child's carer phoned in crisis and the allocated worker is away")
		tab.Submit(t, `form[action="/staff/break-glass"] button`)
		if tab.Status != 200 || !strings.Contains(tab.URL, "/staff/children/") {
			t.Fatalf("break-glass landed on %s (%d), want the child's record", tab.URL, tab.Status)
		}
		if text, _ := tab.Text(t, "main"); !strings.Contains(text, "break-glass access") {
			t.Errorf("the record does not say access is by break-glass")
		}
		var alerts int
		d.QueryRow("SELECT COUNT(*) FROM access_alerts WHERE kind = 'break_glass'").Scan(&alerts)
		if alerts != 1 {
			t.Errorf("%d break-glass alerts, want 1", alerts)
		}
	})
}

// A family's account in a real browser: the coordinator invites Sarah from
// Leo's record; Sarah opens the emailed link, is refused a weak password
// accessibly, makes her account and lands on her children. The sign-in
// page's error state is checked with axe too.
func TestFamilyAccountInABrowser(t *testing.T) {
	srv, d, email, leo := startTinyDemo(t)
	staff := browsertest.NewBrowser(t)
	staff.SignInAsDemo(t, srv.URL, email["Amira Hussain"])
	tab := staff.Open(t, srv.URL+"/staff/children/"+leo)
	tab.Submit(t, `form[action$="/invite"] button`)
	if text, _ := tab.Text(t, "#family + dl"); tab.Status != 200 || !strings.Contains(text, "Invited to joinedup") {
		t.Fatalf("after inviting: %d, family list %q", tab.Status, text)
	}
	var body, invited string
	if err := d.QueryRow("SELECT body, recipient FROM outbox WHERE reference LIKE 'account-invitation:%'").Scan(&body, &invited); err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`http://\S+/account/invitation\?token=[A-Za-z0-9_-]+`).FindString(body)
	if link == "" {
		t.Fatalf("no invitation link in %q", body)
	}

	family := browsertest.NewBrowser(t)
	family.CheckPage(t, link, 200)
	tab = family.Open(t, link)
	tab.Fill(t, "#password", "password1234")
	tab.Fill(t, "#confirm", "password1234")
	tab.Submit(t, `form[action="/account/invitation"] button`)
	if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 422 || !strings.Contains(msg, "commonly used") {
		t.Errorf("a common password: %d, summary %q", tab.Status, msg)
	}
	for _, v := range tab.Axe(t) {
		t.Errorf("invitation error page accessibility: %s", v)
	}
	tab.Fill(t, "#password", "leo likes trains on tuesdays")
	tab.Fill(t, "#confirm", "leo likes trains on tuesdays")
	tab.Submit(t, `form[action="/account/invitation"] button`)
	if tab.Status != 200 || !strings.HasSuffix(tab.URL, "/family/children") {
		t.Errorf("after making the account: %s (%d), want /family/children", tab.URL, tab.Status)
	}

	tab = browsertest.NewBrowser(t).Open(t, srv.URL+"/sign-in")
	tab.Fill(t, "#email", invited)
	tab.Fill(t, "#password", "not her password at all")
	tab.Submit(t, `form[action="/sign-in/family"] button`)
	if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 422 || !strings.Contains(msg, "email address or password is wrong") {
		t.Errorf("a wrong password: %d, summary %q", tab.Status, msg)
	}
	for _, v := range tab.Axe(t) {
		t.Errorf("sign-in error page accessibility: %s", v)
	}

	// Changing the password needs the current one; this browser stays signed in.
	family.CheckPage(t, srv.URL+"/account/password", 200)
	tab = family.Open(t, srv.URL+"/account/password")
	tab.Fill(t, "#current", "not her password at all")
	tab.Fill(t, "#password", "sunflowers by the back door")
	tab.Fill(t, "#confirm", "sunflowers by the back door")
	tab.Submit(t, `form[action="/account/password"] button`)
	if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 422 || !strings.Contains(msg, "current password is wrong") {
		t.Errorf("a wrong current password: %d, summary %q", tab.Status, msg)
	}
	for _, v := range tab.Axe(t) {
		t.Errorf("change password error page accessibility: %s", v)
	}
	tab.Fill(t, "#current", "leo likes trains on tuesdays")
	tab.Fill(t, "#password", "sunflowers by the back door")
	tab.Fill(t, "#confirm", "sunflowers by the back door")
	tab.Submit(t, `form[action="/account/password"] button`)
	if msg, _ := tab.Text(t, ".govuk-notification-banner"); tab.Status != 200 || !strings.Contains(msg, "Your password has been changed") {
		t.Errorf("after changing the password: %d, banner %q", tab.Status, msg)
	}
	for _, v := range tab.Axe(t) {
		t.Errorf("password changed page accessibility: %s", v)
	}
	family.CheckPage(t, srv.URL+"/family/children", 200)
	tab = browsertest.NewBrowser(t).Open(t, srv.URL+"/sign-in")
	tab.Fill(t, "#email", invited)
	tab.Fill(t, "#password", "sunflowers by the back door")
	tab.Submit(t, `form[action="/sign-in/family"] button`)
	if tab.Status != 200 || !strings.HasSuffix(tab.URL, "/family/children") {
		t.Errorf("signing in with the new password: %s (%d)", tab.URL, tab.Status)
	}
}
