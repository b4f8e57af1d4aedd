package web_test

import (
	"strings"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/web/browsertest"
)

// visitTransfersAndShares drives the safeguarding share, the alerts and a
// transfer from start to end in a real browser, as the demo people who use
// them, checking each page (axe-core included) and each form's errors. It
// returns the route patterns it visited. Leo's case ends in another team.
func visitTransfersAndShares(t *testing.T, srv *browsertest.Server, d *db.DB, email map[string]string, leo string) []string {
	one := func(q string, args ...any) string {
		t.Helper()
		var s string
		if err := d.QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	// errorsNamed submits a form empty, then checks the page says what is wrong, accessibly.
	errorsNamed := func(t *testing.T, tab *browsertest.Tab, button string, want ...string) {
		t.Helper()
		tab.Submit(t, button)
		if tab.Status != 422 {
			t.Errorf("%s: an incomplete form answered %d, want 422", tab.URL, tab.Status)
		}
		msg, _ := tab.Text(t, ".govuk-error-summary")
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: the error summary does not say %q: %q", tab.URL, w, msg)
			}
		}
		for _, v := range tab.Axe(t) {
			t.Errorf("%s with errors: %s", tab.URL, v)
		}
	}
	base := srv.URL + "/staff/children/" + leo

	t.Run("safeguarding share", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		b.SignInAsDemo(t, srv.URL, email["Joanne Price"])
		b.CheckPage(t, base+"/safeguarding-share", 200)
		tab := b.Open(t, base+"/safeguarding-share")
		errorsNamed(t, tab, `form[action$="/safeguarding-share"] button`, "organisation", "law", "at least 20 characters")
		tab.Fill(t, "#organisation", one("SELECT id FROM organisations WHERE name = 'Designated Clinical Officer Team'"))
		tab.Check(t, "#basis")
		tab.Fill(t, "#reason", "Leo told his teacher he is frightened to go home; a strategy discussion is planned.")
		tab.Submit(t, `form[action$="/safeguarding-share"] button`)
		if text, _ := tab.Text(t, "main"); tab.Status != 200 || !strings.Contains(text, "Designated Clinical Officer Team") {
			t.Errorf("after sharing, %s (%d) does not list the organisation shared with", tab.URL, tab.Status)
		}
	})

	t.Run("alerts", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		b.SignInAsDemo(t, srv.URL, email["Daniel Okafor"])
		b.CheckPage(t, srv.URL+"/staff/alerts", 200)
		tab := b.Open(t, srv.URL+"/staff/alerts")
		tab.Submit(t, `form[action^="/staff/alerts/"] button`)
		if text, _ := tab.Text(t, "main"); tab.Status != 200 || !strings.Contains(text, "by Daniel Okafor") || !strings.Contains(text, "Joanne Price") {
			t.Errorf("after review, the alerts page (%d) says %q", tab.Status, text)
		}
	})

	t.Run("transfer", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		b.SignInAsDemo(t, srv.URL, email["Daniel Okafor"])
		b.CheckPage(t, base+"/transfer", 200)
		tab := b.Open(t, base+"/transfer")
		errorsNamed(t, tab, `form[action$="/transfer"] button`, "team", "at least 20 characters")
		tab.Fill(t, "#organisation", one("SELECT id FROM organisations WHERE name = 'SEND Casework Team – North Worcestershire'"))
		tab.Fill(t, "#note", "Leo's annual review is due in March; his mother prefers phone calls after 3pm.")
		tab.Submit(t, `form[action$="/transfer"] button`)
		if tab.Status != 200 || !strings.Contains(tab.URL, "/staff/transfers/") {
			t.Fatalf("proposing landed on %s (%d), want the transfer", tab.URL, tab.Status)
		}
		b.CheckPage(t, tab.URL, 200) // pending: the accept, reject and revoke forms
		b.CheckPage(t, srv.URL+"/staff/transfers", 200)
		errorsNamed(t, tab, `form:has(input[value="reject"]) button`, "say why you are rejecting")
		tab.Check(t, "#coordinator")
		tab.Submit(t, `form:has(input[value="accept"]) button`)
		if text, _ := tab.Text(t, "main"); tab.Status != 200 || !strings.Contains(text, "Accepted") {
			t.Errorf("after accepting, %s (%d) says %q", tab.URL, tab.Status, text)
		}
		if n := one("SELECT COUNT(*) FROM outbox WHERE reference LIKE 'transfer-%'"); n == "0" {
			t.Error("the family was not told")
		}
	})
	return []string{"GET /staff/children/{id}/safeguarding-share", "GET /staff/alerts", "GET /staff/children/{id}/transfer",
		"GET /staff/transfers/{tid}", "GET /staff/transfers"}
}
