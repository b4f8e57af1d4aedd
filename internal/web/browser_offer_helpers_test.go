package web_test

import (
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/web/browsertest"
)

// offerWalk is what the Local Offer's browser walks (edits, comments,
// taxonomies, import) share: the server they drive and its database, read
// for the ids a walk needs.
type offerWalk struct {
	srv *browsertest.Server
	d   *db.DB
}

// one is the single value q reads.
func (w offerWalk) one(t *testing.T, q string, args ...any) string {
	t.Helper()
	var s string
	if err := w.d.QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// check checks the page at path as browsertest does (status, axe, CSP, h1,
// no-JavaScript) at a desktop's width, and with axe again at a phone's:
// families reach the Local Offer on their phones.
func (w offerWalk) check(t *testing.T, b *browsertest.Browser, path string, status int) {
	t.Helper()
	b.CheckPage(t, w.srv.URL+path, status)
	for _, v := range b.Open(t, w.srv.URL+path, browsertest.WithViewport(375, 812)).Axe(t) {
		t.Errorf("%s at a phone's width: %s", path, v)
	}
}

// axeClean reports each of axe's findings on the page tab shows now (after
// a form was sent, say), saying which page it was.
func axeClean(t *testing.T, tab *browsertest.Tab, what string) {
	t.Helper()
	for _, v := range tab.Axe(t) {
		t.Errorf("%s: %s", what, v)
	}
}
