package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/waitlist"
	"joinedup/internal/waitlist/store"
)

// waitsPageSize is how many children one page of a waiting list shows.
const waitsPageSize = 50

// waitsOption is one choice of a select or radios, chosen or not.
type waitsOption struct {
	Value, Text string
	Selected    bool
}

func options(values []string, words func(string) string, chosen string) []waitsOption {
	out := make([]waitsOption, len(values))
	for i, v := range values {
		out[i] = waitsOption{v, words(v), v == chosen}
	}
	return out
}

// waitsListPage is one page of a team's waiting list, longest waiters first.
type waitsListPage struct {
	Pathways []store.Pathway
	Pathway  store.Pathway
	Entries  []store.Entry
	Total    int
	// The filters, as chosen, and their choices.
	Priorities, Bands, Breaches, Settings []waitsOption
	Locality                              string
	Errors                                []apperr.Field
	pager
	Query             string // the filters as a query string, for links
	CanManage         bool
	ChoosePathwayOnly bool
}

// waitsPathway is the pathway a staff page is about: ?pathway= if it is one of
// the actor's team's, else their team's first; ok is false when the team runs none.
func (s *server) waitsPathway(r *http.Request, a access.Actor) ([]store.Pathway, store.Pathway, bool, error) {
	ps, err := store.TeamPathways(r.Context(), s.db, a)
	if err != nil || len(ps) == 0 {
		return ps, store.Pathway{}, false, err
	}
	want := r.FormValue("pathway")
	for _, p := range ps {
		if p.ID == want {
			return ps, p, true, nil
		}
	}
	return ps, ps[0], true, nil
}

// waitsList is a team's waiting list, filtered and a page at a time.
func (s *server) waitsList(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	q := r.URL.Query()
	ps, p, ok, err := s.waitsPathway(r, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := waitsListPage{Pathways: ps, CanManage: a.May(access.WaitlistManage)}
	if !ok {
		page.ChoosePathwayOnly = true
		s.page(w, r, "waits-list.html", page)
		return
	}
	f := store.Filter{Priority: q.Get("priority"), Band: q.Get("band"), Breach: q.Get("breach"), SettingID: q.Get("setting"),
		Locality: strings.ToUpper(strings.TrimSpace(q.Get("locality")))}
	page.Locality = f.Locality
	number := 1
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		number = n
	}
	kept := url.Values{"pathway": {p.ID}}
	for k, v := range map[string]string{"priority": f.Priority, "band": f.Band, "breach": f.Breach, "setting": f.SettingID, "locality": f.Locality} {
		if v != "" {
			kept.Set(k, v)
		}
	}
	page.Query = kept.Encode()
	settings, err := s.waitsSettings(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page.Priorities = options(store.Priorities, priorityWords, f.Priority)
	page.Bands = options(store.Bands, bandRangeWords, f.Band)
	page.Breaches = options([]string{"18", "36", "52", "104"}, func(b string) string { return "Over " + b + " weeks" }, f.Breach)
	for _, st := range settings {
		page.Settings = append(page.Settings, waitsOption{st.Value, st.Text, st.Value == f.SettingID})
	}
	pw, entries, total, err := store.Page(r.Context(), s.db, a, p.ID, todayOf(), f, (number-1)*waitsPageSize, waitsPageSize)
	if fs := invalidFields(err); fs != nil {
		page.Pathway, page.Errors = p, fs
		s.renderForm(w, r, "waits-list.html", page, fs)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page.Pathway, page.Entries, page.Total = pw, entries, total
	page.pager = newPager(number, waitsPageSize, total, len(entries), func(n int) string {
		v, _ := url.ParseQuery(page.Query)
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		return "/staff/waits?" + v.Encode()
	})
	s.page(w, r, "waits-list.html", page)
}

// waitsSettings are the schools, colleges and early-years settings to filter by.
func (s *server) waitsSettings(r *http.Request) ([]choice, error) {
	rows, err := s.db.QueryContext(r.Context(), "SELECT id, name FROM organisations WHERE kind IN ('school', 'college', 'early_years') ORDER BY name, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []choice
	for rows.Next() {
		var c choice
		if err := rows.Scan(&c.Value, &c.Text); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// staffChildWaitsPage is a child's referrals to waiting lists and everything since.
type staffChildWaitsPage struct {
	ChildID, Name string
	Referrals     []store.ChildReferral
	CanManage     bool
	Today         date.Date
}

// staffChildWaits shows a child's waiting lists, each event and how the clock reads today.
func (s *server) staffChildWaits(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	name, refs, err := store.ChildReferrals(r.Context(), s.db, a, r.PathValue("id"), access.CaseView, todayOf())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "waits-child.html", staffChildWaitsPage{ChildID: r.PathValue("id"), Name: name, Referrals: refs,
		CanManage: a.May(access.WaitlistManage), Today: todayOf()})
}

// waitsEventPage is the form for recording one thing that happened on a referral.
type waitsEventPage struct {
	ChildID, Name             string
	Referrals                 []store.ChildReferral
	Referral, Type            string
	Reason, Kind, Provider    string
	Date, Rebooked            dateParts
	Types, Reasons, Transfers []choice
	Errors                    []apperr.Field
}

var (
	waitsEventTypes = []choice{{"appointment_attended", "An appointment was attended"}, {"first_appointment_dna", "The child did not attend the first appointment"},
		{"clock_stop", "The clock stopped (treatment, assessment, discharge...)"}, {"transfer", "A transfer to another provider"}}
	waitsReasons = []choice{{"treatment", "First definitive treatment"}, {"assessment_complete", "Assessment completed"}, {"discharged", "Discharged"},
		{"not_treated", "A clinical decision not to treat"}, {"declined", "The family declined"}, {"active_monitoring", "Active monitoring"}}
	waitsTransfers = []choice{{"commissioned", "Arranged by the commissioner (the clock goes on)"}, {"new_referral", "A new referral under Right to Choose (a new clock)"}}
)

func (s *server) waitsEventForm(w http.ResponseWriter, r *http.Request) {
	s.waitsEventRender(w, r, waitsEventPage{Referral: r.URL.Query().Get("referral"), Type: r.URL.Query().Get("type")})
}

// waitsEvent records an event on one of the child's referrals; the form comes back with what is wrong.
func (s *server) waitsEvent(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := waitsEventPage{Referral: r.PostFormValue("referral"), Type: r.PostFormValue("type"), Reason: r.PostFormValue("reason"),
		Kind: r.PostFormValue("kind"), Provider: strings.TrimSpace(r.PostFormValue("provider")), Date: partsOf(r, "date"), Rebooked: partsOf(r, "rebooked")}
	name, refs, err := store.ChildReferrals(r.Context(), s.db, a, r.PathValue("id"), access.CaseView, todayOf())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Name, p.Referrals = name, refs
	var bad apperr.Fields
	known := false
	for _, x := range refs {
		known = known || x.ReferralID == p.Referral
	}
	if !known {
		bad.Add("referral", "Choose the waiting list this happened on")
	}
	e := waitlist.Event{}
	var ok bool
	if e.Kind, ok = waitlist.ParseKind(p.Type); !ok || e.Kind == waitlist.ReferralReceived {
		bad.Add("type", "Choose what happened")
	}
	if e.Date, err = p.Date.date(); err != nil {
		bad.Add("date", strings.ToUpper(err.Error()[:1])+err.Error()[1:])
	} else if e.Date.IsZero() {
		bad.Add("date", "Enter the date it happened")
	}
	switch e.Kind {
	case waitlist.FirstAppointmentDNA:
		if e.Rebooked, err = p.Rebooked.date(); err != nil {
			bad.Add("rebooked", strings.ToUpper(err.Error()[:1])+err.Error()[1:])
		}
	case waitlist.ClockStop:
		if e.Reason, ok = waitlist.ParseReason(p.Reason); !ok {
			bad.Add("reason", "Choose why the clock stopped")
		}
	case waitlist.Transfer:
		if e.Transfer, ok = waitlist.ParseTransferKind(p.Kind); !ok {
			bad.Add("kind", "Choose who arranged the transfer")
		}
		if p.Provider == "" {
			bad.Add("provider", "Enter the provider the child was transferred to")
		}
		e.Provider = p.Provider
	}
	if len(bad) > 0 {
		p.Errors = bad
		s.waitsEventRender(w, r, p)
		return
	}
	// A referral the actor may see but not manage is refused by AddEvent (403).
	if _, err := store.AddEvent(r.Context(), s.db, a, p.Referral, e, todayOf()); err != nil {
		if fs := invalidFields(err); fs != nil {
			p.Errors = waitsFields(fs)
			s.waitsEventRender(w, r, p)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/children/"+url.PathEscape(r.PathValue("id"))+"/waits", http.StatusSeeOther)
}

func (s *server) waitsEventRender(w http.ResponseWriter, r *http.Request, p waitsEventPage) {
	if p.Referrals == nil {
		a, _ := actorOf(r.Context())
		name, refs, err := store.ChildReferrals(r.Context(), s.db, a, r.PathValue("id"), access.CaseView, todayOf())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Name, p.Referrals = name, refs
	}
	if p.Referral == "" && len(p.Referrals) == 1 {
		p.Referral = p.Referrals[0].ReferralID
	}
	p.ChildID = r.PathValue("id")
	p.Types, p.Reasons, p.Transfers = waitsEventTypes, waitsReasons, waitsTransfers
	s.renderForm(w, r, "waits-event.html", p, p.Errors)
}

// waitsReferPage is the form for a new referral of a child to one of the team's lists.
type waitsReferPage struct {
	ChildID, Name                     string
	Pathways                          []store.Pathway
	Pathway, Source, Priority, Reason string
	Received                          dateParts
	Sources, Priorities               []choice
	Errors                            []apperr.Field
}

var (
	waitsSources = []choice{{"gp", "GP"}, {"school", "School or setting"}, {"health_visitor", "Health visitor"}, {"paediatrician", "Paediatrician"},
		{"parent", "Parent or carer"}, {"social_care", "Social care"}, {"other", "Someone else"}}
	waitsPriorities = []choice{{"urgent", "Urgent"}, {"soon", "Soon"}, {"routine", "Routine"}}
)

func (s *server) waitsReferForm(w http.ResponseWriter, r *http.Request) {
	s.waitsReferRender(w, r, waitsReferPage{Pathway: r.URL.Query().Get("pathway")})
}

// waitsRefer records a new referral; a duplicate is refused naming the first.
func (s *server) waitsRefer(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := waitsReferPage{Pathway: r.PostFormValue("pathway"), Source: r.PostFormValue("source"), Priority: r.PostFormValue("priority"),
		Reason: strings.TrimSpace(r.PostFormValue("priority_reason")), Received: partsOf(r, "received")}
	received, err := p.Received.date()
	if err != nil {
		s.waitsReferRender(w, r, p.with(apperr.Field{Name: "received", Message: strings.ToUpper(err.Error()[:1]) + err.Error()[1:]}))
		return
	}
	_, err = store.Refer(r.Context(), s.db, a, store.Referral{PathwayID: p.Pathway, ChildID: r.PathValue("id"), Source: p.Source,
		Received: received, Priority: p.Priority, PriorityReason: p.Reason}, todayOf())
	if fs := invalidFields(err); fs != nil {
		s.waitsReferRender(w, r, p.with(fs...))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/children/"+url.PathEscape(r.PathValue("id"))+"/waits", http.StatusSeeOther)
}

func (p waitsReferPage) with(fs ...apperr.Field) waitsReferPage {
	empty := map[string]string{"source": "Choose who referred the child", "priority": "Choose the triage priority"}
	for i, f := range fs {
		if msg, ok := empty[f.Name]; ok && strings.HasPrefix(f.Message, `"" `) {
			fs[i].Message = msg
		}
	}
	p.Errors = append(p.Errors, waitsFields(fs)...)
	return p
}

// waitsFields starts each message with a capital, as the error summary shows it.
func waitsFields(fs []apperr.Field) []apperr.Field {
	out := make([]apperr.Field, len(fs))
	for i, f := range fs {
		if f.Message != "" {
			f.Message = strings.ToUpper(f.Message[:1]) + f.Message[1:]
		}
		out[i] = f
	}
	return out
}

func (s *server) waitsReferRender(w http.ResponseWriter, r *http.Request, p waitsReferPage) {
	a, _ := actorOf(r.Context())
	// The form names the child: a read of their record, checked and audited.
	name, _, err := store.ChildReferrals(r.Context(), s.db, a, r.PathValue("id"), access.CaseView, todayOf())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Pathways, err = store.TeamPathways(r.Context(), s.db, a); err != nil {
		s.fail(w, r, err)
		return
	}
	p.ChildID, p.Name, p.Sources, p.Priorities = r.PathValue("id"), name, waitsSources, waitsPriorities
	s.renderForm(w, r, "waits-refer.html", p, p.Errors)
}

// The words the waiting-list pages use.

func priorityWords(p string) string {
	for _, c := range waitsPriorities {
		if c.Value == p {
			return c.Text
		}
	}
	return p
}

func bandRangeWords(b string) string {
	if lo, ok := strings.CutSuffix(b, "+"); ok {
		return "More than " + lo + " weeks"
	}
	lo, hi, _ := strings.Cut(b, "-")
	if lo == "0" {
		return "Up to " + hi + " weeks"
	}
	return "More than " + lo + ", up to " + hi + " weeks"
}

// waitWords says a number of days as a family would: "1 year and 7 weeks".
func waitWords(days int) string {
	plural := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	years, weeks := days/365, days%365/7
	switch {
	case years == 0 && weeks == 0:
		return plural(days, "day")
	case years == 0:
		return plural(weeks, "week")
	case weeks == 0:
		return plural(years, "year")
	}
	return plural(years, "year") + " and " + plural(weeks, "week")
}

// breachWords says which breach thresholds a wait is over.
func breachWords(bs []string) string {
	switch len(bs) {
	case 0:
		return "None"
	case 1:
		return "Over " + bs[0] + " weeks"
	}
	return "Over " + strings.Join(bs[:len(bs)-1], ", ") + " and " + bs[len(bs)-1] + " weeks"
}

// bandWords is the NHS band of a wait: ">39 to 40 weeks".
func bandWords(band int) string {
	if band <= 1 {
		return "Up to 1 week"
	}
	return fmt.Sprintf("More than %d, up to %d weeks", band-1, band)
}

func eventWords(e waitlist.Event) string {
	on := e.Date.Time().Format("2 January 2006")
	switch e.Kind {
	case waitlist.FirstAppointmentDNA:
		s := "Did not attend the first appointment on " + on
		if !e.Rebooked.IsZero() {
			s += "; a new appointment was booked on " + e.Rebooked.Time().Format("2 January 2006")
		}
		return s
	case waitlist.AppointmentAttended:
		return "Appointment attended on " + on
	case waitlist.ClockStop:
		return "Clock stopped on " + on + ": " + choiceWords(waitsReasons, e.Reason.String())
	case waitlist.Transfer:
		if e.Transfer == waitlist.Commissioned {
			return "Transferred on " + on + " to " + e.Provider + ", arranged by the commissioner (the clock goes on)"
		}
		return "Referred on " + on + " to " + e.Provider + " under Right to Choose (a new clock started)"
	}
	return e.Kind.String() + " on " + on
}

func choiceWords(cs []choice, v string) string {
	for _, c := range cs {
		if c.Value == v {
			return c.Text
		}
	}
	return strings.ReplaceAll(v, "_", " ")
}

func statusWordsWait(w waitlist.Wait) string {
	switch w.Status {
	case waitlist.Waiting:
		return "Waiting"
	case waitlist.Stopped:
		return "Clock stopped: " + strings.ToLower(choiceWords(waitsReasons, w.StopReason.String()))
	}
	return "No clock running: the first appointment was missed"
}

// waitsFuncs are the template functions of the waiting-list pages.
var waitsFuncs = map[string]any{
	"waitWords":     waitWords,
	"breachWords":   breachWords,
	"bandWords":     bandWords,
	"eventWords":    eventWords,
	"waitStatus":    statusWordsWait,
	"priorityWords": priorityWords,
	"sourceWords":   func(s string) string { return choiceWords(waitsSources, s) },
	"longDate":      func(d date.Date) string { return d.Time().Format("2 January 2006") },
}
