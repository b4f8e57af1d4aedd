// Package plan is the EHC plan document (issue 4, point 3): each version of a
// child's plan (draft 1, 2…, then the final plan) with its sections A to K,
// the family's comments on an issued draft, the settings they ask to be
// named and the council's consultation of each.
//
// The law we cite, and what we hold of it. Sections A to J are the form of
// the plan in the SEND Regulations 2014 reg 12(1)(a)-(j), "each section
// separately identified" (checked against legislation.gov.uk, 2026-11-23);
// K, the advice and information gathered, is the Code of Practice's appendix
// (SEND Code of Practice 2015 para 9.62 [to verify]). Outcomes must be SMART
// and provision specific and quantified (Code of Practice 9.69 [to verify]).
// The draft must not name a school or other institution, nor specify a type
// of one (Children and Families Act 2014 s38(5)(a) and (b), checked against
// legislation.gov.uk): section I of a draft stays empty, so SavePlacement
// refuses a name or a type for a draft and Check refuses a draft carrying
// either. The family has at least 15 days to comment and ask for a setting
// to be named, and the final plan may not be issued before (rule R5 of
// ../shared/standards/sen2/statutory-timescales.csv: reg 13(1); CFA 2014
// s38-39); the council must then consult a requested setting (CFA 2014
// s39(2)), which has 15 days to answer [to verify: the period is not in what
// we hold]. Where no setting was requested, the final plan names the school
// or other institution or specifies its type (s40(2)): Check asks for one of
// the two, either being enough. Where the family did request one, s39 governs
// whom the council names; that is the council's decision, not checked here.
// An amended plan's section I is the same (reg 12(1)(i)).
//
// The clock is casework's: issuing a draft or the final plan records
// draft_plan_issued or final_plan_issued through casework.AddIn in the same
// transaction, and the R5 not-before date is read from the clock, never
// recomputed here. Every read and change checks access, reads through the
// predicate and writes its audit row in the same transaction, as casework does.
package plan

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"joinedup/internal/apperr"
	"joinedup/internal/date"
)

// Shapes of a section's rows.
const (
	Text      = "text"      // paragraphs (A, B, C, D, J)
	Outcome   = "outcome"   // E: the outcome, by when, the steps towards it
	Provision = "provision" // F, G, H1, H2: what, who delivers it, how often, for how long
	Placement = "placement" // I: the type and the name of the setting
	Advice    = "advice"    // K: the advice and information obtained, who gave it and when
)

// Section is one section of the plan.
type Section struct {
	Code, Title, Shape, Guide string
}

// Sections are the plan's sections in order (reg 12(1); K from the Code of Practice 9.62).
var Sections = []Section{
	{"A", "The views, interests and aspirations of the child or young person and their parents", Text,
		"In the family's own words: what matters to them, what they are good at, what they hope for."},
	{"B", "Special educational needs", Text, "Every special educational need the assessment found."},
	{"C", "Health needs related to special educational needs", Text, "The health needs that relate to the child's special educational needs."},
	{"D", "Social care needs related to special educational needs or disability", Text, "The social care needs that relate to them."},
	{"E", "Outcomes", Outcome, "Each outcome specific and measurable, with the date it should be reached and the steps towards it."},
	{"F", "Special educational provision", Provision, "Each item specific and quantified: what, who delivers it, how often and for how long."},
	{"G", "Health provision", Provision, "Health provision reasonably required by the needs in section C, in the same shape."},
	{"H1", "Social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970", Provision, "In the same shape."},
	{"H2", "Other social care provision", Provision, "In the same shape."},
	{"I", "Placement", Placement, "In the final plan only: the school or other institution named, or its type, or both. A draft plan leaves section I empty."},
	{"J", "Personal budget", Text, "Any personal budget, how it will be used and the provision it secures."},
	{"K", "Advice and information", Advice, "The advice and information gathered during the assessment: who gave it and when."},
}

// SectionOf returns the section with the code, and whether there is one.
func SectionOf(code string) (Section, bool) {
	i := slices.IndexFunc(Sections, func(s Section) bool { return s.Code == code })
	if i < 0 {
		return Section{}, false
	}
	return Sections[i], true
}

// Kinds and statuses of a version.
const (
	Draft   = "draft"
	Final   = "final"
	Editing = "editing"
	Issued  = "issued"
)

// Item is one row of a section; which fields it uses is the section's shape.
type Item struct {
	Body     string    // the paragraph, the outcome, what the provision is, or the advice
	Who      string    // provision: who delivers it; advice: who gave it
	HowOften string    // provision
	HowLong  string    // provision: for how long, or until when
	ByWhen   date.Date // outcome
	Steps    string    // outcome: the steps towards it
	Given    date.Date // advice: when it was given
	Source   string    // where the row came from, if from advice
}

// Plan is one version of a child's plan.
type Plan struct {
	ID, ChildID, CaseID string
	Version             int
	Kind, Status        string
	Items               map[string][]Item // by section code
	PlacementType       string            // section I
	SettingID, Setting  string            // section I: the setting named (final only)
	IssuedOn, DeemedOn  date.Date
	Method              string
	CreatedBy, IssuedBy string
	CreatedAt           time.Time
	EventID             string     // the clock's event recording its issue
	LetterID            string     // the final plan's decision letter, once sent
	Amendment           *Amendment // proposed amendments to a final plan (amend.go); nil for a draft or the first final plan
}

// Title is the version as people say it: "Draft 2", "Final plan".
func (p Plan) Title() string {
	switch {
	case p.Amendment != nil && p.Status == Issued:
		return "Final amended EHC plan"
	case p.Amendment != nil:
		return "Proposed amendments to the EHC plan"
	case p.Kind == Final:
		return "Final EHC plan"
	}
	return fmt.Sprintf("Draft EHC plan (version %d)", p.Version)
}

// In returns the rows of a section.
func (p Plan) In(code string) []Item { return p.Items[code] }

// Comment is a family's comment on a section of an issued draft.
type Comment struct {
	ID, PlanID, Section, Body, By string
	At                            time.Time
}

// SettingRequest is a setting the family asked to be named, and its consultation.
type SettingRequest struct {
	ID, PlanID, SettingID, Setting, Reason, RequestedBy string
	RequestedAt                                         time.Time
	ConsultedOn, ResponseDue, RespondedOn               date.Date
	Response                                            string
}

// View is a child's plans as one reader may see them.
type View struct {
	ChildID, ChildName, Stage string
	Team                      string // the coordinating team
	CaseExists                bool
	Versions                  []Plan // oldest first; families see issued versions only
	Comments                  []Comment
	Settings                  []SettingRequest
	FinalNotBefore            date.Date // R5, from the clock, once a draft is issued
	AmendNotBefore, AmendDue  date.Date // R15 and R16, from the clock, once proposed amendments are sent
	Today                     date.Date
	Access                    string // why the reader may see it, as audited
}

// Working is the version being edited, or nil.
func (v View) Working() *Plan {
	if n := len(v.Versions); n > 0 && v.Versions[n-1].Status == Editing {
		return &v.Versions[n-1]
	}
	return nil
}

// Current is the latest issued version, or nil.
func (v View) Current() *Plan {
	for i := len(v.Versions) - 1; i >= 0; i-- {
		if v.Versions[i].Status == Issued {
			return &v.Versions[i]
		}
	}
	return nil
}

// OpenDraft is the issued draft the family may still comment on: the latest
// issued version when it is a draft; nil once the final plan is issued.
func (v View) OpenDraft() *Plan {
	if c := v.Current(); c != nil && c.Kind == Draft {
		return c
	}
	return nil
}

// Check lists every problem that stops a version being issued, each naming
// its section (and row): sections B, E and F must not be empty; every outcome
// in E needs a date to be reached by and steps towards it (SMART, Code of
// Practice 9.69 [to verify]); every item of provision in F, G, H1 and H2 must
// say who delivers it, how often and for how long ("specific and quantified");
// section I of a draft must be empty, neither naming a school or other
// institution nor specifying a type of one (CFA 2014 s38(5)(a) and (b)),
// and a final plan, first or amended, must name one or specify its type,
// either being enough (s40(2); reg 12(1)(i)).
func Check(p Plan) apperr.Fields {
	var fs apperr.Fields
	for _, code := range []string{"B", "E", "F"} {
		if len(p.Items[code]) == 0 {
			s, _ := SectionOf(code)
			fs.Add("section-"+code, fmt.Sprintf("Section %s (%s) is empty: a plan cannot be issued without it", code, strings.ToLower(s.Title)))
		}
	}
	for i, it := range p.Items["E"] {
		if it.ByWhen.IsZero() {
			fs.Add(rowField("E", i, "by"), fmt.Sprintf("Section E, outcome %d: say by when it should be achieved", i+1))
		}
		if strings.TrimSpace(it.Steps) == "" {
			fs.Add(rowField("E", i, "steps"), fmt.Sprintf("Section E, outcome %d: give the steps towards it", i+1))
		}
	}
	for _, code := range []string{"F", "G", "H1", "H2"} {
		for i, it := range p.Items[code] {
			for _, f := range []struct{ name, value, words string }{
				{"who", it.Who, "who delivers it"}, {"often", it.HowOften, "how often"}, {"long", it.HowLong, "for how long"}} {
				if strings.TrimSpace(f.value) == "" {
					fs.Add(rowField(code, i, f.name), fmt.Sprintf("Section %s, item %d is not quantified: say %s", code, i+1, f.words))
				}
			}
		}
	}
	named, typed := p.SettingID != "", strings.TrimSpace(p.PlacementType) != ""
	switch {
	case p.Kind == Draft && (named || typed):
		fs.Add("section-I", DraftPlacementRefused)
	case p.Kind == Final && !named && !typed:
		fs.Add("section-I", FinalPlacementMissing)
	}
	return fs
}

// What Check says of section I, and SavePlacement of a name or type given
// for a draft.
const (
	DraftPlacementRefused = "Section I: a draft plan must not name a school or other institution or specify a type of one " +
		"(Children and Families Act 2014 s38(5)); leave section I until the final plan"
	FinalPlacementMissing = "Section I: the final plan must name the school or other institution, or specify its type " +
		"(Children and Families Act 2014 s40(2))"
)

// rowField names one field of one row, as the section's form names its inputs.
func rowField(code string, i int, name string) string { return fmt.Sprintf("%s-%d-%s", code, i, name) }
