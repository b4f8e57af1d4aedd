package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/appeal"
	"joinedup/internal/apperr"
	"joinedup/internal/casework"
	"joinedup/internal/date"
)

// The JSON API's side of the EHC workflow around the clock (ehc_flow.go):
// online requests, decision letters, and the mediation and tribunal steps
// after a letter. Each handler is a thin wrapper over the casework function
// the page calls, so access, validation and audit are the same.

// apiFieldKind is how a body field is read.
type apiFieldKind int

const (
	fieldText apiFieldKind = iota
	fieldDate              // YYYY-MM-DD
	fieldTime              // RFC 3339 date-time
)

// apiBody is a request body read field by field.
type apiBody struct {
	text  map[string]string
	dates map[string]date.Date
	times map[string]time.Time
}

// readFields reads obj's fields, all strings, as kinds says. A field not in
// kinds, a value that is not a string, and a date or time that is not one
// are each named; nothing is checked beyond that, which is casework's part.
func readFields(obj map[string]json.RawMessage, what string, kinds map[string]apiFieldKind) (apiBody, error) {
	b := apiBody{text: map[string]string{}, dates: map[string]date.Date{}, times: map[string]time.Time{}}
	var bad apperr.Fields
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		kind, ok := kinds[k]
		if !ok {
			bad.Add(k, fmt.Sprintf("%s has no such field; its fields are %v", what, slices.Sorted(maps.Keys(kinds))))
			continue
		}
		var s string
		if string(obj[k]) != "null" && json.Unmarshal(obj[k], &s) != nil {
			bad.Add(k, "must be a string")
			continue
		}
		switch {
		case s == "":
		case kind == fieldDate:
			d, err := date.Parse(s)
			if err != nil {
				bad.Add(k, err.Error())
			}
			b.dates[k] = d
		case kind == fieldTime:
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				bad.Add(k, "must be a date and time with its offset, for example 2026-11-20T14:30:00Z")
			}
			b.times[k] = t
		}
		b.text[k] = s
	}
	return b, bad.Err(what)
}

// renamed is err with the form's field names (consent-by) turned into the
// API's (consent_given_by), so a refusal names the field that was sent.
func renamed(err error, names map[string]string) error {
	var e *apperr.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]apperr.Field, len(e.Fields))
	for i, f := range e.Fields {
		if n, ok := names[f.Name]; ok {
			f.Name = n
		}
		out.Fields[i] = f
	}
	return &out
}

// readBody reads the request's JSON object into fields, answering the
// request itself when it cannot.
func (s *server) readBody(w http.ResponseWriter, r *http.Request, what string, kinds map[string]apiFieldKind) (apiBody, bool) {
	obj, status, e := readObject(w, r)
	if e != nil {
		apiError(w, status, e)
		return apiBody{}, false
	}
	b, err := readFields(obj, what, kinds)
	if err != nil {
		s.apiFail(w, r, err)
		return apiBody{}, false
	}
	return b, true
}

// apiRequest is a request for an EHC needs assessment made online.
type apiRequest struct {
	ID             string    `json:"id"`
	ChildID        string    `json:"child_id"`
	ChildName      string    `json:"child_name"`
	Source         string    `json:"source"`
	Reasons        string    `json:"reasons,omitempty"` // left out of the list of requests waiting
	ReceivedOn     date.Date `json:"received_on"`
	ConsentGivenBy string    `json:"consent_given_by,omitempty"`
	ConsentGivenOn date.Date `json:"consent_given_on,omitzero"`
	Status         string    `json:"status"`
	Team           string    `json:"team,omitempty"`
}

func toAPIRequest(rq casework.Request) apiRequest {
	return apiRequest{ID: rq.ID, ChildID: rq.ChildID, ChildName: rq.ChildName, Source: rq.Source, Reasons: rq.Reasons, ReceivedOn: rq.ReceivedOn,
		ConsentGivenBy: rq.ConsentGivenBy, ConsentGivenOn: rq.ConsentGivenOn, Status: rq.Status, Team: rq.Team}
}

type apiRequests struct {
	Requests []apiRequest `json:"requests"`
}

var apiRequestFields = map[string]apiFieldKind{"reasons": fieldText, "consent_given_by": fieldText, "consent_given_on": fieldDate}

// apiEHCRequest asks for an EHC needs assessment (SEND Regs 2014 reg 3): a
// family for their own child, or a professional or setting for a child they
// can see. 201 with the request; 409 when one is already open.
func (s *server) apiEHCRequest(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the request", apiRequestFields)
	if !ok {
		return
	}
	rq, err := casework.SubmitRequest(r.Context(), s.db, a, r.PathValue("id"), casework.RequestInput{Reasons: b.text["reasons"],
		ConsentGivenBy: b.text["consent_given_by"], ConsentGivenOn: b.dates["consent_given_on"]})
	if err != nil {
		s.apiFail(w, r, renamed(err, map[string]string{"consent-by": "consent_given_by", "consent-on": "consent_given_on"}))
		return
	}
	writeJSON(w, http.StatusCreated, toAPIRequest(rq))
}

// apiEHCRequests lists the requests made online waiting with the actor's teams, oldest first.
func (s *server) apiEHCRequests(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	if len(r.URL.Query()) > 0 {
		var bad apperr.Fields
		for _, k := range slices.Sorted(maps.Keys(r.URL.Query())) {
			bad.Add(k, "the requests waiting take no query")
		}
		s.apiFail(w, r, bad.Err("the query"))
		return
	}
	list, err := casework.WaitingRequests(r.Context(), s.db, a, ehcRequestsLimit)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiRequests{Requests: []apiRequest{}}
	for _, rq := range list {
		out.Requests = append(out.Requests, toAPIRequest(rq))
	}
	writeJSON(w, http.StatusOK, out)
}

// apiEHCAcceptRequest logs a waiting request in the child's case: 201 with
// the request_received event it records.
func (s *server) apiEHCAcceptRequest(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the acceptance", map[string]apiFieldKind{"request": fieldText})
	if !ok {
		return
	}
	ev, err := casework.AcceptRequest(r.Context(), s.db, a, r.PathValue("id"), b.text["request"])
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIEvent(ev))
}

// apiDeadline is a date the appeal rules set, with the rule and regulation.
type apiDeadline struct {
	Rule  string    `json:"rule"`
	Duty  string    `json:"duty"`
	Basis string    `json:"basis"`
	Due   date.Date `json:"due"`
}

// apiLetter is a decision letter, how it was served and what followed it,
// with the dates worked out from them.
type apiLetter struct {
	ID               string        `json:"id"`
	ChildID          string        `json:"child_id"`
	EventID          string        `json:"event_id"`
	Kind             string        `json:"kind"`
	Decision         string        `json:"decision"`
	Basis            string        `json:"basis"`
	DecisionOn       date.Date     `json:"decision_on"`
	Reasons          string        `json:"reasons"`
	Adviser          string        `json:"adviser"`
	Method           string        `json:"method"`
	SentAt           time.Time     `json:"sent_at"`
	DeemedReceivedOn date.Date     `json:"deemed_received_on"`
	IssuedBy         string        `json:"issued_by,omitempty"` // staff only
	AppealBy         apiDeadline   `json:"appeal_by"`
	CertificateOn    date.Date     `json:"certificate_on,omitzero"`
	CertificateDue   *apiDeadline  `json:"certificate_due"` // null unless the adviser has been told and no certificate is issued yet
	AppealLodged     bool          `json:"appeal_lodged"`
	Order            string        `json:"order,omitempty"`
	OrderDeadlines   []apiDeadline `json:"order_deadlines"`
	Steps            []apiStep     `json:"steps"`
}

// apiStep is a mediation or tribunal step after a letter.
type apiStep struct {
	ID         string    `json:"id"`
	Seq        int       `json:"seq"`
	Step       string    `json:"step"`
	Words      string    `json:"words"`
	Date       date.Date `json:"date"`
	Outcome    string    `json:"outcome,omitempty"`
	Note       string    `json:"note,omitempty"`        // staff only
	RecordedBy string    `json:"recorded_by,omitempty"` // staff only
}

func toAPIDeadline(d appeal.Deadline) apiDeadline { return apiDeadline{d.Rule, d.Duty, d.Basis, d.Due} }

func toAPIStep(st casework.Step) apiStep {
	return apiStep{ID: st.ID, Seq: st.Seq, Step: st.Step, Words: casework.StepWords[st.Step], Date: st.Date, Outcome: st.Outcome, Note: st.Note, RecordedBy: st.RecordedBy}
}

// toAPILetter is l as staff read it, or the family (staff's names left out;
// casework has already left out staff's notes on the steps).
func toAPILetter(l casework.Letter, staff bool) apiLetter {
	out := apiLetter{ID: l.ID, ChildID: l.ChildID, EventID: l.EventID, Kind: l.Kind, Decision: casework.LetterWords[l.Kind], Basis: casework.LetterBasis[l.Kind],
		DecisionOn: l.DecisionOn, Reasons: l.Reasons, Adviser: l.Adviser, Method: l.Method, SentAt: l.SentAt.UTC(), DeemedReceivedOn: l.DeemedOn,
		AppealBy: toAPIDeadline(l.AppealBy), CertificateOn: l.Certificate, AppealLodged: l.AppealLodged, Order: l.Order,
		OrderDeadlines: []apiDeadline{}, Steps: []apiStep{}}
	if staff {
		out.IssuedBy = l.IssuedBy
	}
	if l.CertDue != nil {
		d := toAPIDeadline(*l.CertDue)
		out.CertificateDue = &d
	}
	for _, d := range l.Compliance {
		out.OrderDeadlines = append(out.OrderDeadlines, toAPIDeadline(d))
	}
	for _, st := range l.Steps {
		a := toAPIStep(st)
		if !staff {
			a.RecordedBy = ""
		}
		out.Steps = append(out.Steps, a)
	}
	return out
}

var apiLetterFields = map[string]apiFieldKind{"event": fieldText, "method": fieldText, "adviser": fieldText, "reasons": fieldText, "sent_at": fieldTime}

// apiEHCLetter issues a decision letter about one of the case's appealable
// decisions: 201 with the letter, its deemed receipt and appeal deadline.
func (s *server) apiEHCLetter(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the letter", apiLetterFields)
	if !ok {
		return
	}
	l, err := casework.IssueLetter(r.Context(), s.db, a, r.PathValue("id"), casework.LetterInput{EventID: b.text["event"], Method: b.text["method"],
		Adviser: b.text["adviser"], Reasons: b.text["reasons"], SentAt: b.times["sent_at"]})
	if err != nil {
		s.apiFail(w, r, renamed(err, map[string]string{"sent": "sent_at"}))
		return
	}
	writeJSON(w, http.StatusCreated, toAPILetter(l, true))
}

// apiEHCLetterGet is a letter of a child's, for staff.
func (s *server) apiEHCLetterGet(w http.ResponseWriter, r *http.Request) {
	s.apiLetterFor(w, r, access.CaseView)
}

// apiFamilyEHCLetter is a letter about the family's own child.
func (s *server) apiFamilyEHCLetter(w http.ResponseWriter, r *http.Request) {
	s.apiLetterFor(w, r, access.FamilyView)
}

func (s *server) apiLetterFor(w http.ResponseWriter, r *http.Request, p access.Permission) {
	a, _ := actorOf(r.Context())
	c, err := casework.Get(r.Context(), s.db, a, r.PathValue("id"), p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	l, err := c.FindLetter(r.PathValue("lid"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPILetter(l, p != access.FamilyView))
}

var apiStepFields = map[string]apiFieldKind{"step": fieldText, "date": fieldDate, "outcome": fieldText, "note": fieldText}

// apiEHCStep records a mediation or tribunal step after a letter: 201 with the step.
func (s *server) apiEHCStep(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the step", apiStepFields)
	if !ok {
		return
	}
	st, err := casework.AddStep(r.Context(), s.db, a, r.PathValue("id"), r.PathValue("lid"), casework.StepInput{Step: b.text["step"],
		Outcome: b.text["outcome"], Note: b.text["note"], Date: b.dates["date"]})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIStep(st))
}
