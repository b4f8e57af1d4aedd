package web_test

import (
	"strings"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/web/browsertest"
)

// visitLocalOfferComments is issue 6's point 4 in a real browser: a family,
// not signed in, sends a comment on a service (first with nothing filled in,
// so the error summary names the fields); Marcus Reid (Local Offer editor)
// answers it from the queue, first without a response; then it is on the
// public "You said, we did" page with the answer and without the email
// address. Every page is checked with axe at a desktop's and a phone's
// width. It returns the signed-in route patterns it visited.
func visitLocalOfferComments(t *testing.T, srv *browsertest.Server, d *db.DB, email map[string]string) []string {
	w := offerWalk{srv, d}
	svc := w.one(t, "SELECT MAX(id) FROM offer_services")
	const words = "The café <b>closes</b> at 3pm on Fridays, not 5pm.\nPlease update the times."
	const response = "Thank you: the provider confirmed the Friday times and we have corrected the page."
	const address = "parent.browser@families.example.org"

	t.Run("comments: a family tells us about a service", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		w.check(t, b, "/services/"+svc+"/tell-us", 200)
		w.check(t, b, "/tell-us?kind=problem", 200)
		tab := b.Open(t, srv.URL+"/services/"+svc+"/tell-us")
		tab.Fill(t, "#email", "not an address")
		tab.Submit(t, `form[action$="/tell-us"] button`)
		if tab.Status != 422 {
			t.Errorf("an empty comment answered %d, want 422", tab.Status)
		}
		msg, _ := tab.Text(t, ".govuk-error-summary")
		for _, w := range []string{"Select what you want to tell us", "Enter what you want to tell us", "email address in the correct format"} {
			if !strings.Contains(msg, w) {
				t.Errorf("the error summary does not say %q: %q", w, msg)
			}
		}
		axeClean(t, tab, "the comment form with errors")
		tab.Check(t, "#kind-problem")
		tab.Fill(t, "#words", words)
		tab.Fill(t, "#email", address)
		tab.Check(t, "#publish")
		tab.Submit(t, `form[action$="/tell-us"] button`)
		if tab.Status != 200 || !strings.Contains(tab.URL, "/tell-us/thank-you") {
			t.Fatalf("sending the comment: %d at %s", tab.Status, tab.URL)
		}
		if h1, _ := tab.Text(t, "h1"); h1 != "Thank you for telling us" {
			t.Errorf("the thank-you page says %q", h1)
		}
		axeClean(t, tab, "the thank-you page")
		w.check(t, b, "/tell-us/thank-you?back=/services/"+svc, 200)
	})

	t.Run("comments: the editor answers", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		b.SignInAsDemo(t, srv.URL, email["Marcus Reid"])
		w.check(t, b, "/staff/offer/comments", 200)
		var id string
		if err := d.QueryRow("SELECT id FROM offer_comments WHERE email = $1", address).Scan(&id); err != nil {
			t.Fatalf("the family's comment: %v", err)
		}
		w.check(t, b, "/staff/offer/comments/"+id, 200)
		tab := b.Open(t, srv.URL+"/staff/offer/comments/"+id)
		tab.Submit(t, `form[action$="/respond"] button`)
		if tab.Status != 422 {
			t.Errorf("answering without a response answered %d, want 422", tab.Status)
		}
		if msg, _ := tab.Text(t, ".govuk-error-summary"); !strings.Contains(msg, "Enter the response") {
			t.Errorf("the error summary says %q", msg)
		}
		axeClean(t, tab, "answering without a response")
		tab.Fill(t, "#response", response)
		tab.Submit(t, `form[action$="/respond"] button`)
		if tab.Status != 200 || !strings.Contains(tab.URL, "done=addressed") {
			t.Fatalf("answering: %d at %s", tab.Status, tab.URL)
		}
	})

	t.Run("comments: you said, we did", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		w.check(t, b, "/you-said-we-did", 200)
		page := b.Open(t, srv.URL+"/you-said-we-did")
		body, _ := page.Text(t, "main")
		if !strings.Contains(body, "The café <b>closes</b> at 3pm") || !strings.Contains(body, response) {
			t.Errorf("the public page does not show the comment as typed with its answer: %.300s", body)
		}
		if strings.Contains(body, address) {
			t.Error("the public page shows the sender's email address")
		}
	})
	return []string{"GET /staff/offer/comments", "GET /staff/offer/comments/{cid}"}
}
