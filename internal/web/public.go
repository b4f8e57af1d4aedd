package web

import "net/http"

// The public pages: the front door of the Local Offer and the pages about the
// service. No sign-in, no personal data; one small query each (the partnership's name).
// The Local Offer's own pages are in offer.go.

func (s *server) home(w http.ResponseWriter, r *http.Request) {
	s.page(w, r, "home.html", nil)
}

func (s *server) accessibility(w http.ResponseWriter, r *http.Request) {
	s.page(w, r, "accessibility.html", nil)
}

func (s *server) privacy(w http.ResponseWriter, r *http.Request) {
	s.page(w, r, "privacy.html", nil)
}
