package edits

import (
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"joinedup/internal/apperr"
	"joinedup/internal/offer"
)

// Form is what a provider may change about a service: the fields a family
// relies on, as text. Other fields of the service (its terms, costs in
// pence, areas) are the editors' and imports' to change.
type Form struct {
	Name        string
	Description string
	MinimumAge  string
	MaximumAge  string
	Fees        string // the cost, in words
	Website     string // how to get it: where to apply or read more
	Email       string
	Phone       string // the first contact's first number
	Times       string // when it runs, in words: the first schedule's description
	Address1    string // the first place it runs at (a physical location)
	City        string
	PostalCode  string
}

// Field is one field of the form with its label, for the pages and the diff.
type Field struct {
	Name, Label string
	get         func(*Form) *string
}

// Fields are the form's fields in the order the pages show them. Their
// names are the form inputs' names and the names validation errors carry.
var Fields = []Field{
	{"name", "Name", func(f *Form) *string { return &f.Name }},
	{"description", "What it is", func(f *Form) *string { return &f.Description }},
	{"minimum_age", "Youngest age", func(f *Form) *string { return &f.MinimumAge }},
	{"maximum_age", "Oldest age", func(f *Form) *string { return &f.MaximumAge }},
	{"fees", "Cost", func(f *Form) *string { return &f.Fees }},
	{"website", "Website (how to get it)", func(f *Form) *string { return &f.Website }},
	{"email", "Email", func(f *Form) *string { return &f.Email }},
	{"phone", "Phone", func(f *Form) *string { return &f.Phone }},
	{"times", "When it runs", func(f *Form) *string { return &f.Times }},
	{"address_1", "Address", func(f *Form) *string { return &f.Address1 }},
	{"city", "Town or city", func(f *Form) *string { return &f.City }},
	{"postal_code", "Postcode", func(f *Form) *string { return &f.PostalCode }},
}

// Value is the field's value in f.
func (fd Field) Value(f Form) string { return *fd.get(&f) }

// Set sets the field named name in f (the web reads a posted form this way).
func (f *Form) Set(name, value string) {
	for _, fd := range Fields {
		if fd.Name == name {
			*fd.get(f) = value
		}
	}
}

// place is the service's first physical address, which the form edits.
func place(s *offer.Service) *offer.Address {
	for i := range s.ServiceAtLocations {
		l := s.ServiceAtLocations[i].Location
		if l == nil || l.LocationType != offer.Physical {
			continue
		}
		for j := range l.Addresses {
			return &l.Addresses[j]
		}
	}
	return nil
}

// HasAddress says whether the form can edit an address of s.
func HasAddress(s offer.Service) bool { return place(&s) != nil }

// FormOf is the form filled in from s.
func FormOf(s offer.Service) Form {
	f := Form{Name: s.Name, Description: s.Description, Fees: s.Fees, Website: s.URL, Email: s.Email}
	if s.MinimumAge != nil {
		f.MinimumAge = strconv.Itoa(*s.MinimumAge)
	}
	if s.MaximumAge != nil {
		f.MaximumAge = strconv.Itoa(*s.MaximumAge)
	}
	if len(s.Contacts) > 0 && len(s.Contacts[0].Phones) > 0 {
		f.Phone = s.Contacts[0].Phones[0].Number
	}
	if len(s.Schedules) > 0 {
		f.Times = s.Schedules[0].Description
	}
	if a := place(&s); a != nil {
		f.Address1, f.City, f.PostalCode = a.Address1, a.City, a.PostalCode
	}
	return f
}

// Limits on what a provider types, so a page stays readable.
const (
	maxShort = 200
	maxLong  = 5000
	maxAge   = 25 // the SEND system's age range is 0 to 25
)

// Apply returns s changed as f says, or an Invalid error naming every field
// that is wrong (and s unchanged).
func (f Form) Apply(s offer.Service) (offer.Service, error) {
	var fs apperr.Fields
	for _, fd := range Fields {
		p := fd.get(&f)
		*p = strings.TrimSpace(*p)
		limit := maxShort
		if fd.Name == "description" || fd.Name == "times" {
			limit = maxLong
		}
		if !utf8.ValidString(*p) {
			fs.Add(fd.Name, "contains characters that are not text")
		} else if n := utf8.RuneCountInString(*p); n > limit {
			fs.Add(fd.Name, fmt.Sprintf("must be %d characters or fewer (it has %d)", limit, n))
		}
	}
	if f.Name == "" {
		fs.Add("name", "Enter the name of the service")
	}
	if f.Description == "" {
		fs.Add("description", "Enter what the service is, so families know if it is for them")
	}
	minAge, okMin := age(&fs, "minimum_age", "youngest", f.MinimumAge)
	maxAge_, okMax := age(&fs, "maximum_age", "oldest", f.MaximumAge)
	if okMin && okMax && minAge != nil && maxAge_ != nil && *minAge > *maxAge_ {
		fs.Add("maximum_age", "The oldest age must be the same as or above the youngest age")
	}
	if f.Website != "" {
		u, err := url.Parse(f.Website)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			fs.Add("website", "Enter a web address starting with https://, like https://www.example.org.uk/apply")
		}
	}
	if f.Email != "" {
		if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email || !strings.Contains(f.Email[strings.LastIndex(f.Email, "@"):], ".") {
			fs.Add("email", "Enter an email address in the correct format, like name@example.org.uk")
		}
	}
	if f.Phone != "" && !phoneShape(f.Phone) {
		fs.Add("phone", "Enter a UK phone number, like 01632 960 001 or +44 1632 960 001")
	}
	had := place(&s) != nil
	if had {
		if f.Address1 == "" {
			fs.Add("address_1", "Enter the first line of the address where the service runs")
		}
		if f.City == "" {
			fs.Add("city", "Enter the town or city")
		}
		if pc, ok := offer.NormalisePostcode(f.PostalCode); ok {
			f.PostalCode = pc
		} else {
			fs.Add("postal_code", "Enter a full UK postcode, like WR1 1AA")
		}
	} else if f.Address1 != "" || f.City != "" || f.PostalCode != "" {
		fs.Add("address_1", "This service has no place of its own to edit; ask the Local Offer team to add one")
	}
	if err := fs.Err("the service"); err != nil {
		return s, err
	}

	out := clone(s)
	out.Name, out.Description, out.Fees, out.URL, out.Email = f.Name, f.Description, f.Fees, f.Website, f.Email
	out.MinimumAge, out.MaximumAge = minAge, maxAge_
	switch {
	case len(out.Contacts) > 0 && len(out.Contacts[0].Phones) > 0 && f.Phone == "":
		out.Contacts[0].Phones = out.Contacts[0].Phones[1:]
	case len(out.Contacts) > 0 && len(out.Contacts[0].Phones) > 0:
		out.Contacts[0].Phones[0].Number = f.Phone
	case len(out.Contacts) > 0 && f.Phone != "":
		out.Contacts[0].Phones = []offer.Phone{{ID: uuid.NewString(), Number: f.Phone}}
	case f.Phone != "":
		out.Contacts = []offer.Contact{{ID: uuid.NewString(), Phones: []offer.Phone{{ID: uuid.NewString(), Number: f.Phone}}}}
	}
	switch {
	case len(out.Schedules) > 0:
		out.Schedules[0].Description = f.Times
	case f.Times != "":
		out.Schedules = []offer.Schedule{{ID: uuid.NewString(), Description: f.Times}}
	}
	if a := place(&out); a != nil {
		a.Address1, a.City, a.PostalCode = f.Address1, f.City, f.PostalCode
	}
	return out, nil
}

// age reads an age in years (empty is "not said").
func age(fs *apperr.Fields, name, which, v string) (*int, bool) {
	if v == "" {
		return nil, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxAge {
		fs.Add(name, fmt.Sprintf("The %s age must be a whole number of years from 0 to %d", which, maxAge))
		return nil, false
	}
	return &n, true
}

// phoneShape accepts a UK number as people write it: digits with spaces,
// brackets or hyphens, 10 or 11 digits, or +44 and 9 or 10 more.
func phoneShape(p string) bool {
	digits := 0
	for i, r := range p {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '(', r == ')', r == '-':
		default:
			return false
		}
	}
	if strings.HasPrefix(p, "+") {
		return strings.HasPrefix(p, "+44") && digits >= 11 && digits <= 12
	}
	local := strings.HasPrefix(p, "0") || strings.HasPrefix(p, "(0")
	return local && digits >= 10 && digits <= 11
}

// clone is a deep copy of s through its JSON (the form changes nested rows).
func clone(s offer.Service) offer.Service {
	out, err := decode(encode(s))
	if err != nil {
		panic("edits: a service does not survive its own JSON: " + err.Error())
	}
	out.LastChecked = s.LastChecked
	return out
}
