package taxonomy

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/offer"
)

// Store is the taxonomies as editors change them.
type Store struct{ DB *db.DB }

var (
	notFound     = apperr.Errorf(apperr.NotFound, "there is no such taxonomy term")
	noTaxonomy   = apperr.Errorf(apperr.NotFound, "there is no such taxonomy")
	termColumns  = `t.id, t.taxonomy_id, x.name, COALESCE(t.code, ''), t.name, t.description, COALESCE(t.parent_id, ''), COALESCE(p.name, ''), t.retired_at`
	termFromJoin = ` FROM offer_taxonomy_terms t JOIN offer_taxonomies x ON x.id = t.taxonomy_id
		LEFT JOIN offer_taxonomy_terms p ON p.id = t.parent_id`
)

// queryer is a database or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func readTerms(ctx context.Context, q queryer, where string, args ...any) ([]Term, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+termColumns+`,
		(SELECT COUNT(*) FROM offer_attributes a WHERE a.taxonomy_term_id = t.id),
		(SELECT COUNT(*) FROM offer_taxonomy_terms c WHERE c.parent_id = t.id AND c.retired_at IS NULL)`+
		termFromJoin+" WHERE "+where+" ORDER BY x.name, t.name, t.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Term
	for rows.Next() {
		var t Term
		var retired sql.NullTime
		if err := rows.Scan(&t.ID, &t.TaxonomyID, &t.Taxonomy, &t.Code, &t.Name, &t.Description, &t.ParentID, &t.ParentName,
			&retired, &t.Services, &t.Children); err != nil {
			return nil, err
		}
		t.RetiredAt = retired.Time
		if t.ParentID != "" {
			t.Depth = 1
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Taxonomies lists every taxonomy by name with its terms in hierarchy order.
func (st *Store) Taxonomies(ctx context.Context, a access.Actor) ([]Taxonomy, error) {
	if !a.May(access.OfferEdit) {
		return nil, noTaxonomy
	}
	rows, err := st.DB.QueryContext(ctx, "SELECT id, name, description FROM offer_taxonomies ORDER BY name, id")
	if err != nil {
		return nil, err
	}
	var out []Taxonomy
	for rows.Next() {
		var x Taxonomy
		if err := rows.Scan(&x.ID, &x.Name, &x.Description); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	terms, err := readTerms(ctx, st.DB, "1 = 1")
	if err != nil {
		return nil, err
	}
	byTax := map[string][]Term{}
	for _, t := range terms {
		byTax[t.TaxonomyID] = append(byTax[t.TaxonomyID], t)
	}
	for i := range out {
		out[i].Terms = hierarchy(byTax[out[i].ID])
	}
	return out, nil
}

// Taxonomy is one taxonomy with its terms, for the form that adds a term.
func (st *Store) Taxonomy(ctx context.Context, a access.Actor, id string) (Taxonomy, error) {
	all, err := st.Taxonomies(ctx, a)
	for _, x := range all {
		if x.ID == id {
			return x, nil
		}
	}
	if err == nil {
		err = noTaxonomy
	}
	return Taxonomy{}, err
}

// hierarchy orders terms (sorted by name) as each top term followed by its
// narrower terms. A term whose parent is missing is shown at the top.
func hierarchy(terms []Term) []Term {
	ids := map[string]bool{}
	for _, t := range terms {
		ids[t.ID] = true
	}
	children := map[string][]Term{}
	var tops []Term
	for _, t := range terms {
		if t.ParentID != "" && ids[t.ParentID] {
			children[t.ParentID] = append(children[t.ParentID], t)
		} else {
			t.Depth = 0
			tops = append(tops, t)
		}
	}
	out := make([]Term, 0, len(terms))
	for _, t := range tops {
		out = append(append(out, t), children[t.ID]...)
	}
	return out
}

// Term is one term with its history, newest first.
func (st *Store) Term(ctx context.Context, a access.Actor, id string) (Term, []Change, error) {
	if !a.May(access.OfferEdit) {
		return Term{}, nil, notFound
	}
	t, err := term(ctx, st.DB, id)
	if err != nil {
		return Term{}, nil, err
	}
	rows, err := st.DB.QueryContext(ctx, `SELECT action, COALESCE(before_json, ''), after_json, changed_by_name, changed_at
		FROM offer_taxonomy_term_changes WHERE term_id = $1 ORDER BY changed_at DESC, id DESC`, id)
	if err != nil {
		return Term{}, nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var before, after string
		if err := rows.Scan(&c.Action, &before, &after, &c.ByName, &c.At); err != nil {
			return Term{}, nil, err
		}
		if c.HasBefore = before != ""; c.HasBefore {
			if err := json.Unmarshal([]byte(before), &c.Before); err != nil {
				return Term{}, nil, err
			}
		}
		if err := json.Unmarshal([]byte(after), &c.After); err != nil {
			return Term{}, nil, err
		}
		out = append(out, c)
	}
	return t, out, rows.Err()
}

func term(ctx context.Context, q queryer, id string) (Term, error) {
	if uuid.Validate(id) != nil {
		return Term{}, notFound
	}
	ts, err := readTerms(ctx, q, "t.id = $1", strings.ToLower(id))
	if err != nil {
		return Term{}, err
	}
	if len(ts) == 0 {
		return Term{}, notFound
	}
	return ts[0], nil
}

func snapshot(t Term) Snapshot {
	return Snapshot{Code: t.Code, Name: t.Name, Description: t.Description, ParentID: t.ParentID, ParentName: t.ParentName,
		Retired: t.Retired()}
}

// Add adds a term to taxonomy taxonomyID and returns its id (a new UUID, as
// ORUK requires).
func (st *Store) Add(ctx context.Context, a access.Actor, taxonomyID string, f Form) (string, error) {
	if !a.May(access.OfferEdit) {
		return "", noTaxonomy
	}
	f, taxonomyID = f.Tidy(), strings.ToLower(taxonomyID)
	id := uuid.NewString()
	err := st.DB.Transact(ctx, func(tx *sql.Tx) error {
		if err := lockTaxonomy(ctx, tx, taxonomyID); err != nil {
			return err
		}
		if err := checkForm(ctx, tx, taxonomyID, "", f, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO offer_taxonomy_terms (id, taxonomy_id, parent_id, code, name, description)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, taxonomyID, null(f.ParentID), f.Code, f.Name, f.Description); err != nil {
			return err
		}
		return record(ctx, tx, a, id, "added", nil)
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// Update renames, re-describes or moves the term id: whatever f changes.
// A change of name rewrites the search keywords of the services it tags.
func (st *Store) Update(ctx context.Context, a access.Actor, id string, f Form) error {
	if !a.May(access.OfferEdit) {
		return notFound
	}
	f = f.Tidy()
	return st.DB.Transact(ctx, func(tx *sql.Tx) error {
		before, err := lockedTerm(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Retired() {
			return apperr.Errorf(apperr.Conflict, "the term %s is retired: bring it back before changing it", before.Name)
		}
		if err := checkForm(ctx, tx, before.TaxonomyID, before.ID, f, before.Children > 0); err != nil {
			return err
		}
		if f.Code == before.Code && f.Name == before.Name && f.Description == before.Description && f.ParentID == before.ParentID {
			return nil // nothing changed: no history row
		}
		if _, err := tx.ExecContext(ctx, `UPDATE offer_taxonomy_terms SET code = $2, name = $3, description = $4, parent_id = $5
			WHERE id = $1`, before.ID, f.Code, f.Name, f.Description, null(f.ParentID)); err != nil {
			return err
		}
		if f.Name != before.Name {
			if err := offer.RewriteKeywords(ctx, tx, before.ID); err != nil {
				return err
			}
		}
		action := "changed"
		if f.Code == before.Code && f.Name == before.Name && f.Description == before.Description {
			action = "moved"
		}
		return record(ctx, tx, a, before.ID, action, &before)
	})
}

// Retire retires the term id: see the package documentation.
func (st *Store) Retire(ctx context.Context, a access.Actor, id string) error {
	return st.setRetired(ctx, a, id, true)
}

// Restore brings a retired term back for tagging and the filters.
func (st *Store) Restore(ctx context.Context, a access.Actor, id string) error {
	return st.setRetired(ctx, a, id, false)
}

func (st *Store) setRetired(ctx context.Context, a access.Actor, id string, retire bool) error {
	if !a.May(access.OfferEdit) {
		return notFound
	}
	return st.DB.Transact(ctx, func(tx *sql.Tx) error {
		before, err := lockedTerm(ctx, tx, id)
		if err != nil {
			return err
		}
		switch {
		case retire && before.Retired():
			return apperr.Errorf(apperr.Conflict, "the term %s is already retired", before.Name)
		case !retire && !before.Retired():
			return apperr.Errorf(apperr.Conflict, "the term %s is not retired", before.Name)
		case retire && before.Children > 0:
			return &apperr.Error{Code: apperr.Invalid, Message: "The term has narrower terms", Fields: []apperr.Field{{Name: "retire",
				Message: "Move or retire the narrower terms under " + before.Name + " first"}}}
		}
		if !retire && before.ParentID != "" {
			var parentRetired bool
			if err := tx.QueryRowContext(ctx, "SELECT retired_at IS NOT NULL FROM offer_taxonomy_terms WHERE id = $1", before.ParentID).
				Scan(&parentRetired); err != nil {
				return err
			}
			if parentRetired {
				return &apperr.Error{Code: apperr.Invalid, Message: "The broader term is retired", Fields: []apperr.Field{{Name: "restore",
					Message: "Bring back " + before.ParentName + " first, or move this term, before bringing it back"}}}
			}
		}
		var at any
		action := "restored"
		if retire {
			at, action = db.Now(), "retired"
		}
		if _, err := tx.ExecContext(ctx, "UPDATE offer_taxonomy_terms SET retired_at = $2 WHERE id = $1", before.ID, at); err != nil {
			return err
		}
		return record(ctx, tx, a, before.ID, action, &before)
	})
}

// lockTaxonomy holds the taxonomy's row until the transaction ends, so two
// editors' changes to one taxonomy are checked one after the other (names
// unique, no cycle) on PostgreSQL too; SQLite has one writer anyway.
func lockTaxonomy(ctx context.Context, tx *sql.Tx, taxonomyID string) error {
	if uuid.Validate(taxonomyID) != nil {
		return noTaxonomy
	}
	res, err := tx.ExecContext(ctx, "UPDATE offer_taxonomies SET name = name WHERE id = $1", strings.ToLower(taxonomyID))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return noTaxonomy
	}
	return nil
}

// lockedTerm locks the taxonomy of term id and reads the term as it is under the lock.
func lockedTerm(ctx context.Context, tx *sql.Tx, id string) (Term, error) {
	t, err := term(ctx, tx, id)
	if err != nil {
		return Term{}, err
	}
	if err := lockTaxonomy(ctx, tx, t.TaxonomyID); err != nil {
		return Term{}, err
	}
	return term(ctx, tx, id)
}

// checkForm checks f for a term of taxonomyID (self is the term being
// changed, "" for a new one; hasChildren whether it has current narrower terms).
func checkForm(ctx context.Context, tx *sql.Tx, taxonomyID, self string, f Form, hasChildren bool) error {
	fs := f.check()
	taken := func(col, v string) (string, error) {
		var name string
		err := tx.QueryRowContext(ctx, "SELECT name FROM offer_taxonomy_terms WHERE taxonomy_id = $1 AND lower("+col+") = lower($2) AND id <> $3",
			taxonomyID, v, self).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return name, err
	}
	if f.Name != "" && !has(fs, "name") {
		other, err := taken("name", f.Name)
		if err != nil {
			return err
		}
		if other != "" {
			fs.Add("name", "This taxonomy already has a term called "+other+" (perhaps retired): choose another name")
		}
	}
	if f.Code != "" && !has(fs, "code") {
		other, err := taken("code", f.Code)
		if err != nil {
			return err
		}
		if other != "" {
			fs.Add("code", "The term "+other+" already has the code "+f.Code+" in this taxonomy: choose another code")
		}
	}
	if f.ParentID != "" {
		var p struct {
			taxonomy, parent string
			retired          bool
		}
		err := sql.ErrNoRows
		if uuid.Validate(f.ParentID) == nil {
			err = tx.QueryRowContext(ctx, `SELECT taxonomy_id, COALESCE(parent_id, ''), retired_at IS NOT NULL
				FROM offer_taxonomy_terms WHERE id = $1`, f.ParentID).Scan(&p.taxonomy, &p.parent, &p.retired)
		}
		switch {
		case errors.Is(err, sql.ErrNoRows), err == nil && p.taxonomy != taxonomyID:
			fs.Add("parent", "Choose a broader term from this taxonomy's list")
		case err != nil:
			return err
		case f.ParentID == self:
			fs.Add("parent", "A term cannot be under itself: choose another broader term, or none")
		case p.parent != "":
			fs.Add("parent", "Choose a top term: terms go only two levels deep, as the search filters show them")
		case p.retired:
			fs.Add("parent", "That broader term is retired: choose a current one")
		case hasChildren:
			fs.Add("parent", "This term has narrower terms, so it stays at the top: move them first")
		}
	}
	return fs.Err("The term")
}

func has(fs apperr.Fields, name string) bool {
	for _, f := range fs {
		if f.Name == name {
			return true
		}
	}
	return false
}

// record writes the history row of a change to term id, made by a, from
// before (nil for a new term) to the term as it now is in tx.
func record(ctx context.Context, tx *sql.Tx, a access.Actor, id, action string, before *Term) error {
	after, err := term(ctx, tx, id)
	if err != nil {
		return err
	}
	aj, err := json.Marshal(snapshot(after))
	if err != nil {
		return err
	}
	var bj any
	if before != nil {
		b, err := json.Marshal(snapshot(*before))
		if err != nil {
			return err
		}
		bj = string(b)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO offer_taxonomy_term_changes (id, term_id, action, before_json, after_json,
		changed_by, changed_by_name, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		uuid.NewString(), id, action, bj, string(aj), a.PersonID, a.Name, db.Now())
	return err
}

func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}
