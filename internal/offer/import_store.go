package offer

import (
	"context"
	"database/sql"
	"errors"
)

// Reads an import makes before it writes: the stored versions of what the
// feed names, a batch of ids at a time.

// idBatch keeps IN lists well inside both databases' parameter limits.
const idBatch = 500

// inBatches calls fn with a parenthesised IN list and its arguments for
// each batch of ids.
func inBatches(ids []string, fn func(in string, args []any) error) error {
	for len(ids) > 0 {
		n := min(len(ids), idBatch)
		q := &query{}
		in := q.in(ids[:n])
		if err := fn(in, q.args); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// servicesByID reads the stored services with ids, fully nested.
func (st *Store) servicesByID(ctx context.Context, ids []string) (map[string]Service, error) {
	out := make(map[string]Service, len(ids))
	err := inBatches(ids, func(in string, args []any) error {
		var batch []Service
		err := st.each(ctx, "SELECT "+serviceSelect+` FROM offer_services s JOIN offer_organizations o ON o.id = s.organization_id
			WHERE s.id IN `+in, args, func(scan scanner) error {
			var s Service
			if err := scan(serviceDest(&s)...); err != nil {
				return err
			}
			batch = append(batch, s.tidy())
			return nil
		})
		if err != nil {
			return err
		}
		ptrs := make([]*Service, len(batch))
		for i := range batch {
			ptrs[i] = &batch[i]
		}
		if err := st.details(ctx, ptrs, true); err != nil {
			return err
		}
		for _, s := range batch {
			out[s.ID] = s
		}
		return nil
	})
	return out, err
}

func (st *Store) organizationsByID(ctx context.Context, ids []string) (map[string]Organization, error) {
	out := map[string]Organization{}
	err := inBatches(ids, func(in string, args []any) error {
		return st.each(ctx, `SELECT id, name, description, email, website, logo, uri, parent_organization_id
			FROM offer_organizations WHERE id IN `+in, args, func(scan scanner) error {
			var o Organization
			err := scan(&o.ID, &o.Name, &o.Description, text(&o.Email), text(&o.Website), text(&o.Logo), text(&o.URI), text(&o.ParentOrganizationID))
			out[o.ID] = o
			return err
		})
	})
	return out, err
}

func (st *Store) locationsByID(ctx context.Context, ids []string) (map[string]Location, error) {
	out := map[string]Location{}
	err := inBatches(ids, func(in string, args []any) error {
		var batch []*Location
		err := st.each(ctx, "SELECT "+locationSelect+" FROM offer_locations l WHERE l.id IN "+in, args, func(scan scanner) error {
			l := &Location{}
			batch = append(batch, l)
			return scan(locationDest(l)...)
		})
		if err != nil {
			return err
		}
		if err := st.places(ctx, batch); err != nil {
			return err
		}
		for _, l := range batch {
			out[l.ID] = *l
		}
		return nil
	})
	return out, err
}

func (st *Store) termsByID(ctx context.Context, ids []string) (map[string]TaxonomyTerm, error) {
	out := map[string]TaxonomyTerm{}
	err := inBatches(ids, func(in string, args []any) error {
		return st.each(ctx, "SELECT "+termSelect+`, t.retired_at IS NOT NULL FROM offer_taxonomy_terms t
			JOIN offer_taxonomies x ON x.id = t.taxonomy_id WHERE t.id IN `+in, args, func(scan scanner) error {
			var t TaxonomyTerm
			err := scan(append(termDest(&t), &t.Retired)...)
			out[t.ID] = t
			return err
		})
	})
	return out, err
}

// taxonomiesByID maps the stored taxonomies among ids to their names.
func (st *Store) taxonomiesByID(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	err := inBatches(ids, func(in string, args []any) error {
		return st.each(ctx, "SELECT id, name FROM offer_taxonomies WHERE id IN "+in, args, func(scan scanner) error {
			var id, name string
			err := scan(&id, &name)
			out[id] = name
			return err
		})
	})
	return out, err
}

// exists says whether table has a row with id.
func (st *Store) exists(ctx context.Context, table, id string) bool {
	var one int
	err := st.DB.QueryRowContext(ctx, "SELECT 1 FROM "+table+" WHERE id = $1", id).Scan(&one)
	return err == nil
}

// ownerSQL finds, for ids of a nested table, the record each belongs to.
var ownerSQL = map[string]string{
	"offer_service_at_locations": "SELECT id, service_id FROM offer_service_at_locations WHERE id IN ",
	"offer_schedules":            "SELECT id, service_id FROM offer_schedules WHERE id IN ",
	"offer_service_areas":        "SELECT id, service_id FROM offer_service_areas WHERE id IN ",
	"offer_cost_options":         "SELECT id, service_id FROM offer_cost_options WHERE id IN ",
	"offer_contacts":             "SELECT id, service_id FROM offer_contacts WHERE id IN ",
	"offer_phones":               "SELECT p.id, c.service_id FROM offer_phones p JOIN offer_contacts c ON c.id = p.contact_id WHERE p.id IN ",
	"offer_attributes":           "SELECT id, service_id FROM offer_attributes WHERE id IN ",
	"offer_addresses":            "SELECT id, location_id FROM offer_addresses WHERE id IN ",
	"offer_accessibility":        "SELECT id, location_id FROM offer_accessibility WHERE id IN ",
}

// nestedOwners calls clash for every id of nested (table → ids) that is
// stored under another record than owner says: writing it would fail on
// the primary key, or take the row from the other record.
func (st *Store) nestedOwners(ctx context.Context, nested map[string][]string, owner map[string]string, clash func(table, id, other string)) error {
	for _, table := range keys(nested) {
		err := inBatches(nested[table], func(in string, args []any) error {
			return st.each(ctx, ownerSQL[table]+in, args, func(scan scanner) error {
				var id, of string
				if err := scan(&id, &of); err != nil {
					return err
				}
				if owner[id] != of {
					clash(table, id, of)
				}
				return nil
			})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// affected lists the stored services outside the feed (inFeed) whose
// organisation, location or term the plan changes.
func (st *Store) affected(ctx context.Context, pl *importPlan, inFeed map[string]string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	collect := func(stmt string, ids []string) error {
		return inBatches(ids, func(in string, args []any) error {
			return st.each(ctx, stmt+in, args, func(scan scanner) error {
				var id string
				if err := scan(&id); err != nil {
					return err
				}
				if _, ok := inFeed[id]; !ok && !seen[id] {
					seen[id] = true
					out = append(out, id)
				}
				return nil
			})
		})
	}
	err := collect("SELECT id FROM offer_services WHERE organization_id IN ", ids(pl.changedOrgs, func(o Organization) string { return o.ID }))
	if err == nil {
		err = collect("SELECT service_id FROM offer_service_at_locations WHERE location_id IN ", ids(pl.changedLocations, func(l Location) string { return l.ID }))
	}
	if err == nil {
		err = collect("SELECT service_id FROM offer_attributes WHERE taxonomy_term_id IN ", ids(pl.changedTerms, func(t TaxonomyTerm) string { return t.ID }))
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return out, err
}
