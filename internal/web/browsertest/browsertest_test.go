package browsertest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The checks must be able to fail: a page with every kind of fault must show
// each one, and a good page none.
func TestPageProblemsFindsWhatIsWrong(t *testing.T) {
	b := NewBrowser(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /bad", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; img-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<p>No language, no title, no heading.</p><img src="/missing.png">
<script>document.body.className = 'govuk-frontend-supported'</script></body></html>`))
	})
	mux.HandleFunc("GET /good", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Good</title>
<script type="module" src="/good.js"></script></head><body><main><h1>A good page</h1><p>Text.</p></main></body></html>`))
	})
	mux.HandleFunc("GET /good.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(`document.body.classList.add('govuk-frontend-supported')`))
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()

	got := strings.Join(b.PageProblems(t, ts.URL+"/bad", 200), "\n")
	for _, want := range []string{
		"no <title>", "no h1", "our JavaScript did not run",
		"accessibility: html-has-lang", "accessibility: image-alt", "accessibility: document-title",
		"CSP violation", "status of 404", "without JavaScript: main h1",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the bad page's problems do not include %q; they are:\n%s", want, got)
		}
	}
	if p := b.PageProblems(t, ts.URL+"/good", 200); len(p) > 0 {
		t.Errorf("the good page has problems:\n%s", strings.Join(p, "\n"))
	}
	if p := b.PageProblems(t, ts.URL+"/good", 404); len(p) == 0 || !strings.Contains(p[0], "status 200, want 404") {
		t.Errorf("a wrong status is not reported: %v", p)
	}
}
