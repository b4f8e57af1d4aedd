package access

import (
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func staff(grants ...Grant) Actor {
	return Actor{PersonID: "p1", Kind: Staff, TeamID: "t1", OrganisationID: "o1", Grants: grants}
}

func rel(reason, via string) Relationship { return Relationship{Reason: reason, Via: via} }

func TestDecide(t *testing.T) {
	coordinator := staff(Grant{"ehcp_coordinator", ScopeOwn})
	manager := staff(Grant{"send_manager", ScopeOrganisation})
	therapist := staff(Grant{"health_professional", ScopeTeam})
	editor := staff(Grant{"local_offer_editor", ScopeOrganisation})
	dcoWide := staff(Grant{"designated_clinical_officer", ScopePartnership})
	parent := Actor{PersonID: "f1", Kind: ParentCarer}
	youngPerson := Actor{PersonID: "y1", Kind: YoungPerson}
	disabled := coordinator
	disabled.Disabled = true
	expired := Relationship{Reason: BreakGlassed, Via: ViaPerson, Until: now.Add(-time.Minute)}
	live := Relationship{Reason: BreakGlassed, Via: ViaPerson, Until: now.Add(time.Hour)}

	cases := []struct {
		name   string
		actor  Actor
		p      Permission
		rels   []Relationship
		allow  bool
		hidden bool
		reason string
	}{
		// Role × relationship: the allocated coordinator may see and change the record.
		{"allocated coordinator views", coordinator, CaseView, []Relationship{rel(Allocated, ViaPerson)}, true, false, "allocated worker"},
		{"allocated coordinator edits", coordinator, CaseEdit, []Relationship{rel(Allocated, ViaPerson)}, true, false, "allocated worker"},
		// Scope: an own-scope role does not reach a child held by the team.
		{"coordinator, child owned by the team only", coordinator, CaseView, []Relationship{rel(Owner, ViaTeam)}, false, true, "no relationship"},
		// No relationship at all: the child looks missing (404), never forbidden.
		{"coordinator, stranger child", coordinator, CaseView, nil, false, true, "no relationship"},
		// The manager's organisation-wide scope reaches children of any team in the council.
		{"manager, child of another team", manager, CaseReassign, []Relationship{rel(Owner, ViaOrganisation)}, true, false, "owning team (via organisation)"},
		{"manager reads the access log", manager, AuditView, []Relationship{rel(Owner, ViaTeam)}, true, false, "owning team (via team)"},
		// Subject access requests are answered by managers, for children their organisation reaches.
		{"manager exports for a subject access request", manager, SARExport, []Relationship{rel(Owner, ViaOrganisation)}, true, false, "owning team (via organisation)"},
		{"coordinator cannot export", coordinator, SARExport, []Relationship{rel(Allocated, ViaPerson)}, false, false, "no role of yours allows sar.export"},
		{"manager, child out of reach", manager, SARExport, nil, false, true, "no relationship"},
		// Permission: the coordinator may see the child but has no role to reassign: 403, not 404.
		{"coordinator tries to reassign", coordinator, CaseReassign, []Relationship{rel(Allocated, ViaPerson)}, false, false, "no role of yours allows case.reassign"},
		// A referral is a purpose-limited view: read and give advice, nothing else.
		{"therapist with an accepted referral views", therapist, CaseView, []Relationship{rel(Referral, ViaTeam)}, true, false, "accepted referral (via team)"},
		{"therapist with an accepted referral gives advice", therapist, AdviceSubmit, []Relationship{rel(Referral, ViaTeam)}, true, false, "accepted referral"},
		// ...and keeps its waiting list (issue 7); a consent share does not reach that far.
		{"therapist with an accepted referral records its waiting-list events", therapist, WaitlistManage, []Relationship{rel(Referral, ViaTeam)}, true, false, "accepted referral"},
		{"therapist with a consent share records no waiting-list events", therapist, WaitlistManage, []Relationship{rel(ConsentShare, ViaTeam)}, false, false, "limited to its purpose"},
		{"coordinator has no waiting list to keep", coordinator, WaitlistManage, []Relationship{rel(Allocated, ViaPerson)}, false, false, "no role of yours allows waitlist.manage"},
		// A revoked referral is never loaded, so nothing is left: hidden.
		{"therapist after the referral was revoked", therapist, CaseView, nil, false, true, "no relationship"},
		// Consent to share allows what it was given for; withdrawn consent is never loaded.
		{"consent share allows a view", therapist, CaseView, []Relationship{rel(ConsentShare, ViaTeam)}, true, false, "family's consent to share"},
		{"consent withdrawn", therapist, CaseView, nil, false, true, "no relationship"},
		{"break-glass within its 24 hours", coordinator, CaseView, []Relationship{live}, true, false, "break-glass access"},
		{"break-glass allows no changes", coordinator, CaseEdit, []Relationship{live}, false, false, "limited to its purpose"},
		{"break-glass after it expired", coordinator, CaseView, []Relationship{expired}, false, true, "no relationship"},
		{"safeguarding share allows a view", staff(Grant{"social_worker", ScopeTeam}), CaseView, []Relationship{rel(Safeguarding, ViaTeam)}, true, false, "safeguarding share"},
		// A role without case.view sees no child, whatever links its organisation has.
		{"Local Offer editor", editor, CaseView, []Relationship{rel(Owner, ViaOrganisation)}, false, true, "no relationship"},
		// Partnership scope: the DCO's oversight reaches every child for what the role allows.
		{"partnership-wide DCO views", dcoWide, CaseView, nil, true, false, "partnership-wide role"},
		{"partnership-wide DCO cannot edit", dcoWide, CaseEdit, nil, false, false, "no role of yours allows case.edit"},
		// A disabled account is refused everything at once.
		{"disabled account", disabled, CaseView, []Relationship{rel(Allocated, ViaPerson)}, false, true, "disabled"},
		// Families: a parent with parental responsibility (Children Act 1989 s3) sees their child's record.
		{"parent views their child", parent, FamilyView, []Relationship{rel(Parent, ViaPerson)}, true, false, "parental responsibility"},
		{"parent cannot use staff permissions", parent, CaseEdit, []Relationship{rel(Parent, ViaPerson)}, false, false, "families cannot"},
		{"parent, another family's child", parent, FamilyView, nil, false, true, "not this family's child"},
		// The young person sees their own record (Children and Families Act 2014: from 16 the decisions are theirs).
		{"young person views their own record", youngPerson, FamilyView, []Relationship{rel(Self, ViaPerson)}, true, false, "the young person themself"},
		{"young person, a parent's relationship is not theirs", youngPerson, FamilyView, []Relationship{rel(Parent, ViaPerson)}, false, true, "not this family's child"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Decide(c.actor, c.p, c.rels, now)
			if d.Allow != c.allow || d.Hidden != c.hidden {
				t.Fatalf("Decide = %+v, want allow=%v hidden=%v", d, c.allow, c.hidden)
			}
			if !contains(d.Reason, c.reason) {
				t.Errorf("reason %q, want it to say %q", d.Reason, c.reason)
			}
		})
	}
}

func TestEveryRoleIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Roles {
		if seen[r.Name] || r.Title == "" || len(r.Permissions) == 0 || !r.DefaultScope.Valid() {
			t.Errorf("role %+v is duplicated or incomplete", r)
		}
		seen[r.Name] = true
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// ReasonAllows is the table of limited links (go, limited): a
// referral lets the team give advice and keep its waiting list, a
// safeguarding share only lets its holder read.
func TestReasonAllows(t *testing.T) {
	for _, c := range []struct {
		reason string
		p      Permission
		want   bool
	}{
		{Referral, AdviceSubmit, true},
		{Referral, WaitlistManage, true},
		{Referral, CaseEdit, false},
		{Safeguarding, CaseView, true},
		{Safeguarding, AdviceSubmit, false},
		{Owner, CaseEdit, true},
	} {
		if got := ReasonAllows(c.reason, c.p); got != c.want {
			t.Errorf("ReasonAllows(%s, %s) = %v, want %v", c.reason, c.p, got, c.want)
		}
	}
}
