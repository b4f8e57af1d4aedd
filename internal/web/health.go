package web

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// The health checks answer in plain text for the platform's probes and
// people with curl. Neither says more than up or ready and a short reason.

// healthz says the process is alive and serving: it touches nothing else, so
// a slow database never gets a healthy process restarted.
func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	plain(w, http.StatusOK, "ok")
}

// readyz says whether this instance should get traffic: the database answers
// and its schema is at the version this binary was built for (during a
// rolling upgrade an old binary on a newer schema, or a new one before
// migrating, is not ready).
func (s *server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.PingContext(ctx); err != nil {
		s.logger.WarnContext(ctx, "not ready: database unreachable", "error", err)
		plain(w, http.StatusServiceUnavailable, "not ready: the database cannot be reached")
		return
	}
	current, known, err := s.db.SchemaVersions(ctx)
	if err != nil {
		s.logger.WarnContext(ctx, "not ready: cannot read the schema version", "error", err)
		plain(w, http.StatusServiceUnavailable, "not ready: cannot read the schema version")
		return
	}
	if current != known {
		plain(w, http.StatusServiceUnavailable, fmt.Sprintf("not ready: the database schema is at version %d, this joinedup expects %d", current, known))
		return
	}
	plain(w, http.StatusOK, "ready")
}

func plain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintln(w, msg)
}
