package demo

import (
	"math"
	"strconv"
	"strings"

	"joinedup/internal/people"
)

// personaSpec is one of the fixed demo people.
type personaSpec struct {
	key, role, given, family, job, kind string
}

// personaDomain is where the personas' addresses are: Worcestershire's.
const personaDomain = "worcestershire.demo.joinedup.invalid"

func (p personaSpec) email() string {
	d := personaDomain
	if p.kind != people.Staff {
		d = "families." + d
	}
	return emailLocal(p.given, p.family) + "@" + d
}

// personas are created explicitly, whatever the seed, in the first area.
var personas = []personaSpec{
	{"coordinator", "EHCP coordinator", "Amira", "Hussain", "EHCP coordinator", people.Staff},
	{"manager", "SEND team manager", "Daniel", "Okafor", "SEND team manager", people.Staff},
	{"ep", "Educational psychologist", "Helen", "Marsh", "Educational psychologist", people.Staff},
	{"dco", "Designated Clinical Officer (ICB)", "Grace", "Whitfield", "Designated Clinical Officer", people.Staff},
	{"salt", "Health professional: speech and language therapist", "Tom", "Nguyen", "Speech and language therapist", people.Staff},
	{"senco", "SENCO (" + brookfield + ")", "Rachel", "Evans", "SENCO", people.Staff},
	{"localoffer", "Local Offer editor", "Marcus", "Reid", "Local Offer editor", people.Staff},
	{"socialworker", "Social worker, children with disabilities (works with Leo Bennett)", "Joanne", "Price", "Social worker", people.Staff},
	{"parent", "Parent (mother of Leo Bennett, 9, EHC plan)", "Sarah", "Bennett", "", people.ParentCarer},
	{"youngperson", "Young person (18, EHC plan, own account)", "Kai", "Thompson", "", people.YoungPerson},
}

func personaByKey(key string) personaSpec {
	for _, p := range personas {
		if p.key == key {
			return p
		}
	}
	panic("no persona " + key)
}

// staffMember is someone the later stages can give work to.
type staffMember struct {
	id, role string // role: a job title
	org      *org
	persona  string // the persona's key, for the fixed demo people
}

// staffFemaleShare is the share of women in the SEND, education and
// children's health workforce (about four in five).
const staffFemaleShare = 0.78

// staff adds the people who work for the area's organisations: the personas
// first (in Worcestershire), then coordinators and managers, educational
// psychologists, social workers, the DCO and DMO, clinicians in every health
// team, a head and a SENCO in every setting, and a contact in each voluntary body.
func staff(a *area) error {
	r := a.rng("staff")
	nm := newNamer(r, a.spec.region)
	var err error
	add := func(o *org, job, given, family string) *staffMember {
		local := emailLocal(given, family)
		email := local
		for i := 2; a.emailsUsed[email]; i++ {
			email = local + strconv.Itoa(i)
		}
		a.emailsUsed[email] = true
		p := people.Person{ID: r.id(), Kind: people.Staff, GivenName: given, FamilyName: family, Email: email + "@" + a.domain,
			Phone: phone(r), OrganisationID: o.id, JobTitle: job}
		if e := a.g.loadPerson(p); e != nil && err == nil {
			err = e
		}
		s := &staffMember{id: p.ID, role: job, org: o}
		a.staff = append(a.staff, s)
		return s
	}
	gen := func(o *org, job string) *staffMember {
		g, _ := nm.heritage()
		given, family := nm.adult(g, r.chance(staffFemaleShare))
		for a.reserved(given, family) {
			given = otherGiven(r, given)
		}
		return add(o, job, given, family)
	}
	sized := func(county, least int) int { return max(least, int(math.Round(float64(county)*a.spec.sizing))) }

	// The personas take their places first, so their addresses are theirs.
	has := map[string]bool{}
	if a.personas {
		for _, p := range personas {
			var o *org
			switch p.key {
			case "coordinator", "manager":
				o = a.casework[min(1, len(a.casework)-1)]
			case "ep":
				o = a.eps
			case "dco":
				o = a.dco
			case "salt":
				o = a.healthTeam("salt")
			case "senco":
				o = a.brookfield
			case "localoffer":
				o = a.localOffer
			case "socialworker":
				o = a.socialCare
			default:
				continue // families are made with the children
			}
			add(o, p.job, p.given, p.family).persona = p.key
			has[p.key+"/"+o.id] = true
		}
	}

	// Council: a head of service, casework teams by locality, EPs, social care, Local Offer.
	gen(a.council, "Head of SEND and Inclusion")
	weights := make([]float64, len(a.localities))
	for i, l := range a.localities {
		weights[i] = l.weight
	}
	coordinators := allocate(sized(30, len(a.localities)), weights)
	for i, t := range a.casework {
		if !has["manager/"+t.id] {
			gen(t, "SEND team manager")
		}
		n := max(1, coordinators[i])
		if has["coordinator/"+t.id] {
			n--
		}
		for range n {
			gen(t, "EHCP coordinator")
		}
	}
	gen(a.eps, "Principal educational psychologist")
	for i := range sized(14, 1) {
		job := "Educational psychologist"
		if i%4 == 3 {
			job = "Senior educational psychologist"
		}
		if i == 0 && has["ep/"+a.eps.id] {
			continue
		}
		gen(a.eps, job)
	}
	gen(a.socialCare, "Team manager, children with disabilities")
	gen(a.socialCare, "Designated Social Care Officer")
	for i := range sized(8, 2) {
		if i == 0 && has["socialworker/"+a.socialCare.id] {
			continue
		}
		gen(a.socialCare, "Social worker")
	}
	gen(a.localOffer, "Local Offer manager")
	if !has["localoffer/"+a.localOffer.id] {
		gen(a.localOffer, "Local Offer editor")
	}
	for range sized(1, 1) {
		gen(a.localOffer, "Local Offer officer")
	}

	// ICB: the DCO and the Designated Medical Officer.
	if !has["dco/"+a.dco.id] {
		gen(a.dco, "Designated Clinical Officer")
	}
	gen(a.dco, "Designated Medical Officer")
	gen(a.dco, "SEND health coordinator")

	// Health teams: a lead and clinicians.
	for i, s := range healthServices {
		t := a.healthTeams[i]
		gen(t, s.lead)
		n := sized(s.county, 1)
		if has[s.key+"/"+t.id] {
			n--
		}
		for range n {
			gen(t, s.member)
		}
	}

	// Settings: a head and a SENCO each.
	for _, s := range a.settings {
		switch s.kind {
		case people.EarlyYears:
			gen(s, "Nursery manager")
			gen(s, "Early years SENCO")
		case people.College:
			gen(s, "Principal")
			gen(s, "Head of additional learning support")
		default:
			gen(s, "Headteacher")
			if !has["senco/"+s.id] {
				gen(s, "SENCO")
			}
		}
	}
	for i, v := range a.voluntary {
		if i == 0 {
			gen(v, "Chair")
		} else {
			gen(v, "Coordinator")
		}
	}
	return err
}

func (a *area) healthTeam(service string) *org {
	for _, t := range a.healthTeams {
		if t.service == service {
			return t
		}
	}
	return nil
}

// emailLocal is "given.family" in lower-case letters.
func emailLocal(given, family string) string {
	clean := func(s string) string {
		var b strings.Builder
		for _, r := range strings.ToLower(s) {
			if 'a' <= r && r <= 'z' {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	return clean(given) + "." + clean(family)
}

// phone is a mobile number in Ofcom's drama range, 07700 900000–900999: never a real line.
func phone(r *rng) string {
	return "07700 900" + threeDigits(r.IntN(1000))
}

func threeDigits(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", 3-len(s)) + s
}

// reserved reports whether given family is a persona's name (or their child's)
// in the personas' area, which nobody generated may share.
func (a *area) reserved(given, family string) bool {
	if !a.personas {
		return false
	}
	if given == "Leo" && family == personaByKey("parent").family {
		return true
	}
	for _, p := range personas {
		if p.given == given && p.family == family {
			return true
		}
	}
	return false
}

// otherGiven is another given name from the list given comes from.
func otherGiven(r *rng, given string) string {
	for _, g := range nameGroups {
		for _, l := range [][]string{g.women, g.men, g.girls, g.boys} {
			for _, n := range l {
				if n == given {
					for {
						if m := pick(r, l); m != given {
							return m
						}
					}
				}
			}
		}
	}
	return given + "e"
}
