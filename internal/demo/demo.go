// Package demo generates a synthetic Local Area Partnership: deterministic for
// a seed, invented throughout, and large enough to be honest about speed.
//
// # Design
//
// Generate opens one db.Load transaction and walks the areas of the chosen
// scale one at a time (tiny and county: Worcestershire only; national: 153
// English local authorities, Worcestershire first). For each area it builds an
// *area — the shared context every stage reads and extends — and runs the
// stages in order:
//
//	organisations  council and teams, ICB, NHS trusts and teams, settings, voluntary sector  (orgs.go)
//	staff          the personas, then coordinators, managers, EPs, clinicians, SENCOs…      (staff.go)
//	children       children and young people, their identifiers and settings, families      (children.go)
//	care teams     roles, and the people and teams linked to each child                     (careteams.go)
//	local offer    the services directory (ORUK), its venues and a synthetic postcode table  (offer.go)
//	waiting lists  health pathways, ~3,500 referrals with DNAs, transfers, Right to Choose   (waitlists.go)
//	ehc cases      every plan's history, and requests in progress for some on SEN support    (ehc.go)
//	local offer edits  schools' SENCOs as their services' providers; pending and returned edits (offer_edits.go)
//	local offer comments  families' comments on entries, most answered, some waiting (offer_comments.go)
//	early-years notifications  health bodies' s23 notifications about under-fives, and what the council did (earlyyears.go)
//
// A later capability (EHC requests, advice, Local Offer services, waiting
// lists) adds one file with a func(*area) error and one line at the end of
// stages. Each stage draws from its own random stream, seeded from (seed, area,
// stage name), so a new stage leaves the data of the others as it was.
// Identifiers that must be unique across areas (NHS number, UPN, ULN, URN,
// UKPRN) and the numbers that make family email addresses unique come from
// counters shared by the whole run (ids.go, gen.seq). A new stage that draws
// on those counters shifts the values later stages and later areas receive
// (still valid and unique, just different); one that needs none of them keeps
// every existing row byte-identical.
//
// An area is dropped when its stages finish, and the Loader writes every 20,000
// rows, so memory is bounded by the largest area (Kent), not by the country.
//
// Everything is invented except the public bodies' names (the council, the
// ICB) and the published statistics the sizes and shares come from
// (data/ees2025_plans_by_la.csv: DfE "Education, health and care plans",
// reporting year 2025, OGL v3.0). No row describes a real person.
package demo

import (
	"context"
	"errors"
	"fmt"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/offer"
	"joinedup/internal/people"
)

// Scales the generator knows.
const (
	Tiny     = "tiny"     // a few hundred children: for tests and a quick look
	County   = "county"   // one county partnership, the size of the one in the seeds
	National = "national" // about 150 areas: for performance work on PostgreSQL
)

// Options choose what to generate.
type Options struct {
	Scale string
	Seed  int64
	// Today anchors ages and dates; the same seed and Today give the same data.
	Today date.Date
	// Progress, when set, hears of each area as it is generated: a national
	// load takes minutes.
	Progress func(area string, done, of int)
}

// Summary counts what was generated.
type Summary struct {
	Areas         int
	Organisations int
	Staff         int
	ParentCarers  int
	Children      int
	EHCPlans      int
	SENSupport    int
	// YoungPeople counts young people (18+, with plans) who have their own person record.
	YoungPeople int
	// FamilyLinks counts the links between children and their parents and carers.
	FamilyLinks int
	// EHCCases and EHCEvents count the EHC cases and the events in their histories.
	EHCCases, EHCEvents int
}

// Rows is the number of rows Generate wrote.
func (s Summary) Rows() int {
	return s.Areas + s.Organisations + s.Staff + s.ParentCarers + s.YoungPeople + s.Children + s.FamilyLinks + s.EHCCases + s.EHCEvents
}

// Persona is a demo person a tester can be (sign-in arrives with access control).
type Persona struct {
	Role  string // what they do, e.g. "EHCP coordinator"
	Name  string
	Email string
}

// ErrNotEmpty is returned when the database already holds a partnership.
var ErrNotEmpty = errors.New("the database already holds a partnership; load the demo into an empty database")

// stages run in order for every area; each adds to the area what later ones need.
var stages = []struct {
	name string
	run  func(*area) error
}{
	{"organisations", organisations},
	{"staff", staff},
	{"children", children},
	{"care teams", careTeams},
	{"local offer", localOffer},
	{"waiting lists", waitingLists},
	{"ehc cases", ehcCases},
	{"ehc requests, letters and appeals", ehcFlow},
	{"ehc plan documents", ehcPlans},
	{"local offer edits", offerEdits},
	{"local offer comments", offerComments},
	{"early-years notifications", earlyYears},
}

// Generate loads a demo partnership into d in one transaction: all of it or none.
func Generate(ctx context.Context, d *db.DB, o Options) (Summary, error) {
	specs, err := areasFor(o.Scale)
	if err != nil {
		return Summary{}, err
	}
	if o.Today.IsZero() {
		return Summary{}, errors.New("demo: Options.Today is required: ages and dates are counted from it")
	}
	var sum Summary
	err = d.Load(ctx, func(l *db.Loader) error {
		var n int
		if err := l.Tx().QueryRowContext(ctx, "SELECT COUNT(*) FROM partnership").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrNotEmpty
		}
		g := newGen(ctx, l, o, specs)
		for i := range specs {
			if err := ctx.Err(); err != nil {
				return err
			}
			a := g.newArea(specs[i], i == 0)
			if err := people.LoadPartnership(l, people.Partnership{ID: a.rng("partnership").id(), Name: a.spec.partnership(), Area: a.spec.display}); err != nil {
				return err
			}
			g.sum.Areas++
			for _, s := range stages {
				if err := s.run(a); err != nil {
					return fmt.Errorf("demo %s, %s: %w", a.spec.display, s.name, err)
				}
			}
			if o.Progress != nil {
				o.Progress(a.spec.display, i+1, len(specs))
			}
		}
		sum = g.sum
		return nil
	})
	if err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// gen is what the whole run shares: the options, the loader, the counts and
// the allocators of identifiers that must be unique across areas.
type gen struct {
	ctx   context.Context
	l     *db.Loader
	opts  Options
	today date.Date
	sum   Summary
	ids   *allocators
	// supportNHSShare is the share of children on SEN support who get an NHS
	// number: 1 unless the 999 test range cannot cover everyone (national).
	supportNHSShare float64
	// seq numbers generated people, so their email addresses are unique.
	seq int
	// postcodes are those already in the postcodes table: invented postcode
	// areas of two local authorities can coincide.
	postcodes map[string]bool
}

func newGen(ctx context.Context, l *db.Loader, o Options, specs []areaSpec) *gen {
	g := &gen{ctx: ctx, l: l, opts: o, today: o.Today, ids: newAllocators(o.Seed), supportNHSShare: 1, postcodes: map[string]bool{}}
	// The 999 range holds ~909,000 valid NHS numbers. Children with plans
	// come first; SEN support shares what is left, in proportion, area by area.
	var plans, support int
	for _, s := range specs {
		plans += s.plans
		support += s.support
	}
	if plans+support > 800_000 { // well within the range below that; counting it costs a moment
		if c := g.ids.nhs.capacity(); plans+support > c && support > 0 {
			g.supportNHSShare = max(0, float64(c-plans)/float64(support))
		}
	}
	return g
}

// loadOrg, loadPerson, loadChild and loadLink queue a row and count it.
func (g *gen) loadOrg(o people.Organisation) error {
	g.sum.Organisations++
	return people.LoadOrganisation(g.l, o)
}

func (g *gen) loadPerson(p people.Person) error {
	switch p.Kind {
	case people.Staff:
		g.sum.Staff++
	case people.ParentCarer:
		g.sum.ParentCarers++
	case people.YoungPerson:
		g.sum.YoungPeople++
	}
	return people.LoadPerson(g.l, p)
}

func (g *gen) loadChild(c people.Child) error {
	g.sum.Children++
	switch c.SENProvision {
	case people.EHCPlan:
		g.sum.EHCPlans++
	case people.SENSupport:
		g.sum.SENSupport++
	}
	return people.LoadChild(g.l, c, g.today)
}

func (g *gen) loadLink(f people.FamilyLink) error {
	g.sum.FamilyLinks++
	return people.LoadFamilyLink(g.l, f)
}

// area is one local area partnership as the stages build it: its settings,
// organisations, staff and children. Later stages read what earlier ones added.
type area struct {
	g            *gen
	spec         areaSpec
	personas     bool   // the fixed demo personas live in this area
	domain       string // invented email domain of its staff, e.g. worcestershire.demo.joinedup.invalid
	familyDomain string // invented email domain of its families, e.g. families.worcestershire.demo.joinedup.invalid

	localities []*locality

	// organisations stage
	council, icb          *org
	casework              []*org // SEND casework teams, one per locality (same order as localities)
	eps, socialCare, dco  *org
	localOffer            *org
	trusts                []*org
	healthTeams           []*org // one per health service
	settings              []*org // schools, colleges and early-years settings
	voluntary             []*org
	byPhase               map[string][]*org // settings by phase, area-wide
	schoolsByLocality     map[string][]*org // key: phase + "/" + locality
	specialByDesignation  map[string][]*org
	namesUsed             map[string]bool
	brookfield, firstColl *org // persona settings (personas area only)

	// staff stage
	staff      []*staffMember
	emailsUsed map[string]bool

	// local offer stage
	offerServices []offer.Service // as loaded, for the edits stage

	// children stage
	children       []*child
	families       []*family
	supportNHSLeft int // children on SEN support still to get an NHS number
}

// org is an organisation the stages can refer to.
type org struct {
	id, kind, name, phase string
	service               string // health teams: which service, e.g. "salt"
	designation           string // special schools: the needs they are designated for
	locality              int
}

func (g *gen) newArea(s areaSpec, personas bool) *area {
	a := &area{g: g, spec: s, personas: personas,
		byPhase: map[string][]*org{}, schoolsByLocality: map[string][]*org{}, specialByDesignation: map[string][]*org{},
		namesUsed: map[string]bool{}, emailsUsed: map[string]bool{}}
	a.domain = s.slug + ".demo.joinedup.invalid"
	a.familyDomain = "families." + a.domain
	a.localities = localitiesOf(s)
	return a
}

// rng is the random stream of one stage in this area.
func (a *area) rng(stage string) *rng { return newRNG(a.g.opts.Seed, a.spec.code, stage) }

// Personas are the demo people printed when the demo is served. They exist in
// every scale, in Worcestershire, with these names and addresses whatever the seed.
func Personas() []Persona {
	out := make([]Persona, len(personas))
	for i, p := range personas {
		out[i] = Persona{Role: p.role, Name: p.given + " " + p.family, Email: p.email()}
	}
	return out
}
