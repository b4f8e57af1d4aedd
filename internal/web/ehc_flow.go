package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/appeal"
	"joinedup/internal/apperr"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/demo"
)

// The EHC workflow around the clock (issue 4, points 1, 5 and 6): requests
// made online, decision letters with appeal rights and how they were served,
// and the mediation and tribunal steps after a letter. Capability code is in
// internal/casework (request.go, letters.go, disputes.go) and internal/appeal.

// requestPage is the online request form, for a family or a professional.
type requestPage struct {
	Case                 casework.Case
	Family               bool
	Source               string
	NeedsConsent         bool
	Reasons, ConsentBy   string
	ConsentOn            dateParts
	Errors               []apperr.Field
	Duplicate            string // a request is already open: what happens next
	Sent                 *casework.Request
	Action, Back, Second string
}

func (s *server) requestBase(r *http.Request) (requestPage, error) {
	a, _ := actorOf(r.Context())
	p := requestPage{Family: a.Kind != access.Staff}
	p.Source, p.NeedsConsent = casework.RequestSource(a)
	perm, area := access.CaseView, "staff"
	if p.Family {
		perm, area = access.FamilyView, "family"
	}
	var err error
	p.Case, err = casework.Get(r.Context(), s.db, a, r.PathValue("id"), perm)
	p.Action = "/" + area + "/children/" + url.PathEscape(r.PathValue("id")) + "/ehc/request"
	p.Back = "/" + area + "/children/" + url.PathEscape(r.PathValue("id")) + "/ehc"
	return p, err
}

// ehcRequestForm asks for an EHC needs assessment (SEND Regs 2014 reg 3).
func (s *server) ehcRequestForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.requestBase(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderForm(w, r, "ehc-request.html", p, nil)
}

// ehcRequest sends the request; the form comes back with what is wrong, or
// says plainly that a request is already open and what happens next.
func (s *server) ehcRequest(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	in := casework.RequestInput{Reasons: r.PostFormValue("reasons"), ConsentGivenBy: r.PostFormValue("consent-by")}
	consentOn := partsOf(r, "consent-on")
	var bad []apperr.Field
	var err error
	if in.ConsentGivenOn, err = consentOn.date(); err != nil {
		bad = append(bad, apperr.Field{Name: "consent-on", Message: "Enter the date they agreed as a real date, for example 27 3 2026"})
	}
	var sent casework.Request
	if len(bad) == 0 {
		sent, err = casework.SubmitRequest(r.Context(), s.db, a, r.PathValue("id"), in)
		bad = invalidFields(err)
	}
	var dup string
	if e := new(apperr.Error); errors.As(err, &e) && e.Code == apperr.Conflict {
		dup, err = e.Message, nil
	}
	if err != nil && bad == nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.requestBase(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Reasons, p.ConsentBy, p.ConsentOn, p.Errors, p.Duplicate = in.Reasons, in.ConsentGivenBy, consentOn, bad, dup
	switch {
	case dup != "":
		s.renderFormStatus(w, r, http.StatusConflict, "ehc-request.html", p, nil)
	case len(bad) > 0:
		s.renderForm(w, r, "ehc-request.html", p, bad)
	default:
		p.Sent = &sent
		s.renderForm(w, r, "ehc-request.html", p, nil)
	}
}

// ehcRequestsLimit is the most requests waiting the page lists, oldest first.
const ehcRequestsLimit = 500

// ehcRequests lists the requests made online waiting with the actor's teams.
func (s *server) ehcRequests(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	list, err := casework.WaitingRequests(r.Context(), s.db, a, ehcRequestsLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "ehc-requests.html", list)
}

// ehcAcceptRequest logs a waiting request in the child's case.
func (s *server) ehcAcceptRequest(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	if _, err := casework.AcceptRequest(r.Context(), s.db, a, r.PathValue("id"), r.PostFormValue("request")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/children/"+url.PathEscape(r.PathValue("id"))+"/ehc", http.StatusSeeOther)
}

// letterFormPage is the form for sending a decision letter.
type letterFormPage struct {
	Case                            casework.Case
	Events                          []casework.Event
	Event, Method, Adviser, Reasons string
	Sent                            dateParts
	SentTime                        string
	Errors                          []apperr.Field
}

// DefaultAdviser is offered in the letter form: the demo partnership's
// mediation adviser until a partnership's own settings hold theirs.
const DefaultAdviser = demo.MediationAdviser

func (s *server) ehcLetterForm(w http.ResponseWriter, r *http.Request) {
	today := todayOf()
	s.letterRender(w, r, letterFormPage{Adviser: DefaultAdviser, Method: appeal.Email,
		Sent: dateParts{strconv.Itoa(today.Day()), strconv.Itoa(int(today.Month())), strconv.Itoa(today.Year())}})
}

func (s *server) letterRender(w http.ResponseWriter, r *http.Request, p letterFormPage) {
	a, _ := actorOf(r.Context())
	var err error
	if p.Case, err = casework.Get(r.Context(), s.db, a, r.PathValue("id"), access.CaseEdit); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Events = casework.Appealable(p.Case, p.Case.Letters)
	if p.Event == "" && len(p.Events) > 0 {
		p.Event = p.Events[len(p.Events)-1].ID
		if p.Reasons == "" {
			p.Reasons = p.Events[len(p.Events)-1].Note
		}
	}
	s.renderForm(w, r, "ehc-letter-new.html", p, p.Errors)
}

// ehcLetter sends a decision letter: the form comes back with what is wrong.
func (s *server) ehcLetter(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := letterFormPage{Event: r.PostFormValue("event"), Method: r.PostFormValue("method"), Adviser: r.PostFormValue("adviser"),
		Reasons: r.PostFormValue("reasons"), Sent: partsOf(r, "sent"), SentTime: strings.TrimSpace(r.PostFormValue("sent-time"))}
	at, err := sentAt(p.Sent, p.SentTime)
	if err != nil {
		p.Errors = []apperr.Field{{Name: "sent", Message: err.Error()}}
		s.letterRender(w, r, p)
		return
	}
	l, err := casework.IssueLetter(r.Context(), s.db, a, r.PathValue("id"), casework.LetterInput{EventID: p.Event, Method: p.Method,
		Adviser: p.Adviser, Reasons: p.Reasons, SentAt: at})
	if fs := invalidFields(err); fs != nil {
		p.Errors = fs
		s.letterRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/children/"+url.PathEscape(r.PathValue("id"))+"/ehc/letters/"+url.PathEscape(l.ID), http.StatusSeeOther)
}

// sentAt is the moment a letter was sent, in London: the date, and the time
// (HH:MM, 24-hour) which the 4.30pm rule of CPR 6.26 needs; empty means now
// when the date is today.
func sentAt(d dateParts, hhmm string) (time.Time, error) {
	day, err := d.date()
	if err != nil {
		return time.Time{}, err
	}
	if day.IsZero() {
		return time.Time{}, errors.New("Enter the date the letter is sent")
	}
	now := db.Now().In(appeal.London)
	if hhmm == "" {
		if day == date.Today(now) {
			return now, nil
		}
		return time.Time{}, errors.New("Enter the time the letter was sent, for example 14:30")
	}
	t, err := time.Parse("15:04", strings.ReplaceAll(hhmm, ".", ":"))
	if err != nil {
		return time.Time{}, errors.New("Enter the time as hours and minutes on the 24-hour clock, for example 14:30")
	}
	return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, appeal.London), nil
}

// letterPage is a decision letter as the family reads it, printable, and for
// staff the form recording mediation and tribunal steps after it.
type letterPage struct {
	Case   casework.Case
	Letter casework.Letter
	Staff  bool
	Step   stepForm
}

type stepForm struct {
	Step, Outcome, Note string
	Date                dateParts
	Errors              []apperr.Field
}

func (s *server) ehcLetterPage(w http.ResponseWriter, r *http.Request) {
	s.letterPageRender(w, r, stepForm{})
}

func (s *server) letterPageRender(w http.ResponseWriter, r *http.Request, f stepForm) {
	a, _ := actorOf(r.Context())
	c, err := casework.Get(r.Context(), s.db, a, r.PathValue("id"), readPermission(a))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := c.FindLetter(r.PathValue("lid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderForm(w, r, "ehc-letter.html", letterPage{Case: c, Letter: l, Staff: a.Kind == access.Staff, Step: f}, f.Errors)
}

// ehcStep records a mediation or tribunal step after a letter.
func (s *server) ehcStep(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	f := stepForm{Step: r.PostFormValue("step"), Outcome: r.PostFormValue("outcome"), Note: r.PostFormValue("note"), Date: partsOf(r, "date")}
	day, err := f.Date.date()
	if err != nil {
		f.Errors = []apperr.Field{{Name: "date", Message: "Enter a real date, for example 27 3 2026"}}
		s.letterPageRender(w, r, f)
		return
	}
	_, err = casework.AddStep(r.Context(), s.db, a, r.PathValue("id"), r.PathValue("lid"), casework.StepInput{Step: f.Step, Outcome: f.Outcome, Note: f.Note, Date: day})
	if fs := invalidFields(err); fs != nil {
		f.Errors = fs
		s.letterPageRender(w, r, f)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/staff/children/%s/ehc/letters/%s", url.PathEscape(r.PathValue("id")), url.PathEscape(r.PathValue("lid"))), http.StatusSeeOther)
}

// ehcFlow is what the "ehcFlow" template draws on the case and family pages.
type ehcFlow struct {
	Case           casework.Case
	Base           string // /staff or /family
	Staff, CanEdit bool
}

func init() {
	ehcFuncs["ehcFlow"] = func(c casework.Case, a access.Actor) ehcFlow {
		f := ehcFlow{Case: c, Base: "/family", Staff: a.Kind == access.Staff}
		if f.Staff {
			f.Base, f.CanEdit = "/staff", a.May(access.CaseEdit)
		}
		return f
	}
	ehcFuncs["ehcLetterWords"] = func(kind string) string { return casework.LetterWords[kind] }
	ehcFuncs["ehcLetterBasis"] = func(kind string) string { return casework.LetterBasis[kind] }
	ehcFuncs["ehcStepWords"] = func(step string) string { return casework.StepWords[step] }
	ehcFuncs["ehcOutcomeWords"] = func(step, outcome string) string {
		for _, o := range casework.Outcomes[step] {
			if o.Value == outcome {
				return o.Text
			}
		}
		return outcome
	}
	ehcFuncs["ehcSteps"] = func() []choice {
		var out []choice
		for _, st := range casework.Steps {
			out = append(out, choice{st, casework.StepWords[st]})
		}
		return out
	}
	ehcFuncs["ehcOutcomes"] = func() []choice {
		var out []choice
		for _, st := range casework.Steps {
			for _, o := range casework.Outcomes[st] {
				out = append(out, choice{o.Value, casework.StepWords[st] + ": " + o.Text})
			}
		}
		return out
	}
	ehcFuncs["ehcMethods"] = func() []choice {
		return []choice{{appeal.Email, "Email"}, {appeal.Post, "First class post"}, {appeal.Portal, "On joinedup (the family is emailed as well)"}, {appeal.Hand, "By hand"}}
	}
	ehcFuncs["ehcMethodWords"] = func(m string) string {
		return map[string]string{appeal.Email: "by email", appeal.Post: "by first class post", appeal.Portal: "on joinedup, with an email to say so", appeal.Hand: "by hand"}[m]
	}
	ehcFuncs["ehcLetterEvents"] = func(es []casework.Event) []choice {
		var out []choice
		for _, e := range es {
			out = append(out, choice{e.ID, fmt.Sprintf("%s: %s", e.Date.Time().Format("2 January 2006"), casework.TypeWords[e.Type.String()])})
		}
		return out
	}
	ehcFuncs["ehcTime"] = func(t time.Time) string { return t.In(appeal.London).Format("2 January 2006 at 3:04pm") }
}
