package offer

import (
	"context"
	"strings"
	"testing"

	"joinedup/internal/db/dbtest"
)

// TestSearchNeverPairsInLists reads SQLite's plan for every statement a
// search with a filter runs (the page and the count). SQLite may read
// offer_services through its (id, rowid) index with the filter's ids and
// the matches' rowids both as IN lists, probing every pair: on 20,000
// services a need filter beside a common word took 21 seconds to count.
// Every plan must reach the services by rowid (the matches drive) or scan
// the matches, never by that index with the two lists.
func TestSearchNeverPairsInLists(t *testing.T) {
	st := &Store{DB: dbtest.SQLite(t)}
	id := "00000000-0000-4000-8000-000000000001"
	age := 9
	for name, f := range map[string]Filter{
		"term":     {Search: "sensory", TaxonomyTermID: id},
		"taxonomy": {Search: "sensory", TaxonomyID: id},
		"need":     {Search: "deaf", Terms: []string{id}},
		"two":      {Search: "deaf", Terms: []string{id, id}, Age: &age},
		"day":      {Search: "dance", Day: "SA"},
		"times":    {Search: "dance", OpenFrom: "09:00:00", OpenUntil: "12:00:00"},
		"ids":      {Search: "swimming", IDs: []string{id, id}},
		"near":     {Search: "swimming", TaxonomyTermID: id, Near: &Point{52.19, -2.22}, Within: 5000},
	} {
		t.Run(name, func(t *testing.T) {
			q := &query{}
			st.filter(q, f)
			if !q.byWords {
				t.Fatal("a search on SQLite should be driven by its words")
			}
			from := "FROM offer_services s" + q.join
			page := q.pageSQL("s.id", from+q.clauses(false), "s.name", "JOIN offer_services s ON s.id = p.pid", Page{Number: 1, Size: 20})
			count := "SELECT COUNT(*) " + from + q.clauses(true)
			for stmt, args := range map[string][]any{page: q.args, count: q.args[:len(q.args)-2]} {
				plan := explain(t, st, stmt, args)
				if strings.Contains(plan, "id=? AND rowid=?") {
					t.Errorf("SQLite pairs the IN lists:\n%s\nfor %s", plan, stmt)
				}
			}
		})
	}
}

// explain is SQLite's query plan for stmt, a line a step.
func explain(t *testing.T, st *Store, stmt string, args []any) string {
	t.Helper()
	rows, err := st.DB.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+stmt, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}
