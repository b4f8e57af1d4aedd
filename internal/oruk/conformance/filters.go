package conformance

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// filterCase is one filter's round trip: the query, the record it must find,
// and what every service it finds must satisfy (nil: not checkable from a record).
type filterCase struct {
	name  string
	path  string
	q     url.Values
	want  string
	holds func(service any) bool
}

// filters round-trips every filter from a real record and checks that pairs
// of filters narrow the results (AND), never widen them.
func (r *run) filters() {
	rec := r.record()
	if rec == nil {
		return
	}
	id, _ := field(rec, "id").(string)
	sal, _ := path(rec, "service_at_locations", 0, "id").(string)
	term := path(rec, "attributes", 0, "taxonomy_term")
	termID, _ := field(term, "id").(string)
	taxonomyID, _ := field(term, "taxonomy_id").(string)
	org, _ := path(rec, "organization", "id").(string)
	minAge, _ := number(field(rec, "minimum_age"))
	maxAge, _ := number(field(rec, "maximum_age"))
	sched := path(rec, "schedules", 0)
	day, _, _ := strings.Cut(fmt.Sprint(field(sched, "byday")), ",")
	opens, _ := field(sched, "opens_at").(string)
	closes, _ := field(sched, "closes_at").(string)
	modified, _ := field(rec, "last_modified").(string)
	postcode, _ := path(rec, "service_at_locations", 0, "location", "addresses", 0, "postal_code").(string)
	word := searchWord(fmt.Sprint(field(rec, "name")))

	hasTerm := func(key, want string) func(any) bool {
		return func(s any) bool {
			attrs, _ := field(s, "attributes").([]any)
			for _, a := range attrs {
				if path(a, "taxonomy_term", key) == want {
					return true
				}
			}
			return false
		}
	}
	schedule := func(ok func(sc any) bool) func(any) bool {
		return func(s any) bool {
			scs, _ := field(s, "schedules").([]any)
			for _, sc := range scs {
				if ok(sc) {
					return true
				}
			}
			return false
		}
	}
	ageAtLeast := func(key string, cmp func(a, b float64) bool, x float64) func(any) bool {
		return func(s any) bool { v, ok := number(field(s, key)); return ok && cmp(v, x) }
	}
	q := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	ge := func(a, b float64) bool { return a >= b }
	le := func(a, b float64) bool { return a <= b }
	num := func(f float64) string { return fmt.Sprint(f) }
	cases := []filterCase{
		{"search", "/services", q("search", word), id, nil},
		{"taxonomy_term_id", "/services", q("taxonomy_term_id", termID), id, hasTerm("id", termID)},
		{"taxonomy_id", "/services", q("taxonomy_id", taxonomyID), id, hasTerm("taxonomy_id", taxonomyID)},
		{"organization_id", "/services", q("organization_id", org), id, func(s any) bool { return path(s, "organization", "id") == org }},
		{"minimum_age", "/services", q("minimum_age", num(minAge)), id, ageAtLeast("minimum_age", ge, minAge)},
		{"maximum_age", "/services", q("maximum_age", num(maxAge)), id, ageAtLeast("maximum_age", le, maxAge)},
		{"day", "/services", q("day", day), id, schedule(func(sc any) bool { return strings.Contains(fmt.Sprint(field(sc, "byday")), day) })},
		{"start_time", "/services", q("start_time", opens), id, schedule(func(sc any) bool { return fmt.Sprint(field(sc, "opens_at")) >= opens })},
		{"end_time", "/services", q("end_time", closes), id, schedule(func(sc any) bool { return fmt.Sprint(field(sc, "closes_at")) <= closes })},
		{"day+start_time+end_time", "/services", q("day", day, "start_time", opens, "end_time", closes), id, nil},
		{"modified_after", "/services", q("modified_after", modified), id, func(s any) bool { return !before(s, modified) }},
		{"search on service_at_locations", "/service_at_locations", q("search", word), sal, nil},
		{"taxonomy_term_id on service_at_locations", "/service_at_locations", q("taxonomy_term_id", termID), sal, hasTerm("id", termID)},
		{"postcode+proximity", "/service_at_locations", q("postcode", postcode, "proximity", "1000"), sal, nil},
	}
	totals := map[string]int{}
	for _, c := range cases {
		totals[c.name] = r.roundTrip(c)
	}
	// modified_after is "on or after": a second later leaves the record out.
	if t, err := time.Parse(time.RFC3339Nano, modified); err == nil {
		later := q("modified_after", t.Add(time.Second).Format(time.RFC3339Nano))
		_, found := r.find("/services", later, id)
		r.expect(!found, "filter modified_after", r.o.BaseURL+"/services?"+later.Encode(), "a record modified before the time is still listed")
	}
	// Two filters at once: never more than either alone, the record still
	// found, and at least one pair strictly fewer (the filters are ANDed).
	narrowed := false
	for _, pair := range [][2]string{{"taxonomy_term_id", "minimum_age"}, {"organization_id", "day"}, {"search", "taxonomy_id"}, {"taxonomy_term_id", "maximum_age"}} {
		both := url.Values{}
		for _, c := range cases {
			if c.name == pair[0] || c.name == pair[1] {
				for k, v := range c.q {
					both[k] = v
				}
			}
		}
		n := r.roundTrip(filterCase{name: pair[0] + "+" + pair[1], path: "/services", q: both, want: id})
		least := min(totals[pair[0]], totals[pair[1]])
		r.expect(n <= least, "filters combined", r.o.BaseURL+"/services?"+both.Encode(), "%d results, more than %d for one filter alone", n, least)
		narrowed = narrowed || n < least
	}
	r.expect(narrowed, "filters combined", r.o.BaseURL+"/services", "no pair of filters narrowed the results: are they combined with AND?")
	all, _ := r.page("/services", r.s.ServiceListItem, nil, 1)
	for _, c := range cases {
		if c.path == "/services" {
			r.expect(totals[c.name] <= all.total, "filter "+c.name, r.o.BaseURL+"/services", "%d results, more than the %d unfiltered", totals[c.name], all.total)
		}
	}
}

// record finds a service to round-trip filters from: one with a location
// with a postcode, a schedule with times, taxonomy terms and both ages.
func (r *run) record() any {
	first, ok := r.page("/services", r.s.ServiceListItem, url.Values{"per_page": {"50"}}, 1)
	if !ok {
		return nil
	}
	for _, c := range first.contents {
		id, _ := field(c, "id").(string)
		a := r.get("/services/"+url.PathEscape(id), nil)
		if !a.ok || a.status != http.StatusOK {
			continue
		}
		s := a.json
		_, hasMin := number(field(s, "minimum_age"))
		_, hasMax := number(field(s, "maximum_age"))
		if hasMin && hasMax && path(s, "attributes", 0, "taxonomy_term", "taxonomy_id") != nil &&
			path(s, "schedules", 0, "byday") != nil && path(s, "schedules", 0, "opens_at") != nil && path(s, "schedules", 0, "closes_at") != nil &&
			path(s, "service_at_locations", 0, "location", "addresses", 0, "postal_code") != nil {
			return s
		}
	}
	r.fail("filters", r.o.BaseURL+"/services", "none of the first 50 services has a location with a postcode, a schedule with times, taxonomy terms and ages to test the filters with")
	return nil
}

// roundTrip checks that c's query finds c.want and that the first results
// satisfy the filter, and returns the number of results.
func (r *run) roundTrip(c filterCase) int {
	u := r.o.BaseURL + c.path + "?" + c.q.Encode()
	total, found := r.find(c.path, c.q, c.want)
	r.expect(found, "filter "+c.name, u, "the record %s it was taken from is not among the %d results", c.want, total)
	if c.holds == nil {
		return total
	}
	p, ok := r.page(c.path, nil, c.q, 1)
	if !ok {
		return total
	}
	for i, item := range p.contents {
		if i == 3 {
			break
		}
		sid, _ := field(item, "id").(string)
		if c.path == "/service_at_locations" {
			sid, _ = path(item, "service", "id").(string)
		}
		a := r.get("/services/"+url.PathEscape(sid), nil)
		if a.ok && a.status == http.StatusOK {
			r.expect(c.holds(a.json), "filter "+c.name, u, "result %s does not match the filter", sid)
		}
	}
	return total
}

// find pages through a list until it finds id; it returns total_items.
func (r *run) find(path string, q url.Values, id string) (int, bool) {
	q = cloneValues(q)
	q.Set("per_page", "100")
	total := 0
	for n := 1; n <= 200; n++ {
		p, ok := r.page(path, nil, q, n)
		if !ok {
			return total, false
		}
		total = p.total
		for _, c := range p.contents {
			if field(c, "id") == id {
				return total, true
			}
		}
		if p.last || len(p.contents) == 0 {
			return total, false
		}
	}
	return total, false
}

// ndjson reads the unpaged exports: one valid record a line, as many as the list's total.
func (r *run) ndjson() {
	for _, e := range []endpoint{{"/services", r.s.Service, nil}, {"/service_at_locations", r.s.SALListItem, nil}, {"/taxonomy_terms", r.s.TaxonomyTerm, nil}} {
		first, ok := r.page(e.path, e.item, nil, 1)
		if !ok {
			continue
		}
		a := r.get(e.path, url.Values{"format": {"ndjson"}})
		if !r.expect(a.status == http.StatusOK, "ndjson", a.url, "status %d, want 200", a.status) {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(a.body))
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		n := 0
		for sc.Scan() {
			v, err := jsonschema.UnmarshalJSON(strings.NewReader(sc.Text()))
			if !r.expect(err == nil, "ndjson", a.url, "line %d is not JSON: %v", n+1, err) {
				break
			}
			if n < 200 { // validating every line of a big export adds nothing
				r.valid(e.item, v, "schema ndjson "+strings.TrimPrefix(e.path, "/"), a.url)
			}
			n++
		}
		r.expect(n == first.total, "ndjson", a.url, "%d lines, but total_items is %d", n, first.total)
	}
}

// badInput sends what a careless or hostile client might: each must get a
// 400 that says what is wrong, or an ordinary (perhaps empty) page; never a 5xx.
func (r *run) badInput() {
	long := strings.Repeat("autism ", 2000)
	for _, probe := range []struct{ path, query string }{
		{"/services", "page=0"}, {"/services", "page=-1"}, {"/services", "page=abc"}, {"/services", "page=99999999999999999999"},
		{"/services", "page=999999"}, {"/services", "per_page=100000"}, {"/services", "per_page=0"},
		{"/services", "minimum_age=abc"}, {"/services", "minimum_age=-1"}, {"/services", "maximum_age=1e309"}, {"/services", "minimum_age=NaN"},
		{"/services", "day=funday"}, {"/services", "start_time=25:99"}, {"/services", "end_time=noon"},
		{"/services", "modified_after=yesterday"}, {"/services", "taxonomy_term_id=not-a-uuid"},
		{"/services", "organization_id=" + url.QueryEscape("' OR 1=1 --")}, {"/services", "taxonomy_id=00000000-0000-0000-0000-000000000000"},
		{"/services", "search=" + url.QueryEscape(long)}, {"/services", "search=" + url.QueryEscape("自閉症 ñandú 🙂")},
		{"/services", "search=" + url.QueryEscape(`"unclosed * NEAR( AND OR NOT ^col:x`)}, {"/services", "search=" + url.QueryEscape("!!!")},
		{"/services", "search=%FF%FE"}, {"/services", "format=xml"},
		{"/service_at_locations", "postcode=XYZ"}, {"/service_at_locations", "postcode=ZZ99+9ZZ"}, {"/service_at_locations", "postcode=" + url.QueryEscape(long)},
		{"/service_at_locations", "proximity=-5"}, {"/service_at_locations", "proximity=abc"}, {"/service_at_locations", "proximity=1000"},
		{"/taxonomy_terms", "parent_id=nope"}, {"/taxonomy_terms", "top_only=maybe"},
		{"/services/" + url.PathEscape(long[:500]), ""}, {"/services/%00", ""},
	} {
		q, _ := url.ParseQuery(probe.query)
		a := r.get(probe.path, q)
		r.expect(a.status < 500, "bad input", a.url, "answered %d: bad input must get a 400 or an empty result", a.status)
		if a.status == http.StatusBadRequest && a.ok {
			msg, _ := field(a.json, "message").(string)
			r.expect(strings.TrimSpace(msg) != "", "bad input", a.url, "a 400 with no message saying what is wrong")
		}
	}
}

// searchWord is the longest word of a name: something a search must find it by.
func searchWord(name string) string {
	best := ""
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) > len(best) {
			best = w
		}
	}
	return best
}

// before reports whether a record's last_modified is before the instant s.
func before(record any, s string) bool {
	t, err1 := time.Parse(time.RFC3339Nano, s)
	m, err2 := time.Parse(time.RFC3339Nano, fmt.Sprint(field(record, "last_modified")))
	return err1 == nil && err2 == nil && m.Before(t)
}
