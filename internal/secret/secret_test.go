package secret

import (
	"strings"
	"testing"
)

func TestSecrets(t *testing.T) {
	a, b := New(), New()
	if a == b || !WellFormed(a) || !WellFormed(b) {
		t.Fatalf("New made %q and %q", a, b)
	}
	for _, s := range []string{"", "short", strings.Repeat("A", Len-1), strings.Repeat("!", Len), a + "A", strings.Repeat("A", Len-1) + "B"} {
		if WellFormed(s) {
			t.Errorf("WellFormed(%q) accepted", s)
		}
	}
	// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
	if got := Hash("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("Hash(abc) = %s", got)
	}
}
