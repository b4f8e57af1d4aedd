package account_test

import (
	"errors"
	"strings"
	"testing"

	"joinedup/internal/account"
	"joinedup/internal/apperr"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/session"
)

// Changing a password needs the current one (ASVS V6.2.3), keeps the
// browser that changed it signed in, signs out every other, and tells the
// family by email.
func TestChangePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		id := w.registered("change@example.org")
		here, hereSession, err := session.Create(w.ctx, d, id, "password", "phone", session.FamilyTimeouts)
		if err != nil {
			t.Fatal(err)
		}
		there, _, err := session.Create(w.ctx, d, id, "password", "library computer", session.FamilyTimeouts)
		if err != nil {
			t.Fatal(err)
		}
		const newPW = "a kettle on the windowsill"
		fieldOf := func(err error) string {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != apperr.Invalid || len(ae.Fields) != 1 {
				return ""
			}
			return ae.Fields[0].Name + ": " + ae.Fields[0].Message
		}
		for _, c := range []struct {
			name, current, next, want string
		}{
			{"no current password", "", newPW, "current: Enter your current password"},
			{"a wrong current password", "not my password", newPW, "current: Your current password is wrong"},
			{"a new password that breaks the rules", pw, "short", "password: "},
		} {
			err := account.ChangePassword(w.ctx, d, id, c.current, c.next, hereSession.ID)
			if got := fieldOf(err); got == "" || !strings.HasPrefix(got, c.want) {
				t.Errorf("%s: %v; want the field error %q", c.name, err, c.want)
			}
		}
		if _, ok := account.IsRefusal(account.ChangePassword(w.ctx, d, id, "not my password", newPW, hereSession.ID)); !ok {
			t.Error("a wrong current password is not a security event")
		}
		if _, err := w.signIn("change@example.org", pw); err != nil {
			t.Fatalf("refused changes changed the password: %v", err)
		}

		if err := account.ChangePassword(w.ctx, d, id, pw, newPW, hereSession.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := session.Lookup(w.ctx, d, here, session.FamilyTimeouts); err != nil {
			t.Errorf("the browser that changed the password was signed out: %v", err)
		}
		if _, err := session.Lookup(w.ctx, d, there, session.FamilyTimeouts); err != session.ErrNoSession {
			t.Errorf("another browser stayed signed in: %v", err)
		}
		m := w.latest("account-password:")
		if m.To != "change@example.org" || !strings.Contains(m.WhatChanged, "22 November 2026 at 9:00am") ||
			!strings.Contains(m.WhatToDo, baseURL+"/account/reset ") {
			t.Errorf("password changed message %+v", m)
		}
		if got, err := w.signIn("change@example.org", newPW); err != nil || got != id {
			t.Errorf("new password: %q, %v", got, err)
		}
		_, err = w.signIn("change@example.org", pw)
		refusedAs(t, "old password", err, account.ErrBadCredentials, "wrong")
	})
}

// Guessing the current password locks the account as guessing at sign-in does.
func TestChangePasswordGuessesLock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		id := w.registered("guess@example.org")
		var err error
		for range account.MaxFailures {
			err = account.ChangePassword(w.ctx, d, id, "a guess at the password", "a kettle on the windowsill", "")
		}
		refusedAs(t, "the fifth guess", err, account.ErrLocked, "locked")
		err = account.ChangePassword(w.ctx, d, id, pw, "a kettle on the windowsill", "")
		refusedAs(t, "the right password while locked", err, account.ErrLocked, "locked")
		if _, err := w.signIn("guess@example.org", pw); !errors.Is(err, account.ErrLocked) {
			t.Errorf("sign-in after locking guesses: %v", err)
		}
	})
}

// Staff sign in through their organisation: there is no password here to change.
func TestChangePasswordWithoutAnAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := setup(t, d)
		staff := w.staff()
		if has, err := account.HasPassword(w.ctx, d, staff); has || err != nil {
			t.Fatalf("staff has a password: %v %v", has, err)
		}
		if err := account.ChangePassword(w.ctx, d, staff, "anything", "a kettle on the windowsill", ""); err != account.ErrNoPassword {
			t.Errorf("staff changing a password: %v", err)
		}
		if has, err := account.HasPassword(w.ctx, d, w.registered("family@example.org")); !has || err != nil {
			t.Errorf("a family account has no password: %v %v", has, err)
		}
	})
}
