package web

import (
	"net/http"
	"strings"
)

// The public pages: the front door of the Local Offer and the pages about the
// service. No sign-in, no personal data; one small query each (the partnership's name).

func (s *server) home(w http.ResponseWriter, r *http.Request) {
	s.page(w, r, "home.html", nil)
}

// services is where the search box on the home page lands. The directory
// itself comes with the Local Offer issue; until then the page says so and
// keeps what was typed, rather than pretending to search.
func (s *server) services(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > 200 { // a search box, not a document
		q = q[:200]
	}
	s.page(w, r, "services.html", struct{ Query string }{q})
}

func (s *server) whileYouWait(w http.ResponseWriter, r *http.Request) {
	s.page(w, r, "while-you-wait.html", nil)
}

func (s *server) accessibility(w http.ResponseWriter, r *http.Request) {
	s.page(w, r, "accessibility.html", nil)
}

func (s *server) privacy(w http.ResponseWriter, r *http.Request) {
	s.page(w, r, "privacy.html", nil)
}
