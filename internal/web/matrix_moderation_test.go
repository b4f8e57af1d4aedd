package web

import (
	"net/url"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// Local Offer moderation in the access matrix: none of the matrix's people
// is a provider or an editor, so the pages send the signed-out to sign in
// and refuse everyone else, and the forms refuse all (the guard answers
// before the handler, whatever the id).
var moderationMatrix = func() map[string]map[string]int {
	get := map[string]int{"anonymous": 303, "disabled account": 303, "": 403}
	post := map[string]int{"": 403}
	m := map[string]map[string]int{}
	for _, p := range []string{"GET /staff/offer/services", "GET /staff/offer/services/{sid}", "GET /staff/offer/services/{sid}/history",
		"GET /staff/offer/edits", "GET /staff/offer/edits/{eid}", "GET /staff/offer/history/{sid}", "GET /staff/offer/stale"} {
		m[p] = get
	}
	for _, p := range []string{"POST /staff/offer/services/{sid}", "POST /staff/offer/services/{sid}/confirm",
		"POST /staff/offer/edits/approve", "POST /staff/offer/edits/{eid}/return"} {
		m[p] = post
	}
	return m
}()

// TestModerationAccess runs the moderation routes as the people they are
// for: a provider reaches its own entries and gets 404 for another
// provider's, as for a missing one; the editor reaches every entry and the
// queue; neither reaches the other's pages.
func TestModerationAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := offerServer(t, d)
		rachel, marcus := w.rachel, w.marcus
		school := one(t, d, "SELECT organisation_id FROM people WHERE id = $1", rachel)
		own := one(t, d, `SELECT MIN(s.id) FROM offer_services s JOIN offer_provider_members m ON m.offer_organization_id = s.organization_id
			WHERE m.organisation_id = $1`, school)
		other := one(t, d, `SELECT MIN(s.id) FROM offer_services s WHERE s.organization_id NOT IN
			(SELECT offer_organization_id FROM offer_provider_members WHERE organisation_id = $1)`, school)
		edit := one(t, d, "SELECT MIN(id) FROM offer_service_edits WHERE status = 'pending'")
		cases := []offerCase{
			{rachel, "GET", "/staff/offer/services", nil, 200},
			{rachel, "GET", "/staff/offer/services/" + own, nil, 200},
			{rachel, "GET", "/staff/offer/services/" + own + "/history", nil, 200},
			{rachel, "GET", "/staff/offer/services/" + other, nil, 404},
			{rachel, "GET", "/staff/offer/services/" + other + "/history", nil, 404},
			{rachel, "GET", "/staff/offer/services/not-an-id", nil, 404},
			{rachel, "POST", "/staff/offer/services/" + other, url.Values{"name": {"Mine now"}}, 404},
			{rachel, "POST", "/staff/offer/services/" + other + "/confirm", nil, 404},
			{rachel, "POST", "/staff/offer/services/" + own, url.Values{"name": {""}}, 422},
			{rachel, "POST", "/staff/offer/services/" + own + "/confirm", nil, 303},
			{rachel, "GET", "/staff/offer/edits", nil, 403},
			{rachel, "GET", "/staff/offer/edits/" + edit, nil, 403},
			{rachel, "GET", "/staff/offer/history/" + own, nil, 403},
			{rachel, "POST", "/staff/offer/edits/approve", url.Values{"edit": {edit}}, 403},
			{marcus, "GET", "/staff/offer/edits", nil, 200},
			{marcus, "GET", "/staff/offer/edits/" + edit, nil, 200},
			{marcus, "GET", "/staff/offer/edits/not-an-edit", nil, 404},
			{marcus, "GET", "/staff/offer/history/" + own, nil, 200},
			{marcus, "GET", "/staff/offer/history/" + other, nil, 200},
			{marcus, "GET", "/staff/offer/stale", nil, 200},
			{rachel, "GET", "/staff/offer/stale", nil, 403},
			{marcus, "GET", "/staff/offer/services", nil, 403},
			{marcus, "GET", "/staff/offer/services/" + own, nil, 403},
			{marcus, "POST", "/staff/offer/edits/approve", nil, 422},
			{marcus, "POST", "/staff/offer/edits/" + edit + "/return", nil, 422},
			{marcus, "POST", "/staff/offer/edits/not-an-edit/return", url.Values{"comments": {"Please check"}}, 404},
		}
		w.check(t, cases)
	})
}
