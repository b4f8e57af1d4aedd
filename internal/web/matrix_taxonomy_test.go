package web

import (
	"net/url"
	"strings"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// The taxonomy pages in the access matrix. None of the matrix's people holds
// offer.edit, so the pages send the signed-out to sign in and refuse
// everyone else, and the forms refuse all (the guard answers first).
var taxonomyMatrix = func() map[string]map[string]int {
	get := map[string]int{"anonymous": 303, "disabled account": 303, "": 403}
	post := map[string]int{"": 403}
	return map[string]map[string]int{
		"GET /staff/offer/taxonomies":            get,
		"GET /staff/offer/taxonomies/{xid}/add":  get,
		"POST /staff/offer/taxonomies/{xid}/add": post,
		"GET /staff/offer/terms/{term}":          get,
		"GET /staff/offer/terms/{term}/edit":     get,
		"POST /staff/offer/terms/{term}/edit":    post,
		"POST /staff/offer/terms/{term}/retire":  post,
		"POST /staff/offer/terms/{term}/restore": post,
	}
}()

// TestTaxonomyAccess runs the taxonomy routes as the people they are for:
// the Local Offer editor (offer.edit) adds, changes, retires and brings back
// a term, bad forms are 422 with nothing stored, a missing term or taxonomy
// is 404; a provider (offer.provide) and a family are refused, as is a
// signed-in member of staff without offer.edit. The public search and ORUK
// see the changes at once on this instance.
func TestTaxonomyAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := offerServer(t, d)
		rachel, marcus := w.rachel, w.marcus
		family := one(t, d, "SELECT id FROM people WHERE kind = 'parent_carer' ORDER BY id LIMIT 1")
		cats := one(t, d, "SELECT id FROM offer_taxonomies WHERE name = 'Service categories'")
		health := one(t, d, "SELECT id FROM offer_taxonomy_terms WHERE taxonomy_id = $1 AND name = 'Health'", cats)
		send := one(t, d, "SELECT id FROM offer_taxonomy_terms WHERE taxonomy_id = $1 AND name = 'Special educational needs and disabilities (SEND)'", cats)
		short := one(t, d, "SELECT id FROM offer_taxonomy_terms WHERE code = 'short-breaks'")
		const missing = "00000000-0000-0000-0000-000000000000"
		terms := func() int { return dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_taxonomy_terms") }
		before := terms()
		add := "/staff/offer/taxonomies/" + cats + "/add"
		good := url.Values{"name": {"Sensory rooms"}, "description": {"Rooms with lights and sounds to explore."}, "parent": {send}}
		with := func(k, v string) url.Values { return withField(good, k, v) }
		cases := []offerCase{
			{rachel, "GET", "/staff/offer/taxonomies", nil, 403},
			{rachel, "POST", add, good, 403},
			{rachel, "POST", "/staff/offer/terms/" + health + "/retire", nil, 403},
			{family, "GET", "/staff/offer/taxonomies", nil, 403},
			{family, "POST", "/staff/offer/terms/" + health + "/edit", good, 403},
			{"", "GET", "/staff/offer/terms/" + health, nil, 303},
			{marcus, "GET", "/staff/offer/taxonomies", nil, 200},
			{marcus, "GET", add, nil, 200},
			{marcus, "GET", "/staff/offer/taxonomies/" + missing + "/add", nil, 404},
			{marcus, "GET", "/staff/offer/taxonomies/nope/add", nil, 404},
			{marcus, "GET", "/staff/offer/terms/" + health, nil, 200},
			{marcus, "GET", "/staff/offer/terms/" + missing, nil, 404},
			{marcus, "GET", "/staff/offer/terms/nope/edit", nil, 404},
			{marcus, "POST", add, with("name", ""), 422},
			{marcus, "POST", add, with("name", "Health"), 422},        // taken in this taxonomy
			{marcus, "POST", add, with("code", "Sensory Rooms"), 422}, // not a code
			{marcus, "POST", add, with("parent", health+"x"), 422},    // not a term
			{marcus, "POST", add, with("parent", short), 422},         // another taxonomy's
			{marcus, "POST", add, with("description", strings.Repeat("é", 1001)), 422},
			{marcus, "POST", add, good, 303},
			{marcus, "POST", "/staff/offer/terms/" + send + "/retire", nil, 422}, // has narrower terms
			{marcus, "POST", "/staff/offer/terms/" + send + "/edit", url.Values{"name": {"SEND"}, "description": {"x"}, "parent": {health}}, 422},
			// The short breaks page finds its collection by its code: renaming is fine, a new code is not.
			{marcus, "POST", "/staff/offer/terms/" + short + "/edit", url.Values{"name": {"Short breaks"}, "code": {"breaks"}, "description": {"Breaks."}}, 422},
			{marcus, "POST", "/staff/offer/terms/" + short + "/edit", url.Values{"name": {"Short breaks for disabled children"}, "code": {"short-breaks"}, "description": {"Breaks."}}, 303},
			{marcus, "POST", "/staff/offer/terms/" + short + "/retire", nil, 303},
			{marcus, "POST", "/staff/offer/terms/" + short + "/retire", nil, 409},
			{marcus, "GET", "/staff/offer/terms/" + short + "/edit", nil, 303}, // retired: back to its page
			{marcus, "POST", "/staff/offer/terms/" + short + "/restore", nil, 303},
			{marcus, "POST", "/staff/offer/terms/" + missing + "/restore", nil, 404},
		}
		w.check(t, cases)
		if n := terms(); n != before+1 {
			t.Errorf("%d terms added, want the 1 good one", n-before)
		}
		if got := one(t, d, "SELECT code FROM offer_taxonomy_terms WHERE name = 'Sensory rooms'"); got != "sensory-rooms" {
			t.Errorf("the new term's code is %q", got)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_taxonomy_term_changes"); n != 4 {
			t.Errorf("%d history rows, want 4 (added, renamed, retired, brought back)", n)
		}
		if got := one(t, d, "SELECT code FROM offer_taxonomy_terms WHERE id = $1", short); got != "short-breaks" {
			t.Errorf("the short breaks collection's code is %q", got)
		}
	})
}
