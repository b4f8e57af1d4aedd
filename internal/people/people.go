// Package people is the core model every capability shares: the partnership,
// its organisations, the people who work in them or care for a child, and the
// children and young people (0-25) themselves with their family links.
package people

import (
	"errors"
	"slices"
	"strings"

	"joinedup/internal/apperr"
	"joinedup/internal/date"
	"joinedup/internal/ident"
)

// Partnership is the Local Area Partnership a deployment serves.
type Partnership struct {
	ID   string
	Name string // e.g. "Worcestershire Local Area Partnership"
	Area string // the council area
}

// Organisation kinds.
const (
	Council     = "council"
	CouncilTeam = "council_team"
	ICB         = "icb"
	NHSProvider = "nhs_provider"
	NHSTeam     = "nhs_team"
	School      = "school"
	College     = "college"
	EarlyYears  = "early_years"
	Voluntary   = "voluntary"
)

var orgKinds = []string{Council, CouncilTeam, ICB, NHSProvider, NHSTeam, School, College, EarlyYears, Voluntary}

var phases = []string{"nursery", "primary", "secondary", "all_through", "special", "post16", "alternative"}

// Organisation is a council and its teams, the ICB, an NHS provider and its
// teams, a school, college or early-years setting, or a voluntary body.
type Organisation struct {
	ID       string
	Kind     string
	Name     string
	ParentID string // the organisation a team belongs to
	Phase    string // schools and settings
	URN      string // schools and early-years settings
	UKPRN    string // colleges and training providers
	ODSCode  string // NHS organisations
	Email    string
	Phone    string
	Postcode string
}

// Validate checks o and normalises its identifiers.
func (o *Organisation) Validate() error {
	var fs apperr.Fields
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" {
		fs.Add("name", "is required")
	}
	if !slices.Contains(orgKinds, o.Kind) {
		fs.Add("kind", "must be one of "+strings.Join(orgKinds, ", "))
	}
	if o.Phase != "" && !slices.Contains(phases, o.Phase) {
		fs.Add("phase", "must be one of "+strings.Join(phases, ", "))
	}
	if (o.Kind == CouncilTeam || o.Kind == NHSTeam) && o.ParentID == "" {
		fs.Add("parent", "a team must belong to an organisation")
	}
	normalise(&fs, &o.URN, ident.URN)
	normalise(&fs, &o.UKPRN, ident.UKPRN)
	return fs.Err("organisation")
}

// Person kinds.
const (
	Staff       = "staff"
	ParentCarer = "parent_carer"
	YoungPerson = "young_person"
)

// Person is someone who uses joinedup: staff, a parent or carer, or a young person.
type Person struct {
	ID             string
	Kind           string
	GivenName      string
	FamilyName     string
	Email          string
	Phone          string
	OrganisationID string // staff only
	JobTitle       string
}

func (p *Person) Validate() error {
	var fs apperr.Fields
	names(&fs, &p.GivenName, &p.FamilyName)
	if !slices.Contains([]string{Staff, ParentCarer, YoungPerson}, p.Kind) {
		fs.Add("kind", "must be staff, parent_carer or young_person")
	}
	if p.Kind == Staff && p.OrganisationID == "" {
		fs.Add("organisation", "staff must belong to an organisation")
	}
	p.Email = strings.ToLower(strings.TrimSpace(p.Email))
	if p.Email != "" && !plausibleEmail(p.Email) {
		fs.Add("email", "is not an email address")
	}
	return fs.Err("person")
}

// SEN provision a child receives, as the school census and SEN2 count it.
const (
	NoProvision = "none"
	SENSupport  = "sen_support"
	EHCPlan     = "ehc_plan"
)

// PrimaryNeeds are the SEN2 SENtype codes (shared/standards/sen2/codes/sen_type.csv).
var PrimaryNeeds = []string{"SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "DS", "OTH"}

// Child is a child or young person aged 0 to 25.
type Child struct {
	ID           string
	GivenName    string
	FamilyName   string
	DateOfBirth  date.Date
	NHSNumber    string
	UPN          string
	ULN          string
	Postcode     string
	SettingID    string
	SENProvision string
	PrimaryNeed  string
	PersonID     string // their own account, if they have one
}

// MaxAge is the oldest a young person can be and still be served: the SEND
// duties run to the 25th birthday (Children and Families Act 2014 s83(2)).
const MaxAge = 25

// Validate checks c as it would be on today and normalises its identifiers.
func (c *Child) Validate(today date.Date) error {
	var fs apperr.Fields
	names(&fs, &c.GivenName, &c.FamilyName)
	switch {
	case c.DateOfBirth.IsZero():
		fs.Add("date of birth", "is required")
	case c.DateOfBirth.After(today):
		fs.Add("date of birth", "is in the future")
	case c.DateOfBirth.YearsOn(today) > MaxAge:
		fs.Add("date of birth", "makes them older than 25, beyond the SEND duties")
	}
	normalise(&fs, &c.NHSNumber, ident.NHSNumber)
	normalise(&fs, &c.UPN, ident.UPN)
	normalise(&fs, &c.ULN, ident.ULN)
	if c.SENProvision == "" {
		c.SENProvision = NoProvision
	}
	if !slices.Contains([]string{NoProvision, SENSupport, EHCPlan}, c.SENProvision) {
		fs.Add("SEN provision", "must be none, sen_support or ehc_plan")
	}
	if c.PrimaryNeed != "" && !slices.Contains(PrimaryNeeds, c.PrimaryNeed) {
		fs.Add("primary need", "must be one of the SEN2 codes "+strings.Join(PrimaryNeeds, ", "))
	}
	return fs.Err("child")
}

// Relationships a person can have to a child.
var Relationships = []string{"mother", "father", "parent", "step_parent", "grandparent", "foster_carer",
	"special_guardian", "other_relative", "other_carer"}

// FamilyLink joins a parent or carer to a child, recording parental
// responsibility (Children Act 1989 s3), which decides who may consent for the child.
type FamilyLink struct {
	ChildID                string
	PersonID               string
	Relationship           string
	ParentalResponsibility bool
	LivesWithChild         bool
}

func (l *FamilyLink) Validate() error {
	var fs apperr.Fields
	if l.ChildID == "" {
		fs.Add("child", "is required")
	}
	if l.PersonID == "" {
		fs.Add("person", "is required")
	}
	if !slices.Contains(Relationships, l.Relationship) {
		fs.Add("relationship", "must be one of "+strings.Join(Relationships, ", "))
	}
	return fs.Err("family link")
}

func names(fs *apperr.Fields, given, family *string) {
	*given, *family = strings.TrimSpace(*given), strings.TrimSpace(*family)
	if *given == "" {
		fs.Add("given name", "is required")
	}
	if *family == "" {
		fs.Add("family name", "is required")
	}
	for _, n := range []string{*given, *family} {
		if len(n) > 200 {
			fs.Add("name", "is longer than 200 characters")
			break
		}
	}
}

// normalise validates an optional identifier in place, adding its error to fs.
func normalise(fs *apperr.Fields, v *string, check func(string) (string, error)) {
	if strings.TrimSpace(*v) == "" {
		*v = ""
		return
	}
	n, err := check(*v)
	if err != nil {
		var fe *ident.FieldError
		if errors.As(err, &fe) {
			fs.Add(fe.Field, fe.Message)
		} else {
			fs.Add("identifier", err.Error())
		}
		return
	}
	*v = n
}

func plausibleEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-3 && strings.Contains(s[at:], ".") && !strings.ContainsAny(s, " \t\r\n<>")
}
