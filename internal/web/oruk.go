package web

import (
	"net/http"

	"joinedup/internal/oruk"
)

// The Open Referral UK API (internal/oruk) answers under /oruk: JSON for
// anyone, so its routes are PermPublic with no title. This adapts its
// handlers to the route table's shape.
func viaORUK(h func(*oruk.API, http.ResponseWriter, *http.Request)) func(*server, http.ResponseWriter, *http.Request) {
	return func(s *server, w http.ResponseWriter, r *http.Request) { h(s.oruk, w, r) }
}
