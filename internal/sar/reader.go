package sar

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"joinedup/internal/access"
)

// Table is one section's rows: a JSON file of the archive and a table of the document.
type Table struct {
	Name    string
	Title   string
	About   string
	Columns []string
	Rows    [][]any // string, int64, bool, time.Time (UTC), a date as "YYYY-MM-DD", nil, or what a section put there
	// LeftOut counts rows about children outside the exporter's reach:
	// counted, never read. Whoever answers the request asks the
	// organisation that holds those records.
	LeftOut int
}

// Reader is what a section reads through: the export's transaction, who is
// exporting, and whom it is about.
type Reader struct {
	tx       *sql.Tx
	actor    access.Actor
	now      time.Time
	Subject  Subject
	children map[string]bool // children whose rows were read: each gets an audit row
}

// Query is one section's SELECT. Every column is named with AS in
// lower_snake_case. Child, when set, is the column holding the child each
// row concerns (NULL for rows about no child); Select must then include a
// child_id column.
type Query struct {
	Select, From, Where, OrderBy string
	Child                        string
}

// secretColumn matches names a column of an export must never have: even a
// section written in a hurry cannot put a hash or a token in an archive.
var secretColumn = regexp.MustCompile(`hash|secret|token|^password$`)

var columnName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Read runs q with args ($1…) and returns its rows. When q.Child is set,
// the access predicate keeps only rows about children the exporter may
// export (and rows about no child); the rest are counted, not read.
func (r *Reader) Read(ctx context.Context, q Query, args ...any) (*Table, error) {
	sel := func(where string) string {
		return fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s", q.Select, q.From, where, q.OrderBy)
	}
	if q.Child == "" {
		return r.read(ctx, sel(q.Where), args)
	}
	cond, pargs := access.Predicate(r.actor, access.SARExport, q.Child, r.now, len(args)+1)
	all := append(slices.Clone(args), pargs...)
	var leftOut int
	if err := r.tx.QueryRowContext(ctx, fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE (%s) AND %s IS NOT NULL AND NOT (%s)",
		q.From, q.Where, q.Child, cond), all...).Scan(&leftOut); err != nil {
		return nil, err
	}
	t, err := r.read(ctx, sel(fmt.Sprintf("(%s) AND (%s IS NULL OR %s)", q.Where, q.Child, cond)), all)
	if err != nil {
		return nil, err
	}
	t.LeftOut = leftOut
	return t, r.noteChildren(t)
}

// noteChildren remembers the children t has rows about, for the audit.
func (r *Reader) noteChildren(t *Table) error {
	i := t.column("child_id")
	if i < 0 {
		return fmt.Errorf("a query with a Child column must select child_id")
	}
	for _, row := range t.Rows {
		if id, ok := row[i].(string); ok && id != "" {
			r.children[id] = true
		}
	}
	return nil
}

// read runs one query and turns each value into what the archive holds,
// by the column's declared type, the same on both databases.
func (r *Reader) read(ctx context.Context, query string, args []any) (*Table, error) {
	rows, err := r.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	t := &Table{}
	for _, ct := range types {
		n := ct.Name()
		if !columnName.MatchString(n) {
			return nil, fmt.Errorf("column %q: name every column with AS in lower_snake_case", n)
		}
		if secretColumn.MatchString(n) {
			return nil, fmt.Errorf("column %q looks like a secret: an export never holds one", n)
		}
		t.Columns = append(t.Columns, n)
	}
	for rows.Next() {
		vals := make([]any, len(types))
		ptrs := make([]any, len(types))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, ct := range types {
			vals[i] = normalise(vals[i], strings.ToUpper(ct.DatabaseTypeName()))
		}
		t.Rows = append(t.Rows, vals)
	}
	return t, rows.Err()
}

// normalise makes one value the same whichever database it came from:
// SQLite gives 0/1 for booleans, and both give dates as midnight instants.
func normalise(v any, dbType string) any {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case time.Time:
		if dbType == "DATE" {
			return x.UTC().Format(time.DateOnly)
		}
		return x.UTC().Truncate(time.Second)
	case int64:
		if dbType == "BOOLEAN" || dbType == "BOOL" {
			return x != 0
		}
	}
	return v
}

// column returns the index of the named column, or -1.
func (t *Table) column(name string) int {
	for i, c := range t.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// update replaces every value of a column with fn's result.
func (t *Table) update(name string, fn func(any) any) {
	if i := t.column(name); i >= 0 {
		for _, row := range t.Rows {
			row[i] = fn(row[i])
		}
	}
}
