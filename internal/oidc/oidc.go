// Package oidc signs staff in through their organisation's OpenID Connect
// identity provider (Entra ID for a council, NHS CIS2 for the NHS …), with the
// authorization code flow, PKCE (S256), a nonce, and state bound to the
// browser.
//
// A sign-in has two halves that may run on different joinedup instances:
//
//   - Begin makes the state, nonce and PKCE verifier, stores the pending
//     sign-in in the database (table oidc_logins) and returns the provider's
//     URL and a cookie value for the browser.
//   - Complete (or CompleteCallback) takes the callback, uses up the pending
//     sign-in whatever happens next, exchanges the code, verifies the ID token
//     and returns the Identity.
//
// Nothing lives only in memory but the providers' configuration and keys.
// Every refusal is an *Error that matches ErrSecurity.
package oidc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"joinedup/internal/db"
)

// Provider is one organisation's identity provider, as configured.
type Provider struct {
	ID             string   // names the provider in joinedup, e.g. "council-entra"
	Label          string   // the sign-in button, e.g. "Worcestershire County Council staff"; ID when empty
	OrganisationID string   // the organisation whose staff sign in here
	Issuer         string   // the issuer URL; discovery reads Issuer + "/.well-known/openid-configuration"
	ClientID       string   // joinedup's client id at the provider
	ClientSecret   string   // joinedup's client secret at the provider
	RedirectURL    string   // joinedup's callback URL, registered at the provider
	Scopes         []string // "openid" is always asked for; empty means openid, email, profile
}

// Identity is a person the provider has signed in. Issuer and Subject
// together are the stable key for the person; Email and Name are what the
// provider said at sign-in and may change.
type Identity struct {
	ProviderID     string
	OrganisationID string
	Issuer         string
	Subject        string
	Email          string
	// EmailDisowned: the provider said email_verified is false. Entra ID
	// sends no such claim for work accounts; a provider that says false is
	// not vouching for the address, so it cannot bind a first sign-in.
	EmailDisowned bool
	Name          string
}

// LoginTTL is how long a begun sign-in may take to come back.
const LoginTTL = 10 * time.Minute

// usedTTL is how long a used state is remembered, to name a replay as one.
const usedTTL = time.Hour

// Registry holds the configured providers, discovered at start-up, and the
// database pending sign-ins live in. It is safe for concurrent use.
type Registry struct {
	db        *db.DB
	client    *http.Client
	providers map[string]*entry
}

type entry struct {
	cfg      Provider
	oauth    oauth2.Config
	verifier *gooidc.IDTokenVerifier
	issuer   string
}

// WithHTTPClient returns a context that makes NewRegistry, and the Registry it
// builds, talk to the providers through client (tests pass the test
// provider's). Without it a client with a 15-second timeout is used.
func WithHTTPClient(ctx context.Context, client *http.Client) context.Context {
	return gooidc.ClientContext(ctx, client)
}

// NewRegistry validates the providers and runs OpenID discovery for each. It
// fails, naming the provider, if any is misconfigured or cannot be discovered.
func NewRegistry(ctx context.Context, d *db.DB, providers ...Provider) (*Registry, error) {
	client, _ := ctx.Value(oauth2.HTTPClient).(*http.Client)
	if client == nil {
		// No redirects: discovery, keys and tokens come from the configured
		// issuer itself, never from wherever it might point us.
		client = &http.Client{Timeout: 15 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		ctx = WithHTTPClient(ctx, client)
	}
	r := &Registry{db: d, client: client, providers: map[string]*entry{}}
	for _, p := range providers {
		if err := p.validate(); err != nil {
			return nil, err
		}
		if p.Label == "" {
			p.Label = p.ID
		}
		if _, dup := r.providers[p.ID]; dup {
			return nil, fmt.Errorf("identity provider %q is configured twice", p.ID)
		}
		dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		op, err := gooidc.NewProvider(dctx, p.Issuer)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("identity provider %q: discovery at %s failed: %w", p.ID, p.Issuer, err)
		}
		scopes := p.Scopes
		if len(scopes) == 0 {
			scopes = []string{gooidc.ScopeOpenID, "email", "profile"}
		} else if !slices.Contains(scopes, gooidc.ScopeOpenID) {
			scopes = append([]string{gooidc.ScopeOpenID}, scopes...)
		}
		r.providers[p.ID] = &entry{
			cfg: p,
			oauth: oauth2.Config{
				ClientID:     p.ClientID,
				ClientSecret: p.ClientSecret,
				Endpoint:     op.Endpoint(),
				RedirectURL:  p.RedirectURL,
				Scopes:       scopes,
			},
			verifier: op.Verifier(&gooidc.Config{
				ClientID: p.ClientID,
				Now:      func() time.Time { return db.Now() },
			}),
			issuer: p.Issuer,
		}
	}
	return r, nil
}

func (p Provider) validate() error {
	name := p.ID
	if name == "" {
		return errors.New("an identity provider has no id")
	}
	missing := func(field string) error {
		return fmt.Errorf("identity provider %q has no %s", name, field)
	}
	switch {
	case p.OrganisationID == "":
		return missing("organisation")
	case p.Issuer == "":
		return missing("issuer")
	case p.ClientID == "":
		return missing("client id")
	case p.ClientSecret == "":
		return missing("client secret")
	case p.RedirectURL == "":
		return missing("redirect URL")
	}
	if err := checkEndpoint(p.Issuer); err != nil {
		return fmt.Errorf("identity provider %q: issuer %s", name, err)
	}
	if err := checkEndpoint(p.RedirectURL); err != nil {
		return fmt.Errorf("identity provider %q: redirect URL %s", name, err)
	}
	return nil
}

// checkEndpoint insists on https, except on the loopback interface where
// tests and a developer's machine run.
func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("is not an absolute URL")
	}
	if u.Scheme == "https" {
		return nil
	}
	if u.Scheme == "http" {
		h := u.Hostname()
		if h == "localhost" {
			return nil
		}
		if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
			return nil
		}
	}
	return errors.New("must use https")
}

// Providers returns the configured providers sorted by id, without their client secrets.
func (r *Registry) Providers() []Provider {
	out := make([]Provider, 0, len(r.providers))
	for _, e := range r.providers {
		p := e.cfg
		p.ClientSecret = ""
		p.Scopes = slices.Clone(e.oauth.Scopes)
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ForOrganisation returns the ids of the providers the staff of organisationID sign in with.
func (r *Registry) ForOrganisation(organisationID string) []string {
	var ids []string
	for _, p := range r.Providers() {
		if p.OrganisationID == organisationID {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

// CookieName is the name of the cookie that binds a sign-in to its browser.
// The __Host- prefix makes the browser insist on Secure, Path=/ and no Domain.
const CookieName = "__Host-joinedup-signin"

// Cookie returns the cookie to set with the value Begin returned. It is
// SameSite=Lax, not Strict: the callback is a top-level navigation from the
// provider's site, on which a Strict cookie would not be sent. Clear it on
// the callback with ClearCookie, whatever the outcome.
func Cookie(value string) *http.Cookie {
	return &http.Cookie{
		Name: CookieName, Value: value, Path: "/",
		MaxAge: int(LoginTTL / time.Second), Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode,
	}
}

// ClearCookie returns a cookie that removes the sign-in cookie.
func ClearCookie() *http.Cookie {
	return &http.Cookie{Name: CookieName, Path: "/", MaxAge: -1, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode}
}

// checkReturnTo accepts only a path on this site: it starts with one "/", has
// no backslash, control character or space (browsers turn "/\" into "//" and
// drop tabs and newlines), no scheme or host, and no "." or ".." segment.
// An empty returnTo means "/".
func checkReturnTo(returnTo string) (string, error) {
	if returnTo == "" {
		return "/", nil
	}
	bad := func(why string) (string, error) {
		return "", refuse(UnsafeReturn, "refused the return path: "+why, nil)
	}
	if len(returnTo) > 2048 {
		return bad("it is longer than 2048 characters")
	}
	if returnTo[0] != '/' {
		return bad("it does not start with \"/\", so it may lead to another site")
	}
	if len(returnTo) > 1 && (returnTo[1] == '/' || returnTo[1] == '\\') {
		return bad("it starts with \"//\" or \"/\\\", which browsers read as another site")
	}
	for _, c := range []byte(returnTo) {
		if c <= ' ' || c == 0x7f || c == '\\' {
			return bad("it contains a space, backslash or control character")
		}
	}
	u, err := url.Parse(returnTo)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return bad("it is not a plain path on this site")
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return bad("it contains a \".\" or \"..\" segment")
		}
	}
	return returnTo, nil
}
