package conformance

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Options say what to check and how.
type Options struct {
	// BaseURL is where the API's GET / answers, e.g. http://127.0.0.1:8080/oruk.
	BaseURL string
	Client  *http.Client // defaults to one with a 30-second timeout
	// PerPage asks for pages of this size (to see many pages of a small
	// feed); 0 leaves the API's default and infers it from page 1.
	PerPage int
	// Filters also round-trips every filter, reads the ndjson export and
	// probes bad input: for our own API, whose data we know the shape of.
	Filters bool
	// MaxResolve bounds how many listed ids of each list are fetched; 0 is all.
	MaxResolve int
}

// Failure is one check that did not hold.
type Failure struct {
	Check   string // e.g. "paging", "schema", "filter taxonomy_term_id"
	URL     string
	Problem string
}

func (f Failure) String() string { return f.Check + ": " + f.URL + ": " + f.Problem }

// Report is what a run found.
type Report struct {
	Requests int
	Checks   int // assertions made
	Failures []Failure
}

// Passed reports whether every check held.
func (r *Report) Passed() bool { return len(r.Failures) == 0 }

// endpoint is one list and its by-id endpoint with their schemas.
type endpoint struct {
	path         string
	item, detail *jsonschema.Schema
}

type run struct {
	ctx context.Context
	s   *Schemas
	o   Options
	rep *Report
}

// Run checks the API at o.BaseURL and reports every failure it finds.
func Run(ctx context.Context, s *Schemas, o Options) *Report {
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 30 * time.Second}
	}
	o.BaseURL = strings.TrimSuffix(o.BaseURL, "/")
	r := &run{ctx: ctx, s: s, o: o, rep: &Report{}}
	r.root()
	for _, e := range r.endpoints() {
		r.crawl(e)
	}
	if o.Filters {
		r.filters()
		r.ndjson()
		r.badInput()
	}
	return r.rep
}

func (r *run) endpoints() []endpoint {
	return []endpoint{
		{"/services", r.s.ServiceListItem, r.s.Service},
		{"/service_at_locations", r.s.SALListItem, r.s.ServiceAtLocation},
		{"/taxonomies", r.s.Taxonomy, r.s.Taxonomy},
		{"/taxonomy_terms", r.s.TaxonomyTerm, r.s.TaxonomyTerm},
	}
}

func (r *run) fail(check, u, format string, args ...any) {
	r.rep.Failures = append(r.rep.Failures, Failure{check, u, fmt.Sprintf(format, args...)})
}

// expect counts a check and records a failure when ok is false.
func (r *run) expect(ok bool, check, u, format string, args ...any) bool {
	r.rep.Checks++
	if !ok {
		r.fail(check, u, format, args...)
	}
	return ok
}

// answer is one HTTP answer, decoded when it is JSON.
type answer struct {
	url    string
	status int
	body   []byte
	json   any // numbers as json.Number
	ok     bool
}

// get requests path with query and checks what every answer must have:
// Access-Control-Allow-Origin: * and, unless ndjson, a JSON body.
func (r *run) get(path string, q url.Values) answer {
	u := r.o.BaseURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	a := answer{url: u}
	req, err := http.NewRequestWithContext(r.ctx, http.MethodGet, u, nil)
	if err != nil {
		r.fail("request", u, "%v", err)
		return a
	}
	r.rep.Requests++
	resp, err := r.o.Client.Do(req)
	if err != nil {
		r.fail("request", u, "%v", err)
		return a
	}
	defer resp.Body.Close()
	a.status = resp.StatusCode
	if a.body, err = io.ReadAll(io.LimitReader(resp.Body, 64<<20)); err != nil {
		r.fail("request", u, "reading the answer: %v", err)
		return a
	}
	r.expect(resp.Header.Get("Access-Control-Allow-Origin") == "*", "cors", u,
		"no Access-Control-Allow-Origin: * on a %d answer", a.status)
	if q.Get("format") == "ndjson" && a.status == http.StatusOK {
		a.ok = true
		return a
	}
	if a.json, err = jsonschema.UnmarshalJSON(strings.NewReader(string(a.body))); !r.expect(err == nil, "json", u, "the %d answer is not JSON: %v", a.status, err) {
		return a
	}
	a.ok = true
	return a
}

// valid validates v against sch, recording the first lines of any error.
func (r *run) valid(sch *jsonschema.Schema, v any, check, u string) bool {
	err := sch.Validate(v)
	msg := ""
	if err != nil {
		lines := strings.Split(err.Error(), "\n")
		msg = strings.Join(lines[:min(len(lines), 6)], " | ")
	}
	return r.expect(err == nil, check, u, "%s", msg)
}

// root checks GET /.
func (r *run) root() {
	a := r.get("/", nil)
	if !a.ok || !r.expect(a.status == http.StatusOK, "root", a.url, "status %d, want 200", a.status) {
		return
	}
	if r.valid(r.s.APIDetails, a.json, "schema api_details", a.url) {
		v, _ := field(a.json, "version").(string)
		r.expect(v == "HSDS-UK-3.0", "root", a.url, "version %q, want HSDS-UK-3.0", v)
	}
}

// envelope is a page of a list, read from its JSON.
type envelope struct {
	total, pages, number, size int
	first, last, empty         bool
	contents                   []any
}

func readEnvelope(v any) envelope {
	e := envelope{total: intOf(field(v, "total_items")), pages: intOf(field(v, "total_pages")), number: intOf(field(v, "page_number")),
		size: intOf(field(v, "size"))}
	e.first, _ = field(v, "first_page").(bool)
	e.last, _ = field(v, "last_page").(bool)
	e.empty, _ = field(v, "empty").(bool)
	e.contents, _ = field(v, "contents").([]any)
	return e
}

// page fetches page n of e's list with q and checks it alone: status,
// envelope and item schemas, and the envelope's own arithmetic.
func (r *run) page(path string, item *jsonschema.Schema, q url.Values, n int) (envelope, bool) {
	q = cloneValues(q)
	q.Set("page", fmt.Sprint(n))
	if r.o.PerPage > 0 && q.Get("per_page") == "" {
		q.Set("per_page", fmt.Sprint(r.o.PerPage))
	}
	a := r.get(path, q)
	if !a.ok || !r.expect(a.status == http.StatusOK, "list", a.url, "status %d, want 200", a.status) {
		return envelope{}, false
	}
	if !r.valid(r.s.Page, a.json, "schema page", a.url) {
		return envelope{}, false
	}
	e := readEnvelope(a.json)
	for i, c := range e.contents {
		if item != nil { // nil: this page was checked already, by the crawl
			r.valid(item, c, fmt.Sprintf("schema %s item %d", strings.TrimPrefix(path, "/"), i), a.url)
		}
	}
	r.expect(e.number == n, "paging", a.url, "page_number %d, asked for page %d", e.number, n)
	r.expect(e.size == len(e.contents), "paging", a.url, "size %d, but %d items", e.size, len(e.contents))
	r.expect(e.empty == (len(e.contents) == 0), "paging", a.url, "empty is %v with %d items", e.empty, len(e.contents))
	r.expect(e.first == (n == 1), "paging", a.url, "first_page is %v on page %d", e.first, n)
	r.expect(e.last == (n >= e.pages), "paging", a.url, "last_page is %v on page %d of %d", e.last, n, e.pages)
	return e, true
}

// maxPagesVisited bounds the pages a crawl visits; beyond it, only the
// first, second, middle and last two.
const maxPagesVisited = 60

// crawl checks a list's pages and that its ids resolve, and unknown ids do not.
func (r *run) crawl(e endpoint) {
	first, ok := r.page(e.path, e.item, nil, 1)
	if !ok {
		return
	}
	per := r.o.PerPage
	if per == 0 && !first.last {
		per = first.size // the API's default page size
	}
	u := r.o.BaseURL + e.path
	if per > 0 {
		want := max(1, (first.total+per-1)/per)
		r.expect(first.pages == want || first.total == 0 && first.pages == 0, "paging", u,
			"total_pages %d for %d items at %d a page, want %d", first.pages, first.total, per, want)
	}
	visit := []int{}
	for n := 2; n <= first.pages; n++ {
		if first.pages <= maxPagesVisited || n == 2 || n == (first.pages+1)/2 || n >= first.pages-1 {
			visit = append(visit, n)
		}
	}
	seen := map[string]bool{}
	var ids []string
	take := func(p envelope, n int) {
		for _, c := range p.contents {
			id, _ := field(c, "id").(string)
			if !r.expect(!seen[id], "paging", u, "id %s listed twice (again on page %d)", id, n) {
				continue
			}
			seen[id] = true
			ids = append(ids, id)
		}
	}
	take(first, 1)
	for _, n := range visit {
		p, ok := r.page(e.path, e.item, nil, n)
		if !ok {
			continue
		}
		r.expect(p.total == first.total, "paging", u, "total_items %d on page %d but %d on page 1", p.total, n, first.total)
		if per > 0 && n < p.pages {
			r.expect(p.size == per, "paging", u, "page %d of %d has %d items, want %d", n, p.pages, p.size, per)
		}
		if per > 0 && n == p.pages {
			r.expect(p.size == p.total-(p.pages-1)*per, "paging", u, "the last page (%d) has %d items, want %d", n, p.size, p.total-(p.pages-1)*per)
		}
		take(p, n)
	}
	if first.pages <= maxPagesVisited {
		r.expect(len(ids) == first.total, "paging", u, "%d distinct items on all pages, total_items says %d", len(ids), first.total)
	}
	for i, id := range ids {
		if r.o.MaxResolve > 0 && i >= r.o.MaxResolve {
			break
		}
		a := r.get(e.path+"/"+url.PathEscape(id), nil)
		if !a.ok || !r.expect(a.status == http.StatusOK, "resolve", a.url, "a listed id answers %d, want 200", a.status) {
			continue
		}
		if r.valid(e.detail, a.json, "schema "+strings.TrimPrefix(e.path, "/")+"/{id}", a.url) {
			got, _ := field(a.json, "id").(string)
			r.expect(got == id, "resolve", a.url, "asked for %s, got %s", id, got)
		}
	}
	a := r.get(e.path+"/"+uuid.Must(uuid.NewRandomFromReader(rand.Reader)).String(), nil)
	r.expect(a.status == http.StatusNotFound, "unknown id", a.url, "an unknown id answers %d, want 404", a.status)
}

// field returns v's property name, or nil.
func field(v any, name string) any {
	m, _ := v.(map[string]any)
	return m[name]
}

// path walks v through properties and array indexes ("attributes", 0, "id").
func path(v any, steps ...any) any {
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			v = field(v, k)
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func intOf(v any) int {
	f, _ := number(v)
	return int(f)
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	}
	return 0, false
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = slices.Clone(v)
	}
	return out
}
