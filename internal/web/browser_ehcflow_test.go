package web_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"joinedup/internal/web/browsertest"
)

// A parent asks online for an assessment, is refused a second time with what
// happens next, a therapist sees the consent questions, the coordinator logs
// the request and sends a decision letter with its appeal date, records that
// the family declined mediation, and the parent reads the letter. Every page
// is checked with axe-core, with its errors shown where a form has them.
func TestEHCFlowInABrowser(t *testing.T) {
	srv, _, email, leo := startTinyDemo(t)
	axe := func(tab *browsertest.Tab, what string, status int) {
		t.Helper()
		if tab.Status != status {
			text, _ := tab.Text(t, "main")
			t.Errorf("%s: %d, want %d: %s", what, tab.Status, status, text)
		}
		for _, v := range tab.Axe(t) {
			t.Errorf("%s: %s", what, v)
		}
	}
	says := func(tab *browsertest.Tab, what string, want ...string) {
		t.Helper()
		text, _ := tab.Text(t, "main")
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s does not say %q: %s", what, w, text)
			}
		}
	}

	sarah := browsertest.NewBrowser(t)
	sarah.SignInAsDemo(t, srv.URL, email["Sarah Bennett"])
	form := srv.URL + "/family/children/" + leo + "/ehc/request"
	tab := sarah.Open(t, form)
	axe(tab, "the family's request form", 200)
	tab.Submit(t, `form[action$="/ehc/request"] button`)
	axe(tab, "the family's request form with errors", 422)
	if msg, _ := tab.Text(t, ".govuk-error-summary"); !strings.Contains(msg, "why you think") {
		t.Errorf("the error summary: %q", msg)
	}
	tab.Fill(t, "#reasons", "Leo finds the classroom too loud and has stopped talking at school since September.")
	tab.Submit(t, `form[action$="/ehc/request"] button`)
	axe(tab, "the request sent", 200)
	says(tab, "the confirmation", "Request sent", "within 6 weeks")
	tab = sarah.Open(t, form)
	tab.Fill(t, "#reasons", "Asking again in case the first one did not arrive at the council.")
	tab.Submit(t, `form[action$="/ehc/request"] button`)
	axe(tab, "a second request", 409)
	says(tab, "a second request", "A request has already been made", "You do not need to ask again")

	tom := browsertest.NewBrowser(t)
	tom.SignInAsDemo(t, srv.URL, email["Tom Nguyen"])
	tab = tom.Open(t, srv.URL+"/staff/children/"+leo+"/ehc/request")
	axe(tab, "a professional's request form", 200)
	tab.Fill(t, "#reasons", "His speech has regressed and he now needs a plan that covers therapy in school.")
	tab.Submit(t, `form[action$="/ehc/request"] button`)
	axe(tab, "a professional's request without the family's consent", 422)
	if msg, _ := tab.Text(t, ".govuk-error-summary"); !strings.Contains(msg, "agreed") {
		t.Errorf("the professional's error summary: %q", msg)
	}

	amira := browsertest.NewBrowser(t)
	amira.SignInAsDemo(t, srv.URL, email["Amira Hussain"])
	amira.CheckPage(t, srv.URL+"/staff/ehc/requests", 200)
	base := srv.URL + "/staff/children/" + leo + "/ehc"
	tab = amira.Open(t, base)
	axe(tab, "the case page with a request waiting", 200)
	says(tab, "the case page", "Requests made online", "waiting to be logged")
	tab.Submit(t, `form[action$="/ehc/requests/accept"] button`)
	axe(tab, "the case page after logging the request", 200)
	says(tab, "the case page after logging", "logged")

	tab = amira.Open(t, base+"/letter")
	axe(tab, "the letter form", 200)
	tab.Fill(t, "#reasons", "x")
	tab.Submit(t, `form[action$="/ehc/letter"] button`)
	axe(tab, "the letter form with errors", 422)
	tab.Fill(t, "#reasons", "The plan sets out Leo's needs and the provision Brookfield Primary will make for them.")
	tab.Check(t, `input[name="method"][value="post"]`)
	tab.Submit(t, `form[action$="/ehc/letter"] button`)
	axe(tab, "the letter, staff", 200)
	says(tab, "the letter", "The last day to appeal", "mediation adviser", "by first class post", "Civil Procedure Rules 6.26")
	letter := tab.URL
	tab.Submit(t, `form[action$="/steps"] button`)
	axe(tab, "the step form with errors", 422)
	tab.Check(t, `input[name="step"][value="adviser_contacted"]`)
	tab.Check(t, `input[name="outcome"][value="declined"]`)
	now := time.Now()
	tab.Fill(t, "#date", strconv.Itoa(now.Day()))
	tab.Fill(t, "#date-month", strconv.Itoa(int(now.Month())))
	tab.Fill(t, "#date-year", strconv.Itoa(now.Year()))
	tab.Submit(t, `form[action$="/steps"] button`)
	axe(tab, "the letter after the family declined mediation", 200)
	says(tab, "the letter after the adviser was told", "must issue the certificate by", "R22")
	if tab.URL != letter {
		t.Errorf("recording a step landed on %s", tab.URL)
	}

	tab = sarah.Open(t, strings.Replace(letter, "/staff/", "/family/", 1))
	axe(tab, "the letter, family", 200)
	says(tab, "the family's letter", "The last day to appeal", "First-tier Tribunal")
	tab = sarah.Open(t, srv.URL+"/family/children/"+leo+"/ehc")
	axe(tab, "the family's page with a letter", 200)
	says(tab, "the family's page", "Decision letters", "Appeal by")
}

// visitEHCFlow opens every page of the EHC workflow signed in as the person
// who uses it (CheckPage: axe-core, CSP, h1, no JavaScript), for
// TestSignedInPagesInABrowser, and returns the route patterns it visited.
func visitEHCFlow(t *testing.T, srv *browsertest.Server, email map[string]string, leo string) []string {
	var visited []string
	check := func(b *browsertest.Browser, pattern, path string) {
		t.Helper()
		b.CheckPage(t, srv.URL+path, 200)
		visited = append(visited, pattern)
	}
	amira := browsertest.NewBrowser(t)
	amira.SignInAsDemo(t, srv.URL, email["Amira Hussain"])
	check(amira, "GET /staff/children/{id}/ehc/request", "/staff/children/"+leo+"/ehc/request")
	check(amira, "GET /staff/ehc/requests", "/staff/ehc/requests")
	check(amira, "GET /staff/children/{id}/ehc/letter", "/staff/children/"+leo+"/ehc/letter")
	tab := amira.Open(t, srv.URL+"/staff/children/"+leo+"/ehc/letter")
	tab.Fill(t, "#reasons", "The plan sets out Leo's needs and the provision his school will make for them.")
	tab.Submit(t, `form[action$="/ehc/letter"] button`)
	i := strings.Index(tab.URL, "/staff/children/")
	if tab.Status != 200 || i < 0 || !strings.Contains(tab.URL, "/ehc/letters/") {
		t.Fatalf("sending a letter landed on %s (%d)", tab.URL, tab.Status)
	}
	letter := tab.URL[i:]
	check(amira, "GET /staff/children/{id}/ehc/letters/{lid}", letter)
	sarah := browsertest.NewBrowser(t)
	sarah.SignInAsDemo(t, srv.URL, email["Sarah Bennett"])
	check(sarah, "GET /family/children/{id}/ehc/request", "/family/children/"+leo+"/ehc/request")
	check(sarah, "GET /family/children/{id}/ehc/letters/{lid}", strings.Replace(letter, "/staff/", "/family/", 1))
	return visited
}
