package web_test

import (
	"context"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/demo"
	"joinedup/internal/web/browsertest"
)

// startTinyDemo starts the real server on the tiny demo for a browser test
// and opens its database, with the demo people's emails by name and Leo
// Bennett's id, which most walks start from.
func startTinyDemo(t *testing.T) (srv *browsertest.Server, d *db.DB, email map[string]string, leo string) {
	t.Helper()
	srv = browsertest.Start(t, "--demo", "--demo-scale", "tiny")
	d, err := db.Open(context.Background(), srv.DB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	email = map[string]string{}
	for _, p := range demo.Personas() {
		email[p.Name] = p.Email
	}
	if err := d.QueryRow("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'").Scan(&leo); err != nil {
		t.Fatal(err)
	}
	return srv, d, email, leo
}
