package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"joinedup/internal/account"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/record"
)

// The pages behind the links families are emailed: confirm an address,
// reset a password, accept an invitation. Opening a link (GET) never spends
// it, so an email scanner that follows links changes nothing; the button on
// the page (POST) does. A bad link says so plainly and offers a new one.

// tokenPage is a page reached from an emailed link.
type tokenPage struct {
	Token  string // the link's secret, carried to the form's POST
	Good   bool   // the link can still be used
	Email  string // the address the account uses (invitations show it)
	Errors []apperr.Field
}

// verifyEmailPage shows the button that confirms an address, or, for a bad
// link, the form that sends a new one.
func (s *server) verifyEmailPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	s.renderForm(w, r, "verify-email.html", tokenPage{Token: token, Good: token != ""}, nil)
}

// verifyEmail confirms an address (a token) or sends a new link (an email).
func (s *server) verifyEmail(w http.ResponseWriter, r *http.Request) {
	if token := r.PostFormValue("token"); token != "" {
		err := account.VerifyEmail(r.Context(), s.db, token)
		if s.refused(w, r, err, "verify-email.html", &tokenPage{}) {
			return
		}
		http.Redirect(w, r, "/sign-in?done=confirmed", http.StatusSeeOther)
		return
	}
	s.sendLink(w, r, "verify-email.html", account.ResendVerification)
}

// resetPage asks for the email address to send a reset link to or, reached
// from a good reset link, for the new password.
func (s *server) resetPage(w http.ResponseWriter, r *http.Request) {
	p := tokenPage{Token: r.URL.Query().Get("token")}
	if p.Token != "" {
		err := account.CheckResetToken(r.Context(), s.db, p.Token)
		if s.refused(w, r, err, "reset.html", &tokenPage{}) {
			return
		}
		p.Good = true
	}
	s.renderForm(w, r, "reset.html", p, nil)
}

// reset sets a new password (a token) or sends a reset link (an email).
func (s *server) reset(w http.ResponseWriter, r *http.Request) {
	p := tokenPage{Token: r.PostFormValue("token"), Good: true}
	if p.Token == "" {
		s.sendLink(w, r, "reset.html", account.RequestReset)
		return
	}
	password := r.PostFormValue("password")
	if p.Errors = newPasswordProblems(password, r.PostFormValue("confirm")); len(p.Errors) > 0 {
		s.renderForm(w, r, "reset.html", p, p.Errors)
		return
	}
	err := account.Reset(r.Context(), s.db, p.Token, password)
	if s.refused(w, r, err, "reset.html", &p) {
		return
	}
	http.Redirect(w, r, "/sign-in?done=reset", http.StatusSeeOther)
}

// invitationPage shows the form that makes a family's account from a good invitation link.
func (s *server) invitationPage(w http.ResponseWriter, r *http.Request) {
	p := tokenPage{Token: r.URL.Query().Get("token")}
	if p.Token == "" { // the page says it needs the link from the email
		s.renderForm(w, r, "invitation.html", p, nil)
		return
	}
	email, err := account.CheckInvitation(r.Context(), s.db, p.Token)
	if s.refused(w, r, err, "invitation.html", &tokenPage{}) {
		return
	}
	p.Good, p.Email = true, email
	s.renderForm(w, r, "invitation.html", p, nil)
}

// acceptInvitation makes the account and signs the person in.
func (s *server) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	p := tokenPage{Token: r.PostFormValue("token"), Good: true}
	email, err := account.CheckInvitation(r.Context(), s.db, p.Token)
	if s.refused(w, r, err, "invitation.html", &tokenPage{}) {
		return
	}
	p.Email = email
	password := r.PostFormValue("password")
	if p.Errors = newPasswordProblems(password, r.PostFormValue("confirm")); len(p.Errors) > 0 {
		s.renderForm(w, r, "invitation.html", p, p.Errors)
		return
	}
	personID, err := account.AcceptInvitation(r.Context(), s.db, p.Token, password)
	if s.refused(w, r, err, "invitation.html", &p) {
		return
	}
	s.startSession(w, r, personID, "password", "/family/children")
}

// linkSent says a link is on its way, without saying whether the address has an account.
func (s *server) linkSent(w http.ResponseWriter, r *http.Request) {
	s.page(w, r, "link-sent.html", nil)
}

// sendLink asks send for a link to the address in the form, rate-limited,
// and says the same whether or not the address has an account.
func (s *server) sendLink(w http.ResponseWriter, r *http.Request, page string, send func(context.Context, *db.DB, string) error) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	p := tokenPage{Email: email}
	if !strings.Contains(email, "@") {
		p.Errors = []apperr.Field{{Name: "email", Message: "Enter your email address, like name@example.com"}}
		s.renderForm(w, r, page, p, p.Errors)
		return
	}
	if !s.allow(w, r, s.linkLimit) {
		p.Errors = []apperr.Field{{Name: "email", Message: "There have been too many requests from here. Wait 10 minutes and try again"}}
		s.renderFormStatus(w, r, http.StatusTooManyRequests, page, p, p.Errors)
		return
	}
	if err := send(r.Context(), s.db, email); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account/link-sent", http.StatusSeeOther)
}

// refused shows page again when err is a refused link or a password that
// breaks the rules, logging refusals as security events; it reports whether
// it wrote the response. A bad link clears the token, so the page offers a
// new link instead of the form; opened (GET), it is an ordinary page that
// says so, not an error.
func (s *server) refused(w http.ResponseWriter, r *http.Request, err error, page string, p *tokenPage) bool {
	if err == nil {
		return false
	}
	if ref, ok := account.IsRefusal(err); ok {
		s.security(r, "emailed link refused", "refusal", ref)
		if errors.Is(err, account.ErrBadToken) {
			*p = tokenPage{}
		}
		status := apperr.HTTPStatus(ref.Shown)
		if r.Method == http.MethodGet {
			status = http.StatusOK
		}
		p.Errors = []apperr.Field{{Name: "link", Message: ref.Shown.Message}}
		s.renderFormStatus(w, r, status, page, *p, p.Errors)
		return true
	}
	e := new(apperr.Error)
	switch {
	case errors.As(err, &e) && e.Code == apperr.Invalid: // the new password breaks account.CheckPassword's rules
		p.Errors = nil
		for _, f := range e.Fields { // the rules are phrased to follow the field's name
			p.Errors = append(p.Errors, apperr.Field{Name: f.Name, Message: "Your password " + f.Message})
		}
	case errors.As(err, &e) && e.Code == apperr.Conflict: // the account exists already
		p.Errors = []apperr.Field{{Name: "link", Message: "You already have an account. Sign in, or reset your password if you have forgotten it."}}
		p.Good = false
	default:
		s.serverError(w, r, err)
		return true
	}
	s.renderFormStatus(w, r, apperr.HTTPStatus(err), page, *p, p.Errors)
	return true
}

// newPasswordProblems checks the two password boxes agree; the rules
// themselves are account.CheckPassword's.
func newPasswordProblems(password, confirm string) []apperr.Field {
	switch {
	case password == "":
		return []apperr.Field{{Name: "password", Message: "Enter a new password"}}
	case password != confirm:
		return []apperr.Field{{Name: "confirm", Message: "The passwords do not match: type the same password in both boxes"}}
	}
	return nil
}

// inviteCarer sends a parent or the young person an invitation to make
// their account, from the child's record.
func (s *server) inviteCarer(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	id := r.PathValue("id")
	if err := record.InviteCarer(r.Context(), s.db, a, id, r.PostFormValue("person")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/children/"+id+"#family", http.StatusSeeOther)
}

// passwordPage is the signed-in form to change a family's password. Staff
// are told their password lives with their organisation.
type passwordPage struct {
	HasPassword, Done bool
	Errors            []apperr.Field
}

func (s *server) passwordPage(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	has, err := account.HasPassword(r.Context(), s.db, a.PersonID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderForm(w, r, "change-password.html", passwordPage{HasPassword: has, Done: r.URL.Query().Get("done") == "1"}, nil)
}

// changePassword needs the current password as well as the new one, keeps
// this browser signed in and signs out every other.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := passwordPage{HasPassword: true}
	password := r.PostFormValue("password")
	if p.Errors = newPasswordProblems(password, r.PostFormValue("confirm")); len(p.Errors) > 0 {
		s.renderForm(w, r, "change-password.html", p, p.Errors)
		return
	}
	err := account.ChangePassword(r.Context(), s.db, a.PersonID, r.PostFormValue("current"), password, sessionOf(r.Context()))
	status := http.StatusUnprocessableEntity
	if ref, ok := account.IsRefusal(err); ok {
		s.security(r, "password change refused", "refusal", ref)
		status = apperr.HTTPStatus(ref.Shown)
		err = ref.Shown
	}
	e := new(apperr.Error)
	switch {
	case err == nil:
		s.security(r, "password changed", "person", a.PersonID)
		http.Redirect(w, r, "/account/password?done=1", http.StatusSeeOther)
	case err == account.ErrNoPassword:
		s.renderForm(w, r, "change-password.html", passwordPage{}, nil)
	case errors.As(err, &e) && len(e.Fields) > 0:
		for _, f := range e.Fields {
			if f.Name == "password" { // the rules are phrased to follow the field's name
				f.Message = "Your new password " + f.Message
			}
			p.Errors = append(p.Errors, f)
		}
		s.renderFormStatus(w, r, status, "change-password.html", p, p.Errors)
	case errors.As(err, &e): // locked
		p.Errors = []apperr.Field{{Name: "current", Message: e.Message}}
		s.renderFormStatus(w, r, status, "change-password.html", p, p.Errors)
	default:
		s.serverError(w, r, err)
	}
}
