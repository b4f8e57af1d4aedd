package web

import (
	"net/http"
	"time"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/offer/edits"
)

// Providers keep the Local Offer fresh (issue 6, point 3): a provider's staff
// edit their own organisation's entries (offer.provide), and the edits wait
// for a Local Offer editor (offer.moderate) to approve or return them. The
// work is internal/offer/edits'; these handlers read forms and draw pages.

func (s *server) edits() *edits.Store { return &edits.Store{DB: s.db} }

// providerServicesPage lists a provider's entries with where each stands.
type providerServicesPage struct {
	Services []edits.Service
	Now      time.Time
	Saved    string // what was just done, for the banner
}

func (s *server) providerServices(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	list, err := s.edits().Services(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	saved := map[string]string{"edit": "Your changes have been sent to the Local Offer team. Families see the entry as it was until they approve them.",
		"confirmed": "Thank you: the entry is marked as checked today."}[r.URL.Query().Get("done")]
	s.page(w, r, "offer-services.html", providerServicesPage{Services: list, Now: db.Now(), Saved: saved})
}

// editField is one field of the edit form as the page draws it.
type editField struct {
	Name, Label, Hint, Value, Error string
	Long                            bool
	Width                           string // a GOV.UK width class for short answers
}

type offerEditPage struct {
	Draft      edits.Draft
	Fields     []editField
	HasAddress bool
	Errors     []apperr.Field
}

var fieldHints = map[string]string{
	"description": "What families get, who it is for and what happens, in plain English",
	"minimum_age": "In years, from 0 to 25. Leave empty if there is no lower limit",
	"maximum_age": "In years, from 0 to 25. Leave empty if there is no upper limit",
	"fees":        "For example, Free, or £5 a session, free with a short breaks letter",
	"website":     "Where families apply or find out more, starting with https://",
	"phone":       "The number families call to ask about the service",
	"times":       "For example, Mondays and Wednesdays in term time, 4pm to 6pm",
	"address_1":   "Where the service runs: this changes the address of the place for every service there",
}

var fieldWidths = map[string]string{"minimum_age": "govuk-input--width-3", "maximum_age": "govuk-input--width-3",
	"phone": "govuk-input--width-20", "postal_code": "govuk-input--width-10", "city": "govuk-input--width-20"}

func (s *server) editPage(w http.ResponseWriter, r *http.Request, d edits.Draft, f edits.Form, errs []apperr.Field) {
	p := offerEditPage{Draft: d, HasAddress: edits.HasAddress(d.Live), Errors: errs}
	for _, fd := range edits.Fields {
		if !p.HasAddress && (fd.Name == "address_1" || fd.Name == "city" || fd.Name == "postal_code") {
			continue
		}
		p.Fields = append(p.Fields, editField{Name: fd.Name, Label: fd.Label, Hint: fieldHints[fd.Name], Value: fd.Value(f),
			Error: fieldError(errs, fd.Name), Long: fd.Name == "description" || fd.Name == "times", Width: fieldWidths[fd.Name]})
	}
	s.renderForm(w, r, "offer-edit.html", p, errs)
}

func (s *server) providerEditForm(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	d, err := s.edits().ForProvider(r.Context(), a, r.PathValue("sid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.editPage(w, r, d, d.Form(), nil)
}

// providerEdit stores the edit as pending; the form comes back with what is
// wrong, and nothing is stored.
func (s *server) providerEdit(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	id := r.PathValue("sid")
	d, err := s.edits().ForProvider(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f edits.Form
	for _, fd := range edits.Fields {
		f.Set(fd.Name, r.PostFormValue(fd.Name))
	}
	_, err = s.edits().Propose(r.Context(), a, id, f)
	if fs := invalidFields(err); fs != nil {
		s.editPage(w, r, d, f, fs)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/offer/services?done=edit", http.StatusSeeOther)
}

func (s *server) providerConfirm(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	if err := s.edits().Confirm(r.Context(), a, r.PathValue("sid")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/offer/services?done=confirmed", http.StatusSeeOther)
}

// historyPage is every edit of one entry, newest first.
type historyPage struct {
	Name    string
	Edits   []edits.Edit
	Editing bool // the reader is the provider, who may edit it
	ID      string
}

func (s *server) history(w http.ResponseWriter, r *http.Request, editing bool) {
	a, _ := actorOf(r.Context())
	id := r.PathValue("sid")
	d, err := s.edits().ForProvider(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.edits().History(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "offer-history.html", historyPage{Name: d.Live.Name, Edits: list, Editing: editing, ID: id})
}

func (s *server) providerHistory(w http.ResponseWriter, r *http.Request) { s.history(w, r, true) }
func (s *server) editorHistory(w http.ResponseWriter, r *http.Request)   { s.history(w, r, false) }

// queuePage is the edits waiting for an editor, oldest first.
type queuePage struct {
	Edits  []edits.Edit
	Done   string
	Errors []apperr.Field
}

func (s *server) queue(w http.ResponseWriter, r *http.Request, errs []apperr.Field) {
	a, _ := actorOf(r.Context())
	list, err := s.edits().Queue(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done := map[string]string{"approved": "The edits are approved and families can see them now.",
		"returned": "The edit has been returned to the provider with your comments."}[r.URL.Query().Get("done")]
	s.renderForm(w, r, "offer-queue.html", queuePage{Edits: list, Done: done, Errors: errs}, errs)
}

func (s *server) editQueue(w http.ResponseWriter, r *http.Request) { s.queue(w, r, nil) }

// approveEdits approves the edits ticked (or the one named), all or none.
func (s *server) approveEdits(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, apperr.Errorf(apperr.Invalid, "the form could not be read"))
		return
	}
	err := s.edits().Approve(r.Context(), a, r.PostForm["edit"])
	if fs := invalidFields(err); fs != nil {
		s.queue(w, r, fs)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/offer/edits?done=approved", http.StatusSeeOther)
}

// reviewPage is one edit with its changes, to approve or return.
type reviewPage struct {
	Edit     edits.Edit
	Comments string
	Errors   []apperr.Field
}

func (s *server) reviewEdit(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	e, err := s.edits().Edit(r.Context(), a, r.PathValue("eid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderForm(w, r, "offer-review.html", reviewPage{Edit: e}, nil)
}

func (s *server) returnEdit(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	id := r.PathValue("eid")
	e, err := s.edits().Edit(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	comments := r.PostFormValue("comments")
	err = s.edits().Return(r.Context(), a, id, comments)
	if fs := invalidFields(err); fs != nil {
		s.renderForm(w, r, "offer-review.html", reviewPage{Edit: e, Comments: comments, Errors: fs}, fs)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/offer/edits?done=returned", http.StatusSeeOther)
}

// editStatus says where an edit stands, for people.
func editStatus(status string) string {
	return map[string]string{edits.Pending: "Waiting for approval", edits.Returned: "Returned with comments",
		edits.Approved: "Approved", edits.Resubmitted: "Returned, then changed again"}[status]
}

// stalePage is the services not confirmed for ReviewEvery months.
type stalePage struct {
	Services []edits.Service
	Months   int
}

func (s *server) staleEntries(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	list, err := s.edits().Stale(r.Context(), a, db.Now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "offer-stale.html", stalePage{Services: list, Months: edits.ReviewEvery})
}
