package oidc

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"joinedup/internal/db"
)

// Begin starts a sign-in with provider providerID. It stores the pending
// sign-in, which expires after LoginTTL, and returns the provider's URL to
// redirect the browser to and the value of the cookie (see Cookie) that
// binds the sign-in to this browser. returnTo, the page to go to afterwards,
// must be a path on this site ("" means "/"); anything else is refused with an
// UnsafeReturn error, which matches ErrSecurity.
func (r *Registry) Begin(ctx context.Context, providerID, returnTo string) (authURL, cookieValue string, err error) {
	e, ok := r.providers[providerID]
	if !ok {
		return "", "", &Error{Reason: NotConfigured, Message: fmt.Sprintf("no identity provider %q is configured", providerID)}
	}
	returnTo, err = checkReturnTo(returnTo)
	if err != nil {
		return "", "", err
	}
	state, cookie := newSecret(), newSecret()
	p := pending{Nonce: newSecret(), Verifier: oauth2.GenerateVerifier(), ReturnTo: returnTo}
	key := stateHash(state)
	sealed, err := seal(cookie, rowBinding(key, providerID), p)
	if err != nil {
		return "", "", fmt.Errorf("sign-in: sealing the pending sign-in: %w", err)
	}
	now := db.Now().UTC()
	_, err = r.db.ExecContext(ctx, `INSERT INTO oidc_logins (state_hash, cookie_hash, provider_id, sealed, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, key, cookieHash(cookie), providerID, sealed, now, now.Add(LoginTTL))
	if err != nil {
		return "", "", fmt.Errorf("sign-in: storing the pending sign-in: %w", err)
	}
	authURL = e.oauth.AuthCodeURL(state, gooidc.Nonce(p.Nonce), oauth2.S256ChallengeOption(p.Verifier))
	return authURL, cookie, nil
}

// rowBinding is the additional data the sealed value is bound to, so it is
// worthless moved to another row or provider.
func rowBinding(stateHash, providerID string) string { return stateHash + "\x00" + providerID }

// Complete finishes a sign-in from the callback's state and code and the
// browser's cookie value. The pending sign-in is deleted first, in its own
// transaction, whatever follows: a callback works once. Then the code is
// exchanged with the PKCE verifier, and the ID token's signature, issuer,
// audience, expiry and nonce are checked. It returns the person signed in and
// the path to send them to. A refusal is an *Error matching ErrSecurity whose
// Reason says which check failed; a provider that cannot be reached gives
// Reason Unavailable, which does not match ErrSecurity.
func (r *Registry) Complete(ctx context.Context, cookieValue, state, code string) (Identity, string, error) {
	return r.complete(ctx, cookieValue, callback{state: state, code: code})
}

// CompleteCallback is Complete for the callback's query parameters as they
// came: it also refuses a callback carrying the provider's error parameter
// (using up the pending sign-in), and one whose iss parameter (RFC 9207)
// names another issuer than the sign-in was begun with.
func (r *Registry) CompleteCallback(ctx context.Context, cookieValue string, query url.Values) (Identity, string, error) {
	return r.complete(ctx, cookieValue, callback{
		state:     query.Get("state"),
		code:      query.Get("code"),
		errCode:   query.Get("error"),
		errDesc:   query.Get("error_description"),
		iss:       query.Get("iss"),
		issIsSent: query.Has("iss"),
	})
}

type callback struct {
	state, code      string
	errCode, errDesc string
	iss              string
	issIsSent        bool
}

type login struct {
	cookieHash, providerID, sealed string
	expiresAt                      time.Time
}

func (r *Registry) complete(ctx context.Context, cookie string, cb callback) (Identity, string, error) {
	if cb.state == "" {
		if cb.errCode != "" {
			return Identity{}, "", refuse(ProviderError, fmt.Sprintf("the identity provider returned error %s%s, without a state", clean(cb.errCode), describe(cb.errDesc)), nil)
		}
		return Identity{}, "", refuse(BadInput, "the callback has no state", nil)
	}
	key := stateHash(cb.state)
	l, err := r.take(ctx, key)
	if err != nil {
		return Identity{}, "", err
	}
	// From here the pending sign-in is gone: every return below leaves nothing behind.
	if !l.expiresAt.After(db.Now()) {
		return Identity{}, "", refuse(Expired, fmt.Sprintf("the sign-in was begun more than %v ago and has expired", LoginTTL), nil)
	}
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookieHash(cookie)), []byte(l.cookieHash)) != 1 {
		return Identity{}, "", refuse(WrongBrowser, "the callback came from a browser other than the one that began the sign-in (the sign-in cookie is missing or does not match)", nil)
	}
	p, err := unseal(cookie, rowBinding(key, l.providerID), l.sealed)
	if err != nil {
		return Identity{}, "", refuse(DamagedPending, "the stored sign-in could not be unsealed although the cookie matched: the row was altered", err)
	}
	e, ok := r.providers[l.providerID]
	if !ok {
		return Identity{}, "", &Error{Reason: NotConfigured, Message: fmt.Sprintf("the sign-in was begun with identity provider %q, which is no longer configured", l.providerID)}
	}
	if cb.errCode != "" {
		return Identity{}, "", refuse(ProviderError, fmt.Sprintf("identity provider %q returned error %s%s", e.cfg.ID, clean(cb.errCode), describe(cb.errDesc)), nil)
	}
	if cb.issIsSent && cb.iss != e.issuer {
		return Identity{}, "", refuse(WrongProvider, fmt.Sprintf("the callback says it comes from issuer %q, but the sign-in was begun with %q (a mix-up attack?)", clean(cb.iss), e.issuer), nil)
	}
	if cb.code == "" {
		return Identity{}, "", refuse(BadInput, "the callback has no code", nil)
	}

	xctx, cancel := context.WithTimeout(WithHTTPClient(ctx, r.client), 30*time.Second)
	defer cancel()
	tok, err := e.oauth.Exchange(xctx, cb.code, oauth2.VerifierOption(p.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return Identity{}, "", refuse(CodeRejected, fmt.Sprintf("identity provider %q refused to exchange the code (a wrong PKCE verifier, or a code that was used already or issued for another sign-in)", e.cfg.ID), err)
		}
		return Identity{}, "", &Error{Reason: Unavailable, Message: fmt.Sprintf("could not exchange the code with identity provider %q", e.cfg.ID), Err: err}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, "", refuse(BadToken, fmt.Sprintf("identity provider %q returned no ID token", e.cfg.ID), nil)
	}
	idt, err := e.verifier.Verify(xctx, raw)
	if err != nil {
		return Identity{}, "", verifyError(e, err)
	}
	var claims struct {
		AZP           string `json:"azp"`
		Email         string `json:"email"`
		EmailVerified *bool  `json:"email_verified"`
		Name          string `json:"name"`
	}
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, "", refuse(BadToken, "the ID token's claims cannot be read", err)
	}
	if len(idt.Audience) > 1 && claims.AZP != e.cfg.ClientID {
		return Identity{}, "", refuse(WrongAudience, fmt.Sprintf("the ID token has several audiences and its authorised party is %q, not this client", claims.AZP), nil)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(p.Nonce)) != 1 {
		return Identity{}, "", refuse(WrongNonce, "the ID token's nonce is not the one this sign-in sent: it answers another sign-in (replayed or injected)", nil)
	}
	if idt.Subject == "" {
		return Identity{}, "", refuse(BadToken, "the ID token has no subject", nil)
	}
	return Identity{
		ProviderID:     e.cfg.ID,
		OrganisationID: e.cfg.OrganisationID,
		Issuer:         idt.Issuer,
		Subject:        idt.Subject,
		Email:          claims.Email,
		EmailDisowned:  claims.EmailVerified != nil && !*claims.EmailVerified,
		Name:           claims.Name,
	}, p.ReturnTo, nil
}

// take deletes the pending sign-in keyed by stateHash and returns it, noting
// the state as used. A state already used is Replayed; one never seen (or
// forgotten since) is UnknownState.
func (r *Registry) take(ctx context.Context, key string) (login, error) {
	var l login
	var found, used bool
	err := r.db.Transact(ctx, func(tx *sql.Tx) error {
		found, used = false, false
		err := tx.QueryRowContext(ctx, `DELETE FROM oidc_logins WHERE state_hash = $1
			RETURNING cookie_hash, provider_id, sealed, expires_at`, key).
			Scan(&l.cookieHash, &l.providerID, &l.sealed, &l.expiresAt)
		if errors.Is(err, sql.ErrNoRows) {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM oidc_used_states WHERE state_hash = $1`, key).Scan(&n); err != nil {
				return err
			}
			used = n > 0
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		now := db.Now().UTC()
		_, err = tx.ExecContext(ctx, `INSERT INTO oidc_used_states (state_hash, used_at, expires_at) VALUES ($1, $2, $3)`,
			key, now, now.Add(usedTTL))
		return err
	})
	switch {
	case err != nil:
		return l, fmt.Errorf("sign-in: reading the pending sign-in: %w", err)
	case used:
		return l, refuse(Replayed, "the callback has been used already (a replayed response)", nil)
	case !found:
		return l, refuse(UnknownState, "no sign-in was begun with this state, or it expired and was cleared away", nil)
	}
	return l, nil
}

func verifyError(e *entry, err error) *Error {
	var exp *gooidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &exp):
		return refuse(TokenExpired, fmt.Sprintf("the ID token from %q expired at %s", e.cfg.ID, exp.Expiry.UTC().Format(time.RFC3339)), nil)
	case strings.Contains(msg, "issued by a different provider"):
		return refuse(WrongIssuer, fmt.Sprintf("the ID token was issued by another issuer than %q", e.issuer), err)
	case strings.Contains(msg, "expected audience"):
		return refuse(WrongAudience, "the ID token was issued to another client, not this one", err)
	case strings.Contains(msg, "failed to verify") || strings.Contains(msg, "signature"):
		return refuse(BadSignature, fmt.Sprintf("the ID token's signature does not match any key identity provider %q publishes (forged?)", e.cfg.ID), err)
	case strings.Contains(msg, "nbf"):
		return refuse(TokenNotYet, "the ID token is not valid yet", err)
	}
	return refuse(BadToken, "the ID token is not valid", err)
}

// clean keeps a provider-supplied value short and printable before it goes in a log line.
func clean(s string) string {
	if len(s) > 200 {
		s = s[:200]
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

func describe(desc string) string {
	if desc == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", clean(desc))
}

// DeleteExpired removes the pending sign-ins that have expired, and the
// record of used states kept for naming replays; it returns how many pending
// sign-ins it removed.
func (r *Registry) DeleteExpired(ctx context.Context) (int64, error) {
	now := db.Now().UTC()
	var n int64
	err := r.db.Transact(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM oidc_logins WHERE expires_at <= $1`, now)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM oidc_used_states WHERE expires_at <= $1`, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sign-in: deleting expired sign-ins: %w", err)
	}
	return n, nil
}

// Sweep runs DeleteExpired every interval until ctx ends. Each instance may
// run one: the deletes are idempotent. A nil log means slog.Default().
func (r *Registry) Sweep(ctx context.Context, every time.Duration, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := r.DeleteExpired(ctx); err != nil {
				log.Error("oidc sweep failed", "err", err)
			} else if n > 0 {
				log.Info("oidc sweep", "expired_sign_ins", n)
			}
		}
	}
}
