package sar

import "context"

// Local Offer imports a member of staff applied from the editors' pages
// (internal/offer/imports, migration 00025): who imported what, and when.
// Here rather than beside their table because a section reads through
// *Reader, and that package cannot import this one back. The checked feeds
// waiting to be applied are the directory's public data, not the person's,
// and expire within the hour; they are not exported.
func offerImports(ctx context.Context, r *Reader) (*Table, error) {
	if r.Subject.PersonID == "" {
		return nil, nil
	}
	return r.Read(ctx, Query{
		Select: `i.id AS import_id, i.imported_at AS imported_at, i.source AS source, i.format AS format, i.sha256 AS file_sha256,
			i.size AS size_bytes, i.services_new AS services_new, i.services_changed AS services_changed,
			i.services_unchanged AS services_unchanged`,
		From:  "offer_imports i",
		Where: "i.imported_by = $1", OrderBy: "i.imported_at, i.id",
	}, r.Subject.PersonID)
}
