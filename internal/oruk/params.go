package oruk

import (
	"context"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/apperr"
	"joinedup/internal/offer"
)

// Paging limits. A client that wants everything uses format=ndjson.
const (
	DefaultPerPage = 50
	MaxPerPage     = 500
	maxPage        = 1_000_000 // keeps OFFSET arithmetic far from overflow
	maxAge         = 150
	maxProximity   = 1_000_000 // metres: 1,000 km covers the UK
)

// params is a list request's query, checked.
type params struct {
	filter offer.Filter
	terms  offer.TermFilter
	page   offer.Page
	ndjson bool
}

// which filters an endpoint takes beyond paging and format.
type accepts int

const (
	serviceFilters accepts = 1 << iota
	placeFilters           // postcode and proximity
	termFilters            // taxonomy_id, parent_id, top_only on taxonomy terms
)

// parse reads the query of a list request. Every problem is named in one 400
// answer; a well-formed value that matches nothing gives an empty page.
func (a *API) parse(ctx context.Context, q url.Values, what accepts) (params, error) {
	p := params{page: offer.Page{Number: 1, Size: DefaultPerPage}}
	var fs apperr.Fields
	whole := func(name string, lo, hi int, into *int) {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				fs.Add(name, "must be a whole number from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi))
				return
			}
			*into = n
		}
	}
	whole("page", 1, maxPage, &p.page.Number)
	whole("per_page", 1, MaxPerPage, &p.page.Size)
	switch q.Get("format") {
	case "", "json":
	case "ndjson":
		p.ndjson = true
	default:
		fs.Add("format", "must be json or ndjson")
	}
	id := func(name string, into *string) {
		if v := q.Get(name); v != "" {
			if !isUUID(v) {
				fs.Add(name, "must be a UUID, like 3f7b145d-84af-42d7-8fae-eaca714b02b2")
				return
			}
			*into = strings.ToLower(v)
		}
	}
	if what&termFilters != 0 {
		p.terms.Current = true // a retired term is left out of lists, still found by its id
		id("taxonomy_id", &p.terms.TaxonomyID)
		id("parent_id", &p.terms.ParentID)
		switch q.Get("top_only") {
		case "", "false":
		case "true":
			p.terms.TopOnly = true
		default:
			fs.Add("top_only", "must be true or false")
		}
	}
	if what&serviceFilters != 0 {
		f := &p.filter
		if s := q.Get("search"); len(s) > offer.MaxSearch {
			fs.Add("search", "must be at most "+strconv.Itoa(offer.MaxSearch)+" characters")
		} else {
			f.Search = s
		}
		id("taxonomy_term_id", &f.TaxonomyTermID)
		id("taxonomy_id", &f.TaxonomyID)
		id("organization_id", &f.OrganizationID)
		age := func(name string) *float64 {
			v := q.Get(name)
			if v == "" {
				return nil
			}
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(n) || n < 0 || n > maxAge {
				fs.Add(name, "must be an age in years from 0 to "+strconv.Itoa(maxAge))
				return nil
			}
			return &n
		}
		f.MinimumAge, f.MaximumAge = age("minimum_age"), age("maximum_age")
		if v := q.Get("day"); v != "" {
			if f.Day, _ = offer.ParseDay(v); f.Day == "" {
				fs.Add("day", "must be a day of the week: MO, TU, WE, TH, FR, SA, SU or its name, e.g. Monday")
			}
		}
		clock := func(name string, into *string) {
			if v := q.Get(name); v != "" {
				t, err := offer.ParseTime(v)
				if err != nil {
					fs.Add(name, "must be a time of day as HH:MM or HH:MM:SS, e.g. 09:30")
				}
				*into = t
			}
		}
		clock("start_time", &f.StartTime)
		clock("end_time", &f.EndTime)
		if v := q.Get("modified_after"); v != "" {
			if f.ModifiedAfter = parseInstant(v); f.ModifiedAfter.IsZero() {
				fs.Add("modified_after", "must be a date and time like 2026-11-22T09:30:00Z, or a date like 2026-11-22")
			}
		}
	}
	a.parsePlace(ctx, q, what, &p.filter, &fs)
	return p, fs.Err("the request")
}

// parsePlace reads postcode and proximity, looking the postcode up.
func (a *API) parsePlace(ctx context.Context, q url.Values, what accepts, f *offer.Filter, fs *apperr.Fields) {
	pc, prox := q.Get("postcode"), q.Get("proximity")
	if pc == "" && prox == "" {
		return
	}
	if what&placeFilters == 0 {
		fs.Add("postcode", "postcode and proximity filter /service_at_locations only")
		return
	}
	if prox != "" {
		n, err := strconv.ParseFloat(prox, 64)
		if err != nil || math.IsNaN(n) || n <= 0 || n > maxProximity {
			fs.Add("proximity", "must be a distance in metres above 0 and at most "+strconv.Itoa(maxProximity))
		} else {
			f.Within = n
		}
		if pc == "" {
			fs.Add("proximity", "needs a postcode to measure from")
		}
	}
	if pc == "" {
		return
	}
	norm, ok := offer.NormalisePostcode(pc)
	if !ok {
		fs.Add("postcode", "must be a UK postcode, like WR1 2AB")
		return
	}
	point, err := a.store.Postcode(ctx, norm)
	switch {
	case apperr.CodeOf(err) == apperr.NotFound:
		fs.Add("postcode", norm+" is not in the postcode directory")
	case err != nil:
		fs.Add("postcode", "could not be looked up just now; try again")
		a.logger.ErrorContext(ctx, "oruk: postcode lookup", "error", err)
	default:
		f.Near = &point
	}
}

// parseInstant reads RFC 3339, a date and time with no zone (UTC), or a date.
func parseInstant(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func isUUID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}
