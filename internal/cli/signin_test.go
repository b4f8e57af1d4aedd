package cli_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"joinedup/internal/cli"
	"joinedup/internal/db"
	"joinedup/internal/oidc/oidctest"
	"joinedup/internal/web/browsertest"
)

// --oidc-providers connects each organisation's identity provider. A bad
// file is one clear line naming the file, the provider and what is wrong;
// a good one puts the organisation's button on the sign-in page.
func TestServeReadsIdentityProviders(t *testing.T) {
	dir := t.TempDir()
	dbFile := filepath.Join(dir, "j.db")
	if r := run(t, nil, "demo", "--scale", "tiny", "--db", dbFile); r.code != cli.ExitOK {
		t.Fatalf("demo: %d %s", r.code, r.stderr)
	}
	d, err := db.Open(context.Background(), dbFile)
	if err != nil {
		t.Fatal(err)
	}
	var council string
	err = d.QueryRow("SELECT id FROM organisations WHERE kind = 'council'").Scan(&council)
	d.Close()
	if err != nil {
		t.Fatal(err)
	}
	op := oidctest.New(t, "joinedup", "s3cret", "http://127.0.0.1/sign-in/staff/callback")
	provider := func(fields string) string {
		return `[{"id": "council", "label": "Council staff", "organisation": "` + council + `", "issuer": "` + op.Issuer +
			`", "client_id": "joinedup", "client_secret_env": "COUNCIL_SECRET", "redirect_url": "` + op.RedirectURL + `"` + fields + `}]`
	}
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	secret := map[string]string{"COUNCIL_SECRET": "s3cret"}
	for _, c := range []struct {
		name, path string
		env        map[string]string
		code       int
		says       string
	}{
		{"no such file", filepath.Join(dir, "missing.json"), secret, cli.ExitUsage, "cannot read"},
		{"not JSON", file("bad.json", "{"), secret, cli.ExitUsage, "is not a JSON list of providers"},
		{"a misspelt field", file("typo.json", provider(`, "scope": ["email"]`)), secret, cli.ExitUsage, `unknown field "scope"`},
		{"the secret's variable is not set", file("good.json", provider("")), nil, cli.ExitUsage, "the environment variable COUNCIL_SECRET is empty"},
		{"an unknown organisation", file("org.json", strings.Replace(provider(""), council, "RXX", 1)), secret, cli.ExitUsage, `no organisation has the id or code "RXX"`},
		{"an issuer that is not https", file("http.json", strings.Replace(provider(""), op.Issuer, "http://login.example.org", 1)), secret, cli.ExitFailure, "must use https"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, c.env, "serve", "--addr", "127.0.0.1:0", "--db", dbFile, "--oidc-providers", c.path)
			oneLine(t, r, c.code, c.says)
			if strings.Contains(r.stderr, "s3cret") {
				t.Error("the client secret was printed")
			}
		})
	}

	srv := browsertest.StartWithEnv(t, secret, "--db", dbFile, "--oidc-providers", filepath.Join(dir, "good.json"))
	res, err := http.Get(srv.URL + "/sign-in")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(page), `action="/sign-in/staff/council"`) || !strings.Contains(string(page), "Council staff") {
		t.Errorf("the sign-in page does not offer the council's provider")
	}
}
