package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/appeal"
	"joinedup/internal/apperr"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/plan"
)

// EHC plan documents (issue 4, point 3): the coordinator's page with the
// plan being written and the one last issued, each section's form, issuing
// a draft and the final plan, consulting a setting; the family's page with
// the plan, their comments and the setting they ask for. Every read and
// change goes through package plan, which checks access and audits.

// planPage is the plan as one reader sees it, with what they may do.
type planPage struct {
	View              plan.View
	Doc               *plan.Plan // what the document shows: the version being written, else the latest issued
	Staff             bool
	CanEdit, CanIssue bool
	Settings          []plan.Setting // the family's choices
	Method            string
	Section, Comment  string // the family's answers, as typed
	Setting, Reason   string
	Adviser, Reasons  string // the final plan's decision letter
	NoPlan            noPlanForm
	NoAmend           noPlanForm // the decision not to amend after the notice (plan_amend.go): noamend-reasons, -method, -adviser
	AmendReason       string     // why the plan is to be amended, as typed (plan_amend.go)
	WithdrawReason    string     // why the proposed amendments are withdrawn, as typed (withdraw-reason)
	Errors            []apperr.Field
}

// noPlanForm is the decision not to issue a plan as typed; its fields are
// named noplan-reasons, noplan-method and noplan-adviser on the page.
type noPlanForm struct {
	Reasons, Method, Adviser string
	Open                     bool // shown open: it came back with errors
}

// planBase is the address of the child's plan page for the reader.
func planBase(r *http.Request, staff bool) string {
	if staff {
		return "/staff/children/" + url.PathEscape(r.PathValue("id")) + "/ehc/plan"
	}
	return "/family/children/" + url.PathEscape(r.PathValue("id")) + "/ehc/plan"
}

func (s *server) planStaff(w http.ResponseWriter, r *http.Request) {
	s.planRender(w, r, planPage{Staff: true})
}

func (s *server) planFamily(w http.ResponseWriter, r *http.Request) {
	s.planRender(w, r, planPage{})
}

func (s *server) planRender(w http.ResponseWriter, r *http.Request, p planPage) {
	a, _ := actorOf(r.Context())
	perm := access.FamilyView
	if p.Staff {
		perm = access.CaseView
	}
	var err error
	if p.View, err = plan.Get(r.Context(), s.db, a, r.PathValue("id"), perm); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Doc = p.View.Working()
	if p.Doc == nil || !p.Staff {
		p.Doc = p.View.Current()
	}
	if p.Staff {
		// After a decision not to issue a plan, a version written before it stays as it was.
		p.CanEdit = a.May(access.CaseEdit) && p.View.Stage != casework.NoPlan
		p.CanIssue = a.May(access.PlanIssue) && p.View.Stage != casework.NoPlan
		if p.Adviser == "" && p.Errors == nil {
			p.Adviser = DefaultAdviser
		}
		if p.NoPlan.Adviser == "" && !p.NoPlan.Open {
			p.NoPlan.Adviser = DefaultAdviser
		}
		if p.NoAmend.Adviser == "" && !p.NoAmend.Open {
			p.NoAmend.Adviser = DefaultAdviser
		}
	} else if p.View.Open() != nil { // the family may still ask for a setting
		if p.Settings, err = plan.Settings(r.Context(), s.db); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.renderForm(w, r, "plan_page.html", p, p.Errors)
}

// planStart begins a draft, or the final plan, and goes back to the plan.
func (s *server) planStart(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	if _, err := plan.Start(r.Context(), s.db, a, r.PathValue("id"), r.PostFormValue("kind")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, planBase(r, true), http.StatusSeeOther)
}

// planIssue issues the version being written, and with the final plan its
// decision letter; the page comes back naming every problem.
func (s *server) planIssue(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := planPage{Staff: true, Method: r.PostFormValue("method"), Adviser: r.PostFormValue("adviser"), Reasons: r.PostFormValue("reasons")}
	var err error
	if r.PostFormValue("kind") == plan.Final {
		_, _, err = plan.IssueFinal(r.Context(), s.db, a, r.PathValue("id"), plan.Notice{Method: p.Method, Adviser: p.Adviser, Reasons: p.Reasons})
	} else {
		_, err = plan.IssueDraft(r.Context(), s.db, a, r.PathValue("id"), p.Method)
	}
	if fs := invalidFields(err); fs != nil {
		for i := range fs { // "E-0-by" is a row of section E: the page links to the section
			if code, _, ok := strings.Cut(fs[i].Name, "-"); ok && code != "section" {
				fs[i].Name = "section-" + code
			}
		}
		p.Errors = fs
		s.planRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, planBase(r, true), http.StatusSeeOther)
}

// planNoPlan records the council's decision not to issue a plan and sends
// its decision letter (planDecide).
func (s *server) planNoPlan(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	s.planDecide(w, r, "noplan-", func(f noPlanForm) (casework.Letter, error) {
		_, l, err := plan.DecideNoPlan(r.Context(), s.db, a, r.PathValue("id"), plan.NoPlanInput{Reasons: f.Reasons, Method: f.Method, Adviser: f.Adviser})
		return l, err
	}, func(f noPlanForm) planPage { return planPage{Staff: true, NoPlan: f} })
}

// planDecide takes a decision with its letter from the form whose fields
// begin with prefix, then shows the letter; the page (on which page puts
// the form) comes back naming every problem, the form open.
func (s *server) planDecide(w http.ResponseWriter, r *http.Request, prefix string, decide func(noPlanForm) (casework.Letter, error), page func(noPlanForm) planPage) {
	f := noPlanForm{Reasons: r.PostFormValue(prefix + "reasons"), Method: r.PostFormValue(prefix + "method"),
		Adviser: r.PostFormValue(prefix + "adviser"), Open: true}
	l, err := decide(f)
	if fs := invalidFields(err); fs != nil {
		for i := range fs {
			fs[i].Name = prefix + fs[i].Name
		}
		p := page(f)
		p.Errors = fs
		s.planRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/children/"+url.PathEscape(r.PathValue("id"))+"/ehc/letters/"+url.PathEscape(l.ID), http.StatusSeeOther)
}

// planConsult records the consultation of a setting the family asked for.
// Each setting's form names its fields with its own prefix (c0-, c1-...).
func (s *server) planConsult(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	prefix := r.PostFormValue("prefix")
	var bad []apperr.Field
	sent, err := partsOf(r, prefix+"sent").date()
	if err != nil {
		bad = append(bad, apperr.Field{Name: "sent", Message: "The date consulted: " + err.Error()})
	}
	answered, err := partsOf(r, prefix+"answered").date()
	if err != nil {
		bad = append(bad, apperr.Field{Name: "answered", Message: "The date answered: " + err.Error()})
	}
	if len(bad) == 0 {
		err = plan.Consult(r.Context(), s.db, a, r.PathValue("id"), r.PathValue("sid"), sent, answered, r.PostFormValue(prefix+"response"))
		bad = invalidFields(err)
		if bad == nil && err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if len(bad) > 0 {
		for i := range bad {
			bad[i].Name = prefix + bad[i].Name
		}
		s.planRender(w, r, planPage{Staff: true, Errors: bad})
		return
	}
	http.Redirect(w, r, planBase(r, true), http.StatusSeeOther)
}

// planComment records a family's comment on a section of the draft.
func (s *server) planComment(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := planPage{Section: r.PostFormValue("section"), Comment: r.PostFormValue("comment")}
	_, err := plan.AddComment(r.Context(), s.db, a, r.PathValue("id"), p.Section, p.Comment)
	if p.Errors = invalidFields(err); p.Errors != nil {
		s.planRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, planBase(r, false)+"#comments", http.StatusSeeOther)
}

// planSetting records the school or college the family asks to be named.
func (s *server) planSetting(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := planPage{Setting: r.PostFormValue("setting"), Reason: r.PostFormValue("reason")}
	_, err := plan.RequestSetting(r.Context(), s.db, a, r.PathValue("id"), p.Setting, p.Reason)
	if p.Errors = invalidFields(err); p.Errors != nil {
		s.planRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, planBase(r, false)+"#setting", http.StatusSeeOther)
}

// planSectionPage is one section's form: its rows as typed, one blank to add.
type planSectionPage struct {
	ChildID, ChildName string
	Plan               plan.Plan
	Section            plan.Section
	Rows               []planRow
	PlacementType      string
	Setting            string
	Settings           []plan.Setting
	Errors             []apperr.Field
}

// planRow is a row of a section's form, its dates as typed.
type planRow struct {
	plan.Item
	ByParts, GivenParts dateParts
}

func partsOfDate(d date.Date) dateParts {
	if d.IsZero() {
		return dateParts{}
	}
	return dateParts{strconv.Itoa(d.Day()), strconv.Itoa(int(d.Month())), strconv.Itoa(d.Year())}
}

func (s *server) planSectionForm(w http.ResponseWriter, r *http.Request) {
	s.planSectionRender(w, r, planSectionPage{}, nil)
}

// planSectionRender shows the form; rows nil means the stored rows and one blank.
func (s *server) planSectionRender(w http.ResponseWriter, r *http.Request, p planSectionPage, rows []planRow) {
	a, _ := actorOf(r.Context())
	var ok bool
	if p.Section, ok = plan.SectionOf(r.PathValue("section")); !ok {
		s.notFound(w, r)
		return
	}
	v, err := plan.Get(r.Context(), s.db, a, r.PathValue("id"), access.CaseEdit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	wk := v.Working()
	if wk == nil {
		s.fail(w, r, apperr.Errorf(apperr.Conflict, "There is no plan being written for this child: start a draft or the final plan first"))
		return
	}
	p.ChildID, p.ChildName, p.Plan = v.ChildID, v.ChildName, *wk
	if p.Section.Shape == plan.Placement {
		if rows == nil && p.Errors == nil {
			p.PlacementType, p.Setting = wk.PlacementType, wk.SettingID
		}
		if wk.Kind == plan.Final {
			if p.Settings, err = plan.Settings(r.Context(), s.db); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	} else if rows == nil {
		for _, it := range wk.In(p.Section.Code) {
			rows = append(rows, planRow{Item: it, ByParts: partsOfDate(it.ByWhen), GivenParts: partsOfDate(it.Given)})
		}
		rows = append(rows, planRow{})
	}
	p.Rows = rows
	s.renderForm(w, r, "plan_section.html", p, p.Errors)
}

// planSection saves a section: rows ticked to remove are dropped, and "add
// another row" saves and shows the form again with a blank row.
func (s *server) planSection(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	code := r.PathValue("section")
	sec, ok := plan.SectionOf(code)
	if !ok {
		s.notFound(w, r)
		return
	}
	childID := r.PathValue("id")
	if sec.Shape == plan.Placement {
		p := planSectionPage{PlacementType: r.PostFormValue("type"), Setting: r.PostFormValue("setting")}
		err := plan.SavePlacement(r.Context(), s.db, a, childID, p.PlacementType, p.Setting)
		if p.Errors = invalidFields(err); p.Errors != nil {
			s.planSectionRender(w, r, p, []planRow{})
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, planBase(r, true)+"#section-"+code, http.StatusSeeOther)
		return
	}
	n, _ := strconv.Atoi(r.PostFormValue("rows"))
	n = min(max(n, 0), 200)
	var rows []planRow
	var items []plan.Item
	var bad []apperr.Field
	for i := range n {
		name := code + "-" + strconv.Itoa(i) + "-"
		if r.PostFormValue(name+"remove") != "" {
			continue
		}
		row := planRow{Item: plan.Item{Body: r.PostFormValue(name + "body"), Who: r.PostFormValue(name + "who"),
			HowOften: r.PostFormValue(name + "often"), HowLong: r.PostFormValue(name + "long"), Steps: r.PostFormValue(name + "steps"),
			Source: r.PostFormValue(name + "source")}, ByParts: partsOf(r, name+"by"), GivenParts: partsOf(r, name+"given")}
		var err error
		at := code + "-" + strconv.Itoa(len(rows)) + "-"
		if row.ByWhen, err = row.ByParts.date(); err != nil {
			bad = append(bad, apperr.Field{Name: at + "by", Message: "Section " + code + ", row " + strconv.Itoa(len(rows)+1) + ": by when: " + err.Error()})
		}
		if row.Given, err = row.GivenParts.date(); err != nil {
			bad = append(bad, apperr.Field{Name: at + "given", Message: "Section " + code + ", row " + strconv.Itoa(len(rows)+1) + ": date given: " + err.Error()})
		}
		rows = append(rows, row)
		items = append(items, row.Item)
	}
	if len(bad) == 0 {
		err := plan.SaveSection(r.Context(), s.db, a, childID, code, items)
		if bad = invalidFields(err); bad == nil && err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if len(bad) > 0 || r.PostFormValue("action") == "add" {
		if len(bad) == 0 { // saved: show what was kept, in order, and a blank row
			rows = nil
		}
		if rows != nil {
			rows = append(rows, planRow{})
		}
		s.planSectionRender(w, r, planSectionPage{Errors: bad}, rows)
		return
	}
	http.Redirect(w, r, planBase(r, true)+"#section-"+code, http.StatusSeeOther)
}

// planDoc is what the planDocument component draws: a version, and where to change its sections.
type planDoc struct {
	Plan     plan.Plan
	EditBase string // "" when the reader cannot change it
}

func init() {
	ehcFuncs["planSections"] = func() []plan.Section { return plan.Sections }
	ehcFuncs["planSection"] = func(code string) plan.Section { s, _ := plan.SectionOf(code); return s }
	ehcFuncs["planDoc"] = func(p plan.Plan, editBase string) planDoc { return planDoc{p, editBase} }
	ehcFuncs["planMethods"] = func() []choice {
		return []choice{{appeal.Email, "By email"}, {appeal.Post, "By first class post"}, {appeal.Portal, "On joinedup"}, {appeal.Hand, "By hand"}}
	}
	ehcFuncs["planParts"] = partsOfDate
	ehcFuncs["planAdd1"] = func(i int) int { return i + 1 }
	ehcFuncs["planRowName"] = func(code string, i int, field string) string { return code + "-" + strconv.Itoa(i) + "-" + field }
}
