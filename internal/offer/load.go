package offer

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
)

// Loading a directory in bulk (the demo; later, ORUK and CSV imports). Each
// Load validates before it queues, so a bad record fails the whole load with
// its reason. Parents go first: taxonomies and organisations, then locations,
// then services (which bring their own schedules, contacts, costs, terms and
// places), then nothing else needs ordering.

var (
	organizationCols = []string{"id", "name", "description", "email", "website", "logo", "uri", "parent_organization_id", "last_modified"}
	serviceCols      = []string{"id", "organization_id", "name", "description", "url", "email", "status", "fees", "accreditations",
		"minimum_age", "maximum_age", "assured_date", "assurer_email", "alert", "keywords", "summary", "last_modified", "last_checked"}
	locationCols = []string{"id", "location_type", "name", "description", "latitude", "longitude", "external_identifier",
		"external_identifier_type", "last_modified"}
	addressCols       = []string{"id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province", "postal_code", "country", "address_type"}
	accessibilityCols = []string{"id", "location_id", "description", "details", "url"}
	salCols           = []string{"id", "service_id", "location_id"}
	contactCols       = []string{"id", "service_id", "name", "title"}
	phoneCols         = []string{"id", "contact_id", "number", "description"}
	scheduleCols      = []string{"id", "service_id", "service_at_location_id", "valid_from", "valid_to", "dtstart", "freq", "interval",
		"byday", "bymonthday", "opens_at", "closes_at", "description", "attending_type", "notes", "schedule_link"}
	serviceAreaCols = []string{"id", "service_id", "name", "description", "extent", "extent_type", "uri"}
	costCols        = []string{"id", "service_id", "option", "amount_pence", "amount_description", "valid_from", "valid_to"}
	taxonomyCols    = []string{"id", "name", "description", "uri", "version"}
	termCols        = []string{"id", "taxonomy_id", "parent_id", "code", "name", "description", "term_uri"}
	attributeCols   = []string{"id", "service_id", "taxonomy_term_id", "link_type", "value"}
	postcodeCols    = []string{"postcode", "latitude", "longitude"}
)

// null stores an empty optional field as NULL.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func nullFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// LoadTaxonomy queues a taxonomy and its terms (parents before children).
func LoadTaxonomy(l *db.Loader, t Taxonomy) error {
	var fs apperr.Fields
	checkID(&fs, "id", t.ID)
	required(&fs, "name", t.Name)
	required(&fs, "description", t.Description)
	if err := fs.Err("taxonomy " + t.Name); err != nil {
		return err
	}
	if err := l.Add("offer_taxonomies", taxonomyCols, t.ID, t.Name, t.Description, null(t.URI), null(t.Version)); err != nil {
		return err
	}
	for _, term := range t.TaxonomyTerms {
		checkID(&fs, "id", term.ID)
		if term.ParentID != "" {
			checkID(&fs, "parent_id", term.ParentID)
		}
		required(&fs, "name", term.Name)
		required(&fs, "description", term.Description)
		if err := fs.Err("taxonomy term " + term.Name); err != nil {
			return err
		}
		if err := l.Add("offer_taxonomy_terms", termCols, term.ID, t.ID, null(term.ParentID), null(term.Code), term.Name,
			term.Description, null(term.TermURI)); err != nil {
			return err
		}
	}
	return nil
}

// LoadOrganization queues an organisation that provides services.
func LoadOrganization(l *db.Loader, o Organization, modified time.Time) error {
	var fs apperr.Fields
	checkID(&fs, "id", o.ID)
	required(&fs, "name", o.Name)
	required(&fs, "description", o.Description)
	if err := fs.Err("organization " + o.Name); err != nil {
		return err
	}
	return l.Add("offer_organizations", organizationCols, o.ID, o.Name, o.Description, null(o.Email), null(o.Website),
		null(o.Logo), null(o.URI), null(o.ParentOrganizationID), modified.UTC())
}

// LoadLocation queues a location with its addresses and accessibility.
func LoadLocation(l *db.Loader, loc Location, modified time.Time) error {
	if err := loc.validate(); err != nil {
		return err
	}
	return loadLocation(l, loc, modified)
}

// validate checks a location as LoadLocation needs it.
func (loc Location) validate() error {
	var fs apperr.Fields
	checkID(&fs, "id", loc.ID)
	if !slices.Contains([]string{Physical, Postal, Virtual}, loc.LocationType) {
		fs.Add("location_type", "must be physical, postal or virtual")
	}
	if (loc.Latitude == nil) != (loc.Longitude == nil) {
		fs.Add("latitude", "give both latitude and longitude, or neither")
	}
	if loc.Latitude != nil && (math.Abs(*loc.Latitude) > 90 || math.Abs(*loc.Longitude) > 180) {
		fs.Add("latitude", "is not a place on Earth")
	}
	for _, a := range loc.Addresses {
		checkID(&fs, "addresses.id", a.ID)
		required(&fs, "addresses.address_1", a.Address1)
		required(&fs, "addresses.city", a.City)
		required(&fs, "addresses.state_province", a.StateProvince)
		if _, ok := NormalisePostcode(a.PostalCode); !ok {
			fs.Add("addresses.postal_code", "is not a UK postcode")
		}
	}
	return fs.Err("location " + loc.Name)
}

// loadLocation queues a valid location's rows.
func loadLocation(l *db.Loader, loc Location, modified time.Time) error {
	err := l.Add("offer_locations", locationCols, loc.ID, loc.LocationType, null(loc.Name), null(loc.Description),
		nullFloat(loc.Latitude), nullFloat(loc.Longitude), null(loc.ExternalIdentifier), null(loc.ExternalIdentifierType), modified.UTC())
	if err != nil {
		return err
	}
	return loadPlaces(l, loc)
}

// loadPlaces queues a location's addresses and accessibility.
func loadPlaces(l *db.Loader, loc Location) error {
	var err error
	for _, a := range loc.Addresses {
		if err != nil {
			return err
		}
		pc, _ := NormalisePostcode(a.PostalCode)
		country, kind := a.Country, a.AddressType
		if country == "" {
			country = "GB"
		}
		if kind == "" {
			kind = loc.LocationType
		}
		err = l.Add("offer_addresses", addressCols, a.ID, loc.ID, null(a.Attention), a.Address1, null(a.Address2), a.City,
			null(a.Region), a.StateProvince, pc, country, kind)
	}
	for _, a := range loc.Accessibility {
		if err != nil {
			return err
		}
		err = l.Add("offer_accessibility", accessibilityCols, a.ID, loc.ID, null(a.Description), null(a.Details), null(a.URL))
	}
	return err
}

// LoadService queues a service with everything nested in it: schedules,
// service areas, costs, contacts and their phones, taxonomy terms (by id;
// their names, with the organisation's and the towns', feed search), and the
// locations it runs at (already loaded). s.Organization must be set (it is
// part of the service's summary); status defaults to active.
func LoadService(l *db.Loader, s Service) error {
	if s.Status == "" {
		s.Status = Active
	}
	if s.LastChecked.IsZero() { // confirmed when last changed, if not since
		s.LastChecked = s.LastModified
	}
	if s.OrganizationID == "" && s.Organization != nil {
		s.OrganizationID = s.Organization.ID
	}
	if err := s.Validate(); err != nil {
		return err
	}
	summary, err := summarise(s)
	if err != nil {
		return err
	}
	err = l.Add("offer_services", serviceCols, s.ID, s.OrganizationID, s.Name, null(s.Description), null(s.URL), null(s.Email),
		s.Status, null(s.Fees), null(s.Accreditations), nullInt(s.MinimumAge), nullInt(s.MaximumAge), s.AssuredDate,
		null(s.AssurerEmail), null(s.Alert), keywords(s), summary, s.LastModified.UTC(), s.LastChecked.UTC())
	if err != nil {
		return err
	}
	return loadNested(l, s)
}

// loadNested queues the rows nested in a valid service (an import replacing
// a service writes its own row apart).
func loadNested(l *db.Loader, s Service) error {
	var err error
	add := func(table string, cols []string, values ...any) {
		if err == nil {
			err = l.Add(table, cols, values...)
		}
	}
	for _, sal := range s.ServiceAtLocations {
		add("offer_service_at_locations", salCols, sal.ID, s.ID, sal.LocationID)
	}
	for _, sc := range s.Schedules {
		interval := any(nil)
		if sc.Interval > 0 {
			interval = sc.Interval
		}
		add("offer_schedules", scheduleCols, sc.ID, s.ID, null(sc.ServiceAtLocationID), sc.ValidFrom, sc.ValidTo, sc.DTStart,
			null(sc.Freq), interval, null(sc.ByDay), null(sc.ByMonthDay), null(sc.OpensAt), null(sc.ClosesAt),
			null(sc.Description), null(sc.AttendingType), null(sc.Notes), null(sc.ScheduleLink))
	}
	for _, a := range s.ServiceAreas {
		add("offer_service_areas", serviceAreaCols, a.ID, s.ID, null(a.Name), null(a.Description), null(a.Extent), null(a.ExtentType), null(a.URI))
	}
	for _, c := range s.CostOptions {
		pence := any(nil)
		if c.Amount != nil {
			pence = int64(math.Round(*c.Amount * 100))
		}
		add("offer_cost_options", costCols, c.ID, s.ID, null(c.Option), pence, null(c.AmountDescription), c.ValidFrom, c.ValidTo)
	}
	for _, c := range s.Contacts {
		add("offer_contacts", contactCols, c.ID, s.ID, null(c.Name), null(c.Title))
		for _, p := range c.Phones {
			add("offer_phones", phoneCols, p.ID, c.ID, p.Number, null(p.Description))
		}
	}
	for _, a := range s.Attributes {
		add("offer_attributes", attributeCols, a.ID, s.ID, a.TaxonomyTermID, null(a.LinkType), null(a.Value))
	}
	return err
}

// summarise is the service as ORUK lists it: its one-to-one fields and its
// organisation, as JSON (what the summary column holds).
func summarise(s Service) (string, error) {
	org := *s.Organization
	org.ID = s.OrganizationID
	b, err := json.Marshal(Service{ID: s.ID, OrganizationID: s.OrganizationID, Name: s.Name, Description: s.Description,
		URL: s.URL, Email: s.Email, Status: s.Status, Fees: s.Fees, Accreditations: s.Accreditations, MinimumAge: s.MinimumAge,
		MaximumAge: s.MaximumAge, AssuredDate: s.AssuredDate, AssurerEmail: s.AssurerEmail, Alert: s.Alert,
		LastModified: s.LastModified.UTC(), Organization: &org})
	return string(b), err
}

// keywords are the words search finds a service by besides its name and
// description: its organisation, its taxonomy terms and the towns it runs in.
func keywords(s Service) string {
	var words []string
	seen := map[string]bool{}
	add := func(w string) {
		if w != "" && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	if s.Organization != nil {
		add(s.Organization.Name)
	}
	for _, a := range s.Attributes {
		if a.TaxonomyTerm != nil {
			add(a.TaxonomyTerm.Name)
		}
	}
	for _, sal := range s.ServiceAtLocations {
		if sal.Location != nil {
			for _, a := range sal.Location.Addresses {
				add(a.City)
			}
		}
	}
	return strings.Join(words, " | ")
}

// Validate checks what the database cannot say clearly: ids are UUIDs, times
// and days are well formed, ages make sense.
func (s Service) Validate() error {
	var fs apperr.Fields
	checkID(&fs, "id", s.ID)
	checkID(&fs, "organization_id", s.OrganizationID)
	if s.Organization == nil || s.Organization.Name == "" || s.Organization.Description == "" {
		fs.Add("organization", "is required, with its name and description")
	}
	required(&fs, "name", s.Name)
	if !slices.Contains([]string{Active, Inactive, Defunct, TemporarilyClosed}, s.Status) {
		fs.Add("status", "must be active, inactive, defunct or temporarily closed")
	}
	if s.MinimumAge != nil && *s.MinimumAge < 0 || s.MaximumAge != nil && *s.MaximumAge < 0 {
		fs.Add("minimum_age", "ages cannot be negative")
	}
	if s.MinimumAge != nil && s.MaximumAge != nil && *s.MinimumAge > *s.MaximumAge {
		fs.Add("maximum_age", "is below the minimum age")
	}
	if s.LastModified.IsZero() {
		fs.Add("last_modified", "is required")
	}
	for _, sc := range s.Schedules {
		checkID(&fs, "schedules.id", sc.ID)
		for _, t := range []string{sc.OpensAt, sc.ClosesAt} {
			if _, err := ParseTime(t); t != "" && (err != nil || len(t) != len("15:04:05")) {
				fs.Add("schedules.opens_at", "times are HH:MM:SS, e.g. 09:30:00")
			}
		}
		if sc.ByDay != "" {
			for d := range strings.SplitSeq(sc.ByDay, ",") {
				if !slices.Contains(days, d) {
					fs.Add("schedules.byday", "days are MO, TU, WE, TH, FR, SA, SU separated by commas")
				}
			}
		}
	}
	for _, c := range s.CostOptions {
		checkID(&fs, "cost_options.id", c.ID)
		if c.Amount != nil && (*c.Amount < 0 || math.IsNaN(*c.Amount)) {
			fs.Add("cost_options.amount", "cannot be negative")
		}
	}
	for _, a := range s.Attributes {
		checkID(&fs, "attributes.id", a.ID)
		checkID(&fs, "attributes.taxonomy_term_id", a.TaxonomyTermID)
	}
	for _, sal := range s.ServiceAtLocations {
		checkID(&fs, "service_at_locations.id", sal.ID)
		checkID(&fs, "service_at_locations.location_id", sal.LocationID)
	}
	return fs.Err("service " + s.Name)
}

// LoadPostcode queues one postcode's centroid.
func LoadPostcode(l *db.Loader, postcode string, lat, lon float64) error {
	pc, ok := NormalisePostcode(postcode)
	if !ok {
		return apperr.Errorf(apperr.Invalid, "%q is not a UK postcode", postcode)
	}
	return l.Add("postcodes", postcodeCols, pc, lat, lon)
}

func checkID(fs *apperr.Fields, name, id string) {
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
		fs.Add(name, "must be a UUID")
	}
}

func required(fs *apperr.Fields, name, v string) {
	if strings.TrimSpace(v) == "" {
		fs.Add(name, "is required")
	}
}

// SettleSearch finishes a bulk load's search index: on SQLite it writes what
// the loader holds and merges the FTS5 index's segments into one (rows
// added one by one leave many, and every search opens each: a third of a
// search's time). PostgreSQL's GIN index needs nothing.
func SettleSearch(l *db.Loader) error {
	if l.Dialect() != db.SQLite {
		return nil
	}
	if err := l.Flush(); err != nil {
		return err
	}
	_, err := l.Tx().Exec("INSERT INTO offer_services_fts (offer_services_fts) VALUES ('optimize')")
	return err
}
