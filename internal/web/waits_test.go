package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/session"
	"joinedup/internal/waitlist"
)

// waitsClient sends requests as one person, each with a fresh session.
type waitsClient struct {
	t      *testing.T
	h      http.Handler
	d      *db.DB
	person string
}

func (c waitsClient) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	c.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
	if method == http.MethodPost {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	secret, _, err := session.Create(context.Background(), c.d, c.person, "test", "waits", session.StaffTimeouts)
	if err != nil {
		c.t.Fatal(err)
	}
	r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	return rec
}

var daysShown = regexp.MustCompile(`\((\d+) days\)`)

// The staff list: longest waiters first, a page at a time, filters as they say,
// a bad filter named; each row says weeks waited, band and breaches in words.
func TestWaitsListPage(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	tom := waitsClient{t, h, d, w.tom}
	rec := tom.do("GET", "/staff/waits", nil)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "Speech and language therapy waiting list") {
		t.Fatalf("Tom's list: %d", rec.Code)
	}
	days := func(body string) []int {
		var out []int
		for _, m := range daysShown.FindAllStringSubmatch(body, -1) {
			n, _ := strconv.Atoi(m[1])
			out = append(out, n)
		}
		return out
	}
	shown := days(body)
	if len(shown) == 0 || len(shown) > waitsPageSize {
		t.Fatalf("%d rows on the first page", len(shown))
	}
	for i := 1; i < len(shown); i++ {
		if shown[i] > shown[i-1] {
			t.Errorf("not longest first: %d then %d days", shown[i-1], shown[i])
		}
	}
	// Leo has waited 280 days: 40 weeks, band >39 to 40, over 18 and 36 weeks.
	if !strings.Contains(body, "40 weeks (280 days)") || !strings.Contains(body, "More than 39, up to 40 weeks") || !strings.Contains(body, "Over 18 and 36 weeks") {
		t.Errorf("Leo's row does not say his wait in words")
	}
	// Over 18 weeks is more than 126 days.
	for _, n := range days(tom.do("GET", "/staff/waits?breach=18", nil).Body.String()) {
		if n <= 126 {
			t.Errorf("breach 18 shows a wait of %d days", n)
		}
	}
	for _, n := range days(tom.do("GET", "/staff/waits?band=36-52", nil).Body.String()) {
		if n <= 252 || n > 364 {
			t.Errorf("band 36-52 shows a wait of %d days", n)
		}
	}
	for q, field := range map[string]string{"priority=soonish": "priority", "locality=%3Cscript%3E": "locality", "band=1-2": "band"} {
		rec := tom.do("GET", "/staff/waits?"+q, nil)
		if rec.Code != 422 || !strings.Contains(rec.Body.String(), `href="#`+field+`"`) {
			t.Errorf("%s: %d, want 422 naming %s", q, rec.Code, field)
		}
	}
	// A page past the first: the rows follow on from page 1.
	total := dbtest.Count(t, d, "SELECT COUNT(*) FROM waitlist_referrals r JOIN waitlist_pathways p ON p.id = r.pathway_id WHERE p.service = 'salt'")
	if total > waitsPageSize {
		second := days(tom.do("GET", "/staff/waits?page=2", nil).Body.String())
		if len(second) > 0 && second[0] > shown[len(shown)-1] {
			t.Errorf("page 2 starts at %d days, after page 1 ended at %d", second[0], shown[len(shown)-1])
		}
	}
}

// Recording what happened on Leo's referral: each mistake named, nothing
// stored; a good event is stored, audited and shown in his history.
func TestWaitsRecordEvent(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	tom := waitsClient{t, h, d, w.tom}
	var ref string
	if err := d.QueryRow("SELECT id FROM waitlist_referrals WHERE child_id = $1", w.leo).Scan(&ref); err != nil {
		t.Fatal(err)
	}
	today := date.Today(db.Now())
	on := func(d date.Date) url.Values {
		return url.Values{"date-day": {strconv.Itoa(d.Day())}, "date-month": {strconv.Itoa(int(d.Month()))}, "date-year": {strconv.Itoa(d.Year())}}
	}
	with := func(v url.Values, kv ...string) url.Values {
		v.Set("referral", ref)
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	events := func() int {
		return dbtest.Count(t, d, "SELECT COUNT(*) FROM waitlist_events WHERE referral_id = $1", ref)
	}
	before := events()
	path := "/staff/children/" + w.leo + "/waits/event"
	for _, c := range []struct {
		name  string
		form  url.Values
		field string
		says  string
	}{
		{"nothing chosen", url.Values{}, "referral", "Choose the waiting list"},
		{"a stop without its reason", with(on(today), "type", "clock_stop"), "reason", "Choose why the clock stopped"},
		{"a transfer without a provider", with(on(today), "type", "transfer", "kind", "commissioned"), "provider", "Enter the provider"},
		{"tomorrow", with(on(today.AddDays(1)), "type", "appointment_attended"), "date", "after today"},
		{"before the referral", with(on(today.AddDays(-300)), "type", "appointment_attended"), "date", "before"},
		{"not a date", with(url.Values{"date-day": {"31"}, "date-month": {"2"}, "date-year": {"2026"}}, "type", "appointment_attended"), "date", "no day 31"},
	} {
		rec := tom.do("POST", path, c.form)
		if body := rec.Body.String(); rec.Code != 422 || !strings.Contains(body, `href="#`+c.field+`"`) || !strings.Contains(body, c.says) {
			t.Errorf("%s: %d, want 422 naming %s with %q", c.name, rec.Code, c.field, c.says)
		}
	}
	if events() != before {
		t.Fatalf("refused events stored %d rows", events()-before)
	}
	rec := tom.do("POST", path, with(on(today.AddDays(-1)), "type", "clock_stop", "reason", "treatment"))
	if rec.Code != 303 || events() != before+1 {
		t.Fatalf("a good stop: %d, %d stored", rec.Code, events()-before)
	}
	if dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE action = 'waitlist.event.add' AND child_id = $1 AND actor_id = $2", w.leo, w.tom) != 1 {
		t.Error("the event is not audited")
	}
	body := tom.do("GET", "/staff/children/"+w.leo+"/waits", nil).Body.String()
	if !strings.Contains(body, "Clock stopped: first definitive treatment") || !strings.Contains(body, "Appointment attended on") {
		t.Errorf("Leo's history does not show the stop")
	}
}

// A new referral: a duplicate for the same child and list is refused with a
// clear message; a missing answer is named; nothing is stored.
func TestWaitsReferralIntake(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	tom := waitsClient{t, h, d, w.tom}
	var salt string
	if err := d.QueryRow("SELECT pathway_id FROM waitlist_referrals WHERE child_id = $1", w.leo).Scan(&salt); err != nil {
		t.Fatal(err)
	}
	count := func() int { return dbtest.Count(t, d, "SELECT COUNT(*) FROM waitlist_referrals") }
	before := count()
	path := "/staff/children/" + w.leo + "/waits/refer"
	if rec := tom.do("GET", path, nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Speech and language therapy") {
		t.Fatalf("the form: %d", rec.Code)
	}
	rec := tom.do("POST", path, url.Values{})
	for _, f := range []string{"pathway", "received", "source", "priority", "priority_reason"} {
		if !strings.Contains(rec.Body.String(), `href="#`+f+`"`) {
			t.Errorf("an empty referral does not name %s", f)
		}
	}
	rec = tom.do("POST", path, url.Values{"pathway": {salt}, "source": {"gp"}, "priority": {"routine"}, "priority_reason": {"meets the criteria"},
		"received-day": {"1"}, "received-month": {"9"}, "received-year": {"2026"}})
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "already on the Speech and language therapy list, referred on") {
		t.Errorf("a duplicate: %d", rec.Code)
	}
	if count() != before {
		t.Errorf("refused referrals stored %d", count()-before)
	}
}

// The family view: which list, how long in words, the typical wait or that too
// few finished to say, support from the Local Offer, and a message to the team.
func TestWaitsFamilyView(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	sarah := waitsClient{t, h, d, w.sarah}
	path := "/family/children/" + w.leo + "/waits"
	rec := sarah.do("GET", path, nil)
	body := rec.Body.String()
	for _, want := range []string{"Speech and language therapy", "40 weeks", "Support while you wait for therapy", "If things get worse"} {
		if !strings.Contains(body, want) {
			t.Errorf("Sarah's page does not say %q", want)
		}
	}
	if !strings.Contains(body, "typically wait") {
		t.Error("no typical wait, nor that there are too few to say")
	}
	if rec := (waitsClient{t, h, d, w.kai}).do("GET", path, nil); rec.Code != 404 {
		t.Errorf("another family: %d, want 404", rec.Code)
	}
	rec = sarah.do("POST", path+"/changed", url.Values{})
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), `href="#body"`) {
		t.Errorf("an empty message: %d", rec.Code)
	}
	var ref string
	if err := d.QueryRow("SELECT id FROM waitlist_referrals WHERE child_id = $1", w.leo).Scan(&ref); err != nil {
		t.Fatal(err)
	}
	rec = sarah.do("POST", path+"/changed", url.Values{"referral": {ref}, "body": {"Leo has stopped speaking at school since half term."}})
	if rec.Code != 303 || !strings.Contains(sarah.do("GET", rec.Header().Get("Location"), nil).Body.String(), "The team has your message") {
		t.Fatalf("sending: %d", rec.Code)
	}
	if got := (waitsClient{t, h, d, w.tom}).do("GET", "/staff/children/"+w.leo+"/waits", nil).Body.String(); !strings.Contains(got, "Leo has stopped speaking at school since half term.") {
		t.Error("the team does not see the family's message")
	}
}

// The projection: bad capacity is named; a capacity that cannot keep up says
// so; the chart comes with its data table; the CSV has a row a month.
func TestWaitsProjectionPage(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	tom := waitsClient{t, h, d, w.tom}
	for _, c := range []struct{ q, says string }{
		{"capacity_per_week=0", "must be more than 0"},
		{"capacity_per_week=-3", "must be more than 0"},
		{"capacity_per_week=lots", "as a number"},
		{"capacity_per_week=NaN", "as a number"},
		{"capacity_per_week=", "how many children"},
		{"capacity_per_week=5&weeks=9999", "must be from 1 to 520"},
	} {
		rec := tom.do("GET", "/staff/waits/projection?"+c.q, nil)
		if body := rec.Body.String(); rec.Code != 422 || !strings.Contains(body, c.says) || !strings.Contains(body, `href="#`) {
			t.Errorf("%s: %d, want 422 saying %q", c.q, rec.Code, c.says)
		}
	}
	body := tom.do("GET", "/staff/waits/projection?capacity_per_week=0.01", nil).Body.String()
	if !strings.Contains(body, "never end at this capacity") {
		t.Error("a capacity of 0.01 a week does not say the long waits never end")
	}
	rec := tom.do("GET", "/staff/waits/projection?capacity_per_week=200&weeks=52", nil)
	body = rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "<svg") || !strings.Contains(body, `role="img"`) || !strings.Contains(body, "Month by month") {
		t.Fatalf("the projection: %d", rec.Code)
	}
	csv := tom.do("GET", "/staff/waits/projection.csv?capacity_per_week=200&weeks=52", nil)
	lines := strings.Split(strings.TrimSpace(csv.Body.String()), "\n")
	if csv.Code != 200 || !strings.HasPrefix(csv.Header().Get("Content-Type"), "text/csv") || lines[0] != "waiting_list,month,month_ending,waiting,over_52_weeks,over_104_weeks" {
		t.Fatalf("CSV: %d %q", csv.Code, lines[0])
	}
	if n := strings.Count(body, `<th scope="row"`); n != len(lines)-1 || n < 12 {
		t.Errorf("%d months in the table, %d in the CSV", n, len(lines)-1)
	}
}

// Waits in words, as families read them (issue 7: "1 year and 7 weeks").
func TestWaitWords(t *testing.T) {
	for _, c := range []struct {
		days int
		want string
	}{
		{0, "0 days"}, {1, "1 day"}, {6, "6 days"}, {7, "1 week"}, {13, "1 week"}, {14, "2 weeks"}, {280, "40 weeks"},
		{364, "52 weeks"}, {365, "1 year"}, {365 + 49, "1 year and 7 weeks"}, {730, "2 years"}, {730 + 7, "2 years and 1 week"},
	} {
		if got := waitWords(c.days); got != c.want {
			t.Errorf("%d days: %q, want %q", c.days, got, c.want)
		}
	}
	for _, c := range []struct {
		bs   []string
		want string
	}{{nil, "None"}, {[]string{"18"}, "Over 18 weeks"}, {[]string{"18", "36", "52"}, "Over 18, 36 and 52 weeks"}} {
		if got := breachWords(c.bs); got != c.want {
			t.Errorf("%v: %q, want %q", c.bs, got, c.want)
		}
	}
	// The NHS band: ceil(days/7), at least 1.
	for days, want := range map[int]string{0: "Up to 1 week", 7: "Up to 1 week", 8: "More than 1, up to 2 weeks", 280: "More than 39, up to 40 weeks"} {
		if got := bandWords(waitlist.WeeksBand(days)); got != want {
			t.Errorf("%d days: %q, want %q", days, got, want)
		}
	}
}

// The bulk transfer page: choosing nobody is named; choosing two moves both.
func TestWaitsBulkTransferPage(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	tom := waitsClient{t, h, d, w.tom}
	body := tom.do("GET", "/staff/waits/transfer?breach=18", nil).Body.String()
	ids := regexp.MustCompile(`name="referral" type="checkbox" value="([^"]+)"`).FindAllStringSubmatch(body, 2)
	if len(ids) != 2 {
		t.Fatalf("%d children to choose from", len(ids))
	}
	today := date.Today(db.Now())
	form := url.Values{"provider": {"Brightpath Assessment Services Ltd"}, "date-day": {strconv.Itoa(today.Day())}, "date-month": {strconv.Itoa(int(today.Month()))}, "date-year": {strconv.Itoa(today.Year())}}
	if rec := tom.do("POST", "/staff/waits/transfer", form); rec.Code != 422 || !strings.Contains(rec.Body.String(), `href="#referral"`) {
		t.Errorf("nobody chosen: %d", rec.Code)
	}
	form["referral"] = []string{ids[0][1], ids[1][1]}
	rec := tom.do("POST", "/staff/waits/transfer", form)
	if rec.Code != 303 || dbtest.Count(t, d, "SELECT COUNT(*) FROM waitlist_events WHERE type = 'transfer' AND kind = 'commissioned' AND referral_id IN ($1, $2)", ids[0][1], ids[1][1]) != 2 {
		t.Fatalf("transferring two: %d", rec.Code)
	}
	if !strings.Contains(tom.do("GET", rec.Header().Get("Location"), nil).Body.String(), "2 children were transferred") {
		t.Error("no confirmation")
	}
}

// The checks page names a child who moved away.
func TestWaitsChecksPage(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	if _, err := d.Exec("UPDATE children SET postcode = 'ZZ99 9ZZ' WHERE id = $1", w.leo); err != nil {
		t.Fatal(err)
	}
	body := (waitsClient{t, h, d, w.tom}).do("GET", "/staff/waits/checks", nil).Body.String()
	if !strings.Contains(body, "Leo Bennett") || !strings.Contains(body, "lives at ZZ99 9ZZ, outside the partnership") {
		t.Error("Leo, now living outside the area, is not named")
	}
}
