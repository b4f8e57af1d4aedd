package demo

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// plansByLA is, for each of the 153 English local authorities, the number of
// EHC plans at January 2025 and their primary needs: DfE "Education, health
// and care plans", reporting year 2025, time period 202425, local-authority
// rows of caseload.csv and primary_need_all_plans.csv (copied from
// shared/standards/sen2/benchmarks/, Open Government Licence v3.0).
//
//go:embed data/ees2025_plans_by_la.csv
var plansByLA string

// needCodes are the SEN2 primary needs in the column order of plansByLA; ""
// is "need not recorded", which stays blank on the child.
var needCodes = []string{"ASD", "HI", "MLD", "MSI", "OTH", "PD", "PMLD", "SEMH", "SLCN", "SLD", "SPLD", "VI", ""}

// The partnership this product is built for.
const worcestershire = "E10000034"

// nationalPlans is the national total the national scale is scaled to: the
// published 638,745 plans of January 2025 grown by about 10% (one more year at
// the recent rate), so performance work runs at next year's size.
const nationalPlans = 700_000

// areaSpec says what to generate for one area.
type areaSpec struct {
	code     string // ONS code of the local authority, e.g. E10000034
	laNumber string // DfE LA number, e.g. 885
	name     string // as DfE publishes it, e.g. "Herefordshire, County of"
	display  string // as people say it, e.g. "Herefordshire"
	region   string
	slug     string // for email domains
	council  string
	icb      string

	plans   int   // children and young people with EHC plans
	needs   []int // plans by primary need, in needCodes order; sums to plans
	support int   // children and young people on SEN support
	mix     settingMix
	// sizing scales staff and teams: plans relative to Worcestershire's 6,970.
	sizing float64
}

func (s areaSpec) partnership() string { return s.display + " Local Area Partnership" }

// settingMix is how many settings of each phase an area has.
type settingMix struct {
	nursery, primary, allThrough, secondary, special, alternative, college int
}

func (m settingMix) total() int {
	return m.nursery + m.primary + m.allThrough + m.secondary + m.special + m.alternative + m.college
}

// countyMix is the county's ~120 settings. A real county the size of
// Worcestershire has ~240 schools and hundreds of early-years providers; this
// is the sample a demo needs, with every phase present in every locality.
var countyMix = settingMix{nursery: 15, primary: 69, allThrough: 1, secondary: 18, special: 10, alternative: 3, college: 4}

// tinyMix is tiny's ~20 settings.
var tinyMix = settingMix{nursery: 3, primary: 8, secondary: 3, special: 2, alternative: 1, college: 2}

// supportPerPlan is children on SEN support per child with a plan. Nationally
// the school census counts ~1.28 million pupils on SEN support against ~0.64
// million plans (0-25): about two to one.
const supportPerPlan = 2.0

// countySupport is Worcestershire's SEN support caseload (the brief's ~14,000,
// about twice its 6,970 plans).
const countySupport = 14_000

func areasFor(scale string) ([]areaSpec, error) {
	all, err := readPlansByLA()
	if err != nil {
		return nil, err
	}
	var w areaSpec
	for _, s := range all {
		if s.code == worcestershire {
			w = s
		}
	}
	switch scale {
	case Tiny:
		w.needs = allocate(100, floats(w.needs))
		w.plans, w.support, w.mix, w.sizing = 100, 200, tinyMix, 100.0/6970
		return []areaSpec{w}, nil
	case County:
		w.support, w.mix, w.sizing = countySupport, countyMix, 1
		return []areaSpec{w}, nil
	case National:
		published := 0
		for _, s := range all {
			published += s.plans
		}
		out := []areaSpec{} // Worcestershire first: the partnership a single-partnership screen shows
		for _, first := range []bool{true, false} {
			for _, s := range all {
				if (s.code == worcestershire) != first {
					continue
				}
				s.plans = int(math.Round(float64(s.plans) * nationalPlans / float64(published)))
				s.needs = allocate(s.plans, floats(s.needs))
				s.support = int(math.Round(float64(s.plans) * supportPerPlan))
				s.sizing = float64(s.plans) / 6970
				s.mix = scaledMix(s.sizing)
				out = append(out, s)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("demo: unknown scale %q: choose %s, %s or %s", scale, Tiny, County, National)
}

// scaledMix is the county's mix scaled to an area's size, with at least one
// setting of each phase a child needs.
func scaledMix(f float64) settingMix {
	n := func(c, least int) int { return max(least, int(math.Round(float64(c)*f))) }
	return settingMix{nursery: n(countyMix.nursery, 1), primary: n(countyMix.primary, 3), allThrough: n(countyMix.allThrough, 0),
		secondary: n(countyMix.secondary, 1), special: n(countyMix.special, 1), alternative: n(countyMix.alternative, 1),
		college: n(countyMix.college, 1)}
}

func readPlansByLA() ([]areaSpec, error) {
	rows, err := csv.NewReader(strings.NewReader(plansByLA)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("demo: reading the embedded plans by local authority: %w", err)
	}
	var out []areaSpec
	slugs := map[string]bool{}
	for _, r := range rows[1:] {
		s := areaSpec{code: r[0], laNumber: r[1], name: r[2], region: r[3]}
		if s.plans, err = strconv.Atoi(r[4]); err != nil {
			return nil, fmt.Errorf("demo: plans for %s: %w", s.name, err)
		}
		sum := 0
		for _, v := range r[5:] {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("demo: needs for %s: %w", s.name, err)
			}
			s.needs = append(s.needs, n)
			sum += n
		}
		if len(s.needs) != len(needCodes) || sum != s.plans {
			return nil, fmt.Errorf("demo: needs for %s do not add up to its plans", s.name)
		}
		s.display = strings.TrimSuffix(strings.TrimSuffix(s.name, ", City of"), ", County of")
		s.slug = slugify(s.display)
		if slugs[s.slug] {
			return nil, fmt.Errorf("demo: two areas would share the email domain %s", s.slug)
		}
		slugs[s.slug] = true
		s.council, s.icb = s.display+" Council", "NHS "+s.display+" Integrated Care Board"
		if s.code == worcestershire {
			// The real public bodies of the partnership this product is built for.
			s.council, s.icb = "Worcestershire County Council", "NHS Herefordshire and Worcestershire"
		}
		out = append(out, s)
	}
	return out, nil
}

func floats(xs []int) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// slugify keeps lower-case letters and digits, joining words with hyphens.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == '\'' || r == '’':
		default:
			dash = true
		}
	}
	return b.String()
}

// locality is a part of an area with its own SEND casework team, settings and postcodes.
type locality struct {
	name      string  // e.g. "North Worcestershire"
	short     string  // e.g. "North"
	weight    float64 // share of the area's families
	districts []string
}

// localitiesOf gives Worcestershire its three localities, in the real postcode
// districts of their towns (the full postcodes generated in them are invented:
// some may exist, none is tied to a real address), and any other area up to
// four localities in an invented postcode area.
func localitiesOf(s areaSpec) []*locality {
	if s.code == worcestershire {
		return []*locality{
			{"North Worcestershire", "North", 0.33, []string{"B60", "B61", "B97", "B98"}},
			{"South Worcestershire", "South", 0.47, []string{"WR1", "WR2", "WR3", "WR4", "WR5", "WR9", "WR10", "WR11", "WR14"}},
			{"Wyre Forest", "Wyre Forest", 0.20, []string{"DY10", "DY11", "DY12", "DY13"}},
		}
	}
	names := [][]string{{"Central"}, {"North", "South"}, {"North", "Central", "South"}, {"North", "East", "South", "West"}}
	n := min(4, max(1, int(math.Round(float64(s.plans)/2500))))
	pa := postcodeArea(s.display)
	var out []*locality
	for i, dir := range names[n-1] {
		l := &locality{name: dir + " " + s.display, short: dir, weight: 1 / float64(n)}
		for d := 1; d <= 4; d++ {
			l.districts = append(l.districts, pa+strconv.Itoa(i*4+d))
		}
		out = append(out, l)
	}
	return out
}

// postcodeArea invents a two-letter postcode area from a place name: its
// first letter and the next consonant.
func postcodeArea(name string) string {
	up := strings.ToUpper(name)
	out := up[:1]
	for _, r := range up[1:] {
		if r >= 'A' && r <= 'Z' && !strings.ContainsRune("AEIOU", r) {
			return out + string(r)
		}
	}
	return out + "X"
}

// inwardLetters are the letters a postcode's last two characters may use.
const inwardLetters = "ABDEFGHJLNPQRSTUWXYZ"

func (l *locality) postcode(r *rng) string {
	return fmt.Sprintf("%s %d%c%c", pick(r, l.districts), r.IntN(10), inwardLetters[r.IntN(len(inwardLetters))],
		inwardLetters[r.IntN(len(inwardLetters))])
}
