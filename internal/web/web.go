// Package web is the server-rendered front: the public Local Offer, the
// family and staff front doors, the pages about the service, and the health
// checks. Pages use GOV.UK Frontend's HTML and styles (with the Generic
// header: joinedup is not a GOV.UK service), work without JavaScript, and are
// served under a strict Content-Security-Policy.
//
// Read routes.go first: it lists every address, the permission it needs and
// the handler that answers it. Handlers live in one file per group.
package web

import (
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"joinedup/internal/account"
	"joinedup/internal/db"
	"joinedup/internal/offer"
	"joinedup/internal/oidc"
	"joinedup/internal/oruk"
	"joinedup/internal/people"
)

// Config is what the web front needs from the rest of joinedup.
type Config struct {
	DB      *db.DB
	People  *people.Store // defaults to a store on DB
	Logger  *slog.Logger  // defaults to slog.Default()
	Version string
	Metrics prometheus.Registerer // may be nil
	Demo    bool                  // demo-only conveniences are on
	// Secure is set when joinedup is reached over HTTPS (directly or through a
	// TLS proxy): cookies become __Host- and Secure, and HSTS is sent.
	Secure bool
	// ShowStaffNames shows families the names, not only the roles, of staff
	// who looked at their child's record: a partnership's choice.
	ShowStaffNames bool
	// OIDC is the staff's identity providers, one or more per organisation;
	// nil when none is configured (staff then cannot sign in, but with --demo).
	OIDC *oidc.Registry
	// TrustedProxies are the TLS proxies in front of joinedup, whose
	// X-Forwarded-For is believed when rate-limiting by client address.
	TrustedProxies []netip.Prefix
}

// server holds what the handlers share. It keeps nothing about requests or
// people in memory: many instances may serve one database.
type server struct {
	db     *db.DB
	people *people.Store
	// partnership is the partnership once one is set up: nothing changes it
	// afterwards, and every page's header names it.
	partnership atomic.Pointer[people.Partnership]
	census      *people.CensusCache
	logger      *slog.Logger
	version     string
	demo        bool
	secure      bool
	// showStaffNames: families see staff names in the access log
	showStaffNames bool
	oidc           *oidc.Registry
	trustedProxies []netip.Prefix
	// signInLimit and linkLimit cap family sign-ins and emailed-link requests per client address.
	signInLimit, linkLimit *account.Limiter
	assets                 *assets
	pages                  map[string]*template.Template
	titles                 map[string]string // page title by route pattern
	metrics                *metrics
	oruk                   *oruk.API
	offer                  *offer.Store // the Local Offer directory, shared with oruk
	facets                 *facetCache
}

// New returns the handler for every route.
func New(cfg Config) (http.Handler, error) {
	if cfg.DB == nil {
		return nil, errors.New("web: no database")
	}
	s := &server{db: cfg.DB, people: cfg.People, logger: cfg.Logger, version: cfg.Version, demo: cfg.Demo, titles: map[string]string{},
		secure: cfg.Secure, showStaffNames: cfg.ShowStaffNames, oidc: cfg.OIDC, trustedProxies: cfg.TrustedProxies,
		signInLimit: &account.Limiter{DB: cfg.DB, Scope: "signin"}, linkLimit: &account.Limiter{DB: cfg.DB, Scope: "links", Limit: 10}}
	if s.people == nil {
		s.people = &people.Store{DB: cfg.DB}
	}
	s.census = &people.CensusCache{Store: s.people, TTL: time.Minute}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	s.offer = &offer.Store{DB: cfg.DB}
	s.facets = &facetCache{store: s.offer}
	s.oruk = oruk.New(s.offer, s.logger)
	sub, _ := fs.Sub(static, "static")
	var err error
	if s.assets, err = loadAssets(sub); err != nil {
		return nil, err
	}
	if m := s.assets.missing(); len(m) > 0 {
		// Pages still work, unstyled: better than refusing to start over CSS.
		s.logger.Warn("the built CSS and JavaScript are missing from this binary: run make assets before go build",
			"missing", strings.Join(m, ", "))
	}
	if s.pages, err = parseTemplates(s.assets); err != nil {
		return nil, err
	}
	if s.metrics, err = newMetrics(cfg.Metrics); err != nil {
		return nil, err
	}
	if err := checkRoutes(table); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	for _, rt := range table {
		s.titles[rt.Pattern] = rt.Title
		h := rt.handler
		mux.Handle(rt.Pattern, noteRoute(s.guard(rt, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(s, w, r) }))))
	}
	return securityHeaders(s.secure, noStore(s.observe(crossOrigin(s.authenticate(s.friendlyNotFound(mux)))))), nil
}
