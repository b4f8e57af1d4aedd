package oidc

import (
	"context"
	"errors"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/oidc/oidctest"
)

// Someone who can write the database, and holds the cookie of their own
// sign-in B, gives sign-in A the cookie hash and sealed values of B. The
// cookie then matches, but the sealed values are bound to B's row and do not
// open under A's.
func TestSealedValuesAreBoundToTheirRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		op := oidctest.New(t, "c", "s", "https://joinedup.test/cb")
		r, err := NewRegistry(WithHTTPClient(ctx, op.Client()), d, Provider{
			ID: "p", OrganisationID: "o", Issuer: op.Issuer, ClientID: "c", ClientSecret: "s", RedirectURL: op.RedirectURL,
		})
		if err != nil {
			t.Fatal(err)
		}
		authA, _, err := r.Begin(ctx, "p", "/a")
		if err != nil {
			t.Fatal(err)
		}
		_, cookieB, err := r.Begin(ctx, "p", "/b")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := op.Client().Get(authA)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := resp.Location()
		state, code := loc.Query().Get("state"), loc.Query().Get("code")
		_, err = d.Exec(`UPDATE oidc_logins SET
			cookie_hash = (SELECT cookie_hash FROM oidc_logins WHERE state_hash <> $1),
			sealed = (SELECT sealed FROM oidc_logins WHERE state_hash <> $1)
			WHERE state_hash = $1`, stateHash(state))
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = r.Complete(ctx, cookieB, state, code)
		if ReasonOf(err) != DamagedPending || !errors.Is(err, ErrSecurity) {
			t.Fatalf("moved sealed values: %v", err)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM oidc_logins WHERE state_hash = $1", stateHash(state)); n != 0 {
			t.Errorf("the tampered sign-in is still pending")
		}
	})
}

func TestSealRoundTrip(t *testing.T) {
	p := pending{Nonce: "n", Verifier: "v", ReturnTo: "/r"}
	s, err := seal("cookie", "row", p)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := unseal("cookie", "row", s); err != nil || got != p {
		t.Fatalf("unseal = %+v, %v", got, err)
	}
	if _, err := unseal("other", "row", s); err == nil {
		t.Error("opened with another cookie")
	}
	if _, err := unseal("cookie", "other-row", s); err == nil {
		t.Error("opened bound to another row")
	}
	if cookieHash("x") == hexOf(derive(labelSeal, "x")) {
		t.Error("the stored cookie hash is the sealing key")
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
