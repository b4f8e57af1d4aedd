package web_test

import (
	"strings"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/web/browsertest"
)

// visitLocalOfferEdits is issue 6's point 3 in a real browser: Rachel Evans
// (SENCO, provider of her school's entry) edits it, first with mistakes, and
// sends it; the public page and /oruk still show the approved version;
// Marcus Reid (Local Offer editor) returns one edit with comments and approves
// hers with the queue's checkboxes, without JavaScript; then families see it.
// Every page is checked with axe at a desktop's and a phone's width. It
// returns the route patterns it visited.
func visitLocalOfferEdits(t *testing.T, srv *browsertest.Server, d *db.DB, email map[string]string) []string {
	w := offerWalk{srv, d}
	rachel := w.one(t, "SELECT id FROM people WHERE email = $1", email["Rachel Evans"])
	svc := w.one(t, `SELECT MIN(s.id) FROM offer_services s JOIN offer_provider_members m ON m.offer_organization_id = s.organization_id
		JOIN people p ON p.organisation_id = m.organisation_id WHERE p.id = $1`, rachel)
	oldName := w.one(t, "SELECT name FROM offer_services WHERE id = $1", svc)
	const newName = "SEN support at Brookfield, with a SENCO drop-in"

	t.Run("provider edits an entry", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		b.SignInAsDemo(t, srv.URL, email["Rachel Evans"])
		w.check(t, b, "/staff/offer/services", 200)
		w.check(t, b, "/staff/offer/services/"+svc, 200)
		tab := b.Open(t, srv.URL+"/staff/offer/services/"+svc)
		tab.Fill(t, "#name", "   ")
		tab.Fill(t, "#email", "not an address")
		tab.Fill(t, "#maximum_age", "99")
		tab.Submit(t, `form[action="/staff/offer/services/`+svc+`"] button`)
		if tab.Status != 422 {
			t.Errorf("a wrong form answered %d, want 422", tab.Status)
		}
		msg, _ := tab.Text(t, ".govuk-error-summary")
		for _, w := range []string{"Enter the name of the service", "email address in the correct format", "from 0 to 25"} {
			if !strings.Contains(msg, w) {
				t.Errorf("the error summary does not say %q: %q", w, msg)
			}
		}
		axeClean(t, tab, "the form with errors")
		tab.Fill(t, "#name", newName)
		tab.Fill(t, "#email", "senco@brookfield.example.org.uk")
		tab.Fill(t, "#maximum_age", "11")
		tab.Submit(t, `form[action="/staff/offer/services/`+svc+`"] button`)
		if tab.Status != 200 || !strings.HasSuffix(tab.URL, "/staff/offer/services?done=edit") {
			t.Fatalf("sending the edit: %d at %s", tab.Status, tab.URL)
		}
		w.check(t, b, "/staff/offer/services/"+svc+"/history", 200)
	})

	t.Run("families see only the approved version", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		page := b.Open(t, srv.URL+"/services/"+svc)
		if h1, _ := page.Text(t, "h1"); h1 != oldName {
			t.Errorf("the public page shows %q while the edit waits, want %q", h1, oldName)
		}
		api := b.Open(t, srv.URL+"/oruk/services/"+svc)
		if body, _ := api.Text(t, "body"); strings.Contains(body, newName) || !strings.Contains(body, oldName) {
			t.Errorf("/oruk shows the unapproved edit: %.200s", body)
		}
	})

	t.Run("editor returns one edit and approves another", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		b.SignInAsDemo(t, srv.URL, email["Marcus Reid"])
		w.check(t, b, "/staff/offer/edits", 200)
		other := w.one(t, "SELECT MIN(id) FROM offer_service_edits WHERE status = 'pending' AND service_id <> $1", svc)
		w.check(t, b, "/staff/offer/edits/"+other, 200)
		w.check(t, b, "/staff/offer/history/"+svc, 200)
		w.check(t, b, "/staff/offer/stale", 200)
		tab := b.Open(t, srv.URL+"/staff/offer/edits/"+other)
		tab.Submit(t, `form[action$="/return"] button`)
		if tab.Status != 422 {
			t.Errorf("returning without comments answered %d, want 422", tab.Status)
		}
		if msg, _ := tab.Text(t, ".govuk-error-summary"); !strings.Contains(msg, "saying what needs changing") {
			t.Errorf("the error summary says %q", msg)
		}
		axeClean(t, tab, "returning without comments")
		tab.Fill(t, "#comments", "Please add the times of the drop-in.")
		tab.Submit(t, `form[action$="/return"] button`)
		if tab.Status != 200 || !strings.Contains(tab.URL, "done=returned") {
			t.Fatalf("returning: %d at %s", tab.Status, tab.URL)
		}

		none := b.Open(t, srv.URL+"/staff/offer/edits")
		none.Submit(t, `form[action="/staff/offer/edits/approve"] button`)
		if none.Status != 422 {
			t.Errorf("approving none answered %d, want 422", none.Status)
		}
		axeClean(t, none, "approving none")
		queue := b.Open(t, srv.URL+"/staff/offer/edits", browsertest.WithoutJavaScript())
		mine := w.one(t, "SELECT id FROM offer_service_edits WHERE status = 'pending' AND service_id = $1", svc)
		queue.Check(t, `input[name="edit"][value="`+mine+`"]`)
		queue.Submit(t, `form[action="/staff/offer/edits/approve"] button`)
		if queue.Status != 200 || !strings.Contains(queue.URL, "done=approved") {
			t.Fatalf("approving: %d at %s", queue.Status, queue.URL)
		}
		page := b.Open(t, srv.URL+"/services/"+svc)
		if h1, _ := page.Text(t, "h1"); h1 != newName {
			t.Errorf("after approval the public page shows %q, want %q", h1, newName)
		}
	})
	return []string{"GET /staff/offer/services", "GET /staff/offer/services/{sid}", "GET /staff/offer/services/{sid}/history",
		"GET /staff/offer/edits", "GET /staff/offer/edits/{eid}", "GET /staff/offer/history/{sid}", "GET /staff/offer/stale"}
}
