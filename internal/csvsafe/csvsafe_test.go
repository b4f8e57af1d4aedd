package csvsafe

import "testing"

// Each character OWASP's CSV injection guidance names starts a formula and
// is neutralised; anything else is left as typed, and Undo gives it back.
func TestCell(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`=HYPERLINK("http://example.invalid","x")`, `'=HYPERLINK("http://example.invalid","x")`},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tA1", "'\tA1"},
		{"\rA1", "'\rA1"},
		{"Autism assessment", "Autism assessment"},
		{"'quoted already", "'quoted already"},
		{"a=b", "a=b"},
		{"", ""},
	} {
		got := Cell(c.in)
		if got != c.want {
			t.Errorf("Cell(%q) = %q, want %q", c.in, got, c.want)
		}
		if back := Undo(got); back != c.in {
			t.Errorf("Undo(Cell(%q)) = %q", c.in, back)
		}
	}
}
