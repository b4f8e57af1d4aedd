package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/advice"
	"joinedup/internal/apperr"
	"joinedup/internal/casework"
	"joinedup/internal/csvsafe"
	"joinedup/internal/date"
)

// Health advice for EHC needs assessments (issue 5): a coordinator asks a
// provider team; the team's queue; the request with its versions, where the
// lead assigns and the coordinator withdraws; the advice form; the DCO's list
// and rating form. Every read and change goes through package advice, which
// checks access and writes the audit row.

// adviceAskPage is the form for requesting advice from a health team.
type adviceAskPage struct {
	Case              casework.Case
	Teams             []advice.Team
	Team              string
	Question, Consent string
	Sent, Received    dateParts
	Errors            []apperr.Field
}

func (s *server) adviceAskForm(w http.ResponseWriter, r *http.Request) {
	s.adviceAskRender(w, r, adviceAskPage{})
}

func (s *server) adviceAskRender(w http.ResponseWriter, r *http.Request, p adviceAskPage) {
	a, _ := actorOf(r.Context())
	var err error
	if p.Case, err = casework.Get(r.Context(), s.db, a, r.PathValue("id"), access.CaseEdit); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Teams, err = advice.Teams(r.Context(), s.db); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderForm(w, r, "advice-ask.html", p, p.Errors)
}

// adviceAsk requests advice; the form comes back naming what is wrong, and nothing is stored.
func (s *server) adviceAsk(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := adviceAskPage{Team: r.PostFormValue("team"), Question: r.PostFormValue("question"), Consent: r.PostFormValue("consent"),
		Sent: partsOf(r, "sent"), Received: partsOf(r, "received")}
	in := advice.RequestInput{TeamID: p.Team, Question: p.Question, Consent: p.Consent}
	var bad []apperr.Field
	for _, f := range []struct {
		name  string
		parts dateParts
		into  *date.Date
	}{{"sent", p.Sent, &in.Sent}, {"received", p.Received, &in.Received}} {
		d, err := f.parts.date()
		if err != nil {
			bad = append(bad, apperr.Field{Name: f.name, Message: "The date " + err.Error()})
		}
		*f.into = d
	}
	if len(bad) > 0 {
		p.Errors = bad
		s.adviceAskRender(w, r, p)
		return
	}
	req, err := advice.Ask(r.Context(), s.db, a, r.PathValue("id"), in)
	if fs := invalidFields(err); fs != nil {
		for i := range fs {
			if fs[i].Name == "date" { // the clock's name for the day the request was sent
				fs[i].Name = "sent"
			}
		}
		p.Errors = fs
		s.adviceAskRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/advice/"+url.PathEscape(req.ID), http.StatusSeeOther)
}

// adviceQueuePerPage is how many requests one page of a team's queue lists.
const adviceQueuePerPage = 50

// adviceQueuePage is a page of the team's open requests, soonest due first.
type adviceQueuePage struct {
	Rows            []adviceQueueRow
	Total, Overdue  int
	Assigned        string // "", advice.AssignedToMe or advice.NotAssigned
	OverdueOnly     bool
	All, Mine, None string // the filters' links, keeping the other filter
	OverdueLink     string // the link turning "overdue only" on or off
	Today           string
	pager
}

// adviceQueueRow is a request in words, worked out before the template runs
// (no template function calls per row).
type adviceQueueRow struct {
	ID, ChildName, DateOfBirth, NHSNumber, Received, Due, Assignee string
	Overdue                                                        bool
}

// adviceQueue is the signed-in clinician's team's open requests, soonest due
// first, 50 a page; assigned=me or none and overdue=yes narrow it.
func (s *server) adviceQueue(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	q := r.URL.Query()
	p := adviceQueuePage{Assigned: q.Get("assigned"), OverdueOnly: q.Get("overdue") == "yes"}
	page, ok := pageNumber(q.Get("page"), 1_000_000)
	if !ok {
		s.fail(w, r, apperr.Errorf(apperr.Invalid, "There is no page %q of your team's queue: pages are numbered from 1", q.Get("page")))
		return
	}
	got, err := advice.Queue(r.Context(), s.db, a, advice.QueueFilter{Assigned: p.Assigned, Overdue: p.OverdueOnly,
		Offset: (page - 1) * adviceQueuePerPage}, adviceQueuePerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Total, p.Overdue, p.Today = got.Total, got.Overdue, dateWords(got.Today)
	p.Rows = make([]adviceQueueRow, len(got.Requests))
	for i, x := range got.Requests {
		row := adviceQueueRow{ID: x.ID, ChildName: x.ChildName, DateOfBirth: dateWords(x.DateOfBirth), NHSNumber: x.NHSNumber,
			Received: dateWords(x.Received), Due: dueWords(x.Due, got.Today), Assignee: x.Assignee, Overdue: x.Overdue}
		if row.Assignee == "" {
			row.Assignee = "Not assigned"
		}
		p.Rows[i] = row
	}
	link := func(assigned string, overdue bool, n int) string {
		v := url.Values{}
		if assigned != "" {
			v.Set("assigned", assigned)
		}
		if overdue {
			v.Set("overdue", "yes")
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return "/staff/advice"
		}
		return "/staff/advice?" + v.Encode()
	}
	p.All, p.Mine, p.None = link("", p.OverdueOnly, 1), link(advice.AssignedToMe, p.OverdueOnly, 1), link(advice.NotAssigned, p.OverdueOnly, 1)
	p.OverdueLink = link(p.Assigned, !p.OverdueOnly, 1)
	p.pager = newPager(page, adviceQueuePerPage, got.Total, len(got.Requests), func(n int) string { return link(p.Assigned, p.OverdueOnly, n) })
	s.page(w, r, "advice-queue.html", p)
}

// adviceRequestPage is one request with its versions, and what the reader may do to it.
type adviceRequestPage struct {
	Request                               advice.Request
	Members                               []access.Person
	CanAssign, CanWithdraw, CanAnswer, QA bool
	CaseLink                              bool // the reader may open the child's EHC case
	Reason                                string
	Errors                                []apperr.Field
}

func (s *server) adviceRequest(w http.ResponseWriter, r *http.Request) {
	s.adviceRequestRender(w, r, adviceRequestPage{})
}

func (s *server) adviceRequestRender(w http.ResponseWriter, r *http.Request, p adviceRequestPage) {
	a, _ := actorOf(r.Context())
	req, err := advice.Get(r.Context(), s.db, a, r.PathValue("rid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Request = req
	ownTeam := a.TeamID == req.TeamID
	p.CanAssign = ownTeam && a.May(access.AdviceAssign) && req.Status == advice.Open
	p.CanAnswer = ownTeam && a.May(access.AdviceSubmit) && req.Status != advice.Withdrawn
	p.CanWithdraw = !ownTeam && a.May(access.CaseEdit) && req.Status == advice.Open
	p.CaseLink = ownTeam || a.May(access.CaseEdit)
	if l := req.Latest(); l != nil && l.Status == advice.AwaitingQA && a.May(access.AdviceQA) {
		p.QA = true
	}
	if p.CanAssign {
		if p.Members, err = advice.Members(r.Context(), s.db, req.TeamID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.renderForm(w, r, "advice-request.html", p, p.Errors)
}

func (s *server) adviceAssign(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	err := advice.Assign(r.Context(), s.db, a, r.PathValue("rid"), r.PostFormValue("person"))
	s.adviceAfter(w, r, err, adviceRequestPage{})
}

func (s *server) adviceWithdraw(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	reason := r.PostFormValue("reason")
	err := advice.Withdraw(r.Context(), s.db, a, r.PathValue("rid"), reason)
	s.adviceAfter(w, r, err, adviceRequestPage{Reason: reason})
}

// adviceAfter shows the request again: with the errors, or after the change.
func (s *server) adviceAfter(w http.ResponseWriter, r *http.Request, err error, p adviceRequestPage) {
	if fs := invalidFields(err); fs != nil {
		p.Errors = fs
		s.adviceRequestRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/advice/"+url.PathEscape(r.PathValue("rid")), http.StatusSeeOther)
}

// adviceRows is how many rows of each section the advice form offers.
var adviceRows = map[string]int{advice.Need: 3, advice.Provision: 3, advice.Outcome: 3, advice.View: 2}

// adviceRow is one row of the advice form.
type adviceRow struct {
	Name string // e.g. provision-2
	N    int
	advice.Statement
}

// adviceSection is one section of the advice form.
type adviceSection struct {
	Key, Heading, Hint, Label string
	Rows                      []adviceRow
}

var adviceHeadings = map[string][3]string{
	advice.Need:      {"Health needs (section C)", "In plain language a family understands: what the child finds hard and why.", "Need"},
	advice.Provision: {"Health provision (section G)", "Specific and quantified: who provides it, what it is, how often and for how long.", "What the provision is"},
	advice.Outcome:   {"Outcomes", "What the provision works towards, so progress can be measured.", "Outcome"},
	advice.View:      {"The child's and family's views", "As you heard them, in their words where you can.", "View"},
}

// adviceAnswerPage is the advice form.
type adviceAnswerPage struct {
	Request        advice.Request
	Sections       []adviceSection
	Reused         bool
	ReuseAgreement string
	Errors         []apperr.Field
}

func sectionsOf(sts []advice.Statement) []adviceSection {
	var out []adviceSection
	for _, key := range advice.Sections {
		h := adviceHeadings[key]
		sec := adviceSection{Key: key, Heading: h[0], Hint: h[1], Label: h[2]}
		var have []advice.Statement
		for _, st := range sts {
			if st.Section == key {
				have = append(have, st)
			}
		}
		n := max(adviceRows[key], len(have))
		for i := range n {
			row := adviceRow{Name: fmt.Sprintf("%s-%d", key, i+1), N: i + 1}
			if i < len(have) {
				row.Statement = have[i]
			}
			row.Section = key
			sec.Rows = append(sec.Rows, row)
		}
		out = append(out, sec)
	}
	return out
}

func (s *server) adviceAnswerForm(w http.ResponseWriter, r *http.Request) {
	p := adviceAnswerPage{}
	s.adviceAnswerRender(w, r, &p, true)
}

func (s *server) adviceAnswerRender(w http.ResponseWriter, r *http.Request, p *adviceAnswerPage, prefill bool) {
	a, _ := actorOf(r.Context())
	req, err := advice.Get(r.Context(), s.db, a, r.PathValue("rid"))
	if err == nil && (a.TeamID != req.TeamID || !a.May(access.AdviceSubmit)) {
		err = apperr.Errorf(apperr.Forbidden, "only the team asked for this advice can give it")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Request = req
	if prefill {
		var sts []advice.Statement
		if l := req.Latest(); l != nil { // a re-submission starts from the last version
			sts, p.Reused, p.ReuseAgreement = l.Statements, l.Reused, l.ReuseAgreement
		}
		p.Sections = sectionsOf(sts)
	}
	s.renderForm(w, r, "advice-answer.html", p, p.Errors)
}

// adviceUploadLimit bounds the advice form's body: the reports and the words.
const adviceUploadLimit = advice.MaxAttachments*advice.MaxAttachmentSize + 1<<20

func (s *server) adviceAnswer(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, adviceUploadLimit)
	var files []advice.Attachment
	if err := r.ParseMultipartForm(1 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		p := adviceAnswerPage{Sections: sectionsOf(nil), Errors: []apperr.Field{{Name: "attachment",
			Message: fmt.Sprintf("The files are too large together: attach at most %d reports of %d MB", advice.MaxAttachments, advice.MaxAttachmentSize>>20)}}}
		s.adviceAnswerRender(w, r, &p, false)
		return
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["attachment"] {
			if fh.Size == 0 && fh.Filename == "" {
				continue // the empty file input of a form sent without a report
			}
			f, err := fh.Open()
			if err != nil {
				s.fail(w, r, err)
				return
			}
			content, err := io.ReadAll(io.LimitReader(f, advice.MaxAttachmentSize+1))
			f.Close()
			if err != nil {
				s.fail(w, r, err)
				return
			}
			files = append(files, advice.Attachment{Name: fh.Filename, Content: content})
		}
	}
	in := advice.SubmissionInput{Attachments: files, Reused: r.PostFormValue("reused") == "yes", ReuseAgreement: r.PostFormValue("reuse-agreement")}
	for _, key := range advice.Sections {
		for i := 1; i <= 20; i++ {
			name := fmt.Sprintf("%s-%d", key, i)
			if _, ok := r.PostForm[name+"-body"]; !ok {
				break
			}
			in.Statements = append(in.Statements, advice.Statement{Section: key, Body: r.PostFormValue(name + "-body"),
				Who: r.PostFormValue(name + "-who"), HowOften: r.PostFormValue(name + "-how-often"),
				HowLong: r.PostFormValue(name + "-how-long"), Source: r.PostFormValue(name + "-source")})
		}
	}
	_, err := advice.Submit(r.Context(), s.db, a, r.PathValue("rid"), in)
	if fs := invalidFields(err); fs != nil {
		// Rows are numbered as the person sees them, blank rows included, so
		// the form shows exactly what was typed and the errors' own numbering
		// (which skips blank rows) is mapped back to it.
		p := adviceAnswerPage{Reused: in.Reused, ReuseAgreement: in.ReuseAgreement, Sections: sectionsOf(in.Statements)}
		p.Errors = renumber(fs, p.Sections)
		s.adviceAnswerRender(w, r, &p, false)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/advice/"+url.PathEscape(r.PathValue("rid")), http.StatusSeeOther)
}

// renumber points an error about the nth filled row of a section at that row's inputs.
func renumber(fs []apperr.Field, secs []adviceSection) []apperr.Field {
	for i, f := range fs {
		sec, rest, ok := strings.Cut(f.Name, "-")
		if !ok {
			continue
		}
		num, field, _ := strings.Cut(rest, "-")
		n, err := strconv.Atoi(num)
		if err != nil {
			continue
		}
		for _, s := range secs {
			if s.Key != sec {
				continue
			}
			filled := 0
			for _, row := range s.Rows {
				if strings.TrimSpace(row.Body+row.Who+row.HowOften+row.HowLong+row.Source) == "" {
					continue
				}
				if filled++; filled == n {
					fs[i].Name = row.Name + "-" + field
					break
				}
			}
		}
	}
	return fs
}

// adviceAttachment downloads a PDF sent with the advice, to whoever may read the request.
func (s *server) adviceAttachment(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	info, content, err := advice.ReadAttachment(r.Context(), s.db, a, r.PathValue("rid"), r.PathValue("aid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": info.Name}))
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	w.Write(content)
}

// adviceAssurance is the DCO's list of advice awaiting quality assurance.
func (s *server) adviceAssurance(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	list, err := advice.ToAssure(r.Context(), s.db, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "advice-assurance.html", list)
}

// adviceAssurePage is the DCO's rating form for the latest version.
type adviceAssurePage struct {
	Request  advice.Request
	Version  *advice.Submission
	Rubric   []advice.Criterion
	Ratings  map[string]string
	Feedback string
	Errors   []apperr.Field
}

func (s *server) adviceAssureForm(w http.ResponseWriter, r *http.Request) {
	s.adviceAssureRender(w, r, adviceAssurePage{Ratings: map[string]string{}})
}

func (s *server) adviceAssureRender(w http.ResponseWriter, r *http.Request, p adviceAssurePage) {
	a, _ := actorOf(r.Context())
	req, err := advice.Get(r.Context(), s.db, a, r.PathValue("rid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Request, p.Version = req, req.Latest()
	if p.Version == nil || p.Version.Status != advice.AwaitingQA {
		s.fail(w, r, apperr.Errorf(apperr.Conflict, "There is no advice on this request waiting for quality assurance"))
		return
	}
	if p.Rubric, err = advice.Rubric(r.Context(), s.db); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderForm(w, r, "advice-assure.html", p, p.Errors)
}

func (s *server) adviceAssure(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := adviceAssurePage{Ratings: map[string]string{}, Feedback: r.PostFormValue("feedback")}
	for k, v := range r.PostForm {
		if id, ok := strings.CutPrefix(k, "rating-"); ok && len(v) > 0 {
			p.Ratings[id] = v[0]
		}
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	err := advice.Assure(r.Context(), s.db, a, r.PathValue("rid"), version, advice.ReviewInput{Ratings: p.Ratings, Feedback: p.Feedback})
	if fs := invalidFields(err); fs != nil {
		p.Errors = fs
		s.adviceAssureRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/advice-assurance", http.StatusSeeOther)
}

// adviceDashboardPage is health advice timeliness and the DCO's ratings over time.
type adviceDashboardPage struct {
	advice.Dashboard
	Quality advice.QualityFigures
}

// adviceDashboard is health advice timeliness for the DCO, month by month by
// provider and team, and the quality assurance ratings over time.
func (s *server) adviceDashboard(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	ds, err := advice.Timeliness(r.Context(), s.db, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	qs, err := advice.QualityByMonth(r.Context(), s.db, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "advice-dashboard.html", adviceDashboardPage{ds, qs})
}

// adviceDashboardCSV is the same figures as a spreadsheet.
func (s *server) adviceDashboardCSV(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	ds, err := advice.Timeliness(r.Context(), s.db, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="health-advice-`+ds.Today.String()+`.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"month_received", "provider", "team", "received", "returned", "returned_within_6_weeks", "percent_within_6_weeks",
		"average_days_to_return", "awaited", "overdue", "withdrawn"})
	for _, m := range ds.Months {
		cw.Write([]string{m.Month, csvsafe.Cell(m.Provider), csvsafe.Cell(m.Team), strconv.Itoa(m.Received), strconv.Itoa(m.Returned),
			strconv.Itoa(m.OnTime), strconv.Itoa(m.OnTimePercent()), strconv.FormatFloat(m.AverageDays(), 'f', 1, 64), strconv.Itoa(m.Open),
			strconv.Itoa(m.Overdue), strconv.Itoa(m.Withdrawn)})
	}
	cw.Flush()
}

// adviceQualityCSV is the DCO's ratings over time as a spreadsheet: a row
// for each month and team, with red, amber and green for each criterion.
func (s *server) adviceQualityCSV(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	qs, err := advice.QualityByMonth(r.Context(), s.db, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="health-advice-quality-`+qs.Today.String()+`.csv"`)
	cw := csv.NewWriter(w)
	head := []string{"month", "provider", "team", "reviews", "resubmissions", "resubmissions_after_red"}
	for _, c := range qs.Rubric {
		head = append(head, csvsafe.Cell(c.ID+"_red"), csvsafe.Cell(c.ID+"_amber"), csvsafe.Cell(c.ID+"_green"))
	}
	cw.Write(head)
	for _, q := range qs.ByTeam {
		row := []string{q.Month, csvsafe.Cell(q.Provider), csvsafe.Cell(q.Team), strconv.Itoa(q.Reviews), strconv.Itoa(q.Resubmitted), strconv.Itoa(q.AfterRed)}
		for _, t := range q.Ratings {
			row = append(row, strconv.Itoa(t.Red), strconv.Itoa(t.Amber), strconv.Itoa(t.Green))
		}
		cw.Write(row)
	}
	cw.Flush()
}

// adviceSamplePage is the DCO's monthly audit sample and the months to choose from.
type adviceSamplePage struct {
	Month    string
	Months   []choice // the last 12 months, newest first
	Sample   []adviceSampleRow
	Returned int
	Size     int
	Errors   []apperr.Field
}

// adviceSampleRow is a sampled piece of advice in words.
type adviceSampleRow struct {
	RequestID, ChildName, Provider, Team, Returned, QA string
	AwaitingQA                                         bool
	Versions                                           int
}

// adviceSample is the monthly audit sample of the month chosen (last month unless another is given).
func (s *server) adviceSample(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	today := todayOf()
	p := adviceSamplePage{Month: r.URL.Query().Get("month"), Size: advice.SampleSize}
	this := date.Of(today.Year(), today.Month(), 1)
	if p.Month == "" {
		p.Month = this.AddMonths(-1).Time().Format("2006-01")
	}
	for i := range advice.DashboardMonths {
		m := this.AddMonths(-i).Time()
		p.Months = append(p.Months, choice{m.Format("2006-01"), m.Format("January 2006")})
	}
	list, returned, err := advice.Sample(r.Context(), s.db, a, p.Month)
	if fs := invalidFields(err); fs != nil {
		p.Errors = fs
		s.renderForm(w, r, "advice-sample.html", p, fs)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Returned = returned
	for _, x := range list {
		row := adviceSampleRow{RequestID: x.RequestID, ChildName: x.ChildName, Provider: x.Provider, Team: x.Team,
			Returned: dateWords(date.Today(x.Returned)), AwaitingQA: x.AwaitingQA, Versions: x.Versions}
		if !x.AwaitingQA {
			row.QA = fmt.Sprintf("%d red, %d amber, %d green", x.Rated.Red, x.Rated.Amber, x.Rated.Green)
		}
		p.Sample = append(p.Sample, row)
	}
	s.page(w, r, "advice-sample.html", p)
}

// adviceFuncs are the template functions the advice pages use.
var adviceFuncs = map[string]any{
	"adviceSections": func() []string { return advice.Sections },
	"adviceText": func(errs []apperr.Field, name, label, hint, value string) input {
		return input{Name: name, Label: label, Hint: hint, Value: value, Error: fieldError(errs, name)}
	},
	"adviceSection": func(key string) string { return adviceHeadings[key][0] },
	"adviceRatings": func() []string { return advice.Ratings },
	"adviceDays":    func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
}
