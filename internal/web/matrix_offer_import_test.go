package web

import (
	"context"
	"net/url"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
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
		if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
			t.Fatal(err)
		}
		h, err := New(Config{DB: d, Demo: true})
		if err != nil {
			t.Fatal(err)
		}
		persona := func(name string) string {
			for _, p := range demo.Personas() {
				if p.Name == name {
					return one(t, d, "SELECT id FROM people WHERE email = $1", p.Email)
				}
			}
			t.Fatalf("no persona %s", name)
			return ""
		}
		rachel, marcus := persona("Rachel Evans"), persona("Marcus Reid")
		cases := []struct {
			who, method, path string
			form              url.Values
			want              int
		}{
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
		for _, c := range cases {
			if got := request(t, h, d, c.method, c.path, c.who, c.form); got != c.want {
				who := map[string]string{rachel: "provider", marcus: "editor"}[c.who]
				t.Errorf("%s %s as the %s: %d, want %d", c.method, c.path, who, got, c.want)
			}
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_import_uploads"); n != 0 {
			t.Errorf("%d checked imports kept", n)
		}
	})
}
