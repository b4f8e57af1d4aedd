package offer

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"joinedup/internal/apperr"
	"joinedup/internal/csvsafe"
)

// The CSV layout a council officer can fill in a spreadsheet: one row per
// service, its main contact, price, place and times; docs/local-offer-import.md
// explains each column. A row changes only what its columns hold: a stored
// service keeps its other contacts, places, prices and times, and what the
// layout has no column for (service areas, accessibility…). So an export read
// back changes nothing.

// csvColumns are the layout's columns, in the order an export writes them.
var csvColumns = []string{"id", "name", "organisation", "description", "status", "url", "email", "contact_name", "phone",
	"minimum_age", "maximum_age", "fees", "cost_amount", "categories", "venue", "address_1", "address_2", "town", "county",
	"postcode", "schedule"}

// termNames names each term as the categories column writes it: its name,
// or "Taxonomy: name" where two taxonomies have a term of that name.
func (st *Store) termNames(ctx context.Context) (map[string]string, error) {
	terms, err := st.TaxonomyTerms(ctx, TermFilter{}, Page{Number: 1, Size: 1 << 20})
	if err != nil {
		return nil, err
	}
	count := map[string]int{}
	for _, t := range terms.Items {
		count[strings.ToLower(t.Name)]++
	}
	out := make(map[string]string, len(terms.Items))
	for _, t := range terms.Items {
		out[t.ID] = t.Name
		if count[strings.ToLower(t.Name)] > 1 {
			out[t.ID] = t.Taxonomy + ": " + t.Name
		}
	}
	return out, nil
}

// csvRowOf is a service as a row of the layout (before neutralising).
func csvRowOf(s Service, termNames map[string]string) []string {
	row := map[string]string{"id": s.ID, "name": s.Name, "description": s.Description, "status": s.Status, "url": s.URL,
		"email": s.Email, "fees": s.Fees}
	if s.Organization != nil {
		row["organisation"] = s.Organization.Name
	}
	if s.MinimumAge != nil {
		row["minimum_age"] = strconv.Itoa(*s.MinimumAge)
	}
	if s.MaximumAge != nil {
		row["maximum_age"] = strconv.Itoa(*s.MaximumAge)
	}
	if len(s.Contacts) > 0 {
		row["contact_name"] = s.Contacts[0].Name
		if len(s.Contacts[0].Phones) > 0 {
			row["phone"] = s.Contacts[0].Phones[0].Number
		}
	}
	if len(s.CostOptions) > 0 && s.CostOptions[0].Amount != nil {
		row["cost_amount"] = strconv.FormatFloat(*s.CostOptions[0].Amount, 'f', 2, 64)
	}
	var cats []string
	for _, a := range s.Attributes {
		cats = append(cats, termNames[a.TaxonomyTermID])
	}
	row["categories"] = strings.Join(cats, "; ")
	if len(s.ServiceAtLocations) > 0 && s.ServiceAtLocations[0].Location != nil {
		loc := s.ServiceAtLocations[0].Location
		row["venue"] = loc.Name
		if len(loc.Addresses) > 0 {
			a := loc.Addresses[0]
			row["address_1"], row["address_2"], row["town"], row["county"], row["postcode"] = a.Address1, a.Address2, a.City, a.StateProvince, a.PostalCode
		}
	}
	if len(s.Schedules) > 0 {
		row["schedule"] = s.Schedules[0].Description
	}
	out := make([]string, len(csvColumns))
	for i, c := range csvColumns {
		out[i] = row[c]
	}
	return out
}

// ReadCSV reads services in the CSV layout, at most MaxFeedBytes, each built
// on the stored service with its id (if any) as the layout says. Every
// problem is reported with its line and column, and then nothing is returned.
func ReadCSV(ctx context.Context, st *Store, r io.Reader, now time.Time) ([]FeedItem, error) {
	data, err := readBounded(r, MaxFeedBytes)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return nil, apperr.Errorf(apperr.Invalid, "the file is UTF-16; save the file as CSV UTF-8")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var p problems
	for n, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) {
			p.add(fmt.Sprintf("line %d", n+1), "", "not UTF-8; save the file as CSV UTF-8")
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, apperr.Errorf(apperr.Invalid, "the file is empty: it needs a header row naming the columns")
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	for i, h := range header {
		name := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(h)), " ", "_")
		switch {
		case name == "":
		case !slices.Contains(csvColumns, name):
			p.add("line 1", "", fmt.Sprintf("unknown column %q; the columns are %s", h, strings.Join(csvColumns, ", ")))
		case col[name] > 0:
			p.add("line 1", "", fmt.Sprintf("the column %q is there twice", h))
		default:
			col[name] = i + 1
		}
	}
	for _, need := range []string{"name", "organisation"} {
		if col[need] == 0 {
			p.add("line 1", "", fmt.Sprintf("there is no %q column", need))
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	b, err := newCSVBuilder(ctx, st, now)
	if err != nil {
		return nil, err
	}
	type row struct {
		line  int
		cells map[string]string
	}
	var rows []row
	var ids []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p.add(fmt.Sprintf("line %d", pe.Line), "", pe.Err.Error()+": a cell with a quote in it must be quoted whole, with quotes doubled")
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) > len(header) {
			p.add(fmt.Sprintf("line %d", line), "", fmt.Sprintf("has %d cells but the header names %d columns", len(rec), len(header)))
			continue
		}
		cells := map[string]string{}
		blank := true
		for name, i := range col {
			if i-1 < len(rec) {
				cells[name] = strings.Trim(csvsafe.Undo(rec[i-1]), " ") // a leading tab or CR is kept as text
				blank = blank && cells[name] == ""
			}
		}
		if blank {
			continue
		}
		rows = append(rows, row{line, cells})
		if id := cells["id"]; id != "" && isUUID(id) {
			ids = append(ids, id)
		}
	}
	stored, err := st.servicesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	var items []FeedItem
	for _, r := range rows {
		where := fmt.Sprintf("line %d", r.line)
		if s, ok := b.service(r.cells, stored, where, &p); ok {
			items = append(items, FeedItem{where, s})
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return items, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return apperr.Errorf(apperr.Invalid, "line %d: %v", pe.Line, pe.Err)
	}
	return err
}

// csvBuilder turns rows into services, with what the directory already holds.
type csvBuilder struct {
	now     time.Time
	orgs    map[string][]Organization // by lower-case name
	terms   map[string][]TaxonomyTerm // by lower-case name and "taxonomy: name"
	retired map[string]bool           // ids of retired terms
	locs    map[string]Location       // by placeKey; new ones join as they are made
}

func newCSVBuilder(ctx context.Context, st *Store, now time.Time) (*csvBuilder, error) {
	b := &csvBuilder{now: now, orgs: map[string][]Organization{}, terms: map[string][]TaxonomyTerm{}, locs: map[string]Location{}}
	err := st.each(ctx, "SELECT id, name, description, email, website, logo, uri, parent_organization_id FROM offer_organizations", nil,
		func(scan scanner) error {
			var o Organization
			err := scan(&o.ID, &o.Name, &o.Description, text(&o.Email), text(&o.Website), text(&o.Logo), text(&o.URI), text(&o.ParentOrganizationID))
			k := strings.ToLower(o.Name)
			b.orgs[k] = append(b.orgs[k], o)
			return err
		})
	if err != nil {
		return nil, err
	}
	terms, err := st.TaxonomyTerms(ctx, TermFilter{}, Page{Number: 1, Size: 1 << 20})
	if err != nil {
		return nil, err
	}
	for _, t := range terms.Items {
		for _, k := range []string{strings.ToLower(t.Name), strings.ToLower(t.Taxonomy + ": " + t.Name)} {
			b.terms[k] = append(b.terms[k], t)
		}
	}
	b.retired = map[string]bool{}
	err = st.each(ctx, "SELECT id FROM offer_taxonomy_terms WHERE retired_at IS NOT NULL", nil, func(scan scanner) error {
		var id string
		err := scan(&id)
		b.retired[id] = true
		return err
	})
	if err != nil {
		return nil, err
	}
	var locIDs []string
	err = st.each(ctx, "SELECT id FROM offer_locations ORDER BY id", nil, func(scan scanner) error {
		var id string
		err := scan(&id)
		locIDs = append(locIDs, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	locs, err := st.locationsByID(ctx, locIDs)
	for _, id := range locIDs {
		if k := placeKeyOf(locs[id]); b.locs[k].ID == "" {
			b.locs[k] = locs[id]
		}
	}
	return b, err
}

// placeKey identifies a place by what the layout says of it.
func placeKey(venue, address1, address2, town, county, postcode string) string {
	if pc, ok := NormalisePostcode(postcode); ok {
		postcode = pc
	}
	return strings.ToLower(strings.Join([]string{venue, address1, address2, town, county, postcode}, "\x1f"))
}

func placeKeyOf(l Location) string {
	var a Address
	if len(l.Addresses) > 0 {
		a = l.Addresses[0]
	}
	return placeKey(l.Name, a.Address1, a.Address2, a.City, a.StateProvince, a.PostalCode)
}

// service builds the service a row describes.
func (b *csvBuilder) service(c map[string]string, stored map[string]Service, where string, p *problems) (Service, bool) {
	before := p.count
	bad := func(field, msg string) { p.add(where, field, msg) }
	var s Service
	switch id := c["id"]; {
	case id == "":
		s.ID = uuid.NewString()
	case !isUUID(id):
		bad("id", "must be a UUID, as an export writes it, or empty for a new service")
	default:
		s = cloneService(stored[id])
		s.ID = id
	}
	s.Name, s.Description, s.URL, s.Email, s.Fees = c["name"], c["description"], c["url"], c["email"], c["fees"]
	s.Status = cmp.Or(c["status"], s.Status, Active)
	s.LastModified, s.LastChecked = b.now.UTC().Truncate(time.Second), b.now.UTC().Truncate(time.Second)
	for _, f := range []struct {
		col string
		to  **int
	}{{"minimum_age", &s.MinimumAge}, {"maximum_age", &s.MaximumAge}} {
		*f.to = nil
		if v := c[f.col]; v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				bad(f.col, "must be a whole number of years, e.g. 5")
			}
			*f.to = &n
		}
	}
	// The organisation, by name: the service's own, one the directory has, or a new one.
	name := c["organisation"]
	switch found := b.orgs[strings.ToLower(name)]; {
	case name == "":
		bad("organisation", "is required")
	case s.Organization != nil && s.Organization.Name == name:
	case len(found) > 1:
		bad("organisation", fmt.Sprintf("%d organisations are called %q; an editor should merge or rename them first", len(found), name))
	case len(found) == 1:
		o := found[0]
		s.Organization, s.OrganizationID = &o, o.ID
	default:
		o := Organization{ID: uuid.NewString(), Name: name, Description: name}
		b.orgs[strings.ToLower(name)] = []Organization{o}
		s.Organization, s.OrganizationID = &o, o.ID
	}
	// The first contact and its first phone.
	switch who, phone := c["contact_name"], c["phone"]; {
	case len(s.Contacts) > 0:
		ct := &s.Contacts[0]
		ct.Name = who
		switch {
		case phone == "" && len(ct.Phones) > 0:
			ct.Phones = ct.Phones[1:]
		case phone != "" && len(ct.Phones) > 0:
			ct.Phones[0].Number = phone
		case phone != "":
			ct.Phones = []Phone{{ID: uuid.NewString(), Number: phone}}
		}
		if ct.Name == "" && len(ct.Phones) == 0 && ct.Title == "" {
			s.Contacts = s.Contacts[1:]
		}
	case who != "" || phone != "":
		ct := Contact{ID: uuid.NewString(), Name: who}
		if phone != "" {
			ct.Phones = []Phone{{ID: uuid.NewString(), Number: phone}}
		}
		s.Contacts = []Contact{ct}
	}
	// The first price.
	var amount *float64
	if v := strings.TrimPrefix(strings.ReplaceAll(c["cost_amount"], ",", ""), "£"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 1e6 {
			bad("cost_amount", "must be an amount in pounds, e.g. 3.50, or empty")
		}
		amount = &f
	}
	switch {
	case len(s.CostOptions) > 0:
		s.CostOptions[0].Amount = amount
	case amount != nil:
		s.CostOptions = []CostOption{{ID: uuid.NewString(), Option: s.Fees, Amount: amount}}
	}
	// Categories: terms by name; the service keeps the attributes of terms still named.
	want := map[string]TaxonomyTerm{}
	var order []string
	for _, n := range strings.Split(c["categories"], ";") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		switch found := b.terms[strings.ToLower(n)]; len(found) {
		case 0:
			bad("categories", fmt.Sprintf("%q is not a term of the directory's taxonomies", n))
		case 1:
			if b.retired[found[0].ID] && !hasTerm(s, found[0].ID) { // kept where it is, never added
				bad("categories", fmt.Sprintf("%q is a retired term: choose a current one, or bring it back first", n))
				continue
			}
			if _, dup := want[found[0].ID]; !dup {
				want[found[0].ID] = found[0]
				order = append(order, found[0].ID)
			}
		default:
			var taxes []string
			for _, t := range found {
				taxes = append(taxes, t.Taxonomy)
			}
			bad("categories", fmt.Sprintf("%q is a term of %s: write it as %q", n, strings.Join(taxes, " and "), found[0].Taxonomy+": "+n))
		}
	}
	var attrs []Attribute
	for _, a := range s.Attributes {
		if _, ok := want[a.TaxonomyTermID]; ok {
			attrs = append(attrs, a)
			delete(want, a.TaxonomyTermID)
		}
	}
	for _, id := range order {
		if t, ok := want[id]; ok {
			attrs = append(attrs, Attribute{ID: uuid.NewString(), TaxonomyTermID: id, TaxonomyTerm: &t})
		}
	}
	s.Attributes = attrs
	// The first place.
	b.place(&s, c, where, p)
	// The first schedule's words.
	switch text := c["schedule"]; {
	case len(s.Schedules) > 0:
		s.Schedules[0].Description = text
		sc := s.Schedules[0]
		if text == "" && sc.Freq == "" && sc.ByDay == "" && sc.OpensAt == "" && sc.ClosesAt == "" {
			s.Schedules = s.Schedules[1:]
		}
	case text != "":
		s.Schedules = []Schedule{{ID: uuid.NewString(), Description: text}}
	}
	if p.count == before { // the service's own rules, named by column
		if err := s.Validate(); err != nil {
			var e *apperr.Error
			if errors.As(err, &e) {
				for _, f := range e.Fields {
					p.add(where, strings.Replace(f.Name, "organization", "organisation", 1), f.Message)
				}
			}
		}
	}
	return s, p.count == before
}

// place sets the service's first place from the row: kept if the row says
// what is stored, else a place the directory has with the same name and
// address, else a new one (virtual when it has no address).
func (b *csvBuilder) place(s *Service, c map[string]string, where string, p *problems) {
	key := placeKey(c["venue"], c["address_1"], c["address_2"], c["town"], c["county"], c["postcode"])
	empty := placeKey("", "", "", "", "", "")
	if len(s.ServiceAtLocations) > 0 && s.ServiceAtLocations[0].Location != nil && placeKeyOf(*s.ServiceAtLocations[0].Location) == key {
		return
	}
	if key == empty {
		if len(s.ServiceAtLocations) > 0 {
			gone := s.ServiceAtLocations[0].ID
			s.ServiceAtLocations = s.ServiceAtLocations[1:]
			for i := range s.Schedules {
				if s.Schedules[i].ServiceAtLocationID == gone {
					s.Schedules[i].ServiceAtLocationID = ""
				}
			}
		}
		return
	}
	loc, ok := b.locs[key]
	if !ok {
		loc = Location{ID: uuid.NewString(), LocationType: Virtual, Name: c["venue"]}
		if c["address_1"]+c["town"]+c["postcode"]+c["county"]+c["address_2"] != "" {
			loc.LocationType = Physical
			loc.Addresses = []Address{{ID: uuid.NewString(), Address1: c["address_1"], Address2: c["address_2"], City: c["town"],
				StateProvince: c["county"], PostalCode: c["postcode"], Country: "GB", AddressType: Physical}}
		}
		if err := loc.validate(); err != nil {
			columns := strings.NewReplacer("addresses.address_1", "address_1", "addresses.city", "town",
				"addresses.state_province", "county", "addresses.postal_code", "postcode")
			var e *apperr.Error
			if errors.As(err, &e) {
				for _, f := range e.Fields {
					p.add(where, columns.Replace(f.Name), f.Message)
				}
			}
			return
		}
		loc = canonicalLocation(loc)
		b.locs[key] = loc
	}
	if len(s.ServiceAtLocations) > 0 {
		s.ServiceAtLocations[0].LocationID, s.ServiceAtLocations[0].Location = loc.ID, &loc
		return
	}
	s.ServiceAtLocations = []ServiceAtLocation{{ID: uuid.NewString(), LocationID: loc.ID, Location: &loc}}
}

// cloneService copies s deeply enough that a row's changes leave s alone.
func cloneService(s Service) Service {
	s.Schedules = slices.Clone(s.Schedules)
	s.CostOptions = slices.Clone(s.CostOptions)
	s.Attributes = slices.Clone(s.Attributes)
	s.ServiceAtLocations = slices.Clone(s.ServiceAtLocations)
	s.Contacts = slices.Clone(s.Contacts)
	for i := range s.Contacts {
		s.Contacts[i].Phones = slices.Clone(s.Contacts[i].Phones)
	}
	return s
}
