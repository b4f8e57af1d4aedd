package web

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/ehc"
)

// ehcCasesPerPage is how many cases one page of a caseload lists: a
// coordinator's working week at a glance, soonest first, the rest a page away.
const ehcCasesPerPage = 50

// ehcCaseloadPage is a coordinator's or a team's EHC cases by next statutory date.
type ehcCaseloadPage struct {
	Rows              template.HTML // the table's rows (caseloadRows), empty when none
	Team, DueThisWeek bool
	Coordinator       string
	ManagerView       bool // the actor may see the team view
	Today             date.Date
	pager
}

// ehcCaseload lists the EHC cases of the signed-in coordinator or, with
// view=team, of the teams in their reach; due=week keeps those due this week;
// page=n is a later page.
func (s *server) ehcCaseload(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	q := r.URL.Query()
	scope, _ := a.Can(access.CaseView)
	p := ehcCaseloadPage{DueThisWeek: q.Get("due") == "week", Coordinator: q.Get("coordinator"),
		ManagerView: scope != access.ScopeOwn}
	p.Team = p.ManagerView && q.Get("view") != "mine"
	page, ok := pageNumber(q.Get("page"), 1_000_000)
	if !ok {
		s.fail(w, r, apperr.Errorf(apperr.Invalid, "There is no page %q of this caseload: pages are numbered from 1", q.Get("page")))
		return
	}
	f := casework.Filter{Team: p.Team, DueThisWeek: p.DueThisWeek, Coordinator: p.Coordinator, Offset: (page - 1) * ehcCasesPerPage}
	rows, total, err := casework.Caseload(r.Context(), s.db, a, f, ehcCasesPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Today = todayOf()
	p.Rows = caseloadRows(rows, p.Today, p.Team, p.DueThisWeek)
	p.pager = newPager(page, ehcCasesPerPage, total, len(rows), func(n int) string {
		v := url.Values{}
		for _, k := range []string{"view", "due", "coordinator"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/staff/ehc"
		}
		return "/staff/ehc?" + v.Encode()
	})
	s.page(w, r, "ehc-caseload.html", p)
}

var ragTags = map[string]string{"red": "red", "amber": "orange", "green": "green"}

// caseloadRows writes the caseload table's rows. They are written here, not
// by the template, because a page of 50 rows was four fifths of the page's
// template time and a sixth of its CPU, nearly all of it html/template
// calling its escapers by reflection for each of some 400 values. Every
// value is escaped for where it goes: text and attributes by
// html.EscapeString, an id in a path by url.PathEscape, a query by
// url.Values. TestCaseloadRowsEscape checks each.
func caseloadRows(rows []casework.Row, today date.Date, team, dueThisWeek bool) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 700)
	text := func(s string) { b.WriteString(html.EscapeString(s)) }
	cell := func(s string) {
		b.WriteString(`
      <td class="govuk-table__cell">`)
		text(s)
		b.WriteString(`</td>`)
	}
	for _, r := range rows {
		b.WriteString(`
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="/staff/children/`)
		text(url.PathEscape(r.ChildID))
		b.WriteString(`/ehc">`)
		text(r.ChildName)
		b.WriteString(`</a></td>`)
		cell(casework.StageWords[r.Stage])
		if r.Next.Rule == "" {
			cell("Nothing due")
			cell("")
		} else {
			cell(r.Next.Duty + " (" + r.Next.Rule + ")")
			cell(dueWords(r.Next.Due, today))
		}
		b.WriteString(`
      <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--`)
		text(ragTags[r.State.Colour])
		b.WriteString(`">`)
		text(r.State.Words)
		b.WriteString(`</strong></td>`)
		if team {
			b.WriteString(`<td class="govuk-table__cell">`)
			if r.CoordinatorID == "" {
				b.WriteString(`None allocated`)
			} else {
				v := url.Values{"coordinator": {r.CoordinatorID}}
				if dueThisWeek {
					v.Set("due", "week")
				}
				b.WriteString(`<a class="govuk-link" href="/staff/ehc?`)
				text(v.Encode())
				b.WriteString(`">`)
				text(r.Coordinator)
				b.WriteString(`<span class="govuk-visually-hidden">: only their cases</span></a>`)
			}
			b.WriteString(`</td>`)
		}
		b.WriteString(`
    </tr>`)
	}
	return template.HTML(b.String())
}

// ehcCase shows a child's EHC case: where it stands and every deadline.
func (s *server) ehcCase(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	c, err := casework.Get(r.Context(), s.db, a, r.PathValue("id"), access.CaseView)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "ehc-case.html", c)
}

// familyEHC shows the family where their child's case stands, what happens
// next and by when, and who their coordinator is.
func (s *server) familyEHC(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	c, err := casework.Get(r.Context(), s.db, a, r.PathValue("id"), access.FamilyView)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "family-ehc.html", c)
}

// choice is one radio of a coded field.
type choice struct{ Value, Text string }

// eventForm says which fields the form for one event type asks for.
type eventForm struct {
	Type, Heading string
	DateLabel     string
	Code          string // the coded field's name, "" for none
	CodeLegend    string
	Codes         []choice
	Channel       bool
	Contributor   bool
	Received, To  bool
	NoteLabel     string
	NoteHint      string
}

var (
	sources = []choice{{"parent", "A parent or carer"}, {"young_person", "The young person"}, {"setting", "A school, college or early years setting"},
		{"health", "Health services"}, {"social_care", "Social care"}, {"other", "Someone else"}}
	channels = []choice{{"letter", "Letter"}, {"phone", "Phone call"}, {"email", "Email"}, {"in_person", "In person"}, {"online", "Online form"}}
	reasons  = []choice{{"setting_closure", "The school or setting was closed for at least 4 weeks"},
		{"personal_circumstances", "Exceptional personal circumstances of the child or family"},
		{"absent_from_area", "The child or family was away from the area for at least 4 weeks"},
		{"missed_appointment", "The child or family missed an appointment with a body giving advice"}}
)

// eventForms are the forms staff record events with, in the order a case
// meets them. The plan's own events (casework.PlanActions) have none: they
// are recorded by the plan page's actions, with the plan or the letter that
// goes with them (planActionWords).
var eventForms = []eventForm{
	{Type: "request_received", Heading: "Request for an EHC needs assessment received", DateLabel: "Date the request was received",
		Code: "source", CodeLegend: "Who made the request", Codes: sources, Channel: true, NoteLabel: "What the request says (optional)"},
	{Type: "la_responsible", Heading: "The council became responsible for the child", DateLabel: "Date the council became responsible", NoteLabel: "Where the child came from (optional)"},
	{Type: "assessment_decision", Heading: "Decision whether to carry out an EHC needs assessment", DateLabel: "Date the family was told",
		Code: "outcome", CodeLegend: "The decision", Codes: []choice{{"assess", "Carry out an assessment"}, {"refuse", "Not to carry out an assessment"}},
		NoteLabel: "Reasons for the decision", NoteHint: "Required for a decision not to assess: the family is told them, with their right to appeal"},
	{Type: "advice_requested", Heading: "Advice requested", DateLabel: "Date the request for advice was sent", Contributor: true, Received: true, NoteLabel: "Note (optional)"},
	{Type: "advice_received", Heading: "Advice received", DateLabel: "Date the advice arrived", Contributor: true, NoteLabel: "Note (optional)"},
	{Type: "exception", Heading: "An exception to a time limit", DateLabel: "First day", Code: "reason", CodeLegend: "The reason", Codes: reasons,
		To: true, Contributor: true, NoteLabel: "The evidence", NoteHint: "For example: letter from the school of 3 March confirming the closure"},
	{Type: "review_meeting", Heading: "Annual review meeting held", DateLabel: "Date of the meeting", NoteLabel: "Note (optional)"},
	{Type: "review_report_sent", Heading: "Annual review report sent", DateLabel: "Date the report was sent", NoteLabel: "Note (optional)"},
	{Type: "review_decision", Heading: "Decision after the annual review", DateLabel: "Date the family was told",
		Code: "outcome", CodeLegend: "The decision", Codes: []choice{{"maintain", "Keep the plan as it is"}, {"amend", "Amend the plan"}, {"cease", "End the plan"}}, NoteLabel: "Reasons (optional)"},
	{Type: "phase_transfer", Heading: "Phase transfer", DateLabel: "Date of the move", Code: "kind", CodeLegend: "The move",
		Codes: []choice{{"school", "Between schools (for example primary to secondary)"}, {"post16", "From secondary school to post-16"}, {"post16_other", "Between post-16 institutions"}}, NoteLabel: "Note (optional)"},
}

func formFor(typ string) (eventForm, bool) {
	for _, f := range eventForms {
		if f.Type == typ {
			return f, true
		}
	}
	return eventForm{}, false
}

// recordPage is the form for recording one event in a child's case.
type recordPage struct {
	Case   casework.Case
	Forms  []eventForm // to choose from, when no type is chosen yet
	Form   eventForm
	Chosen bool
	// The answers, as typed.
	Date, To, Received               dateParts
	Code, Contributor, Channel, Note string
	Errors                           []apperr.Field
}

// dateParts is a GOV.UK date input's three fields.
type dateParts struct{ Day, Month, Year string }

// ehcRecordForm asks what happened, then the details of it.
func (s *server) ehcRecordForm(w http.ResponseWriter, r *http.Request) {
	p := recordPage{}
	p.Form, p.Chosen = formFor(r.URL.Query().Get("type"))
	s.recordRender(w, r, p)
}

// ehcRecord records an event; the form comes back with what is wrong, and nothing is stored.
func (s *server) ehcRecord(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := recordPage{Code: r.PostFormValue("code"), Contributor: strings.TrimSpace(r.PostFormValue("contributor")),
		Channel: r.PostFormValue("channel"), Note: r.PostFormValue("note"),
		Date: partsOf(r, "date"), To: partsOf(r, "to"), Received: partsOf(r, "received")}
	p.Form, p.Chosen = formFor(r.PostFormValue("type"))
	in := casework.Input{Type: r.PostFormValue("type"), Code: p.Code, Contributor: p.Contributor, Channel: p.Channel, Note: p.Note}
	var bad []apperr.Field
	for _, f := range []struct {
		name  string
		parts dateParts
		into  *date.Date
	}{{"date", p.Date, &in.Date}, {"to", p.To, &in.To}, {"received", p.Received, &in.Received}} {
		d, err := f.parts.date()
		if err != nil {
			bad = append(bad, apperr.Field{Name: f.name, Message: err.Error()})
		}
		*f.into = d
	}
	if len(bad) > 0 {
		p.Errors = renameFields(bad)
		s.recordRender(w, r, p)
		return
	}
	_, err := casework.Add(r.Context(), s.db, a, r.PathValue("id"), in)
	if fs := invalidFields(err); fs != nil {
		p.Errors = renameFields(planActionFields(fs, in.Type, r.PathValue("id"), false))
		s.recordRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/children/"+url.PathEscape(r.PathValue("id"))+"/ehc", http.StatusSeeOther)
}

// planActionWords say, for each of the plan's own events, where it is
// recorded instead of the event form and the events route: the plan page's
// action, and the API route that does the same.
var planActionWords = map[string]struct{ page, route string }{
	"draft_plan_issued":     {"issue the draft plan", "POST /api/v1/children/{id}/ehc/plan/issue (kind draft)"},
	"final_plan_issued":     {"issue the final plan and its decision letter", "POST /api/v1/children/{id}/ehc/plan/issue (kind final)"},
	"no_plan_decision":      {"decide not to issue a plan, with its decision letter", "POST /api/v1/children/{id}/ehc/plan/no-plan"},
	"amendment_notice":      {"send the proposed amendments", "POST /api/v1/children/{id}/ehc/plan/amendment/notice"},
	"amended_plan_issued":   {"issue the amended plan and its decision letter", "POST /api/v1/children/{id}/ehc/plan/amendment/issue"},
	"no_amendment_decision": {"decide not to amend the plan, with its decision letter", "POST /api/v1/children/{id}/ehc/plan/amendment/no-amendment"},
}

// planActionFields says, where casework refused one of the plan's own
// events by its type, which page (for the form) or route (for the API)
// records it; it changes the fields it is given, and returns them.
func planActionFields(fs []apperr.Field, typ, childID string, api bool) []apperr.Field {
	w, ok := planActionWords[typ]
	if !ok {
		return fs
	}
	for i := range fs {
		if fs[i].Name != "type" {
			continue
		}
		if api {
			fs[i].Message += ": use " + strings.ReplaceAll(w.route, "{id}", childID)
		} else {
			fs[i].Message += ": " + w.page + " from the child's EHC plan page, /staff/children/" + childID + "/ehc/plan"
		}
	}
	return fs
}

// renameFields points each error at the input the summary links to, and
// drops a repeat for the same field (the first is the clearer).
func renameFields(fs []apperr.Field) []apperr.Field {
	seen := map[string]bool{}
	var out []apperr.Field
	for _, f := range fs {
		switch f.Name {
		case "from":
			f.Name = "date"
		case "source", "outcome", "reason", "kind": // the coded field's input is "code"
			f.Name = "code"
		}
		if seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		if f.Message != "" {
			f.Message = strings.ToUpper(f.Message[:1]) + f.Message[1:]
		}
		out = append(out, f)
	}
	return out
}

func (s *server) recordRender(w http.ResponseWriter, r *http.Request, p recordPage) {
	a, _ := actorOf(r.Context())
	var err error
	// The form is a change: the child must be in reach for case.edit.
	if p.Case, err = casework.Get(r.Context(), s.db, a, r.PathValue("id"), access.CaseEdit); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Forms = eventForms
	s.renderForm(w, r, "ehc-record.html", p, p.Errors)
}

func partsOf(r *http.Request, name string) dateParts {
	return dateParts{strings.TrimSpace(r.PostFormValue(name + "-day")), strings.TrimSpace(r.PostFormValue(name + "-month")), strings.TrimSpace(r.PostFormValue(name + "-year"))}
}

// date reads the three fields: all empty is no date.
func (p dateParts) date() (date.Date, error) {
	if p.Day == "" && p.Month == "" && p.Year == "" {
		return date.Date{}, nil
	}
	d, e1 := strconv.Atoi(p.Day)
	m, e2 := strconv.Atoi(p.Month)
	y, e3 := strconv.Atoi(p.Year)
	if e1 != nil || e2 != nil || e3 != nil || m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2999 {
		return date.Date{}, fmt.Errorf("enter a real date, for example 27 3 2026")
	}
	dt := date.Of(y, time.Month(m), d)
	if dt.Day() != d {
		return date.Date{}, fmt.Errorf("enter a real date: that month has no day %d", d)
	}
	return dt, nil
}

// todayOf is today for pages that say "due in N days".
func todayOf() date.Date { return date.Today(db.Now()) }

// deadlineWords and friends are the template's words for the clock's answers.
func statusWords(s ehc.Status) string { return casework.StatusWords[s] }

// ehcFuncs are the template functions the EHC pages use.
var ehcFuncs = map[string]any{
	"ehcStatus":    statusWords,
	"ehcStage":     func(s string) string { return casework.StageWords[s] },
	"ehcType":      func(t ehc.Type) string { return casework.TypeWords[t.String()] },
	"ehcMetBy":     func(rule string) string { return casework.MetBy[rule] },
	"ehcState":     func(open []ehc.Deadline, today date.Date) casework.RAG { return casework.StateOf(open, today) },
	"ehcDate":      dateWords,
	"ehcWhen":      whenWords,
	"ehcCodeWords": codeWords,
}

func dateWords(d date.Date) string { return d.Time().Format("2 January 2006") }

// dueWords is a due date and how far it is from today: "4 December 2026 (in 11 days)".
func dueWords(d, today date.Date) string { return dateWords(d) + " (" + whenWords(d, today) + ")" }

// whenWords says how far a day is from today, in words.
func whenWords(d, today date.Date) string {
	switch n := d.DaysSince(today); {
	case n == 0:
		return "today"
	case n == 1:
		return "tomorrow"
	case n == -1:
		return "yesterday"
	case n > 1:
		return "in " + strconv.Itoa(n) + " days"
	default:
		return strconv.Itoa(-n) + " days ago"
	}
}

// codeWords says a coded value (source, outcome, reason, kind, channel) in words.
func codeWords(code string) string {
	for _, list := range [][]choice{sources, channels, reasons} {
		for _, o := range list {
			if o.Value == code {
				return o.Text
			}
		}
	}
	for _, f := range eventForms {
		for _, o := range f.Codes {
			if o.Value == code {
				return o.Text
			}
		}
	}
	return strings.ReplaceAll(code, "_", " ")
}

// dateInput is what the "dateInput" template draws: a GOV.UK date input.
type dateInput struct {
	Name, Legend, Hint, Error string
	dateParts
}

func init() {
	ehcFuncs["dateInput"] = func(errs []apperr.Field, name, legend, hint string, p dateParts) dateInput {
		return dateInput{name, legend, hint, fieldError(errs, name), p}
	}
}

// radios is what the "radios" template draws.
type radios struct {
	Name, Legend, Value, Error string
	Options                    []choice
}

func init() {
	ehcFuncs["ehcRadios"] = func(errs []apperr.Field, name, legend string, opts any, value string) radios {
		rs := radios{Name: name, Legend: legend, Value: value, Error: fieldError(errs, name)}
		switch o := opts.(type) {
		case []choice:
			rs.Options = o
		case []eventForm:
			for _, f := range o {
				rs.Options = append(rs.Options, choice{f.Type, f.Heading})
			}
		}
		return rs
	}
	ehcFuncs["ehcChannels"] = func() []choice { return channels }
	ehcFuncs["ehcContributorLabel"] = func(typ string) string {
		if typ == "exception" {
			return "The body whose appointment was missed (only for a missed appointment)"
		}
		return "The body giving advice"
	}
}
