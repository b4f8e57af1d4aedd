package web

import (
	"database/sql"
	"errors"
	"net/http"

	"joinedup/internal/access"
	"joinedup/internal/demo"
	"joinedup/internal/session"
)

// signIn says how each kind of person signs in. Staff will use their own
// organisation's account and families a joinedup account; with --demo, the
// demo people can be chosen from a list.
func (s *server) signIn(w http.ResponseWriter, r *http.Request) {
	var personas []demo.Persona
	if s.demo {
		personas = demo.Personas()
	}
	s.page(w, r, "signin.html", struct {
		Personas []demo.Persona
		Next     string
	}{personas, safeNext(r.URL.Query().Get("next"))})
}

// signInDemo signs in as a demo person. It exists only when serving --demo.
func (s *server) signInDemo(w http.ResponseWriter, r *http.Request) {
	if !s.demo {
		s.notFound(w, r)
		return
	}
	email := r.PostFormValue("persona")
	var known bool
	for _, p := range demo.Personas() {
		known = known || p.Email == email
	}
	var personID string
	err := s.db.QueryRowContext(r.Context(), "SELECT id FROM people WHERE email = $1", email).Scan(&personID)
	if !known || errors.Is(err, sql.ErrNoRows) {
		s.fail(w, r, errInvalid("persona", "choose one of the demo people"))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.startSession(w, r, personID, "demo")
}

// startSession ends any session the browser had (no fixation), starts a new
// one and sends the person on.
func (s *server) startSession(w http.ResponseWriter, r *http.Request, personID, method string) {
	if old := sessionOf(r.Context()); old != "" {
		session.End(r.Context(), s.db, old, "signed in again")
	}
	a, err := access.LoadActor(r.Context(), s.db, personID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if a.Disabled {
		s.fail(w, r, errForbidden("this account is disabled"))
		return
	}
	t := session.StaffTimeouts
	if a.Kind != access.Staff {
		t = session.FamilyTimeouts
	}
	secret, _, err := session.Create(r.Context(), s.db, personID, method, r.UserAgent(), t)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.logger.InfoContext(r.Context(), "signed in", "request_id", requestID(r.Context()), "method", method, "kind", a.Kind)
	s.setCookie(w, secret)
	next := safeNext(r.PostFormValue("next"))
	if next == "" {
		next = "/family/children"
		if a.Kind == access.Staff {
			next = "/staff/caseload"
		}
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signOut ends this browser's session.
func (s *server) signOut(w http.ResponseWriter, r *http.Request) {
	if err := session.End(r.Context(), s.db, sessionOf(r.Context()), "signed out"); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.clearCookie(w)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// sessions lists where the person is signed in, with sign out everywhere.
func (s *server) sessions(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	list, err := session.Live(r.Context(), s.db, a.PersonID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.page(w, r, "sessions.html", struct {
		Sessions []session.Session
		This     string
	}{list, sessionOf(r.Context())})
}

// signOutEverywhere ends every session of the person, this one included.
func (s *server) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	if _, err := session.EndAll(r.Context(), s.db, a.PersonID, "signed out everywhere"); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.clearCookie(w)
	http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
}
