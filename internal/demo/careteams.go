package demo

import (
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/people"
)

// careTeams gives staff their roles and links children to the people and
// teams who work with them: the setting they attend, the casework team that
// owns a plan and its allocated coordinator, and for some an educational
// psychologist or a referral to speech and language therapy.
func careTeams(a *area) error {
	r := a.rng("care teams")
	granted := a.g.today.Time().AddDate(-1, 0, 0)
	var coordinators = map[string][]*staffMember{} // by casework team id
	var eps []*staffMember
	var persona = map[string]*staffMember{}
	for _, s := range a.staff {
		role, scope := a.roleFor(s)
		if s.persona != "" {
			persona[s.persona] = s
		}
		if role == "" {
			continue
		}
		if err := access.LoadGrant(a.g.l, s.id, role, scope, "demo", granted); err != nil {
			return err
		}
		switch role {
		case "ehcp_coordinator":
			coordinators[s.org.id] = append(coordinators[s.org.id], s)
		case "educational_psychologist":
			eps = append(eps, s)
		}
	}
	salt := a.healthTeam("salt")
	link := func(c *child, personID, orgID, reason, purpose string) error {
		return access.LoadLink(a.g.l, access.Link{ID: r.id(), ChildID: c.ID, PersonID: personID, OrganisationID: orgID,
			Reason: reason, Purpose: purpose, GrantedBy: "demo", StartsAt: granted})
	}
	next := map[string]int{} // round robin through each team's coordinators
	for i, c := range a.children {
		if c.setting != nil {
			if err := link(c, "", c.setting.id, access.Owner, "the child's school or setting"); err != nil {
				return err
			}
		}
		if c.SENProvision != people.EHCPlan {
			continue
		}
		team := a.casework[c.locality]
		if err := link(c, "", team.id, access.Owner, "EHC plan casework"); err != nil {
			return err
		}
		coords := coordinators[team.id]
		if len(coords) == 0 {
			continue
		}
		coord := coords[next[team.id]%len(coords)]
		next[team.id]++
		leo := a.personas && c.GivenName == "Leo" && c.FamilyName == personaByKey("parent").family
		if leo && persona["coordinator"] != nil {
			coord = persona["coordinator"]
		}
		if err := link(c, coord.id, "", access.Allocated, access.NamedContact); err != nil {
			return err
		}
		if len(eps) > 0 && (i%20 == 0 || leo) {
			if err := link(c, eps[i%len(eps)].id, "", access.Allocated, "educational psychology advice"); err != nil {
				return err
			}
		}
		if salt != nil && (leo || (c.PrimaryNeed == "SLCN" && r.chance(0.3))) {
			if err := link(c, "", salt.id, access.Referral, "speech and language therapy advice"); err != nil {
				return err
			}
		}
		// Leo's social worker, so the demo can show a safeguarding share. Her
		// link's id has a stream of its own, leaving every other link as it was.
		if sw := persona["socialworker"]; leo && sw != nil {
			if err := access.LoadLink(a.g.l, access.Link{ID: a.rng("social care").id(), ChildID: c.ID, PersonID: sw.id,
				Reason: access.Allocated, Purpose: "social care: child in need assessment", GrantedBy: "demo", StartsAt: granted}); err != nil {
				return err
			}
		}
	}
	return nil
}

// roleFor maps a job to the role and scope the partnership grants it.
func (a *area) roleFor(s *staffMember) (string, access.Scope) {
	switch {
	case s.role == "EHCP coordinator":
		return "ehcp_coordinator", access.ScopeOwn
	case strings.Contains(s.role, "SEND team manager"), s.role == "Head of SEND and Inclusion":
		return "send_manager", access.ScopeOrganisation
	case strings.Contains(strings.ToLower(s.role), "educational psychologist"):
		return "educational_psychologist", access.ScopeOwn
	case s.org == a.socialCare:
		return "social_worker", access.ScopeTeam
	case s.org == a.dco:
		return "designated_clinical_officer", access.ScopeOrganisation
	case s.org.kind == people.NHSTeam && isHealthLead(s.role):
		return "health_team_lead", access.ScopeTeam
	case s.org.kind == people.NHSTeam:
		return "health_professional", access.ScopeTeam
	case s.role == "SENCO":
		return "senco", access.ScopeOrganisation
	case s.org == a.localOffer:
		return "local_offer_editor", access.ScopeOrganisation
	}
	return "", ""
}
