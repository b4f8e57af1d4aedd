package offer

import (
	"context"
	"database/sql"
	"errors"

	"joinedup/internal/apperr"
)

// TermFilter narrows a list of taxonomy terms; every field set must hold.
type TermFilter struct {
	TaxonomyID string
	ParentID   string
	TopOnly    bool // only terms with no parent
	// Current leaves out retired terms: the ORUK lists do, while a retired
	// term stays readable by its id and on the services it tags.
	Current bool
}

// Taxonomies lists the taxonomies by name.
func (st *Store) Taxonomies(ctx context.Context, p Page) (List[Taxonomy], error) {
	q := &query{}
	from := "FROM offer_taxonomies"
	stmt := "SELECT id, name, description, uri, version " + from + " ORDER BY name, id" + q.limit(p)
	return list(ctx, st, stmt, from, q.args, p, false, func(scan scanner) (Taxonomy, error) {
		var t Taxonomy
		err := scan(&t.ID, &t.Name, &t.Description, text(&t.URI), text(&t.Version))
		return t, err
	})
}

// Taxonomy returns the taxonomy with id and its current (not retired) terms;
// NotFound if there is none.
func (st *Store) Taxonomy(ctx context.Context, id string) (Taxonomy, error) {
	var t Taxonomy
	err := st.DB.QueryRowContext(ctx, "SELECT id, name, description, uri, version FROM offer_taxonomies WHERE id = $1", id).
		Scan(&t.ID, &t.Name, &t.Description, text(&t.URI), text(&t.Version))
	if errors.Is(err, sql.ErrNoRows) {
		return Taxonomy{}, apperr.Errorf(apperr.NotFound, "there is no taxonomy with the id %s", id)
	}
	if err != nil {
		return Taxonomy{}, err
	}
	terms, err := st.TaxonomyTerms(ctx, TermFilter{TaxonomyID: id, Current: true}, Page{Number: 1, Size: 10000})
	t.TaxonomyTerms = terms.Items
	return t, err
}

// TaxonomyTerms lists the terms f matches, by taxonomy and name.
func (st *Store) TaxonomyTerms(ctx context.Context, f TermFilter, p Page) (List[TaxonomyTerm], error) {
	q := &query{}
	if f.TaxonomyID != "" {
		q.where("t.taxonomy_id = " + q.arg(f.TaxonomyID))
	}
	if f.ParentID != "" {
		q.where("t.parent_id = " + q.arg(f.ParentID))
	}
	if f.TopOnly {
		q.where("t.parent_id IS NULL")
	}
	if f.Current {
		q.where("t.retired_at IS NULL")
	}
	from := "FROM offer_taxonomy_terms t JOIN offer_taxonomies x ON x.id = t.taxonomy_id" + q.clauses(true)
	stmt := "SELECT " + termSelect + " " + from + " ORDER BY x.name, t.name, t.id" + q.limit(p)
	return list(ctx, st, stmt, from, q.args, p, false, func(scan scanner) (TaxonomyTerm, error) {
		var t TaxonomyTerm
		err := scan(termDest(&t)...)
		return t, err
	})
}

// TaxonomyTerm returns the term with id; NotFound if there is none.
func (st *Store) TaxonomyTerm(ctx context.Context, id string) (TaxonomyTerm, error) {
	var t TaxonomyTerm
	err := st.DB.QueryRowContext(ctx, "SELECT "+termSelect+` FROM offer_taxonomy_terms t
		JOIN offer_taxonomies x ON x.id = t.taxonomy_id WHERE t.id = $1`, id).Scan(termDest(&t)...)
	if errors.Is(err, sql.ErrNoRows) {
		return TaxonomyTerm{}, apperr.Errorf(apperr.NotFound, "there is no taxonomy term with the id %s", id)
	}
	return t, err
}
