package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestUnknownAddressIsTheFriendly404(t *testing.T) {
	s := newSite(t)
	for _, path := range []string{"/no-such-page", "/family/nothing-here", "/static", "/index.html"} {
		w := s.get(t, path)
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, w.Code)
		}
		body := w.Body.String()
		if w.Header().Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(body, "<h1 class=\"govuk-heading-l\">Page not found</h1>") {
			t.Errorf("GET %s: not our 404 page: %s\n%s", path, w.Header().Get("Content-Type"), body)
		}
		if strings.Contains(body, "404 page not found") {
			t.Errorf("GET %s: the mux's plain text leaked into the page", path)
		}
	}
}

func TestWrongMethodIs405NotA404(t *testing.T) {
	w := newSite(t).do(t, "POST", "/family")
	if w.Code != http.StatusMethodNotAllowed || !strings.Contains(w.Header().Get("Allow"), "GET") {
		t.Errorf("POST /family: %d Allow=%q, want 405 allowing GET", w.Code, w.Header().Get("Allow"))
	}
}

func TestAFailingDatabaseGivesTheErrorPageWithoutDetails(t *testing.T) {
	s := newSite(t)
	s.db.Close()
	w := s.get(t, "/")
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", w.Code)
	}
	body := w.Body.String()
	if !strings.Contains(body, "Sorry, there is a problem with the service") {
		t.Errorf("not our error page:\n%s", body)
	}
	if strings.Contains(body, "closed") || strings.Contains(body, "sql") {
		t.Errorf("the error page leaks the cause:\n%s", body)
	}
	if !strings.Contains(s.logs.String(), "database is closed") {
		t.Errorf("the cause is not logged:\n%s", s.logs.String())
	}
}

func TestStaffFiguresAreCountsOnly(t *testing.T) {
	s := newSite(t)
	empty := s.get(t, "/staff").Body.String()
	if !strings.Contains(empty, "No partnership has been set up") {
		t.Error("the empty staff page does not say no partnership is set up")
	}
	s.addPartnership(t)
	body := s.get(t, "/staff").Body.String()
	for _, want := range []string{
		`<span class="app-figures__number">2</span> <span class="app-figures__label">children and young people with an education, health and care plan`,
		`<span class="app-figures__number">1</span> <span class="app-figures__label">on SEN support`,
		`<span class="app-figures__number">4</span> <span class="app-figures__label">children and young people aged 0 to 25`,
		`<span class="app-figures__number">1</span> <span class="app-figures__label">organisations`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the staff page lacks %q", want)
		}
	}
	if strings.Contains(body, "XX") {
		t.Error("the staff page shows a child's name")
	}
}

func TestHomeWithoutAPartnershipSaysSo(t *testing.T) {
	body := newSite(t).get(t, "/").Body.String()
	if !strings.Contains(body, "No partnership has been set up") {
		t.Error("the home page on an empty database does not say no partnership is set up")
	}
	if !strings.Contains(body, `action="/services" method="get"`) {
		t.Error("the home page has no search form that GETs /services")
	}
}

func TestSearchIsEscapedAndKept(t *testing.T) {
	body := newSite(t).get(t, "/services?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").Body.String()
	if strings.Contains(body, "<script>alert") {
		t.Error("the search text is not escaped")
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the search text is not shown back")
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 7012: "7,012", 720000: "720,000", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDemoSaysTheDataIsInvented(t *testing.T) {
	s := newSite(t)
	h, err := New(Config{DB: s.db, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if !strings.Contains(w.Body.String(), "every person, child and organisation in it is invented") {
		t.Error("the demo's banner does not say the data is invented")
	}
	if strings.Contains(s.get(t, "/").Body.String(), "is invented") {
		t.Error("a real deployment says its data is invented")
	}
}
