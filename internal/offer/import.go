package offer

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
)

// Importing services into the directory. Each service of a feed is added, or
// replaces the stored service with its id entirely (its nested rows too);
// services the feed leaves out stay as they are. Organisations, locations,
// taxonomies and terms the services carry are added or updated. Everything
// is checked and compared with the directory first: a dry run stops there
// and says what would change; applying writes it all in one transaction, or
// nothing when anything is wrong.
//
// A service whose content (as the ORUK API would show it, last_modified
// aside) equals the stored one is unchanged and not rewritten: a feed that
// only bumps last_modified changes nothing.
//
// Terms: a term the directory has is used as it is stored (its name,
// description, code and URI are updated if the feed gives others). A new term
// needs its name in the feed; it goes into its taxonomy_id's taxonomy, which
// is created (named after the term's "taxonomy") if the directory lacks it,
// or else into the "Imported" taxonomy for an editor to sort. A parent the
// directory and the feed both lack is left off. A retired term (see
// internal/offer/taxonomy) stays on the services it already tags, so an
// export imports again unchanged, but the import refuses to tag any other
// service with it.

// ImportedTaxonomyID is the taxonomy new terms go into when the feed names none.
const ImportedTaxonomyID = "6a0e8a2e-3c8e-4a57-9a55-1c1f0d6f2b7e"

// ImportOptions say whether to write and when "now" is.
type ImportOptions struct {
	Apply bool      // write the changes; otherwise only report them
	Now   time.Time // the last_modified of organisations and locations written
}

// ImportReport says what an import changed, or would change.
type ImportReport struct {
	New, Changed, Unchanged []FeedItem // services, in the feed's order (Changed as they will be written)
	Was                     []Service  // the stored version of each Changed service, in the same order
	Organizations           Counts
	Locations               Counts
	Taxonomies              Counts
	Terms                   Counts
	Applied                 bool
	// Fingerprint is a hash of the stored records the import was compared
	// with (preview.go): the same feed and fingerprint write the same changes.
	Fingerprint string
}

// Counts are records an import adds and changes.
type Counts struct{ New, Changed int }

// Import checks items against each other and the directory, reports what
// would change, and with o.Apply writes it in one transaction.
func Import(ctx context.Context, d *db.DB, items []FeedItem, o ImportOptions) (ImportReport, error) {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	st := &Store{DB: d}
	pl, err := plan(ctx, st, items)
	if err != nil {
		return ImportReport{}, err
	}
	rep := pl.report
	if !o.Apply {
		return rep, nil
	}
	if err := d.Load(ctx, func(l *db.Loader) error { return pl.apply(ctx, l, o.Now) }); err != nil {
		return rep, err
	}
	rep.Applied = true
	return rep, nil
}

// importPlan is what an import will write.
type importPlan struct {
	report ImportReport

	newTaxonomies    []Taxonomy
	newTerms         []TaxonomyTerm // parents before children
	changedTerms     []TaxonomyTerm
	newOrgs          []Organization
	changedOrgs      []Organization
	newLocations     []Location
	changedLocations []Location
	newServices      []Service
	changedServices  []Service
	refresh          []Service // services the feed leaves out whose summary or keywords change
}

// plan checks items and works out what they change.
func plan(ctx context.Context, st *Store, items []FeedItem) (*importPlan, error) {
	var p problems
	pl := &importPlan{}
	orgs := map[string]Organization{}
	orgAt := map[string]string{}
	locs := map[string]Location{}
	locAt := map[string]string{}
	terms := map[string]TaxonomyTerm{}
	svcAt := map[string]string{}
	nestedAt := map[string]string{} // every nested id: the place it was first seen
	var svcIDs, locIDs, termIDs []string
	nested := map[string][]string{} // table → ids, to find ids other services hold
	owner := map[string]string{}    // nested id → its service or location

	for i := range items {
		it := &items[i]
		s := &it.Service
		prepare(s)
		if s.Organization != nil && s.Organization.ID != "" && s.Organization.ID != s.OrganizationID {
			p.add(it.Where, "organization.id", "is not the service's organization_id")
		}
		if err := s.Validate(); err != nil {
			p.addErr(it.Where, err)
		}
		if prev, ok := svcAt[s.ID]; ok {
			p.add(it.Where, "id", "repeats the service at "+prev+": a feed lists each service once")
			continue
		}
		svcAt[s.ID] = it.Where
		svcIDs = append(svcIDs, s.ID)
		if s.Organization != nil {
			o := *s.Organization
			o.ID = s.OrganizationID
			if prev, ok := orgs[o.ID]; !ok {
				orgs[o.ID], orgAt[o.ID] = o, it.Where
			} else if prev != o {
				p.add(it.Where, "organization", "differs from the same organisation at "+orgAt[o.ID])
			}
		}
		seen := func(table, field, id, own string) {
			if prev, ok := nestedAt[id]; ok && id != "" {
				p.add(it.Where, field, "repeats an id used at "+prev)
				return
			}
			nestedAt[id] = it.Where
			nested[table] = append(nested[table], id)
			owner[id] = own
		}
		sals := map[string]bool{}
		placed := map[string]bool{}
		for _, sal := range s.ServiceAtLocations {
			seen("offer_service_at_locations", "service_at_locations.id", sal.ID, s.ID)
			sals[sal.ID] = true
			if placed[sal.LocationID] {
				p.add(it.Where, "service_at_locations.location_id", "lists the same location twice")
			}
			placed[sal.LocationID] = true
			if sal.Location == nil {
				continue
			}
			loc := *sal.Location
			if loc.ID == "" {
				loc.ID = sal.LocationID
			}
			if loc.ID != sal.LocationID {
				p.add(it.Where, "service_at_locations.location.id", "is not the location_id beside it")
				continue
			}
			if err := loc.validate(); err != nil {
				p.addErr(it.Where, prefixed("service_at_locations.location.", err))
				continue
			}
			loc = canonicalLocation(loc)
			if prev, ok := locs[loc.ID]; !ok {
				locs[loc.ID], locAt[loc.ID] = loc, it.Where
				locIDs = append(locIDs, loc.ID)
				for _, a := range loc.Addresses {
					seen("offer_addresses", "service_at_locations.location.addresses.id", a.ID, loc.ID)
				}
				for _, a := range loc.Accessibility {
					seen("offer_accessibility", "service_at_locations.location.accessibility.id", a.ID, loc.ID)
				}
			} else if !sameJSON(prev, loc) {
				p.add(it.Where, "service_at_locations.location", "differs from the same location at "+locAt[loc.ID])
			}
		}
		for _, sc := range s.Schedules {
			seen("offer_schedules", "schedules.id", sc.ID, s.ID)
			if sc.ServiceAtLocationID != "" && !sals[sc.ServiceAtLocationID] {
				p.add(it.Where, "schedules.service_at_location_id", "is not one of this service's service_at_locations")
			}
			if sc.Freq != "" && sc.Freq != "WEEKLY" && sc.Freq != "MONTHLY" {
				p.add(it.Where, "schedules.freq", "must be WEEKLY or MONTHLY")
			}
			if sc.Interval < 0 {
				p.add(it.Where, "schedules.interval", "must be 1 or more")
			}
		}
		for _, a := range s.ServiceAreas {
			seen("offer_service_areas", "service_areas.id", a.ID, s.ID)
		}
		for _, c := range s.CostOptions {
			seen("offer_cost_options", "cost_options.id", c.ID, s.ID)
		}
		for _, c := range s.Contacts {
			seen("offer_contacts", "contacts.id", c.ID, s.ID)
			for _, ph := range c.Phones {
				seen("offer_phones", "contacts.phones.id", ph.ID, s.ID)
				if strings.TrimSpace(ph.Number) == "" {
					p.add(it.Where, "contacts.phones.number", "is required")
				}
			}
		}
		tagged := map[string]bool{}
		for _, a := range s.Attributes {
			seen("offer_attributes", "attributes.id", a.ID, s.ID)
			if tagged[a.TaxonomyTermID] {
				p.add(it.Where, "attributes.taxonomy_term_id", "lists the same term twice")
			}
			tagged[a.TaxonomyTermID] = true
			if _, ok := terms[a.TaxonomyTermID]; !ok {
				termIDs = append(termIDs, a.TaxonomyTermID)
				terms[a.TaxonomyTermID] = TaxonomyTerm{}
			}
			if t := a.TaxonomyTerm; t != nil && t.Name != "" && terms[a.TaxonomyTermID].Name == "" {
				term := *t
				term.ID = a.TaxonomyTermID
				terms[term.ID] = term
			}
		}
	}
	for _, it := range items { // ids must be UUIDs before they go near the database
		for _, f := range idProblems(it.Service) {
			p.add(it.Where, f, "must be a UUID")
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}

	// What the directory holds already.
	storedSvcs, err := st.servicesByID(ctx, svcIDs)
	if err != nil {
		return nil, err
	}
	storedOrgs, err := st.organizationsByID(ctx, keys(orgs))
	if err != nil {
		return nil, err
	}
	for _, it := range items { // locations given only by id must be stored already
		for _, sal := range it.Service.ServiceAtLocations {
			if _, ok := locs[sal.LocationID]; !ok && !slices.Contains(locIDs, sal.LocationID) {
				locIDs = append(locIDs, sal.LocationID)
			}
		}
	}
	storedLocs, err := st.locationsByID(ctx, locIDs)
	if err != nil {
		return nil, err
	}
	storedTerms, err := st.termsByID(ctx, termIDs)
	if err != nil {
		return nil, err
	}
	if err := st.nestedOwners(ctx, nested, owner, func(table, id, other string) {
		p.add(nestedAt[id], "id", fmt.Sprintf("%s belongs to another record in the directory (%s %s): ids must be unique", id, strings.TrimPrefix(table, "offer_"), other))
	}); err != nil {
		return nil, err
	}

	// Terms: stored, or new with the name the feed gives.
	var taxIDs []string
	for _, id := range termIDs {
		if _, ok := storedTerms[id]; !ok && terms[id].TaxonomyID != "" && isUUID(terms[id].TaxonomyID) {
			taxIDs = append(taxIDs, terms[id].TaxonomyID)
		}
	}
	taxIDs = append(taxIDs, ImportedTaxonomyID)
	storedTax, err := st.taxonomiesByID(ctx, taxIDs)
	if err != nil {
		return nil, err
	}
	pl.report.Fingerprint = fingerprint(storedSvcs, storedOrgs, storedLocs, storedTerms, storedTax)
	for _, it := range items { // a retired term stays on the services it tags, but tags no more
		for _, a := range it.Service.Attributes {
			if t := storedTerms[a.TaxonomyTermID]; t.Retired && !hasTerm(storedSvcs[it.Service.ID], t.ID) {
				p.add(it.Where, "attributes.taxonomy_term_id", fmt.Sprintf("the term %q (%s) is retired: choose a current term, or bring it back first", t.Name, t.ID))
			}
		}
	}
	final := map[string]TaxonomyTerm{} // every term the services will carry
	newTax := map[string]bool{}
	for _, id := range termIDs {
		if t, stored := storedTerms[id]; stored {
			if f := terms[id]; f.Name != "" {
				upd := t
				upd.Name, upd.Description, upd.Code, upd.TermURI = f.Name, cmp.Or(f.Description, f.Name), f.Code, f.TermURI
				if upd != t {
					pl.changedTerms = append(pl.changedTerms, upd)
					t = upd
				}
			}
			final[id] = t
			continue
		}
		f := terms[id]
		if f.Name == "" {
			for _, it := range items {
				for _, a := range it.Service.Attributes {
					if a.TaxonomyTermID == id {
						p.add(it.Where, "attributes.taxonomy_term", "the term "+id+" is not in the directory, and the feed does not give its name")
					}
				}
			}
			continue
		}
		f.Description = cmp.Or(f.Description, f.Name)
		switch {
		case f.TaxonomyID != "" && isUUID(f.TaxonomyID) && storedTax[f.TaxonomyID] != "":
			f.Taxonomy = storedTax[f.TaxonomyID]
		case f.TaxonomyID != "" && isUUID(f.TaxonomyID) && f.Taxonomy != "":
			if !newTax[f.TaxonomyID] {
				newTax[f.TaxonomyID] = true
				pl.newTaxonomies = append(pl.newTaxonomies, Taxonomy{ID: f.TaxonomyID, Name: f.Taxonomy,
					Description: "Came in with imported services; an editor may describe it."})
			}
		default:
			f.TaxonomyID, f.Taxonomy = ImportedTaxonomyID, "Imported"
			if storedTax[ImportedTaxonomyID] == "" && !newTax[ImportedTaxonomyID] {
				newTax[ImportedTaxonomyID] = true
				pl.newTaxonomies = append(pl.newTaxonomies, Taxonomy{ID: ImportedTaxonomyID, Name: "Imported",
					Description: "Terms that came in with imported services, in no taxonomy the directory knew: an editor should move them."})
			}
		}
		final[id] = f
		pl.newTerms = append(pl.newTerms, f)
	}
	// A new term keeps its parent if the parent is stored or also new; parents go first.
	newIDs := map[string]bool{}
	for _, t := range pl.newTerms {
		newIDs[t.ID] = true
	}
	var parentsFirst []TaxonomyTerm
	placedTerm := map[string]bool{}
	for len(parentsFirst) < len(pl.newTerms) {
		progress := false
		for _, t := range pl.newTerms {
			if placedTerm[t.ID] {
				continue
			}
			if t.ParentID != "" && !newIDs[t.ParentID] {
				if _, stored := storedTerms[t.ParentID]; !stored && !isStoredTerm(ctx, st, t.ParentID) {
					t.ParentID = ""
				}
			}
			if t.ParentID == "" || !newIDs[t.ParentID] || placedTerm[t.ParentID] {
				parentsFirst, placedTerm[t.ID], progress = append(parentsFirst, t), true, true
				final[t.ID] = t
			}
		}
		if !progress { // a cycle of parents: break it
			for _, t := range pl.newTerms {
				if !placedTerm[t.ID] {
					t.ParentID = ""
					parentsFirst, placedTerm[t.ID] = append(parentsFirst, t), true
					final[t.ID] = t
				}
			}
		}
	}
	pl.newTerms = parentsFirst
	pl.report.Terms = Counts{len(pl.newTerms), len(pl.changedTerms)}
	pl.report.Taxonomies = Counts{New: len(pl.newTaxonomies)}

	// Organisations and locations: new, changed or as stored.
	for _, id := range keys(orgs) {
		o := orgs[id]
		prev, ok := storedOrgs[id]
		if o.ParentOrganizationID != "" && orgs[o.ParentOrganizationID].ID == "" {
			if _, stored := storedOrgs[o.ParentOrganizationID]; !stored && !st.exists(ctx, "offer_organizations", o.ParentOrganizationID) {
				o.ParentOrganizationID = ""
			}
			orgs[id] = o
		}
		switch {
		case !ok:
			pl.newOrgs = append(pl.newOrgs, o)
		case prev != o:
			pl.changedOrgs = append(pl.changedOrgs, o)
		}
	}
	// New organisations whose parent is also new go after it.
	slices.SortStableFunc(pl.newOrgs, func(a, b Organization) int {
		return cmp.Compare(boolInt(a.ParentOrganizationID != ""), boolInt(b.ParentOrganizationID != ""))
	})
	pl.report.Organizations = Counts{len(pl.newOrgs), len(pl.changedOrgs)}
	for _, id := range locIDs {
		loc, given := locs[id]
		prev, ok := storedLocs[id]
		switch {
		case !given && !ok:
			for _, it := range items {
				for _, sal := range it.Service.ServiceAtLocations {
					if sal.LocationID == id {
						p.add(it.Where, "service_at_locations.location", "the location "+id+" is not in the directory, and the feed does not give it")
					}
				}
			}
		case !given:
			locs[id] = canonicalLocation(prev)
		case !ok:
			pl.newLocations = append(pl.newLocations, loc)
		case !sameJSON(canonicalLocation(prev), loc):
			pl.changedLocations = append(pl.changedLocations, loc)
		}
	}
	pl.report.Locations = Counts{len(pl.newLocations), len(pl.changedLocations)}
	if err := p.err(); err != nil {
		return nil, err
	}

	// Services: each with its organisation, locations and terms as they will be.
	for _, it := range items {
		s := it.Service
		org := orgs[s.OrganizationID]
		s.Organization = &org
		s.ServiceAtLocations = slices.Clone(s.ServiceAtLocations)
		for i, sal := range s.ServiceAtLocations {
			loc := locs[sal.LocationID]
			sal.Location, sal.ServiceID = &loc, ""
			s.ServiceAtLocations[i] = sal
		}
		s.Attributes = slices.Clone(s.Attributes)
		for i, a := range s.Attributes {
			t := final[a.TaxonomyTermID]
			a.TaxonomyTerm, a.LinkID = &t, ""
			s.Attributes[i] = a
		}
		prev, ok := storedSvcs[s.ID]
		switch {
		case !ok:
			pl.newServices = append(pl.newServices, s)
			pl.report.New = append(pl.report.New, it)
		case !sameJSON(canonical(prev), canonical(s)):
			pl.changedServices = append(pl.changedServices, s)
			pl.report.Changed = append(pl.report.Changed, FeedItem{it.Where, s})
			pl.report.Was = append(pl.report.Was, prev)
		default:
			pl.report.Unchanged = append(pl.report.Unchanged, it)
		}
	}

	// Services the feed leaves out but whose organisation, location or term
	// changes: their summary and keywords are rewritten.
	if len(pl.changedOrgs)+len(pl.changedLocations)+len(pl.changedTerms) > 0 {
		ids, err := st.affected(ctx, pl, svcAt)
		if err != nil {
			return nil, err
		}
		others, err := st.servicesByID(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			s := others[id]
			if o, ok := orgs[s.OrganizationID]; ok {
				s.Organization = &o
			}
			for i, sal := range s.ServiceAtLocations {
				if l, ok := locs[sal.LocationID]; ok {
					s.ServiceAtLocations[i].Location = &l
				}
			}
			for i, a := range s.Attributes {
				if t, ok := final[a.TaxonomyTermID]; ok {
					s.Attributes[i].TaxonomyTerm = &t
				}
			}
			pl.refresh = append(pl.refresh, s)
		}
	}
	return pl, nil
}

// prepare fills the defaults a feed may leave out.
func prepare(s *Service) {
	if s.Status == "" {
		s.Status = Active
	}
	if s.OrganizationID == "" && s.Organization != nil {
		s.OrganizationID = s.Organization.ID
	}
}

// hasTerm says whether s is tagged with the term id.
func hasTerm(s Service, id string) bool {
	return slices.ContainsFunc(s.Attributes, func(a Attribute) bool { return a.TaxonomyTermID == id })
}

func isStoredTerm(ctx context.Context, st *Store, id string) bool {
	return isUUID(id) && st.exists(ctx, "offer_taxonomy_terms", id)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// apply writes the plan through l, parents before children.
func (pl *importPlan) apply(ctx context.Context, l *db.Loader, now time.Time) error {
	tx := l.Tx()
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	for _, t := range pl.newTaxonomies {
		if err := LoadTaxonomy(l, t); err != nil {
			return err
		}
	}
	for _, t := range pl.newTerms {
		if err := l.Add("offer_taxonomy_terms", termCols, t.ID, t.TaxonomyID, null(t.ParentID), null(t.Code), t.Name,
			t.Description, null(t.TermURI)); err != nil {
			return err
		}
	}
	for _, o := range pl.newOrgs {
		if err := LoadOrganization(l, o, now); err != nil {
			return err
		}
	}
	for _, loc := range pl.newLocations {
		if err := loadLocation(l, loc, now); err != nil {
			return err
		}
	}
	if err := l.Flush(); err != nil { // the updates below may refer to them
		return err
	}
	for _, t := range pl.changedTerms {
		if err := exec("UPDATE offer_taxonomy_terms SET name = $2, description = $3, code = $4, term_uri = $5 WHERE id = $1",
			t.ID, t.Name, t.Description, null(t.Code), null(t.TermURI)); err != nil {
			return err
		}
	}
	for _, o := range pl.changedOrgs {
		if err := exec(`UPDATE offer_organizations SET name = $2, description = $3, email = $4, website = $5, logo = $6, uri = $7,
			parent_organization_id = $8, last_modified = $9 WHERE id = $1`, o.ID, o.Name, o.Description, null(o.Email),
			null(o.Website), null(o.Logo), null(o.URI), null(o.ParentOrganizationID), now.UTC()); err != nil {
			return err
		}
	}
	if ids := ids(pl.changedLocations, func(l Location) string { return l.ID }); len(ids) > 0 {
		for _, table := range []string{"offer_addresses", "offer_accessibility"} {
			if err := inBatches(ids, func(in string, args []any) error {
				return exec("DELETE FROM "+table+" WHERE location_id IN "+in, args...)
			}); err != nil {
				return err
			}
		}
	}
	for _, loc := range pl.changedLocations {
		if err := exec(`UPDATE offer_locations SET location_type = $2, name = $3, description = $4, latitude = $5, longitude = $6,
			external_identifier = $7, external_identifier_type = $8, last_modified = $9 WHERE id = $1`, loc.ID, loc.LocationType,
			null(loc.Name), null(loc.Description), nullFloat(loc.Latitude), nullFloat(loc.Longitude), null(loc.ExternalIdentifier),
			null(loc.ExternalIdentifierType), now.UTC()); err != nil {
			return err
		}
		if err := loadPlaces(l, loc); err != nil {
			return err
		}
	}
	// New services first: the loader writes tables in the order they were
	// first used, so offer_services must come before the nested tables.
	for _, s := range pl.newServices {
		if err := LoadService(l, s); err != nil {
			return err
		}
	}
	// A changed service keeps its row (and whatever refers to it); its
	// nested rows are replaced. Children go before their parents.
	if ids := ids(pl.changedServices, func(s Service) string { return s.ID }); len(ids) > 0 {
		for _, del := range []string{
			"DELETE FROM offer_schedules WHERE service_id IN %s",
			"DELETE FROM offer_phones WHERE contact_id IN (SELECT id FROM offer_contacts WHERE service_id IN %s)",
			"DELETE FROM offer_contacts WHERE service_id IN %s",
			"DELETE FROM offer_attributes WHERE service_id IN %s",
			"DELETE FROM offer_cost_options WHERE service_id IN %s",
			"DELETE FROM offer_service_areas WHERE service_id IN %s",
			"DELETE FROM offer_service_at_locations WHERE service_id IN %s",
		} {
			if err := inBatches(ids, func(in string, args []any) error { return exec(fmt.Sprintf(del, in), args...) }); err != nil {
				return err
			}
		}
	}
	sets := make([]string, len(serviceCols)-1)
	for i, c := range serviceCols[1:] {
		sets[i] = fmt.Sprintf("%s = $%d", c, i+2)
	}
	update := "UPDATE offer_services SET " + strings.Join(sets, ", ") + " WHERE id = $1"
	for _, s := range pl.changedServices {
		if s.LastChecked.IsZero() {
			s.LastChecked = s.LastModified
		}
		summary, err := summarise(s)
		if err != nil {
			return err
		}
		if err := exec(update, s.ID, s.OrganizationID, s.Name, null(s.Description), null(s.URL), null(s.Email),
			s.Status, null(s.Fees), null(s.Accreditations), nullInt(s.MinimumAge), nullInt(s.MaximumAge), s.AssuredDate,
			null(s.AssurerEmail), null(s.Alert), keywords(s), summary, s.LastModified.UTC(), s.LastChecked.UTC()); err != nil {
			return err
		}
		if err := loadNested(l, s); err != nil {
			return err
		}
	}
	for _, s := range pl.refresh {
		summary, err := summarise(s)
		if err != nil {
			return err
		}
		if err := exec("UPDATE offer_services SET summary = $2, keywords = $3 WHERE id = $1", s.ID, summary, keywords(s)); err != nil {
			return err
		}
	}
	if err := SettleSearch(l); err != nil {
		return err
	}
	if l.Dialect() == db.Postgres && len(pl.newServices) > 1000 {
		// Fresh statistics after a bulk load: with the empty table's, the
		// planner scans whole tables for the next import's lookups by id.
		return exec("ANALYZE offer_services, offer_service_at_locations, offer_schedules, offer_contacts, offer_phones, " +
			"offer_cost_options, offer_service_areas, offer_attributes, offer_locations, offer_addresses, offer_accessibility")
	}
	return nil
}

// canonical is a service reduced to what an import compares: what the API
// shows, in a fixed order, without last_modified or fields a reader fills in.
func canonical(s Service) Service {
	s.LastModified, s.LastChecked = time.Time{}, time.Time{}
	if s.Status == "" {
		s.Status = Active
	}
	if s.Organization != nil {
		o := *s.Organization
		o.ID = cmp.Or(s.OrganizationID, o.ID)
		s.Organization, s.OrganizationID = &o, o.ID
	}
	s.Schedules = sortedByID(s.Schedules, func(x Schedule) string { return x.ID }, func(x *Schedule) { x.ServiceID = "" })
	s.ServiceAreas = sortedByID(s.ServiceAreas, func(x ServiceArea) string { return x.ID }, nil)
	s.CostOptions = sortedByID(s.CostOptions, func(x CostOption) string { return x.ID }, func(x *CostOption) {
		if x.Amount != nil {
			pounds := math.Round(*x.Amount*100) / 100
			x.Amount = &pounds
		}
	})
	s.Contacts = sortedByID(s.Contacts, func(x Contact) string { return x.ID }, func(x *Contact) {
		x.Phones = sortedByID(x.Phones, func(p Phone) string { return p.ID }, nil)
	})
	s.Attributes = sortedByID(s.Attributes, func(x Attribute) string { return x.ID }, func(x *Attribute) {
		*x = Attribute{ID: x.ID, TaxonomyTermID: x.TaxonomyTermID, LinkType: x.LinkType, Value: x.Value}
	})
	s.ServiceAtLocations = sortedByID(s.ServiceAtLocations, func(x ServiceAtLocation) string { return x.ID }, func(x *ServiceAtLocation) {
		var loc *Location
		if x.Location != nil {
			l := canonicalLocation(*x.Location)
			loc = &l
		}
		*x = ServiceAtLocation{ID: x.ID, LocationID: x.LocationID, Location: loc}
	})
	return s
}

// canonicalLocation is a location as it is stored: postcodes printed,
// defaults filled in, addresses and accessibility in order.
func canonicalLocation(l Location) Location {
	l.Addresses = sortedByID(l.Addresses, func(a Address) string { return a.ID }, func(a *Address) {
		if pc, ok := NormalisePostcode(a.PostalCode); ok {
			a.PostalCode = pc
		}
		a.Country = cmp.Or(a.Country, "GB")
		a.AddressType = cmp.Or(a.AddressType, l.LocationType)
	})
	l.Accessibility = sortedByID(l.Accessibility, func(a Accessibility) string { return a.ID }, nil)
	return l
}

// sortedByID copies xs, tidies each copy with fix and sorts them by id.
func sortedByID[T any](xs []T, id func(T) string, fix func(*T)) []T {
	if len(xs) == 0 {
		return nil
	}
	out := slices.Clone(xs)
	if fix != nil {
		for i := range out {
			fix(&out[i])
		}
	}
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(id(a), id(b)) })
	return out
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func isUUID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil && len(id) == 36
}

// prefixed puts prefix before the field names of a validation error.
func prefixed(prefix string, err error) error {
	var e *apperr.Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Fields = slices.Clone(e.Fields)
	for i := range c.Fields {
		c.Fields[i].Name = prefix + c.Fields[i].Name
	}
	return &c
}

// idProblems names the nested ids of s that are not UUIDs (Validate checks the rest).
func idProblems(s Service) []string {
	var out []string
	check := func(field, id string) {
		if !isUUID(id) {
			out = append(out, field)
		}
	}
	for _, c := range s.Contacts {
		check("contacts.id", c.ID)
		for _, p := range c.Phones {
			check("contacts.phones.id", p.ID)
		}
	}
	for _, a := range s.ServiceAreas {
		check("service_areas.id", a.ID)
	}
	for _, sc := range s.Schedules {
		if sc.ServiceAtLocationID != "" {
			check("schedules.service_at_location_id", sc.ServiceAtLocationID)
		}
	}
	return out
}
