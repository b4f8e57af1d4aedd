package web

import (
	"fmt"
	"net/http"

	"joinedup/internal/people"
)

// staff is the front door for council, NHS, school and college staff. It
// shows the partnership's figures: counts only, never a name, so it needs no
// sign-in. The figures come from a census counted at most once a minute.
func (s *server) staff(w http.ResponseWriter, r *http.Request) {
	v, err := s.view(r, nil)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if v.HasPartnership {
		c, at, err := s.census.Census(r.Context())
		if err != nil {
			s.serverError(w, r, fmt.Errorf("taking the census: %w", err))
			return
		}
		v.Page = struct {
			Census people.Census
			AsOf   string
		}{c, at.Local().Format("15:04 on 2 January 2006")}
	}
	s.render(w, r, http.StatusOK, "staff.html", v)
}
