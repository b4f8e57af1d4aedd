package demo

import (
	"fmt"
	"math"
	"strings"
	"time"

	"joinedup/internal/date"
	"joinedup/internal/offer"
)

// localOffer adds the area's Local Offer directory: the providers, the venues
// (with invented addresses in the area's postcode districts and a synthetic
// postcode directory around them), and the services families can use —
// schools' SEN support, health, social care, short breaks, activities,
// support groups and support while you wait — with schedules, costs, contacts
// and taxonomy terms. Every name and address is invented.
//
// Sizes: 800 services for the county; tiny keeps 40, enough to page through
// and filter; at national scale Worcestershire (the first area) gets its
// county directory and every other area a token 20, so the national load
// stays cheap (~4,000 services in all, ~45,000 rows) while every area's API
// has data. The taxonomies are shared by all areas and loaded with the first.
func localOffer(a *area) error {
	r := a.rng("local offer")
	n := 20
	if a.personas {
		n = max(40, int(math.Round(800*a.spec.sizing)))
	}
	o := &offerBuilder{a: a, r: r, tax: offerTaxonomies(a.g.opts.Seed), names: map[string]bool{},
		now: a.g.today.Time().Add(9 * time.Hour)}
	if a.personas {
		for _, t := range o.tax.all {
			if err := offer.LoadTaxonomy(a.g.l, t); err != nil {
				return err
			}
		}
	}
	if err := o.places(); err != nil {
		return err
	}
	if err := o.services(n); err != nil {
		return err
	}
	return offer.SettleSearch(a.g.l)
}

// offerBuilder is the local offer stage's working state for one area.
type offerBuilder struct {
	a     *area
	r     *rng
	tax   *demoTaxonomies
	now   time.Time
	names map[string]bool // service names used

	towns     []*offerTown
	online    *offer.Location
	providers map[string]*offer.Organization // by kind key: council, trust:salt, forum…
	clubs     []*offer.Organization
	voluntary []*offer.Organization
}

// offerTown is a town of the area with its venues.
type offerTown struct {
	name     string
	locality int
	district string
	centre   offer.Point
	venues   map[string][]*offer.Location // by venue kind
}

// worcestershireTowns are the real towns of Worcestershire's postcode
// districts, with the district's rough centre (public geography); the
// streets and full postcodes generated in them are invented.
var worcestershireTowns = map[string]struct {
	town     string
	lat, lon float64
}{
	"B60": {"Bromsgrove", 52.335, -2.057}, "B61": {"Bromsgrove", 52.352, -2.072}, "B97": {"Redditch", 52.300, -1.960},
	"B98": {"Redditch", 52.303, -1.912}, "WR1": {"Worcester", 52.195, -2.220}, "WR2": {"Worcester", 52.190, -2.250},
	"WR3": {"Worcester", 52.222, -2.210}, "WR4": {"Worcester", 52.200, -2.180}, "WR5": {"Worcester", 52.172, -2.200},
	"WR9": {"Droitwich Spa", 52.268, -2.151}, "WR10": {"Pershore", 52.111, -2.077}, "WR11": {"Evesham", 52.092, -1.947},
	"WR14": {"Malvern", 52.113, -2.325}, "DY10": {"Kidderminster", 52.390, -2.233}, "DY11": {"Kidderminster", 52.378, -2.268},
	"DY12": {"Bewdley", 52.376, -2.317}, "DY13": {"Stourport-on-Severn", 52.340, -2.280},
}

// venueKinds are the places services happen, by kind, with how their names are made.
var venueKinds = map[string][]string{
	"hub":       {"%s Family Hub", "%s Children's Centre"},
	"leisure":   {"%s Leisure Centre", "%s Sports Centre", "%s Swimming Pool"},
	"community": {"%s Community Centre", "%s Village Hall", "St %s's Church Hall", "%s Library"},
	"clinic":    {"%s Child Development Centre", "%s Health Centre", "%s Community Hospital"},
	"outdoor":   {"%s Country Park", "%s Farm", "%s Riding Centre"},
	"house":     {"%s House", "%s Lodge"},
}

var venueOrder = []string{"hub", "leisure", "community", "clinic", "outdoor", "house"}

var streetKinds = []string{"Road", "Street", "Lane", "Avenue", "Close", "Way", "Drive", "Green"}

// places invents the area's towns, venues and postcodes, and loads them.
func (o *offerBuilder) places() error {
	a, r := o.a, o.r
	base := offer.Point{Latitude: 50.9 + 3.4*r.Float64(), Longitude: -2.9 + 3.0*r.Float64()} // an invented area's middle
	postcodes := map[string]offer.Point{}
	var order []string
	addPostcode := func(pc string, p offer.Point) {
		if _, ok := postcodes[pc]; !ok {
			postcodes[pc] = p
			order = append(order, pc)
		}
	}
	byName := map[string]*offerTown{}
	for li, l := range a.localities {
		for _, d := range l.districts {
			t := &offerTown{locality: li, district: d, venues: map[string][]*offer.Location{}}
			if w, ok := worcestershireTowns[d]; ok && a.spec.code == worcestershire {
				t.name, t.centre = w.town, offer.Point{Latitude: w.lat, Longitude: w.lon}
			} else {
				t.name = placeName(r)
				t.centre = offer.Point{Latitude: base.Latitude + 0.25*(r.Float64()-0.5), Longitude: base.Longitude + 0.4*(r.Float64()-0.5)}
			}
			if prev := byName[t.name]; prev != nil { // a town of two districts keeps one set of venues
				t = prev
			} else {
				byName[t.name] = t
				o.towns = append(o.towns, t)
			}
			extra := 3
			if a.personas {
				extra = 5 + int(20*min(a.spec.sizing, 1))
			}
			for range extra {
				addPostcode(o.postcodeNear(l, d, t.centre))
			}
		}
	}
	// Venues: a family hub in every town, and more of each kind in proportion to the directory.
	perTown := 1
	if a.personas && a.spec.sizing >= 0.5 {
		perTown = 3
	}
	for _, t := range o.towns {
		for _, kind := range venueOrder {
			count := perTown
			if kind == "hub" || kind == "house" {
				count = 1
			}
			for range count {
				name := fmt.Sprintf(pick(r, venueKinds[kind]), placeName(r))
				if strings.HasPrefix(name, "St ") { // a church hall is named after a saint
					name = fmt.Sprintf("St %s's Church Hall", pick(r, saints))
				}
				pc, at := o.postcodeNear(a.localities[t.locality], t.district, t.centre)
				addPostcode(pc, at)
				lat, lon := at.Latitude, at.Longitude
				loc := &offer.Location{ID: r.id(), LocationType: offer.Physical, Name: name + ", " + t.name,
					Latitude: &lat, Longitude: &lon,
					Addresses: []offer.Address{{ID: r.id(), Address1: fmt.Sprintf("%d %s %s", r.between(1, 120), placeName(r), pick(r, streetKinds)),
						City: t.name, StateProvince: a.spec.display, PostalCode: pc, Country: "GB", AddressType: offer.Physical}}}
				for _, f := range o.accessFeatures(kind) {
					loc.Accessibility = append(loc.Accessibility, offer.Accessibility{ID: r.id(), Description: f})
				}
				t.venues[kind] = append(t.venues[kind], loc)
				if err := offer.LoadLocation(a.g.l, *loc, o.now); err != nil {
					return err
				}
			}
		}
	}
	o.online = &offer.Location{ID: r.id(), LocationType: offer.Virtual, Name: "Online and by phone (" + a.spec.display + ")",
		Description: "Delivered by video call, online or by phone: no need to travel."}
	if err := offer.LoadLocation(a.g.l, *o.online, o.now); err != nil {
		return err
	}
	for _, pc := range order {
		if a.g.postcodes[pc] {
			continue // another area's invented district gave the same postcode
		}
		a.g.postcodes[pc] = true
		if err := offer.LoadPostcode(a.g.l, pc, postcodes[pc].Latitude, postcodes[pc].Longitude); err != nil {
			return err
		}
	}
	return nil
}

// postcodeNear invents a postcode in district and a point within about a
// kilometre and a half of the district's centre.
func (o *offerBuilder) postcodeNear(l *locality, district string, centre offer.Point) (string, offer.Point) {
	r := o.r
	pc := fmt.Sprintf("%s %d%c%c", district, r.IntN(10), inwardLetters[r.IntN(len(inwardLetters))], inwardLetters[r.IntN(len(inwardLetters))])
	round := func(x float64) float64 { return math.Round(x*1e6) / 1e6 }
	return pc, offer.Point{Latitude: round(centre.Latitude + 0.024*(r.Float64()-0.5)), Longitude: round(centre.Longitude + 0.036*(r.Float64()-0.5))}
}

// accessFeatures draws a venue's accessibility (the Outpost list).
func (o *offerBuilder) accessFeatures(kind string) []string {
	if kind == "outdoor" {
		return []string{"Car parking", "Accessible toilet facilities"}
	}
	var out []string
	for _, f := range accessibilities {
		if o.r.chance(0.35) {
			out = append(out, f)
		}
	}
	return out
}

// serviceKind is a kind of service the directory lists, with how its
// instances are named, who runs them, where, when, for whom and at what cost.
type serviceKind struct {
	group      string  // education, health, social care, short breaks, activities, support groups, while you wait
	weight     float64 // how many of the directory's services are of this kind
	name       string  // %[1]s is the town, %[2]s the venue's short name
	desc       string
	provider   string // council, forum, trust:<health service>, voluntary, club
	venue      string // a venue kind, or "online"
	categories []string
	needs      []string
	ages       [2]int
	cost       string  // Free, Paid or Subsidised
	fee        float64 // pounds a session when not free
	days       string
	opens      string
	closes     string
	collection string // a "support while you wait" or short breaks collection, if any
}

// term is a term of one of the demo taxonomies, by taxonomy key and name.
func (o *offerBuilder) term(taxonomy, name string) *offer.TaxonomyTerm {
	t := o.tax.byName[taxonomy+"/"+name]
	if t == nil {
		panic("demo: no taxonomy term " + taxonomy + "/" + name) // a typo in the tables below
	}
	return t
}

// services draws n services: schools' and colleges' SEN support first (15%),
// then the kinds above in proportion to their weights.
func (o *offerBuilder) services(n int) error {
	a, r := o.a, o.r
	o.providers = map[string]*offer.Organization{}
	org := func(name, desc string) (*offer.Organization, error) {
		x := &offer.Organization{ID: r.id(), Name: name, Description: desc,
			Email: "info@" + slugify(name) + "." + a.domain, Website: "https://" + slugify(name) + "." + a.domain}
		return x, offer.LoadOrganization(a.g.l, *x, o.now)
	}
	var err error
	if o.providers["council"], err = org(a.spec.council, "The council's SEND, early help, short breaks and children with disabilities services."); err != nil {
		return err
	}
	if o.providers["forum"], err = org(a.spec.display+" Parent Carer Forum", "Parents and carers of children with SEND working with the council and the NHS to improve services."); err != nil {
		return err
	}
	trusts, home := trustsFor(a.spec)
	trustOrgs := map[string]*offer.Organization{}
	for i, s := range healthServices {
		name := trusts[home[i]]
		if trustOrgs[name] == nil {
			if trustOrgs[name], err = org(name, "NHS children's community health services."); err != nil {
				return err
			}
		}
		o.providers["trust:"+s.key] = trustOrgs[name]
	}
	for _, v := range a.voluntary[1:] {
		x, err := org(v.name, "A local charity run with and for families of children and young people with SEND.")
		if err != nil {
			return err
		}
		o.voluntary = append(o.voluntary, x)
	}
	nClubs := max(3, n/25)
	for range nClubs {
		name := placeName(r) + " " + pick(r, clubKinds)
		if o.names[name] {
			continue
		}
		o.names[name] = true
		x, err := org(name, "A community club and charity offering inclusive activities for children and young people.")
		if err != nil {
			return err
		}
		o.clubs = append(o.clubs, x)
	}

	nSettings := min(len(a.settings), int(math.Round(0.15*float64(n))))
	for i := range nSettings {
		if err := o.settingService(a.settings[i*len(a.settings)/max(nSettings, 1)]); err != nil {
			return err
		}
	}
	weights := make([]float64, len(serviceKinds))
	for i, k := range serviceKinds {
		weights[i] = k.weight
	}
	w := newWeighted(weights)
	for made := nSettings; made < n; {
		if ok, err := o.service(serviceKinds[w.draw(r)]); err != nil {
			return err
		} else if ok {
			made++
		}
	}
	return nil
}

// settingService is a school's, college's or nursery's SEN support: what the
// SEND Regulations ask each setting to publish, listed in the Local Offer.
func (o *offerBuilder) settingService(s *org) error {
	a, r := o.a, o.r
	t := o.towns[r.IntN(len(o.towns))]
	for _, c := range o.towns { // a town in the setting's locality
		if c.locality == s.locality && r.chance(0.5) {
			t = c
			break
		}
	}
	ages := map[string][2]int{"nursery": {0, 4}, "primary": {4, 11}, "all_through": {4, 18}, "secondary": {11, 18},
		"special": {4, 19}, "alternative": {5, 16}, "post16": {16, 25}}[s.phase]
	pc, at := o.postcodeNear(a.localities[t.locality], t.district, t.centre)
	if !a.g.postcodes[pc] {
		a.g.postcodes[pc] = true
		if err := offer.LoadPostcode(a.g.l, pc, at.Latitude, at.Longitude); err != nil {
			return err
		}
	}
	lat, lon := at.Latitude, at.Longitude
	loc := &offer.Location{ID: r.id(), LocationType: offer.Physical, Name: s.name, Latitude: &lat, Longitude: &lon,
		Addresses: []offer.Address{{ID: r.id(), Address1: placeName(r) + " " + pick(r, streetKinds), City: t.name,
			StateProvince: a.spec.display, PostalCode: pc, Country: "GB", AddressType: offer.Physical}}}
	if err := offer.LoadLocation(a.g.l, *loc, o.now); err != nil {
		return err
	}
	provider := &offer.Organization{ID: r.id(), Name: s.name, Description: "A " + phaseWords[s.phase] + " in " + t.name + "."}
	if err := offer.LoadOrganization(a.g.l, *provider, o.now); err != nil {
		return err
	}
	k := serviceKind{group: "education", name: "Special educational needs support at " + s.name,
		desc: "How " + s.name + " supports children and young people with special educational needs and disabilities: " +
			"its SEN information report, the graduated approach (assess, plan, do, review) and how to talk to the special " +
			"educational needs coordinator (SENCO).",
		categories: []string{"Learning difficulties and disabilities"}, ages: ages, cost: "Free", days: "MO,TU,WE,TH,FR", opens: "08:30", closes: "15:30"}
	if s.phase == "special" {
		k.needs = []string{"Cognitive", "Autism"}
	}
	return o.add(k, k.name, provider, loc, t)
}

// service makes one service of kind k in a town, at a venue; false if the
// name it drew is taken.
func (o *offerBuilder) service(k serviceKind) (bool, error) {
	r := o.r
	t := o.towns[r.IntN(len(o.towns))]
	loc := o.online
	if k.venue != "online" {
		loc = pick(r, t.venues[k.venue])
	}
	short, _, _ := strings.Cut(loc.Name, ",")
	name := k.name
	if strings.Contains(name, "%") {
		name = fmt.Sprintf(name, t.name, short)
	}
	if !strings.Contains(k.name, "%[2]s") && k.venue != "online" && o.names[name] {
		name += " (" + short + ")"
	}
	if o.names[name] {
		return false, nil
	}
	var provider *offer.Organization
	switch {
	case k.provider == "club" && len(o.clubs) > 0:
		provider = pick(r, o.clubs)
	case k.provider == "voluntary" && len(o.voluntary) > 0:
		provider = pick(r, o.voluntary)
	case o.providers[k.provider] != nil:
		provider = o.providers[k.provider]
	default:
		provider = o.providers["council"]
	}
	return true, o.add(k, name, provider, loc, t)
}

// add loads a service of kind k with its details.
func (o *offerBuilder) add(k serviceKind, name string, provider *offer.Organization, loc *offer.Location, t *offerTown) error {
	a, r := o.a, o.r
	o.names[name] = true
	modified := o.now.Add(-time.Duration(r.IntN(400*24)) * time.Hour)
	checked := modified
	if r.chance(0.85) { // most confirmed within three months; the rest are stale
		checked = o.now.Add(-time.Duration(r.IntN(85*24)) * time.Hour)
		if checked.Before(modified) {
			checked = modified
		}
	}
	lo, hi := k.ages[0], k.ages[1]
	if hi == 0 {
		lo, hi = 0, 25
	}
	s := offer.Service{ID: r.id(), Name: name, Description: k.desc, Status: offer.Active, Organization: provider,
		MinimumAge: &lo, MaximumAge: &hi, LastModified: modified.Truncate(time.Second), LastChecked: checked.Truncate(time.Second),
		Email: "hello@" + slugify(provider.Name) + "." + a.domain,
		URL:   "https://" + slugify(provider.Name) + "." + a.domain + "/" + slugify(name)}
	if r.chance(0.02) {
		s.Status, s.Alert = offer.TemporarilyClosed, "Closed for refurbishment until the new year. Call us for other sessions nearby."
	}
	if r.chance(0.3) {
		s.AssuredDate = date.Today(checked)
		s.AssurerEmail = "localoffer@" + a.domain
	}
	sal := offer.ServiceAtLocation{ID: r.id(), LocationID: loc.ID, Location: loc}
	s.ServiceAtLocations = []offer.ServiceAtLocation{sal}
	if k.days != "" {
		sc := offer.Schedule{ID: r.id(), Freq: "WEEKLY", Interval: 1, ByDay: k.days, OpensAt: k.opens + ":00", ClosesAt: k.closes + ":00",
			Description: scheduleWords(k), AttendingType: attending(k), DTStart: date.Today(modified)}
		if k.group == "support groups" && r.chance(0.4) {
			sc.Interval, sc.Description = 2, "Every other "+dayNames[k.days[:2]]+", "+k.opens+" to "+k.closes+"."
		}
		s.Schedules = []offer.Schedule{sc}
	}
	area := offer.ServiceArea{ID: r.id(), Name: t.name + " and nearby", Description: "Families living in or near " + t.name + "."}
	if k.venue == "online" || k.provider == "council" || strings.HasPrefix(k.provider, "trust:") {
		area.Name, area.Description = a.spec.display, "Families anywhere in "+a.spec.display+"."
	}
	s.ServiceAreas = []offer.ServiceArea{area}
	cost := offer.CostOption{ID: r.id(), Option: "Free", AmountDescription: "No charge"}
	if k.cost != "Free" {
		fee := k.fee * (0.8 + 0.4*r.Float64())
		fee = math.Round(fee*2) / 2
		cost.Option, cost.Amount, cost.AmountDescription = "Per session", &fee, "per session"
		if k.cost == "Subsidised" {
			cost.Option, cost.AmountDescription = "Subsidised", "per session; free with a short breaks or disability benefit letter"
		}
	}
	s.Fees = cost.Option
	s.CostOptions = []offer.CostOption{cost}
	contact := offer.Contact{ID: r.id(), Name: contactNames[k.group], Title: "First point of contact",
		Phones: []offer.Phone{{ID: r.id(), Number: fmt.Sprintf("01632 960%03d", r.IntN(1000)), Description: "Monday to Friday, 9am to 5pm"}}}
	s.Contacts = []offer.Contact{contact}
	attr := func(linkType string, t *offer.TaxonomyTerm) {
		for _, x := range s.Attributes {
			if x.TaxonomyTermID == t.ID {
				return
			}
		}
		s.Attributes = append(s.Attributes, offer.Attribute{ID: r.id(), TaxonomyTermID: t.ID, LinkType: linkType, TaxonomyTerm: t})
	}
	for _, c := range k.categories {
		attr("service_category", o.term("categories", c))
	}
	for _, nd := range k.needs {
		attr("send_need", o.term("needs", nd))
	}
	attr("cost", o.term("cost", k.cost))
	delivery := "In person"
	if k.venue == "online" {
		delivery = pick(r, []string{"Online", "By phone"})
	}
	attr("delivery", o.term("delivery", delivery))
	if k.collection != "" {
		attr("collection", o.term("collections", k.collection))
	}
	for i, f := range loc.Accessibility {
		if i < 3 {
			attr("accessibility", o.term("accessibility", f.Description))
		}
	}
	a.offerServices = append(a.offerServices, s)
	return offer.LoadService(a.g.l, s)
}

var dayNames = map[string]string{"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday", "SA": "Saturday", "SU": "Sunday"}

// scheduleWords says a schedule in plain English.
func scheduleWords(k serviceKind) string {
	if k.days == "MO,TU,WE,TH,FR" {
		return "Monday to Friday, " + k.opens + " to " + k.closes + "."
	}
	var ds []string
	for d := range strings.SplitSeq(k.days, ",") {
		ds = append(ds, dayNames[d]+"s")
	}
	return strings.Join(ds, " and ") + ", " + k.opens + " to " + k.closes + "."
}

func attending(k serviceKind) string {
	if k.venue == "online" {
		return "online or by phone"
	}
	return "in person"
}

var contactNames = map[string]string{"education": "SEND information team", "health": "Clinic reception",
	"social care": "Duty team", "short breaks": "Short breaks team", "activities": "Club organiser",
	"support groups": "Group coordinator", "while you wait": "Support while you wait team"}

var phaseWords = map[string]string{"nursery": "nursery or pre-school", "primary": "primary school", "all_through": "school for ages 4 to 18",
	"secondary": "secondary school", "special": "special school", "alternative": "alternative provision school", "post16": "college"}

var clubKinds = []string{"Inclusive Swimming Club", "Community Sports Trust", "Youth Theatre", "Therapeutic Riding Group",
	"Inclusive Football Club", "Scout and Guide Group", "Forest School", "Climbing Club", "Arts Collective", "Cycling Club"}

// demoTaxonomies are the directory's taxonomies, with the same ids for a seed
// in every area, so every area's services can use them.
type demoTaxonomies struct {
	all    []offer.Taxonomy
	byName map[string]*offer.TaxonomyTerm // "taxonomy key/term name"
}

// offerTaxonomies builds the taxonomies from the lists in
// ../shared/standards/oruk/taxonomies: the DfE Family Hubs service
// categories (MIT, Crown copyright), Outpost's SEND needs and accessibility
// lists (Apache-2.0, extended with three needs families ask about), and three
// small lists of ours: cost, delivery and collections.
func offerTaxonomies(seed int64) *demoTaxonomies {
	r := newRNG(seed, "local offer taxonomies")
	out := &demoTaxonomies{byName: map[string]*offer.TaxonomyTerm{}}
	add := func(key, name, desc string, parents []string, children map[string][]string) {
		t := offer.Taxonomy{ID: r.id(), Name: name, Description: desc, Version: "1"}
		term := func(n, parent string) offer.TaxonomyTerm {
			return offer.TaxonomyTerm{ID: r.id(), Name: n, Description: n + " (" + strings.ToLower(name) + ")", ParentID: parent,
				Code: slugify(n), TaxonomyID: t.ID, Taxonomy: name}
		}
		for _, p := range parents {
			pt := term(p, "")
			t.TaxonomyTerms = append(t.TaxonomyTerms, pt)
			for _, c := range children[p] {
				t.TaxonomyTerms = append(t.TaxonomyTerms, term(c, pt.ID))
			}
		}
		out.all = append(out.all, t)
		last := &out.all[len(out.all)-1]
		for i := range last.TaxonomyTerms {
			out.byName[key+"/"+last.TaxonomyTerms[i].Name] = &last.TaxonomyTerms[i]
		}
	}
	add("categories", "Service categories", "What a service does: the Department for Education's Family Hubs service categories.",
		categoryParents, serviceCategories)
	add("needs", "SEND needs", "The special educational needs and disabilities a service is designed for.", sendNeeds, nil)
	add("accessibility", "Accessibility", "How a place can be reached and used.", accessibilities, nil)
	add("cost", "Cost", "Whether a service costs money.", []string{"Free", "Paid", "Subsidised"}, nil)
	add("delivery", "Delivery", "How a service is delivered.", []string{"In person", "Online", "By phone"}, nil)
	add("collections", "Collections", "Services gathered for families in a particular situation.", collections, nil)
	return out
}

var (
	categoryParents   = []string{"Activities, clubs and groups", "Family support", "Health", "Pregnancy, birth and early years", "Special educational needs and disabilities (SEND)", "Transport"}
	serviceCategories = map[string][]string{
		"Activities, clubs and groups": {"Activities", "Before and after school clubs", "Holiday clubs and schemes", "Music, arts and dance",
			"Parent, baby and toddler groups", "Pre-school playgroup", "Sports and recreation"},
		"Family support": {"Bullying and cyber bullying", "Debt and welfare advice", "Domestic abuse", "Intensive targeted family support",
			"Money, benefits and housing", "Parenting support", "Reducing parental conflict", "Separating and separated parent support",
			"Stopping smoking", "Substance misuse (including alcohol and drug)", "Targeted youth support", "Youth justice services"},
		"Health": {"Hearing and sight", "Mental health, social and emotional support", "Nutrition and weight management", "Oral health",
			"Public health services"},
		"Pregnancy, birth and early years": {"Birth registration", "Early years language and learning", "Health visiting",
			"Infant feeding support (including breastfeeding)", "Midwife and maternity", "Perinatal mental health support (pregnancy to one year post birth)"},
		"Special educational needs and disabilities (SEND)": {"Autistic Spectrum Disorder (ASD)", "Breaks and respite", "Early years support",
			"Groups for parents and carers of children with SEND", "Hearing impairment", "Learning difficulties and disabilities",
			"Multi-sensory impairment", "Other difficulties or disabilities", "Physical disabilities", "Social, emotional and mental health support",
			"Speech, language and communication needs", "Visual impairment"},
		"Transport": {"Community transport"},
	}
	sendNeeds       = []string{"Autism", "Hearing impairment", "Visual impairment", "Mobility", "Cognitive", "ADHD", "Speech, language and communication", "Social, emotional and mental health"}
	accessibilities = []string{"Accessible toilet facilities", "Hearing loop", "Car parking", "Changing facilities", "British sign language (bsl)",
		"Disabled car parking space", "Hoist", "Baby changing facilities", "Parking nearby", "Bus stop nearby", "Building has lift",
		"Wheelchair accessible entrance", "Partial wheelchair access"}
	collections = []string{"Support while you wait: autism and ADHD", "Support while you wait: therapies", "Short breaks"}
)

// serviceKinds are what the directory's services are, by group. Weights give
// a county of 800 services about 120 schools' entries (above), 110 health,
// 60 social care, 110 short breaks, 200 activities, 120 support groups, 60
// support while you wait and 20 more for education.
var serviceKinds = []serviceKind{
	// Education
	{group: "education", weight: 4, name: "SEND Information, Advice and Support Service (SENDIASS)", provider: "council", venue: "online",
		desc:       "Free, impartial and confidential advice for parents, carers and young people about special educational needs: EHC needs assessments, plans, school choices and appeals.",
		categories: []string{"Learning difficulties and disabilities", "Parenting support"}, ages: [2]int{0, 25}, cost: "Free", days: "MO,TU,WE,TH,FR", opens: "09:00", closes: "17:00"},
	{group: "education", weight: 6, name: "Specialist teaching advice for schools and families in %[1]s", provider: "council", venue: "hub",
		desc:       "Specialist teachers who advise schools and families on learning difficulties, autism and communication, and help plan support in class.",
		categories: []string{"Learning difficulties and disabilities", "Autistic Spectrum Disorder (ASD)"}, needs: []string{"Cognitive", "Autism"}, ages: [2]int{4, 16}, cost: "Free", days: "TU", opens: "09:30", closes: "12:00"},
	{group: "education", weight: 4, name: "Portage home visiting in %[1]s", provider: "council", venue: "hub",
		desc:       "A home-visiting educational service for pre-school children with additional needs and their families: play-based learning, one small step at a time.",
		categories: []string{"Early years support", "Early years language and learning"}, needs: []string{"Cognitive"}, ages: [2]int{0, 5}, cost: "Free", days: "MO,WE", opens: "09:00", closes: "15:00"},
	{group: "education", weight: 3, name: "Sensory support for deaf and visually impaired pupils (%[1]s)", provider: "council", venue: "hub",
		desc:       "Qualified teachers of the deaf and of children with vision impairment who visit homes, nurseries and schools.",
		categories: []string{"Hearing impairment", "Visual impairment", "Multi-sensory impairment"}, needs: []string{"Hearing impairment", "Visual impairment"}, ages: [2]int{0, 19}, cost: "Free", days: "TH", opens: "09:00", closes: "16:00"},
	{group: "education", weight: 3, name: "Independent travel training", provider: "council", venue: "online",
		desc:       "Helps young people with SEND learn to travel safely on their own to school, college or work.",
		categories: []string{"Community transport", "Learning difficulties and disabilities"}, needs: []string{"Cognitive", "Autism"}, ages: [2]int{14, 25}, cost: "Free", days: "MO,TU,WE,TH,FR", opens: "09:00", closes: "16:30"},
	// Health
	{group: "health", weight: 18, name: "Speech and language therapy drop-in, %[2]s", provider: "trust:salt", venue: "clinic",
		desc:       "Drop in with your child to talk to a speech and language therapist about talking, understanding, stammering or eating and drinking. No referral needed.",
		categories: []string{"Speech, language and communication needs", "Early years language and learning"}, needs: []string{"Speech, language and communication"}, ages: [2]int{0, 18}, cost: "Free", days: "WE", opens: "13:30", closes: "16:00"},
	{group: "health", weight: 12, name: "Children's occupational therapy advice clinic, %[2]s", provider: "trust:ot", venue: "clinic",
		desc:       "Advice on everyday skills, handwriting, dressing, sensory processing and equipment at home and school.",
		categories: []string{"Physical disabilities", "Other difficulties or disabilities"}, needs: []string{"Mobility", "Autism"}, ages: [2]int{0, 19}, cost: "Free", days: "TH", opens: "09:30", closes: "12:30"},
	{group: "health", weight: 10, name: "Children's physiotherapy clinic, %[2]s", provider: "trust:physio", venue: "clinic",
		desc:       "Assessment and treatment for children with difficulties with movement, balance and posture.",
		categories: []string{"Physical disabilities"}, needs: []string{"Mobility"}, ages: [2]int{0, 19}, cost: "Free", days: "TU,FR", opens: "09:00", closes: "16:30"},
	{group: "health", weight: 12, name: "CAMHS wellbeing clinic, %[2]s", provider: "trust:camhs", venue: "clinic",
		desc:       "Help for children and young people struggling with anxiety, low mood or their emotions, and advice for parents.",
		categories: []string{"Mental health, social and emotional support", "Social, emotional and mental health support"}, needs: []string{"Social, emotional and mental health"}, ages: [2]int{5, 18}, cost: "Free", days: "MO,WE", opens: "10:00", closes: "18:00"},
	{group: "health", weight: 10, name: "Health visitor child health clinic, %[2]s", provider: "trust:health_visiting", venue: "hub",
		desc:       "Weigh your baby and talk to a health visitor about feeding, sleep, development and any worries.",
		categories: []string{"Health visiting", "Infant feeding support (including breastfeeding)"}, ages: [2]int{0, 5}, cost: "Free", days: "TH", opens: "09:30", closes: "11:30"},
	{group: "health", weight: 8, name: "School nurse drop-in, %[2]s", provider: "trust:school_nursing", venue: "hub",
		desc:       "Confidential advice on health, continence, sleep and emotional wellbeing for school-age children and their parents.",
		categories: []string{"Public health services", "Mental health, social and emotional support"}, ages: [2]int{5, 19}, cost: "Free", days: "WE", opens: "15:30", closes: "17:30"},
	{group: "health", weight: 6, name: "Community paediatric clinic, %[2]s", provider: "trust:paediatrics", venue: "clinic",
		desc:       "Appointments with a community paediatrician for children with developmental difficulties, disabilities or complex health needs. By referral from a GP, health visitor or school.",
		categories: []string{"Other difficulties or disabilities", "Learning difficulties and disabilities"}, needs: []string{"Cognitive", "Mobility"}, ages: [2]int{0, 18}, cost: "Free", days: "MO,TU,WE,TH,FR", opens: "09:00", closes: "17:00"},
	{group: "health", weight: 6, name: "Children's hearing and vision checks, %[2]s", provider: "trust:paediatrics", venue: "clinic",
		desc:       "Hearing tests and eye checks for babies and children, with advice on glasses, hearing aids and next steps.",
		categories: []string{"Hearing and sight", "Hearing impairment", "Visual impairment"}, needs: []string{"Hearing impairment", "Visual impairment"}, ages: [2]int{0, 16}, cost: "Free", days: "FR", opens: "09:00", closes: "12:30"},
	{group: "health", weight: 4, name: "Children's continence advice line", provider: "trust:school_nursing", venue: "online",
		desc:       "Advice on toilet training, bedwetting and continence products for children with additional needs.",
		categories: []string{"Public health services", "Other difficulties or disabilities"}, ages: [2]int{2, 19}, cost: "Free", days: "MO,TU,WE,TH,FR", opens: "09:00", closes: "16:00"},
	{group: "health", weight: 4, name: "Children's dietitian group for fussy eating, %[2]s", provider: "trust:health_visiting", venue: "hub",
		desc:       "A small group for parents of children with very restricted eating, including autistic children, led by a dietitian.",
		categories: []string{"Nutrition and weight management"}, needs: []string{"Autism"}, ages: [2]int{2, 11}, cost: "Free", days: "TU", opens: "10:00", closes: "11:30"},
	// Social care
	{group: "social care", weight: 6, name: "Children with Disabilities Team: assessment and support", provider: "council", venue: "online",
		desc:       "Social workers who assess the needs of disabled children and their families and arrange support, including short breaks and direct payments.",
		categories: []string{"Breaks and respite", "Intensive targeted family support"}, needs: []string{"Cognitive", "Mobility", "Autism"}, ages: [2]int{0, 18}, cost: "Free", days: "MO,TU,WE,TH,FR", opens: "09:00", closes: "17:00"},
	{group: "social care", weight: 10, name: "Early help family support in %[1]s", provider: "council", venue: "hub",
		desc:       "Family support workers who help with routines, behaviour, school attendance and getting the right help early.",
		categories: []string{"Parenting support", "Intensive targeted family support"}, ages: [2]int{0, 18}, cost: "Free", days: "MO,TU,WE,TH,FR", opens: "09:00", closes: "17:00"},
	{group: "social care", weight: 6, name: "Young carers group, %[1]s", provider: "voluntary", venue: "community",
		desc:       "A break, a chat and activities for children and young people who help look after a brother, sister or parent.",
		categories: []string{"Targeted youth support", "Activities"}, ages: [2]int{8, 18}, cost: "Free", days: "TH", opens: "17:00", closes: "19:00"},
	{group: "social care", weight: 4, name: "Direct payments advice", provider: "council", venue: "online",
		desc:       "How to use a direct payment to arrange your child's short breaks or personal care yourself, and help with employing a personal assistant.",
		categories: []string{"Money, benefits and housing", "Breaks and respite"}, ages: [2]int{0, 25}, cost: "Free", days: "MO,TU,WE,TH,FR", opens: "09:30", closes: "16:00"},
	{group: "social care", weight: 6, name: "Preparing for adulthood advice, %[1]s", provider: "council", venue: "hub",
		desc:       "Advice for young people from 14 and their families on moving to adult services, housing, work and independent living.",
		categories: []string{"Targeted youth support", "Learning difficulties and disabilities"}, needs: []string{"Cognitive"}, ages: [2]int{14, 25}, cost: "Free", days: "WE", opens: "10:00", closes: "15:00"},
	{group: "social care", weight: 4, name: "Benefits and money advice for families of disabled children", provider: "voluntary", venue: "online",
		desc:       "Help to claim Disability Living Allowance, Carer's Allowance and other support, and with forms and appeals.",
		categories: []string{"Debt and welfare advice", "Money, benefits and housing"}, ages: [2]int{0, 25}, cost: "Free", days: "TU,TH", opens: "10:00", closes: "14:00"},
	// Short breaks
	{group: "short breaks", weight: 14, name: "Saturday club for disabled children at %[2]s", provider: "voluntary", venue: "community",
		desc:       "Games, crafts, music and outings with trained staff, so children have fun with friends and families get a break.",
		categories: []string{"Breaks and respite", "Activities"}, needs: []string{"Autism", "Cognitive", "Mobility"}, ages: [2]int{5, 18}, cost: "Subsidised", fee: 8, days: "SA", opens: "10:00", closes: "15:00", collection: "Short breaks"},
	{group: "short breaks", weight: 12, name: "Holiday play scheme, %[2]s", provider: "council", venue: "leisure",
		desc:       "Inclusive play days in the school holidays with one-to-one support where needed.",
		categories: []string{"Holiday clubs and schemes", "Breaks and respite"}, needs: []string{"Autism", "ADHD", "Cognitive"}, ages: [2]int{5, 17}, cost: "Subsidised", fee: 15, days: "MO,TU,WE,TH,FR", opens: "09:30", closes: "15:30", collection: "Short breaks"},
	{group: "short breaks", weight: 8, name: "Overnight short breaks at %[2]s", provider: "council", venue: "house",
		desc:       "Planned overnight stays in a homely short breaks house for children with complex disabilities, by assessment from the Children with Disabilities Team.",
		categories: []string{"Breaks and respite"}, needs: []string{"Cognitive", "Mobility"}, ages: [2]int{8, 18}, cost: "Free", days: "FR,SA", opens: "16:00", closes: "23:59", collection: "Short breaks"},
	{group: "short breaks", weight: 8, name: "Inclusive youth club, %[2]s", provider: "voluntary", venue: "community",
		desc:       "A youth club evening for young people with and without disabilities: games, cooking, music and trips.",
		categories: []string{"Breaks and respite", "Targeted youth support"}, needs: []string{"Autism", "ADHD", "Cognitive"}, ages: [2]int{11, 19}, cost: "Subsidised", fee: 3, days: "TU", opens: "18:00", closes: "20:30", collection: "Short breaks"},
	{group: "short breaks", weight: 6, name: "Home sitting service in %[1]s", provider: "voluntary", venue: "hub",
		desc:       "Trained sitters who care for your disabled child at home for a few hours so you can go out or rest.",
		categories: []string{"Breaks and respite"}, needs: []string{"Cognitive", "Mobility"}, ages: [2]int{0, 18}, cost: "Subsidised", fee: 10, days: "MO,TU,WE,TH,FR,SA", opens: "09:00", closes: "21:00", collection: "Short breaks"},
	// Activities
	{group: "activities", weight: 14, name: "Relaxed swimming, %[2]s", provider: "club", venue: "leisure",
		desc:       "Quiet, calm swimming sessions with fewer people, dimmed lights and no music; changing places toilet and hoist available.",
		categories: []string{"Sports and recreation"}, needs: []string{"Autism", "Mobility"}, ages: [2]int{0, 25}, cost: "Paid", fee: 3.5, days: "SU", opens: "08:00", closes: "09:00"},
	{group: "activities", weight: 10, name: "Inclusive football, %[2]s", provider: "club", venue: "leisure",
		desc:       "Friendly football training for children and young people of all abilities, with coaches trained in disability sport.",
		categories: []string{"Sports and recreation"}, needs: []string{"Autism", "ADHD", "Cognitive"}, ages: [2]int{6, 18}, cost: "Paid", fee: 4, days: "SA", opens: "10:00", closes: "11:30"},
	{group: "activities", weight: 8, name: "Trampolining for all, %[2]s", provider: "club", venue: "leisure",
		desc:       "Trampolining sessions with qualified coaches, including rebound therapy for children with physical disabilities.",
		categories: []string{"Sports and recreation"}, needs: []string{"Mobility", "Autism"}, ages: [2]int{4, 18}, cost: "Paid", fee: 5, days: "WE", opens: "16:30", closes: "18:00"},
	{group: "activities", weight: 8, name: "Drama and music group, %[2]s", provider: "club", venue: "community",
		desc:       "Singing, acting and making music together, building confidence and friendships. Everyone takes part in the end-of-term show.",
		categories: []string{"Music, arts and dance"}, needs: []string{"Autism", "Cognitive"}, ages: [2]int{8, 25}, cost: "Paid", fee: 5, days: "TH", opens: "17:30", closes: "19:00"},
	{group: "activities", weight: 8, name: "Sensory play session, %[2]s", provider: "voluntary", venue: "hub",
		desc:       "Messy play, lights and sounds in a calm space for babies and young children with additional needs and their parents.",
		categories: []string{"Parent, baby and toddler groups", "Early years support"}, needs: []string{"Autism", "Visual impairment", "Hearing impairment"}, ages: [2]int{0, 5}, cost: "Free", days: "FR", opens: "10:00", closes: "11:30"},
	{group: "activities", weight: 8, name: "Forest school adventures, %[2]s", provider: "club", venue: "outdoor",
		desc:       "Den building, fire lighting and nature play outdoors in small groups, with a high staff ratio.",
		categories: []string{"Activities", "Holiday clubs and schemes"}, needs: []string{"ADHD", "Autism"}, ages: [2]int{5, 14}, cost: "Paid", fee: 12, days: "SA", opens: "09:30", closes: "12:30"},
	{group: "activities", weight: 6, name: "Therapeutic horse riding, %[2]s", provider: "club", venue: "outdoor",
		desc:       "Riding and pony care for disabled children, led by volunteers and a qualified instructor.",
		categories: []string{"Sports and recreation"}, needs: []string{"Mobility", "Cognitive"}, ages: [2]int{5, 18}, cost: "Subsidised", fee: 10, days: "SU", opens: "10:00", closes: "12:00"},
	{group: "activities", weight: 6, name: "Climbing club, %[2]s", provider: "club", venue: "leisure",
		desc:       "Supported climbing on an indoor wall with auto-belays and patient instructors.",
		categories: []string{"Sports and recreation"}, needs: []string{"ADHD", "Autism"}, ages: [2]int{7, 18}, cost: "Paid", fee: 8, days: "TU", opens: "17:00", closes: "18:30"},
	{group: "activities", weight: 6, name: "Inclusive dance, %[2]s", provider: "club", venue: "community",
		desc:       "Dance for young people of all abilities, including wheelchair users.",
		categories: []string{"Music, arts and dance"}, needs: []string{"Mobility", "Cognitive"}, ages: [2]int{6, 25}, cost: "Paid", fee: 4, days: "MO", opens: "17:00", closes: "18:00"},
	{group: "activities", weight: 6, name: "After-school club with SEND support, %[2]s", provider: "club", venue: "community",
		desc:       "An after-school club with trained staff and a quiet room, so children with SEND can join in.",
		categories: []string{"Before and after school clubs"}, needs: []string{"Autism", "ADHD"}, ages: [2]int{4, 11}, cost: "Paid", fee: 11, days: "MO,TU,WE,TH,FR", opens: "15:15", closes: "18:00"},
	{group: "activities", weight: 6, name: "Adapted cycling, %[2]s", provider: "club", venue: "outdoor",
		desc:       "Adapted bikes, trikes and tandems for children and young people who cannot ride a standard bike.",
		categories: []string{"Sports and recreation"}, needs: []string{"Mobility", "Visual impairment"}, ages: [2]int{4, 25}, cost: "Paid", fee: 4, days: "SU", opens: "10:00", closes: "13:00"},
	// Support groups
	{group: "support groups", weight: 12, name: "Autism parent support group, %[1]s", provider: "voluntary", venue: "community",
		desc:       "A friendly group for parents and carers of autistic children, with or without a diagnosis: share what works, hear from guest speakers.",
		categories: []string{"Groups for parents and carers of children with SEND", "Autistic Spectrum Disorder (ASD)"}, needs: []string{"Autism"}, ages: [2]int{0, 25}, cost: "Free", days: "WE", opens: "10:00", closes: "12:00"},
	{group: "support groups", weight: 10, name: "ADHD parent coffee morning, %[1]s", provider: "voluntary", venue: "community",
		desc:       "Coffee, cake and understanding for parents and carers of children with ADHD or waiting for an assessment.",
		categories: []string{"Groups for parents and carers of children with SEND", "Parenting support"}, needs: []string{"ADHD"}, ages: [2]int{0, 25}, cost: "Free", days: "FR", opens: "09:30", closes: "11:30"},
	{group: "support groups", weight: 6, name: "Dads' SEND group, %[1]s", provider: "voluntary", venue: "community",
		desc:       "An evening for dads and male carers of children with SEND: a chat, a bite to eat and support from others who understand.",
		categories: []string{"Groups for parents and carers of children with SEND"}, ages: [2]int{0, 25}, cost: "Free", days: "TH", opens: "19:00", closes: "21:00"},
	{group: "support groups", weight: 6, name: "Siblings group, %[1]s", provider: "voluntary", venue: "hub",
		desc:       "Fun, games and time to talk for brothers and sisters of disabled children.",
		categories: []string{"Targeted youth support", "Activities"}, ages: [2]int{6, 16}, cost: "Free", days: "TU", opens: "16:30", closes: "18:00"},
	{group: "support groups", weight: 6, name: "Parent carer forum drop-in, %[1]s", provider: "forum", venue: "hub",
		desc:       "Meet the parent carer forum: tell us what works and what doesn't, get information about the Local Offer and meet other families.",
		categories: []string{"Groups for parents and carers of children with SEND"}, ages: [2]int{0, 25}, cost: "Free", days: "MO", opens: "10:00", closes: "12:00"},
	{group: "support groups", weight: 4, name: "Online evening group for parent carers", provider: "forum", venue: "online",
		desc:       "A video-call group in the evening for parents and carers who cannot get to daytime groups.",
		categories: []string{"Groups for parents and carers of children with SEND"}, ages: [2]int{0, 25}, cost: "Free", days: "WE", opens: "20:00", closes: "21:00"},
	{group: "support groups", weight: 4, name: "Deaf children's family group, %[1]s", provider: "voluntary", venue: "community",
		desc:       "A family group with signing, play and advice for deaf children and their families.",
		categories: []string{"Hearing impairment", "Groups for parents and carers of children with SEND"}, needs: []string{"Hearing impairment"}, ages: [2]int{0, 18}, cost: "Free", days: "SA", opens: "10:00", closes: "12:00"},
	// Support while you wait
	{group: "while you wait", weight: 10, name: "Understanding your child's behaviour: a course for parents waiting for an autism or ADHD assessment, %[1]s", provider: "trust:neurodevelopmental", venue: "hub",
		desc:       "A six-week course for parents while their child waits for an autism or ADHD assessment: communication, sensory needs, routines and calm. No diagnosis needed.",
		categories: []string{"Autistic Spectrum Disorder (ASD)", "Parenting support"}, needs: []string{"Autism", "ADHD"}, ages: [2]int{2, 18}, cost: "Free", days: "TU", opens: "10:00", closes: "12:00", collection: "Support while you wait: autism and ADHD"},
	{group: "while you wait", weight: 6, name: "Sleep advice clinic for children with additional needs, %[2]s", provider: "trust:school_nursing", venue: "hub",
		desc:       "Practical help with bedtime routines and sleep problems, for families with or without a diagnosis.",
		categories: []string{"Mental health, social and emotional support", "Parenting support"}, needs: []string{"Autism", "ADHD"}, ages: [2]int{2, 18}, cost: "Free", days: "TH", opens: "13:00", closes: "16:00", collection: "Support while you wait: autism and ADHD"},
	{group: "while you wait", weight: 6, name: "Neurodevelopmental advice line", provider: "trust:neurodevelopmental", venue: "online",
		desc:       "Call a practitioner from the autism and ADHD service with questions while your child is on the waiting list.",
		categories: []string{"Autistic Spectrum Disorder (ASD)", "Social, emotional and mental health support"}, needs: []string{"Autism", "ADHD"}, ages: [2]int{0, 18}, cost: "Free", days: "MO,TU,WE,TH,FR", opens: "09:00", closes: "16:00", collection: "Support while you wait: autism and ADHD"},
	{group: "while you wait", weight: 5, name: "Sensory strategies workshop, %[2]s", provider: "trust:ot", venue: "hub",
		desc:       "An occupational therapist explains sensory differences and simple changes at home and school, while you wait for therapy.",
		categories: []string{"Other difficulties or disabilities"}, needs: []string{"Autism"}, ages: [2]int{2, 16}, cost: "Free", days: "WE", opens: "18:00", closes: "20:00", collection: "Support while you wait: therapies"},
	{group: "while you wait", weight: 5, name: "Talking together: speech and language workshop for parents, %[2]s", provider: "trust:salt", venue: "hub",
		desc:       "Ideas to help your child's talking and understanding every day, while you wait for speech and language therapy.",
		categories: []string{"Speech, language and communication needs", "Early years language and learning"}, needs: []string{"Speech, language and communication"}, ages: [2]int{1, 11}, cost: "Free", days: "MO", opens: "13:30", closes: "15:00", collection: "Support while you wait: therapies"},
}
