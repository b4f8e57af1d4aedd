package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"joinedup/internal/apperr"
	"joinedup/internal/offer"
)

// The Local Offer's public pages (issue 6): search with filters, a service's
// page, a shortlist to print or share, support while you wait, short breaks.
// No sign-in and no personal data; everything here is the public directory.

// The taxonomies families filter by, by the names the directory gives them.
const (
	taxCategories  = "Service categories"
	taxNeeds       = "SEND needs"
	taxAccess      = "Accessibility"
	taxCost        = "Cost"
	taxDelivery    = "Delivery"
	taxCollections = "Collections"
)

// The collections that have pages of their own (codes in the Collections taxonomy).
const (
	collectionAutism   = "support-while-you-wait-autism-and-adhd"
	collectionTherapy  = "support-while-you-wait-therapies"
	collectionBreaks   = "short-breaks"
	resultsPerPage     = 20
	maxShortlist       = 30
	shortlistCookie    = "shortlist"
	metresPerMile      = 1609.344
	defaultMiles       = 5
	maxSearchPageCount = 10000
)

// distances are the choices of how far to look from a postcode, in miles.
var distances = []int{1, 3, 5, 10, 25}

// timesOfDay are the parts of the day a family can ask for: a service open
// for some of the time matches.
var timesOfDay = []struct{ Code, Label, From, Until string }{
	{"morning", "Morning (before 12 noon)", "00:00:00", "12:00:00"},
	{"afternoon", "Afternoon (12 noon to 5pm)", "12:00:00", "17:00:00"},
	{"evening", "Evening (after 5pm)", "17:00:00", "23:59:59"},
}

var dayChoices = []struct{ Code, Label string }{
	{"MO", "Monday"}, {"TU", "Tuesday"}, {"WE", "Wednesday"}, {"TH", "Thursday"}, {"FR", "Friday"}, {"SA", "Saturday"}, {"SU", "Sunday"},
}

// facetCache keeps the taxonomies for a minute: every search page shows them
// and translates its filters through them, and they change only when an
// editor edits a taxonomy, when a minute's lag misleads no one.
type facetCache struct {
	store *offer.Store
	mu    sync.Mutex
	at    time.Time
	f     map[string]*offer.Facet
	terms map[string]*offer.TaxonomyTerm // every facet's terms by id
	forms map[string]template.HTML       // the filters' HTML by what was chosen (filterHTML)
}

func (c *facetCache) get(ctx context.Context) (map[string]*offer.Facet, error) {
	f, _, err := c.both(ctx)
	return f, err
}

func (c *facetCache) both(ctx context.Context) (map[string]*offer.Facet, map[string]*offer.TaxonomyTerm, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f != nil && time.Since(c.at) < time.Minute {
		return c.f, c.terms, nil
	}
	f, err := c.store.Facets(ctx)
	if err != nil {
		return nil, nil, err
	}
	terms := map[string]*offer.TaxonomyTerm{}
	for _, x := range f {
		for i := range x.Terms {
			terms[x.Terms[i].ID] = &x.Terms[i]
		}
	}
	c.f, c.terms, c.forms, c.at = f, terms, map[string]template.HTML{}, time.Now()
	return f, terms, nil
}

// maxForms bounds the filters' HTML kept: each is some 25 kB.
const maxForms = 256

// filterHTML is the search form's fields for f, rendered once for each set of
// choices while the taxonomies stay the same: most searches choose no filter
// or the same few, and the fields' 130-odd options were half the page's cost.
func (s *server) filterHTML(f searchForm, errs []apperr.Field, facets map[string]*offer.Facet) (template.HTML, error) {
	key := f.query(0)
	if f.Q != "" { // the words are not in the fields
		key = strings.Replace(key, "q="+url.QueryEscape(f.Q), "", 1)
	}
	c := s.facets
	if len(errs) == 0 {
		c.mu.Lock()
		h, ok := c.forms[key]
		c.mu.Unlock()
		if ok {
			return h, nil
		}
	}
	var buf bytes.Buffer
	if err := s.pages["services.html"].ExecuteTemplate(&buf, "filters", newControls(f, errs, facets)); err != nil {
		return "", err
	}
	h := template.HTML(buf.String())
	if len(errs) == 0 {
		c.mu.Lock()
		if len(c.forms) >= maxForms {
			clear(c.forms)
		}
		if c.forms != nil {
			c.forms[key] = h
		}
		c.mu.Unlock()
	}
	return h, nil
}

// search is Store.Search with each result's terms filled in from the taxonomies.
func (s *server) search(ctx context.Context, f offer.Filter, p offer.Page) (offer.List[offer.Hit], error) {
	_, terms, err := s.facets.both(ctx)
	if err != nil {
		return offer.List[offer.Hit]{}, err
	}
	l, err := s.offer.Search(ctx, f, p)
	for i := range l.Items {
		as := l.Items[i].Attributes
		for j := range as {
			if t := terms[as[j].TaxonomyTermID]; t != nil {
				as[j].TaxonomyTerm = t
			}
		}
		// Names in order, as a family reads them; a term the cache does not know yet is left out.
		l.Items[i].Attributes = slices.DeleteFunc(as, func(a offer.Attribute) bool { return a.TaxonomyTerm == nil })
		slices.SortFunc(l.Items[i].Attributes, func(a, b offer.Attribute) int { return strings.Compare(a.TaxonomyTerm.Name, b.TaxonomyTerm.Name) })
	}
	return l, err
}

// searchForm is what a family asked for, as typed, and what it means.
type searchForm struct {
	Q, Category, Need, Age, Cost, Delivery, Day, Time, Postcode, Distance, Collection string
	Access                                                                            []string
	Page                                                                              int

	filter   offer.Filter
	postcode string // as printed, when given and known
	terms    map[string]*offer.TaxonomyTerm
}

// parseSearch reads the search page's query. Every bad value is a field
// error naming the field; nothing is searched then.
func (s *server) parseSearch(ctx context.Context, q url.Values, facets map[string]*offer.Facet) (searchForm, []apperr.Field, error) {
	f := searchForm{Q: strings.TrimSpace(q.Get("q")), Category: q.Get("category"), Need: q.Get("need"), Age: strings.TrimSpace(q.Get("age")),
		Cost: q.Get("cost"), Delivery: q.Get("delivery"), Day: q.Get("day"), Time: q.Get("time"), Postcode: strings.TrimSpace(q.Get("postcode")),
		Distance: q.Get("distance"), Collection: q.Get("collection"), Access: q["access"], Page: 1, terms: map[string]*offer.TaxonomyTerm{}}
	var errs []apperr.Field
	bad := func(name, msg string) { errs = append(errs, apperr.Field{Name: name, Message: msg}) }
	if !utf8.ValidString(f.Q) {
		f.Q = strings.ToValidUTF8(f.Q, "")
	}
	if r := []rune(f.Q); len(r) > offer.MaxSearch { // counted in characters, whatever the script
		bad("q", fmt.Sprintf("Search words must be %d characters or fewer", offer.MaxSearch))
		f.Q = string(r[:offer.MaxSearch]) // shown again, not searched
	} else {
		f.filter.Search = f.Q
	}
	term := func(field, value, taxonomy, msg string) {
		if value == "" {
			return
		}
		t := facets[taxonomy].Term(value)
		if t == nil {
			bad(field, msg)
			return
		}
		f.terms[field] = t
		f.filter.Terms = append(f.filter.Terms, t.ID)
	}
	term("category", f.Category, taxCategories, "Choose a type of service from the list")
	term("need", f.Need, taxNeeds, "Choose a need from the list")
	term("cost", f.Cost, taxCost, "Choose free, paid or subsidised")
	term("delivery", f.Delivery, taxDelivery, "Choose in person, online or by phone")
	term("collection", f.Collection, taxCollections, "Choose a collection from the list")
	if len(f.Access) > 20 {
		f.Access = f.Access[:20]
	}
	for i, a := range f.Access {
		t := facets[taxAccess].Term(a)
		if t == nil {
			bad("access", "Choose accessibility features from the list")
			break
		}
		f.terms["access"+strconv.Itoa(i)] = t
		f.filter.Terms = append(f.filter.Terms, t.ID)
	}
	if f.Age != "" {
		n, err := strconv.Atoi(f.Age)
		switch {
		case err != nil:
			bad("age", "Enter an age in whole years, like 7")
		case n < 0 || n > 25:
			bad("age", "Enter an age from 0 to 25")
		default:
			f.filter.Age = &n
		}
	}
	if f.Day != "" {
		d, ok := offer.ParseDay(f.Day)
		if !ok {
			bad("day", "Choose a day from the list")
		}
		f.Day, f.filter.Day = d, d
	}
	if f.Time != "" {
		i := slices.IndexFunc(timesOfDay, func(t struct{ Code, Label, From, Until string }) bool { return t.Code == f.Time })
		if i < 0 {
			bad("time", "Choose morning, afternoon or evening")
		} else {
			f.filter.OpenFrom, f.filter.OpenUntil = timesOfDay[i].From, timesOfDay[i].Until
		}
	}
	miles := defaultMiles
	if f.Distance != "" {
		n, err := strconv.Atoi(f.Distance)
		if err != nil || !slices.Contains(distances, n) {
			bad("distance", "Choose a distance from the list")
		}
		miles = n
	}
	if f.Postcode != "" {
		pc, ok := offer.NormalisePostcode(f.Postcode)
		if !ok {
			bad("postcode", "Enter a full postcode, like WR1 2HN")
		} else {
			p, err := s.offer.Postcode(ctx, pc)
			switch {
			case apperr.CodeOf(err) == apperr.NotFound:
				bad("postcode", "We do not know the postcode "+pc+": check it, or search without a postcode")
			case err != nil:
				return f, nil, err
			default:
				f.Postcode, f.postcode = pc, pc
				f.filter.Near, f.filter.Within = &p, float64(miles)*metresPerMile
			}
		}
	}
	f.Distance = strconv.Itoa(miles)
	if n, ok := pageNumber(q.Get("page"), maxSearchPageCount); ok {
		f.Page = n
	} else {
		bad("page", "There is no page "+q.Get("page")+" of results: pages are numbered from 1")
	}
	order := []string{"q", "category", "need", "age", "cost", "delivery", "day", "time", "postcode", "distance", "access", "collection", "page"}
	slices.SortStableFunc(errs, func(a, b apperr.Field) int { return slices.Index(order, a.Name) - slices.Index(order, b.Name) })
	return f, errs, nil
}

// searched says whether the family asked for anything; the bare page lists everything all the same.
func (f searchForm) searched() bool {
	return f.Q != "" || len(f.filter.Terms) > 0 || f.filter.Age != nil || f.filter.Day != "" || f.filter.OpenFrom != "" || f.filter.Near != nil
}

// query is the form as a query string, with page set (0 leaves it out).
func (f searchForm) query(page int) string {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("q", f.Q)
	set("category", f.Category)
	set("need", f.Need)
	set("age", f.Age)
	set("cost", f.Cost)
	set("delivery", f.Delivery)
	set("day", f.Day)
	set("time", f.Time)
	set("collection", f.Collection)
	for _, a := range f.Access {
		v.Add("access", a)
	}
	if f.postcode != "" {
		v.Set("postcode", f.postcode)
		v.Set("distance", f.Distance)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v.Encode()
}

// result is one service in the list, with the reasons it matched.
type result struct {
	Hit     offer.Hit
	Why     []string
	Where   string
	Ages    string
	Cost    string
	InShort bool // already on the shortlist
}

// searchPage is the search page's data.
type searchPage struct {
	Form    searchForm
	Errors  []apperr.Field
	Facets  map[string]*offer.Facet
	Q       control       // the words
	Filters template.HTML // the form's fields (filterHTML)
	Results []result
	pager
	Searched    bool
	Shortlist   int
	Back        string // this page's address, for the shortlist buttons to return to
	HasPostcode bool
}

// services is the Local Offer's search: words and filters in the query, results a page at a time.
func (s *server) services(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	facets, err := s.facets.get(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f, errs, err := s.parseSearch(ctx, r.URL.Query(), facets)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	shortlist := shortlistOf(r)
	p := searchPage{Form: f, Errors: errs, Q: control{Name: "q", Label: "What are you looking for?", Value: f.Q, Error: fieldError(errs, "q"),
		Hint: "For example, speech and language therapy, short breaks or autism support"}, pager: pager{Page: f.Page},
		Searched: f.searched(), Shortlist: len(shortlist), HasPostcode: f.postcode != "", Back: "/services?" + f.query(f.Page)}
	if p.Filters, err = s.filterHTML(f, errs, facets); err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(errs) == 0 {
		l, err := s.search(ctx, f.filter, offer.Page{Number: f.Page, Size: resultsPerPage})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		p.pager = newPager(f.Page, resultsPerPage, l.Total, len(l.Items), func(n int) string { return "/services?" + f.query(n) })
		for _, h := range l.Items {
			p.Results = append(p.Results, result{Hit: h, Why: why(f, h), Where: where(h.Service, h.Distance), Ages: ages(h.Service),
				Cost: costWords(h.Service), InShort: slices.Contains(shortlist, h.ID)})
		}
	}
	s.renderForm(w, r, "services.html", p, errs)
}

// why says in words why a service is in the results: every filter it meets, and where the words were found.
func why(f searchForm, h offer.Hit) []string {
	var out []string
	if words := offer.Words(f.filter.Search); len(words) > 0 {
		name, desc := strings.ToLower(h.Name), strings.ToLower(h.Description)
		var inName, inDesc bool
		for _, w := range words {
			stem := stemOf(w)
			inName = inName || strings.Contains(name, stem)
			inDesc = inDesc || strings.Contains(desc, stem)
		}
		switch {
		case inName:
			out = append(out, "Your words are in its name")
		case inDesc:
			out = append(out, "Your words are in its description")
		default:
			out = append(out, "Your words are in its type, organisation or town")
		}
	}
	has := func(field string) *offer.TaxonomyTerm {
		t := f.terms[field]
		if t == nil {
			return nil
		}
		for _, a := range h.Attributes {
			if a.TaxonomyTermID == t.ID || a.TaxonomyTerm != nil && a.TaxonomyTerm.ParentID == t.ID {
				return a.TaxonomyTerm
			}
		}
		return t
	}
	if t := has("category"); t != nil {
		out = append(out, "Type of service: "+t.Name)
	}
	if t := has("need"); t != nil {
		out = append(out, "For "+needWords(t.Name))
	}
	if f.filter.Age != nil {
		out = append(out, fmt.Sprintf("For ages %s, which includes %d", strings.TrimPrefix(ages(h.Service), "Ages "), *f.filter.Age))
	}
	if t := has("cost"); t != nil {
		out = append(out, "Cost: "+t.Name)
	}
	if t := has("delivery"); t != nil {
		out = append(out, "Delivered "+strings.ToLower(t.Name))
	}
	if f.filter.Day != "" || f.filter.OpenFrom != "" {
		when := "Runs"
		for _, d := range dayChoices {
			if d.Code == f.filter.Day {
				when += " on " + d.Label + "s"
			}
		}
		for _, t := range timesOfDay {
			if t.Code == f.Time {
				when += " in the " + t.Code
			}
		}
		out = append(out, when)
	}
	for i := range f.Access {
		if t := has("access" + strconv.Itoa(i)); t != nil {
			out = append(out, "Accessibility: "+t.Name)
		}
	}
	if t := has("collection"); t != nil {
		out = append(out, "In the collection "+t.Name)
	}
	if f.filter.Near != nil {
		if h.Distance != nil {
			out = append(out, fmt.Sprintf("%s from %s", miles(*h.Distance), f.postcode))
		} else {
			out = append(out, "Online or by phone, so available wherever you live")
		}
	}
	return out
}

// stemOf is a word's first letters, so "swimming" is found in "swim" as the index's stemmer would.
func stemOf(w string) string {
	r := []rune(w)
	if len(r) > 5 {
		r = r[:5]
	}
	return string(r)
}

// needWords names a SEND need for a sentence: "For autism", "For attention
// deficit hyperactivity disorder (ADHD)": no acronym left unexplained.
func needWords(n string) string {
	if long, ok := acronyms[n]; ok {
		return strings.ToLower(long[:1]) + long[1:]
	}
	if strings.ToUpper(n) == n {
		return n
	}
	return strings.ToLower(n)
}

// acronyms spells out the taxonomy terms that are only letters.
var acronyms = map[string]string{"ADHD": "Attention deficit hyperactivity disorder (ADHD)"}

// miles says a distance as people in England do.
func miles(m float64) string {
	mi := m / metresPerMile
	switch {
	case mi < 0.1:
		return "Less than 0.1 miles"
	case math.Round(mi*10)/10 == 1:
		return "1 mile"
	case mi < 10:
		return fmt.Sprintf("%.1f miles", mi)
	}
	return fmt.Sprintf("%.0f miles", mi)
}

// where says where a service happens: its town, or online or by phone.
func where(s offer.Service, dist *float64) string {
	var towns []string
	for _, sal := range s.ServiceAtLocations {
		if sal.Location == nil {
			continue
		}
		if sal.Location.LocationType == offer.Virtual {
			return "Online or by phone"
		}
		for _, a := range sal.Location.Addresses {
			if a.City != "" && !slices.Contains(towns, a.City) {
				towns = append(towns, a.City)
			}
		}
	}
	if len(towns) == 0 {
		return "Online or by phone"
	}
	return strings.Join(towns, ", ")
}

// ages says who a service is for by age.
func ages(s offer.Service) string {
	switch {
	case s.MinimumAge != nil && s.MaximumAge != nil:
		return fmt.Sprintf("Ages %d to %d", *s.MinimumAge, *s.MaximumAge)
	case s.MinimumAge != nil:
		return fmt.Sprintf("Ages %d and over", *s.MinimumAge)
	case s.MaximumAge != nil:
		return fmt.Sprintf("Ages up to %d", *s.MaximumAge)
	}
	return "All ages"
}

// costWords is the short answer to "what does it cost": its cost term, or its fees.
func costWords(s offer.Service) string {
	for _, a := range s.Attributes {
		if a.TaxonomyTerm != nil && a.TaxonomyTerm.Taxonomy == taxCost {
			return a.TaxonomyTerm.Name
		}
	}
	if s.Fees != "" {
		return s.Fees
	}
	return "Ask the service"
}

// servicePage is a service's own page.
type servicePage struct {
	Service   offer.Service
	Ages      string
	Cost      string
	Needs     []string
	Types     []string
	Access    []string
	Delivery  string
	InShort   bool
	Shortlist int
	Back      string
	Stale     bool // not checked for more than three months
}

// service shows everything a family needs to know about one service.
func (s *server) service(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !uuidShape(id) {
		s.notFound(w, r)
		return
	}
	svc, err := s.offer.Service(r.Context(), id)
	if apperr.CodeOf(err) == apperr.NotFound {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	shortlist := shortlistOf(r)
	p := servicePage{Service: svc, Ages: ages(svc), Cost: costWords(svc), InShort: slices.Contains(shortlist, svc.ID),
		Shortlist: len(shortlist), Back: "/services/" + svc.ID, Stale: time.Since(svc.LastChecked) > 92*24*time.Hour}
	for _, a := range svc.Attributes {
		t := a.TaxonomyTerm
		switch t.Taxonomy {
		case taxNeeds:
			p.Needs = append(p.Needs, t.Name)
		case taxCategories:
			p.Types = append(p.Types, t.Name)
		case taxAccess:
			p.Access = append(p.Access, t.Name)
		case taxDelivery:
			p.Delivery = t.Name
		}
	}
	v, err := s.view(r, p)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Title = svc.Name
	s.render(w, r, http.StatusOK, "service.html", v)
}

// uuidShape says whether id looks like a UUID, so nothing else reaches the database.
func uuidShape(id string) bool {
	if len(id) != 36 {
		return false
	}
	for i, c := range id {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'):
			return false
		}
	}
	return true
}

// The shortlist lives in a cookie on the family's device (service ids only),
// so it works without JavaScript and without an account; the share and print
// links carry the same ids in the address, so a shortlist can be sent to
// someone else as a link.

// shortlistOf reads the shortlist cookie: known-shaped ids, no repeats, at most maxShortlist.
func shortlistOf(r *http.Request) []string {
	c, err := r.Cookie(shortlistCookie)
	if err != nil {
		return nil
	}
	return parseIDs(c.Value)
}

// parseIDs reads a list of service ids separated by dots or commas, dropping anything else.
func parseIDs(s string) []string {
	var out []string
	for _, id := range strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == ',' || r == ' ' }) {
		id = strings.ToLower(id)
		if uuidShape(id) && !slices.Contains(out, id) && len(out) < maxShortlist {
			out = append(out, id)
		}
	}
	return out
}

func (s *server) setShortlist(w http.ResponseWriter, ids []string) {
	http.SetCookie(w, &http.Cookie{Name: shortlistCookie, Value: strings.Join(ids, "."), Path: "/", MaxAge: 90 * 24 * 3600,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// backTo is where a shortlist button returns: a path on this site, else the shortlist.
func backTo(r *http.Request) string {
	b := r.PostFormValue("back")
	if !strings.HasPrefix(b, "/") || strings.HasPrefix(b, "//") || strings.HasPrefix(b, "/\\") || strings.ContainsAny(b, "\r\n") {
		return "/shortlist"
	}
	return b
}

// shortlistAdd adds a service to the shortlist and returns to where the button was.
func (s *server) shortlistAdd(w http.ResponseWriter, r *http.Request) {
	ids := shortlistOf(r)
	for _, id := range parseIDs(r.PostFormValue("id")) {
		if !slices.Contains(ids, id) && len(ids) < maxShortlist {
			ids = append(ids, id)
		}
	}
	s.setShortlist(w, ids)
	http.Redirect(w, r, backTo(r), http.StatusSeeOther)
}

// shortlistRemove takes a service off the shortlist.
func (s *server) shortlistRemove(w http.ResponseWriter, r *http.Request) {
	drop := parseIDs(r.PostFormValue("id"))
	ids := slices.DeleteFunc(shortlistOf(r), func(id string) bool { return slices.Contains(drop, id) })
	s.setShortlist(w, ids)
	http.Redirect(w, r, backTo(r), http.StatusSeeOther)
}

// shortlistPage is the shortlist's data: the family's own, or one shared by link.
type shortlistPage struct {
	Services []offer.Service
	Results  []result
	Shared   bool   // from a link, not this device's shortlist
	IDs      string // for the share and print links
	Full     bool   // more than maxShortlist were asked for
}

func (s *server) shortlistData(r *http.Request) (shortlistPage, error) {
	ids, shared := shortlistOf(r), false
	if v, ok := r.URL.Query()["ids"]; ok {
		ids, shared = parseIDs(strings.Join(v, ".")), true
	}
	svcs, err := s.offer.Shortlist(r.Context(), ids)
	p := shortlistPage{Services: svcs, Shared: shared}
	var kept []string
	for _, svc := range svcs {
		kept = append(kept, svc.ID)
		p.Results = append(p.Results, result{Hit: offer.Hit{Service: svc}, Where: where(svc, nil), Ages: ages(svc), Cost: costWords(svc), InShort: !shared})
	}
	p.IDs = strings.Join(kept, ".")
	return p, err
}

// shortlist shows the services a family has kept, with links to share and print them.
func (s *server) shortlist(w http.ResponseWriter, r *http.Request) {
	p, err := s.shortlistData(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.page(w, r, "shortlist.html", p)
}

// shortlistPrint is the shortlist with everything about each service, laid out for paper.
func (s *server) shortlistPrint(w http.ResponseWriter, r *http.Request) {
	p, err := s.shortlistData(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.page(w, r, "shortlist-print.html", p)
}

// collectionPage is a page built around one or more collections of services.
type collectionPage struct {
	Lists []collectionList
}

type collectionList struct {
	Title, Code string
	Results     []result
	Total       int
}

// collections reads the services in each collection (by code), the first page of each.
func (s *server) collections(ctx context.Context, codes ...[2]string) (collectionPage, error) {
	facets, err := s.facets.get(ctx)
	if err != nil {
		return collectionPage{}, err
	}
	var p collectionPage
	for _, c := range codes {
		cl := collectionList{Title: c[1], Code: c[0]}
		if t := facets[taxCollections].Term(c[0]); t != nil {
			l, err := s.search(ctx, offer.Filter{Terms: []string{t.ID}}, offer.Page{Number: 1, Size: 50})
			if err != nil {
				return p, err
			}
			cl.Total = l.Total
			for _, h := range l.Items {
				cl.Results = append(cl.Results, result{Hit: h, Where: where(h.Service, nil), Ages: ages(h.Service), Cost: costWords(h.Service)})
			}
		}
		p.Lists = append(p.Lists, cl)
	}
	return p, nil
}

func (s *server) whileYouWait(w http.ResponseWriter, r *http.Request) {
	p, err := s.collections(r.Context(), [2]string{collectionAutism, "While you wait for an autism or ADHD assessment"},
		[2]string{collectionTherapy, "While you wait for therapy"})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.page(w, r, "while-you-wait.html", p)
}

// shortBreaks is the short breaks offer: the statement the council must
// publish and the services in it.
func (s *server) shortBreaks(w http.ResponseWriter, r *http.Request) {
	p, err := s.collections(r.Context(), [2]string{collectionBreaks, "Short breaks you can book or ask for"})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.page(w, r, "short-breaks.html", p)
}

// offerFuncs are the template functions of the Local Offer's pages.
var offerFuncs = template.FuncMap{
	"resultItem":  func(r result, back string, buttons bool) resultItem { return resultItem{r, back, buttons} },
	"miles":       miles,
	"schedule":    scheduleWords,
	"money":       func(f float64) string { return fmt.Sprintf("£%.2f", f) },
	"serviceAges": ages,
	"costLine":    costLine,
	"serviceNeeds": func(s offer.Service) string {
		var n []string
		for _, a := range s.Attributes {
			if a.TaxonomyTerm != nil && a.TaxonomyTerm.Taxonomy == taxNeeds {
				n = append(n, needWords(a.TaxonomyTerm.Name))
			}
		}
		return strings.Join(n, ", ")
	},
}

// resultItem is one result as the "result" component draws it.
type resultItem struct {
	R       result
	Back    string
	Buttons bool
}

// scheduleWords says when a schedule runs, from its own words or its rule.
func scheduleWords(sc offer.Schedule) string {
	if sc.Description != "" {
		return sc.Description
	}
	var ds []string
	for d := range strings.SplitSeq(sc.ByDay, ",") {
		for _, c := range dayChoices {
			if c.Code == d {
				ds = append(ds, c.Label+"s")
			}
		}
	}
	s := strings.Join(ds, ", ")
	if sc.OpensAt != "" && sc.ClosesAt != "" {
		s += fmt.Sprintf(", %s to %s", strings.TrimSuffix(sc.OpensAt, ":00"), strings.TrimSuffix(sc.ClosesAt, ":00"))
	}
	if s == "" {
		return "Ask the service when it runs"
	}
	return s
}

// controls are the search form's fields, worked out here rather than in the
// template: a template's function calls and comparisons were a quarter of the
// page's cost (the form has some 130 options).
type controls struct {
	Age, Postcode                                                     control
	Category, Need, Cost, Delivery, Day, Time, Distance, Access, Coll control
}

// control is one field of the search form: a text input (Value), or a
// choice of Options, which Groups gathers into option groups when set.
type control struct {
	Name, Label, Hint, Value, Error string
	Class                           string // a text input's width
	Options                         []option
	Groups                          []optionGroup
	Any                             string // the label of the empty choice; "" for none
}

type option struct {
	ID, Value, Label string
	Selected         bool
}

type optionGroup struct {
	Label   string
	Options []option
}

// Described is the value of aria-describedby: the hint and error ids there are.
func (c control) Described() string {
	var ids []string
	if c.Hint != "" {
		ids = append(ids, c.Name+"-hint")
	}
	if c.Error != "" {
		ids = append(ids, c.Name+"-error")
	}
	return strings.Join(ids, " ")
}

func newControls(f searchForm, errs []apperr.Field, facets map[string]*offer.Facet) controls {
	c := func(name, label, hint, value string) control {
		return control{Name: name, Label: label, Hint: hint, Value: value, Error: fieldError(errs, name)}
	}
	withTerms := func(x control, taxonomy string, selected ...string) control {
		if fc := facets[taxonomy]; fc != nil {
			for i, t := range fc.Terms {
				if t.Retired {
					continue // kept to name services already tagged, offered for no search
				}
				o := option{ID: x.Name + "-" + strconv.Itoa(i), Value: t.Code, Label: t.Name, Selected: slices.Contains(selected, t.Code)}
				if long, ok := acronyms[t.Name]; ok {
					o.Label = long
				}
				if len(x.Options) == 0 && x.Any == "" {
					o.ID = x.Name // the first box is what the error summary links to
				}
				x.Options = append(x.Options, o)
			}
		}
		return x
	}
	out := controls{
		Age:      c("age", "Age of the child or young person", "In years, from 0 to 25", f.Age),
		Postcode: c("postcode", "Near a postcode", "For example, WR1 2HN", f.Postcode),
	}
	out.Age.Class, out.Postcode.Class = "govuk-input--width-3", "govuk-input--width-10"
	out.Category = withTerms(c("category", "Type of service", "", ""), taxCategories, f.Category)
	for _, o := range out.Category.Options { // each top category with its own, the first choosing them all
		t := facets[taxCategories].Term(o.Value)
		if t.ParentID == "" {
			o.Label = "All: " + o.Label
			out.Category.Groups = append(out.Category.Groups, optionGroup{Label: t.Name})
		}
		if n := len(out.Category.Groups); n > 0 {
			out.Category.Groups[n-1].Options = append(out.Category.Groups[n-1].Options, o)
		}
	}
	out.Need = withTerms(c("need", "Needs it is designed for", "Special educational needs and disabilities (SEND)", ""), taxNeeds, f.Need)
	out.Cost = withTerms(control{Name: "cost", Label: "Cost", Any: "Any", Value: f.Cost, Error: fieldError(errs, "cost")}, taxCost, f.Cost)
	out.Delivery = withTerms(control{Name: "delivery", Label: "How it is delivered", Any: "Any", Value: f.Delivery, Error: fieldError(errs, "delivery")}, taxDelivery, f.Delivery)
	out.Access = withTerms(c("access", "Accessibility", "", ""), taxAccess, f.Access...)
	out.Coll = withTerms(c("collection", "Collection", "Services gathered for families in a particular situation", ""), taxCollections, f.Collection)
	out.Day = c("day", "Day", "", "")
	for _, d := range dayChoices {
		out.Day.Options = append(out.Day.Options, option{Value: d.Code, Label: d.Label, Selected: d.Code == f.Day})
	}
	out.Time = c("time", "Time of day", "", "")
	for _, t := range timesOfDay {
		out.Time.Options = append(out.Time.Options, option{Value: t.Code, Label: t.Label, Selected: t.Code == f.Time})
	}
	out.Distance = c("distance", "Within", "", "")
	for _, d := range distances {
		label := strconv.Itoa(d) + " miles"
		if d == 1 {
			label = "1 mile"
		}
		out.Distance.Options = append(out.Distance.Options, option{Value: strconv.Itoa(d), Label: label, Selected: strconv.Itoa(d) == f.Distance})
	}
	return out
}

// costLine says one price: "£8.00 per session", "Free: no charge".
func costLine(c offer.CostOption) string {
	var parts []string
	if c.Amount != nil {
		parts = append(parts, fmt.Sprintf("£%.2f", *c.Amount))
	}
	if c.AmountDescription != "" {
		parts = append(parts, c.AmountDescription)
	}
	s := strings.Join(parts, " ")
	if c.Option != "" && !strings.EqualFold(c.Option, c.AmountDescription) {
		if s == "" {
			return c.Option
		}
		return c.Option + ": " + s
	}
	return s
}
