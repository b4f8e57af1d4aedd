package comments_test

import (
	"strings"
	"testing"

	"joinedup/internal/offer/comments"
)

// The public form's rules (SEND Regulations 2014 reg 56: comments are
// sought from anyone, so the form asks only what it needs): a kind the form
// offers, words of 1 to 2,000 characters kept as typed, an optional email
// that must be a plain address if given.
func TestValidate(t *testing.T) {
	ok := comments.Form{Kind: comments.Problem, Words: "The phone number is wrong.", Email: "pat@example.org"}
	cases := []struct {
		name   string
		change func(*comments.Form)
		fields []string
	}{
		{"all good", func(*comments.Form) {}, nil},
		{"no email: a reply is optional", func(f *comments.Form) { f.Email = "" }, nil},
		{"every kind is accepted", func(f *comments.Form) { f.Kind = comments.Suggestion }, nil},
		{"markup is words like any other", func(f *comments.Form) { f.Words = "<script>alert(1)</script>" }, nil},
		{"exactly 2,000 characters, not bytes", func(f *comments.Form) { f.Words = strings.Repeat("é", 2000) }, nil},
		{"2,001 characters", func(f *comments.Form) { f.Words = strings.Repeat("a", 2001) }, []string{"words"}},
		{"only spaces", func(f *comments.Form) { f.Words = " \n\t " }, []string{"words"}},
		{"invalid UTF-8", func(f *comments.Form) { f.Words = "caf\xe9" }, []string{"words"}},
		{"no kind", func(f *comments.Form) { f.Kind = "" }, []string{"kind"}},
		{"a kind the form does not offer", func(f *comments.Form) { f.Kind = "praise" }, []string{"kind"}},
		{"email without a dotted domain", func(f *comments.Form) { f.Email = "pat@example" }, []string{"email"}},
		{"email with a display name", func(f *comments.Form) { f.Email = "Pat <pat@example.org>" }, []string{"email"}},
		{"email with a space", func(f *comments.Form) { f.Email = "pat smith@example.org" }, []string{"email"}},
		{"email over 254 characters (RFC 5321)", func(f *comments.Form) { f.Email = strings.Repeat("a", 250) + "@x.org" }, []string{"email"}},
		{"everything wrong names every field", func(f *comments.Form) { *f = comments.Form{Kind: "x", Email: "nope"} }, []string{"kind", "words", "email"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := ok
			c.change(&f)
			err := f.Validate()
			if got := fieldsOf(err); strings.Join(got, ",") != strings.Join(c.fields, ",") {
				t.Errorf("fields %v, want %v (%v)", got, c.fields, err)
			}
		})
	}
	f := comments.Form{Kind: comments.Comment, Words: "\n  Two lines,\n  kept as typed.  \n"}
	if err := f.Validate(); err != nil || f.Words != "Two lines,\n  kept as typed." {
		t.Errorf("words %q (%v), want only the outer space trimmed", f.Words, err)
	}
}
