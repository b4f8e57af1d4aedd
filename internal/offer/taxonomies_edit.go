package offer

import (
	"context"
	"database/sql"
)

// RewriteKeywords rewrites, inside tx, the search keywords of every service
// tagged with the term termID, after an editor renamed it: a family then
// finds the services by the term's new name and no longer by the old one.
// It reads through tx, so it sees the rename the transaction has made.
func RewriteKeywords(ctx context.Context, tx *sql.Tx, termID string) error {
	const tagged = "(SELECT service_id FROM offer_attributes WHERE taxonomy_term_id = $1)"
	svcs := map[string]*Service{}
	var order []string
	each := func(q string, row func(scan scanner) error) error {
		rows, err := tx.QueryContext(ctx, q, termID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := row(rows.Scan); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	err := each(`SELECT s.id, o.name FROM offer_services s JOIN offer_organizations o ON o.id = s.organization_id
		WHERE s.id IN `+tagged+` ORDER BY s.id`, func(scan scanner) error {
		s := &Service{Organization: &Organization{}}
		if err := scan(&s.ID, &s.Organization.Name); err != nil {
			return err
		}
		svcs[s.ID] = s
		order = append(order, s.ID)
		return nil
	})
	if err != nil || len(order) == 0 {
		return err
	}
	// The same order as details reads them, so the words come out as a load writes them.
	err = each(`SELECT a.service_id, t.name FROM offer_attributes a JOIN offer_taxonomy_terms t ON t.id = a.taxonomy_term_id
		JOIN offer_taxonomies x ON x.id = t.taxonomy_id WHERE a.service_id IN `+tagged+` ORDER BY a.service_id, x.name, t.name, a.id`,
		func(scan scanner) error {
			var id string
			t := &TaxonomyTerm{}
			if err := scan(&id, &t.Name); err != nil {
				return err
			}
			svcs[id].Attributes = append(svcs[id].Attributes, Attribute{TaxonomyTerm: t})
			return nil
		})
	if err != nil {
		return err
	}
	err = each(`SELECT sal.service_id, a.city FROM offer_service_at_locations sal JOIN offer_addresses a ON a.location_id = sal.location_id
		WHERE sal.service_id IN `+tagged+` ORDER BY sal.service_id, sal.id, a.id`, func(scan scanner) error {
		var id string
		l := &Location{Addresses: []Address{{}}}
		if err := scan(&id, &l.Addresses[0].City); err != nil {
			return err
		}
		svcs[id].ServiceAtLocations = append(svcs[id].ServiceAtLocations, ServiceAtLocation{Location: l})
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range order {
		if _, err := tx.ExecContext(ctx, "UPDATE offer_services SET keywords = $2 WHERE id = $1", id, keywords(*svcs[id])); err != nil {
			return err
		}
	}
	return nil
}
