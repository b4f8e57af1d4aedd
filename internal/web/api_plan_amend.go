package web

import (
	"context"
	"net/http"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/appeal"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/plan"
)

// The JSON API's side of amending a final plan (plan_amend.go; SEND
// Regulations 2014 reg 22, rules R15 and R16): read the latest amendment with
// its changes, propose amendments, send the notice, issue the amended plan
// with its decision letter, withdraw the proposal before the notice or
// decide not to amend after it (reg 22(4)) with its decision letter.
// Each handler is a thin wrapper over the package plan function the page
// calls, so access, validation and audit are the same. Changing sections of
// the proposal is the plan API's (the version being written).

// apiAmendment is proposed amendments to a final plan, or the amended plan issued.
type apiAmendment struct {
	PlanID         string        `json:"plan_id"`
	Version        int           `json:"version"`
	AmendsVersion  int           `json:"amends_version"`
	Status         string        `json:"status"` // proposed, sent, issued, withdrawn
	Reason         string        `json:"reason"`
	NoticeOn       date.Date     `json:"notice_on,omitzero"`
	NoticeMethod   string        `json:"notice_method,omitempty"`
	NoticeDeemedOn date.Date     `json:"notice_deemed_on,omitzero"`
	NotBefore      date.Date     `json:"not_before,omitzero"` // R15, while sent and not issued
	Due            date.Date     `json:"due,omitzero"`        // R16, likewise
	IssuedOn       date.Date     `json:"issued_on,omitzero"`
	Method         string        `json:"method,omitempty"`
	DeemedOn       date.Date     `json:"deemed_on,omitzero"`
	LetterID       string        `json:"letter_id,omitempty"` // the amended plan's decision letter, or the decision not to amend's
	Letter         *apiLetter    `json:"letter,omitempty"`    // the answer to issue or to the decision only: that letter
	Withdrawn      *apiWithdrawn `json:"withdrawn,omitempty"`
	Changes        []apiChange   `json:"changes"`
}

// apiWithdrawn is how proposed amendments were withdrawn: by the decision
// not to amend after the notice (reg 22(4)), or before it.
type apiWithdrawn struct {
	At        time.Time `json:"at"`
	By        string    `json:"by,omitempty"` // staff only
	Reason    string    `json:"reason"`
	DecidedOn date.Date `json:"decided_on,omitzero"` // the clock's no_amendment_decision: R16 is met by it
}

type apiChange struct {
	Section string   `json:"section"`
	Title   string   `json:"title"`
	Removed []string `json:"removed"`
	Added   []string `json:"added"`
}

type apiAmendmentView struct {
	ChildID   string        `json:"child_id"`
	Amendment *apiAmendment `json:"amendment"`
}

// toAPIAmendment writes a version that amends a final plan; for the family (staff false) without staff's names.
func toAPIAmendment(p plan.Plan, staff bool) *apiAmendment {
	am := p.Amendment
	out := &apiAmendment{PlanID: p.ID, Version: p.Version, AmendsVersion: am.AmendsVersion, Status: "proposed", Reason: am.Reason,
		NoticeOn: am.NoticeOn, NoticeMethod: am.NoticeMethod, NoticeDeemedOn: am.NoticeDeemedOn, Changes: []apiChange{}}
	switch {
	case p.Status == plan.Issued:
		out.Status, out.IssuedOn, out.Method, out.DeemedOn, out.LetterID = "issued", p.IssuedOn, p.Method, p.DeemedOn, p.LetterID
	case p.Status == plan.Withdrawn:
		out.Status, out.LetterID = plan.Withdrawn, am.DecisionLetterID
		out.Withdrawn = &apiWithdrawn{At: am.WithdrawnAt.UTC(), Reason: am.WithdrawnReason, DecidedOn: am.DecidedOn}
		if staff {
			out.Withdrawn.By = am.WithdrawnBy
		}
	case am.Sent():
		out.Status, out.NotBefore, out.Due = "sent", am.NotBefore, am.Due
	}
	for _, c := range am.Changes {
		out.Changes = append(out.Changes, apiChange{Section: c.Section.Code, Title: c.Section.Title,
			Removed: append([]string{}, c.Removed...), Added: append([]string{}, c.Added...)})
	}
	return out
}

// apiPlanAmendment answers the latest amendment of the child's plan, or null.
func (s *server) apiPlanAmendment(w http.ResponseWriter, r *http.Request) {
	s.apiPlanAmendmentAs(w, r, access.CaseView)
}

// apiFamilyPlanAmendment is the same for the family, who see amendments once sent.
func (s *server) apiFamilyPlanAmendment(w http.ResponseWriter, r *http.Request) {
	s.apiPlanAmendmentAs(w, r, access.FamilyView)
}

func (s *server) apiPlanAmendmentAs(w http.ResponseWriter, r *http.Request, perm access.Permission) {
	a, _ := actorOf(r.Context())
	v, err := plan.Get(r.Context(), s.db, a, r.PathValue("id"), perm)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiAmendmentView{ChildID: v.ChildID}
	if p := v.LatestAmendment(); p != nil {
		out.Amendment = toAPIAmendment(*p, perm == access.CaseView)
	}
	writeJSON(w, http.StatusOK, out)
}

// apiPlanAmend proposes amendments to the final plan: 201 with the proposal.
func (s *server) apiPlanAmend(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the proposed amendments", map[string]apiFieldKind{"reason": fieldText})
	if !ok {
		return
	}
	p, err := plan.ProposeAmendments(r.Context(), s.db, a, r.PathValue("id"), b.text["reason"])
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIAmendment(p, true))
}

// apiPlanAmendNotice sends the family the proposed amendments: 200 with R15's and R16's dates.
func (s *server) apiPlanAmendNotice(w http.ResponseWriter, r *http.Request) {
	s.apiPlanAmendAct(w, r, plan.SendAmendmentNotice, http.StatusOK)
}

// apiPlanAmendIssue issues the amended plan and its decision letter: 201
// with both. Refused, naming every problem and storing nothing, as the
// final plan is (apiPlanIssue).
func (s *server) apiPlanAmendIssue(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the amended plan to issue", map[string]apiFieldKind{"method": fieldText, "adviser": fieldText, "reasons": fieldText})
	if !ok {
		return
	}
	p, l, err := plan.IssueAmended(r.Context(), s.db, a, r.PathValue("id"),
		plan.Notice{Method: b.text["method"], Adviser: b.text["adviser"], Reasons: b.text["reasons"]})
	if err != nil {
		s.apiFail(w, r, renamedSections(err))
		return
	}
	out := toAPIAmendment(p, true)
	letter := toAPILetter(l, true)
	out.Letter = &letter
	writeJSON(w, http.StatusCreated, out)
}

// apiPlanAmendWithdraw takes back proposed amendments not yet sent: 200
// with them, withdrawn.
func (s *server) apiPlanAmendWithdraw(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the withdrawal", map[string]apiFieldKind{"reason": fieldText})
	if !ok {
		return
	}
	p, err := plan.WithdrawAmendments(r.Context(), s.db, a, r.PathValue("id"), b.text["reason"])
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIAmendment(p, true))
}

// apiPlanNoAmend records the decision not to amend the plan after the
// notice (reg 22(4)) and sends its letter: 201 with the amendment, now
// withdrawn, and the letter.
func (s *server) apiPlanNoAmend(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the decision", map[string]apiFieldKind{"reasons": fieldText, "method": fieldText, "adviser": fieldText})
	if !ok {
		return
	}
	p, l, err := plan.DecideNotToAmend(r.Context(), s.db, a, r.PathValue("id"), plan.NoAmendInput{Reasons: b.text["reasons"], Method: b.text["method"], Adviser: b.text["adviser"]})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := toAPIAmendment(p, true)
	letter := toAPILetter(l, true)
	out.Letter = &letter
	writeJSON(w, http.StatusCreated, out)
}

func (s *server) apiPlanAmendAct(w http.ResponseWriter, r *http.Request,
	act func(context.Context, *db.DB, access.Actor, string, string) (plan.Plan, error), status int) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "how it is sent", map[string]apiFieldKind{"method": fieldText})
	if !ok {
		return
	}
	p, err := act(r.Context(), s.db, a, r.PathValue("id"), b.text["method"])
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, status, toAPIAmendment(p, true))
}

func amendSchemas(s map[string]any) {
	lines := map[string]any{"type": "array", "items": str()}
	s["AmendmentView"] = object([]string{"child_id", "amendment"}, map[string]any{"child_id": str(), "amendment": nullable("Amendment")})
	s["Amendment"] = object([]string{"plan_id", "version", "amends_version", "status", "reason", "changes"}, map[string]any{
		"plan_id": str(), "version": map[string]any{"type": "integer", "minimum": 1}, "amends_version": map[string]any{"type": "integer", "minimum": 1},
		"status": map[string]any{"type": "string", "enum": []string{"proposed", "sent", "issued", plan.Withdrawn},
			"description": "proposed: being written; sent: the family has the notice; issued: the amended plan in force or since amended; " +
				"withdrawn: taken back, after the notice by the decision not to amend (reg 22(4)), the plan it would have amended staying in force."},
		"withdrawn": object([]string{"at", "reason"}, map[string]any{
			"at": map[string]any{"type": "string", "format": "date-time"}, "by": map[string]any{"type": "string", "description": "Staff only."},
			"reason": map[string]any{"type": "string", "description": "Why: the decision's reasons, as its letter gives them."},
			"decided_on": map[string]any{"type": "string", "format": "date",
				"description": "The decision not to amend, after the notice (the clock's no_amendment_decision, which meets R16)."}}),
		"reason": str(), "notice_on": day(), "notice_method": enum(appeal.Methods...), "notice_deemed_on": day(),
		"not_before": map[string]any{"type": "string", "format": "date", "description": "R15: the amended plan cannot be issued before it."},
		"due":        map[string]any{"type": "string", "format": "date", "description": "R16: the amended plan is due by it."},
		"issued_on":  day(), "method": enum(appeal.Methods...), "deemed_on": day(),
		"letter_id": map[string]any{"type": "string", "description": "The amended plan's decision letter, sent with it (CFA 2014 s51(2)(c)), or the decision not to amend's (s51(2)(e))."},
		"letter":    map[string]any{"allOf": []any{ref("Letter")}, "description": "In the answer to issue, or to the decision not to amend, only: its decision letter."},
		"changes": map[string]any{"type": "array", "items": object([]string{"section", "title", "removed", "added"}, map[string]any{
			"section": str(), "title": str(), "removed": lines, "added": lines})},
	})
	s["NewAmendment"] = object([]string{"reason"}, map[string]any{"reason": map[string]any{"type": "string", "description": "Why the plan is to be amended."}})
	s["AmendmentSend"] = object([]string{"method"}, map[string]any{"method": enum(appeal.Methods...)})
	s["AmendmentWithdrawal"] = object([]string{"reason"}, map[string]any{"reason": map[string]any{"type": "string", "description": "Why they are withdrawn (10 to 10,000 characters)."}})
	s["NoAmendmentDecision"] = object([]string{"reasons", "method", "adviser"}, map[string]any{
		"reasons": map[string]any{"type": "string", "description": "The reasons, as the family will read them in the letter (20 to 10,000 characters)."},
		"method":  enum(appeal.Methods...),
		"adviser": map[string]any{"type": "string", "description": "The mediation adviser's name and how to contact them (10 to 500 characters)."},
	})
	s["AmendmentIssue"] = object([]string{"method", "adviser"}, map[string]any{
		"method":  enum(appeal.Methods...),
		"adviser": map[string]any{"type": "string", "description": "The mediation adviser's name and how to contact them, for the letter (10 to 500 characters)."},
		"reasons": map[string]any{"type": "string", "description": "The letter's reasons; left out, the standard words say why the plan was amended and which sections changed."},
	})
}
