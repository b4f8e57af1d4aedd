// Package taxonomy is the Local Offer editors' work on the directory's
// taxonomies (issue 6, point 8): service categories, SEND needs,
// accessibility, cost, delivery and the collections ("support while you
// wait"). An editor adds a term, renames or re-describes it, moves it under
// another parent, retires it and brings it back. Every change is one
// transaction with a history row (who, when, the term before and after).
//
// Rules, each refused with the field named and nothing stored:
//   - names and codes are unique within a taxonomy, retired terms included
//     (a retired term still names the services it tags);
//   - a code is lower-case letters, digits and hyphens; left blank, it is
//     made from the name. It is what the public filters put in an address;
//   - the hierarchy has two levels, as the public filters and the search
//     (a parent finds its children's services) read it: a parent is a
//     current top term of the same taxonomy, never the term itself, and a
//     term with narrower terms stays at the top. So no cycle can arise;
//   - a term is never deleted. Retiring keeps it on the services it tags
//     and its ORUK id resolvable (/oruk/taxonomy_terms/{id}), while the ORUK
//     lists, the public filters and new tagging leave it out. A term with
//     current narrower terms cannot be retired until they are moved or
//     retired, so no current term hangs under a retired one.
//
// Only offer.edit (the Local Offer editor) reads or changes anything here;
// anyone else gets NotFound. Not a child's record: the history rows say who
// did what, without the audit chain, as for edits and comments.
package taxonomy

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"joinedup/internal/apperr"
)

// Form is what an editor types for a term.
type Form struct {
	Code, Name, Description, ParentID string
}

// Limits on what a term may hold.
const (
	MaxName        = 120
	MaxCode        = 80
	MaxDescription = 1000
)

var codePattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Tidy trims spaces and fills the code from the name when it is blank: the
// form as it is checked and stored.
func (f Form) Tidy() Form {
	f.Code = strings.ToLower(strings.TrimSpace(f.Code))
	f.Name = strings.Join(strings.Fields(f.Name), " ")
	f.Description = strings.TrimSpace(f.Description)
	f.ParentID = strings.ToLower(strings.TrimSpace(f.ParentID))
	if f.Code == "" {
		f.Code = Slug(f.Name)
		if len(f.Code) > MaxCode { // a long name's code is cut at a word
			f.Code = strings.TrimRight(f.Code[:MaxCode], "-")
		}
	}
	return f
}

// check is what can be said of a form without the database.
func (f Form) check() apperr.Fields {
	var fs apperr.Fields
	switch n := utf8.RuneCountInString(f.Name); {
	case n == 0:
		fs.Add("name", "Enter the term's name")
	case n > MaxName:
		fs.Add("name", "The name must be 120 characters or fewer")
	}
	switch {
	case f.Code == "" && f.Name != "":
		fs.Add("code", "Enter a code: the name has no letters or digits to make one from")
	case len(f.Code) > MaxCode:
		fs.Add("code", "The code must be 80 characters or fewer")
	case f.Code != "" && !codePattern.MatchString(f.Code):
		fs.Add("code", "The code must be lower-case letters, digits and single hyphens between them, like short-breaks")
	}
	switch n := utf8.RuneCountInString(f.Description); {
	case n == 0:
		fs.Add("description", "Enter a description: what the term means, for providers choosing it")
	case n > MaxDescription:
		fs.Add("description", "The description must be 1,000 characters or fewer")
	}
	for _, s := range []string{f.Name, f.Code, f.Description} {
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00") {
			fs.Add("name", "The name, code and description must be plain text")
			break
		}
	}
	return fs
}

// Slug is a code made from a name: lower-case letters and digits, words
// joined by hyphens ("Support while you wait: therapies" →
// "support-while-you-wait-therapies"), as the demo's codes are.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == '\'' || r == '’':
		default:
			dash = true
		}
	}
	return b.String()
}

// Term is a term as an editor sees it.
type Term struct {
	ID, TaxonomyID, Taxonomy string
	Code, Name, Description  string
	ParentID, ParentName     string
	RetiredAt                time.Time // zero while current
	Services                 int       // how many services it tags
	Children                 int       // how many narrower terms it has (current ones)
	Depth                    int       // 0 for a top term, 1 under a parent
}

// Retired says whether the term is retired.
func (t Term) Retired() bool { return !t.RetiredAt.IsZero() }

// Taxonomy is a taxonomy with its terms in hierarchy order: each top term
// by name, followed by its narrower terms by name.
type Taxonomy struct {
	ID, Name, Description string
	Terms                 []Term
}

// Current is how many of its terms are not retired.
func (t Taxonomy) Current() int {
	n := 0
	for _, x := range t.Terms {
		if !x.Retired() {
			n++
		}
	}
	return n
}

// Snapshot is a term as one change left it, as the history shows it.
type Snapshot struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description"`
	ParentID    string `json:"parent_id,omitempty"`
	ParentName  string `json:"parent_name,omitempty"`
	Retired     bool   `json:"retired,omitempty"`
}

// Change is one row of a term's history.
type Change struct {
	Action        string // added, changed, moved, retired, restored
	Before, After Snapshot
	HasBefore     bool
	ByName        string
	At            time.Time
}

// Differences are the fields the change altered, as "field: before → after".
func (c Change) Differences() []string {
	if !c.HasBefore {
		return nil
	}
	var out []string
	add := func(field, b, a string) {
		if b != a {
			out = append(out, field+": “"+orNone(b)+"” → “"+orNone(a)+"”")
		}
	}
	add("Name", c.Before.Name, c.After.Name)
	add("Code", c.Before.Code, c.After.Code)
	add("Description", c.Before.Description, c.After.Description)
	add("Parent", c.Before.ParentName, c.After.ParentName)
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Words says what a change was, for the history.
func (c Change) Words() string {
	return map[string]string{"added": "Added", "changed": "Changed", "moved": "Moved", "retired": "Retired",
		"restored": "Brought back"}[c.Action]
}
