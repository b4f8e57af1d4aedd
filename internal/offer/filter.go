package offer

import (
	"errors"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Filter narrows a list of services or services at locations. Every field
// set must hold (AND); the zero Filter is everything.
type Filter struct {
	// Search is free text; only its words count (see Words).
	Search         string
	TaxonomyTermID string
	TaxonomyID     string
	OrganizationID string
	// MinimumAge keeps services whose minimum age is at least this;
	// MaximumAge those whose maximum age is at most this (ORUK's wording).
	MinimumAge, MaximumAge *float64
	// Day (MO…SU), StartTime and EndTime ('HH:MM:SS') must all hold for one
	// schedule: opening at or after StartTime and closing by EndTime.
	Day                string
	StartTime, EndTime string
	// ModifiedAfter keeps services modified at or after this instant.
	ModifiedAfter time.Time
	// Near orders services at locations by distance from a point, nearest
	// first; with Within (metres) it also drops those further away and those
	// with no place (online, phone).
	Near   *Point
	Within float64

	// For families' search (Search): Terms are taxonomy term ids a service
	// must each have, the term itself or one of its children; Age keeps
	// services whose ages include it; OpenFrom and OpenUntil ('HH:MM:SS')
	// keep services with a schedule (on Day, if set) open for some of that time.
	Terms               []string
	IDs                 []string // only these services (a shortlist)
	Age                 *int
	OpenFrom, OpenUntil string
}

// Page is one page of a list: Number from 1, Size rows.
type Page struct{ Number, Size int }

// Point is a place on the map in WGS84 degrees.
type Point struct{ Latitude, Longitude float64 }

// MaxSearch is the longest search text accepted, in bytes: a search box, not a document.
const MaxSearch = 256

// maxWords bounds the work one search asks of the index.
const maxWords = 12

// Words splits text into the words a search looks for: runs of letters and
// digits in any script, lower-cased, at most maxWords of them. Punctuation
// and operators never reach the index, so no input can break its query.
func Words(text string) []string {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
	if len(fields) > maxWords {
		fields = fields[:maxWords]
	}
	for i, f := range fields {
		if r := []rune(f); len(r) > 64 {
			fields[i] = string(r[:64])
		}
	}
	return fields
}

// days are iCalendar's day codes, which schedules' byday uses.
var days = []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

// ParseDay accepts an iCalendar day code (MO) or an English day name
// (Monday, mon) in any case, and returns the code.
func ParseDay(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	for _, d := range days {
		if s == d {
			return d, true
		}
	}
	names := []string{"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"}
	for i, n := range names {
		if len(s) >= 3 && strings.HasPrefix(n, s) {
			return days[i], true
		}
	}
	return "", false
}

// ParseTime accepts HH:MM or HH:MM:SS (24-hour) and returns HH:MM:SS.
func ParseTime(s string) (string, error) {
	for _, layout := range []string{"15:04:05", "15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("15:04:05"), nil
		}
	}
	return "", errBadTime
}

var errBadTime = errors.New("not a time of day like 09:30")

// postcodeShape is a UK postcode without its space: outward code (A9, A99,
// AA9, AA99, A9A, AA9A) then inward code (9AA).
var postcodeShape = regexp.MustCompile(`^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$`)

// NormalisePostcode returns p as it is printed (upper case, one space before
// the inward code) if it has the shape of a UK postcode.
func NormalisePostcode(p string) (string, bool) {
	if len(p) > 16 {
		return "", false
	}
	s := strings.ToUpper(strings.Join(strings.Fields(p), ""))
	m := postcodeShape.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	return m[1] + " " + m[2], true
}

// metresPerDegree is the length of a degree of latitude (mean Earth radius).
const metresPerDegree = 6371008.8 * math.Pi / 180

// Distance is the distance in metres from a to b by the equirectangular
// approximation the SQL uses: within 0.1% over the width of a county.
func Distance(a, b Point) float64 {
	dx, dy := a.offset(b)
	return math.Sqrt(dx*dx + dy*dy)
}

// offset is b's east and north offset from a in metres.
func (a Point) offset(b Point) (dx, dy float64) {
	return (b.Longitude - a.Longitude) * a.metresPerLongitude(), (b.Latitude - a.Latitude) * metresPerDegree
}

// metresPerLongitude is the length of a degree of longitude at a's latitude.
func (a Point) metresPerLongitude() float64 {
	return metresPerDegree * math.Cos(a.Latitude*math.Pi/180)
}
