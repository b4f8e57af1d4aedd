package web

import (
	"encoding/csv"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/csvsafe"
	"joinedup/internal/date"
	"joinedup/internal/earlyyears"
)

// Early-years notifications (issue 5, point 6; CFA 2014 s23): a health
// professional tells the council; the council's queue, acknowledgement and
// record of what it did; the totals; the family's page. Every read and change
// goes through package earlyyears, which checks access and writes the audit row.

// eyNotifyPage is the health professional's form.
type eyNotifyPage struct {
	NHSNumber, Needs, How, Discussion, Voluntary string
	Informed                                     bool
	InformedOn                                   dateParts
	Errors                                       []apperr.Field
}

func (s *server) eyNotifyForm(w http.ResponseWriter, r *http.Request) {
	s.renderForm(w, r, "earlyyears_notify.html", eyNotifyPage{}, nil)
}

// eyNotify sends the notification; the form comes back naming what is wrong, and nothing is stored.
func (s *server) eyNotify(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := eyNotifyPage{NHSNumber: r.PostFormValue("nhs-number"), Needs: r.PostFormValue("needs"), How: r.PostFormValue("informed-how"),
		Discussion: r.PostFormValue("discussion"), Voluntary: r.PostFormValue("voluntary"),
		Informed: r.PostFormValue("parent-informed") == "yes", InformedOn: partsOf(r, "informed-on")}
	on, err := p.InformedOn.date()
	if err != nil {
		p.Errors = []apperr.Field{{Name: "informed-on", Message: "Date you told the parent: " + err.Error()}}
		s.renderForm(w, r, "earlyyears_notify.html", p, p.Errors)
		return
	}
	n, err := earlyyears.Notify(r.Context(), s.db, a, earlyyears.Input{NHSNumber: p.NHSNumber, Needs: p.Needs, ParentInformed: p.Informed,
		ParentInformedOn: on, ParentInformedHow: p.How, ParentWantsDiscussion: p.Discussion, Voluntary: p.Voluntary})
	if fs := invalidFields(err); fs != nil {
		p.Errors = fs
		s.renderForm(w, r, "earlyyears_notify.html", p, p.Errors)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/early-years/"+url.PathEscape(n.ID), http.StatusSeeOther)
}

// eyQueue is the council's notifications, unacknowledged first, then newest, 50 a page.
func (s *server) eyQueue(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	page, ok := pageNumber(r.URL.Query().Get("page"), 1_000_000)
	if !ok {
		s.fail(w, r, apperr.Errorf(apperr.NotFound, "there is no such page"))
		return
	}
	ns, total, open, err := earlyyears.Queue(r.Context(), s.db, a, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := newPager(page, earlyyears.PageSize, total, len(ns), func(n int) string { return "/staff/early-years?page=" + strconv.Itoa(n) })
	if page > 1 && len(ns) == 0 {
		s.fail(w, r, apperr.Errorf(apperr.NotFound, "there is no such page"))
		return
	}
	s.page(w, r, "earlyyears_queue.html", struct {
		Notifications []earlyyears.Notification
		Pager         pager
		Total, Open   int
		CanReport     bool
	}{ns, p, total, open, a.May(access.EarlyYearsReport)})
}

// eyPage is one notification, with the council's forms where it may act.
type eyPage struct {
	N                       earlyyears.Notification
	Council                 bool // the reader is the council's SEND team
	Requests                []earlyyears.EHCRequest
	AckOn                   dateParts
	Chosen                  map[string]bool
	AdviceNote, SupportNote string
	NoActionReason, Request string
	Errors                  []apperr.Field
}

func (s *server) eyNotification(w http.ResponseWriter, r *http.Request) {
	s.eyRender(w, r, eyPage{})
}

func (s *server) eyRender(w http.ResponseWriter, r *http.Request, p eyPage) {
	a, _ := actorOf(r.Context())
	n, err := earlyyears.Get(r.Context(), s.db, a, r.PathValue("nid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.N, p.Council = n, n.Access == earlyyears.CouncilReason
	if p.Council && n.Status == earlyyears.Acknowledged {
		if p.Requests, err = earlyyears.EHCRequests(r.Context(), s.db, a, n.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if p.Chosen == nil {
		p.Chosen = map[string]bool{}
	}
	s.renderForm(w, r, "earlyyears_notification.html", p, p.Errors)
}

func (s *server) eyAcknowledge(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := eyPage{AckOn: partsOf(r, "acknowledged-on")}
	on, err := p.AckOn.date()
	if err != nil {
		p.Errors = []apperr.Field{{Name: "acknowledged-on", Message: "Date of acknowledgement: " + err.Error()}}
		s.eyRender(w, r, p)
		return
	}
	s.eyAfter(w, r, earlyyears.Acknowledge(r.Context(), s.db, a, r.PathValue("nid"), on), p)
}

func (s *server) eyRecord(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	r.ParseForm()
	p := eyPage{Chosen: map[string]bool{}, AdviceNote: r.PostFormValue("advice-note"), SupportNote: r.PostFormValue("support-note"),
		NoActionReason: r.PostFormValue("no-action-reason"), Request: r.PostFormValue("ehc-request")}
	for _, o := range r.PostForm["outcomes"] {
		p.Chosen[o] = true
	}
	err := earlyyears.Record(r.Context(), s.db, a, r.PathValue("nid"), earlyyears.Decision{Outcomes: r.PostForm["outcomes"],
		AdviceNote: p.AdviceNote, SupportNote: p.SupportNote, NoActionReason: p.NoActionReason, EHCRequestID: p.Request})
	s.eyAfter(w, r, err, p)
}

// eyAfter shows the notification again: with the errors, or after the change.
func (s *server) eyAfter(w http.ResponseWriter, r *http.Request, err error, p eyPage) {
	if fs := invalidFields(err); fs != nil {
		p.Errors = fs
		s.eyRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/early-years/"+url.PathEscape(r.PathValue("nid")), http.StatusSeeOther)
}

// eyWithin reads the days within which an acknowledgement counts, 14 unless chosen.
func eyWithin(r *http.Request) (string, int) {
	v := strings.TrimSpace(r.URL.Query().Get("within"))
	if v == "" {
		return strconv.Itoa(earlyyears.DefaultWithin), earlyyears.DefaultWithin
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return v, -1
	}
	return v, n
}

// eySummary is the totals for the DCO and the SEND manager: no child named.
func (s *server) eySummary(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	raw, within := eyWithin(r)
	t, err := earlyyears.Summarise(r.Context(), s.db, a, within)
	p := struct {
		T      earlyyears.Totals
		Within string
		Errors []apperr.Field
	}{t, raw, invalidFields(err)}
	if err != nil && p.Errors == nil {
		s.fail(w, r, err)
		return
	}
	s.renderForm(w, r, "earlyyears_summary.html", p, p.Errors)
}

// eySummaryCSV is the same figures as a spreadsheet, month by month.
func (s *server) eySummaryCSV(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	_, within := eyWithin(r)
	t, err := earlyyears.Summarise(r.Context(), s.db, a, within)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="early-years-notifications-`+t.Today.String()+`.csv"`)
	cw := csv.NewWriter(w)
	head := []string{"month_notified", "health_provider", "notified", "acknowledged", "acknowledged_within_" + strconv.Itoa(t.Within) + "_days",
		"not_yet_acknowledged", "closed"}
	head = append(head, earlyyears.Outcomes...)
	cw.Write(head)
	for _, m := range t.Months {
		row := []string{m.Month, csvsafe.Cell(m.Provider), strconv.Itoa(m.Notified), strconv.Itoa(m.Acknowledged), strconv.Itoa(m.AckWithin),
			strconv.Itoa(m.Unacked), strconv.Itoa(m.Closed)}
		for _, o := range earlyyears.Outcomes {
			row = append(row, strconv.Itoa(m.Outcome(o)))
		}
		cw.Write(row)
	}
	cw.Flush()
}

// eyFamily is the family's page: what health told the council and what the council did.
func (s *server) eyFamily(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	ns, err := earlyyears.ForFamily(r.Context(), s.db, a, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "earlyyears_family.html", struct {
		ChildID       string
		Notifications []earlyyears.Notification
	}{r.PathValue("id"), ns})
}

// eyFuncs are the template functions the early-years pages use.
var eyFuncs = map[string]any{
	"eyOutcomes":    func() []string { return earlyyears.Outcomes },
	"eyOutcomeWord": func(o string) string { return earlyyears.OutcomeWords[o] },
	"eyToday":       func() date.Date { return todayOf() },
}

func init() { maps.Copy(ehcFuncs, eyFuncs) }
