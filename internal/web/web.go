// Package web is the server-rendered front: the public Local Offer, the
// family and staff front doors, health checks. Stub until the web shell lands.
package web

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"joinedup/internal/db"
	"joinedup/internal/people"
)

// Config is what the web front needs from the rest of joinedup.
type Config struct {
	DB      *db.DB
	People  *people.Store
	Logger  *slog.Logger
	Version string
	Metrics prometheus.Registerer // may be nil
	Demo    bool                  // demo-only conveniences are on
}

// New returns the handler for every route.
func New(cfg Config) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	return mux, nil
}
