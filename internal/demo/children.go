package demo

import (
	"strconv"

	"joinedup/internal/date"
	"joinedup/internal/people"
)

// child is a child or young person as the stages know them.
type child struct {
	people.Child
	age      int // in whole years on Today
	setting  *org
	locality int
	own      *people.Person // their own record (young people 18+), if any
}

// family is the children who live together and the adults who care for them.
type family struct {
	carers   []carer
	children []*child
}

type carer struct {
	person    people.Person
	rel       string
	pr, lives bool
}

// slot is a child still to be made: provision, primary need and age are
// allocated first, exactly, so an area's totals match its targets.
type slot struct {
	provision, need string
	age             int
}

// children adds the area's children and young people with EHC plans and on
// SEN support, each with a setting fit for their age and needs, valid
// identifiers, and the family who care for them.
func children(a *area) error {
	r := a.rng("children")
	nm := newNamer(r, a.spec.region)
	a.supportNHSLeft = int(float64(a.spec.support) * a.g.supportNHSShare)
	slots := a.childSlots(r)
	if a.personas {
		var err error
		if slots, err = a.personaFamilies(r, nm, slots); err != nil {
			return err
		}
	}
	r.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
	sizes := newWeighted([]float64{88, 10, 2}) // SEND children per family: most have one
	for len(slots) > 0 {
		if err := a.g.ctx.Err(); err != nil {
			return err
		}
		n := min(len(slots), 1+sizes.draw(r))
		if err := a.family(r, nm, slots[:n]); err != nil {
			return err
		}
		slots = slots[n:]
	}
	return nil
}

// childSlots allocates plans by the area's published primary needs and SEN
// support by the national shape, each over its age distribution (dist.go).
func (a *area) childSlots(r *rng) []slot {
	var out []slot
	build := func(provision string, needs []int, ageWeights []float64) {
		start := len(out)
		for i, n := range needs {
			for range n {
				out = append(out, slot{provision: provision, need: needCodes[i]})
			}
		}
		var ages []int
		for age, n := range allocate(len(out)-start, ageWeights) {
			for range n {
				ages = append(ages, age)
			}
		}
		r.Shuffle(len(ages), func(i, j int) { ages[i], ages[j] = ages[j], ages[i] })
		block := out[start:]
		for i := range block {
			block[i].age = ages[i]
		}
		// Dyslexia and moderate learning difficulties are not identified in
		// the under-fives: swap such a need with a speech and language need
		// of an older child, which keeps the totals exact.
		j := 0
		for i := range block {
			if block[i].age >= 5 || (block[i].need != "SPLD" && block[i].need != "MLD") {
				continue
			}
			for j < len(block) && (block[j].age < 5 || block[j].need != "SLCN") {
				j++
			}
			if j == len(block) {
				break
			}
			block[i].need, block[j].need = block[j].need, block[i].need
			j++
		}
	}
	build(people.EHCPlan, a.spec.needs, planAgeWeights)
	w := make([]float64, len(needCodes))
	for i, code := range needCodes {
		w[i] = supportNeedWeights[code]
	}
	build(people.SENSupport, allocate(a.spec.support, w), supportAgeWeights)
	return out
}

var familyKinds = []string{"couple", "mother", "father", "separated", "step", "adoptive", "kinship", "special_guardian", "foster"}

// familyKindWeights (%): most children live with both parents or with their
// mother; a few with a step-parent, adoptive parents, grandparents or other
// relatives (kinship care), special guardians or foster carers. Children with
// SEND are over-represented among looked-after children, so foster care is
// a little above the ~0.7% of all children.
var familyKindWeights = newWeighted([]float64{58, 21, 4, 6, 4, 1.5, 2, 1.5, 2})

// family makes one family for slots: its adults, then its children.
func (a *area) family(r *rng, nm *namer, slots []slot) error {
	loc := a.localityWeights().draw(r)
	postcode := a.localities[loc].postcode(r)
	g1, g2 := nm.heritage()
	f := &family{}
	add := func(given, family, rel string, pr, lives bool) *carer {
		f.carers = append(f.carers, carer{person: a.parent(r, given, family), rel: rel, pr: pr, lives: lives})
		return &f.carers[len(f.carers)-1]
	}
	other := func(g *nameGroup) string { return pick(r, g.family) }
	name := other(g1) // the children's family name
	switch familyKinds[familyKindWeights.draw(r)] {
	case "couple":
		fg, _ := nm.adult(g1, false)
		add(fg, name, "father", true, true)
		mg, mf := nm.adult(g2, true)
		if r.chance(0.75) {
			mf = name
		}
		add(mg, mf, "mother", true, true)
	case "mother":
		mg, _ := nm.adult(g1, true)
		add(mg, name, "mother", true, true)
	case "father":
		fg, _ := nm.adult(g1, false)
		add(fg, name, "father", true, true)
	case "separated": // both parents keep parental responsibility; the child lives with one
		mg, mf := nm.adult(g2, true)
		add(mg, mf, "mother", true, true)
		fg, _ := nm.adult(g1, false)
		add(fg, name, "father", true, false)
	case "step": // a step-parent has no parental responsibility without a court order or agreement
		mg, _ := nm.adult(g1, true)
		add(mg, name, "mother", true, true)
		sg, sf := nm.adult(g2, false)
		add(sg, sf, "step_parent", false, true)
	case "adoptive": // an adoption order gives the adopters parental responsibility
		ag, _ := nm.adult(g1, true)
		add(ag, name, "parent", true, true)
		bg, _ := nm.adult(g2, r.chance(0.15))
		add(bg, name, "parent", true, true)
	case "kinship": // a child arrangements order naming them gives relatives parental responsibility
		if r.chance(0.7) {
			gg, _ := nm.adult(g1, true)
			add(gg, name, "grandparent", true, true)
			if r.chance(0.5) {
				hg, _ := nm.adult(g1, false)
				add(hg, name, "grandparent", true, true)
			}
		} else {
			ag, af := nm.adult(g1, true)
			add(ag, af, "other_relative", true, true)
		}
	case "special_guardian": // a special guardianship order gives parental responsibility
		sf := name
		if r.chance(0.5) {
			sf = other(g1)
		}
		sg, _ := nm.adult(g1, true)
		add(sg, sf, "special_guardian", true, true)
		if r.chance(0.4) {
			tg, _ := nm.adult(g1, false)
			add(tg, sf, "special_guardian", true, true)
		}
	case "foster": // foster carers do not hold parental responsibility: the council shares it with the parents
		fg, ff := nm.anyAdult()
		add(fg, ff, "foster_carer", false, true)
		mg, _ := nm.adult(g1, true)
		add(mg, name, "mother", true, false)
	}
	for _, s := range slots {
		boy := r.chance(boyShareOfSupport)
		if s.provision == people.EHCPlan {
			boy = r.chance(boyShareOfPlans)
		}
		g := g1
		if g2 != g1 && r.chance(0.5) {
			g = g2
		}
		given := nm.child(g, boy)
		for tries := 0; tries < 20 && (f.hasChildNamed(given) || a.reserved(given, name)); tries++ {
			given = nm.child(g, boy)
		}
		c, err := a.newChild(r, s, given, name, loc, postcode, date.Date{}, nil, f)
		if err != nil {
			return err
		}
		f.children = append(f.children, c)
	}
	return a.commit(f)
}

func (f *family) hasChildNamed(given string) bool {
	for _, c := range f.children {
		if c.GivenName == given {
			return true
		}
	}
	return false
}

func (a *area) localityWeights() weighted {
	w := make([]float64, len(a.localities))
	for i, l := range a.localities {
		w[i] = l.weight
	}
	return newWeighted(w)
}

// parent is a parent or carer's record, with an email address and phone most have.
func (a *area) parent(r *rng, given, family string) people.Person {
	for a.reserved(given, family) {
		given = otherGiven(r, given)
	}
	p := people.Person{ID: r.id(), Kind: people.ParentCarer, GivenName: given, FamilyName: family}
	a.contact(r, &p, 0.92, 0.95)
	return p
}

// contact gives p an email address (with a number that makes it unique) and a phone, each with a chance.
func (a *area) contact(r *rng, p *people.Person, email, phoneChance float64) {
	a.g.seq++
	if r.chance(email) {
		p.Email = emailLocal(p.GivenName, p.FamilyName) + "." + strconv.Itoa(a.g.seq) + "@" + a.familyDomain
	}
	if r.chance(phoneChance) {
		p.Phone = phone(r)
	}
}

// newChild makes a child for slot s in family f: date of birth (or dob),
// setting (or setting), identifiers, and for some young people 18+ with plans
// their own record.
func (a *area) newChild(r *rng, s slot, given, family string, loc int, postcode string, dob date.Date, setting *org, f *family) (*child, error) {
	today := a.g.today
	if dob.IsZero() {
		dob = birthday(r, today, s.age)
		// Siblings born within nine months of each other are twins.
		for _, sib := range f.children {
			if d := dob.DaysSince(sib.DateOfBirth); d > -280 && d < 280 {
				dob = sib.DateOfBirth
				break
			}
		}
	}
	c := &child{Child: people.Child{ID: r.id(), GivenName: given, FamilyName: family, DateOfBirth: dob, Postcode: postcode,
		SENProvision: s.provision, PrimaryNeed: s.need}, age: dob.YearsOn(today), locality: loc}
	start := academicYear(today)
	ageAug := dob.YearsOn(date.Of(start, 8, 31)) // age at the start of the school year: 4 in reception, 15 in year 11
	c.setting = setting
	if c.setting == nil {
		c.setting = a.place(r, c, ageAug)
	}
	if c.setting != nil {
		c.SettingID = c.setting.id
	}
	var err error
	if s.provision == people.EHCPlan || a.supportNHSLeft > 0 {
		if s.provision != people.EHCPlan {
			a.supportNHSLeft--
		}
		if c.NHSNumber, err = a.g.ids.NHSNumber(); err != nil {
			return nil, err
		}
	}
	inSchool := c.setting != nil && c.setting.kind == people.School
	if (ageAug >= 4 && ageAug <= 17) || (ageAug >= 4 && ageAug <= 19 && inSchool) {
		if c.UPN, err = a.g.ids.UPN(start - (ageAug - 4)); err != nil { // allocated on entry to reception
			return nil, err
		}
	}
	if c.age >= 14 {
		if c.ULN, err = a.g.ids.ULN(); err != nil {
			return nil, err
		}
	}
	if s.provision == people.EHCPlan && c.age >= 18 && setting == nil && r.chance(ownRecordShare) {
		p := people.Person{ID: r.id(), Kind: people.YoungPerson, GivenName: given, FamilyName: family}
		a.contact(r, &p, 0.85, 0.9)
		c.own, c.PersonID = &p, p.ID
	}
	return c, nil
}

// commit queues a family: its adults, then each child (after their own
// record) with a link to each adult. Parental responsibility ends at 18
// (Children Act 1989 s105): for a young person with their own record the
// links say so; for one without (many lack capacity, and their parents still
// act for them) the links keep what the family had, so the parents can still
// be reached in the demo.
func (a *area) commit(f *family) error {
	g := a.g
	for _, c := range f.carers {
		if err := g.loadPerson(c.person); err != nil {
			return err
		}
	}
	for _, ch := range f.children {
		if ch.own != nil {
			if err := g.loadPerson(*ch.own); err != nil {
				return err
			}
		}
		if err := g.loadChild(ch.Child); err != nil {
			return err
		}
		for _, c := range f.carers {
			pr := c.pr && ch.own == nil
			if err := g.loadLink(people.FamilyLink{ChildID: ch.ID, PersonID: c.person.ID, Relationship: c.rel,
				ParentalResponsibility: pr, LivesWithChild: c.lives}); err != nil {
				return err
			}
		}
	}
	a.children = append(a.children, f.children...)
	a.families = append(a.families, f)
	return nil
}

// personaFamilies makes the families of the parent and young person personas
// from two plan slots, and returns the slots left.
func (a *area) personaFamilies(r *rng, nm *namer, slots []slot) ([]slot, error) {
	take := func(need string, age int) slot {
		for i, s := range slots {
			if s.provision == people.EHCPlan && s.need == need {
				slots = append(slots[:i], slots[i+1:]...)
				s.age = age
				return s
			}
		}
		return slot{provision: people.EHCPlan, need: need, age: age}
	}
	today := a.g.today
	y, m, d := today.Year(), today.Month(), today.Day()

	// Sarah Bennett, mother of Leo (9, autism, EHC plan, Brookfield Primary), with Leo's father.
	mum := personaByKey("parent")
	leo := &family{}
	p := people.Person{ID: r.id(), Kind: people.ParentCarer, GivenName: mum.given, FamilyName: mum.family, Email: mum.email(), Phone: phone(r)}
	leo.carers = append(leo.carers, carer{person: p, rel: "mother", pr: true, lives: true})
	fg, _ := nm.adult(&british, false)
	leo.carers = append(leo.carers, carer{person: a.parent(r, fg, mum.family), rel: "father", pr: true, lives: true})
	s := a.brookfield
	c, err := a.newChild(r, take("ASD", 9), "Leo", mum.family, s.locality, a.localities[s.locality].postcode(r),
		date.Of(y-9, m, d).AddDays(-150), s, leo)
	if err != nil {
		return nil, err
	}
	leo.children = append(leo.children, c)
	if err := a.commit(leo); err != nil {
		return nil, err
	}

	// Kai Thompson, 18, moderate learning difficulties, EHC plan, at college, with their own record; their mother.
	yp := personaByKey("youngperson")
	kai := &family{}
	mg, _ := nm.adult(&british, true)
	kai.carers = append(kai.carers, carer{person: a.parent(r, mg, yp.family), rel: "mother", pr: true, lives: true})
	s = a.firstColl
	c, err = a.newChild(r, take("MLD", 18), yp.given, yp.family, s.locality, a.localities[s.locality].postcode(r),
		date.Of(y-18, m, d).AddDays(-120), s, kai)
	if err != nil {
		return nil, err
	}
	own := people.Person{ID: r.id(), Kind: people.YoungPerson, GivenName: yp.given, FamilyName: yp.family, Email: yp.email(), Phone: phone(r)}
	c.own, c.PersonID = &own, own.ID
	kai.children = append(kai.children, c)
	return slots, a.commit(kai)
}

// birthday is a date of birth that makes someone age on today.
func birthday(r *rng, today date.Date, age int) date.Date {
	hi := date.Of(today.Year()-age, today.Month(), today.Day())
	lo := date.Of(today.Year()-age-1, today.Month(), today.Day()).AddDays(1)
	d := lo.AddDays(r.IntN(hi.DaysSince(lo) + 1))
	for d.After(today) {
		d = d.AddDays(-1)
	}
	for d.YearsOn(today) > age {
		d = d.AddDays(1)
	}
	for d.YearsOn(today) < age {
		d = d.AddDays(-1)
	}
	return d
}

// academicYear is the year the school year containing today began (1 September).
func academicYear(today date.Date) int {
	if today.Month() >= 9 {
		return today.Year()
	}
	return today.Year() - 1
}

// place chooses where a child is educated, given their age at the start of
// the school year (ageAug: 4 in reception, 10 in year 6, 15 in year 11).
func (a *area) place(r *rng, c *child, ageAug int) *org {
	plan := c.SENProvision == people.EHCPlan
	loc := c.locality
	special := func() *org {
		if l := a.specialByDesignation[designationFor[c.PrimaryNeed]]; len(l) > 0 {
			return pick(r, l)
		}
		return a.any(r, "special")
	}
	switch {
	case ageAug < 2: // under-twos with plans are mostly at home; SEN support is only recorded in a setting
		if plan && r.chance(0.75) {
			return nil
		}
		return a.local(r, "nursery", loc)
	case ageAug < 4:
		if plan && r.chance(0.2) {
			return nil
		}
		return a.local(r, "nursery", loc)
	case ageAug <= 15: // reception to year 11
		phase, ap, out := "primary", 0.01, 0.04
		if ageAug >= 11 {
			phase, ap, out = "secondary", 0.04, 0.07
		}
		if plan {
			if r.chance(specialShare[c.PrimaryNeed]) {
				return special()
			}
			x := r.Float64()
			switch {
			case x < ap && ageAug >= 6:
				return a.any(r, "alternative")
			case x < ap+out: // electively home educated, or out of school
				return nil
			}
			return a.local(r, phase, loc)
		}
		if ageAug >= 7 && r.chance(ap/2) {
			return a.any(r, "alternative")
		}
		return a.local(r, phase, loc)
	case ageAug <= 17: // years 12 and 13
		if plan {
			if r.chance(specialShare[c.PrimaryNeed] * 0.85) {
				return special()
			}
			x := r.Float64()
			switch {
			case x < 0.78:
				return a.any(r, "post16")
			case x < 0.93:
				return a.local(r, "secondary", loc) // a school sixth form
			}
			return nil // not in education, employment or training
		}
		if r.chance(0.55) {
			return a.any(r, "post16")
		}
		return a.local(r, "secondary", loc)
	case ageAug == 18:
		if plan {
			if r.chance(specialShare[c.PrimaryNeed] * 0.5) {
				return special() // special schools keep students to 19
			}
			if r.chance(0.15) {
				return nil
			}
		}
		return a.any(r, "post16")
	}
	// 19 to 25: college, supported internships, or nothing recorded.
	if plan && !r.chance(0.75-0.06*float64(ageAug-19)) {
		return nil
	}
	return a.any(r, "post16")
}

// local is a setting of phase in locality loc (all-through schools count as
// primary and secondary), or anywhere in the area if the locality has none.
func (a *area) local(r *rng, phase string, loc int) *org {
	l := a.schoolsByLocality[phase+"/"+strconv.Itoa(loc)]
	if phase == "primary" || phase == "secondary" {
		if at := a.schoolsByLocality["all_through/"+strconv.Itoa(loc)]; len(at) > 0 {
			l = append(l[:len(l):len(l)], at...)
		}
	}
	if len(l) == 0 {
		return a.any(r, phase)
	}
	return pick(r, l)
}

// any is a setting of phase anywhere in the area.
func (a *area) any(r *rng, phase string) *org {
	if l := a.byPhase[phase]; len(l) > 0 {
		return pick(r, l)
	}
	return nil
}
