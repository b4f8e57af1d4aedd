package demo

import (
	"fmt"
	"strconv"

	"joinedup/internal/ident"
)

// allocators hand out identifiers that are valid (right length, right check
// character), unique across the whole run, and chosen so no real child,
// learner or school can hold them:
//
//   - NHS numbers in 999 000 000x–999 999 999x, the range NHS England keeps for
//     testing, never issued to a patient. Only ~909,000 of its numbers have a
//     valid check digit; see gen.supportNHSShare for who gets one at national scale.
//   - UPNs with LA number 000, which is not a local authority's number, so no
//     real pupil's UPN starts with it; then a 4-digit "establishment" and 3-digit
//     serial, and the 2-digit year the UPN was allocated (reception entry).
//   - ULNs starting 9 with a valid check digit. There is no reserved ULN range,
//     so these are synthetic but could coincide with a real learner's number:
//     never use them outside a demo.
//   - URNs 990000–999999, then 900000–989999: real URNs (Get Information
//     about Schools) sit in 100000–15xxxx; a 9xxxxx URN names no real school.
//   - UKPRNs 19990001–19999999 for colleges, far above the UKPRNs issued so far
//     (which begin 100).
//
// Each comes from a seeded permutation of its space, so numbers look scattered
// rather than sequential, differ between seeds, and never repeat.
type allocators struct {
	seed  int64
	nhs   *checked
	uln   *checked
	upn   map[int]*permutation // by allocation year
	urns  int
	ukprn int
}

func newAllocators(seed int64) *allocators {
	r := newRNG(seed, "identifiers")
	return &allocators{
		seed: seed,
		nhs: &checked{p: newPermutation(r, 1_000_000), format: func(v uint64) string { return fmt.Sprintf("999%06d", v) },
			check: ident.NHSCheckDigit},
		uln: &checked{p: newPermutation(r, 100_000_000), format: func(v uint64) string { return fmt.Sprintf("9%08d", v) },
			check: ident.ULNCheckDigit},
		upn: map[int]*permutation{},
	}
}

// NHSNumber returns the next unused NHS number in the 999 range.
func (a *allocators) NHSNumber() (string, error) { return a.nhs.next("NHS numbers in the 999 range") }

// ULN returns the next unused ULN.
func (a *allocators) ULN() (string, error) { return a.uln.next("ULNs") }

// UPN returns the next unused UPN allocated in year (e.g. 2019).
func (a *allocators) UPN(year int) (string, error) {
	p := a.upn[year]
	if p == nil {
		p = newPermutation(newRNG(a.seed, "upn", strconv.Itoa(year)), 10_000_000)
		a.upn[year] = p
	}
	v, ok := p.next()
	if !ok {
		return "", fmt.Errorf("ran out of UPNs for %d", year)
	}
	tail := fmt.Sprintf("000%04d%02d%03d", v/1000, year%100, v%1000)
	letter, err := ident.UPNCheckLetter(tail)
	if err != nil {
		return "", err
	}
	return string(letter) + tail, nil
}

// URN returns the next unused school or setting URN.
func (a *allocators) URN() (string, error) {
	i := a.urns
	a.urns++
	switch {
	case i < 10_000:
		return strconv.Itoa(990_000 + i), nil
	case i < 100_000:
		return strconv.Itoa(900_000 + i - 10_000), nil
	}
	return "", fmt.Errorf("ran out of URNs")
}

// UKPRN returns the next unused college UKPRN.
func (a *allocators) UKPRN() (string, error) {
	a.ukprn++
	if a.ukprn > 9_999 {
		return "", fmt.Errorf("ran out of UKPRNs")
	}
	return strconv.Itoa(19_990_000 + a.ukprn), nil
}

// permutation walks 0..n-1 in the order v = (a·i + b) mod n, a bijection
// because a is coprime to n (n is a power of ten: a is odd and not a multiple of 5).
type permutation struct {
	n, a, b, i uint64
}

func newPermutation(r *rng, n uint64) *permutation {
	a := r.Uint64N(n)
	for a%2 == 0 || a%5 == 0 || a < n/10 {
		a = r.Uint64N(n)
	}
	return &permutation{n: n, a: a, b: r.Uint64N(n)}
}

func (p *permutation) next() (uint64, bool) {
	if p.i >= p.n {
		return 0, false
	}
	v := (p.a*p.i + p.b) % p.n
	p.i++
	return v, true
}

// checked completes permuted 9-digit stems with their check digit, skipping
// stems that have none.
type checked struct {
	p      *permutation
	format func(uint64) string
	check  func(string) (byte, bool)
	valid  int // capacity, counted on first use
}

func (c *checked) next(what string) (string, error) {
	for {
		v, ok := c.p.next()
		if !ok {
			return "", fmt.Errorf("ran out of %s", what)
		}
		stem := c.format(v)
		if d, ok := c.check(stem); ok {
			return stem + string(d), nil
		}
	}
}

// capacity is how many valid identifiers the space holds.
func (c *checked) capacity() int {
	if c.valid == 0 {
		for v := uint64(0); v < c.p.n; v++ {
			if _, ok := c.check(c.format(v)); ok {
				c.valid++
			}
		}
	}
	return c.valid
}
