package web

import (
	"net/http"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/record"
)

// sharePage is the safeguarding share form: with whom, on what law, and why.
type sharePage struct {
	Child                       record.Record
	Organisations               []access.Organisation
	Bases                       []string
	Organisation, Basis, Reason string
	Errors                      []apperr.Field
}

// shareForm shows the safeguarding share form to someone who may share this child's record.
func (s *server) shareForm(w http.ResponseWriter, r *http.Request) {
	s.shareRender(w, r, sharePage{})
}

// share shares the record without consent, alerts the sharer's managers and audits it.
func (s *server) share(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := sharePage{Organisation: r.PostFormValue("organisation"), Basis: r.PostFormValue("basis"), Reason: r.PostFormValue("reason")}
	_, err := record.SafeguardingShare(r.Context(), s.db, a, r.PathValue("id"), p.Organisation, p.Basis, p.Reason)
	if p.Errors = invalidFields(err); p.Errors != nil {
		s.shareRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.logger.WarnContext(r.Context(), "security: safeguarding share", "request_id", a.RequestID)
	http.Redirect(w, r, "/staff/children/"+r.PathValue("id"), http.StatusSeeOther)
}

func (s *server) shareRender(w http.ResponseWriter, r *http.Request, p sharePage) {
	var ok bool
	if p.Child, ok = s.childFor(w, r, access.Safeguard); !ok {
		return
	}
	var err error
	if p.Organisations, err = access.ShareTargets(r.Context(), s.db); err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Bases = access.LawfulBases
	s.renderForm(w, r, "safeguarding-share.html", p, p.Errors)
}

// alerts lists the break-glass uses and safeguarding shares of the manager's organisation.
func (s *server) alerts(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	list, err := record.Alerts(r.Context(), s.db, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "alerts.html", list)
}

// reviewAlert marks an alert reviewed.
func (s *server) reviewAlert(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	if _, err := record.ReviewAlert(r.Context(), s.db, a, r.PathValue("aid")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/alerts", http.StatusSeeOther)
}
