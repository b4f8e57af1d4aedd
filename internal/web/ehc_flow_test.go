package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/session"
)

// flowClient sends requests as one signed-in person and returns the status,
// the body and where a redirect goes.
func flowClient(t *testing.T, h http.Handler, d *db.DB, person string) func(method, path string, form url.Values) (int, string, string) {
	t.Helper()
	secret, _, err := session.Create(context.Background(), d, person, "test", "flow", session.StaffTimeouts)
	if err != nil {
		t.Fatal(err)
	}
	return func(method, path string, form url.Values) (int, string, string) {
		r := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		if method == http.MethodPost {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code, rec.Body.String(), rec.Header().Get("Location")
	}
}

// A parent asks online; a second request is refused saying what happens next;
// the coordinator sees it and logs it; a decision letter is sent with its
// appeal date and the family emailed; the family reads the letter; a
// mediation step is recorded and the certificate's date shown.
func TestEHCFlowPages(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	sarah, amira := flowClient(t, h, d, w.sarah), flowClient(t, h, d, w.amira)
	leo := w.leo
	check := func(name string, status int, body string, want int, says ...string) {
		t.Helper()
		if status != want {
			t.Errorf("%s: %d, want %d", name, status, want)
		}
		for _, s := range says {
			if !strings.Contains(body, s) {
				t.Errorf("%s: the page does not say %q", name, s)
			}
		}
	}
	st, body, _ := sarah("GET", "/family/children/"+leo+"/ehc/request", nil)
	check("the family's form", st, body, 200, "Ask for an EHC needs assessment", `name="reasons"`)
	if strings.Contains(body, "consent-by") {
		t.Error("a parent was asked for the family's consent")
	}
	st, body, _ = sarah("POST", "/family/children/"+leo+"/ehc/request", url.Values{"reasons": {"short"}})
	check("reasons too short", st, body, 422, `href="#reasons"`, "govuk-error-summary")
	reasons := "Leo's needs have changed since his plan: he now cannot cope in class for more than an hour."
	st, body, _ = sarah("POST", "/family/children/"+leo+"/ehc/request", url.Values{"reasons": {reasons}})
	check("sent", st, body, 200, "Request sent", "within 6 weeks")
	st, body, _ = sarah("POST", "/family/children/"+leo+"/ehc/request", url.Values{"reasons": {reasons}})
	check("asked twice", st, body, 409, "A request has already been made", "You do not need to ask again")
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_requests WHERE child_id = $1", leo); n != 1 {
		t.Errorf("%d requests stored, want 1", n)
	}

	st, body, _ = amira("GET", "/staff/children/"+leo+"/ehc", nil)
	check("the case page", st, body, 200, "Requests made online", "Log this request in the case", reasons[6:40])
	st, body, _ = amira("GET", "/staff/ehc/requests", nil)
	check("requests waiting", st, body, 200, "Leo Bennett")
	var rq string
	if err := d.QueryRow("SELECT id FROM ehc_requests WHERE child_id = $1", leo).Scan(&rq); err != nil {
		t.Fatal(err)
	}
	st, _, _ = amira("POST", "/staff/children/"+leo+"/ehc/requests/accept", url.Values{"request": {rq}})
	check("logging the request", st, "", 303)
	if n := dbtest.Count(t, d, "SELECT COUNT(*) FROM ehc_events WHERE channel = 'online' AND note LIKE 'Made online:%'"); n != 1 {
		t.Errorf("%d request events made online, want 1", n)
	}
	st, body, _ = amira("GET", "/staff/ehc/requests", nil)
	check("requests waiting, after", st, body, 200, "No requests are waiting")

	var finalPlan string
	if err := d.QueryRow(`SELECT e.id FROM ehc_events e JOIN ehc_cases k ON k.id = e.case_id WHERE k.child_id = $1 AND e.type = 'final_plan_issued'
		ORDER BY e.event_date DESC LIMIT 1`, leo).Scan(&finalPlan); err != nil {
		t.Fatal(err)
	}
	st, body, _ = amira("GET", "/staff/children/"+leo+"/ehc/letter", nil)
	check("the letter form", st, body, 200, "Send a decision letter", finalPlan)
	messages := func() int {
		return dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox WHERE reference LIKE 'ehc-letter:%'")
	}
	now := db.Now()
	form := url.Values{"event": {finalPlan}, "method": {"post"}, "reasons": {"The plan describes Leo's needs and the provision at Brookfield Primary."},
		"adviser": {DefaultAdviser}, "sent-day": {strconv.Itoa(now.Day())}, "sent-month": {strconv.Itoa(int(now.Month()))},
		"sent-year": {strconv.Itoa(now.Year())}, "sent-time": {"25:00"}}
	st, body, _ = amira("POST", "/staff/children/"+leo+"/ehc/letter", form)
	check("a time that is not one", st, body, 422, `href="#sent"`)
	form.Set("sent-time", "")
	form.Del("method")
	st, body, _ = amira("POST", "/staff/children/"+leo+"/ehc/letter", form)
	check("no method", st, body, 422, `href="#method"`)
	if messages() != 0 {
		t.Fatal("a refused letter wrote a message")
	}
	form.Set("method", "post")
	st, _, loc := amira("POST", "/staff/children/"+leo+"/ehc/letter", form)
	if st != 303 || !strings.Contains(loc, "/ehc/letters/") || messages() == 0 {
		t.Fatalf("sending the letter: %d to %q, %d messages", st, loc, messages())
	}
	st, body, _ = amira("GET", loc, nil)
	check("the letter, staff", st, body, 200, "The last day to appeal", "mediation adviser", "Civil Procedure Rules 6.26", "Record mediation or appeal")
	familyLetter := strings.Replace(loc, "/staff/", "/family/", 1)
	st, body, _ = sarah("GET", familyLetter, nil)
	check("the letter, family", st, body, 200, "The last day to appeal", "First-tier Tribunal")
	if strings.Contains(body, "Record mediation or appeal") {
		t.Error("the family was offered the staff form")
	}
	st, body, _ = sarah("GET", "/family/children/"+leo+"/ehc", nil)
	check("the family's page", st, body, 200, "Decision letters", "Appeal by")

	day := url.Values{"date-day": {strconv.Itoa(now.Day())}, "date-month": {strconv.Itoa(int(now.Month()))}, "date-year": {strconv.Itoa(now.Year())}}
	step := func(vals url.Values) url.Values {
		for k, v := range day {
			vals[k] = v
		}
		return vals
	}
	st, body, _ = amira("POST", loc+"/steps", step(url.Values{"step": {"hearing"}}))
	check("a hearing with no appeal", st, body, 422, `href="#date"`)
	st, _, _ = amira("POST", loc+"/steps", step(url.Values{"step": {"adviser_contacted"}, "outcome": {"declined"}}))
	check("the family declines mediation", st, "", 303)
	st, body, _ = amira("GET", loc, nil)
	check("after the adviser is told", st, body, 200, "must issue the certificate by", "R22")
	st, _, _ = sarah("POST", loc+"/steps", step(url.Values{"step": {"hearing"}}))
	check("a parent posting to the staff form", st, "", 403)
}
