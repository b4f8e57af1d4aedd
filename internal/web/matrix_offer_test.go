package web

import (
	"strings"
	"testing"

	"joinedup/internal/db"
)

// The Local Offer's public pages in the access matrix (issue 6): the same
// answer whoever asks, with a real service's id in {id}. The shortlist's
// buttons with an empty form change nothing and go back to the shortlist.
var offerMatrix = map[string]int{
	"GET /services/{id}":     200,
	"GET /short-breaks":      200,
	"GET /shortlist":         200,
	"GET /shortlist/print":   200,
	"POST /shortlist/add":    303,
	"POST /shortlist/remove": 303,
	// Families' comments (matrix_comments_test.go): an empty form is refused with 422 for everyone.
	"GET /tell-us":                200,
	"POST /tell-us":               422,
	"GET /services/{id}/tell-us":  200,
	"POST /services/{id}/tell-us": 422,
	"GET /tell-us/thank-you":      200,
	"GET /you-said-we-did":        200,
}

// offerPath is the address to request for a Local Offer route pattern.
func offerPath(t *testing.T, d *db.DB, pattern string) string {
	t.Helper()
	if !strings.Contains(pattern, "{id}") {
		return pattern
	}
	var id string
	if err := d.QueryRow("SELECT MIN(id) FROM offer_services").Scan(&id); err != nil {
		t.Fatalf("a service's id: %v", err)
	}
	return strings.ReplaceAll(pattern, "{id}", id)
}
