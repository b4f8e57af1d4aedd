package web

import "net/http"

// family is the front door for parents, carers and young people aged 16 to 25.
// It says what they will be able to do; sign-in arrives with access control,
// and until then the page has no button that does nothing.
func (s *server) family(w http.ResponseWriter, r *http.Request) {
	s.page(w, r, "family.html", nil)
}
