package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/plan"
)

// The JSON API's side of the EHC plan documents (plan.go): reading a child's
// plans, writing a version section by section, issuing the draft and the
// final plan with its decision letter, deciding not to issue one,
// consulting a setting; for families, reading the plan, commenting on the
// draft and asking for a setting. Each handler is a thin wrapper over the
// package plan function the page calls, so access, validation and audit are
// the same.

// apiPlanView is a child's plans as one reader may see them.
type apiPlanView struct {
	Child           apiPerson           `json:"child"`
	Stage           string              `json:"stage"` // the case's stage; "" when there is no case
	Current         *apiPlanVersion     `json:"current"`
	Working         *apiPlanVersion     `json:"working"` // staff only: the version being written
	Versions        []apiPlanSummary    `json:"versions"`
	FinalNotBefore  date.Date           `json:"final_not_before,omitzero"` // R5, from the clock
	Comments        []apiPlanComment    `json:"comments"`
	SettingRequests []apiSettingRequest `json:"setting_requests"`
	SettingChoices  []apiSetting        `json:"setting_choices,omitempty"` // what may be named now, when something may
	Today           date.Date           `json:"today"`
	Access          string              `json:"access"`
}

// apiPlanSummary is one version in the list of versions.
type apiPlanSummary struct {
	ID       string    `json:"id"`
	Version  int       `json:"version"`
	Kind     string    `json:"kind"`
	Status   string    `json:"status"`
	Title    string    `json:"title"`
	IssuedOn date.Date `json:"issued_on,omitzero"`
}

// apiPlanVersion is one version of the plan, whole.
type apiPlanVersion struct {
	ID               string                    `json:"id"`
	Version          int                       `json:"version"`
	Kind             string                    `json:"kind"`
	Status           string                    `json:"status"`
	Title            string                    `json:"title"`
	Sections         map[string]apiPlanSection `json:"sections"` // every section but I, by its letter
	Placement        apiPlacement              `json:"placement"`
	IssuedOn         date.Date                 `json:"issued_on,omitzero"`
	DeemedReceivedOn date.Date                 `json:"deemed_received_on,omitzero"`
	Method           string                    `json:"method,omitempty"`
	LetterID         string                    `json:"letter_id,omitempty"`  // the final plan's decision letter
	CreatedBy        string                    `json:"created_by,omitempty"` // staff only
	IssuedBy         string                    `json:"issued_by,omitempty"`  // staff only
	CreatedAt        time.Time                 `json:"created_at"`
}

type apiPlanSection struct {
	Title string        `json:"title"`
	Shape string        `json:"shape"`
	Items []apiPlanItem `json:"items"`
}

// apiPlanItem is a row of a section; which fields it has is its section's shape.
type apiPlanItem struct {
	Body     string    `json:"body"`
	Who      string    `json:"who,omitempty"`
	HowOften string    `json:"how_often,omitempty"`
	HowLong  string    `json:"how_long,omitempty"`
	ByWhen   date.Date `json:"by_when,omitzero"`
	Steps    string    `json:"steps,omitempty"`
	Given    date.Date `json:"given,omitzero"`
	Source   string    `json:"source,omitempty"`
}

type apiPlacement struct {
	Type    string      `json:"type"`
	Setting *apiSetting `json:"setting"` // null until the final plan names one
}

type apiSetting struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind,omitempty"`
}

type apiPlanComment struct {
	ID      string    `json:"id"`
	PlanID  string    `json:"plan_id"`
	Section string    `json:"section"` // a section's letter, or "all"
	Body    string    `json:"body"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

type apiSettingRequest struct {
	ID          string     `json:"id"`
	PlanID      string     `json:"plan_id"`
	Setting     apiSetting `json:"setting"`
	Reason      string     `json:"reason"`
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	ConsultedOn date.Date  `json:"consulted_on,omitzero"`
	ResponseDue date.Date  `json:"response_due,omitzero"`
	RespondedOn date.Date  `json:"responded_on,omitzero"`
	Response    string     `json:"response,omitempty"`
}

// apiIssued is a version just issued and, for the final plan, its letter.
type apiIssued struct {
	Plan   apiPlanVersion `json:"plan"`
	Letter *apiLetter     `json:"letter"` // null for a draft
}

// apiNoPlan is a decision not to issue a plan: its event and its letter.
type apiNoPlan struct {
	Event  apiEvent  `json:"event"`
	Letter apiLetter `json:"letter"`
}

func toAPIPlanVersion(p plan.Plan, staff bool) apiPlanVersion {
	out := apiPlanVersion{ID: p.ID, Version: p.Version, Kind: p.Kind, Status: p.Status, Title: p.Title(), Sections: map[string]apiPlanSection{},
		Placement: apiPlacement{Type: p.PlacementType}, IssuedOn: p.IssuedOn, DeemedReceivedOn: p.DeemedOn, Method: p.Method,
		LetterID: p.LetterID, CreatedAt: p.CreatedAt.UTC()}
	if staff {
		out.CreatedBy, out.IssuedBy = p.CreatedBy, p.IssuedBy
	}
	if p.SettingID != "" {
		out.Placement.Setting = &apiSetting{ID: p.SettingID, Name: p.Setting}
	}
	for _, s := range plan.Sections {
		if s.Shape == plan.Placement {
			continue
		}
		sec := apiPlanSection{Title: s.Title, Shape: s.Shape, Items: []apiPlanItem{}}
		for _, it := range p.In(s.Code) {
			sec.Items = append(sec.Items, apiPlanItem{Body: it.Body, Who: it.Who, HowOften: it.HowOften, HowLong: it.HowLong,
				ByWhen: it.ByWhen, Steps: it.Steps, Given: it.Given, Source: it.Source})
		}
		out.Sections[s.Code] = sec
	}
	return out
}

func toAPISettingRequest(r plan.SettingRequest) apiSettingRequest {
	return apiSettingRequest{ID: r.ID, PlanID: r.PlanID, Setting: apiSetting{ID: r.SettingID, Name: r.Setting}, Reason: r.Reason,
		RequestedBy: r.RequestedBy, RequestedAt: r.RequestedAt.UTC(), ConsultedOn: r.ConsultedOn, ResponseDue: r.ResponseDue,
		RespondedOn: r.RespondedOn, Response: r.Response}
}

func toAPIPlanComment(c plan.Comment) apiPlanComment {
	return apiPlanComment{ID: c.ID, PlanID: c.PlanID, Section: c.Section, Body: c.Body, By: c.By, At: c.At.UTC()}
}

// apiPlanStaff is a child's plans for staff: the version being written too.
func (s *server) apiPlanStaff(w http.ResponseWriter, r *http.Request) { s.apiPlanGet(w, r, true) }

// apiPlanFamily is their child's plans for the family: the versions issued.
func (s *server) apiPlanFamily(w http.ResponseWriter, r *http.Request) { s.apiPlanGet(w, r, false) }

func (s *server) apiPlanGet(w http.ResponseWriter, r *http.Request, staff bool) {
	a, _ := actorOf(r.Context())
	perm := access.FamilyView
	if staff {
		perm = access.CaseView
	}
	v, err := plan.Get(r.Context(), s.db, a, r.PathValue("id"), perm)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiPlanView{Child: apiPerson{v.ChildID, v.ChildName}, Stage: v.Stage, Versions: []apiPlanSummary{}, FinalNotBefore: v.FinalNotBefore,
		Comments: []apiPlanComment{}, SettingRequests: []apiSettingRequest{}, Today: v.Today, Access: v.Access}
	for _, p := range v.Versions {
		out.Versions = append(out.Versions, apiPlanSummary{ID: p.ID, Version: p.Version, Kind: p.Kind, Status: p.Status, Title: p.Title(), IssuedOn: p.IssuedOn})
	}
	if c := v.Current(); c != nil {
		cur := toAPIPlanVersion(*c, staff)
		out.Current = &cur
	}
	if wk := v.Working(); wk != nil && staff {
		wv := toAPIPlanVersion(*wk, staff)
		out.Working = &wv
	}
	for _, c := range v.Comments {
		out.Comments = append(out.Comments, toAPIPlanComment(c))
	}
	for _, sr := range v.Settings {
		out.SettingRequests = append(out.SettingRequests, toAPISettingRequest(sr))
	}
	// The schools and colleges that may be named now: the family's while a draft or proposed amendments are open (as the
	// page offers them and plan.RequestSetting takes them), the final plan's while it is written.
	if wk := v.Working(); staff && wk != nil && wk.Kind == plan.Final && a.May(access.CaseEdit) || !staff && v.Open() != nil {
		list, err := plan.Settings(r.Context(), s.db)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		for _, st := range list {
			out.SettingChoices = append(out.SettingChoices, apiSetting{ID: st.ID, Name: st.Name, Kind: st.Kind})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// apiPlanStart begins a draft, or the final plan: 201 with the version.
func (s *server) apiPlanStart(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the plan to start", map[string]apiFieldKind{"kind": fieldText})
	if !ok {
		return
	}
	pl, err := plan.Start(r.Context(), s.db, a, r.PathValue("id"), b.text["kind"])
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIPlanVersion(pl, true))
}

// apiItemFields are the fields a row of each shape of section has.
var apiItemFields = map[string]map[string]apiFieldKind{
	plan.Text:      {"body": fieldText, "source": fieldText},
	plan.Outcome:   {"body": fieldText, "by_when": fieldDate, "steps": fieldText, "source": fieldText},
	plan.Provision: {"body": fieldText, "who": fieldText, "how_often": fieldText, "how_long": fieldText, "source": fieldText},
	plan.Advice:    {"body": fieldText, "who": fieldText, "given": fieldDate, "source": fieldText},
}

// apiRowNames are plan's names for a row's fields (plan.Check's "E-0-by"), as the API sends them.
var apiRowNames = map[string]string{"body": "body", "who": "who", "often": "how_often", "long": "how_long", "by": "by_when",
	"steps": "steps", "given": "given"}

// apiRowField turns plan's name of a row's field ("E-0-by") into the API's
// ("items[0].by_when"), with prefix before it; ok is false for any other name.
func apiRowField(name, prefix string) (string, bool) {
	parts := strings.Split(name, "-")
	if len(parts) != 3 {
		return "", false
	}
	if _, ok := plan.SectionOf(parts[0]); !ok {
		return "", false
	}
	i, err := strconv.Atoi(parts[1])
	if err != nil {
		return "", false
	}
	field, ok := apiRowNames[parts[2]]
	return fmt.Sprintf("%sitems[%d].%s", prefix, i, field), ok
}

// readItems reads {"items": [...]}: each row an object with its section's
// fields, all strings. A field the section's rows do not have, a value that
// is not a string and a date that is not one are each named, by the row.
func readItems(obj map[string]json.RawMessage, sec plan.Section) ([]plan.Item, error) {
	var bad apperr.Fields
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if k != "items" {
			bad.Add(k, "a section has no such field; send {\"items\": [...]}")
		}
	}
	var rows []json.RawMessage
	if raw, ok := obj["items"]; !ok || json.Unmarshal(raw, &rows) != nil || rows == nil {
		bad.Add("items", "give the section's rows as a list, [] for none")
	}
	kinds := apiItemFields[sec.Shape]
	var items []plan.Item
	for i, raw := range rows {
		at := fmt.Sprintf("items[%d]", i)
		var row map[string]json.RawMessage
		if json.Unmarshal(raw, &row) != nil || row == nil {
			bad.Add(at, "must be an object")
			items = append(items, plan.Item{})
			continue
		}
		b, err := readFields(row, "a row of section "+sec.Code, kinds)
		var e *apperr.Error
		if errors.As(err, &e) {
			for _, f := range e.Fields {
				bad.Add(at+"."+f.Name, f.Message)
			}
		}
		items = append(items, plan.Item{Body: b.text["body"], Who: b.text["who"], HowOften: b.text["how_often"], HowLong: b.text["how_long"],
			ByWhen: b.dates["by_when"], Steps: b.text["steps"], Given: b.dates["given"], Source: b.text["source"]})
	}
	return items, bad.Err("section " + sec.Code)
}

// apiPlanSection replaces a section's rows in the version being written:
// 200 with the version as now stored.
func (s *server) apiPlanSection(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	sec, ok := plan.SectionOf(r.PathValue("section"))
	if !ok || sec.Shape == plan.Placement {
		s.apiFail(w, r, apperr.Errorf(apperr.NotFound, "there is no such section (section I, the placement, is sent to …/ehc/plan/placement)"))
		return
	}
	obj, status, e := readObject(w, r)
	if e != nil {
		apiError(w, status, e)
		return
	}
	items, err := readItems(obj, sec)
	if err != nil && !s.apiInReach(w, r, access.CaseEdit) { // a child out of reach is missing, whatever the body
		return
	}
	if err == nil {
		var pl plan.Plan
		if pl, err = plan.WriteSection(r.Context(), s.db, a, r.PathValue("id"), sec.Code, items); err == nil {
			writeJSON(w, http.StatusOK, toAPIPlanVersion(pl, true))
			return
		}
	}
	s.apiFail(w, r, renamedRows(err, ""))
}

// renamedRows is err with plan's names of rows' fields in the API's.
func renamedRows(err error, prefix string) error {
	var e *apperr.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	names := map[string]string{}
	for _, f := range e.Fields {
		if n, ok := apiRowField(f.Name, prefix); ok {
			names[f.Name] = n
		}
	}
	return renamed(err, names)
}

// apiPlanPlacement sets section I of the version being written: 200 with the version.
func (s *server) apiPlanPlacement(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the placement", map[string]apiFieldKind{"type": fieldText, "setting": fieldText})
	if !ok {
		return
	}
	pl, err := plan.WritePlacement(r.Context(), s.db, a, r.PathValue("id"), b.text["type"], b.text["setting"])
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPIPlanVersion(pl, true))
}

// apiPlanIssue issues the version being written (draft or final), and with
// the final plan its decision letter: 201 with both. Refused, naming every
// problem and storing nothing, while the plan is incomplete.
func (s *server) apiPlanIssue(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the plan to issue", map[string]apiFieldKind{"kind": fieldText, "method": fieldText, "adviser": fieldText, "reasons": fieldText})
	if !ok {
		return
	}
	pl, l, err := plan.Issue(r.Context(), s.db, a, r.PathValue("id"), b.text["kind"],
		plan.Notice{Method: b.text["method"], Adviser: b.text["adviser"], Reasons: b.text["reasons"]})
	out := apiIssued{Plan: toAPIPlanVersion(pl, true)}
	if l.ID != "" {
		letter := toAPILetter(l, true)
		out.Letter = &letter
	}
	if err != nil {
		s.apiFail(w, r, renamedSections(err))
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// renamedSections is err with plan.Check's names in the API's: "section-B"
// is sections.B, "E-0-by" sections.E.items[0].by_when, as the version's JSON has them.
func renamedSections(err error) error {
	var e *apperr.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	names := map[string]string{}
	for _, f := range e.Fields {
		if code, ok := strings.CutPrefix(f.Name, "section-"); ok {
			names[f.Name] = "sections." + code
			if code == "I" {
				names[f.Name] = "placement"
			}
		} else if code, _, _ := strings.Cut(f.Name, "-"); code != f.Name {
			if n, ok := apiRowField(f.Name, "sections."+code+"."); ok {
				names[f.Name] = n
			}
		}
	}
	return renamed(err, names)
}

// apiPlanNoPlan records the decision not to issue a plan and sends its
// letter: 201 with the event and the letter.
func (s *server) apiPlanNoPlan(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the decision", map[string]apiFieldKind{"reasons": fieldText, "method": fieldText, "adviser": fieldText})
	if !ok {
		return
	}
	ev, l, err := plan.DecideNoPlan(r.Context(), s.db, a, r.PathValue("id"), plan.NoPlanInput{Reasons: b.text["reasons"], Method: b.text["method"], Adviser: b.text["adviser"]})
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, apiNoPlan{Event: toAPIEvent(ev), Letter: toAPILetter(l, true)})
}

// apiPlanConsult records the council consulting a setting the family asked
// for: 200 with the request and its consultation.
func (s *server) apiPlanConsult(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the consultation", map[string]apiFieldKind{"consulted_on": fieldDate, "responded_on": fieldDate, "response": fieldText})
	if !ok {
		return
	}
	sr, err := plan.ConsultSetting(r.Context(), s.db, a, r.PathValue("id"), r.PathValue("sid"), b.dates["consulted_on"], b.dates["responded_on"], b.text["response"])
	if err != nil {
		s.apiFail(w, r, renamed(err, map[string]string{"sent": "consulted_on", "answered": "responded_on"}))
		return
	}
	writeJSON(w, http.StatusOK, toAPISettingRequest(sr))
}

// apiPlanComment records the family's comment on a section of the draft: 201 with it.
func (s *server) apiPlanComment(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the comment", map[string]apiFieldKind{"section": fieldText, "body": fieldText})
	if !ok {
		return
	}
	c, err := plan.AddComment(r.Context(), s.db, a, r.PathValue("id"), b.text["section"], b.text["body"])
	if err != nil {
		s.apiFail(w, r, renamed(err, map[string]string{"comment": "body"}))
		return
	}
	writeJSON(w, http.StatusCreated, toAPIPlanComment(c))
}

// apiPlanSetting records the school or college the family asks to be named: 201 with the request.
func (s *server) apiPlanSetting(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	b, ok := s.readBody(w, r, "the request", map[string]apiFieldKind{"setting": fieldText, "reason": fieldText})
	if !ok {
		return
	}
	sr, err := plan.RequestSetting(r.Context(), s.db, a, r.PathValue("id"), b.text["setting"], b.text["reason"])
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPISettingRequest(sr))
}

// apiInReach answers the request itself, as 404 where the child in the
// address is out of reach, unless the signed-in person may do p to the child:
// for a body refused before package plan, which checks access, is called.
func (s *server) apiInReach(w http.ResponseWriter, r *http.Request, p access.Permission) bool {
	a, _ := actorOf(r.Context())
	if _, err := access.Require(r.Context(), s.db, a, p, r.PathValue("id"), db.Now()); err != nil {
		s.apiFail(w, r, err)
		return false
	}
	return true
}
