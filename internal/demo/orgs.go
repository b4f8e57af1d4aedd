package demo

import (
	"fmt"
	"math"
	"strings"

	"joinedup/internal/people"
)

// organisations adds the council and its SEND teams, the ICB and its
// Designated Clinical Officer team, NHS provider trusts and their children's
// teams, the settings children attend, and the voluntary sector.
func organisations(a *area) error {
	r := a.rng("organisations")
	var err error
	// add queues o and returns it; the first error is kept for the end.
	add := func(o people.Organisation, loc int) *org {
		if o.ID == "" {
			o.ID = r.id()
		}
		if o.Postcode == "" {
			o.Postcode = a.localities[loc].postcode(r)
		}
		if o.Phone == "" {
			o.Phone = fmt.Sprintf("01632 960%03d", r.IntN(1000)) // Ofcom's drama range: never a real line
		}
		if o.Email == "" {
			o.Email = slugify(strings.TrimPrefix(o.Name, "NHS ")) + "@" + a.domain
		}
		if e := a.g.loadOrg(o); e != nil && err == nil {
			err = e
		}
		return &org{id: o.ID, kind: o.Kind, name: o.Name, phase: o.Phase, locality: loc}
	}
	centre := 0
	if len(a.localities) > 1 {
		centre = 1 // Worcestershire's South, where County Hall is; the middle locality elsewhere
	}

	// The council and its teams.
	a.council = add(people.Organisation{Kind: people.Council, Name: a.spec.council, Email: "send@" + a.domain}, centre)
	team := func(name string, loc int) *org {
		return add(people.Organisation{Kind: people.CouncilTeam, Name: name, ParentID: a.council.id}, loc)
	}
	for i, l := range a.localities {
		a.casework = append(a.casework, team("SEND Casework Team – "+l.name, i))
	}
	a.eps = team("Educational Psychology Service", centre)
	a.socialCare = team("Children with Disabilities Team (Children's Social Care)", centre)
	a.localOffer = team("Local Offer Team", centre)

	// The ICB, with its Designated Clinical Officer.
	a.icb = add(people.Organisation{Kind: people.ICB, Name: a.spec.icb}, centre)
	a.dco = add(people.Organisation{Kind: people.NHSTeam, Name: "Designated Clinical Officer Team", ParentID: a.icb.id}, centre)

	// NHS provider trusts (invented) and their children's teams.
	names, home := trustsFor(a.spec)
	for _, n := range names {
		a.trusts = append(a.trusts, add(people.Organisation{Kind: people.NHSProvider, Name: n}, r.IntN(len(a.localities))))
	}
	for i, s := range healthServices {
		t := a.trusts[home[i]]
		o := add(people.Organisation{Kind: people.NHSTeam, Name: s.team, ParentID: t.id,
			Email: s.key + "." + slugify(t.name) + "@" + a.domain}, t.locality)
		o.service = s.key
		a.healthTeams = append(a.healthTeams, o)
	}

	// Settings: every phase, spread over the localities in proportion.
	if a.personas {
		a.namesUsed[brookfield] = true
	}
	weights := make([]float64, len(a.localities))
	for i, l := range a.localities {
		weights[i] = l.weight
	}
	m := a.spec.mix
	for _, p := range []struct {
		phase, kind string
		n           int
	}{
		{"nursery", people.EarlyYears, m.nursery}, {"primary", people.School, m.primary},
		{"all_through", people.School, m.allThrough}, {"secondary", people.School, m.secondary},
		{"special", people.School, m.special}, {"alternative", people.School, m.alternative},
		{"post16", people.College, m.college},
	} {
		k := 0
		for loc, n := range allocate(p.n, weights) {
			for range n {
				if err != nil {
					return err
				}
				name := a.settingName(r, p.phase)
				if a.personas && p.phase == "primary" && loc == 1 && a.brookfield == nil {
					name = brookfield // the persona SENCO's school
				}
				o := people.Organisation{Kind: p.kind, Name: name, Phase: p.phase}
				if p.kind == people.College {
					o.UKPRN, err = a.g.ids.UKPRN()
				} else {
					o.URN, err = a.g.ids.URN()
				}
				if err != nil {
					return err
				}
				s := add(o, loc)
				if p.phase == "special" {
					s.designation = designations[k%len(designations)]
					a.specialByDesignation[s.designation] = append(a.specialByDesignation[s.designation], s)
				}
				if name == brookfield {
					a.brookfield = s
				}
				if p.kind == people.College && a.firstColl == nil {
					a.firstColl = s
				}
				a.settings = append(a.settings, s)
				a.byPhase[p.phase] = append(a.byPhase[p.phase], s)
				key := p.phase + "/" + fmt.Sprint(loc)
				a.schoolsByLocality[key] = append(a.schoolsByLocality[key], s)
				k++
			}
		}
	}

	// The voluntary sector: the parent carer forum first, then support groups.
	nv := 6
	if a.spec.sizing >= 0.3 {
		nv = min(len(voluntaryNames)+1, max(6, int(math.Round(20*a.spec.sizing))))
	}
	a.voluntary = append(a.voluntary, add(people.Organisation{Kind: people.Voluntary, Name: a.spec.display + " Parent Carer Forum"}, centre))
	for i := range nv - 1 {
		a.voluntary = append(a.voluntary, add(people.Organisation{Kind: people.Voluntary, Name: voluntaryNames[i]}, r.IntN(len(a.localities))))
	}
	return err
}

// brookfield is the persona SENCO's school.
const brookfield = "Brookfield Primary School"

// healthServices are the children's NHS teams every area has, with the
// clinicians a county team of Worcestershire's size has (scaled by area size).
var healthServices = []struct {
	key, team, lead, member string
	county                  int
}{
	{"paediatrics", "Community Paediatrics", "Clinical lead for community paediatrics", "Consultant community paediatrician", 6},
	{"salt", "Children's Speech and Language Therapy", "Speech and language therapy team lead", "Speech and language therapist", 10},
	{"ot", "Children's Occupational Therapy", "Occupational therapy team lead", "Occupational therapist", 6},
	{"physio", "Children's Physiotherapy", "Physiotherapy team lead", "Physiotherapist", 5},
	{"camhs", "Child and Adolescent Mental Health Service (CAMHS)", "CAMHS team manager", "CAMHS practitioner", 8},
	{"health_visiting", "Health Visiting", "Health visiting team leader", "Health visitor", 8},
	{"school_nursing", "School Nursing", "School nursing team leader", "School nurse", 6},
	{"neurodevelopmental", "Neurodevelopmental Service (Autism and ADHD)", "Neurodevelopmental service lead", "Neurodevelopmental practitioner", 6},
}

// trustsFor names an area's invented NHS trusts and says which trust runs
// each health service (healthServices order). Worcestershire has three: a
// community trust, a hospital trust for paediatrics, a mental health trust
// for CAMHS and the neurodevelopmental pathway. Other areas have two.
func trustsFor(s areaSpec) ([]string, []int) {
	if s.code == worcestershire {
		return []string{"Severn Vale Community Health NHS Trust", "Avon and Teme Hospitals NHS Trust",
			"Wyre and Malvern Mental Health NHS Foundation Trust"}, []int{1, 0, 0, 0, 2, 0, 0, 2}
	}
	return []string{s.display + " Children's Community Health NHS Trust", s.display + " Mind and Neurodevelopment NHS Foundation Trust"},
		[]int{0, 0, 0, 0, 1, 0, 0, 1}
}

// Invented voluntary and community organisations.
var voluntaryNames = []string{
	"Sunflower Autism Family Group", "Little Steps Early Years SEND Group", "Bright Sparks ADHD Parent Support",
	"Chatterbox Speech and Language Support", "Hand in Hand Deaf Children's Club", "Clear Sight Visual Impairment Support",
	"Acorn Family Support", "Stepping Stones Short Breaks", "Lighthouse Young Carers", "Dads Together SEND Group",
	"Horizon Youth Inclusion Project", "Compass Transition Mentoring", "Open Door Sibling Support", "Willow Sensory Play",
	"Harbour Young People's Wellbeing", "Pathways Supported Employment", "Kingfisher Inclusive Sports Club",
	"Buttercup Down Syndrome Group", "Rainbow Play and Stay", "Moonlight Sleep Support",
}

// Parts of invented place names: "Brook" + "field", "Oak" + "ridge"…
var (
	placeFirst = []string{"Brook", "Oak", "Ash", "Elm", "Willow", "Hazel", "Meadow", "River", "Mill", "Holly", "Birch", "Fern",
		"Lark", "Heron", "Orchard", "Beacon", "Stone", "Lime", "Rowan", "Thorn", "Cedar", "Maple", "Wren", "Bramble", "Clover",
		"Church", "Green", "Moss", "Broad", "Long", "Hay", "Barley", "Fair", "Spring", "Summer", "Fox", "Kings", "Bell", "Chestnut",
		"Linden", "Swallow", "Primrose", "Cherry", "Alder", "Sandy", "Gold", "Silver", "Pear", "Apple"}
	placeSecond = []string{"field", "wood", "mead", "bank", "side", "dale", "croft", "gate", "lea", "hurst", "ridge", "well",
		"brook", "ford", "ton", "worth", "combe", "hill", "moor", "stead", "way", "fold", "grove", "lands", "cote", "acre",
		"leigh", "wick", "bury", "mere", "haven", "vale"}
	saints = []string{"Aidan", "Anne", "Bede", "Chad", "Clare", "Columba", "Cuthbert", "Edmund", "Francis", "George", "Hilda",
		"John", "Joseph", "Luke", "Mark", "Mary", "Matthew", "Michael", "Nicholas", "Oswald", "Patrick", "Paul", "Peter",
		"Richard", "Stephen", "Thomas", "Wulstan", "Egwin", "Barnabas", "Catherine", "Bartholomew", "Margaret"}
	littles = []string{"Acorns", "Owls", "Foxes", "Wrens", "Ducklings", "Explorers", "Stars", "Sprouts", "Otters", "Robins"}
)

func placeName(r *rng) string {
	for {
		f, s := pick(r, placeFirst), pick(r, placeSecond)
		if !strings.EqualFold(f, s) && !strings.HasSuffix(strings.ToLower(f), s[:1]) {
			return f + s
		}
	}
}

// settingName invents a name for a setting of phase, unused in the area.
func (a *area) settingName(r *rng, phase string) string {
	for {
		p := placeName(r)
		var n string
		switch phase {
		case "nursery":
			n = choose(r, []string{p + " Day Nursery", p + " Pre-School", p + " Nursery School", "Little " + pick(r, littles) + " Nursery, " + p},
				[]float64{45, 30, 10, 15})
		case "primary":
			n = choose(r, []string{p + " Primary School", p + " CofE Primary School", "St " + pick(r, saints) + "'s Catholic Primary School", p + " Primary Academy"},
				[]float64{60, 20, 10, 10})
		case "all_through":
			n = p + " Academy (all-through)"
		case "secondary":
			n = choose(r, []string{p + " High School", p + " Academy", p + " School", "St " + pick(r, saints) + "'s Catholic High School"},
				[]float64{45, 30, 15, 10})
		case "special":
			n = choose(r, []string{p + " School", p + " Academy", p + " Specialist School"}, []float64{60, 20, 20})
		case "alternative":
			n = choose(r, []string{p + " Learning Centre", p + " Pupil Referral Unit", p + " Alternative Provision Academy"}, []float64{40, 30, 30})
		case "post16":
			n = choose(r, []string{p + " College", p + " Sixth Form College"}, []float64{70, 30})
		}
		if !a.namesUsed[n] {
			a.namesUsed[n] = true
			return n
		}
	}
}
