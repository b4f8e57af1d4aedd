package web

import (
	"net/http"
	"net/url"

	"joinedup/internal/apperr"
	"joinedup/internal/offer/taxonomy"
)

// The Local Offer editor's taxonomy pages (issue 6, point 8): every
// taxonomy with its terms, a term with its history, and the forms that add,
// change, retire and bring back a term. The work is internal/offer/taxonomy's.
// After a change this instance's facet cache is emptied, so the public
// filters and collections show it at once here and within a minute elsewhere.

func (s *server) taxonomies() *taxonomy.Store { return &taxonomy.Store{DB: s.db} }

// pageCodes are the codes of the collections with pages of their own.
var pageCodes = map[string]bool{collectionAutism: true, collectionTherapy: true, collectionBreaks: true}

// forget empties the cache, so the next page reads the taxonomies afresh.
func (c *facetCache) forget() {
	c.mu.Lock()
	c.f, c.terms, c.forms = nil, nil, nil
	c.mu.Unlock()
}

type taxonomiesPage struct {
	Taxonomies []taxonomy.Taxonomy
	Done       string
}

func (s *server) taxonomyList(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	list, err := s.taxonomies().Taxonomies(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.page(w, r, "offer-taxonomies.html", taxonomiesPage{Taxonomies: list, Done: r.URL.Query().Get("done")})
}

type termPage struct {
	Term    taxonomy.Term
	History []taxonomy.Change
	Done    string
	Errors  []apperr.Field
}

func (s *server) taxonomyTerm(w http.ResponseWriter, r *http.Request) {
	s.showTerm(w, r, nil)
}

// showTerm is the term's page, with errs from a refused retire or bring back.
func (s *server) showTerm(w http.ResponseWriter, r *http.Request, errs []apperr.Field) {
	a, _ := actorOf(r.Context())
	t, hist, err := s.taxonomies().Term(r.Context(), a, r.PathValue("term"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done := map[string]string{"added": "The term is added.", "changed": "The term is changed.", "retired": "The term is retired.",
		"restored": "The term is back."}[r.URL.Query().Get("done")]
	s.renderForm(w, r, "offer-taxonomy-term.html", termPage{Term: t, History: hist, Done: done, Errors: errs}, errs)
}

// termFormPage is the form that adds a term to Taxonomy or changes Term.
type termFormPage struct {
	Taxonomy taxonomy.Taxonomy
	Term     taxonomy.Term // empty when adding
	Form     taxonomy.Form
	Parents  []taxonomy.Term // the current top terms a term may go under
	Action   string
	Errors   []apperr.Field
}

func (s *server) termForm(w http.ResponseWriter, r *http.Request, p termFormPage) {
	for _, t := range p.Taxonomy.Terms {
		if t.Depth == 0 && !t.Retired() && t.ID != p.Term.ID {
			p.Parents = append(p.Parents, t)
		}
	}
	s.renderForm(w, r, "offer-taxonomy-form.html", p, p.Errors)
}

func formOf(r *http.Request) taxonomy.Form {
	return taxonomy.Form{Name: r.PostFormValue("name"), Code: r.PostFormValue("code"), Description: r.PostFormValue("description"),
		ParentID: r.PostFormValue("parent")}
}

func (s *server) termAddForm(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	x, err := s.taxonomies().Taxonomy(r.Context(), a, r.PathValue("xid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.termForm(w, r, termFormPage{Taxonomy: x, Form: taxonomy.Form{ParentID: r.URL.Query().Get("parent")}, Action: r.URL.Path})
}

func (s *server) termAdd(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	x, err := s.taxonomies().Taxonomy(r.Context(), a, r.PathValue("xid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := formOf(r)
	id, err := s.taxonomies().Add(r.Context(), a, x.ID, f)
	if fs := invalidFields(err); fs != nil {
		s.termForm(w, r, termFormPage{Taxonomy: x, Form: f, Action: r.URL.Path, Errors: fs})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.facets.forget()
	http.Redirect(w, r, "/staff/offer/terms/"+id+"?done=added", http.StatusSeeOther)
}

// termAndTaxonomy reads the term in the path and its taxonomy.
func (s *server) termAndTaxonomy(w http.ResponseWriter, r *http.Request) (taxonomy.Term, taxonomy.Taxonomy, bool) {
	a, _ := actorOf(r.Context())
	t, _, err := s.taxonomies().Term(r.Context(), a, r.PathValue("term"))
	if err != nil {
		s.fail(w, r, err)
		return t, taxonomy.Taxonomy{}, false
	}
	x, err := s.taxonomies().Taxonomy(r.Context(), a, t.TaxonomyID)
	if err != nil {
		s.fail(w, r, err)
		return t, x, false
	}
	return t, x, true
}

func (s *server) termEditForm(w http.ResponseWriter, r *http.Request) {
	t, x, ok := s.termAndTaxonomy(w, r)
	if !ok {
		return
	}
	if t.Retired() {
		http.Redirect(w, r, "/staff/offer/terms/"+t.ID, http.StatusSeeOther) // bring it back first
		return
	}
	f := taxonomy.Form{Code: t.Code, Name: t.Name, Description: t.Description, ParentID: t.ParentID}
	s.termForm(w, r, termFormPage{Taxonomy: x, Term: t, Form: f, Action: r.URL.Path})
}

func (s *server) termEdit(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	t, x, ok := s.termAndTaxonomy(w, r)
	if !ok {
		return
	}
	f := formOf(r)
	var err error
	if pageCodes[t.Code] && f.Tidy().Code != t.Code {
		// The collections' own pages find their terms by these codes.
		err = &apperr.Error{Code: apperr.Invalid, Message: "The code is in use", Fields: []apperr.Field{{Name: "code",
			Message: "Keep the code " + t.Code + ": the public pages of this collection find it by that code"}}}
	} else {
		err = s.taxonomies().Update(r.Context(), a, t.ID, f)
	}
	if fs := invalidFields(err); fs != nil {
		s.termForm(w, r, termFormPage{Taxonomy: x, Term: t, Form: f, Action: r.URL.Path, Errors: fs})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.facets.forget()
	http.Redirect(w, r, "/staff/offer/terms/"+t.ID+"?done=changed", http.StatusSeeOther)
}

// termRetire retires (retire) or brings back the term; a refusal shows the
// term's page again with the reason.
func (s *server) termRetire(w http.ResponseWriter, r *http.Request, retire bool) {
	a, _ := actorOf(r.Context())
	st, id := s.taxonomies(), r.PathValue("term")
	var err error
	done := "retired"
	if retire {
		err = st.Retire(r.Context(), a, id)
	} else {
		err, done = st.Restore(r.Context(), a, id), "restored"
	}
	if fs := invalidFields(err); fs != nil {
		s.showTerm(w, r, fs)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.facets.forget()
	http.Redirect(w, r, "/staff/offer/terms/"+url.PathEscape(id)+"?done="+done, http.StatusSeeOther)
}

func (s *server) termRetirePost(w http.ResponseWriter, r *http.Request)  { s.termRetire(w, r, true) }
func (s *server) termRestorePost(w http.ResponseWriter, r *http.Request) { s.termRetire(w, r, false) }
