package web

import (
	"context"
	"strings"
	"testing"
)

func TestHealthz(t *testing.T) {
	w := newSite(t).get(t, "/healthz")
	if w.Code != 200 || w.Body.String() != "ok\n" || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		t.Errorf("got %d %q %s, want 200 \"ok\" in plain text", w.Code, w.Body.String(), w.Header().Get("Content-Type"))
	}
}

func TestReadyz(t *testing.T) {
	t.Run("ready", func(t *testing.T) {
		w := newSite(t).get(t, "/readyz")
		if w.Code != 200 || w.Body.String() != "ready\n" || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
			t.Errorf("got %d %q", w.Code, w.Body.String())
		}
	})
	t.Run("database closed", func(t *testing.T) {
		s := newSite(t)
		s.db.Close()
		w := s.get(t, "/readyz")
		if w.Code != 503 || !strings.Contains(w.Body.String(), "database cannot be reached") {
			t.Errorf("got %d %q, want 503 saying the database cannot be reached", w.Code, w.Body.String())
		}
		// Alive is not ready: the process still answers.
		if w := s.get(t, "/healthz"); w.Code != 200 {
			t.Errorf("healthz with the database closed: %d", w.Code)
		}
	})
	t.Run("schema newer than this binary", func(t *testing.T) {
		s := newSite(t)
		if _, err := s.db.ExecContext(context.Background(), "INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)"); err != nil {
			t.Fatal(err)
		}
		w := s.get(t, "/readyz")
		if w.Code != 503 || !strings.Contains(w.Body.String(), "version 99999") {
			t.Errorf("got %d %q, want 503 naming the schema version", w.Code, w.Body.String())
		}
	})
}
