// Package access decides who may do what to a child's record, and why.
//
// Access is role × scope × relationship. A role is a set of permissions (what);
// its scope says how far the role reaches (own, team, organisation,
// partnership); a relationship links the actor, their team or their
// organisation to one child, with a reason (allocated coordinator, accepted
// referral, consent share, safeguarding, break-glass, parent, the young person
// themself). Decide turns the three into allow or deny with the reason, and the
// reason goes into the audit row of the same transaction.
//
// Hidden and missing look the same: with no relationship in reach, a child is
// NotFound, never Forbidden, so nobody learns a record exists by being refused it.
package access

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"joinedup/internal/apperr"
)

// Permission names an action on a resource.
type Permission string

const (
	CaseView         Permission = "case.view"      // see a child's record
	CaseEdit         Permission = "case.edit"      // change it
	CaseCreate       Permission = "case.create"    // record a new child or request
	CaseReassign     Permission = "case.reassign"  // reassign the coordinator, transfer to another team
	PlanIssue        Permission = "plan.issue"     // issue drafts and final plans
	AdviceSubmit     Permission = "advice.submit"  // contribute advice for an assessment
	AdviceQA         Permission = "advice.qa"      // quality-assure health advice (the DCO)
	AuditView        Permission = "audit.view"     // read the access log of a child's record
	ConsentRecord    Permission = "consent.record" // record or withdraw consent given by a family
	Safeguard        Permission = "safeguarding.share"
	BreakGlass       Permission = "breakglass.use"    // time-boxed access to a child with no relationship
	OfferEdit        Permission = "offer.edit"        // edit Local Offer services
	OfferModerate    Permission = "offer.moderate"    // approve Local Offer edits
	OfferProvide     Permission = "offer.provide"     // a provider's staff editing their own organisation's services
	FamilyView       Permission = "family.view"       // a parent or young person seeing their own record
	FamilyContribute Permission = "family.contribute" // a parent or young person adding to it (their views, their story)
	// WaitlistManage records what happens on a child's referral to a health
	// waiting list: appointments, did-not-attends, clock stops, transfers.
	WaitlistManage Permission = "waitlist.manage"
	// SARExport answers a subject access request (UK GDPR Art. 15): export
	// everything held about a child, young person or adult, with the access log.
	SARExport Permission = "sar.export"
	// AdviceAssign gives a request for advice in a health team's queue to one
	// of the team, or to another: the team lead's part (issue 5).
	AdviceAssign Permission = "advice.assign"
	// EarlyYearsNotify tells the council about a child under compulsory
	// school age who probably has SEN: an NHS body's duty (CFA 2014 s23).
	EarlyYearsNotify Permission = "earlyyears.notify"
	// EarlyYearsManage is the council SEND team's part: the queue of
	// notifications addressed to its council, acknowledging and recording what it did.
	EarlyYearsManage Permission = "earlyyears.manage"
	// EarlyYearsReport is the totals of early-years notifications, naming no child.
	EarlyYearsReport Permission = "earlyyears.report"
)

// Scope is how far a staff role reaches.
type Scope string

const (
	ScopeOwn          Scope = "own"          // children the person themself is linked to
	ScopeTeam         Scope = "team"         // ...or their team is
	ScopeOrganisation Scope = "organisation" // ...or any team of their organisation is
	ScopePartnership  Scope = "partnership"  // every child in the partnership
)

var scopeRank = map[Scope]int{ScopeOwn: 1, ScopeTeam: 2, ScopeOrganisation: 3, ScopePartnership: 4}

// Valid reports whether s is a known scope.
func (s Scope) Valid() bool { return scopeRank[s] > 0 }

// Role is a named set of permissions with the scope it has unless granted another.
type Role struct {
	Name         string
	Title        string // what a person would call it
	Permissions  []Permission
	DefaultScope Scope
}

// Roles are the staff roles a partnership grants. They are code, not data:
// a change to what a role may do is reviewed like any other change.
var Roles = []Role{
	{"ehcp_coordinator", "EHCP coordinator", []Permission{CaseView, CaseEdit, CaseCreate, PlanIssue, ConsentRecord, BreakGlass, EarlyYearsManage}, ScopeOwn},
	{"send_manager", "SEND team manager", []Permission{CaseView, CaseEdit, CaseCreate, CaseReassign, PlanIssue, ConsentRecord, AuditView, BreakGlass, SARExport, EarlyYearsManage, EarlyYearsReport}, ScopeOrganisation},
	{"educational_psychologist", "Educational psychologist", []Permission{CaseView, AdviceSubmit}, ScopeOwn},
	{"social_worker", "Social worker", []Permission{CaseView, AdviceSubmit, Safeguard, BreakGlass}, ScopeTeam},
	{"health_professional", "Health professional", []Permission{CaseView, AdviceSubmit, WaitlistManage, BreakGlass, EarlyYearsNotify}, ScopeTeam},
	{"health_team_lead", "Health team lead", []Permission{CaseView, AdviceSubmit, AdviceAssign, WaitlistManage, BreakGlass, EarlyYearsNotify}, ScopeTeam},
	{"designated_clinical_officer", "Designated Clinical Officer", []Permission{CaseView, AdviceQA, AuditView, EarlyYearsReport}, ScopeOrganisation},
	{"senco", "SENCO", []Permission{CaseView, CaseCreate, AdviceSubmit}, ScopeOrganisation},
	{"local_offer_editor", "Local Offer editor", []Permission{OfferEdit, OfferModerate}, ScopeOrganisation},
	{"offer_provider", "Local Offer provider", []Permission{OfferProvide}, ScopeOrganisation},
}

// RoleNamed returns the role called name.
func RoleNamed(name string) (Role, bool) {
	i := slices.IndexFunc(Roles, func(r Role) bool { return r.Name == name })
	if i < 0 {
		return Role{}, false
	}
	return Roles[i], true
}

// Actor kinds.
const (
	Staff       = "staff"
	ParentCarer = "parent_carer"
	YoungPerson = "young_person"
)

// Grant is a role held with a scope.
type Grant struct {
	Role  string
	Scope Scope
}

// Actor is the signed-in person on whose behalf a request runs. Every query
// that returns a child's data takes one.
type Actor struct {
	PersonID string
	Kind     string // Staff, ParentCarer or YoungPerson
	Name     string
	// TeamID is the organisation the staff member belongs to (usually a team);
	// OrganisationID is the organisation at the top of it (the council, the trust).
	TeamID         string
	OrganisationID string
	Grants         []Grant
	Disabled       bool
	RequestID      string
}

// Can reports whether any of the actor's roles carries p, and the widest scope it comes with.
func (a Actor) Can(p Permission) (Scope, bool) {
	var best Scope
	for _, g := range a.Grants {
		r, ok := RoleNamed(g.Role)
		if !ok || !slices.Contains(r.Permissions, p) {
			continue
		}
		if scopeRank[g.Scope] > scopeRank[best] {
			best = g.Scope
		}
	}
	return best, best != ""
}

// May reports whether any of the actor's roles carries p (for pages deciding what to offer).
func (a Actor) May(p Permission) bool {
	_, ok := a.Can(p)
	return ok
}

// RoleTitle names the actor's role for people who see the access log.
func (a Actor) RoleTitle() string {
	switch a.Kind {
	case ParentCarer:
		return "Parent or carer"
	case YoungPerson:
		return "Young person"
	}
	var titles []string
	for _, g := range a.Grants {
		if r, ok := RoleNamed(g.Role); ok {
			titles = append(titles, r.Title)
		}
	}
	return strings.Join(titles, ", ")
}

// Reasons a relationship exists.
const (
	Owner        = "owner"         // the team that holds the case
	Allocated    = "allocated"     // the named coordinator or worker
	Referral     = "referral"      // an accepted referral or advice request: a purpose-limited view
	ConsentShare = "consent_share" // the family consented to share with this organisation
	Safeguarding = "safeguarding"  // shared without consent on a lawful basis
	BreakGlassed = "break_glass"   // emergency access, time-boxed and reported
	Parent       = "parent"        // holds parental responsibility
	Self         = "young_person"  // the young person themself
)

// Via says how a relationship reaches the actor.
const (
	ViaPerson       = "person"
	ViaTeam         = "team"
	ViaOrganisation = "organisation"
)

// Relationship is one live link between the actor and a child, as the
// database found it (ended, rejected, withdrawn and expired ones are never loaded).
type Relationship struct {
	Reason  string
	Via     string
	Purpose string
	Until   time.Time // zero when open-ended
}

// limited lists what each purpose-limited reason allows; reasons not listed
// allow whatever the actor's roles allow.
var limited = map[string][]Permission{
	Referral:     {CaseView, AdviceSubmit, WaitlistManage, EarlyYearsNotify}, // the team the child was referred to keeps its waiting list; may tell the council (s23)
	ConsentShare: {CaseView, AdviceSubmit, EarlyYearsNotify},
	Safeguarding: {CaseView},
	BreakGlassed: {CaseView},
}

var familyPermissions = []Permission{FamilyView, FamilyContribute}

// Decision is Decide's answer.
type Decision struct {
	Allow  bool
	Reason string // why access was allowed, for the audit row; why not, for the log
	// Hidden is true when the child must look missing to this actor (404, not 403).
	Hidden bool
}

// Err turns a refusal into the error the web and API show: NotFound when the
// child is hidden, Forbidden otherwise.
func (d Decision) Err() error {
	switch {
	case d.Allow:
		return nil
	case d.Hidden:
		return apperr.Errorf(apperr.NotFound, "there is no such record")
	}
	return apperr.Errorf(apperr.Forbidden, "you may see this record but not do this: %s", d.Reason)
}

// Decide says whether actor may do p to a child with whom they have rels
// (loaded at now). It is the one place that decides; callers audit its reason.
func Decide(a Actor, p Permission, rels []Relationship, now time.Time) Decision {
	if a.Disabled || a.PersonID == "" {
		return Decision{Reason: "the account is disabled or unknown", Hidden: true}
	}
	var live []Relationship
	for _, r := range rels {
		if r.Until.IsZero() || now.Before(r.Until) {
			live = append(live, r)
		}
	}
	if a.Kind != Staff {
		return decideFamily(a, p, live)
	}
	scope, can := a.Can(p)
	// Relationships the actor's widest case.view scope reaches decide visibility.
	viewScope, _ := a.Can(CaseView)
	var reach []Relationship
	for _, r := range live {
		if reaches(viewScope, r.Via) || reaches(scope, r.Via) {
			reach = append(reach, r)
		}
	}
	if len(reach) == 0 && viewScope != ScopePartnership && scope != ScopePartnership {
		return Decision{Reason: "no relationship with this child", Hidden: true}
	}
	if !can {
		return Decision{Reason: fmt.Sprintf("no role of yours allows %s", p)}
	}
	if scope == ScopePartnership {
		return Decision{Allow: true, Reason: fmt.Sprintf("partnership-wide role allows %s", p)}
	}
	var refusals []string
	for _, r := range reach {
		if !reaches(scope, r.Via) {
			continue
		}
		if allowed, ok := limited[r.Reason]; ok && !slices.Contains(allowed, p) {
			refusals = append(refusals, r.Reason+" access is limited to its purpose")
			continue
		}
		return Decision{Allow: true, Reason: describe(r)}
	}
	if len(refusals) == 0 {
		refusals = append(refusals, fmt.Sprintf("your %s-wide role does not reach this child", scope))
	}
	return Decision{Reason: strings.Join(refusals, "; ")}
}

func decideFamily(a Actor, p Permission, rels []Relationship) Decision {
	for _, r := range rels {
		if (r.Reason == Parent && a.Kind == ParentCarer) || (r.Reason == Self && a.Kind == YoungPerson) {
			if !slices.Contains(familyPermissions, p) {
				return Decision{Reason: fmt.Sprintf("families cannot %s", p)}
			}
			return Decision{Allow: true, Reason: describe(r)}
		}
	}
	return Decision{Reason: "not this family's child", Hidden: true}
}

// reaches reports whether a role with scope s reaches a relationship held via v.
func reaches(s Scope, via string) bool {
	switch via {
	case ViaPerson:
		return scopeRank[s] >= scopeRank[ScopeOwn]
	case ViaTeam:
		return scopeRank[s] >= scopeRank[ScopeTeam]
	case ViaOrganisation:
		return scopeRank[s] >= scopeRank[ScopeOrganisation]
	}
	return false
}

var reasonWords = map[string]string{
	Owner: "owning team", Allocated: "allocated worker", Referral: "accepted referral",
	ConsentShare: "family's consent to share", Safeguarding: "safeguarding share", BreakGlassed: "break-glass access",
	Parent: "parent with parental responsibility", Self: "the young person themself",
}

func describe(r Relationship) string {
	s := reasonWords[r.Reason]
	if s == "" {
		s = r.Reason
	}
	if r.Via == ViaTeam || r.Via == ViaOrganisation {
		s += " (via " + r.Via + ")"
	}
	return s
}
