package web

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"joinedup/internal/db/dbtest"
)

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("done")) })

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	want := map[string]string{
		"Content-Security-Policy":    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "no-referrer",
		"Permissions-Policy":         "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
		"Cross-Origin-Opener-Policy": "same-origin",
	}
	check := func(t *testing.T, w *httptest.ResponseRecorder) {
		t.Helper()
		for k, v := range want {
			if got := w.Header().Get(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
	}
	t.Run("middleware", func(t *testing.T) {
		w := httptest.NewRecorder()
		securityHeaders(false, ok).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		check(t, w)
		if h := w.Header().Get("Strict-Transport-Security"); h != "" {
			t.Errorf("HSTS sent over plain HTTP: %q", h)
		}
		w = httptest.NewRecorder()
		securityHeaders(true, ok).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		check(t, w)
		if h := w.Header().Get("Strict-Transport-Security"); h != "max-age=63072000; includeSubDomains" {
			t.Errorf("HSTS over HTTPS = %q", h)
		}
	})
	// Through the real handler: pages, errors, refusals, files and probes alike.
	s := newSite(t)
	for _, tc := range []struct{ method, target string }{
		{"GET", "/"}, {"GET", "/no-such-page"}, {"GET", "/healthz"}, {"GET", "/readyz"},
		{"GET", s.assetURL(t, "app.css")}, {"GET", "/static/0000000000000000/app.css"}, {"POST", "/family"},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) { check(t, s.do(t, tc.method, tc.target)) })
	}
	t.Run("refused cross-origin", func(t *testing.T) {
		check(t, s.do(t, "POST", "/", "Sec-Fetch-Site", "cross-site"))
	})
}

func TestNoStoreOnFamilyAndStaff(t *testing.T) {
	for path, want := range map[string]bool{
		"/family": true, "/family/": true, "/family/child/123": true, "/staff": true, "/staff/caseload": true,
		"/": false, "/familyfriendly": false, "/staffroom": false, "/services": false,
	} {
		w := httptest.NewRecorder()
		noStore(ok).ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if got := w.Header().Get("Cache-Control") == "no-store"; got != want {
			t.Errorf("%s: no-store is %v, want %v", path, got, want)
		}
	}
	// And the real pages carry it.
	s := newSite(t)
	for _, path := range []string{"/family", "/staff"} {
		if got := s.get(t, path).Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", path, got)
		}
	}
}

func TestCrossOriginStateChangesAreRefused(t *testing.T) {
	reached := false
	h := crossOrigin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true }))
	for _, tc := range []struct {
		name, method, site, origin string
		want                       int
	}{
		{"cross-site POST", "POST", "cross-site", "", http.StatusForbidden},
		{"same-site but other origin POST", "POST", "same-site", "", http.StatusForbidden},
		{"POST with a foreign Origin and no Sec-Fetch-Site", "POST", "", "https://evil.example", http.StatusForbidden},
		{"cross-site DELETE", "DELETE", "cross-site", "", http.StatusForbidden},
		{"same-origin POST", "POST", "same-origin", "", http.StatusOK},
		{"cross-site GET (a link from elsewhere)", "GET", "cross-site", "", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reached = false
			r := httptest.NewRequest(tc.method, "http://joinedup.example/family", nil)
			if tc.site != "" {
				r.Header.Set("Sec-Fetch-Site", tc.site)
			}
			if tc.origin != "" {
				r.Header.Set("Origin", tc.origin)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Errorf("status %d, want %d", w.Code, tc.want)
			}
			if reached != (tc.want == http.StatusOK) {
				t.Errorf("handler reached: %v", reached)
			}
		})
	}
	// The real handler is wrapped too: refused before any route runs.
	if w := newSite(t).do(t, "POST", "/family", "Sec-Fetch-Site", "cross-site"); w.Code != http.StatusForbidden {
		t.Errorf("real handler: cross-site POST got %d, want 403", w.Code)
	}
}

func TestRequestLogNamesTheRouteNotThePath(t *testing.T) {
	s := newSite(t)
	w := s.get(t, "/services?q=Jane+Smith+autism")
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	logs := s.logs.String()
	if strings.Contains(logs, "Jane") || strings.Contains(logs, "q=") || strings.Contains(logs, "/services?") {
		t.Errorf("the log carries the query string:\n%s", logs)
	}
	var raw map[string]any
	for l := range strings.Lines(logs) {
		var entry map[string]any
		if json.Unmarshal([]byte(l), &entry) == nil && entry["msg"] == "request" {
			raw = entry
		}
	}
	if raw == nil {
		t.Fatalf("no request log line in:\n%s", logs)
	}
	if raw["method"] != "GET" || raw["route"] != "GET /services" || raw["status"] != float64(200) || raw["duration_ms"] == nil {
		t.Errorf("log line %v: want method GET, route \"GET /services\", status 200, a duration", raw)
	}
	if id, _ := raw["request_id"].(string); id == "" || id != w.Header().Get("X-Request-Id") {
		t.Errorf("request_id %q does not match the response's X-Request-Id %q", id, w.Header().Get("X-Request-Id"))
	}
}

// An X-Request-Id is believed only from a trusted proxy, and only if it
// looks like one (httptest's requests come from 192.0.2.1).
func TestRequestIDIsKeptOnlyFromATrustedProxy(t *testing.T) {
	d := dbtest.SQLite(t)
	for _, c := range []struct {
		name    string
		proxies []netip.Prefix
		id      string
		kept    bool
	}{
		{"from a trusted proxy", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, "proxy-1234abcd", true},
		{"malformed, from a trusted proxy", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, "bad id\nwith newline", false},
		{"too short, from a trusted proxy", []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, "abc", false},
		{"from a client, with no proxies trusted", nil, "proxy-1234abcd", false},
		{"from a client that is not the trusted proxy", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, "proxy-1234abcd", false},
	} {
		h, err := New(Config{DB: d, Logger: slog.New(slog.DiscardHandler), Version: "test", Metrics: prometheus.NewRegistry(), TrustedProxies: c.proxies})
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("X-Request-Id", c.id)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		got := w.Header().Get("X-Request-Id")
		if kept := got == c.id; kept != c.kept || !validRequestID.MatchString(got) {
			t.Errorf("%s: %q became %q; want kept %v, and always a valid id", c.name, c.id, got, c.kept)
		}
	}
}

func TestMetricsCountByRoutePattern(t *testing.T) {
	s := newSite(t)
	s.get(t, "/family")
	s.get(t, "/family")
	s.get(t, "/no-such-page")
	s.get(t, s.assetURL(t, "app.css"))
	for _, tc := range []struct {
		route, status string
		want          float64
	}{
		{"GET /family", "200", 2},
		{unmatched, "404", 1},
		{"GET /static/{hash}/{name}", "200", 1},
	} {
		got := testutil.ToFloat64(s.metricRequests(t).WithLabelValues(tc.route, tc.status))
		if got != tc.want {
			t.Errorf("requests{route=%q,status=%q} = %v, want %v", tc.route, tc.status, got, tc.want)
		}
	}
	n, err := testutil.GatherAndCount(s.reg, "joinedup_http_request_duration_seconds")
	if err != nil || n != 3 {
		t.Errorf("duration histograms: %d series (err %v), want 3 (one per route seen)", n, err)
	}
}

func TestNilMetricsRegistererIsFine(t *testing.T) {
	if _, err := New(Config{DB: newSite(t).db}); err != nil {
		t.Fatal(err)
	}
}

func TestAPanicBecomesTheErrorPage(t *testing.T) {
	s := newSite(t)
	srv := s.server(t)
	h := srv.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("secret detail: table children") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", w.Code)
	}
	body := w.Body.String()
	if strings.Contains(body, "secret detail") || !strings.Contains(body, "Sorry, there is a problem with the service") {
		t.Errorf("error page leaks the panic or is not ours:\n%s", body)
	}
	if !strings.Contains(body, w.Header().Get("X-Request-Id")) {
		t.Error("the error page does not give the request id to quote")
	}
	if !strings.Contains(s.logs.String(), "secret detail") {
		t.Error("the panic is not logged")
	}
}
