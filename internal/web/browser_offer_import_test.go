package web_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/web/browsertest"
)

// visitLocalOfferImport is issue 6's point 7 in a real browser: Marcus Reid
// (Local Offer editor) uploads a CSV with a mistake and sees it by line and
// field, then one that can be applied, checks what it would add, and applies
// it. Every page is checked with axe at a desktop's and a phone's width. It
// returns the route patterns it visited.
func visitLocalOfferImport(t *testing.T, srv *browsertest.Server, d *db.DB, email map[string]string) []string {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	w := offerWalk{srv, d}
	var imported string
	t.Run("editor imports a CSV", func(t *testing.T) {
		b := browsertest.NewBrowser(t)
		b.SignInAsDemo(t, srv.URL, email["Marcus Reid"])
		w.check(t, b, "/staff/offer/import", 200)

		tab := b.Open(t, srv.URL+"/staff/offer/import")
		tab.Submit(t, `form[enctype="multipart/form-data"] button`)
		if msg, _ := tab.Text(t, ".govuk-error-summary"); tab.Status != 422 || !strings.Contains(msg, "Choose a file to import") {
			t.Errorf("no file chosen: %d, %q", tab.Status, msg)
		}
		axeClean(t, tab, "no file chosen")

		tab = b.Open(t, srv.URL+"/staff/offer/import")
		tab.Upload(t, "#file", file("mistake.csv", "name,organisation,minimum_age\nSaturday sensory swim,Kingfisher Leisure Trust,ten\n"))
		tab.Submit(t, `form[enctype="multipart/form-data"] button`)
		if tab.Status != 422 {
			t.Errorf("a CSV with a mistake answered %d, want 422", tab.Status)
		}
		if table, _ := tab.Text(t, "main table"); !strings.Contains(table, "line 2") || !strings.Contains(table, "minimum_age") {
			t.Errorf("the problems table does not name line 2 and minimum_age: %q", table)
		}
		axeClean(t, tab, "a dry run with errors")

		tab = b.Open(t, srv.URL+"/staff/offer/import", browsertest.WithViewport(375, 812))
		tab.Upload(t, "#file", file("new-service.csv", "name,organisation,description\n"+
			"Saturday sensory swim,Kingfisher Leisure Trust,Quiet swimming for children who find noise hard\n"))
		tab.Submit(t, `form[enctype="multipart/form-data"] button`)
		if text, _ := tab.Text(t, "main"); tab.Status != 200 || !strings.Contains(text, "1 new, 0 changed") || !strings.Contains(text, "Saturday sensory swim") {
			t.Fatalf("a CSV that can be applied: %d: %.500s", tab.Status, text)
		}
		axeClean(t, tab, "a dry run that can be applied, at a phone's width")
		tab.Submit(t, `form[action="/staff/offer/import/apply"] button`)
		if tab.Status != 200 || !strings.Contains(tab.URL, "/staff/offer/imports/") || !strings.HasSuffix(tab.URL, "?done=applied") {
			t.Fatalf("applying: %d at %s", tab.Status, tab.URL)
		}
		axeClean(t, tab, "the applied import")
		imported = strings.TrimSuffix(strings.TrimPrefix(tab.URL, srv.URL), "?done=applied")
		b.CheckPage(t, srv.URL+imported, 200)
		if n := w.one(t, "SELECT COUNT(*) FROM offer_services WHERE name = 'Saturday sensory swim'"); n != "1" {
			t.Errorf("%s services imported, want 1", n)
		}
	})
	return []string{"GET /staff/offer/import", "GET /staff/offer/imports/{iid}"}
}
