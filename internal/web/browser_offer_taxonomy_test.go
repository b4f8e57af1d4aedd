package web_test

import (
	"strings"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/web/browsertest"
)

// visitLocalOfferTaxonomies is issue 6's point 8 in a real browser: Marcus
// Reid (Local Offer editor) reads the taxonomies, adds a term (first with
// nothing filled in, so the error summary names the fields), renames it
// under another broader term, retires it, is refused retiring a term with
// narrower terms, and brings it back; the public search's filters leave the
// retired term out and show it again once back. Every page is checked with
// axe at a desktop's and a phone's width. It returns the route patterns visited.
func visitLocalOfferTaxonomies(t *testing.T, srv *browsertest.Server, d *db.DB, email map[string]string) []string {
	w := offerWalk{srv, d}
	needs := w.one(t, "SELECT id FROM offer_taxonomies WHERE name = 'SEND needs'")
	cats := w.one(t, "SELECT id FROM offer_taxonomies WHERE name = 'Service categories'")
	health := w.one(t, "SELECT id FROM offer_taxonomy_terms WHERE taxonomy_id = $1 AND name = 'Health'", cats)
	send := w.one(t, "SELECT id FROM offer_taxonomy_terms WHERE taxonomy_id = $1 AND name = 'Special educational needs and disabilities (SEND)'", cats)

	t.Run("taxonomies: the editor adds, changes, retires and brings back a term", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		b.SignInAsDemo(t, srv.URL, email["Marcus Reid"])
		w.check(t, b, "/staff/offer/taxonomies", 200)
		w.check(t, b, "/staff/offer/taxonomies/"+cats+"/add", 200)
		w.check(t, b, "/staff/offer/terms/"+send, 200)
		w.check(t, b, "/staff/offer/terms/"+health+"/edit", 200)

		tab := b.Open(t, srv.URL+"/staff/offer/taxonomies/"+cats+"/add")
		tab.Fill(t, "#code", "Not A Code")
		tab.Submit(t, `form[action$="/add"] button`)
		if tab.Status != 422 {
			t.Errorf("an empty term answered %d, want 422", tab.Status)
		}
		msg, _ := tab.Text(t, ".govuk-error-summary")
		for _, w := range []string{"Enter the term's name", "lower-case letters", "Enter a description"} {
			if !strings.Contains(msg, w) {
				t.Errorf("the error summary does not say %q: %q", w, msg)
			}
		}
		axeClean(t, tab, "the add form with errors")
		tab.Fill(t, "#name", "Sensory rooms")
		tab.Fill(t, "#code", "sensory-rooms")
		tab.Fill(t, "#description", "Rooms with lights, sounds and textures to explore.")
		tab.Fill(t, "#parent", send)
		tab.Submit(t, `form[action$="/add"] button`)
		if tab.Status != 200 || !strings.Contains(tab.URL, "done=added") {
			t.Fatalf("adding: %d at %s", tab.Status, tab.URL)
		}
		axeClean(t, tab, "the new term's page")
		id := w.one(t, "SELECT id FROM offer_taxonomy_terms WHERE code = 'sensory-rooms'")

		tab = b.Open(t, srv.URL+"/staff/offer/terms/"+id+"/edit")
		tab.Fill(t, "#name", "Health")
		tab.Submit(t, `form[action$="/edit"] button`)
		if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 422 || !strings.Contains(msg, "already has a term called Health") {
			t.Errorf("a taken name: %d, %q", tab.Status, msg)
		}
		axeClean(t, tab, "the change form with errors")
		tab.Fill(t, "#name", "Multi-sensory rooms")
		tab.Fill(t, "#parent", health)
		tab.Submit(t, `form[action$="/edit"] button`)
		if tab.Status != 200 || !strings.Contains(tab.URL, "done=changed") {
			t.Fatalf("changing: %d at %s", tab.Status, tab.URL)
		}
		if hist, _ := tab.Text(t, "main"); !strings.Contains(hist, "“Sensory rooms” → “Multi-sensory rooms”") || !strings.Contains(hist, "by Marcus Reid") {
			t.Errorf("the history does not show the rename: %.400s", hist)
		}

		filters := func() string {
			p := b.Open(t, srv.URL+"/services")
			s, _ := p.Text(t, "#category")
			return s
		}
		if !strings.Contains(filters(), "Multi-sensory rooms") {
			t.Error("the public filters do not offer the new term")
		}
		tab.Submit(t, `form[action$="/retire"] button`)
		if tab.Status != 200 || !strings.Contains(tab.URL, "done=retired") {
			t.Fatalf("retiring: %d at %s", tab.Status, tab.URL)
		}
		axeClean(t, tab, "a retired term's page")
		if strings.Contains(filters(), "Multi-sensory rooms") {
			t.Error("the public filters still offer the retired term")
		}
		tab.Submit(t, `form[action$="/restore"] button`)
		if tab.Status != 200 || !strings.Contains(tab.URL, "done=restored") {
			t.Fatalf("bringing back: %d at %s", tab.Status, tab.URL)
		}

		tab = b.Open(t, srv.URL+"/staff/offer/terms/"+send)
		tab.Submit(t, `form[action$="/retire"] button`)
		if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 422 || !strings.Contains(msg, "narrower terms") {
			t.Errorf("retiring a broader term: %d, %q", tab.Status, msg)
		}
		axeClean(t, tab, "a refused retirement")
		w.check(t, b, "/staff/offer/taxonomies/"+needs+"/add", 200)
	})
	return []string{"GET /staff/offer/taxonomies", "GET /staff/offer/taxonomies/{xid}/add", "GET /staff/offer/terms/{term}",
		"GET /staff/offer/terms/{term}/edit"}
}
