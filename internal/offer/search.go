package offer

import (
	"context"
	"math"
	"strconv"
	"strings"

	"joinedup/internal/db"
)

// Families' search (the public pages): the same filters as the API, plus
// distance from a postcode over services (not services at locations), and
// for each result what a list shows and what says why it matched.

// Hit is one service in a family's search results: what a list shows of it
// (hitSelect) and its organisation's name, its taxonomy terms (Attributes,
// term ids only) and the places it runs at (ServiceAtLocations, each with
// its location's kind and point and its town).
type Hit struct {
	Service
	// Distance is in metres from Filter.Near to the service's nearest place;
	// nil without Near, or for a service with no place (online, by phone).
	Distance *float64
}

// Search lists the services f matches for families, a page at a time.
//
// With f.Near the order is the rule the search page explains: first the
// services with a place, nearest place first (with f.Within, only those
// within it); then the services with no place, which families anywhere can
// use (online, by phone), by best match to the words or else by name.
// Without f.Near, by best match to the words, else by name.
func (st *Store) Search(ctx context.Context, f Filter, p Page) (List[Hit], error) {
	q := &query{windowed: st.DB.Dialect == db.Postgres}
	st.filter(q, f)
	if q.none {
		return List[Hit]{}, nil
	}
	if f.Near != nil {
		// The nearest place of each service, as a squared distance in metres
		// (equirectangular, as Distance); NULL for a service with no place.
		lat, lon := q.arg(f.Near.Latitude), q.arg(f.Near.Longitude)
		ky, kx := q.arg(metresPerDegree), q.arg(f.Near.metresPerLongitude())
		dy, dx := "((l.latitude - "+lat+") * "+ky+")", "((l.longitude - "+lon+") * "+kx+")"
		q.join = ` LEFT JOIN (SELECT sal.service_id, MIN(` + dy + " * " + dy + " + " + dx + " * " + dx + `) AS dist2
			FROM offer_service_at_locations sal JOIN offer_locations l ON l.id = sal.location_id
			WHERE l.latitude IS NOT NULL GROUP BY sal.service_id) d ON d.service_id = s.id`
		q.order = append([]orderTerm{{"CASE WHEN d.dist2 IS NULL THEN 1 ELSE 0 END", ""}, {"d.dist2", ""}}, q.order...)
		if f.Within > 0 {
			q.where("(d.dist2 IS NULL OR d.dist2 <= " + q.arg(f.Within*f.Within) + ")")
		}
	}
	q.orderBy("s.name", "")
	// What the list shows besides the service's own columns comes in the
	// same statement, aggregated per page row: its term ids, and its places
	// as kind, latitude, longitude and town (one statement instead of three:
	// each statement and each bound id cost more than the rows on SQLite).
	agg := "group_concat"
	if st.DB.Dialect == db.Postgres {
		agg = "string_agg"
	}
	unit, record := q.arg(unitSep), q.arg(recordSep)
	cols := hitSelect + `, (SELECT ` + agg + `(a.taxonomy_term_id, CAST(` + unit + ` AS TEXT)) FROM offer_attributes a WHERE a.service_id = s.id),
		(SELECT ` + agg + `(l.location_type || CAST(` + unit + ` AS TEXT) || COALESCE(CAST(l.latitude AS TEXT), '') || CAST(` + unit + ` AS TEXT)
			|| COALESCE(CAST(l.longitude AS TEXT), '') || CAST(` + unit + ` AS TEXT) || COALESCE(ad.city, ''), CAST(` + record + ` AS TEXT))
		FROM offer_service_at_locations sal JOIN offer_locations l ON l.id = sal.location_id
		LEFT JOIN offer_addresses ad ON ad.location_id = l.id WHERE sal.service_id = s.id)`
	l, err := servicesPage(ctx, st, q, p, cols, "JOIN offer_organizations o ON o.id = s.organization_id", func(scan scanner) (Hit, error) {
		var h Hit
		var terms, places string
		if err := scan(append(hitDest(&h.Service), text(&terms), text(&places))...); err != nil {
			return h, err
		}
		h.Service = h.Service.tidy()
		for t := range strings.SplitSeq(terms, unitSep) {
			if t != "" {
				h.Attributes = append(h.Attributes, Attribute{LinkID: h.ID, TaxonomyTermID: t})
			}
		}
		for pl := range strings.SplitSeq(places, recordSep) {
			if f := strings.Split(pl, unitSep); len(f) == 4 {
				loc := &Location{LocationType: f[0]}
				if lat, err := strconv.ParseFloat(f[1], 64); err == nil {
					loc.Latitude = &lat
				}
				if lon, err := strconv.ParseFloat(f[2], 64); err == nil {
					loc.Longitude = &lon
				}
				if f[3] != "" {
					loc.Addresses = []Address{{City: f[3]}}
				}
				h.ServiceAtLocations = append(h.ServiceAtLocations, ServiceAtLocation{ServiceID: h.ID, Location: loc})
			}
		}
		return h, nil
	})
	if err != nil || len(l.Items) == 0 {
		return l, err
	}
	if f.Near != nil {
		for i := range l.Items {
			l.Items[i].Distance = nearest(*f.Near, &l.Items[i].Service)
		}
	}
	return l, nil
}

// nearest is the distance from p to the nearest of s's places, or nil.
func nearest(p Point, s *Service) *float64 {
	best := math.Inf(1)
	for _, sal := range s.ServiceAtLocations {
		if l := sal.Location; l != nil && l.Latitude != nil && l.Longitude != nil {
			best = min(best, Distance(p, Point{*l.Latitude, *l.Longitude}))
		}
	}
	if math.IsInf(best, 1) {
		return nil
	}
	return &best
}

// The separators of the fields and records aggregated into one column: ASCII's
// own, which no name or town holds.
const unitSep, recordSep = "\x1f", "\x1e"

// hitSelect is what a list of results shows of a service: fewer columns
// than serviceSelect, since reading each column of each row is much of a
// search's cost on SQLite.
const hitSelect = `s.id, s.organization_id, s.name, s.description, s.status, s.fees, s.minimum_age, s.maximum_age, s.alert,
	s.last_checked, o.name`

func hitDest(s *Service) []any {
	s.Organization = &Organization{}
	return []any{&s.ID, &s.OrganizationID, &s.Name, text(&s.Description), &s.Status, text(&s.Fees), intOrNil{&s.MinimumAge},
		intOrNil{&s.MaximumAge}, text(&s.Alert), &s.LastChecked, &s.Organization.Name}
}

// Facet is a taxonomy families filter by, with its terms.
type Facet struct {
	Taxonomy
	// Terms are the taxonomy's top terms in name order, each followed by its
	// children; retired ones too (Retired), to name the services they tag.
	Terms []TaxonomyTerm
}

// Facets reads every taxonomy with its terms, keyed by taxonomy name, in one statement.
func (st *Store) Facets(ctx context.Context) (map[string]*Facet, error) {
	out := map[string]*Facet{}
	var terms []TaxonomyTerm
	err := st.each(ctx, `SELECT x.id, x.name, x.description, t.retired_at IS NOT NULL, `+termSelect+` FROM offer_taxonomy_terms t
		JOIN offer_taxonomies x ON x.id = t.taxonomy_id ORDER BY x.name, t.name, t.id`, nil, func(scan scanner) error {
		var x Taxonomy
		var t TaxonomyTerm
		if err := scan(append([]any{&x.ID, &x.Name, &x.Description, &t.Retired}, termDest(&t)...)...); err != nil {
			return err
		}
		if out[x.Name] == nil {
			out[x.Name] = &Facet{Taxonomy: x}
		}
		terms = append(terms, t)
		return nil
	})
	if err != nil {
		return nil, err
	}
	children := map[string][]TaxonomyTerm{}
	for _, t := range terms {
		if t.ParentID != "" {
			children[t.ParentID] = append(children[t.ParentID], t)
		}
	}
	for _, t := range terms {
		if t.ParentID == "" {
			f := out[t.Taxonomy]
			f.Terms = append(append(f.Terms, t), children[t.ID]...)
		}
	}
	return out, nil
}

// Term finds a current term of the facet by its code (HSDS "term"), or nil:
// a retired term is no filter.
func (f *Facet) Term(code string) *TaxonomyTerm {
	if f == nil {
		return nil
	}
	code = strings.ToLower(strings.TrimSpace(code))
	for i := range f.Terms {
		if f.Terms[i].Code == code && !f.Terms[i].Retired {
			return &f.Terms[i]
		}
	}
	return nil
}

// Shortlist returns the services with ids that still exist, fully nested, in
// the order of ids (the order a family added them). Unknown ids are left out.
func (st *Store) Shortlist(ctx context.Context, ids []string) ([]Service, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	l, err := st.Services(ctx, Filter{IDs: ids}, Page{Number: 1, Size: len(ids)})
	if err != nil || len(l.Items) == 0 {
		return nil, err
	}
	byID := map[string]*Service{}
	ptrs := make([]*Service, len(l.Items))
	for i := range l.Items {
		ptrs[i] = &l.Items[i]
		byID[l.Items[i].ID] = &l.Items[i]
	}
	if err := st.details(ctx, ptrs, true); err != nil {
		return nil, err
	}
	out := make([]Service, 0, len(l.Items))
	for _, id := range ids {
		if s := byID[id]; s != nil {
			out = append(out, *s)
			delete(byID, id)
		}
	}
	return out, nil
}
