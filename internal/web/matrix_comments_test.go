package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
)

// Families' comments in the access matrix: the public form and page are in
// offerMatrix; the editors' pages below. None of the matrix's people holds
// offer.moderate, so the pages send the signed-out to sign in and refuse
// everyone else, and the forms refuse all (the guard answers first).
var commentsMatrix = func() map[string]map[string]int {
	get := map[string]int{"anonymous": 303, "disabled account": 303, "": 403}
	post := map[string]int{"": 403}
	return map[string]map[string]int{
		"GET /staff/offer/comments":                get,
		"GET /staff/offer/comments/{cid}":          get,
		"POST /staff/offer/comments/{cid}/respond": post,
		"POST /staff/offer/comments/{cid}/close":   post,
	}
}()

// TestCommentsAccess runs the comment routes as the people they are for: a
// family (nobody signed in) sends a comment, bad answers are refused naming
// the field with nothing stored, the rate limit answers 429; the Local Offer
// editor answers and closes; a provider (offer.provide, not moderate) is refused.
func TestCommentsAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := offerServer(t, d)
		rachel, marcus := w.rachel, w.marcus
		svc := one(t, d, "SELECT MIN(id) FROM offer_services")
		fresh := one(t, d, "SELECT MIN(id) FROM offer_comments WHERE status = 'new'")
		fresh2 := one(t, d, "SELECT MAX(id) FROM offer_comments WHERE status = 'new'")
		answered := one(t, d, "SELECT MIN(id) FROM offer_comments WHERE status = 'addressed'")
		good := url.Values{"kind": {"problem"}, "words": {"The opening times are wrong <b>on Fridays</b>."}, "email": {"parent@example.com"}, "publish": {"yes"}}
		with := func(k, v string) url.Values { return withField(good, k, v) }
		before := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_comments")
		cases := []offerCase{
			{"", "POST", "/services/" + svc + "/tell-us", good, 303},
			{"", "POST", "/tell-us", with("email", ""), 303},                        // the email is optional
			{"", "POST", "/tell-us", with("kind", "praise"), 422},                   // not a kind the form offers
			{"", "POST", "/tell-us", with("words", "   "), 422},                     // the words are required
			{"", "POST", "/tell-us", with("words", strings.Repeat("é", 2001)), 422}, // over 2,000 characters
			{"", "POST", "/tell-us", with("email", "parent@example"), 422},          // no dotted domain
			{"", "POST", "/tell-us", with("email", "Pat <pat@example.com>"), 422},
			{"", "GET", "/services/00000000-0000-0000-0000-000000000000/tell-us", nil, 404},
			{"", "POST", "/services/00000000-0000-0000-0000-000000000000/tell-us", good, 404},
			{"", "GET", "/services/not-a-service/tell-us", nil, 404},
			{"", "GET", "/tell-us/thank-you?back=https://evil.example/", nil, 200}, // sent to /services instead
			{rachel, "GET", "/staff/offer/comments", nil, 403},
			{rachel, "GET", "/staff/offer/comments/" + fresh, nil, 403},
			{rachel, "POST", "/staff/offer/comments/" + fresh + "/respond", url.Values{"response": {"Done"}}, 403},
			{marcus, "GET", "/staff/offer/comments", nil, 200},
			{marcus, "GET", "/staff/offer/comments/" + fresh, nil, 200},
			{marcus, "GET", "/staff/offer/comments/not-a-comment", nil, 404},
			{marcus, "POST", "/staff/offer/comments/" + fresh + "/respond", url.Values{"response": {" "}}, 422},
			{marcus, "POST", "/staff/offer/comments/" + fresh + "/respond", url.Values{"response": {"We have corrected the times."}}, 303},
			{marcus, "POST", "/staff/offer/comments/" + fresh + "/close", url.Values{"reason": {"Twice"}}, 409}, // already answered
			{marcus, "POST", "/staff/offer/comments/" + answered + "/respond", url.Values{"response": {"Again"}}, 409},
			{marcus, "POST", "/staff/offer/comments/" + fresh2 + "/close", nil, 422},
			{marcus, "POST", "/staff/offer/comments/" + fresh2 + "/close", url.Values{"reason": {"It names a child."}}, 303},
			{marcus, "POST", "/staff/offer/comments/not-a-comment/close", url.Values{"reason": {"x"}}, 404},
		}
		w.check(t, cases)
		if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM offer_comments"); n != before+2 {
			t.Errorf("%d comments stored, want the 2 good ones", n-before)
		}
		if got := one(t, d, "SELECT words FROM offer_comments WHERE service_id = $1 AND email = 'parent@example.com'", svc); got != good.Get("words") {
			t.Errorf("words stored as %q, want them as typed", got)
		}
		// Sign-in's limiter, per client address: 10 comments in 10 minutes, so
		// after the 2 above the 9th more is refused.
		for i := 1; i <= 9; i++ {
			want := 303
			if i == 9 {
				want = 429
			}
			if got := request(t, w.h, d, "POST", "/tell-us", "", good); got != want {
				t.Errorf("comment %d more from one address: %d, want %d", i, got, want)
			}
		}
	})
}

// The thank-you page's way back goes only to our own search or a service
// page: anything else (another site, a path made to look like one) is /services.
func TestCommentThanksStaysOnSite(t *testing.T) {
	h, err := New(Config{DB: dbtest.SQLite(t)})
	if err != nil {
		t.Fatal(err)
	}
	const svc = "827f3971-0000-83ab-8b65-faf033ab1272"
	for back, want := range map[string]string{
		"/services/" + svc:                          "/services/" + svc,
		"/services":                                 "/services",
		"https://evil.example/":                     "/services",
		"//evil.example/" + svc:                     "/services",
		"//evil.co/" + svc:                          "/services", // as long as a service's path
		"/services/" + svc + "/../../sign-out":      "/services",
		"/services/not-a-service-but-36-characters": "/services",
	} {
		r := httptest.NewRequest("GET", "/tell-us/thank-you?back="+url.QueryEscape(back), nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if body := w.Body.String(); w.Code != 200 || !strings.Contains(body, `href="`+want+`">Go back`) {
			t.Errorf("back=%s: %d, want a link to %s", back, w.Code, want)
		}
	}
}
