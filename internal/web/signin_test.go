package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"joinedup/internal/account"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/oidc"
	"joinedup/internal/oidc/oidctest"
)

// browser is a visitor with a cookie jar of its own, talking to the real
// handler. Go's jar drops Secure cookies over http, so this one keeps them
// by name, as a browser on localhost does.
type browser struct {
	t       *testing.T
	h       http.Handler
	cookies map[string]*http.Cookie
}

func newBrowser(t *testing.T, h http.Handler) *browser {
	return &browser{t: t, h: h, cookies: map[string]*http.Cookie{}}
}

func (b *browser) do(method, target string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
	if method == http.MethodPost {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range b.cookies {
		r.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	w := httptest.NewRecorder()
	b.h.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return w
}

func (b *browser) get(target string) *httptest.ResponseRecorder {
	return b.do(http.MethodGet, target, nil)
}
func (b *browser) post(target string, form url.Values) *httptest.ResponseRecorder {
	return b.do(http.MethodPost, target, form)
}

// expect checks a response's status and, for a redirect, where it goes.
func expect(t *testing.T, what string, w *httptest.ResponseRecorder, status int, location string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("%s: %d, want %d\n%s", what, w.Code, status, w.Body.String())
	}
	if location != "" && w.Header().Get("Location") != location {
		t.Fatalf("%s: sent to %q, want %q", what, w.Header().Get("Location"), location)
	}
}

// demoSite is the handler on the tiny demo, with its logs, on one database.
type demoSite struct {
	h    http.Handler
	d    *db.DB
	logs *syncBuffer
}

func newDemoSite(t *testing.T, d *db.DB, cfg Config) demoSite {
	t.Helper()
	loadTinyDemo(t, d)
	return serveDemo(t, d, cfg)
}

func loadTinyDemo(t *testing.T, d *db.DB) {
	t.Helper()
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
}

// serveDemo is the handler, with cfg, on a database the demo is loaded in.
func serveDemo(t *testing.T, d *db.DB, cfg Config) demoSite {
	t.Helper()
	s := demoSite{d: d, logs: &syncBuffer{}}
	cfg.DB, cfg.Demo = d, true
	cfg.Logger = slog.New(slog.NewJSONHandler(s.logs, nil))
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.h = h
	return s
}

func (s demoSite) one(t *testing.T, q string, args ...any) string {
	t.Helper()
	var v string
	if err := s.d.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

func personaEmail(t *testing.T, name string) string {
	for _, p := range demo.Personas() {
		if p.Name == name {
			return p.Email
		}
	}
	t.Fatalf("no persona %s", name)
	return ""
}

// Staff sign in through their organisation's OpenID Connect provider; the
// first sign-in binds the identity to the staff member with that email
// address. Forged, replayed and misdirected answers are refused and logged,
// and leave no session behind.
func TestStaffSignInWithOIDC(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		loadTinyDemo(t, d)
		var council string
		if err := d.QueryRow(`SELECT COALESCE(o.parent_id, o.id) FROM people p JOIN organisations o ON o.id = p.organisation_id
			WHERE p.email = $1`, personaEmail(t, "Amira Hussain")).Scan(&council); err != nil {
			t.Fatal(err)
		}
		op := oidctest.New(t, "joinedup", "client-secret", "http://127.0.0.1/sign-in/staff/callback")
		reg, err := oidc.NewRegistry(oidc.WithHTTPClient(ctx, op.Client()), d, oidc.Provider{ID: "council", Label: "Council staff",
			OrganisationID: council, Issuer: op.Issuer, ClientID: op.ClientID, ClientSecret: op.ClientSecret, RedirectURL: op.RedirectURL})
		if err != nil {
			t.Fatal(err)
		}
		s := serveDemo(t, d, Config{OIDC: reg})

		// signIn runs a browser through the provider and returns the callback address it is sent back to.
		begin := func(b *browser, next string) string {
			t.Helper()
			w := b.post("/sign-in/staff/council", url.Values{"next": {next}})
			expect(t, "beginning", w, http.StatusSeeOther, "")
			if _, ok := b.cookies["joinedup-signin"]; !ok {
				t.Fatalf("no sign-in cookie: %v", w.Result().Cookies())
			}
			res, err := op.Client().Get(w.Header().Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			back, err := url.Parse(res.Header.Get("Location"))
			if err != nil || back.Path != "/sign-in/staff/callback" {
				t.Fatalf("the provider sent the browser to %q", res.Header.Get("Location"))
			}
			return back.RequestURI()
		}
		sessions := func() int { return dbtest.Count(t, s.d, "SELECT COUNT(*) FROM sessions") }

		op.Set(oidctest.Behaviour{User: oidctest.User{Subject: "entra-amira", Email: strings.ToUpper(personaEmail(t, "Amira Hussain")), Name: "Amira"}})
		sign := newBrowser(t, s.h)
		if w := sign.get("/sign-in"); !strings.Contains(w.Body.String(), "Council staff") {
			t.Error("the sign-in page does not offer the council's sign-in")
		}
		callback := begin(sign, "/staff/break-glass")
		expect(t, "the callback", sign.get(callback), http.StatusSeeOther, "/staff/break-glass")
		expect(t, "a page after signing in", sign.get("/staff/caseload"), http.StatusOK, "")
		if _, ok := sign.cookies["joinedup-signin"]; ok {
			t.Error("the sign-in cookie outlived the callback")
		}
		if n := dbtest.Count(t, s.d, "SELECT COUNT(*) FROM staff_identities WHERE subject = 'entra-amira'"); n != 1 {
			t.Errorf("%d identities bound", n)
		}

		before := sessions()
		attacks := []struct {
			name  string
			setup func() (b *browser, callback string)
		}{
			{"the same callback replayed", func() (*browser, string) { return newBrowser(t, s.h), callback }},
			{"a callback carried to another browser", func() (*browser, string) {
				cb := begin(newBrowser(t, s.h), "")
				return newBrowser(t, s.h), cb
			}},
			{"an ID token with a wrong nonce", func() (*browser, string) {
				op.Set(oidctest.Behaviour{User: op.Behaviour().User, WrongNonce: true})
				b := newBrowser(t, s.h)
				return b, begin(b, "")
			}},
			{"a forged ID token (unknown key)", func() (*browser, string) {
				op.Set(oidctest.Behaviour{User: op.Behaviour().User, UnknownKey: true})
				b := newBrowser(t, s.h)
				return b, begin(b, "")
			}},
			{"an expired ID token", func() (*browser, string) {
				op.Set(oidctest.Behaviour{User: op.Behaviour().User, ExpiredIDToken: true})
				b := newBrowser(t, s.h)
				return b, begin(b, "")
			}},
			{"a state never issued", func() (*browser, string) {
				return newBrowser(t, s.h), "/sign-in/staff/callback?state=forged&code=forged"
			}},
			{"a colleague whose address the provider says is unverified", func() (*browser, string) {
				unverified := false
				op.Set(oidctest.Behaviour{User: oidctest.User{Subject: "entra-daniel", Email: personaEmail(t, "Daniel Okafor"), EmailVerified: &unverified}})
				b := newBrowser(t, s.h)
				return b, begin(b, "")
			}},
			{"someone the council knows but joinedup does not", func() (*browser, string) {
				op.Set(oidctest.Behaviour{User: oidctest.User{Subject: "entra-stranger", Email: "stranger@council.example"}})
				b := newBrowser(t, s.h)
				return b, begin(b, "")
			}},
		}
		for _, a := range attacks {
			b, cb := a.setup()
			w := b.get(cb)
			if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "You cannot do this") {
				t.Errorf("%s: %d, want 403 with a plain message", a.name, w.Code)
			}
			if _, ok := b.cookies["joinedup"]; ok {
				t.Errorf("%s: a session cookie was set", a.name)
			}
		}
		if n := sessions(); n != before {
			t.Errorf("%d sessions made by refused sign-ins", n-before)
		}
		if n := strings.Count(s.logs.String(), `"msg":"security: staff sign-in refused"`); n != len(attacks) {
			t.Errorf("%d security events logged for %d refusals", n, len(attacks))
		}
		for _, secret := range []string{"code=", "state=", "entra-amira\""} {
			if strings.Contains(s.logs.String(), secret) {
				t.Errorf("the logs contain %q", secret)
			}
		}
	})
}

var tokenLink = regexp.MustCompile(`http://joinedup\.test(/account/[a-z]+\?token=[A-Za-z0-9_-]+)`)

// linkTo returns the path of the newest emailed link whose reference starts with prefix.
func linkTo(t *testing.T, d *db.DB, prefix string) string {
	t.Helper()
	var body string
	if err := d.QueryRow("SELECT body FROM outbox WHERE reference LIKE $1 ORDER BY created_at DESC, id LIMIT 1", prefix+"%").Scan(&body); err != nil {
		t.Fatalf("no message %s: %v", prefix, err)
	}
	m := tokenLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in %q", body)
	}
	return m[1]
}

// A family's account from end to end: a coordinator invites a parent from
// the child's record; the parent makes the account from the emailed link and
// is signed in; signs in again with the password; forgets it and resets it.
func TestFamilyAccountPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		old := account.Settings
		t.Cleanup(func() { account.Settings = old })
		account.Settings.BaseURL = "http://joinedup.test"
		s := newDemoSite(t, d, Config{})
		leo := s.one(t, "SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'")
		sarahEmail := personaEmail(t, "Sarah Bennett")
		sarah := s.one(t, "SELECT id FROM people WHERE email = $1", sarahEmail)

		amira := newBrowser(t, s.h)
		expect(t, "Amira signs in", amira.post("/sign-in/demo", url.Values{"persona": {personaEmail(t, "Amira Hussain")}}), http.StatusSeeOther, "")
		if w := amira.get("/staff/children/" + leo); !strings.Contains(w.Body.String(), "Invite Sarah Bennett to joinedup") {
			t.Fatal("the record offers no invitation for Sarah")
		}
		expect(t, "inviting Sarah", amira.post("/staff/children/"+leo+"/invite", url.Values{"person": {sarah}}), http.StatusSeeOther,
			"/staff/children/"+leo+"#family")
		if w := amira.get("/staff/children/" + leo); !strings.Contains(w.Body.String(), "Invited to joinedup") {
			t.Error("the record does not say Sarah was invited")
		}
		if n := dbtest.Count(t, s.d, "SELECT COUNT(*) FROM audit_events WHERE action = 'account.invite' AND record_id = $1 AND child_id = $2", sarah, leo); n != 1 {
			t.Errorf("%d audit rows for the invitation", n)
		}

		parent := newBrowser(t, s.h)
		invitation := linkTo(t, s.d, "account-invitation:")
		if w := parent.get(invitation); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), sarahEmail) {
			t.Fatalf("the invitation page: %d", w.Code)
		}
		token := strings.TrimPrefix(invitation, "/account/invitation?token=")
		for _, c := range []struct {
			name, password, confirm, says string
		}{
			{"two passwords that differ", "a long enough passphrase", "a long enough passphrase!", "The passwords do not match"},
			{"a short password", "short", "short", "Your password must be 12 characters or more"},
			{"a common password", "password1234", "password1234", "most commonly used"},
		} {
			w := parent.post("/account/invitation", url.Values{"token": {token}, "password": {c.password}, "confirm": {c.confirm}})
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), c.says) ||
				!strings.Contains(w.Body.String(), "<title>Error: Make your joinedup account") {
				t.Errorf("%s: %d, want 422 saying %q with the page's title", c.name, w.Code, c.says)
			}
		}
		const password = "leo likes trains on tuesdays"
		expect(t, "making the account", parent.post("/account/invitation", url.Values{"token": {token}, "password": {password}, "confirm": {password}}),
			http.StatusSeeOther, "/family/children")
		expect(t, "her children", parent.get("/family/children"), http.StatusOK, "")
		if w := parent.post("/account/invitation", url.Values{"token": {token}, "password": {password}, "confirm": {password}}); w.Code != http.StatusUnprocessableEntity {
			t.Errorf("the invitation used twice: %d", w.Code)
		}

		// Signing in with the password; a wrong one is refused without saying which part was wrong.
		again := newBrowser(t, s.h)
		w := again.post("/sign-in/family", url.Values{"email": {sarahEmail}, "password": {"not the password at all"}})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "The email address or password is wrong") {
			t.Errorf("a wrong password: %d", w.Code)
		}
		expect(t, "signing in", again.post("/sign-in/family", url.Values{"email": {sarahEmail}, "password": {password}, "next": {"/family/children/" + leo}}),
			http.StatusSeeOther, "/family/children/"+leo)

		// Forgotten password: the same answer for a known and an unknown address.
		forgot := newBrowser(t, s.h)
		expect(t, "asking for a reset link", forgot.post("/account/reset", url.Values{"email": {sarahEmail}}), http.StatusSeeOther, "/account/link-sent")
		expect(t, "asking for an unknown address", forgot.post("/account/reset", url.Values{"email": {"nobody@example.org"}}), http.StatusSeeOther, "/account/link-sent")
		reset := linkTo(t, s.d, "account-reset:")
		if w := forgot.get(reset); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "New password") {
			t.Fatalf("the reset page: %d", w.Code)
		}
		const newPassword = "a brand new passphrase for sarah"
		resetToken := strings.TrimPrefix(reset, "/account/reset?token=")
		expect(t, "resetting", forgot.post("/account/reset", url.Values{"token": {resetToken}, "password": {newPassword}, "confirm": {newPassword}}),
			http.StatusSeeOther, "/sign-in?done=reset")
		if w := forgot.get("/sign-in?done=reset"); !strings.Contains(w.Body.String(), "Your password has been changed") {
			t.Error("the sign-in page does not say the password changed")
		}
		expect(t, "the old session, ended by the reset", again.get("/family/children"), http.StatusSeeOther, "/sign-in?next=/family/children")
		if w := forgot.get(reset); !strings.Contains(w.Body.String(), "already been used") {
			t.Error("a used reset link is not called used")
		}
		expect(t, "the new password", forgot.post("/sign-in/family", url.Values{"email": {sarahEmail}, "password": {newPassword}}), http.StatusSeeOther, "/family/children")

		// A confirmation link for an account made another way.
		kai := s.one(t, "SELECT id FROM people WHERE email = $1", personaEmail(t, "Kai Thompson"))
		if _, err := account.Register(context.Background(), s.d, kai, "kai's own long passphrase"); err != nil {
			t.Fatal(err)
		}
		verify := linkTo(t, s.d, "account-verify:")
		confirm := newBrowser(t, s.h)
		if w := confirm.get(verify); !strings.Contains(w.Body.String(), "Confirm my email address") {
			t.Fatal("the confirmation page has no button")
		}
		expect(t, "confirming", confirm.post("/account/verify", url.Values{"token": {strings.TrimPrefix(verify, "/account/verify?token=")}}),
			http.StatusSeeOther, "/sign-in?done=confirmed")

		// Every refusal above is a security event; no password or token is logged.
		logs := s.logs.String()
		if n := strings.Count(logs, `"msg":"security:`); n < 3 {
			t.Errorf("%d security events logged", n)
		}
		for _, secret := range []string{password, newPassword, token, resetToken, sarahEmail} {
			if strings.Contains(logs, secret) {
				t.Errorf("the logs contain %q", secret)
			}
		}
	})
}

// Sign-in attempts from one address are capped, across instances, at 20 in 10 minutes.
func TestFamilySignInIsRateLimited(t *testing.T) {
	d := dbtest.SQLite(t)
	s := newDemoSite(t, d, Config{})
	b := newBrowser(t, s.h)
	for i := range account.DefaultLimit {
		if w := b.post("/sign-in/family", url.Values{"email": {"someone@example.org"}, "password": {"guess " + time.Duration(i).String()}}); w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: %d", i+1, w.Code)
		}
	}
	w := b.post("/sign-in/family", url.Values{"email": {"someone@example.org"}, "password": {"one more guess"}})
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "too many attempts") {
		t.Errorf("attempt %d: %d, Retry-After %q", account.DefaultLimit+1, w.Code, w.Header().Get("Retry-After"))
	}
}
