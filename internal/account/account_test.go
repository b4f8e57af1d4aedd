package account_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"joinedup/internal/account"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/people"
	"joinedup/internal/session"
)

const (
	pw      = "correct horse battery staple"
	baseURL = "https://send.example.gov.uk"
)

// world is one test database with a clock the test moves.
type world struct {
	t     *testing.T
	ctx   context.Context
	d     *db.DB
	clock time.Time
}

func setup(t *testing.T, d *db.DB) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background(), d: d, clock: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)}
	oldNow, oldSettings := db.Now, account.Settings
	t.Cleanup(func() { db.Now, account.Settings = oldNow, oldSettings })
	db.Now = func() time.Time { return w.clock }
	account.Settings = account.Config{BaseURL: baseURL + "/"}
	return w
}

func (w *world) advance(d time.Duration) { w.clock = w.clock.Add(d) }

func (w *world) person(kind, email string) string {
	w.t.Helper()
	p, err := (&people.Store{DB: w.d}).CreatePerson(w.ctx, people.Person{Kind: kind, GivenName: "Sam", FamilyName: "Test", Email: email})
	if err != nil {
		w.t.Fatal(err)
	}
	return p.ID
}

// registered makes a parent with a confirmed account.
func (w *world) registered(email string) string {
	w.t.Helper()
	id := w.person(people.ParentCarer, email)
	secret, err := account.Register(w.ctx, w.d, id, pw)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := account.VerifyEmail(w.ctx, w.d, secret); err != nil {
		w.t.Fatal(err)
	}
	return id
}

type message struct{ To, Subject, WhatChanged, WhatToDo, Body, Reference string }

func (w *world) outbox() []message {
	w.t.Helper()
	rows, err := w.d.QueryContext(w.ctx, "SELECT recipient, subject, what_changed, what_to_do, body, reference FROM outbox ORDER BY created_at, id")
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var out []message
	for rows.Next() {
		var m message
		if err := rows.Scan(&m.To, &m.Subject, &m.WhatChanged, &m.WhatToDo, &m.Body, &m.Reference); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// latest returns the newest message whose reference starts with prefix
// ("account-verify:", "account-reset:", "account-password:"). Messages
// written at the same instant are in no particular order, so a test that
// sends two of a kind moves the clock between them.
func (w *world) latest(prefix string) message {
	w.t.Helper()
	msgs := w.outbox()
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.HasPrefix(msgs[i].Reference, prefix) {
			return msgs[i]
		}
	}
	w.t.Fatalf("no message with a reference starting %q", prefix)
	return message{}
}

var linkPattern = regexp.MustCompile(`(https://send\.example\.gov\.uk/account/(?:verify|reset|invitation))\?token=([A-Za-z0-9_-]{43})`)

// linkIn returns the page and secret of the link in a message.
func linkIn(t *testing.T, m message) (page, secret string) {
	t.Helper()
	found := linkPattern.FindStringSubmatch(m.WhatToDo)
	if found == nil || !strings.Contains(m.Body, found[0]) {
		t.Fatalf("no link in the message %+v", m)
	}
	return found[1], found[2]
}

func (w *world) signIn(email, password string) (string, error) {
	return account.SignIn(w.ctx, w.d, email, password)
}

// refusedAs checks err is a Refusal for event, shown with a message containing want.
func refusedAs(t *testing.T, what string, err, event error, want string) *account.Refusal {
	t.Helper()
	r, ok := account.IsRefusal(err)
	if !ok || !errors.Is(err, event) {
		t.Fatalf("%s: %v (%T), want a refusal for %q", what, err, err, event)
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || !strings.Contains(ae.Message, want) {
		t.Fatalf("%s: shown %q, want it to say %q", what, err, want)
	}
	return r
}

func TestRegisterAndVerify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		id := w.person(people.ParentCarer, "Parent.One@Example.org")
		secret, err := account.Register(w.ctx, d, id, pw)
		if err != nil {
			t.Fatal(err)
		}

		// The account's hash is stored in PHC form; the secret is not stored at all.
		var hash string
		if err := d.QueryRow("SELECT password_hash FROM local_accounts WHERE person_id = $1", id).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=47104,t=1,p=1$") || strings.Contains(hash, pw) {
			t.Errorf("stored hash %q", hash)
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM account_tokens WHERE token_hash = $1", secret); n != 0 {
			t.Error("the link's secret is stored in the clear")
		}

		// One message, to their address, saying what changed and carrying the link.
		msgs := w.outbox()
		if len(msgs) != 1 {
			t.Fatalf("%d messages, want 1", len(msgs))
		}
		m := msgs[0]
		if m.To != "parent.one@example.org" || !strings.Contains(m.WhatChanged, "An account was made for you on joinedup with this email address") ||
			!strings.Contains(m.WhatToDo, "To finish, open this link within 24 hours: ") {
			t.Errorf("message %+v", m)
		}
		page, emailed := linkIn(t, m)
		if page != baseURL+"/account/verify" || emailed != secret {
			t.Errorf("link to %s with %s; Register returned %s", page, emailed, secret)
		}

		// Unconfirmed: the right password is refused, saying what to do.
		_, err = w.signIn("parent.one@example.org", pw)
		refusedAs(t, "unconfirmed", err, account.ErrNotVerified, "confirm your email address")

		// The link works once.
		if err := account.VerifyEmail(w.ctx, d, emailed); err != nil {
			t.Fatalf("first use: %v", err)
		}
		err = account.VerifyEmail(w.ctx, d, emailed)
		refusedAs(t, "second use", err, account.ErrBadToken, "expired or has already been used")
		if got, err := w.signIn("  PARENT.ONE@example.org ", pw); err != nil || got != id {
			t.Errorf("sign in after confirming: %q, %v", got, err)
		}

		// Registering again is a conflict; so are people who cannot have accounts.
		if _, err := account.Register(w.ctx, d, id, pw); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second registration: %v", err)
		}
		council, err := (&people.Store{DB: d}).CreateOrganisation(w.ctx, people.Organisation{Kind: people.Council, Name: "Test Council"})
		if err != nil {
			t.Fatal(err)
		}
		staff, err := (&people.Store{DB: d}).CreatePerson(w.ctx, people.Person{Kind: people.Staff, GivenName: "A", FamilyName: "B",
			Email: "staff@example.org", OrganisationID: council.ID})
		if err != nil {
			t.Fatal(err)
		}
		noEmail := w.person(people.YoungPerson, "")
		for name, c := range map[string]struct {
			id   string
			code apperr.Code
		}{
			"staff":        {staff.ID, apperr.Forbidden},
			"no email":     {noEmail, apperr.Invalid},
			"no such":      {"00000000-0000-0000-0000-000000000000", apperr.NotFound},
			"weak":         {w.person(people.YoungPerson, "young@example.org"), apperr.Invalid},
			"contains own": {w.person(people.YoungPerson, "riverdale@example.org"), apperr.Invalid},
		} {
			password := pw
			switch name {
			case "weak":
				password = "password123456"
			case "contains own":
				password = "my name is riverdale ok"
			}
			if _, err := account.Register(w.ctx, d, c.id, password); apperr.CodeOf(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM local_accounts"); n != 1 {
			t.Errorf("%d accounts after refused registrations, want 1", n)
		}
		if n := len(w.outbox()); n != 1 {
			t.Errorf("%d messages after refused registrations, want 1", n)
		}

		// A young person may register too.
		yp := w.person(people.YoungPerson, "yp@example.org")
		if _, err := account.Register(w.ctx, d, yp, "a different long password"); err != nil {
			t.Errorf("young person: %v", err)
		}
	})
}

func TestVerifyLinkExpires(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		id := w.person(people.ParentCarer, "late@example.org")
		secret, err := account.Register(w.ctx, d, id, pw)
		if err != nil {
			t.Fatal(err)
		}
		w.advance(24 * time.Hour)
		err = account.VerifyEmail(w.ctx, d, secret)
		refusedAs(t, "expired", err, account.ErrBadToken, "expired")
		for _, bad := range []string{"", "short", strings.Repeat("A", 43), secret + "x", strings.Repeat("!", 43)} {
			refusedAs(t, "bad link "+bad, account.VerifyEmail(w.ctx, d, bad), account.ErrBadToken, "expired")
		}
		// A new link can be asked for, and it works.
		if err := account.ResendVerification(w.ctx, d, "late@example.org"); err != nil {
			t.Fatal(err)
		}
		_, fresh := linkIn(t, w.latest("account-verify:"))
		if err := account.VerifyEmail(w.ctx, d, fresh); err != nil {
			t.Fatal(err)
		}
		if _, err := w.signIn("late@example.org", pw); err != nil {
			t.Error(err)
		}
		// Nothing is sent for a confirmed or unknown address, and the answer is the same.
		before := len(w.outbox())
		for _, e := range []string{"late@example.org", "nobody@example.org"} {
			if err := account.ResendVerification(w.ctx, d, e); err != nil {
				t.Error(err)
			}
		}
		if after := len(w.outbox()); after != before {
			t.Errorf("%d messages sent for a confirmed or unknown address", after-before)
		}
	})
}

func TestSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		id := w.registered("family@example.org")
		other := w.registered("other@example.org")

		if got, err := w.signIn("family@example.org", pw); err != nil || got != id {
			t.Fatalf("right password: %q, %v", got, err)
		}

		// An unknown address and a wrong password look exactly the same to the person.
		_, unknown := w.signIn("nobody@example.org", pw)
		_, wrong := w.signIn("family@example.org", "not the password at all")
		ru := refusedAs(t, "unknown", unknown, account.ErrBadCredentials, "The email address or password is wrong")
		rw := refusedAs(t, "wrong", wrong, account.ErrBadCredentials, "The email address or password is wrong")
		if unknown.Error() != wrong.Error() || apperr.CodeOf(unknown) != apperr.CodeOf(wrong) || apperr.HTTPStatus(unknown) != apperr.HTTPStatus(wrong) {
			t.Errorf("unknown address %q (%s) and wrong password %q (%s) differ", unknown, apperr.CodeOf(unknown), wrong, apperr.CodeOf(wrong))
		}
		// …while the security log can tell them apart.
		if ru.PersonID != "" || rw.PersonID != id {
			t.Errorf("refusals name %q and %q", ru.PersonID, rw.PersonID)
		}

		// A success clears the count: 4 wrong, 1 right, 4 wrong is not locked.
		if _, err := w.signIn("family@example.org", pw); err != nil { // clears the one above
			t.Fatal(err)
		}
		for range 4 {
			w.signIn("family@example.org", "wrong password again")
		}
		if _, err := w.signIn("family@example.org", pw); err != nil {
			t.Fatalf("after 4 wrong: %v", err)
		}
		for range 4 {
			w.signIn("family@example.org", "wrong password again")
		}
		if _, err := w.signIn("family@example.org", pw); err != nil {
			t.Fatalf("a success did not clear the count: %v", err)
		}

		// 5 wrong in a row lock the account for 15 minutes: even the right password is refused.
		for i := range 5 {
			_, err := w.signIn("family@example.org", "wrong password again")
			if i < 4 {
				refusedAs(t, "wrong", err, account.ErrBadCredentials, "wrong")
			} else {
				refusedAs(t, "fifth wrong", err, account.ErrLocked, "Wait 15 minutes and try again, or reset your password")
			}
		}
		_, err := w.signIn("family@example.org", pw)
		refusedAs(t, "sixth, right password", err, account.ErrLocked, "or reset your password")
		w.advance(14 * time.Minute)
		_, err = w.signIn("family@example.org", pw)
		refusedAs(t, "after 14 minutes", err, account.ErrLocked, "Wait 1 minute")
		// The lock is on this account only.
		if got, err := w.signIn("other@example.org", pw); err != nil || got != other {
			t.Errorf("another account: %q, %v", got, err)
		}
		w.advance(time.Minute)
		if got, err := w.signIn("family@example.org", pw); err != nil || got != id {
			t.Fatalf("after 15 minutes: %q, %v", got, err)
		}

		// A lock straight after another one (no success between) lasts twice as long.
		lock := func() {
			for range 5 {
				w.signIn("family@example.org", "wrong password again")
			}
		}
		lock()
		w.advance(15 * time.Minute)
		lock()
		_, err = w.signIn("family@example.org", pw)
		refusedAs(t, "second lock in a row", err, account.ErrLocked, "Wait 30 minutes")
		w.advance(30 * time.Minute)
		if _, err := w.signIn("family@example.org", pw); err != nil {
			t.Fatalf("after the second lock: %v", err)
		}

		// A closed account cannot sign in, and says so only to someone with the password.
		if err := session.Disable(w.ctx, d, id); err != nil {
			t.Fatal(err)
		}
		_, err = w.signIn("family@example.org", "wrong password again")
		refusedAs(t, "closed, wrong password", err, account.ErrBadCredentials, "The email address or password is wrong")
		_, err = w.signIn("family@example.org", pw)
		refusedAs(t, "closed, right password", err, account.ErrDisabled, "closed")
	})
}

// A hash made with older costs is replaced by one with the current costs at
// the next successful sign-in.
func TestSignInRehashes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		id := w.registered("rehash@example.org")
		// An older hash of the same password, with less memory (made by hand
		// as an older joinedup would have, with Params set lower).
		saved := account.Current
		account.Current = account.Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
		old := account.Hash(pw)
		account.Current = saved
		if _, err := d.Exec("UPDATE local_accounts SET password_hash = $2 WHERE person_id = $1", id, old); err != nil {
			t.Fatal(err)
		}
		if _, err := w.signIn("rehash@example.org", pw); err != nil {
			t.Fatal(err)
		}
		var now string
		if err := d.QueryRow("SELECT password_hash FROM local_accounts WHERE person_id = $1", id).Scan(&now); err != nil {
			t.Fatal(err)
		}
		if account.NeedsRehash(now) || now == old {
			t.Errorf("hash after sign-in %q still needs rehashing", now)
		}
		if _, err := w.signIn("rehash@example.org", pw); err != nil {
			t.Errorf("the rehashed password: %v", err)
		}
	})
}

func TestReset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		id := w.registered("reset@example.org")
		sessionSecret, _, err := session.Create(w.ctx, d, id, "password", "test", session.FamilyTimeouts)
		if err != nil {
			t.Fatal(err)
		}
		before := len(w.outbox())

		// An unknown address: the same answer, and nothing sent.
		errUnknown := account.RequestReset(w.ctx, d, "nobody@example.org")
		if errUnknown != nil || len(w.outbox()) != before {
			t.Fatalf("unknown address: %v, %d messages", errUnknown, len(w.outbox())-before)
		}
		// A known one: the same answer, and a message with the link.
		errKnown := account.RequestReset(w.ctx, d, "Reset@Example.org")
		if errKnown != errUnknown {
			t.Errorf("known address answers %v, unknown %v", errKnown, errUnknown)
		}
		if n := len(w.outbox()); n != before+1 {
			t.Fatalf("%d messages for a known address, want 1", n-before)
		}
		m := w.latest("account-reset:")
		page, secret := linkIn(t, m)
		if page != baseURL+"/account/reset" || m.To != "reset@example.org" || !strings.Contains(m.WhatToDo, "within 1 hour") {
			t.Errorf("reset message %+v", m)
		}
		if err := account.CheckResetToken(w.ctx, d, secret); err != nil {
			t.Errorf("a fresh link is not good: %v", err)
		}

		// An unknown link does nothing.
		if err := account.Reset(w.ctx, d, strings.Repeat("A", 43), "a brand new password"); !errors.Is(err, account.ErrBadToken) {
			t.Errorf("unknown link: %v", err)
		}
		// A new password that breaks the rules is refused, naming the field, and leaves the link unspent.
		err = account.Reset(w.ctx, d, secret, "short")
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.Invalid || len(ae.Fields) != 1 || ae.Fields[0].Name != "password" {
			t.Errorf("weak new password: %v", err)
		}

		const newPW = "a brand new password"
		if err := account.Reset(w.ctx, d, secret, newPW); err != nil {
			t.Fatal(err)
		}
		// Sessions ended, in the same transaction.
		if _, err := session.Lookup(w.ctx, d, sessionSecret, session.FamilyTimeouts); err != session.ErrNoSession {
			t.Errorf("a session survived the reset: %v", err)
		}
		var reason string
		d.QueryRow("SELECT ended_reason FROM sessions WHERE person_id = $1", id).Scan(&reason)
		if reason != "password reset" {
			t.Errorf("session ended for %q", reason)
		}
		// Told that the password changed.
		last := w.latest("account-password:")
		if last.To != "reset@example.org" || !strings.Contains(last.Subject, "password") || !strings.Contains(last.Subject, "changed") ||
			!strings.Contains(last.WhatChanged, "22 November 2026 at 9:00am") || !strings.Contains(last.WhatToDo, baseURL+"/account/reset ") {
			t.Errorf("password changed message %+v", last)
		}
		// New password works, old does not.
		if got, err := w.signIn("reset@example.org", newPW); err != nil || got != id {
			t.Errorf("new password: %q, %v", got, err)
		}
		_, err = w.signIn("reset@example.org", pw)
		refusedAs(t, "old password", err, account.ErrBadCredentials, "wrong")

		// Single use.
		err = account.Reset(w.ctx, d, secret, "yet another new password")
		refusedAs(t, "second use", err, account.ErrBadToken, "already been used")
		refusedAs(t, "check after use", account.CheckResetToken(w.ctx, d, secret), account.ErrBadToken, "already been used")

		// Expiry: a link is good for an hour.
		w.advance(time.Minute)
		if err := account.RequestReset(w.ctx, d, "reset@example.org"); err != nil {
			t.Fatal(err)
		}
		_, late := linkIn(t, w.latest("account-reset:"))
		w.advance(time.Hour)
		err = account.Reset(w.ctx, d, late, "yet another new password")
		refusedAs(t, "an hour later", err, account.ErrBadToken, "expired")
		// A reset link is not a confirmation link either.
		refusedAs(t, "reset link to verify", account.VerifyEmail(w.ctx, d, late), account.ErrBadToken, "expired")
		if _, err := w.signIn("reset@example.org", newPW); err != nil {
			t.Errorf("a refused reset changed the password: %v", err)
		}
	})
}

func TestResetClearsLockAndConfirms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		// Never confirmed, then locked out.
		id := w.person(people.ParentCarer, "forgot@example.org")
		if _, err := account.Register(w.ctx, d, id, pw); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			w.signIn("forgot@example.org", "what was it again")
		}
		if _, err := w.signIn("forgot@example.org", pw); !errors.Is(err, account.ErrLocked) {
			t.Fatalf("not locked: %v", err)
		}
		if err := account.RequestReset(w.ctx, d, "forgot@example.org"); err != nil {
			t.Fatal(err)
		}
		_, secret := linkIn(t, w.latest("account-reset:"))
		if err := account.Reset(w.ctx, d, secret, "remembered it this time"); err != nil {
			t.Fatal(err)
		}
		if got, err := w.signIn("forgot@example.org", "remembered it this time"); err != nil || got != id {
			t.Errorf("after reset: %q, %v (the reset should clear the lock and confirm the address)", got, err)
		}
	})
}

func TestLinksAreNotSentWithoutLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		w.registered("flood@example.org")
		before := len(w.outbox())
		for range 10 {
			if err := account.RequestReset(w.ctx, d, "flood@example.org"); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(w.outbox()) - before; n != 3 {
			t.Errorf("%d reset emails in a minute, want 3", n)
		}
		w.advance(time.Hour)
		if err := account.RequestReset(w.ctx, d, "flood@example.org"); err != nil {
			t.Fatal(err)
		}
		if n := len(w.outbox()) - before; n != 4 {
			t.Errorf("%d reset emails after an hour, want 4", n)
		}
		// A closed account is sent nothing.
		id := w.registered("closed@example.org")
		if err := session.Disable(w.ctx, d, id); err != nil {
			t.Fatal(err)
		}
		before = len(w.outbox())
		if err := account.RequestReset(w.ctx, d, "closed@example.org"); err != nil || len(w.outbox()) != before {
			t.Errorf("closed account: %v, %d messages", err, len(w.outbox())-before)
		}
	})
}

func TestLinksNeedABaseURL(t *testing.T) {
	d := dbtest.SQLite(t)
	w := setup(t, d)
	account.Settings = account.Config{}
	id := w.person(people.ParentCarer, "nobase@example.org")
	if _, err := account.Register(w.ctx, d, id, pw); err == nil || !strings.Contains(err.Error(), "BaseURL") {
		t.Errorf("Register without a base URL: %v", err)
	}
	if err := account.RequestReset(w.ctx, d, "anyone@example.org"); err == nil {
		t.Error("RequestReset without a base URL succeeded")
	}
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM local_accounts"); n != 0 {
		t.Errorf("%d accounts made without a base URL", n)
	}
}

// An unknown address costs about as much as a wrong password, so the time a
// refusal takes does not tell whether an address has an account. Without the
// dummy hash an unknown address answers some 30 times faster; the bound
// here is loose enough not to trip on a busy machine.
func TestUnknownAddressTakesAsLongAsAWrongPassword(t *testing.T) {
	d := dbtest.SQLite(t)
	w := setup(t, d)
	w.registered("timing@example.org")
	median := func(email string) time.Duration {
		var ds []time.Duration
		for range 7 {
			start := time.Now()
			w.signIn(email, "not the password at all")
			ds = append(ds, time.Since(start))
			w.signIn("timing@example.org", pw) // keep the account from locking
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	w.signIn("nobody@example.org", pw) // the first unknown address makes the dummy hash
	unknown, wrong := median("nobody@example.org"), median("timing@example.org")
	t.Logf("median refusal: unknown address %s, wrong password %s", unknown, wrong)
	if unknown < wrong/2 {
		t.Errorf("an unknown address is refused in %s, a wrong password in %s: the difference tells them apart", unknown, wrong)
	}
}
