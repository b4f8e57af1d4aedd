package web

import (
	"errors"
	"net/http"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/record"
)

// proposePage is the form that offers a child's case to another team.
type proposePage struct {
	Child     record.Record
	Receivers []access.Organisation
	Pending   string // the id of a transfer already waiting for an answer
	To, Note  string
	Errors    []apperr.Field
}

// transferForm shows a manager who may reassign this child where the case can go.
func (s *server) transferForm(w http.ResponseWriter, r *http.Request) {
	s.proposeRender(w, r, proposePage{})
}

// proposeTransfer offers the case to another team; it moves when they accept.
func (s *server) proposeTransfer(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := proposePage{To: r.PostFormValue("organisation"), Note: r.PostFormValue("note")}
	t, err := record.ProposeTransfer(r.Context(), s.db, a, r.PathValue("id"), p.To, p.Note)
	if p.Errors = invalidFields(err); p.Errors != nil {
		s.proposeRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/transfers/"+t.ID, http.StatusSeeOther)
}

func (s *server) proposeRender(w http.ResponseWriter, r *http.Request, p proposePage) {
	var ok bool
	if p.Child, ok = s.childFor(w, r, access.CaseReassign); !ok {
		return
	}
	var err error
	if p.Receivers, err = access.Receivers(r.Context(), s.db, p.Child.ID); err == nil {
		p.Pending, err = access.PendingTransfer(r.Context(), s.db, p.Child.ID)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderForm(w, r, "transfer-propose.html", p, p.Errors)
}

// transfers lists the transfers to and from the manager's teams.
func (s *server) transfers(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	list, err := record.Transfers(r.Context(), s.db, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Incoming transfers are those the manager may answer; a council-wide
	// manager is on both sides of a move between its own teams.
	p := []struct {
		Heading, Empty string
		Transfers      []access.Transfer
	}{
		{Heading: "Waiting for your answer", Empty: "No transfers are waiting for your answer."},
		{Heading: "Waiting for the other team", Empty: "No transfers from your teams are waiting for an answer."},
		{Heading: "Answered in the last 4 weeks", Empty: "No transfers were answered in the last 4 weeks."},
	}
	for _, t := range list {
		i := 1
		switch {
		case t.Status != access.TransferPending:
			i = 2
		case t.Receiving:
			i = 0
		}
		p[i].Transfers = append(p[i].Transfers, t)
	}
	s.page(w, r, "transfers.html", p)
}

// transferPage shows one transfer with its note; the receiving side answers
// it here and the sending side can revoke it.
type transferPage struct {
	Transfer     access.Transfer
	Coordinators []access.Person
	Decision     string
	To           string // the coordinator chosen
	Reason       string
	Errors       []apperr.Field
}

func (s *server) transferPage(w http.ResponseWriter, r *http.Request) {
	s.transferRender(w, r, transferPage{})
}

// answerTransfer accepts the transfer, naming the new coordinator, or rejects it with a reason.
func (s *server) answerTransfer(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	id := r.PathValue("tid")
	p := transferPage{Decision: r.PostFormValue("decision"), To: r.PostFormValue("coordinator"), Reason: r.PostFormValue("reason")}
	var err error
	switch p.Decision {
	case "accept":
		_, err = record.AcceptTransfer(r.Context(), s.db, a, id, p.To)
	case "reject":
		_, err = record.RejectTransfer(r.Context(), s.db, a, id, p.Reason)
	default:
		err = errInvalid("decision", "choose whether to accept or reject the transfer")
	}
	if p.Errors = invalidFields(err); p.Errors != nil {
		s.transferRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/transfers/"+id, http.StatusSeeOther)
}

// revokeTransfer withdraws a transfer that is still waiting for an answer.
func (s *server) revokeTransfer(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	if _, err := record.RevokeTransfer(r.Context(), s.db, a, r.PathValue("tid")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/transfers/"+r.PathValue("tid"), http.StatusSeeOther)
}

// transferRender reads the transfer (audited: it names the child and carries
// the note) and, for the receiving side, the coordinators they may choose.
func (s *server) transferRender(w http.ResponseWriter, r *http.Request, p transferPage) {
	a, _ := actorOf(r.Context())
	var err error
	if p.Transfer, err = record.Transfer(r.Context(), s.db, a, r.PathValue("tid")); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Transfer.Receiving && p.Transfer.Status == access.TransferPending {
		if p.Coordinators, err = access.Coordinators(r.Context(), s.db, p.Transfer.ToOrg); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.renderForm(w, r, "transfer.html", p, p.Errors)
}

// childFor checks the signed-in person may do p to the child in the address
// and reads the record (audited like any read); on refusal it shows the error page.
func (s *server) childFor(w http.ResponseWriter, r *http.Request, p access.Permission) (record.Record, bool) {
	a, _ := actorOf(r.Context())
	id := r.PathValue("id")
	if dec, err := access.Check(r.Context(), s.db, a, p, id, db.Now()); err != nil || !dec.Allow {
		if err == nil {
			err = dec.Err()
		}
		s.fail(w, r, err)
		return record.Record{}, false
	}
	rec, err := record.Child(r.Context(), s.db, a, id, access.CaseView)
	if err != nil {
		s.fail(w, r, err)
		return record.Record{}, false
	}
	return rec, true
}

// invalidFields returns the fields an Invalid error names, or nil for any other error.
func invalidFields(err error) []apperr.Field {
	if e := new(apperr.Error); errors.As(err, &e) && e.Code == apperr.Invalid {
		return e.Fields
	}
	return nil
}
