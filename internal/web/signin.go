package web

import (
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/account"
	"joinedup/internal/apperr"
	"joinedup/internal/demo"
	"joinedup/internal/oidc"
	"joinedup/internal/session"
)

// signInPage is the sign-in page: a family's form with their answers, the
// staff's organisations, and the demo people when serving --demo.
type signInPage struct {
	Personas  []demo.Persona
	Providers []oidc.Provider
	Next      string
	Email     string
	Done      string // what the person just finished, from ?done=
	Errors    []apperr.Field
}

// doneMessages are what the sign-in page says after an emailed link did its work.
var doneMessages = map[string]string{
	"confirmed": "Your email address is confirmed. You can now sign in.",
	"reset":     "Your password has been changed. Sign in with your new password.",
}

// signIn says how each kind of person signs in: staff with their own
// organisation's account, families with a joinedup account; with --demo, the
// demo people can be chosen from a list.
func (s *server) signIn(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.signInRender(w, r, http.StatusOK, signInPage{Next: safeNext(q.Get("next")), Done: doneMessages[q.Get("done")]})
}

func (s *server) signInRender(w http.ResponseWriter, r *http.Request, status int, p signInPage) {
	if s.demo {
		p.Personas = demo.Personas()
	}
	if s.oidc != nil {
		p.Providers = s.oidc.Providers()
	}
	s.renderFormStatus(w, r, status, "signin.html", p, p.Errors)
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
	s.startSession(w, r, personID, "demo", r.PostFormValue("next"))
}

// signInFamily signs a parent, carer or young person in with their email
// address and password. Attempts from one address are rate-limited across
// every instance; each refusal is logged as a security event.
func (s *server) signInFamily(w http.ResponseWriter, r *http.Request) {
	p := signInPage{Email: strings.TrimSpace(r.PostFormValue("email")), Next: safeNext(r.PostFormValue("next"))}
	password := r.PostFormValue("password")
	if p.Email == "" {
		p.Errors = append(p.Errors, apperr.Field{Name: "email", Message: "Enter your email address"})
	}
	if password == "" {
		p.Errors = append(p.Errors, apperr.Field{Name: "password", Message: "Enter your password"})
	}
	if len(p.Errors) > 0 {
		s.signInRender(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	if !s.allow(w, r, s.signInLimit) {
		p.Errors = []apperr.Field{{Name: "email", Message: "There have been too many attempts to sign in from here. Wait 10 minutes and try again"}}
		s.signInRender(w, r, http.StatusTooManyRequests, p)
		return
	}
	personID, err := account.SignIn(r.Context(), s.db, p.Email, password)
	if ref, ok := account.IsRefusal(err); ok {
		s.security(r, "family sign-in refused", "refusal", ref)
		p.Errors = []apperr.Field{{Name: "email", Message: ref.Shown.Message}}
		s.signInRender(w, r, apperr.HTTPStatus(ref.Shown), p)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.startSession(w, r, personID, "password", p.Next)
}

// allow counts a request against a limiter keyed by the client's address (clientAddr). A
// database failure refuses the request rather than letting it through uncounted.
func (s *server) allow(w http.ResponseWriter, r *http.Request, l *account.Limiter) bool {
	ok, retry, err := l.Allow(r.Context(), s.clientAddr(r))
	if err != nil {
		s.logger.ErrorContext(r.Context(), "rate limit unavailable", "request_id", requestID(r.Context()), "error", err)
		return false
	}
	if !ok {
		s.security(r, "rate limit reached", "limit", l.Scope)
		w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds())+1))
	}
	return ok
}

// security logs a security event: a refused sign-in, a forged or replayed
// response, a malformed cookie. Never a password, token or email address.
func (s *server) security(r *http.Request, msg string, args ...any) {
	s.logger.WarnContext(r.Context(), "security: "+msg, append([]any{"request_id", requestID(r.Context()), "route", r.Pattern}, args...)...)
}

// signInStaff sends a member of staff to their organisation's identity
// provider, with a cookie that binds the sign-in to this browser.
func (s *server) signInStaff(w http.ResponseWriter, r *http.Request) {
	if s.oidc == nil {
		s.notFound(w, r)
		return
	}
	authURL, cookie, err := s.oidc.Begin(r.Context(), r.PathValue("provider"), safeNext(r.PostFormValue("next")))
	if err != nil {
		if errors.Is(err, oidc.ErrSecurity) {
			s.security(r, "staff sign-in refused", "reason", oidc.ReasonOf(err), "error", err)
		}
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, s.signInCookie(oidc.Cookie(cookie)))
	http.Redirect(w, r, authURL, http.StatusSeeOther)
}

// signInStaffCallback is where the identity provider sends the browser back.
// The pending sign-in is used up whatever happens; a forged, replayed,
// expired or misdirected answer is refused, logged, and leaves nothing behind.
func (s *server) signInStaffCallback(w http.ResponseWriter, r *http.Request) {
	if s.oidc == nil {
		s.notFound(w, r)
		return
	}
	var cookie string
	if c, err := r.Cookie(s.signInCookie(oidc.ClearCookie()).Name); err == nil {
		cookie = c.Value
	}
	http.SetCookie(w, s.signInCookie(oidc.ClearCookie()))
	id, returnTo, err := s.oidc.CompleteCallback(r.Context(), cookie, r.URL.Query())
	if err == nil {
		var personID string
		if personID, err = oidc.Bind(r.Context(), s.db, id); err == nil {
			s.startSession(w, r, personID, "oidc", returnTo)
			return
		}
	}
	switch {
	case errors.Is(err, oidc.ErrSecurity):
		s.security(r, "staff sign-in refused", "reason", oidc.ReasonOf(err), "error", err)
	case errors.Is(err, oidc.ErrNoStaffMember):
		s.security(r, "staff sign-in refused", "provider", id.ProviderID, "error", err)
	}
	s.fail(w, r, err)
}

// signInCookie is the OpenID Connect sign-in cookie as this server sets it:
// __Host- and Secure over HTTPS; on plain http (a developer's machine) a
// browser would drop a Secure cookie, so it goes without.
func (s *server) signInCookie(c *http.Cookie) *http.Cookie {
	if !s.secure {
		c.Name, c.Secure = strings.TrimPrefix(c.Name, "__Host-"), false
	}
	return c
}

// startSession ends any session the browser had (no fixation), starts a new
// one and sends the person on to next, or to their home page.
func (s *server) startSession(w http.ResponseWriter, r *http.Request, personID, method, next string) {
	if old := sessionOf(r.Context()); old != "" {
		session.End(r.Context(), s.db, old, "signed in again")
	}
	a, err := access.LoadActor(r.Context(), s.db, personID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if a.Disabled {
		s.security(r, "sign-in to a disabled account refused", "person", personID)
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
	if next = safeNext(next); next == "" {
		next = "/family/children"
		if a.Kind == access.Staff {
			next = "/staff/caseload"
			if !a.May(access.CaseView) && a.May(access.OfferModerate) { // the Local Offer editor has no caseload
				next = "/staff/offer/edits"
			}
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
	w.Header().Set("Clear-Site-Data", `"cache", "storage"`) // nothing of the session stays in this browser
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
