package web

import (
	"net/http"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/record"
)

// reassignPage is the handover form: who the new named contact will be, and the note for them.
type reassignPage struct {
	Child        record.Record
	Coordinators []access.Person
	To, Note     string
	Errors       []apperr.Field
}

// reassignForm shows the handover form to a manager who may reassign this child.
func (s *server) reassignForm(w http.ResponseWriter, r *http.Request) {
	s.reassignRender(w, r, reassignPage{})
}

// reassign hands the child to another coordinator and tells the family.
func (s *server) reassign(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := reassignPage{To: r.PostFormValue("coordinator"), Note: r.PostFormValue("note")}
	_, err := record.Reassign(r.Context(), s.db, a, r.PathValue("id"), p.To, p.Note)
	if p.Errors = invalidFields(err); p.Errors != nil {
		s.reassignRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/children/"+r.PathValue("id"), http.StatusSeeOther)
}

// reassignRender reads the child (checked and audited like any read) and the
// coordinators, then shows the form with p's answers and errors.
func (s *server) reassignRender(w http.ResponseWriter, r *http.Request, p reassignPage) {
	a, _ := actorOf(r.Context())
	var ok bool
	if p.Child, ok = s.childFor(w, r, access.CaseReassign); !ok {
		return
	}
	var err error
	if p.Coordinators, err = access.Coordinators(r.Context(), s.db, a.OrganisationID); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderForm(w, r, "reassign.html", p, p.Errors)
}
