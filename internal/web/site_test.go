package web

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/people"
)

// site is the real handler on a fresh, migrated SQLite database, with its
// logs and metrics where a test can read them.
type site struct {
	h    http.Handler
	db   *db.DB
	logs *syncBuffer
	reg  *prometheus.Registry
}

func newSite(t *testing.T) *site {
	t.Helper()
	d := dbtest.SQLite(t)
	s := &site{db: d, logs: &syncBuffer{}, reg: prometheus.NewRegistry()}
	logger := slog.New(slog.NewJSONHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := New(Config{DB: d, Logger: logger, Version: "test", Metrics: s.reg})
	if err != nil {
		t.Fatal(err)
	}
	s.h = h
	return s
}

// do sends a request through the whole handler and returns the recorded response.
func (s *site) do(t *testing.T, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return w
}

func (s *site) get(t *testing.T, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	return s.do(t, http.MethodGet, target, header...)
}

// addPartnership sets up a small partnership: one council, two children
// with EHC plans, one on SEN support, one with neither.
func (s *site) addPartnership(t *testing.T) people.Partnership {
	t.Helper()
	ctx := context.Background()
	p := people.Partnership{ID: people.NewID(), Name: "Testshire Local Area Partnership", Area: "Testshire"}
	if err := s.db.Load(ctx, func(l *db.Loader) error { return people.LoadPartnership(l, p) }); err != nil {
		t.Fatal(err)
	}
	st := &people.Store{DB: s.db}
	if _, err := st.CreateOrganisation(ctx, people.Organisation{Kind: people.Council, Name: "Testshire Council"}); err != nil {
		t.Fatal(err)
	}
	today := date.Today(time.Now())
	for i, prov := range []string{people.EHCPlan, people.EHCPlan, people.SENSupport, people.NoProvision} {
		c := people.Child{GivenName: "Child", FamilyName: strings.Repeat("X", i+1), DateOfBirth: today.AddDays(-3000), SENProvision: prov}
		if _, err := st.CreateChild(ctx, c, today); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// syncBuffer is a bytes.Buffer the server's goroutines and the test can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server builds a second server on the site's database, for testing one middleware with it.
func (s *site) server(t *testing.T) *server {
	t.Helper()
	logger := slog.New(slog.NewJSONHandler(s.logs, nil))
	sv := &server{db: s.db, people: &people.Store{DB: s.db}, logger: logger, titles: map[string]string{}}
	var err error
	if sv.assets, err = loadAssets(mustSub(t)); err != nil {
		t.Fatal(err)
	}
	if sv.pages, err = parseTemplates(sv.assets); err != nil {
		t.Fatal(err)
	}
	if sv.metrics, err = newMetrics(nil); err != nil {
		t.Fatal(err)
	}
	return sv
}

// assetURL finds the address the pages use for a static file.
func (s *site) assetURL(t *testing.T, name string) string {
	t.Helper()
	a, err := loadAssets(mustSub(t))
	if err != nil {
		t.Fatal(err)
	}
	return a.url(name)
}

// metricRequests is the request counter as registered on the site's registry.
func (s *site) metricRequests(t *testing.T) *prometheus.CounterVec {
	t.Helper()
	m, err := newMetrics(s.reg) // returns the collectors already registered
	if err != nil {
		t.Fatal(err)
	}
	return m.requests
}

func mustSub(t *testing.T) fs.FS {
	t.Helper()
	sub, err := fs.Sub(static, "static")
	if err != nil {
		t.Fatal(err)
	}
	return sub
}
