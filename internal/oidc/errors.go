package oidc

import (
	"errors"

	"joinedup/internal/apperr"
)

// ErrSecurity is what every refused sign-in matches with errors.Is: a
// response that was forged, replayed, stale, meant for someone else or
// carried to the wrong browser. Callers log these as security events.
var ErrSecurity = errors.New("sign-in refused by a security check")

// Reason names the check a sign-in failed.
type Reason string

const (
	UnsafeReturn   Reason = "unsafe_return"   // returnTo is not a path on this site (an open redirect)
	UnknownState   Reason = "unknown_state"   // no sign-in was begun with this state
	Expired        Reason = "expired"         // the sign-in was begun more than 10 minutes ago
	Replayed       Reason = "replayed"        // the callback has been used already
	WrongBrowser   Reason = "wrong_browser"   // the callback arrived without the cookie of the browser that began it
	ProviderError  Reason = "provider_error"  // the provider sent the browser back with an error parameter
	WrongProvider  Reason = "wrong_provider"  // the callback names an issuer other than the one the sign-in was begun with
	CodeRejected   Reason = "code_rejected"   // the token endpoint refused the code (bad PKCE verifier, reused or foreign code)
	BadToken       Reason = "bad_token"       // no ID token, or one that cannot be read
	BadSignature   Reason = "bad_signature"   // the ID token is not signed by a key the provider publishes
	WrongIssuer    Reason = "wrong_issuer"    // the ID token was issued by another provider
	WrongAudience  Reason = "wrong_audience"  // the ID token was issued to another client
	TokenExpired   Reason = "token_expired"   // the ID token's exp is in the past
	TokenNotYet    Reason = "token_not_yet"   // the ID token's nbf is in the future
	WrongNonce     Reason = "wrong_nonce"     // the ID token answers another sign-in
	Unavailable    Reason = "unavailable"     // the provider could not be reached: not a security event
	NotConfigured  Reason = "not_configured"  // the provider named is not configured: not a security event
	BadInput       Reason = "bad_input"       // the callback lacks state or code
	DamagedPending Reason = "damaged_pending" // the stored sign-in cannot be unsealed although the cookie matched
)

// Error is a failed sign-in. Error() says plainly what was wrong, for logs;
// it never contains the state, code, cookie, nonce, verifier or a token.
// As an *apperr.Error it carries a message safe to show the person.
type Error struct {
	Reason   Reason
	Security bool   // matches ErrSecurity
	Message  string // what was wrong, for logs and operators
	Err      error  // the underlying failure, if any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return "sign-in: " + e.Message + ": " + e.Err.Error()
	}
	return "sign-in: " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes a security failure match ErrSecurity.
func (e *Error) Is(target error) bool { return e.Security && target == ErrSecurity }

// As lets apperr.CodeOf and apperr.HTTPStatus see a sign-in failure as an
// *apperr.Error with a message for the person signing in.
func (e *Error) As(target any) bool {
	t, ok := target.(**apperr.Error)
	if !ok {
		return false
	}
	*t = e.public()
	return true
}

func (e *Error) public() *apperr.Error {
	again := " Start signing in again."
	switch e.Reason {
	case UnsafeReturn:
		return pub(apperr.Invalid, "The page to return to after signing in must be a page on this site.")
	case NotConfigured:
		return pub(apperr.Invalid, "That way of signing in is not set up here.")
	case Unavailable:
		return pub(apperr.Internal, "Your organisation's sign-in service could not be reached. Try again in a few minutes.")
	case Expired:
		return pub(apperr.Forbidden, "Signing in took too long, so it was stopped."+again)
	case WrongBrowser:
		return pub(apperr.Forbidden, "Signing in must finish in the browser it was started in, with cookies allowed."+again)
	case Replayed:
		return pub(apperr.Forbidden, "This sign-in has been used already."+again)
	case ProviderError:
		return pub(apperr.Forbidden, "Your organisation's sign-in service did not sign you in."+again)
	case UnknownState, BadInput:
		return pub(apperr.Forbidden, "This sign-in was not started here, or has ended."+again)
	}
	return pub(apperr.Forbidden, "The answer from your organisation's sign-in service could not be trusted, so you have not been signed in."+again+
		" If it happens again, tell your administrator.")
}

func pub(code apperr.Code, msg string) *apperr.Error { return &apperr.Error{Code: code, Message: msg} }

func refuse(r Reason, msg string, err error) *Error {
	return &Error{Reason: r, Security: true, Message: msg, Err: err}
}

// ReasonOf returns the reason err failed a sign-in, or "" if it is not a sign-in failure.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}
