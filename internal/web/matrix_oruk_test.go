package web

import (
	"strings"
	"testing"

	"joinedup/internal/db"
)

// The ORUK API's rows of the access matrix (issue 6): open data, the same
// answer whoever asks, with real ids from the demo directory in {id}.
var orukMatrix = map[string]int{
	"GET /oruk/{$}":                       200,
	"GET /oruk":                           200,
	"GET /oruk/services":                  200,
	"GET /oruk/services/{id}":             200,
	"GET /oruk/service_at_locations":      200,
	"GET /oruk/service_at_locations/{id}": 200,
	"GET /oruk/taxonomies":                200,
	"GET /oruk/taxonomies/{id}":           200,
	"GET /oruk/taxonomy_terms":            200,
	"GET /oruk/taxonomy_terms/{id}":       200,
	"GET /oruk/{path...}":                 404, // any other address: a JSON 404
	"OPTIONS /oruk/{path...}":             204, // a browser's CORS preflight
}

// orukPath is the address to request for an ORUK route pattern.
func orukPath(t *testing.T, d *db.DB, pattern string) string {
	t.Helper()
	table := map[string]string{"/oruk/services/{id}": "offer_services", "/oruk/service_at_locations/{id}": "offer_service_at_locations",
		"/oruk/taxonomies/{id}": "offer_taxonomies", "/oruk/taxonomy_terms/{id}": "offer_taxonomy_terms"}[pattern]
	if table != "" {
		var id string
		if err := d.QueryRow("SELECT MIN(id) FROM " + table).Scan(&id); err != nil {
			t.Fatalf("an id from %s: %v", table, err)
		}
		return strings.ReplaceAll(pattern, "{id}", id)
	}
	return strings.ReplaceAll(strings.TrimSuffix(pattern, "{$}"), "{path...}", "no-such-endpoint")
}
