package oidc_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/oidc"
	"joinedup/internal/oidc/oidctest"
)

const callbackURL = "https://joinedup.test/sign-in/callback"

func newProvider(t *testing.T) *oidctest.Server {
	return oidctest.New(t, "joinedup-client", "client-secret-1", callbackURL)
}

func config(op *oidctest.Server) oidc.Provider {
	return oidc.Provider{
		ID: "council", OrganisationID: "org-council", Issuer: op.Issuer,
		ClientID: op.ClientID, ClientSecret: op.ClientSecret, RedirectURL: op.RedirectURL,
	}
}

func newRegistry(t *testing.T, d *db.DB, op *oidctest.Server) *oidc.Registry {
	t.Helper()
	ctx := oidc.WithHTTPClient(context.Background(), op.Client())
	r, err := oidc.NewRegistry(ctx, d, config(op))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// signIn is what a browser does between Begin and the callback: it follows
// the auth URL to the provider and reads where the provider sends it back.
func signIn(t *testing.T, op *oidctest.Server, authURL string) url.Values {
	t.Helper()
	resp, err := op.Client().Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorization endpoint answered %s, not a redirect (refusals: %v)", resp.Status, op.Refusals())
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != callbackURL {
		t.Fatalf("provider redirected to %s, not the callback", got)
	}
	return loc.Query()
}

// begin starts a sign-in and brings back the callback's query.
func begin(t *testing.T, r *oidc.Registry, op *oidctest.Server, returnTo string) (cookie string, cb url.Values) {
	t.Helper()
	authURL, cookie, err := r.Begin(context.Background(), "council", returnTo)
	if err != nil {
		t.Fatal(err)
	}
	return cookie, signIn(t, op, authURL)
}

func pendingRows(t *testing.T, d *db.DB) int {
	t.Helper()
	return dbtest.Count(t, d, "SELECT COUNT(*) FROM oidc_logins")
}

// advance moves db.Now on by dt until the test ends.
func advance(t *testing.T, dt time.Duration) {
	old := db.Now
	db.Now = func() time.Time { return old().Add(dt) }
	t.Cleanup(func() { db.Now = old })
}

func TestHappyPath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		op := newProvider(t)
		op.Set(oidctest.Behaviour{User: oidctest.User{Subject: "entra-oid-123", Email: "sam.senco@council.example", Name: "Sam Senco"}})
		r := newRegistry(t, d, op)

		authURL, cookie, err := r.Begin(ctx, "council", "/children/42?tab=plan")
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(authURL)
		q := u.Query()
		for _, p := range []string{"state", "nonce", "code_challenge"} {
			if q.Get(p) == "" {
				t.Errorf("auth URL has no %s: %s", p, authURL)
			}
		}
		if q.Get("code_challenge_method") != "S256" || q.Get("response_type") != "code" || q.Get("client_id") != op.ClientID {
			t.Errorf("auth URL is not an S256 code request for the client: %s", authURL)
		}
		if strings.Contains(authURL, "children") {
			t.Errorf("the return path leaked into the provider's URL: %s", authURL)
		}

		// Only hashes and sealed values are stored: no secret appears in the row.
		var stateHash, cookieHash, sealed string
		if err := d.QueryRow("SELECT state_hash, cookie_hash, sealed FROM oidc_logins").Scan(&stateHash, &cookieHash, &sealed); err != nil {
			t.Fatal(err)
		}
		row := stateHash + cookieHash + sealed
		for name, secret := range map[string]string{"state": q.Get("state"), "cookie": cookie, "nonce": q.Get("nonce"), "return path": "/children/42"} {
			if strings.Contains(row, secret) {
				t.Errorf("the pending sign-in stores the %s in the clear", name)
			}
		}

		cb := signIn(t, op, authURL)
		id, returnTo, err := r.Complete(ctx, cookie, cb.Get("state"), cb.Get("code"))
		if err != nil {
			t.Fatal(err)
		}
		want := oidc.Identity{ProviderID: "council", OrganisationID: "org-council", Issuer: op.Issuer,
			Subject: "entra-oid-123", Email: "sam.senco@council.example", Name: "Sam Senco"}
		if id != want {
			t.Errorf("identity = %+v, want %+v", id, want)
		}
		if returnTo != "/children/42?tab=plan" {
			t.Errorf("returnTo = %q", returnTo)
		}
		if n := pendingRows(t, d); n != 0 {
			t.Errorf("%d pending sign-ins left after completing", n)
		}
	})
}

// The callback handler gets the query as it came; CompleteCallback takes it whole.
func TestCompleteCallbackHappyPath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		op := newProvider(t)
		r := newRegistry(t, d, op)
		cookie, cb := begin(t, r, op, "")
		if cb.Get("iss") != op.Issuer {
			t.Fatalf("test provider sent iss=%q", cb.Get("iss"))
		}
		id, returnTo, err := r.CompleteCallback(context.Background(), cookie, cb)
		if err != nil {
			t.Fatal(err)
		}
		if id.Subject != "user-1" || returnTo != "/" {
			t.Errorf("got %+v, %q", id, returnTo)
		}
	})
}

// refused checks that err is a security refusal for the reason wanted, says
// so plainly, leaks no secret, and left no pending sign-in behind.
func refused(t *testing.T, d *db.DB, err error, want oidc.Reason, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want refusal %s", want)
	}
	if !errors.Is(err, oidc.ErrSecurity) {
		t.Errorf("error is not a security event: %v", err)
	}
	if got := oidc.ReasonOf(err); got != want {
		t.Errorf("reason = %q, want %q (%v)", got, want, err)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			t.Errorf("error message contains a secret: %v", err)
		}
	}
	if apperr.HTTPStatus(err) >= 500 {
		t.Errorf("refusal maps to HTTP %d", apperr.HTTPStatus(err))
	}
	if n := pendingRows(t, d); n != 0 {
		t.Errorf("%d pending sign-ins left after the refusal", n)
	}
	t.Logf("%v", err)
}

func TestAttacksAreRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		op := newProvider(t)
		r := newRegistry(t, d, op)
		honest := op.Behaviour()

		t.Run("replayed callback", func(t *testing.T) {
			cookie, cb := begin(t, r, op, "/")
			if _, _, err := r.Complete(ctx, cookie, cb.Get("state"), cb.Get("code")); err != nil {
				t.Fatal(err)
			}
			_, _, err := r.Complete(ctx, cookie, cb.Get("state"), cb.Get("code"))
			refused(t, d, err, oidc.Replayed, cookie, cb.Get("state"), cb.Get("code"))
		})

		t.Run("unknown state", func(t *testing.T) {
			_, _, err := r.Complete(ctx, "some-cookie", "a-state-nobody-issued", "some-code")
			refused(t, d, err, oidc.UnknownState, "a-state-nobody-issued")
		})

		t.Run("no state", func(t *testing.T) {
			_, _, err := r.Complete(ctx, "some-cookie", "", "some-code")
			refused(t, d, err, oidc.BadInput)
		})

		t.Run("state from another browser", func(t *testing.T) {
			victimCookie, cb := begin(t, r, op, "/")
			_, _, err := r.Complete(ctx, "cookie-of-another-browser", cb.Get("state"), cb.Get("code"))
			refused(t, d, err, oidc.WrongBrowser, cb.Get("state"), cb.Get("code"))
			// The sign-in is used up: the real browser coming later is refused too.
			_, _, err = r.Complete(ctx, victimCookie, cb.Get("state"), cb.Get("code"))
			refused(t, d, err, oidc.Replayed)
		})

		t.Run("no cookie", func(t *testing.T) {
			_, cb := begin(t, r, op, "/")
			_, _, err := r.Complete(ctx, "", cb.Get("state"), cb.Get("code"))
			refused(t, d, err, oidc.WrongBrowser)
		})

		t.Run("expired pending sign-in", func(t *testing.T) {
			cookie, cb := begin(t, r, op, "/")
			advance(t, oidc.LoginTTL+time.Second)
			_, _, err := r.Complete(ctx, cookie, cb.Get("state"), cb.Get("code"))
			refused(t, d, err, oidc.Expired)
		})

		tokenCases := []struct {
			name string
			knob func(*oidctest.Behaviour)
			want oidc.Reason
		}{
			{"wrong nonce", func(b *oidctest.Behaviour) { b.WrongNonce = true }, oidc.WrongNonce},
			{"wrong audience", func(b *oidctest.Behaviour) { b.WrongAudience = true }, oidc.WrongAudience},
			{"expired ID token", func(b *oidctest.Behaviour) { b.ExpiredIDToken = true }, oidc.TokenExpired},
			{"signature from an unknown key", func(b *oidctest.Behaviour) { b.UnknownKey = true }, oidc.BadSignature},
			{"wrong issuer", func(b *oidctest.Behaviour) { b.WrongIssuer = true }, oidc.WrongIssuer},
		}
		for _, tc := range tokenCases {
			t.Run(tc.name, func(t *testing.T) {
				b := honest
				tc.knob(&b)
				op.Set(b)
				defer op.Set(honest)
				cookie, cb := begin(t, r, op, "/")
				_, _, err := r.Complete(ctx, cookie, cb.Get("state"), cb.Get("code"))
				refused(t, d, err, tc.want, cookie, cb.Get("code"))
			})
		}

		// Code injection: an attacker who got hold of a victim's code plays it
		// into a sign-in of their own. Their verifier does not match the
		// victim's challenge, and the provider refuses the exchange.
		t.Run("bad PKCE verifier", func(t *testing.T) {
			attackerCookie, attacker := begin(t, r, op, "/")
			victimCookie, victim := begin(t, r, op, "/")
			_, _, err := r.Complete(ctx, attackerCookie, attacker.Get("state"), victim.Get("code"))
			if oidc.ReasonOf(err) != oidc.CodeRejected || !errors.Is(err, oidc.ErrSecurity) {
				t.Fatalf("injected code: %v", err)
			}
			refusals := op.Refusals()
			if len(refusals) == 0 || !strings.Contains(refusals[len(refusals)-1], "code_verifier does not match") {
				t.Errorf("the provider did not refuse for PKCE: %v", refusals)
			}
			// The victim's sign-in is still pending; clear it to check the attacker's left nothing.
			r.Complete(ctx, victimCookie, victim.Get("state"), "x")
			refused(t, d, err, oidc.CodeRejected)
		})

		// Were the provider to ignore PKCE, the nonce still catches the injected code.
		t.Run("injected code with PKCE ignored", func(t *testing.T) {
			b := honest
			b.IgnorePKCE = true
			op.Set(b)
			defer op.Set(honest)
			attackerCookie, attacker := begin(t, r, op, "/")
			victimCookie, victim := begin(t, r, op, "/")
			_, _, err := r.Complete(ctx, attackerCookie, attacker.Get("state"), victim.Get("code"))
			r.Complete(ctx, victimCookie, victim.Get("state"), "x")
			refused(t, d, err, oidc.WrongNonce)
		})

		t.Run("error=access_denied in the callback", func(t *testing.T) {
			b := honest
			b.Deny = true
			op.Set(b)
			defer op.Set(honest)
			cookie, cb := begin(t, r, op, "/")
			if cb.Get("error") != "access_denied" || cb.Has("code") {
				t.Fatalf("provider did not deny: %v", cb)
			}
			_, _, err := r.CompleteCallback(ctx, cookie, cb)
			refused(t, d, err, oidc.ProviderError)
			if !strings.Contains(err.Error(), "access_denied") {
				t.Errorf("error does not name the provider's error: %v", err)
			}
		})

		t.Run("callback naming another issuer", func(t *testing.T) {
			cookie, cb := begin(t, r, op, "/")
			cb.Set("iss", "https://impostor.example")
			_, _, err := r.CompleteCallback(ctx, cookie, cb)
			refused(t, d, err, oidc.WrongProvider)
		})

		t.Run("open redirect in returnTo", func(t *testing.T) {
			for _, bad := range []string{
				"//evil.example", "https://evil.example", "http://evil.example/x", "/\\evil.example",
				"\\\\evil.example", "/\t/evil.example", " /x", "evil.example", "javascript:alert(1)",
				"/a/../..//evil.example", "/%2e%2e/x", "/x\r\nSet-Cookie: a=b",
			} {
				_, _, err := r.Begin(ctx, "council", bad)
				refused(t, d, err, oidc.UnsafeReturn)
				if apperr.HTTPStatus(err) != http.StatusUnprocessableEntity {
					t.Errorf("%q: HTTP %d", bad, apperr.HTTPStatus(err))
				}
			}
			for _, good := range []string{"/", "/children/42", "/search?q=a%2Fb#top", "/a//b"} {
				if _, _, err := r.Begin(ctx, "council", good); err != nil {
					t.Errorf("%q refused: %v", good, err)
				}
			}
			d.Exec("DELETE FROM oidc_logins")
		})
	})
}

// A callback played by many requests at once completes exactly once.
func TestConcurrentCallbacksCompleteOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		op := newProvider(t)
		r := newRegistry(t, d, op)
		cookie, cb := begin(t, r, op, "/")
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, _, errs[i] = r.Complete(context.Background(), cookie, cb.Get("state"), cb.Get("code"))
			})
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case oidc.ReasonOf(err) != oidc.Replayed:
				t.Errorf("unexpected failure: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d of %d identical callbacks succeeded, want 1", ok, n)
		}
	})
}

// Two instances sharing a database: a sign-in begun on one completes on the other.
func TestSignInCrossesInstances(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			dsn := filepath.Join(t.TempDir(), "shared.db")
			if kind == "postgres" {
				dsn = dbtest.NewPostgresDatabase(t)
			}
			d1, d2 := dbtest.Open(t, dsn), dbtest.Open(t, dsn)
			op := newProvider(t)
			one, two := newRegistry(t, d1, op), newRegistry(t, d2, op)

			cookie, cb := begin(t, one, op, "/waitlist")
			id, returnTo, err := two.Complete(ctx, cookie, cb.Get("state"), cb.Get("code"))
			if err != nil {
				t.Fatalf("completing on the second instance: %v", err)
			}
			if id.Subject != "user-1" || returnTo != "/waitlist" {
				t.Errorf("got %+v, %q", id, returnTo)
			}
			_, _, err = one.Complete(ctx, cookie, cb.Get("state"), cb.Get("code"))
			refused(t, d1, err, oidc.Replayed)
		})
	}
}

func TestDeleteExpired(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		op := newProvider(t)
		r := newRegistry(t, d, op)
		for range 2 {
			if _, _, err := r.Begin(ctx, "council", "/"); err != nil {
				t.Fatal(err)
			}
		}
		cookie, cb := begin(t, r, op, "/") // leaves a used state behind
		if _, _, err := r.Complete(ctx, cookie, cb.Get("state"), cb.Get("code")); err != nil {
			t.Fatal(err)
		}
		advance(t, 6*time.Minute)
		if _, _, err := r.Begin(ctx, "council", "/"); err != nil {
			t.Fatal(err)
		}
		if n, err := r.DeleteExpired(ctx); err != nil || n != 0 {
			t.Fatalf("DeleteExpired at 6 minutes = %d, %v; want 0", n, err)
		}
		advance(t, 5*time.Minute)
		if n, err := r.DeleteExpired(ctx); err != nil || n != 2 {
			t.Fatalf("DeleteExpired at 11 minutes = %d, %v; want 2", n, err)
		}
		if n := pendingRows(t, d); n != 1 {
			t.Errorf("%d pending sign-ins left, want the 1 still fresh", n)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM oidc_used_states"); n != 1 {
			t.Errorf("%d used states remembered, want 1", n)
		}
		advance(t, time.Hour)
		if _, err := r.DeleteExpired(ctx); err != nil {
			t.Fatal(err)
		}
		if n := pendingRows(t, d) + dbtest.Count(t, d, "SELECT COUNT(*) FROM oidc_used_states"); n != 0 {
			t.Errorf("%d rows left after everything expired", n)
		}
	})
}

func TestBeginUnknownProvider(t *testing.T) {
	d := dbtest.SQLite(t)
	r := newRegistry(t, d, newProvider(t))
	_, _, err := r.Begin(context.Background(), "nhs-cis2", "/")
	if oidc.ReasonOf(err) != oidc.NotConfigured || errors.Is(err, oidc.ErrSecurity) {
		t.Fatalf("unknown provider: %v", err)
	}
	if apperr.HTTPStatus(err) != http.StatusUnprocessableEntity {
		t.Errorf("unknown provider maps to HTTP %d", apperr.HTTPStatus(err))
	}
}

func TestRegistryRefusesBadConfig(t *testing.T) {
	op := newProvider(t)
	ctx := oidc.WithHTTPClient(context.Background(), op.Client())
	good := config(op)
	cases := []struct {
		name string
		edit func(*oidc.Provider)
		want string
	}{
		{"no id", func(p *oidc.Provider) { p.ID = "" }, "no id"},
		{"no organisation", func(p *oidc.Provider) { p.OrganisationID = "" }, "no organisation"},
		{"no secret", func(p *oidc.Provider) { p.ClientSecret = "" }, "no client secret"},
		{"plain http issuer", func(p *oidc.Provider) { p.Issuer = "http://login.example.org" }, "must use https"},
		{"relative redirect", func(p *oidc.Provider) { p.RedirectURL = "/callback" }, "not an absolute URL"},
		{"issuer differs from discovery", func(p *oidc.Provider) { p.Issuer += "/" }, "did not match"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := good
			tc.edit(&p)
			_, err := oidc.NewRegistry(ctx, nil, p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := oidc.NewRegistry(ctx, nil, good, good); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate provider: %v", err)
	}
	r, err := oidc.NewRegistry(ctx, nil, good)
	if err != nil {
		t.Fatal(err)
	}
	ps := r.Providers()
	if len(ps) != 1 || ps[0].ClientSecret != "" || ps[0].Scopes[0] != "openid" {
		t.Errorf("Providers() = %+v", ps)
	}
	if ids := r.ForOrganisation("org-council"); len(ids) != 1 || ids[0] != "council" {
		t.Errorf("ForOrganisation = %v", ids)
	}
}

func TestCookie(t *testing.T) {
	c := oidc.Cookie("v")
	if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Domain != "" ||
		!strings.HasPrefix(c.Name, "__Host-") || c.MaxAge != int(oidc.LoginTTL/time.Second) {
		t.Errorf("cookie = %+v", c)
	}
	if err := c.Valid(); err != nil {
		t.Error(err)
	}
}

// A provider that cannot be reached is not an attack, but the sign-in is used up all the same.
func TestProviderDownIsNotASecurityEvent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		op := newProvider(t)
		r := newRegistry(t, d, op)
		cookie, cb := begin(t, r, op, "/")
		op.Close()
		_, _, err := r.Complete(context.Background(), cookie, cb.Get("state"), cb.Get("code"))
		if oidc.ReasonOf(err) != oidc.Unavailable || errors.Is(err, oidc.ErrSecurity) {
			t.Fatalf("provider down: %v", err)
		}
		if n := pendingRows(t, d); n != 0 {
			t.Errorf("%d pending sign-ins left", n)
		}
	})
}

func TestSweep(t *testing.T) {
	d := dbtest.SQLite(t)
	op := newProvider(t)
	r := newRegistry(t, d, op)
	if _, _, err := r.Begin(context.Background(), "council", "/"); err != nil {
		t.Fatal(err)
	}
	advance(t, oidc.LoginTTL+time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Sweep(ctx, 10*time.Millisecond, nil); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for pendingRows(t, d) != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if n := pendingRows(t, d); n != 0 {
		t.Errorf("Sweep left %d expired sign-ins", n)
	}
}
