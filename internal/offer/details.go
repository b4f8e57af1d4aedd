package offer

import (
	"context"
	"fmt"
)

// Reading rows into the model: the column lists, where each lands, and the
// nested parts of services and locations, read a batch at a time (one query
// per kind of part, whatever the batch's size).

// serviceSelect is what lists and records show; last_checked is not in the
// API's JSON, but families' pages say when a service was last checked.
const serviceSelect = `s.id, s.organization_id, s.name, s.description, s.url, s.email, s.status, s.fees, s.accreditations,
	s.minimum_age, s.maximum_age, s.assured_date, s.assurer_email, s.alert, s.last_modified, s.last_checked,
	o.name, o.description, o.email, o.website, o.logo, o.uri, o.parent_organization_id`

func serviceDest(s *Service) []any {
	o := &Organization{}
	s.Organization = o
	return []any{&s.ID, &s.OrganizationID, &s.Name, text(&s.Description), text(&s.URL), text(&s.Email), &s.Status, text(&s.Fees),
		text(&s.Accreditations), intOrNil{&s.MinimumAge}, intOrNil{&s.MaximumAge}, &s.AssuredDate, text(&s.AssurerEmail),
		text(&s.Alert), &s.LastModified, &s.LastChecked,
		&o.Name, &o.Description, text(&o.Email), text(&o.Website), text(&o.Logo), text(&o.URI), text(&o.ParentOrganizationID)}
}

// tidy finishes a scanned service: the organisation's id, instants in UTC.
func (s Service) tidy() Service {
	s.Organization.ID = s.OrganizationID
	s.LastModified = s.LastModified.UTC()
	s.LastChecked = s.LastChecked.UTC()
	return s
}

const locationSelect = `l.id, l.location_type, l.name, l.description, l.latitude, l.longitude, l.external_identifier, l.external_identifier_type`

func locationDest(l *Location) []any {
	return []any{&l.ID, &l.LocationType, text(&l.Name), text(&l.Description), floatOrNil{&l.Latitude}, floatOrNil{&l.Longitude},
		text(&l.ExternalIdentifier), text(&l.ExternalIdentifierType)}
}

const termSelect = `t.id, t.name, t.description, t.parent_id, t.code, t.term_uri, t.taxonomy_id, x.name`

func termDest(t *TaxonomyTerm) []any {
	return []any{&t.ID, &t.Name, &t.Description, text(&t.ParentID), text(&t.Code), text(&t.TermURI), &t.TaxonomyID, &t.Taxonomy}
}

// details reads the nested parts of svcs: schedules, areas, costs, contacts
// with phones, taxonomy terms and, with places, the locations they run at.
func (st *Store) details(ctx context.Context, svcs []*Service, places bool) error {
	if len(svcs) == 0 {
		return nil
	}
	byID := make(map[string]*Service, len(svcs))
	ids := make([]string, len(svcs))
	for i, s := range svcs {
		byID[s.ID], ids[i] = s, s.ID
	}
	q := &query{}
	in := q.in(ids)
	read := func(stmt string, row func(scanner) error) error {
		return st.each(ctx, stmt, q.args, row)
	}
	err := read(`SELECT id, service_id, service_at_location_id, valid_from, valid_to, dtstart, freq, interval, byday, bymonthday,
		opens_at, closes_at, description, attending_type, notes, schedule_link FROM offer_schedules
		WHERE service_id IN `+in+` ORDER BY service_id, id`, func(scan scanner) error {
		var sc Schedule
		err := scan(&sc.ID, &sc.ServiceID, text(&sc.ServiceAtLocationID), &sc.ValidFrom, &sc.ValidTo, &sc.DTStart, text(&sc.Freq),
			intOrZero{&sc.Interval}, text(&sc.ByDay), text(&sc.ByMonthDay), text(&sc.OpensAt), text(&sc.ClosesAt),
			text(&sc.Description), text(&sc.AttendingType), text(&sc.Notes), text(&sc.ScheduleLink))
		if err != nil {
			return err
		}
		s := byID[sc.ServiceID]
		s.Schedules = append(s.Schedules, sc)
		return nil
	})
	if err == nil {
		err = read(`SELECT id, service_id, name, description, extent, extent_type, uri FROM offer_service_areas
			WHERE service_id IN `+in+` ORDER BY service_id, id`, func(scan scanner) error {
			var a ServiceArea
			var sid string
			if err := scan(&a.ID, &sid, text(&a.Name), text(&a.Description), text(&a.Extent), text(&a.ExtentType), text(&a.URI)); err != nil {
				return err
			}
			byID[sid].ServiceAreas = append(byID[sid].ServiceAreas, a)
			return nil
		})
	}
	if err == nil {
		err = read(`SELECT id, service_id, option, amount_pence, amount_description, valid_from, valid_to FROM offer_cost_options
			WHERE service_id IN `+in+` ORDER BY service_id, amount_pence, id`, func(scan scanner) error {
			var c CostOption
			var sid string
			var pence *int
			if err := scan(&c.ID, &sid, text(&c.Option), intOrNil{&pence}, text(&c.AmountDescription), &c.ValidFrom, &c.ValidTo); err != nil {
				return err
			}
			if pence != nil {
				pounds := float64(*pence) / 100
				c.Amount = &pounds
			}
			byID[sid].CostOptions = append(byID[sid].CostOptions, c)
			return nil
		})
	}
	if err == nil {
		err = read(`SELECT c.id, c.service_id, c.name, c.title, p.id, p.number, p.description FROM offer_contacts c
			LEFT JOIN offer_phones p ON p.contact_id = c.id WHERE c.service_id IN `+in+` ORDER BY c.service_id, c.id, p.id`,
			func(scan scanner) error {
				var c Contact
				var p Phone
				var sid string
				if err := scan(&c.ID, &sid, text(&c.Name), text(&c.Title), text(&p.ID), text(&p.Number), text(&p.Description)); err != nil {
					return err
				}
				s := byID[sid]
				if n := len(s.Contacts); n == 0 || s.Contacts[n-1].ID != c.ID {
					s.Contacts = append(s.Contacts, c)
				}
				if p.ID != "" {
					last := &s.Contacts[len(s.Contacts)-1]
					last.Phones = append(last.Phones, p)
				}
				return nil
			})
	}
	if err == nil {
		err = read(`SELECT a.id, a.service_id, a.link_type, a.value, `+termSelect+` FROM offer_attributes a
			JOIN offer_taxonomy_terms t ON t.id = a.taxonomy_term_id JOIN offer_taxonomies x ON x.id = t.taxonomy_id
			WHERE a.service_id IN `+in+` ORDER BY a.service_id, x.name, t.name, a.id`, func(scan scanner) error {
			a := Attribute{TaxonomyTerm: &TaxonomyTerm{}}
			if err := scan(append([]any{&a.ID, &a.LinkID, text(&a.LinkType), text(&a.Value)}, termDest(a.TaxonomyTerm)...)...); err != nil {
				return err
			}
			a.TaxonomyTermID = a.TaxonomyTerm.ID
			byID[a.LinkID].Attributes = append(byID[a.LinkID].Attributes, a)
			return nil
		})
	}
	if err != nil || !places {
		return err
	}
	var locs []*Location
	err = read(`SELECT sal.id, sal.service_id, `+locationSelect+` FROM offer_service_at_locations sal
		JOIN offer_locations l ON l.id = sal.location_id WHERE sal.service_id IN `+in+` ORDER BY sal.service_id, l.name, sal.id`,
		func(scan scanner) error {
			sal := ServiceAtLocation{Location: &Location{}}
			if err := scan(append([]any{&sal.ID, &sal.ServiceID}, locationDest(sal.Location)...)...); err != nil {
				return err
			}
			sal.LocationID = sal.Location.ID
			s := byID[sal.ServiceID]
			s.ServiceAtLocations = append(s.ServiceAtLocations, sal)
			locs = append(locs, sal.Location)
			return nil
		})
	if err != nil {
		return err
	}
	return st.places(ctx, locs)
}

// places reads the addresses and accessibility of locs.
func (st *Store) places(ctx context.Context, locs []*Location) error {
	if len(locs) == 0 {
		return nil
	}
	byID := map[string][]*Location{} // one location may be in a batch more than once
	ids := []string{}
	for _, l := range locs {
		if byID[l.ID] == nil {
			ids = append(ids, l.ID)
		}
		byID[l.ID] = append(byID[l.ID], l)
	}
	q := &query{}
	in := q.in(ids)
	err := st.each(ctx, `SELECT id, location_id, attention, address_1, address_2, city, region, state_province, postal_code, country,
		address_type FROM offer_addresses WHERE location_id IN `+in+` ORDER BY location_id, id`, q.args, func(scan scanner) error {
		var a Address
		var lid string
		if err := scan(&a.ID, &lid, text(&a.Attention), &a.Address1, text(&a.Address2), &a.City, text(&a.Region),
			&a.StateProvince, &a.PostalCode, &a.Country, &a.AddressType); err != nil {
			return err
		}
		for _, l := range byID[lid] {
			l.Addresses = append(l.Addresses, a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return st.each(ctx, `SELECT id, location_id, description, details, url FROM offer_accessibility
		WHERE location_id IN `+in+` ORDER BY location_id, id`, q.args, func(scan scanner) error {
		var a Accessibility
		var lid string
		if err := scan(&a.ID, &lid, text(&a.Description), text(&a.Details), text(&a.URL)); err != nil {
			return err
		}
		for _, l := range byID[lid] {
			l.Accessibility = append(l.Accessibility, a)
		}
		return nil
	})
}

// Scanning optional columns: NULL becomes the field's empty value, which the
// JSON then leaves out.

type textOrEmpty struct{ p *string }

func text(p *string) textOrEmpty { return textOrEmpty{p} }

func (d textOrEmpty) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d.p = ""
	case string:
		*d.p = x
	case []byte:
		*d.p = string(x)
	default:
		return fmt.Errorf("offer: cannot read %T as text", v)
	}
	return nil
}

type intOrNil struct{ p **int }

func (d intOrNil) Scan(v any) error {
	n, ok, err := asInt(v)
	*d.p = nil
	if ok {
		*d.p = &n
	}
	return err
}

type intOrZero struct{ p *int }

func (d intOrZero) Scan(v any) error {
	n, _, err := asInt(v)
	*d.p = n
	return err
}

func asInt(v any) (int, bool, error) {
	switch x := v.(type) {
	case nil:
		return 0, false, nil
	case int64:
		return int(x), true, nil
	case int32:
		return int(x), true, nil
	case float64:
		return int(x), true, nil
	}
	return 0, false, fmt.Errorf("offer: cannot read %T as a number", v)
}

type floatOrNil struct{ p **float64 }

func (d floatOrNil) Scan(v any) error {
	*d.p = nil
	switch x := v.(type) {
	case nil:
	case float64:
		*d.p = &x
	case float32:
		f := float64(x)
		*d.p = &f
	case int64:
		f := float64(x)
		*d.p = &f
	default:
		return fmt.Errorf("offer: cannot read %T as a number", v)
	}
	return nil
}
