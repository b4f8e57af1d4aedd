package web

import (
	"net/url"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// The editors' import and export in the access matrix: none of the matrix's
// people holds offer.moderate, so the pages and downloads send the
// signed-out to sign in and refuse everyone else, and the forms refuse all
// (the guard answers before the handler, whatever the id).
var importMatrix = func() map[string]map[string]int {
	get := map[string]int{"anonymous": 303, "disabled account": 303, "": 403}
	post := map[string]int{"": 403}
	return map[string]map[string]int{
		"GET /staff/offer/import":        get,
		"GET /staff/offer/imports/{iid}": get,
		"GET /staff/offer/export.csv":    get,
		"GET /staff/offer/export.ndjson": get,
		"POST /staff/offer/import":       post,
		"POST /staff/offer/import/apply": post,
	}
}()

// TestOfferImportAccess runs the import routes as the people they concern:
// the Local Offer editor (offer.moderate) reaches them all; a provider
// (offer.provide, who may change only their own entries, through
// moderation) reaches none.
func TestOfferImportAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := offerServer(t, d)
		rachel, marcus := w.rachel, w.marcus
		cases := []offerCase{
			{marcus, "GET", "/staff/offer/import", nil, 200},
			{marcus, "GET", "/staff/offer/export.csv", nil, 200},
			{marcus, "GET", "/staff/offer/export.ndjson", nil, 200},
			{marcus, "GET", "/staff/offer/imports/not-an-import", nil, 404},
			{marcus, "POST", "/staff/offer/import", url.Values{"url": {""}, "format": {"oruk"}}, 422},
			{marcus, "POST", "/staff/offer/import/apply", url.Values{"token": {"not-a-token"}}, 404},
			{rachel, "GET", "/staff/offer/import", nil, 403},
			{rachel, "GET", "/staff/offer/export.csv", nil, 403},
			{rachel, "GET", "/staff/offer/export.ndjson", nil, 403},
			{rachel, "GET", "/staff/offer/imports/not-an-import", nil, 403},
			{rachel, "POST", "/staff/offer/import", url.Values{"url": {"https://example.org/feed"}, "format": {"oruk"}}, 403},
			{rachel, "POST", "/staff/offer/import/apply", url.Values{"token": {"not-a-token"}}, 403},
		}
		w.check(t, cases)
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_import_uploads"); n != 0 {
			t.Errorf("%d checked imports kept", n)
		}
	})
}
