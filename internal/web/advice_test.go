package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"joinedup/internal/access"
	"joinedup/internal/advice"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/session"
)

// adviceMatrix is the access matrix of the health advice pages (issue 5).
// {rid} is an open request to Tom's team for a child Amira coordinates
// (freshAdvice), so every state's actor meets the same request: Amira and
// Daniel reach it through the child, Tom through his team; families and
// anyone else are refused by the route's permission; nobody here is a team
// lead or the DCO. An empty form is refused naming what is missing.
var adviceMatrix = func() map[string]map[string]int {
	amira := []string{"allocated coordinator", "coordinator, no relationship", "coordinator, break-glass"}
	tom := []string{"therapist, referral accepted", "therapist, referral revoked", "therapist, consent withdrawn"}
	m := func(def int, get bool, sets ...any) map[string]int {
		out := map[string]int{"": def}
		if get {
			out["anonymous"], out["disabled account"] = 303, 303
		}
		for i := 0; i < len(sets); i += 2 {
			for _, s := range sets[i].([]string) {
				out[s] = sets[i+1].(int)
			}
		}
		return out
	}
	daniel := []string{"manager, owning team"}
	return map[string]map[string]int{
		"GET /staff/children/{id}/advice/request": {"": 403, "anonymous": 303, "disabled account": 303, "allocated coordinator": 200,
			"manager, owning team": 200, "coordinator, no relationship": 404},
		"POST /staff/children/{id}/advice/request":  {"": 403, "allocated coordinator": 422, "manager, owning team": 422, "coordinator, no relationship": 404},
		"GET /staff/advice":                         m(403, true, tom, 200),
		"GET /staff/advice/{rid}":                   m(403, true, amira, 200, daniel, 200, tom, 200),
		"POST /staff/advice/{rid}/assign":           m(403, false),
		"POST /staff/advice/{rid}/withdraw":         m(403, false, amira, 422, daniel, 422),
		"GET /staff/advice/{rid}/answer":            m(403, true, tom, 200),
		"POST /staff/advice/{rid}/answer":           m(403, false, tom, 422),
		"GET /staff/advice/{rid}/attachments/{aid}": m(403, true, amira, 404, daniel, 404, tom, 404), // {aid} is none of its attachments
		"GET /staff/advice-dashboard":               m(403, true),
		"GET /staff/advice-dashboard.csv":           m(403, true),
		"GET /staff/advice-quality.csv":             m(403, true),
		"GET /staff/advice-sample":                  m(403, true),
		"GET /staff/advice-assurance":               m(403, true),
		"GET /staff/advice/{rid}/assure":            m(403, true),
		"POST /staff/advice/{rid}/assure":           m(403, false),
	}
}()

// adviceChild is a child on SEN support with no EHC case and nobody linked,
// now owned by Amira's council with Amira as named contact, whose assessment
// is under way: a request on 1 October and a decision to assess on 20 October.
func adviceChild(t *testing.T, d *db.DB, amiraID string) string {
	t.Helper()
	ctx := context.Background()
	var child, council string
	if err := d.QueryRow(`SELECT c.id FROM children c WHERE c.sen_provision = 'sen_support'
		AND NOT EXISTS (SELECT 1 FROM ehc_cases k WHERE k.child_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM care_team ct LEFT JOIN organisations o ON o.id = ct.organisation_id
			WHERE ct.child_id = c.id AND (ct.person_id IS NOT NULL OR o.kind = 'nhs_team')) ORDER BY c.id LIMIT 1`).Scan(&child); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRow("SELECT organisation_id FROM people WHERE id = $1", amiraID).Scan(&council); err != nil {
		t.Fatal(err)
	}
	amira, err := access.LoadActor(ctx, d, amiraID)
	if err != nil {
		t.Fatal(err)
	}
	err = d.Transact(ctx, func(tx *sql.Tx) error {
		start := db.Now().Add(-24 * time.Hour)
		if _, err := access.AddLink(ctx, tx, access.Link{ChildID: child, OrganisationID: council, Reason: access.Owner,
			Purpose: "EHC needs assessment casework", GrantedBy: "test", StartsAt: start}); err != nil {
			return err
		}
		_, err := access.AddLink(ctx, tx, access.Link{ChildID: child, PersonID: amiraID, Reason: access.Allocated,
			Purpose: access.NamedContact, GrantedBy: "test", StartsAt: start})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []casework.Input{{Type: "request_received", Date: date.Of(2026, 10, 1), Code: "parent", Channel: "letter"},
		{Type: "assessment_decision", Date: date.Of(2026, 10, 20), Code: "assess"}} {
		if _, err := casework.Add(ctx, d, amira, child, in); err != nil {
			t.Fatal(err)
		}
	}
	return child
}

// freshAdvice fills {rid} with the open request to Tom's team, made once.
func (w matrixPeople) freshAdvice(t *testing.T, d *db.DB, path string) string {
	t.Helper()
	if !strings.Contains(path, "{rid}") {
		return path
	}
	// Amira's own open request to Tom's team: the matrix's expectations are
	// those of the coordinator who asked and of the team asked.
	ctx := context.Background()
	tom, _ := access.LoadActor(ctx, d, w.tom)
	var rid string
	err := d.QueryRow("SELECT id FROM advice_requests WHERE status = 'open' AND requested_by = $1 AND team_id = $2 ORDER BY requested_at, id LIMIT 1",
		w.amira, tom.TeamID).Scan(&rid)
	if errors.Is(err, sql.ErrNoRows) {
		child := adviceChild(t, d, w.amira)
		amira, _ := access.LoadActor(ctx, d, w.amira)
		r, err2 := advice.Ask(ctx, d, amira, child, advice.RequestInput{TeamID: tom.TeamID, Question: "Advice on communication needs",
			Consent: "Mother agreed by phone", Sent: date.Of(2026, 10, 22)})
		rid, err = r.ID, err2
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(strings.ReplaceAll(path, "{rid}", rid), "{aid}", "no-such-attachment")
}

// The whole round through the forms: a coordinator's empty request is
// refused naming each field and storing nothing; a good one lands in the
// team's queue; the clinician's advice with unquantified provision is
// refused at that row; good advice goes to the DCO, whose rating and
// feedback the clinician then reads; a withdrawn request tells its team so.
func TestAdviceThroughTheForms(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	old := db.Now
	t.Cleanup(func() { db.Now = old })
	db.Now = func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }
	child := adviceChild(t, d, w.amira)
	var grace, tomTeam, otTeam, otPerson string
	for _, q := range []struct {
		sql  string
		into *string
	}{
		{"SELECT p.id FROM people p JOIN role_grants g ON g.person_id = p.id WHERE g.role = 'designated_clinical_officer' ORDER BY p.given_name = 'Grace' DESC, p.id LIMIT 1", &grace},
		{"SELECT organisation_id FROM people WHERE id = '" + w.tom + "'", &tomTeam},
		{"SELECT id FROM organisations WHERE name = 'Children''s Occupational Therapy' ORDER BY id LIMIT 1", &otTeam},
	} {
		if err := d.QueryRow(q.sql).Scan(q.into); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.QueryRow("SELECT person_id FROM role_grants g JOIN people p ON p.id = g.person_id WHERE p.organisation_id = $1 AND g.role = 'health_professional' ORDER BY p.id LIMIT 1", otTeam).Scan(&otPerson); err != nil {
		t.Fatal(err)
	}
	send := func(person, method, path string, form url.Values) (int, string, string) {
		t.Helper()
		secret, _, err := session.Create(context.Background(), d, person, "test", "advice", session.StaffTimeouts)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		if method == http.MethodPost {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code, rec.Body.String(), rec.Header().Get("Location")
	}
	rows := func() int {
		return dbtest.Count(t, d, "SELECT (SELECT COUNT(*) FROM advice_requests) + (SELECT COUNT(*) FROM advice_submissions) + (SELECT COUNT(*) FROM ehc_events)")
	}

	before := rows()
	status, body, _ := send(w.amira, "POST", "/staff/children/"+child+"/advice/request", url.Values{})
	if status != 422 || rows() != before {
		t.Fatalf("an empty request: %d, %d rows stored", status, rows()-before)
	}
	for _, f := range []string{"team", "question", "consent", "sent"} {
		if !strings.Contains(body, `href="#`+f+`"`) {
			t.Errorf("the empty request's summary does not link to %s", f)
		}
	}
	status, body, _ = send(w.amira, "POST", "/staff/children/"+child+"/advice/request", url.Values{"team": {tomTeam},
		"question": {"Advice on communication needs"}, "consent": {"Mother agreed by phone on 21 October"},
		"sent-day": {"31"}, "sent-month": {"9"}, "sent-year": {"2026"}})
	if status != 422 || !strings.Contains(body, "month has no day 31") || rows() != before {
		t.Errorf("31 September: %d", status)
	}
	status, _, loc := send(w.amira, "POST", "/staff/children/"+child+"/advice/request", url.Values{"team": {tomTeam},
		"question": {"Advice on communication needs"}, "consent": {"Mother agreed by phone on 21 October"},
		"sent-day": {"22"}, "sent-month": {"10"}, "sent-year": {"2026"}})
	rid := strings.TrimPrefix(loc, "/staff/advice/")
	if status != 303 || rid == "" || rid == loc {
		t.Fatalf("a good request: %d to %q", status, loc)
	}
	if _, body, _ := send(w.tom, "GET", "/staff/advice", nil); !strings.Contains(body, "/staff/advice/"+rid) || !strings.Contains(body, "3 December 2026") {
		t.Errorf("Tom's queue does not list the request due 3 December 2026")
	}
	if status, _, _ := send(otPerson, "GET", "/staff/advice/"+rid, nil); status != 404 {
		t.Errorf("another team's clinician opens the request: %d", status)
	}

	answer := url.Values{"need-1-body": {"Finds it hard to follow instructions of more than two steps"}, "need-1-source": {"SLT assessment, 3 November 2026"},
		"provision-1-body": {"Direct therapy on following instructions"}, "provision-1-who": {"Speech and language therapist"},
		"provision-1-how-often": {""}, "provision-1-how-long": {"Two terms"}, "provision-1-source": {"SLT assessment, 3 November 2026"},
		"outcome-1-body": {"Follows three-step instructions in class by July 2027"}, "outcome-1-source": {"Agreed with the class teacher"},
		"view-1-body": {"Likes pictures with instructions"}, "view-1-source": {"Conversation with the child"}}
	before = rows()
	status, body, _ = send(w.tom, "POST", "/staff/advice/"+rid+"/answer", answer)
	if status != 422 || !strings.Contains(body, `href="#provision-1-how-often"`) || rows() != before {
		t.Errorf("provision with no frequency: %d", status)
	}
	answer.Set("provision-1-how-often", "30 minutes weekly")
	// Reports go as multipart: a file that is not a PDF is refused, naming it; a PDF is kept with its checksum.
	upload := func(name string, content []byte) (int, string) {
		t.Helper()
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range answer {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		fw, _ := mw.CreateFormFile("attachment", name)
		fw.Write(content)
		mw.Close()
		secret, _, err := session.Create(context.Background(), d, w.tom, "test", "advice", session.StaffTimeouts)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("POST", "/staff/advice/"+rid+"/answer", &buf)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code, rec.Body.String()
	}
	before = rows()
	if status, body := upload("report.pdf", []byte("<html>not a report</html>")); status != 422 || !strings.Contains(body, `href="#attachment"`) || rows() != before {
		t.Errorf("a web page named report.pdf: %d", status)
	}
	if status, _ := upload("SLT report.pdf", []byte("%PDF-1.4\n%%EOF\n")); status != 303 {
		t.Fatalf("good advice with its report: %d", status)
	}
	var aid string
	if err := d.QueryRow("SELECT id FROM advice_attachments WHERE name = 'SLT report.pdf'").Scan(&aid); err != nil {
		t.Fatal(err)
	}
	if status, body, _ := send(grace, "GET", "/staff/advice/"+rid+"/attachments/"+aid, nil); status != 200 || body != "%PDF-1.4\n%%EOF\n" {
		t.Errorf("the DCO downloads the report: %d", status)
	}
	if _, body, _ = send(grace, "GET", "/staff/advice-assurance", nil); !strings.Contains(body, "/staff/advice/"+rid+"/assure") {
		t.Errorf("the DCO's list does not offer the advice")
	}
	status, body, _ = send(grace, "POST", "/staff/advice/"+rid+"/assure", url.Values{"version": {"1"}, "rating-needs": {"green"}})
	if status != 422 || !strings.Contains(body, `href="#rating-provision"`) || !strings.Contains(body, `href="#feedback"`) {
		t.Errorf("a partial review: %d", status)
	}
	if status, body, _ := send(grace, "GET", "/staff/advice-dashboard.csv", nil); status != 200 || !strings.HasPrefix(body, "month_received,provider,team,") ||
		!strings.Contains(body, "\n2026-10,") || !strings.Contains(body, ",Children's Speech and Language Therapy,") {
		t.Errorf("the dashboard's CSV: %d %.200s", status, body)
	}
	// The ratings spreadsheet: November's row for Tom's team, column by column.
	november := func() map[string]int {
		t.Helper()
		status, body, _ := send(grace, "GET", "/staff/advice-quality.csv", nil)
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || status != 200 || len(recs) == 0 || strings.Join(recs[0][:6], ",") != "month,provider,team,reviews,resubmissions,resubmissions_after_red" {
			t.Fatalf("the ratings CSV: %d %v %.200s", status, err, body)
		}
		out := map[string]int{}
		for _, rec := range recs[1:] {
			if rec[0] == "2026-11" && rec[2] == "Children's Speech and Language Therapy" {
				for i, col := range recs[0][3:] {
					n, _ := strconv.Atoi(rec[i+3])
					out[col] += n
				}
			}
		}
		return out
	}
	ratedBefore := november()
	review := url.Values{"version": {"1"}, "feedback": {"Say what 'receptive language' means for the family"}}
	for _, c := range []string{"needs", "provision", "outcomes", "jargon", "voice", "timeliness"} {
		review.Set("rating-"+c, "green")
	}
	review.Set("rating-jargon", "amber")
	if status, _, _ = send(grace, "POST", "/staff/advice/"+rid+"/assure", review); status != 303 {
		t.Fatalf("the review: %d", status)
	}
	after := november()
	for col, want := range map[string]int{"reviews": 1, "needs_green": 1, "provision_green": 1, "outcomes_green": 1, "jargon_amber": 1,
		"voice_green": 1, "timeliness_green": 1, "needs_red": 0, "jargon_green": 0, "resubmissions": 0} {
		if got := after[col] - ratedBefore[col]; got != want {
			t.Errorf("the ratings CSV, November, %s: +%d, want +%d", col, got, want)
		}
	}
	// The monthly audit sample: November's holds the advice just rated; a month not begun is refused naming it.
	if status, body, _ := send(grace, "GET", "/staff/advice-sample?month=2026-11", nil); status != 200 || !strings.Contains(body, `href="/staff/advice/`+rid+`"`) ||
		!strings.Contains(body, "Rated: 0 red, 1 amber, 5 green") {
		t.Errorf("November's audit sample: %d, or without the advice just rated", status)
	}
	if status, body, _ := send(grace, "GET", "/staff/advice-sample?month=2027-01", nil); status != 422 || !strings.Contains(body, `href="#month"`) {
		t.Errorf("a month not begun: %d", status)
	}
	if _, body, _ = send(grace, "GET", "/staff/advice-dashboard", nil); !strings.Contains(body, "Ratings by month and criterion, every team") ||
		!strings.Contains(body, "Free of jargon") {
		t.Errorf("the dashboard does not show the ratings over time")
	}
	if _, body, _ = send(w.tom, "GET", "/staff/advice/"+rid, nil); !strings.Contains(body, "receptive language") || !strings.Contains(body, "Revise the advice") {
		t.Errorf("Tom does not see the feedback with a way to revise")
	}
	if _, body, _ = send(w.tom, "GET", "/staff/advice/"+rid+"/answer", nil); !strings.Contains(body, "30 minutes weekly") {
		t.Errorf("the revision does not start from the last version")
	}

	// A request withdrawn: its team is told, plainly, and nothing it sends is kept.
	status, _, loc = send(w.amira, "POST", "/staff/children/"+child+"/advice/request", url.Values{"team": {otTeam},
		"question": {"Advice on fine motor skills"}, "consent": {"Mother agreed by phone"},
		"sent-day": {"2"}, "sent-month": {"11"}, "sent-year": {"2026"}})
	if status != 303 {
		t.Fatalf("a request to OT: %d", status)
	}
	ot := strings.TrimPrefix(loc, "/staff/advice/")
	if status, _, _ = send(w.amira, "POST", "/staff/advice/"+ot+"/withdraw", url.Values{"reason": {"The family moved out of the area"}}); status != 303 {
		t.Fatalf("withdrawal: %d", status)
	}
	before = rows()
	status, body, _ = send(otPerson, "POST", "/staff/advice/"+ot+"/answer", answer)
	if status != 409 || !strings.Contains(body, "withdrawn on 22 November 2026") || rows() != before {
		t.Errorf("advice after withdrawal: %d", status)
	}
}

// The team's queue a page at a time (issue 5): 50 a page soonest due first,
// the filters kept by the pagination's links, past the last page a way
// back, and a page number that is not one refused naming it (422).
func TestAdviceQueuePages(t *testing.T) {
	d := dbtest.SQLite(t)
	h, w := matrixServer(t, d)
	ctx := context.Background()
	tom, err := access.LoadActor(ctx, d, w.tom)
	if err != nil {
		t.Fatal(err)
	}
	open := dbtest.Count(t, d, "SELECT COUNT(*) FROM advice_requests WHERE team_id = $1 AND status = 'open'", tom.TeamID)
	today := date.Today(db.Now())
	err = d.Load(ctx, func(l *db.Loader) error { // 60 more, as the demo loads its own, due from 30 days ago, none assigned
		rows, err := l.Tx().QueryContext(ctx, `SELECT c.id FROM children c WHERE NOT EXISTS (SELECT 1 FROM advice_requests r
			WHERE r.child_id = c.id AND r.status = 'open') ORDER BY c.id LIMIT 60`)
		if err != nil {
			return err
		}
		var kids []string
		for rows.Next() {
			var id string
			rows.Scan(&id)
			kids = append(kids, id)
		}
		rows.Close()
		for i, child := range kids {
			due := today.AddDays(-30 + i)
			link := access.Link{ID: uuid.NewString(), ChildID: child, OrganisationID: tom.TeamID, Reason: access.Referral,
				Purpose: advice.LinkPurpose, GrantedBy: w.amira, StartsAt: due.AddDays(-42).Time()}
			if err := access.LoadLink(l, link); err != nil {
				return err
			}
			if err := l.Add("advice_requests", []string{"id", "child_id", "team_id", "contributor", "question", "consent", "sent_on",
				"received_on", "due_on", "status", "link_id", "requested_event_id", "requested_by", "requested_at"},
				uuid.NewString(), child, tom.TeamID, "Children's Speech and Language Therapy", "Advice on communication needs",
				"The family agreed on the request form", due.AddDays(-42), due.AddDays(-42), due, advice.Open, link.ID,
				uuid.NewString(), w.amira, due.AddDays(-42).Time()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total := open + 60
	get := func(path string) (int, string) {
		t.Helper()
		secret, _, err := session.Create(ctx, d, w.tom, "test", "queue", session.StaffTimeouts)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", path, nil)
		r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec.Code, rec.Body.String()
	}
	rows := func(body string) int { return strings.Count(body, `href="/staff/advice/`) }
	code, first := get("/staff/advice")
	if code != 200 || rows(first) != adviceQueuePerPage || !strings.Contains(first, strconv.Itoa(total)+" open requests") ||
		!strings.Contains(first, "1 to 50 are shown") || !strings.Contains(first, `href="/staff/advice?page=2" rel="next"`) ||
		!strings.Contains(first, "Overdue</strong>") {
		t.Errorf("page 1: %d, %d rows, or no count, overdue tag or link to page 2", code, rows(first))
	}
	last := (total + adviceQueuePerPage - 1) / adviceQueuePerPage
	code, end := get("/staff/advice?page=" + strconv.Itoa(last))
	if want := total - (last-1)*adviceQueuePerPage; code != 200 || rows(end) != want || strings.Contains(end, `rel="next"`) {
		t.Errorf("page %d: %d, %d rows (want %d), or a next link", last, code, rows(end), want)
	}
	code, body := get("/staff/advice?assigned=none&overdue=yes")
	if unassignedOverdue := dbtest.Count(t, d, "SELECT COUNT(*) FROM advice_requests WHERE team_id = $1 AND status = 'open' AND assigned_to IS NULL AND due_on < $2",
		tom.TeamID, today); code != 200 || !strings.Contains(body, strconv.Itoa(unassignedOverdue)+" open request") || !strings.Contains(body, "all overdue") {
		t.Errorf("not assigned and overdue: %d, want %d counted", code, unassignedOverdue)
	}
	if code, body := get("/staff/advice?assigned=none&page=2"); code != 200 || strings.Contains(body, `rel="next"`) && !strings.Contains(body, "assigned=none&amp;page=3") {
		t.Errorf("not assigned, page 2: %d, or its links lose the filter", code)
	}
	code, past := get("/staff/advice?page=" + strconv.Itoa(last+1))
	if code != 200 || rows(past) != 0 || !strings.Contains(past, "There are no more on this page") || !strings.Contains(past, `href="/staff/advice"`) {
		t.Errorf("past the last page: %d, %d rows", code, rows(past))
	}
	for _, bad := range []string{"0", "-1", "two", "1e3"} {
		if code, body := get("/staff/advice?page=" + bad); code != 422 || !strings.Contains(body, "There is no page") {
			t.Errorf("page=%s: %d, want a 422 naming the page", bad, code)
		}
	}
	if code, body := get("/staff/advice?assigned=everyone"); code != 422 || !strings.Contains(body, "assigned to you") {
		t.Errorf("an unknown filter: %d, want a 422 naming it", code)
	}
}
