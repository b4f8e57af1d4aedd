package web_test

import (
	"net/url"
	"os"
	"testing"

	"joinedup/internal/web"
	"joinedup/internal/web/browsertest"
)

// Every page in the route table, and the 404 page, in a real browser against
// the real server: axe-core finds no WCAG 2.2 AA violation, the CSP blocks
// nothing, and the page works with JavaScript off. Once on an empty
// database, once with the tiny demo partnership.
func TestEveryPageInABrowser(t *testing.T) {
	b := browsertest.NewBrowser(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"empty database", nil},
		{"tiny demo", []string{"--demo", "--demo-scale", "tiny"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := browsertest.Start(t, tc.args...)
			pages := 0
			for _, rt := range web.Routes() {
				if !rt.IsPage() {
					continue
				}
				pages++
				t.Run(rt.Path(), func(t *testing.T) {
					t.Parallel() // each page in its own tab of the one browser
					b.CheckPage(t, srv.URL+rt.Path(), 200)
				})
			}
			if pages == 0 {
				t.Fatal("the route table lists no pages")
			}
			t.Run("search with a query", func(t *testing.T) {
				t.Parallel()
				b.CheckPage(t, srv.URL+"/services?q="+url.QueryEscape("speech and language"), 200)
			})
			t.Run("page not found", func(t *testing.T) {
				t.Parallel()
				b.CheckPage(t, srv.URL+"/no-such-page", 404)
			})
		})
	}
}

// Screenshots of the home page for a person to look at: desktop and phone width.
func TestHomePageScreenshots(t *testing.T) {
	b := browsertest.NewBrowser(t)
	srv := browsertest.Start(t, "--demo", "--demo-scale", "tiny")
	dir := os.Getenv("JOINEDUP_SCREENSHOTS")
	if dir == "" {
		dir = os.TempDir()
	}
	b.Open(t, srv.URL+"/").Screenshot(t, dir+"/joinedup-home.png")
	b.Open(t, srv.URL+"/", browsertest.WithViewport(375, 812)).Screenshot(t, dir+"/joinedup-home-phone.png")
	t.Logf("screenshots in %s/joinedup-home.png and joinedup-home-phone.png", dir)
}
