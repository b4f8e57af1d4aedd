package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/session"
)

// Route permissions beyond PermPublic and PermHealth: PermSignedIn is anyone
// signed in; every access.Permission name (case.view, family.view…) is a
// signed-in person whose role or relationship carries it.
const PermSignedIn = "signed-in"

// cookieName is the session cookie. Over HTTPS it takes the __Host- prefix,
// which browsers only accept Secure, host-only and for the whole site.
func (s *server) cookieName() string {
	if s.secure {
		return "__Host-joinedup"
	}
	return "joinedup"
}

type actorKey struct{}

// actorOf returns the signed-in actor, if any.
func actorOf(ctx context.Context) (access.Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(access.Actor)
	return a, ok
}

type sessionKey struct{}

func sessionOf(ctx context.Context) string {
	id, _ := ctx.Value(sessionKey{}).(string)
	return id
}

// authenticate turns the session cookie into the actor for the request. A
// cookie that names no live session is dropped; one that is not even the
// right shape is logged as a security event.
func (s *server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.cookieName())
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		sess, err := session.Lookup(r.Context(), s.db, c.Value, session.StaffTimeouts)
		if err != nil {
			if apperr.CodeOf(err) != apperr.NotFound {
				s.serverError(w, r, err)
				return
			}
			if len(c.Value) != session.SecretLen {
				s.logger.WarnContext(r.Context(), "security: malformed session cookie", "request_id", requestID(r.Context()), "length", len(c.Value))
			}
			s.clearCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		a, err := access.LoadActor(r.Context(), s.db.Prepared(), sess.PersonID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		a.RequestID = requestID(r.Context())
		ctx := context.WithValue(context.WithValue(r.Context(), actorKey{}, a), sessionKey{}, sess.ID)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *server) setCookie(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: secret, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode})
}

func (s *server) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode})
}

// familyPermissions are the permissions a parent, carer or young person can hold.
var familyPermissions = []string{string(access.FamilyView), string(access.FamilyContribute)}

// guard enforces a route's declared permission before its handler runs:
// nobody signed in is sent to sign in; a signed-in person without the
// permission gets 403. Record-level checks happen in the handler's query.
func (s *server) guard(rt Route, h http.Handler) http.Handler {
	if rt.Permission == PermPublic || rt.Permission == PermHealth {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := actorOf(r.Context())
		if !ok {
			if isAPI(r) {
				apiSignIn(w)
				return
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/sign-in?next="+r.URL.EscapedPath(), http.StatusSeeOther)
				return
			}
			s.fail(w, r, apperr.Errorf(apperr.Forbidden, "sign in first"))
			return
		}
		if rt.Permission != PermSignedIn && !holds(a, rt.Permission) {
			s.fail(w, r, apperr.Errorf(apperr.Forbidden, "your role does not let you use this page"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// holds reports whether a can ever have permission p (before any record is considered).
func holds(a access.Actor, p string) bool {
	if slices.Contains(familyPermissions, p) {
		return a.Kind == access.ParentCarer || a.Kind == access.YoungPerson
	}
	_, ok := a.Can(access.Permission(p))
	return ok && a.Kind == access.Staff
}

// knownPermission reports whether a route may declare p.
func knownPermission(p string) bool {
	if p == PermPublic || p == PermHealth || p == PermSignedIn || slices.Contains(familyPermissions, p) {
		return true
	}
	for _, r := range access.Roles {
		if slices.Contains(r.Permissions, access.Permission(p)) {
			return true
		}
	}
	return false
}

// fail shows the page for an error: 404 for NotFound (hidden and missing
// look the same), 403 with the reason, 422 with the fields, 500 otherwise.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) {
		s.apiFail(w, r, err)
		return
	}
	switch apperr.CodeOf(err) {
	case apperr.NotFound:
		s.notFound(w, r)
	case apperr.Forbidden, apperr.Invalid, apperr.Conflict:
		v := s.bareView(r, "You cannot do this", nil)
		var e *apperr.Error
		errors.As(err, &e) // CodeOf found one, so e is set
		v.Page = e
		s.render(w, r, apperr.HTTPStatus(err), "refused.html", v)
	default:
		s.serverError(w, r, err)
	}
}

// safeNext is a local path to go to after signing in, or "".
func safeNext(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return ""
	}
	return p
}
