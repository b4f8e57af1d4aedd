// Package offer is the Local Offer directory: the services families can use,
// who runs them, where and when, what they cost and who they are for. Its
// model is Open Referral UK 3.0 (HSDS 3.0 with the UK profile), so the types
// carry HSDS field names and encode to ORUK JSON as they are; internal/oruk
// serves them. Optional fields are empty values and are left out of the JSON.
//
// This increment reads the approved directory (search and filters on both
// databases' own full-text search; families' search with distance, ages,
// times and taxonomy terms in search.go), loads it in bulk (the demo, later
// imports) and imports postcode centroids from the ONS Postcode Directory
// (postcodes.go). Editing, moderation and families' comments come later: see the
// note at the top of migration 00011.
package offer

import (
	"time"

	"joinedup/internal/date"
)

// Organization provides services.
type Organization struct {
	ID                   string `json:"id"`
	Name                 string `json:"name"`
	Description          string `json:"description"`
	Email                string `json:"email,omitempty"`
	Website              string `json:"website,omitempty"`
	Logo                 string `json:"logo,omitempty"`
	URI                  string `json:"uri,omitempty"`
	ParentOrganizationID string `json:"parent_organization_id,omitempty"`
}

// Service is one service, with what a family needs to know about it. The
// slices are filled only for a full service (Store.Service, the ndjson export).
type Service struct {
	ID             string        `json:"id"`
	OrganizationID string        `json:"organization_id,omitempty"`
	Name           string        `json:"name"`
	Description    string        `json:"description,omitempty"`
	URL            string        `json:"url,omitempty"`
	Email          string        `json:"email,omitempty"`
	Status         string        `json:"status"`
	Fees           string        `json:"fees,omitempty"`
	Accreditations string        `json:"accreditations,omitempty"`
	MinimumAge     *int          `json:"minimum_age,omitempty"`
	MaximumAge     *int          `json:"maximum_age,omitempty"`
	AssuredDate    date.Date     `json:"assured_date,omitzero"`
	AssurerEmail   string        `json:"assurer_email,omitempty"`
	Alert          string        `json:"alert,omitempty"`
	LastModified   time.Time     `json:"last_modified,omitzero"`
	Organization   *Organization `json:"organization,omitempty"`

	Schedules          []Schedule          `json:"schedules,omitempty"`
	ServiceAreas       []ServiceArea       `json:"service_areas,omitempty"`
	ServiceAtLocations []ServiceAtLocation `json:"service_at_locations,omitempty"`
	CostOptions        []CostOption        `json:"cost_options,omitempty"`
	Contacts           []Contact           `json:"contacts,omitempty"`
	Attributes         []Attribute         `json:"attributes,omitempty"`
	LastChecked        time.Time           `json:"-"` // ours: when the provider last confirmed it
}

// Statuses a service may have (HSDS).
const (
	Active            = "active"
	Inactive          = "inactive"
	Defunct           = "defunct"
	TemporarilyClosed = "temporarily closed"
)

// Kinds of location (HSDS location_type; also address_type).
const (
	Physical = "physical"
	Postal   = "postal"
	Virtual  = "virtual"
)

// Location is a place services are delivered from, or a virtual one.
type Location struct {
	ID                     string          `json:"id"`
	LocationType           string          `json:"location_type"`
	Name                   string          `json:"name,omitempty"`
	Description            string          `json:"description,omitempty"`
	Latitude               *float64        `json:"latitude,omitempty"`
	Longitude              *float64        `json:"longitude,omitempty"`
	ExternalIdentifier     string          `json:"external_identifier,omitempty"`
	ExternalIdentifierType string          `json:"external_identifier_type,omitempty"`
	Addresses              []Address       `json:"addresses,omitempty"`
	Accessibility          []Accessibility `json:"accessibility,omitempty"`
}

// Address is a location's postal address.
type Address struct {
	ID            string `json:"id"`
	Attention     string `json:"attention,omitempty"`
	Address1      string `json:"address_1"`
	Address2      string `json:"address_2,omitempty"`
	City          string `json:"city"`
	Region        string `json:"region,omitempty"`
	StateProvince string `json:"state_province"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	AddressType   string `json:"address_type"`
}

// Accessibility says how a location can be reached and used.
type Accessibility struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	Details     string `json:"details,omitempty"`
	URL         string `json:"url,omitempty"`
}

// ServiceAtLocation is a service delivered at a location.
type ServiceAtLocation struct {
	ID         string    `json:"id"`
	ServiceID  string    `json:"service_id,omitempty"`
	LocationID string    `json:"location_id,omitempty"`
	Location   *Location `json:"location,omitempty"`
	Service    *Service  `json:"service,omitempty"`
}

// Contact is a person or role to ask about a service. The UK profile drops
// phones from contacts; we keep HSDS 3.0's nesting (schemas allow extra
// fields) because a family needs the number.
type Contact struct {
	ID     string  `json:"id"`
	Name   string  `json:"name,omitempty"`
	Title  string  `json:"title,omitempty"`
	Phones []Phone `json:"phones,omitempty"`
}

// Phone is a contact's number.
type Phone struct {
	ID          string `json:"id"`
	Number      string `json:"number"`
	Description string `json:"description,omitempty"`
}

// Schedule is when a service runs, as an iCalendar-style rule.
type Schedule struct {
	ID                  string    `json:"id"`
	ServiceID           string    `json:"service_id,omitempty"`
	ServiceAtLocationID string    `json:"service_at_location_id,omitempty"`
	ValidFrom           date.Date `json:"valid_from,omitzero"`
	ValidTo             date.Date `json:"valid_to,omitzero"`
	DTStart             date.Date `json:"dtstart,omitzero"`
	Freq                string    `json:"freq,omitempty"`
	Interval            int       `json:"interval,omitempty"`
	ByDay               string    `json:"byday,omitempty"`
	ByMonthDay          string    `json:"bymonthday,omitempty"`
	OpensAt             string    `json:"opens_at,omitempty"`
	ClosesAt            string    `json:"closes_at,omitempty"`
	Description         string    `json:"description,omitempty"`
	AttendingType       string    `json:"attending_type,omitempty"`
	Notes               string    `json:"notes,omitempty"`
	ScheduleLink        string    `json:"schedule_link,omitempty"`
}

// ServiceArea is where a service is available.
type ServiceArea struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Description string `json:"service_area,omitempty"`
	Extent      string `json:"extent,omitempty"`
	ExtentType  string `json:"extent_type,omitempty"`
	URI         string `json:"uri,omitempty"`
}

// CostOption is one price of a service.
type CostOption struct {
	ID                string    `json:"id"`
	Option            string    `json:"option,omitempty"`
	Amount            *float64  `json:"amount,omitempty"` // pounds
	AmountDescription string    `json:"amount_description,omitempty"`
	ValidFrom         date.Date `json:"valid_from,omitzero"`
	ValidTo           date.Date `json:"valid_to,omitzero"`
}

// Taxonomy is a list of terms: service categories, SEND needs, accessibility…
type Taxonomy struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Description   string         `json:"description"`
	URI           string         `json:"uri,omitempty"`
	Version       string         `json:"version,omitempty"`
	TaxonomyTerms []TaxonomyTerm `json:"taxonomy_terms,omitempty"`
}

// TaxonomyTerm is one term of a taxonomy, perhaps under a parent term.
type TaxonomyTerm struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	ParentID    string `json:"parent_id,omitempty"`
	Taxonomy    string `json:"taxonomy,omitempty"` // the taxonomy's name
	TaxonomyID  string `json:"taxonomy_id,omitempty"`
	TermURI     string `json:"term_uri,omitempty"`
	Code        string `json:"term,omitempty"`
	// Retired is kept for services already tagged but offered for no new
	// tagging or filter (internal/offer/taxonomy); not part of ORUK.
	Retired bool `json:"-"`
}

// Attribute links a service to a taxonomy term.
type Attribute struct {
	ID             string        `json:"id"`
	LinkID         string        `json:"link_id,omitempty"`
	TaxonomyTermID string        `json:"taxonomy_term_id"`
	LinkType       string        `json:"link_type,omitempty"`
	Value          string        `json:"value,omitempty"`
	TaxonomyTerm   *TaxonomyTerm `json:"taxonomy_term,omitempty"`
}
