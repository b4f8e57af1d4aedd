package offer

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
)

// Store reads the directory. Everything in it is public: no actor, no audit.
type Store struct {
	DB *db.DB
}

// List is one page of a list and the number of items on all its pages.
type List[T any] struct {
	Items []T
	Total int
}

// query collects a statement's joins, conditions and arguments.
type query struct {
	args  []any
	conds []string
	order []orderTerm // how matches are ordered, before the id breaks ties
	none  bool        // the filter can match nothing: skip the database
	// ranked joins the search's scores (SQLite); counting needs only
	// matched, the same search as a condition, without scoring every match.
	ranked, matched string
	// join adds a table to the services' FROM, for page and count alike.
	join string
	// windowed counts every match in the page's own statement (PostgreSQL,
	// where a window over narrow rows is cheaper than a second statement).
	windowed bool
	// byWords: the full-text matches are the way in (SQLite), and a filter
	// on s.id only checks each of them (see serviceIn).
	byWords bool
}

// orderTerm is one expression a list is ordered by, and its direction.
type orderTerm struct{ expr, dir string }

func (q *query) orderBy(expr, dir string) { q.order = append(q.order, orderTerm{expr, dir}) }

// pageSQL is the statement for one page of a list, in two steps: the ids
// and order keys of the page's matches from id and from (narrow rows, so
// sorting all matches stays cheap, and an index can give the order), then
// the columns of those rows alone, joined from outer onto p.pid. On SQLite
// the total is counted apart (see list): a window count over every match
// cost more there than the page.
func (q *query) pageSQL(id, from, cols, outer string, p Page) string {
	var keys, inner, outerOrder string
	for i, t := range q.order {
		keys += fmt.Sprintf(", %s AS k%d", t.expr, i)
		inner += fmt.Sprintf("k%d%s, ", i, t.dir)
		outerOrder += fmt.Sprintf("p.k%d%s, ", i, t.dir)
	}
	total := ""
	if q.windowed {
		keys, total = keys+", COUNT(*) OVER () AS total", ", p.total"
	}
	matches := "SELECT " + id + " AS pid" + keys + " " + from + " ORDER BY " + inner + "pid" + q.limit(p)
	return "SELECT " + cols + total + " FROM (" + matches + ") p " + outer + " ORDER BY " + outerOrder + "p.pid"
}

func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

func (q *query) where(cond string) { q.conds = append(q.conds, cond) }

// serviceIn keeps the services whose id is in set (a subquery or a list).
// When words are searched on SQLite, the id is written +s.id, which no index
// may use: otherwise SQLite reads offer_services through its (id, rowid)
// index with both the filter's ids and the matches' rowids as IN lists, and
// probes every pair of them (a need filter beside a common word on 20,000
// services took 21 seconds to count; now milliseconds).
func (q *query) serviceIn(set string) {
	if q.byWords {
		q.where("+s.id IN " + set)
		return
	}
	q.where("s.id IN " + set)
}

// in is a parenthesised list of parameters for ids.
func (q *query) in(ids []string) string {
	marks := make([]string, len(ids))
	for i, id := range ids {
		marks[i] = q.arg(id)
	}
	return "(" + strings.Join(marks, ", ") + ")"
}

// clauses are the joins and WHERE of a page's statement, or of its count.
func (q *query) clauses(counting bool) string {
	s, conds := " ", q.conds
	switch {
	case counting && q.matched != "":
		conds = append([]string{q.matched}, conds...)
	case !counting:
		s += q.ranked
	}
	if len(conds) > 0 {
		s += " WHERE " + strings.Join(conds, " AND ")
	}
	return s
}

// filter adds f's conditions on the services aliased s (and, for Near, the
// locations aliased l).
func (st *Store) filter(q *query, f Filter) {
	if strings.TrimSpace(f.Search) != "" {
		words := Words(f.Search)
		if len(words) == 0 {
			q.none = true // punctuation only: nothing to look for
			return
		}
		st.search(q, words)
	}
	if f.TaxonomyTermID != "" {
		q.serviceIn("(SELECT service_id FROM offer_attributes WHERE taxonomy_term_id = " + q.arg(f.TaxonomyTermID) + ")")
	}
	if f.TaxonomyID != "" {
		q.serviceIn(`(SELECT a.service_id FROM offer_attributes a JOIN offer_taxonomy_terms t ON t.id = a.taxonomy_term_id
			WHERE t.taxonomy_id = ` + q.arg(f.TaxonomyID) + ")")
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			q.none = true
			return
		}
		q.serviceIn(q.in(f.IDs))
	}
	for _, t := range f.Terms {
		x := q.arg(t)
		q.serviceIn(`(SELECT service_id FROM offer_attributes WHERE taxonomy_term_id IN
			(SELECT id FROM offer_taxonomy_terms WHERE id = ` + x + ` OR parent_id = ` + x + "))")
	}
	if f.Age != nil {
		a := q.arg(*f.Age)
		q.where("(s.minimum_age IS NULL OR s.minimum_age <= " + a + ") AND (s.maximum_age IS NULL OR s.maximum_age >= " + a + ")")
	}
	if f.OrganizationID != "" {
		q.where("s.organization_id = " + q.arg(f.OrganizationID))
	}
	if f.MinimumAge != nil {
		q.where("s.minimum_age >= " + q.arg(*f.MinimumAge))
	}
	if f.MaximumAge != nil {
		q.where("s.maximum_age <= " + q.arg(*f.MaximumAge))
	}
	if !f.ModifiedAfter.IsZero() {
		q.where("s.last_modified >= " + q.arg(f.ModifiedAfter.UTC()))
	}
	var when []string // all on one schedule
	if f.Day != "" {
		when = append(when, "(',' || byday || ',') LIKE "+q.arg("%,"+f.Day+",%"))
	}
	if f.StartTime != "" {
		when = append(when, "opens_at >= "+q.arg(f.StartTime))
	}
	if f.EndTime != "" {
		when = append(when, "closes_at <= "+q.arg(f.EndTime))
	}
	if f.OpenFrom != "" {
		when = append(when, "closes_at > "+q.arg(f.OpenFrom))
	}
	if f.OpenUntil != "" {
		when = append(when, "opens_at < "+q.arg(f.OpenUntil))
	}
	if len(when) > 0 {
		q.serviceIn("(SELECT service_id FROM offer_schedules WHERE " + strings.Join(when, " AND ") + ")")
	}
}

// search narrows to services whose name, keywords or description hold every
// word, through the database's own full-text index, and ranks them.
func (st *Store) search(q *query, words []string) {
	if st.DB.Dialect == db.Postgres {
		tsq := "plainto_tsquery('english', " + q.arg(strings.Join(words, " ")) + ")"
		q.where("s.search @@ " + tsq)
		q.orderBy("ts_rank(s.search, "+tsq+")", " DESC")
		return
	}
	// FTS5: each word a quoted string (words hold only letters and digits), all required.
	match := `"` + strings.Join(words, `" "`) + `"`
	m := q.arg(match)
	q.ranked = `JOIN (SELECT rowid AS seq, bm25(offer_services_fts, 10.0, 4.0, 1.0) AS rank
		FROM offer_services_fts WHERE offer_services_fts MATCH ` + m + `) m ON m.seq = s.seq`
	q.matched = "s.seq IN (SELECT rowid FROM offer_services_fts WHERE offer_services_fts MATCH " + m + ")"
	q.byWords = true
	q.orderBy("m.rank", "")
}

// limit adds the page's LIMIT and OFFSET.
func (q *query) limit(p Page) string {
	return " LIMIT " + q.arg(p.Size) + " OFFSET " + q.arg((p.Number-1)*p.Size)
}

// Services lists the services f matches, by relevance when searching and by
// name otherwise, one-to-one fields and organisation only.
func (st *Store) Services(ctx context.Context, f Filter, p Page) (List[Service], error) {
	return services(ctx, st, f, p, serviceSelect, "JOIN offer_organizations o ON o.id = s.organization_id", func(scan scanner) (Service, error) {
		var s Service
		err := scan(serviceDest(&s)...)
		return s.tidy(), err
	})
}

// Summaries lists the same services as Services, each as the JSON of its
// summary column: what the API sends, read from one column a row.
func (st *Store) Summaries(ctx context.Context, f Filter, p Page) (List[json.RawMessage], error) {
	return services(ctx, st, f, p, "s.summary", "", func(scan scanner) (json.RawMessage, error) {
		var s string
		err := scan(&s)
		return json.RawMessage(s), err
	})
}

// services lists the services f matches, reading cols (of s, and of what
// joins adds) of each with row.
func services[T any](ctx context.Context, st *Store, f Filter, p Page, cols, joins string, row func(scanner) (T, error)) (List[T], error) {
	q := &query{windowed: st.DB.Dialect == db.Postgres}
	st.filter(q, f)
	if q.none {
		return List[T]{}, nil
	}
	if len(q.order) == 0 {
		q.orderBy("s.name", "")
	}
	return servicesPage(ctx, st, q, p, cols, joins, row)
}

// servicesPage runs q (filtered and ordered) for page p of services.
func servicesPage[T any](ctx context.Context, st *Store, q *query, p Page, cols, joins string, row func(scanner) (T, error)) (List[T], error) {
	from := "FROM offer_services s" + q.join
	stmt := q.pageSQL("s.id", from+q.clauses(false), cols, "JOIN offer_services s ON s.id = p.pid "+joins, p)
	return list(ctx, st, stmt, from+q.clauses(true), q.args, p, q.windowed, row)
}

// ServiceAtLocations lists the services at locations f matches: nearest
// first from f.Near, else by relevance when searching, else by service name.
func (st *Store) ServiceAtLocations(ctx context.Context, f Filter, p Page) (List[ServiceAtLocation], error) {
	q := &query{windowed: st.DB.Dialect == db.Postgres}
	st.filter(q, f)
	if q.none {
		return List[ServiceAtLocation]{}, nil
	}
	if f.Near != nil {
		lat, lon := q.arg(f.Near.Latitude), q.arg(f.Near.Longitude)
		ky, kx := q.arg(metresPerDegree), q.arg(f.Near.metresPerLongitude())
		dy, dx := "((l.latitude - "+lat+") * "+ky+")", "((l.longitude - "+lon+") * "+kx+")"
		dist2 := dy + " * " + dy + " + " + dx + " * " + dx
		q.order = append([]orderTerm{{"CASE WHEN l.latitude IS NULL THEN 1 ELSE 0 END", ""}, {dist2, ""}}, q.order...)
		if f.Within > 0 {
			// A box first, which the latitude index can use; then the circle.
			dLat := f.Within / metresPerDegree
			dLon := f.Within / max(f.Near.metresPerLongitude(), 1)
			q.where("l.latitude BETWEEN " + q.arg(f.Near.Latitude-dLat) + " AND " + q.arg(f.Near.Latitude+dLat))
			q.where("l.longitude BETWEEN " + q.arg(f.Near.Longitude-dLon) + " AND " + q.arg(f.Near.Longitude+dLon))
			q.where(dist2 + " <= " + q.arg(f.Within*f.Within))
		}
	}
	if len(q.order) == 0 {
		q.orderBy("s.name", "")
	}
	from := `FROM offer_service_at_locations sal JOIN offer_locations l ON l.id = sal.location_id
		JOIN offer_services s ON s.id = sal.service_id`
	stmt := q.pageSQL("sal.id", from+q.clauses(false), "sal.id, "+locationSelect+", "+serviceSelect, `JOIN offer_service_at_locations sal ON sal.id = p.pid
		JOIN offer_locations l ON l.id = sal.location_id JOIN offer_services s ON s.id = sal.service_id
		JOIN offer_organizations o ON o.id = s.organization_id`, p)
	return list(ctx, st, stmt, from+q.clauses(true), q.args, p, q.windowed, func(scan scanner) (ServiceAtLocation, error) {
		sal := ServiceAtLocation{Location: &Location{}, Service: &Service{}}
		dest := append([]any{&sal.ID}, locationDest(sal.Location)...)
		if err := scan(append(dest, serviceDest(sal.Service)...)...); err != nil {
			return sal, err
		}
		*sal.Service = sal.Service.tidy()
		sal.ServiceID, sal.LocationID = sal.Service.ID, sal.Location.ID
		return sal, nil
	})
}

// list runs the statement for page p and reads each row with row. A
// windowed statement carries the total in a last column; otherwise a page
// with fewer rows than it could hold says the total itself, and the rest are
// counted from (FROM and WHERE; args without LIMIT and OFFSET).
func list[T any](ctx context.Context, st *Store, stmt, from string, args []any, p Page, windowed bool, row func(scan scanner) (T, error)) (List[T], error) {
	var out List[T]
	err := st.each(ctx, stmt, args, func(scan scanner) error {
		if windowed {
			all := scan
			scan = func(dest ...any) error { return all(append(dest, &out.Total)...) }
		}
		v, err := row(scan)
		out.Items = append(out.Items, v)
		return err
	})
	n := len(out.Items)
	switch {
	case err != nil, windowed && n > 0:
		return out, err
	case n < p.Size && (n > 0 || p.Number == 1):
		out.Total = (p.Number-1)*p.Size + n
		return out, nil
	}
	out.Total, err = st.count(ctx, from, args[:len(args)-2])
	return out, err
}

// count is the number of rows from (a FROM clause with its joins and WHERE) finds.
func (st *Store) count(ctx context.Context, from string, args []any) (int, error) {
	n := 0
	err := st.each(ctx, "SELECT COUNT(*) "+from, args, func(scan scanner) error { return scan(&n) })
	return n, err
}

// Service returns the service with id, fully nested; NotFound if there is none.
func (st *Store) Service(ctx context.Context, id string) (Service, error) {
	var s Service
	err := st.DB.QueryRowContext(ctx, "SELECT "+serviceSelect+` FROM offer_services s
		JOIN offer_organizations o ON o.id = s.organization_id WHERE s.id = $1`, id).Scan(serviceDest(&s)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Service{}, apperr.Errorf(apperr.NotFound, "there is no service with the id %s", id)
	}
	if err != nil {
		return Service{}, err
	}
	s = s.tidy()
	err = st.details(ctx, []*Service{&s}, true)
	return s, err
}

// ServiceAtLocation returns the service at a location with id, the location
// and the service fully nested; NotFound if there is none.
func (st *Store) ServiceAtLocation(ctx context.Context, id string) (ServiceAtLocation, error) {
	sal := ServiceAtLocation{Location: &Location{}, Service: &Service{}}
	dest := append(append([]any{&sal.ID}, locationDest(sal.Location)...), serviceDest(sal.Service)...)
	err := st.DB.QueryRowContext(ctx, "SELECT sal.id, "+locationSelect+", "+serviceSelect+` FROM offer_service_at_locations sal
		JOIN offer_locations l ON l.id = sal.location_id JOIN offer_services s ON s.id = sal.service_id
		JOIN offer_organizations o ON o.id = s.organization_id WHERE sal.id = $1`, id).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return ServiceAtLocation{}, apperr.Errorf(apperr.NotFound, "there is no service at a location with the id %s", id)
	}
	if err != nil {
		return ServiceAtLocation{}, err
	}
	*sal.Service = sal.Service.tidy()
	sal.ServiceID, sal.LocationID = sal.Service.ID, sal.Location.ID
	if err := st.places(ctx, []*Location{sal.Location}); err != nil {
		return ServiceAtLocation{}, err
	}
	return sal, st.details(ctx, []*Service{sal.Service}, false)
}

// EachService calls fn with every service f matches, fully nested, in the
// order Services lists them, a batch at a time: the ndjson export.
func (st *Store) EachService(ctx context.Context, f Filter, fn func(Service) error) error {
	const batch = 100
	for n := 1; ; n++ {
		l, err := st.Services(ctx, f, Page{Number: n, Size: batch})
		if err != nil {
			return err
		}
		ptrs := make([]*Service, len(l.Items))
		for i := range l.Items {
			ptrs[i] = &l.Items[i]
		}
		if err := st.details(ctx, ptrs, true); err != nil {
			return err
		}
		for _, s := range l.Items {
			if err := fn(s); err != nil {
				return err
			}
		}
		if len(l.Items) < batch {
			return nil
		}
	}
}

// Postcode returns the centroid of a postcode (as NormalisePostcode prints
// it); NotFound if the directory of postcodes does not have it.
func (st *Store) Postcode(ctx context.Context, postcode string) (Point, error) {
	var p Point
	err := st.DB.QueryRowContext(ctx, "SELECT latitude, longitude FROM postcodes WHERE postcode = $1", postcode).Scan(&p.Latitude, &p.Longitude)
	if errors.Is(err, sql.ErrNoRows) {
		return Point{}, apperr.Errorf(apperr.NotFound, "the postcode %s is not in the postcode directory", postcode)
	}
	return p, err
}

type scanner = func(dest ...any) error

// each runs a query and calls row for every row.
func (st *Store) each(ctx context.Context, query string, args []any, row func(scanner) error) error {
	rows, err := st.DB.QueryPrepared(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
