package taxonomy_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/offer"
	"joinedup/internal/offer/taxonomy"
)

func fieldsOf(err error) []string {
	var out []string
	var e *apperr.Error
	if errors.As(err, &e) {
		for _, f := range e.Fields {
			out = append(out, f.Name)
		}
	}
	return out
}

type world struct {
	d              *db.DB
	st             *taxonomy.Store
	marcus, rachel access.Actor // the Local Offer editor; a provider, not an editor
	categories     string       // the Service categories taxonomy
	send, health   string       // two top categories
	autism         string       // a child of send that tags services
	collections    string       // the Collections taxonomy
}

func setup(t *testing.T, d *db.DB) world {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Generate(ctx, d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	one := func(q string, args ...any) string {
		t.Helper()
		var s string
		if err := d.QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	actor := func(name string) access.Actor {
		t.Helper()
		for _, p := range demo.Personas() {
			if p.Name == name {
				a, err := access.LoadActor(ctx, d, one("SELECT id FROM people WHERE email = $1", p.Email))
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
		}
		t.Fatalf("no persona %s", name)
		return access.Actor{}
	}
	w := world{d: d, st: &taxonomy.Store{DB: d}, marcus: actor("Marcus Reid"), rachel: actor("Rachel Evans")}
	w.categories = one("SELECT id FROM offer_taxonomies WHERE name = 'Service categories'")
	w.collections = one("SELECT id FROM offer_taxonomies WHERE name = 'Collections'")
	term := func(name string) string {
		return one("SELECT id FROM offer_taxonomy_terms WHERE taxonomy_id = $1 AND name = $2", w.categories, name)
	}
	w.send, w.health = term("Special educational needs and disabilities (SEND)"), term("Health")
	w.autism = term("Autistic Spectrum Disorder (ASD)")
	return w
}

// Adding a term: refused whole, with the field named, for each rule in the
// package documentation; stored with a UUID and a history row otherwise.
func TestAdd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d)
		terms := func() int { return dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_taxonomy_terms") }
		before := terms()
		cases := []struct {
			name   string
			tax    string
			f      taxonomy.Form
			fields string
		}{
			{"nothing typed", w.categories, taxonomy.Form{}, "name,description"},
			{"a name used in the taxonomy, another case", w.categories, taxonomy.Form{Name: "health", Description: "x"}, "name,code"},
			{"a code used in the taxonomy", w.categories, taxonomy.Form{Name: "Care", Code: "health", Description: "x"}, "code"},
			{"a code with spaces", w.categories, taxonomy.Form{Name: "Care", Code: "care homes", Description: "x"}, "code"},
			{"a name of punctuation only, no code", w.categories, taxonomy.Form{Name: "!!!", Description: "x"}, "code"},
			{"a name too long", w.categories, taxonomy.Form{Name: strings.Repeat("a", 121), Description: "x"}, "name"},
			{"a parent that is a child (three levels)", w.categories, taxonomy.Form{Name: "Care", Description: "x", ParentID: w.autism}, "parent"},
			{"a parent of another taxonomy", w.collections, taxonomy.Form{Name: "Care", Description: "x", ParentID: w.send}, "parent"},
			{"a parent that is not an id", w.categories, taxonomy.Form{Name: "Care", Description: "x", ParentID: "nope"}, "parent"},
		}
		for _, c := range cases {
			_, err := w.st.Add(ctx, w.marcus, c.tax, c.f)
			if got := strings.Join(fieldsOf(err), ","); got != c.fields || apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("%s: fields %q (%v), want %q", c.name, got, err, c.fields)
			}
		}
		// A name used in another taxonomy is fine: "Hearing impairment" is a category and a need.
		if _, err := w.st.Add(ctx, w.marcus, w.collections, taxonomy.Form{Name: "Health", Description: "Health collections"}); err != nil {
			t.Errorf("a name another taxonomy uses: %v", err)
		}
		if _, err := w.st.Add(ctx, w.rachel, w.categories, taxonomy.Form{Name: "Care", Description: "x"}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a provider adding a term: %v, want not found", err)
		}
		if _, err := w.st.Add(ctx, w.marcus, "00000000-0000-0000-0000-000000000000", taxonomy.Form{Name: "Care", Description: "x"}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a term for a missing taxonomy: %v, want not found", err)
		}
		if got := terms(); got != before+1 {
			t.Fatalf("%d terms after refusals and one add, want %d", got, before+1)
		}

		// Ids in capitals are the same UUIDs: stored as the directory writes them.
		id, err := w.st.Add(ctx, w.marcus, strings.ToUpper(w.categories), taxonomy.Form{Name: "  Sensory  play ", Description: "Play for the senses.", ParentID: strings.ToUpper(w.send)})
		if err != nil {
			t.Fatal(err)
		}
		got, hist, err := w.st.Term(ctx, w.marcus, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Sensory play" || got.Code != "sensory-play" || got.ParentID != w.send || got.Depth != 1 || got.Retired() {
			t.Errorf("the new term: %+v", got)
		}
		if len(hist) != 1 || hist[0].Action != "added" || hist[0].HasBefore || hist[0].ByName != w.marcus.Name || hist[0].After.Name != "Sensory play" {
			t.Errorf("the new term's history: %+v", hist)
		}
		// ORUK lists it under its parent with its new UUID.
		o := &offer.Store{DB: d}
		l, err := o.TaxonomyTerms(ctx, offer.TermFilter{ParentID: w.send, Current: true}, offer.Page{Number: 1, Size: 100})
		if err != nil || !slices.ContainsFunc(l.Items, func(x offer.TaxonomyTerm) bool { return x.ID == id && x.Code == "sensory-play" }) {
			t.Errorf("ORUK's list of SEND's children lacks the new term: %v", err)
		}
	})
}

// Renaming, re-describing and moving: the checks, the history with before
// and after, and a rename reaching the search (the services' keywords).
func TestUpdate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d)
		o := &offer.Store{DB: d}
		tagged := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_attributes WHERE taxonomy_term_id = $1", w.autism)
		if tagged == 0 {
			t.Fatal("the demo tags no service with autism")
		}
		search := func(words string) int {
			t.Helper()
			l, err := o.Services(ctx, offer.Filter{Search: words, TaxonomyTermID: w.autism}, offer.Page{Number: 1, Size: 1000})
			if err != nil {
				t.Fatal(err)
			}
			return l.Total
		}
		if n := search("Zebracorn"); n != 0 {
			t.Fatalf("%d services found by a made-up word", n)
		}

		cur, _, err := w.st.Term(ctx, w.marcus, w.autism)
		if err != nil {
			t.Fatal(err)
		}
		refusals := []struct {
			name   string
			f      taxonomy.Form
			fields string
		}{
			{"under itself", taxonomy.Form{Name: cur.Name, Code: cur.Code, Description: cur.Description, ParentID: w.autism}, "parent"},
			{"a name its sibling has", taxonomy.Form{Name: "Visual impairment", Code: cur.Code, Description: cur.Description, ParentID: w.send}, "name"},
			{"no description", taxonomy.Form{Name: cur.Name, Code: cur.Code, ParentID: w.send}, "description"},
		}
		for _, c := range refusals {
			if err := w.st.Update(ctx, w.marcus, w.autism, c.f); strings.Join(fieldsOf(err), ",") != c.fields {
				t.Errorf("%s: %v, want fields %s", c.name, err, c.fields)
			}
		}
		// A top term with children cannot go under another (that would make three levels, or a cycle).
		top, _, _ := w.st.Term(ctx, w.marcus, w.send)
		err = w.st.Update(ctx, w.marcus, w.send, taxonomy.Form{Name: top.Name, Code: top.Code, Description: top.Description, ParentID: w.health})
		if strings.Join(fieldsOf(err), ",") != "parent" {
			t.Errorf("moving a parent under another: %v", err)
		}
		if err := w.st.Update(ctx, w.rachel, w.autism, taxonomy.Form{Name: "X", Description: "x"}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a provider changing a term: %v", err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_taxonomy_term_changes"); n != 0 {
			t.Fatalf("%d history rows after refusals", n)
		}

		// Rename: the search finds the services by the new name.
		if err := w.st.Update(ctx, w.marcus, w.autism, taxonomy.Form{Name: "Zebracorn autism", Code: cur.Code, Description: cur.Description, ParentID: w.send}); err != nil {
			t.Fatal(err)
		}
		if n := search("Zebracorn"); n != tagged {
			t.Errorf("after the rename the search finds %d services by the new name, want %d", n, tagged)
		}
		// Move under Health: the filter by Health now finds them, SEND no longer through it.
		if err := w.st.Update(ctx, w.marcus, w.autism, taxonomy.Form{Name: "Zebracorn autism", Code: cur.Code, Description: cur.Description, ParentID: w.health}); err != nil {
			t.Fatal(err)
		}
		viaHealth, err := o.Services(ctx, offer.Filter{Terms: []string{w.health}, TaxonomyTermID: w.autism}, offer.Page{Number: 1, Size: 1000})
		if err != nil || viaHealth.Total != tagged {
			t.Errorf("the Health filter finds %d of the moved term's %d services (%v)", viaHealth.Total, tagged, err)
		}
		// The same form again changes nothing and writes no history.
		if err := w.st.Update(ctx, w.marcus, w.autism, taxonomy.Form{Name: "Zebracorn autism", Code: cur.Code, Description: cur.Description, ParentID: w.health}); err != nil {
			t.Fatal(err)
		}
		_, hist, err := w.st.Term(ctx, w.marcus, w.autism)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Action != "moved" || hist[1].Action != "changed" {
			t.Fatalf("history: %+v", hist)
		}
		if d := hist[0].Differences(); len(d) != 1 || !strings.Contains(d[0], "Special educational needs") || !strings.Contains(d[0], "Health") {
			t.Errorf("the move's differences: %q", d)
		}
		if d := hist[1].Differences(); len(d) != 1 || !strings.HasPrefix(d[0], "Name: “Autistic Spectrum Disorder (ASD)” → “Zebracorn autism”") {
			t.Errorf("the rename's differences: %q", d)
		}
	})
}

// Retiring: never with current narrower terms; the term stays on the
// services it tags and resolvable by id, but leaves the ORUK lists and the
// public filters; bringing it back undoes that.
func TestRetire(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := setup(t, d)
		o := &offer.Store{DB: d}
		if err := w.st.Retire(ctx, w.marcus, w.send); strings.Join(fieldsOf(err), ",") != "retire" {
			t.Errorf("retiring a term with narrower terms: %v", err)
		}
		if err := w.st.Retire(ctx, w.rachel, w.autism); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a provider retiring: %v", err)
		}
		svc := ""
		if err := d.QueryRow("SELECT MIN(service_id) FROM offer_attributes WHERE taxonomy_term_id = $1", w.autism).Scan(&svc); err != nil {
			t.Fatal(err)
		}
		if err := w.st.Retire(ctx, w.marcus, w.autism); err != nil {
			t.Fatal(err)
		}
		if err := w.st.Retire(ctx, w.marcus, w.autism); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("retiring twice: %v", err)
		}
		if err := w.st.Update(ctx, w.marcus, w.autism, taxonomy.Form{Name: "X", Description: "x"}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("changing a retired term: %v", err)
		}
		listed := func(f offer.TermFilter) bool {
			l, err := o.TaxonomyTerms(ctx, f, offer.Page{Number: 1, Size: 1000})
			if err != nil {
				t.Fatal(err)
			}
			return slices.ContainsFunc(l.Items, func(x offer.TaxonomyTerm) bool { return x.ID == w.autism })
		}
		if listed(offer.TermFilter{TaxonomyID: w.categories, Current: true}) || listed(offer.TermFilter{ParentID: w.send, Current: true}) {
			t.Error("ORUK's lists show the retired term")
		}
		if !listed(offer.TermFilter{}) {
			t.Error("the full list (CSV names) lost the retired term")
		}
		x, err := o.Taxonomy(ctx, w.categories)
		if err != nil || slices.ContainsFunc(x.TaxonomyTerms, func(x offer.TaxonomyTerm) bool { return x.ID == w.autism }) {
			t.Errorf("ORUK's taxonomy shows the retired term (%v)", err)
		}
		if got, err := o.TaxonomyTerm(ctx, w.autism); err != nil || got.Name != "Autistic Spectrum Disorder (ASD)" {
			t.Errorf("the retired term by its id: %+v, %v", got, err)
		}
		s, err := o.Service(ctx, svc)
		if err != nil || !slices.ContainsFunc(s.Attributes, func(a offer.Attribute) bool { return a.TaxonomyTermID == w.autism && a.TaxonomyTerm != nil }) {
			t.Errorf("the service lost its retired tag (%v)", err)
		}
		facets, err := o.Facets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		fc := facets["Service categories"]
		if fc.Term("autistic-spectrum-disorder-asd") != nil {
			t.Error("the public filter still takes the retired term's code")
		}
		if !slices.ContainsFunc(fc.Terms, func(x offer.TaxonomyTerm) bool { return x.ID == w.autism && x.Retired }) {
			t.Error("the facets lost the retired term, which still names tagged services")
		}
		// A retired parent takes no new terms.
		if _, err := w.st.Add(ctx, w.marcus, w.categories, taxonomy.Form{Name: "Transport help", Description: "x", ParentID: w.autism}); len(fieldsOf(err)) != 1 {
			t.Errorf("a term under a retired one: %v", err)
		}

		if err := w.st.Restore(ctx, w.marcus, w.autism); err != nil {
			t.Fatal(err)
		}
		if !listed(offer.TermFilter{ParentID: w.send, Current: true}) {
			t.Error("the term brought back is not listed")
		}
		_, hist, err := w.st.Term(ctx, w.marcus, w.autism)
		if err != nil || len(hist) != 2 || hist[0].Action != "restored" || hist[1].Action != "retired" || !hist[1].After.Retired || hist[1].Before.Retired {
			t.Errorf("history: %+v (%v)", hist, err)
		}
	})
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Support while you wait: therapies": "support-while-you-wait-therapies",
		"British sign language (bsl)":       "british-sign-language-bsl",
		"Children’s centres":                "childrens-centres",
		"  ":                                "",
		"Café":                              "caf",
	} {
		if got := taxonomy.Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}
