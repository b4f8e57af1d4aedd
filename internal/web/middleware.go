package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// Each middleware here is one small concern with its own test (middleware_test.go).
// New stacks them: securityHeaders(noStore(s.observe(crossOrigin(s.friendlyNotFound(mux))))).

// ContentSecurityPolicy allows nothing but our own files: no inline script or
// style, no other origin, no framing. GOV.UK Frontend's page template sets a
// class with an inline script; app.js does that instead.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers every response carries, errors included;
// with secure (served over HTTPS), HSTS too.
func securityHeaders(secure bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY") // for browsers that predate frame-ancestors
		next.ServeHTTP(w, r)
	})
}

// privatePrefixes are the parts of the site that show a family's or a child's
// record, or a person's account: never kept by a browser or proxy cache.
var privatePrefixes = []string{"/family", "/staff", "/account", "/sign-in", "/api"}

// noStore marks everything under privatePrefixes Cache-Control: no-store.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range privatePrefixes {
			if r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/") {
				w.Header().Set("Cache-Control", "no-store")
				break
			}
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing requests (POST, PUT, DELETE...) that a
// browser says come from another origin: the CSRF defence, alongside SameSite cookies.
func crossOrigin(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(denyCrossOrigin)) // JSON under /api/v1
	return p.Handler(next)
}

// friendlyNotFound answers an address no route matches with our 404 page
// instead of the ServeMux's plain text. Wrong methods keep the mux's 405.
func (s *server) friendlyNotFound(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		if isAPI(r) { // JSON 404 and 405
			s.apiUnmatched(mux, w, r)
			return
		}
		mux.ServeHTTP(&notFoundWriter{ResponseWriter: w, page: func() { s.notFound(w, r) }}, r)
	})
}

// notFoundWriter swaps a 404 for the page and drops the plain text that follows.
type notFoundWriter struct {
	http.ResponseWriter
	page     func()
	replaced bool
}

func (w *notFoundWriter) WriteHeader(code int) {
	if code == http.StatusNotFound && !w.replaced {
		w.replaced = true
		w.page()
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *notFoundWriter) Write(b []byte) (int, error) {
	if w.replaced {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Request IDs tie a log line and an audit row to the reference on an error
// page. One from a trusted proxy in front (--trusted-proxies) is kept if it
// looks like an ID; any other is replaced, so a client cannot give many
// requests, or someone else's, the same ID in the audit log.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	routeKey
)

// requestID returns the ID observe gave the request.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// matched is where the route a request matched is noted for observe, which
// runs outside the ServeMux and so cannot see it otherwise.
type matched struct{ pattern string }

// noteRoute wraps a route's handler so observe can name the route in logs and metrics.
func noteRoute(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m, ok := r.Context().Value(routeKey).(*matched); ok {
			m.pattern = r.Pattern
		}
		h.ServeHTTP(w, r)
	})
}

// unmatched labels requests that reached no route (404, 405, refused cross-origin).
const unmatched = "unmatched"

// observe gives the request an ID, logs one line when it ends, counts it,
// and turns a panic into the error page. The log names the route pattern,
// never the path or query, which may carry an identifier or a search.
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(id) || !s.fromTrustedProxy(r) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		m := &matched{}
		ctx := context.WithValue(context.WithValue(r.Context(), requestIDKey, id), routeKey, m)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w}

		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.logger.ErrorContext(ctx, "panic serving a request", "request_id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if !sw.wroteHeader {
					s.serverError(sw, r, errors.New("panic"))
				}
			}
			route := m.pattern
			if route == "" {
				route = unmatched
			}
			elapsed := time.Since(start)
			s.metrics.observe(route, sw.status(), elapsed)
			// Probes and static files are frequent and dull: debug level keeps them out of production logs.
			level := slog.LevelInfo
			if route == "GET /healthz" || route == "GET /readyz" || route == "GET /static/{hash}/{name}" {
				level = slog.LevelDebug
			}
			s.logger.LogAttrs(ctx, level, "request",
				slog.String("method", r.Method),
				slog.String("route", route),
				slog.Int("status", sw.status()),
				slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
				slog.Int64("bytes", sw.bytes),
				slog.String("request_id", id))
		}()
		next.ServeHTTP(sw, r)
	})
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	code        int
	bytes       int64
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = http.StatusOK, true
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flush, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) status() int {
	if !w.wroteHeader {
		return http.StatusOK
	}
	return w.code
}

// statusLabel avoids formatting the common statuses on every request.
func statusLabel(code int) string {
	switch code {
	case 200:
		return "200"
	case 404:
		return "404"
	}
	return strconv.Itoa(code)
}
