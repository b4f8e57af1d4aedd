package sar

import "context"

// taxonomyChanges are the changes a member of staff made to the Local
// Offer's taxonomies (internal/offer/taxonomy): the history names them.
func taxonomyChanges(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.PersonID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `c.changed_at AS changed_at, c.action AS action, t.name AS term, c.before_json AS before, c.after_json AS after`,
		From:   "offer_taxonomy_term_changes c JOIN offer_taxonomy_terms t ON t.id = c.term_id",
		Where:  "c.changed_by = $1", OrderBy: "c.changed_at, c.id",
	}, r.Subject.PersonID)
}
