package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/offer"
)

// offerSite is the real handler on the tiny demo (40 services, every taxonomy).
func offerSite(t *testing.T) (http.Handler, *db.DB) {
	t.Helper()
	d := dbtest.SQLite(t)
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{DB: d, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	return h, d
}

func send(h http.Handler, method, target string, form url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
	if method == http.MethodPost {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Bad input on the search page (issue 6, "Bad input"): a clear message that
// names the field, or an empty result, never a 500.
func TestSearchBadInput(t *testing.T) {
	h, _ := offerSite(t)
	for _, tc := range []struct {
		query  string
		status int
		want   string // in the page: the message, or what an empty result says
	}{
		{"q=" + strings.Repeat("autism+", 100), 422, "Search words must be 256 characters or fewer"},
		{"q=" + url.QueryEscape("аутизм 自閉症 توحد"), 200, "No services found"},        // any script: searched, nothing matches
		{"q=" + url.QueryEscape(strings.Repeat("自", 250)), 200, "No services found"}, // 750 bytes, but 250 characters
		{"q=" + url.QueryEscape(strings.Repeat("自", 257)), 422, "Search words must be 256 characters or fewer"},
		{"q=" + url.QueryEscape(`" OR 1=1; -- NEAR( * ^`), 200, "No services found"},
		{"q=%FF%FE%00bad", 200, "No services found"},              // not UTF-8
		{"q=" + url.QueryEscape("!!!"), 200, "No services found"}, // punctuation only
		{"page=0", 422, "There is no page 0 of results"},
		{"page=-3", 422, "There is no page -3 of results"},
		{"page=two", 422, "There is no page two of results"},
		{"page=99999999999999999999", 422, "pages are numbered from 1"},
		{"page=500", 200, "There are no more results"},
		{"per_page=100000", 200, "services"}, // not a parameter of this page: ignored
		{"age=seven", 422, "Enter an age in whole years, like 7"},
		{"age=-1", 422, "Enter an age from 0 to 25"},
		{"age=26", 422, "Enter an age from 0 to 25"},
		{"cost=priceless", 422, "Choose free, paid or subsidised"},
		{"delivery=pigeon", 422, "Choose in person, online or by phone"},
		{"category=" + url.QueryEscape("<script>"), 422, "Choose a type of service from the list"},
		{"need=unknown", 422, "Choose a need from the list"},
		{"access=hearing-loop&access=moat", 422, "Choose accessibility features from the list"},
		{"collection=nope", 422, "Choose a collection from the list"},
		{"day=Funday", 422, "Choose a day from the list"},
		{"time=noon", 422, "Choose morning, afternoon or evening"},
		{"postcode=ZZ", 422, "Enter a full postcode, like WR1 2HN"},
		{"postcode=" + url.QueryEscape("<b>WR1</b>"), 422, "Enter a full postcode, like WR1 2HN"},
		{"postcode=" + strings.Repeat("W", 5000), 422, "Enter a full postcode, like WR1 2HN"},
		{"postcode=ZZ99+9ZZ", 422, "We do not know the postcode ZZ99 9ZZ"},
		{"postcode=B60+0PB&distance=7", 422, "Choose a distance from the list"},
	} {
		w := send(h, http.MethodGet, "/services?"+tc.query, nil)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("/services?%.60s: %d, want %d with %q", tc.query, w.Code, tc.status, tc.want)
		}
		if tc.status == 422 && !strings.Contains(w.Body.String(), "There is a problem") {
			t.Errorf("/services?%.60s: no error summary", tc.query)
		}
	}
}

// Each result says why it is there, filter by filter (issue 6: "results that say why they matched").
func TestSearchSaysWhyEachMatched(t *testing.T) {
	h, d := offerSite(t)
	var postcode string
	if err := d.QueryRow("SELECT MIN(postcode) FROM postcodes").Scan(&postcode); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		why   []string // every result says each of these
	}{
		{"cost=free", []string{"<li>Cost: Free</li>"}},
		{"need=autism", []string{"<li>For autism</li>"}},
		{"age=7", []string{", which includes 7</li>"}},
		{"day=WE&time=afternoon", []string{"<li>Runs on Wednesdays in the afternoon</li>"}},
		{"category=health", []string{"<li>Type of service: "}},
		{"q=swimming", []string{"<li>Your words are in its"}},
		{"need=autism&cost=free&age=10", []string{"<li>For autism</li>", "<li>Cost: Free</li>", ", which includes 10</li>"}},
	} {
		w := send(h, http.MethodGet, "/services?"+tc.query, nil)
		body := w.Body.String()
		results := strings.Count(body, `<li class="app-result">`)
		if w.Code != 200 || results == 0 {
			t.Errorf("%s: %d with %d results, want 200 with some", tc.query, w.Code, results)
			continue
		}
		for _, why := range tc.why {
			if n := strings.Count(body, why); n < results {
				t.Errorf("%s: %d of %d results say %q", tc.query, n, results, why)
			}
		}
	}
	// With a postcode, each result says how far it is, or that it needs no travel.
	body := send(h, http.MethodGet, "/services?distance=25&postcode="+url.QueryEscape(postcode), nil).Body.String()
	far, online := strings.Count(body, " from "+postcode+"</li>"), strings.Count(body, "Online or by phone, so available wherever you live")
	if results := strings.Count(body, `<li class="app-result">`); far+online != results || far == 0 {
		t.Errorf("with a postcode: %d distances and %d online of %d results", far, online, results)
	}
	if !strings.Contains(body, "How these results are ordered") {
		t.Error("the ranking rule is not explained")
	}
}

// The shortlist: add and remove by POST (no JavaScript), kept in a cookie of
// service ids, shared and printed by a link that carries them; the buttons
// return only to addresses on this site.
func TestShortlist(t *testing.T) {
	h, d := offerSite(t)
	var a, b, name string
	if err := d.QueryRow("SELECT MIN(id), MAX(id) FROM offer_services").Scan(&a, &b); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRow("SELECT name FROM offer_services WHERE id = $1", a).Scan(&name); err != nil {
		t.Fatal(err)
	}
	add := send(h, http.MethodPost, "/shortlist/add", url.Values{"id": {a}, "back": {"/services?q=swim"}})
	if add.Code != 303 || add.Header().Get("Location") != "/services?q=swim" {
		t.Fatalf("add: %d to %q", add.Code, add.Header().Get("Location"))
	}
	c := add.Result().Cookies()[0]
	if c.Value != a || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
		t.Fatalf("the shortlist cookie: %+v", c)
	}
	c = send(h, http.MethodPost, "/shortlist/add", url.Values{"id": {b}}, c).Result().Cookies()[0]
	if c.Value != a+"."+b {
		t.Errorf("after adding a second: %q", c.Value)
	}
	page := send(h, http.MethodGet, "/shortlist", nil, c).Body.String()
	if !strings.Contains(page, "/shortlist?ids="+a+"."+b) || !strings.Contains(page, "Remove from shortlist") {
		t.Errorf("the shortlist page has no share link or remove buttons")
	}
	c = send(h, http.MethodPost, "/shortlist/remove", url.Values{"id": {b}}, c).Result().Cookies()[0]
	if c.Value != a {
		t.Errorf("after removing: %q, want %q", c.Value, a)
	}
	shared := send(h, http.MethodGet, "/shortlist?ids="+a+".not-an-id."+b, nil).Body.String()
	if !strings.Contains(shared, "A shortlist shared with you") || strings.Count(shared, `<li class="app-result">`) != 2 ||
		strings.Contains(shared, "Remove from shortlist") {
		t.Error("a shared link does not show its two services without remove buttons")
	}
	print := send(h, http.MethodGet, "/shortlist/print?ids="+a, nil).Body.String()
	for _, want := range []string{name, "Last checked", "Contact", "govuk-!-display-none-print"} {
		if !strings.Contains(print, want) {
			t.Errorf("the print page lacks %q", want)
		}
	}
	for _, back := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "", "javascript:alert(1)"} {
		w := send(h, http.MethodPost, "/shortlist/add", url.Values{"id": {a}, "back": {back}})
		if loc := w.Header().Get("Location"); loc != "/shortlist" {
			t.Errorf("back %q: went to %q, want /shortlist", back, loc)
		}
	}
	junk := send(h, http.MethodPost, "/shortlist/add", url.Values{"id": {"'; DROP TABLE offer_services; --"}})
	if v := junk.Result().Cookies()[0].Value; junk.Code != 303 || v != "" {
		t.Errorf("a junk id: %d, cookie %q", junk.Code, v)
	}
}

// A service's page has everything a family needs; a missing or malformed id is the 404 page.
func TestServicePage(t *testing.T) {
	h, d := offerSite(t)
	var id, name string
	if err := d.QueryRow("SELECT id, name FROM offer_services ORDER BY id LIMIT 1").Scan(&id, &name); err != nil {
		t.Fatal(err)
	}
	w := send(h, http.MethodGet, "/services/"+id, nil)
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, "<title>"+strings.ReplaceAll(name, "'", "&#39;")) {
		t.Errorf("%d; the title is not the service's name %q", w.Code, name)
	}
	for _, want := range []string{"Who it is for", "When", "Where", "Cost", "How to get it", "Contact", "Last checked", "Telephone:", "Add to shortlist"} {
		if !strings.Contains(body, want) {
			t.Errorf("the service page lacks %q", want)
		}
	}
	for _, bad := range []string{"/services/00000000-0000-4000-8000-000000000000", "/services/not-a-uuid", "/services/" + id + "x"} {
		if w := send(h, http.MethodGet, bad, nil); w.Code != 404 {
			t.Errorf("%s: %d, want 404", bad, w.Code)
		}
	}
}

// The collections pages list their services from the directory.
func TestCollectionPages(t *testing.T) {
	h, _ := offerSite(t)
	for path, want := range map[string][]string{
		"/while-you-wait": {"While you wait for an autism or ADHD assessment", "While you wait for therapy", `href="/services?collection=support-while-you-wait-therapies"`},
		"/short-breaks":   {"Our short breaks statement", "Breaks for Carers of Disabled Children Regulations 2011", `href="/services?collection=short-breaks"`},
	} {
		w := send(h, http.MethodGet, path, nil)
		body := w.Body.String()
		if w.Code != 200 || !strings.Contains(body, `<li class="app-result">`) {
			t.Errorf("%s: %d, or no services listed", path, w.Code)
		}
		for _, s := range want {
			if !strings.Contains(body, s) {
				t.Errorf("%s lacks %q", path, s)
			}
		}
	}
}

// A price says its amount and terms once, in the order people read them.
func TestCostLine(t *testing.T) {
	eight := 8.0
	for _, tc := range []struct {
		c    offer.CostOption
		want string
	}{
		{offer.CostOption{Option: "Per session", Amount: &eight, AmountDescription: "per session"}, "£8.00 per session"},
		{offer.CostOption{Option: "Free", AmountDescription: "No charge"}, "Free: No charge"},
		{offer.CostOption{Option: "Subsidised", Amount: &eight, AmountDescription: "per session; free with a short breaks letter"}, "Subsidised: £8.00 per session; free with a short breaks letter"},
		{offer.CostOption{Option: "Free"}, "Free"},
		{offer.CostOption{}, ""},
	} {
		if got := costLine(tc.c); got != tc.want {
			t.Errorf("costLine(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
}
