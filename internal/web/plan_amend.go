package web

import (
	"context"
	"net/http"
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/casework"
	"joinedup/internal/db"
	"joinedup/internal/plan"
)

// Amending a final plan (issue 4, point 4; SEND Regulations 2014 reg 22):
// the coordinator proposes amendments as a copy of the final plan, changes
// it with the section forms (plan.go), sends the notice and, after the
// family's 15 days (R15), issues the amended plan with its decision letter.
// Before the notice the proposal can be withdrawn with a reason; after it,
// the council decides not to amend after all (reg 22(4)), with its decision
// letter. The family's comments and
// setting requests on the proposal go through plan.go's handlers. Every
// read and change goes through package plan, which checks access and audits.

// planAmendStart starts proposed amendments to the final plan.
func (s *server) planAmendStart(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	reason := r.PostFormValue("reason")
	_, err := plan.ProposeAmendments(r.Context(), s.db, a, r.PathValue("id"), reason)
	if fs := invalidFields(err); fs != nil {
		s.planRender(w, r, planPage{Staff: true, AmendReason: reason, Errors: fs})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, planBase(r, true), http.StatusSeeOther)
}

// planAmendNotice sends the family the proposed amendments.
func (s *server) planAmendNotice(w http.ResponseWriter, r *http.Request) {
	s.planAmendAct(w, r, plan.SendAmendmentNotice, "#proposed-changes")
}

// planAmendIssue issues the amended plan and its decision letter, as
// planIssue does the final plan's; the page comes back naming every problem.
func (s *server) planAmendIssue(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	p := planPage{Staff: true, Method: r.PostFormValue("method"), Adviser: r.PostFormValue("adviser"), Reasons: r.PostFormValue("reasons")}
	_, _, err := plan.IssueAmended(r.Context(), s.db, a, r.PathValue("id"), plan.Notice{Method: p.Method, Adviser: p.Adviser, Reasons: p.Reasons})
	if fs := invalidFields(err); fs != nil {
		p.Errors = sectionFields(fs)
		s.planRender(w, r, p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, planBase(r, true), http.StatusSeeOther)
}

// planAmendAct does act with the method chosen; the page comes back naming every problem.
func (s *server) planAmendAct(w http.ResponseWriter, r *http.Request,
	act func(context.Context, *db.DB, access.Actor, string, string) (plan.Plan, error), anchor string) {
	a, _ := actorOf(r.Context())
	method := r.PostFormValue("method")
	_, err := act(r.Context(), s.db, a, r.PathValue("id"), method)
	if fs := invalidFields(err); fs != nil {
		s.planRender(w, r, planPage{Staff: true, Method: method, Errors: sectionFields(fs)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, planBase(r, true)+anchor, http.StatusSeeOther)
}

// planAmendWithdraw takes back proposed amendments not yet sent; the page
// comes back naming the reason (withdraw-reason), the form open.
func (s *server) planAmendWithdraw(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	reason := r.PostFormValue("withdraw-reason")
	_, err := plan.WithdrawAmendments(r.Context(), s.db, a, r.PathValue("id"), reason)
	if fs := invalidFields(err); fs != nil {
		for i := range fs {
			fs[i].Name = "withdraw-" + fs[i].Name
		}
		s.planRender(w, r, planPage{Staff: true, WithdrawReason: reason, Errors: fs})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, planBase(r, true)+"#amendments-withdrawn", http.StatusSeeOther)
}

// planAmendNoAmend records the council's decision not to amend the plan
// after the notice (reg 22(4)) and sends its decision letter (planDecide).
func (s *server) planAmendNoAmend(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	s.planDecide(w, r, "noamend-", func(f noPlanForm) (casework.Letter, error) {
		_, l, err := plan.DecideNotToAmend(r.Context(), s.db, a, r.PathValue("id"), plan.NoAmendInput{Reasons: f.Reasons, Method: f.Method, Adviser: f.Adviser})
		return l, err
	}, func(f noPlanForm) planPage { return planPage{Staff: true, NoAmend: f} })
}

// sectionFields names a row's problem ("E-0-by") by its section, which the page links to.
func sectionFields(fs []apperr.Field) []apperr.Field {
	for i := range fs {
		if code, _, ok := strings.Cut(fs[i].Name, "-"); ok && code != "section" {
			fs[i].Name = "section-" + code
		}
	}
	return fs
}
