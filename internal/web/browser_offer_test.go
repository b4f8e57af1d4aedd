package web_test

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/web/browsertest"
)

// The Local Offer's public pages in a real browser (issue 6): search with
// filters, results, errors, a service's page, the shortlist shared and
// printed, support while you wait and short breaks; each checked as every
// page is (axe-core WCAG 2.2 AA, CSP, no JavaScript), and again at a phone's
// width with axe-core.
func TestLocalOfferInABrowser(t *testing.T) {
	srv := browsertest.Start(t, "--demo", "--demo-scale", "tiny")
	d, err := db.Open(context.Background(), srv.DB)
	if err != nil {
		t.Fatal(err)
	}
	var a, b, postcode string
	err = d.QueryRow("SELECT MIN(id), MAX(id) FROM offer_services").Scan(&a, &b)
	if err == nil {
		err = d.QueryRow("SELECT MIN(postcode) FROM postcodes").Scan(&postcode)
	}
	d.Close()
	if err != nil {
		t.Fatal(err)
	}
	br := browsertest.NewBrowser(t)
	pages := []struct {
		path   string
		status int
	}{
		{"/services", 200},
		{"/services?q=swimming&need=autism&age=8&cost=paid&day=SA&time=morning&access=car-parking", 200},
		{"/services?postcode=" + url.QueryEscape(postcode) + "&distance=10&category=health", 200},
		{"/services?q=nothing+matches+zzzz", 200},
		{"/services?age=seven&postcode=ZZ&page=0", 422},
		{"/services/" + a, 200},
		{"/shortlist?ids=" + a + "." + b, 200},
		{"/shortlist/print?ids=" + a + "." + b, 200},
		{"/while-you-wait", 200},
		{"/short-breaks", 200},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			t.Parallel()
			br.CheckPage(t, srv.URL+p.path, p.status)
			phone := br.Open(t, srv.URL+p.path, browsertest.WithViewport(375, 812))
			for _, v := range phone.Axe(t) {
				t.Errorf("at a phone's width: %s", v)
			}
		})
	}

	t.Run("filters and shortlist without JavaScript", func(t *testing.T) {
		tab := br.Open(t, srv.URL+"/services", browsertest.WithoutJavaScript(), browsertest.WithViewport(375, 812))
		tab.Fill(t, "#q", "swimming")
		tab.Fill(t, "#age", "8")
		tab.Submit(t, `#filters button[type="submit"]`)
		if tab.Status != 200 || !strings.Contains(tab.URL, "q=swimming") || !strings.Contains(tab.URL, "age=8") {
			t.Fatalf("searching: %d at %s", tab.Status, tab.URL)
		}
		first, _ := tab.Text(t, ".app-result h3 a")
		if first == "" {
			t.Fatal("no results for swimming at age 8")
		}
		tab.Submit(t, `.app-result form[action="/shortlist/add"] button`)
		if tab.Status != 200 || !strings.Contains(tab.URL, "q=swimming") {
			t.Errorf("adding to the shortlist: %d at %s, want back on the results", tab.Status, tab.URL)
		}
		list := br.Open(t, srv.URL+"/shortlist", browsertest.WithoutJavaScript())
		if got, _ := list.Text(t, ".app-result h3 a"); got != first {
			t.Errorf("the shortlist shows %q, want %q", got, first)
		}
		share := list.Attribute(t, "#share-link", "href")
		if !strings.Contains(share, "/shortlist?ids=") {
			t.Errorf("the share link is %q", share)
		}
		shared := br.Open(t, srv.URL+"/shortlist?ids="+strings.SplitN(share, "ids=", 2)[1])
		if got, _ := shared.Text(t, ".app-result h3 a"); got != first {
			t.Errorf("the shared link shows %q, want %q", got, first)
		}
		list.Submit(t, `form[action="/shortlist/remove"] button`)
		if text, _ := list.Text(t, "main"); !strings.Contains(text, "There are no services on your shortlist") {
			t.Errorf("after removing, the shortlist says %.200q", text)
		}
	})

	dir := os.Getenv("JOINEDUP_SCREENSHOTS")
	if dir == "" {
		dir = os.TempDir()
	}
	br.Open(t, srv.URL+"/services?q=swimming", browsertest.WithViewport(375, 812)).Screenshot(t, dir+"/joinedup-search-phone.png")
	br.Open(t, srv.URL+"/services/"+a).Screenshot(t, dir+"/joinedup-service.png")
}
