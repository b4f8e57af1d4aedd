package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
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
		if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
			t.Fatal(err)
		}
		h, err := New(Config{DB: d, Demo: true})
		if err != nil {
			t.Fatal(err)
		}
		one := func(q string, args ...any) string {
			t.Helper()
			var s string
			if err := d.QueryRow(q, args...).Scan(&s); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return s
		}
		persona := func(name string) string {
			for _, p := range demo.Personas() {
				if p.Name == name {
					return one("SELECT id FROM people WHERE email = $1", p.Email)
				}
			}
			t.Fatalf("no persona %s", name)
			return ""
		}
		rachel, marcus := persona("Rachel Evans"), persona("Marcus Reid")
		school := one("SELECT organisation_id FROM people WHERE id = $1", rachel)
		own := one(`SELECT MIN(s.id) FROM offer_services s JOIN offer_provider_members m ON m.offer_organization_id = s.organization_id
			WHERE m.organisation_id = $1`, school)
		other := one(`SELECT MIN(s.id) FROM offer_services s WHERE s.organization_id NOT IN
			(SELECT offer_organization_id FROM offer_provider_members WHERE organisation_id = $1)`, school)
		edit := one("SELECT MIN(id) FROM offer_service_edits WHERE status = 'pending'")
		cases := []struct {
			who, method, path string
			form              url.Values
			want              int
		}{
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
		for _, c := range cases {
			if got := request(t, h, d, c.method, c.path, c.who, c.form); got != c.want {
				who := map[string]string{rachel: "provider", marcus: "editor"}[c.who]
				t.Errorf("%s %s as the %s: %d, want %d", c.method, strings.Replace(c.path, own, "{own}", 1), who, got, c.want)
			}
		}
	})
}
