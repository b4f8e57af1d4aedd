package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	legacyrouter "github.com/getkin/kin-openapi/routers/legacy"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/secret"
	"joinedup/internal/session"
)

// apiSpec is the OpenAPI document the server serves, validated, with a router over it.
type apiSpec struct {
	doc    *openapi3.T
	router routers.Router
}

// apiCaller calls the API in process as people of the demo, each with a
// session of their own made on first use, and checks every answer against
// the OpenAPI document; each answer must be a JSON object.
type apiCaller struct {
	h        http.Handler
	d        *db.DB
	sp       apiSpec
	sessions map[string]string
}

func newAPICaller(h http.Handler, d *db.DB, sp apiSpec) *apiCaller {
	return &apiCaller{h: h, d: d, sp: sp, sessions: map[string]string{}}
}

// call sends body to method path as person ("" for no one), with header's
// name and value pairs, and returns the status and the decoded answer.
func (c *apiCaller) call(t *testing.T, person, method, path, body string, header ...string) (int, map[string]any) {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if method == "POST" {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	if person != "" {
		if c.sessions[person] == "" {
			secret, _, err := session.Create(context.Background(), c.d, person, "test", "api", session.StaffTimeouts)
			if err != nil {
				t.Fatal(err)
			}
			c.sessions[person] = secret
		}
		r.AddCookie(&http.Cookie{Name: "joinedup", Value: c.sessions[person]})
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, r)
	c.sp.check(t, r, rec)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: %d not a JSON object: %s", method, path, rec.Code, rec.Body)
	}
	return rec.Code, out
}

func loadAPISpec(t *testing.T, h http.Handler) apiSpec {
	t.Helper()
	r := httptest.NewRequest("GET", "/api/v1/openapi.json", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(w.Body.Bytes())
	if err != nil {
		t.Fatalf("the OpenAPI document does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is not valid OpenAPI 3: %v", err)
	}
	router, err := legacyrouter.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return apiSpec{doc, router}
}

// check validates a response against the document: a documented route's
// status and body against its operation, anything else against Error.
func (sp apiSpec) check(t *testing.T, r *http.Request, w *httptest.ResponseRecorder) {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q, want application/json", r.Method, r.URL, ct)
	}
	route, params, err := sp.router.FindRoute(r)
	if err != nil { // no such operation: the body must still be an Error
		var body any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Errorf("%s %s: %d not JSON: %s", r.Method, r.URL, w.Code, w.Body)
			return
		}
		if err := sp.doc.Components.Schemas["Error"].Value.VisitJSON(body); err != nil {
			t.Errorf("%s %s: %d is not an Error: %v", r.Method, r.URL, w.Code, err)
		}
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: w.Code, Header: w.Header(), Body: io.NopCloser(bytes.NewReader(w.Body.Bytes())),
		Options: in.Options})
	if err != nil {
		t.Errorf("%s %s: the %d response does not match the document: %v\n%s", r.Method, r.URL, w.Code, err, w.Body)
	}
}

// The document is valid OpenAPI, and it and the route table list the same
// /api/v1 routes with the same methods.
func TestOpenAPIDocumentMatchesRoutes(t *testing.T) {
	d := dbtest.SQLite(t)
	h, err := New(Config{DB: d})
	if err != nil {
		t.Fatal(err)
	}
	sp := loadAPISpec(t, h)
	var inTable, inDoc []string
	for _, rt := range Routes() {
		if method, path, _ := strings.Cut(rt.Pattern, " "); strings.HasPrefix(path, apiPrefix) {
			inTable = append(inTable, method+" "+path)
		}
	}
	for path, item := range sp.doc.Paths.Map() {
		for method := range item.Operations() {
			inDoc = append(inDoc, method+" "+path)
		}
	}
	slices.Sort(inTable)
	slices.Sort(inDoc)
	for _, p := range inTable {
		if !slices.Contains(inDoc, p) {
			t.Errorf("%s is in the route table but not in the OpenAPI document", p)
		}
	}
	for _, p := range inDoc {
		if !slices.Contains(inTable, p) {
			t.Errorf("%s is in the OpenAPI document but not in the route table", p)
		}
	}
	if len(inTable) < 6 {
		t.Errorf("only %d /api/v1 routes: %v", len(inTable), inTable)
	}
	if s := sp.doc.Components.SecuritySchemes["session"]; s == nil || s.Value.In != "cookie" || s.Value.Name != "joinedup" {
		t.Errorf("the session cookie is not the security scheme: %+v", s)
	}
}

// apiTestCase is one row of TestAPI's table.
type apiTestCase struct {
	name               string
	person             string
	method, path, body string
	header             []string
	want               int
	field              string // the field a 422 names
	action             string // the audit action one row of which it writes ("" none)
	stores             bool   // one row is stored (an event, a request, a letter or a step)
	check              func(t *testing.T, got map[string]any)
	late               func() (path, body string) // a path and body with ids known only once earlier cases have run
}

// The API on both databases: each endpoint's answer, refusals naming the
// field with nothing stored, children out of reach as 404, a family reading
// only their own child, an audit row for each read and change, and every
// answer (errors too) valid against the OpenAPI document.
func TestAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, w := matrixServer(t, d)
		sp := loadAPISpec(t, h)
		today := date.Today(db.Now())
		past := today.AddDays(-3).String()
		leoCase := "/api/v1/children/" + w.leo + "/ehc"
		events := "/api/v1/children/" + w.leo + "/ehc/events"
		call := newAPICaller(h, d, sp).call
		audited := func(actor, action string) int {
			return dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE actor_id = $1 AND action = $2", actor, action)
		}
		// stored counts the rows a change adds: events, online requests, letters and the steps after them.
		stored := func() int {
			return dbtest.Count(t, d, "SELECT (SELECT COUNT(*) FROM ehc_events) + (SELECT COUNT(*) FROM ehc_requests) + (SELECT COUNT(*) FROM ehc_letters) + (SELECT COUNT(*) FROM ehc_disputes)")
		}
		messages := func() int { return dbtest.Count(t, d, "SELECT COUNT(*) FROM outbox") }
		flow := apiFlowWorld(t, d, w)

		cases := []apiTestCase{
			// The caseload (GET /staff/ehc's filters): a coordinator's own cases; a manager's teams'.
			{name: "coordinator's caseload", person: w.amira, method: "GET", path: "/api/v1/ehc/cases", want: 200, action: "ehc.caseload.view",
				check: func(t *testing.T, got map[string]any) {
					if got["view"] != "mine" || len(list(got["cases"])) == 0 {
						t.Errorf("view %v with %d cases", got["view"], len(list(got["cases"])))
					}
				}},
			{name: "manager's team caseload due this week", person: w.daniel, method: "GET", path: "/api/v1/ehc/cases?due=week&limit=500", want: 200, action: "ehc.caseload.view",
				check: func(t *testing.T, got map[string]any) {
					for _, c := range list(got["cases"]) {
						next, _ := c.(map[string]any)["next"].(map[string]any)
						if due, _ := date.Parse(str2(next["due"])); next == nil || due.After(today.AddDays(7)) {
							t.Errorf("due this week lists a case next due %v", next)
						}
					}
					if got["view"] != "team" {
						t.Errorf("view %v, want team", got["view"])
					}
				}},
			{name: "a coordinator cannot ask for the team view", person: w.amira, method: "GET", path: "/api/v1/ehc/cases?view=team", want: 422, field: "view"},
			{name: "limit out of range", person: w.daniel, method: "GET", path: "/api/v1/ehc/cases?limit=0", want: 422, field: "limit"},
			{name: "an unknown filter is named", person: w.daniel, method: "GET", path: "/api/v1/ehc/cases?colour=red", want: 422, field: "colour"},
			{name: "a parent has no caseload", person: w.sarah, method: "GET", path: "/api/v1/ehc/cases", want: 403},
			{name: "nobody signed in", method: "GET", path: "/api/v1/ehc/cases", want: 401},

			// One child's case: every deadline with its rule, regulation and status (SEND Regulations 2014).
			{name: "coordinator reads the case", person: w.amira, method: "GET", path: leoCase, want: 200, action: "ehc.view",
				check: func(t *testing.T, got map[string]any) {
					c, _ := got["case"].(map[string]any)
					if c == nil || len(list(c["deadlines"])) == 0 || len(list(c["events"])) == 0 {
						t.Fatalf("no case, deadlines or events: %v", got)
					}
					for _, dl := range list(c["deadlines"]) {
						m := dl.(map[string]any)
						if str2(m["rule"]) == "" || str2(m["basis"]) == "" || str2(m["status"]) == "" || (m["due"] == nil && m["not_before"] == nil) {
							t.Errorf("a deadline without its rule, basis, status or date: %v", m)
						}
					}
					if ev := list(c["events"])[0].(map[string]any); str2(ev["recorded_by"]) == "" {
						t.Errorf("staff see who recorded an event: %v", ev)
					}
				}},
			{name: "coordinator reads the events", person: w.amira, method: "GET", path: events, want: 200, action: "ehc.view"},
			{name: "a child out of reach is missing", person: w.amira, method: "GET", path: "/api/v1/children/" + w.stranger + "/ehc", want: 404},
			{name: "a child that does not exist is missing", person: w.amira, method: "GET", path: "/api/v1/children/no-such-child/ehc/events", want: 404},
			{name: "a parent cannot use the staff address", person: w.sarah, method: "GET", path: leoCase, want: 403},

			// The family's view: their own child only; staff's names and notes left out.
			{name: "a parent reads their child's case", person: w.sarah, method: "GET", path: "/api/v1/family/children/" + w.leo + "/ehc", want: 200, action: "ehc.view",
				check: func(t *testing.T, got map[string]any) {
					c, _ := got["case"].(map[string]any)
					if c == nil || c["coordinator"] == nil {
						t.Fatalf("the family is not told who their coordinator is: %v", got)
					}
					for _, ev := range list(c["events"]) {
						if m := ev.(map[string]any); m["recorded_by"] != nil {
							t.Errorf("the family sees who recorded an event: %v", m)
						}
					}
				}},
			{name: "a parent cannot read another child", person: w.sarah, method: "GET", path: "/api/v1/family/children/" + w.stranger + "/ehc", want: 404},
			{name: "staff cannot use the family address", person: w.amira, method: "GET", path: "/api/v1/family/children/" + w.leo + "/ehc", want: 403},

			// Recording events: reg. 18-20 order, the clock's fields, nothing partial.
			{name: "a review meeting is recorded", person: w.amira, method: "POST", path: events, body: `{"type": "review_meeting", "date": "` + today.String() + `"}`,
				want: 201, action: "ehc.event.add", stores: true,
				check: func(t *testing.T, got map[string]any) {
					if got["type"] != "review_meeting" || got["date"] != today.String() || str2(got["id"]) == "" {
						t.Errorf("answer %v", got)
					}
				}},
			{name: "JSON with its charset is JSON", person: w.amira, method: "POST", path: events, body: `{"type": "review_report_sent", "date": "` + today.String() + `"}`,
				header: []string{"Content-Type", "application/json; charset=utf-8"}, want: 201, action: "ehc.event.add", stores: true},
			{name: "an exception is recorded with its from", person: w.amira, method: "POST", path: events,
				body: `{"type": "exception", "reason": "personal_circumstances", "from": "` + past + `", "note": "Letter from the family's GP about a stay in hospital"}`,
				want: 201, action: "ehc.event.add", stores: true,
				check: func(t *testing.T, got map[string]any) {
					if got["from"] != past || got["reason"] != "personal_circumstances" || got["date"] != nil {
						t.Errorf("answer %v", got)
					}
				}},
			{name: "a misspelt field is named", person: w.amira, method: "POST", path: events, body: `{"type": "review_meeting", "date": "` + past + `", "dat": "x"}`, want: 422, field: "dat"},
			{name: "a field of another type is named", person: w.amira, method: "POST", path: events, body: `{"type": "review_meeting", "date": "` + past + `", "outcome": "maintain"}`, want: 422, field: "outcome"},
			{name: "a date that does not exist", person: w.amira, method: "POST", path: events, body: `{"type": "review_meeting", "date": "2026-02-30"}`, want: 422, field: "date"},
			{name: "a date in the future", person: w.amira, method: "POST", path: events, body: `{"type": "review_meeting", "date": "` + today.AddDays(2).String() + `"}`, want: 422, field: "date"},
			{name: "a number for a date", person: w.amira, method: "POST", path: events, body: `{"type": "review_meeting", "date": 20260101}`, want: 422, field: "date"},
			{name: "no type", person: w.amira, method: "POST", path: events, body: `{}`, want: 422, field: "type"},
			{name: "an outcome not allowed", person: w.amira, method: "POST", path: events, body: `{"type": "review_decision", "date": "` + past + `", "outcome": "abandon"}`, want: 422, field: "outcome"},
			{name: "advice received from a body never asked", person: w.amira, method: "POST", path: events, body: `{"type": "advice_received", "date": "` + past + `", "contributor": "Nobody asked"}`, want: 422, field: "date"},
			{name: "a refusal without reasons", person: w.amira, method: "POST", path: events, body: `{"type": "exception", "reason": "absent_from_area", "from": "` + past + `"}`, want: 422, field: "note"},
			{name: "not JSON", person: w.amira, method: "POST", path: events, body: `{"type": `, want: 400},
			{name: "not an object", person: w.amira, method: "POST", path: events, body: `[]`, want: 400},
			{name: "two objects", person: w.amira, method: "POST", path: events, body: `{} {}`, want: 400},
			{name: "a form, not JSON", person: w.amira, method: "POST", path: events, body: `type=review_meeting`, header: []string{"Content-Type", "application/x-www-form-urlencoded"}, want: 415},
			{name: "too large", person: w.amira, method: "POST", path: events, body: `{"type": "review_meeting", "note": "` + strings.Repeat("x", apiBodyLimit) + `"}`, want: 413},
			{name: "from another site", person: w.amira, method: "POST", path: events, body: `{"type": "review_meeting", "date": "` + past + `"}`, header: []string{"Sec-Fetch-Site", "cross-site"}, want: 403},
			{name: "a child out of reach, whatever the input", person: w.amira, method: "POST", path: "/api/v1/children/" + w.stranger + "/ehc/events", body: `{"type": "review_meeting", "date": "` + past + `"}`, want: 404},
			// The plan's own events go with the plan document or a letter: refused here, naming the route to use.
			{name: "a final plan with no plan and no letter (reg 13; CFA 2014 s51(2)(c))", person: w.amira, method: "POST", path: events,
				body: `{"type": "final_plan_issued", "date": "` + past + `"}`, want: 422, field: "type", check: routeNamed("/ehc/plan/issue (kind final)")},
			{name: "a decision not to issue a plan with no letter (reg 10; s51(2)(b))", person: w.amira, method: "POST", path: events,
				body: `{"type": "no_plan_decision", "date": "` + past + `", "note": "The school can meet his needs"}`, want: 422, field: "type", check: routeNamed("/ehc/plan/no-plan")},
			{name: "a draft with no plan (reg 12-13)", person: w.amira, method: "POST", path: events,
				body: `{"type": "draft_plan_issued", "date": "` + past + `"}`, want: 422, field: "type", check: routeNamed("/ehc/plan/issue (kind draft)")},
			{name: "proposed amendments with none proposed (reg 22(2))", person: w.amira, method: "POST", path: events,
				body: `{"type": "amendment_notice", "date": "` + past + `"}`, want: 422, field: "type", check: routeNamed("/ehc/plan/amendment/notice")},
			{name: "an amended plan with no plan and no letter (reg 22(3))", person: w.amira, method: "POST", path: events,
				body: `{"type": "amended_plan_issued", "date": "` + past + `"}`, want: 422, field: "type", check: routeNamed("/ehc/plan/amendment/issue")},
			{name: "a plan's event for a child out of reach is missing", person: w.amira, method: "POST", path: "/api/v1/children/" + w.stranger + "/ehc/events",
				body: `{"type": "final_plan_issued", "date": "` + past + `"}`, want: 404},
			{name: "a parent cannot record", person: w.sarah, method: "POST", path: events, body: `{"type": "review_meeting", "date": "` + past + `"}`, want: 403},
			{name: "nobody signed in cannot record", method: "POST", path: events, body: `{"type": "review_meeting", "date": "` + past + `"}`, want: 401},

			{name: "no such address", person: w.amira, method: "GET", path: "/api/v1/no-such-thing", want: 404},
			{name: "a method the address does not take", person: w.amira, method: "DELETE", path: events, want: 405},
		}
		// Online requests, decision letters, mediation and appeal (api_flow_test.go).
		cases = append(cases, apiFlowCases(flow, w, today)...)
		for _, c := range cases {
			if c.late != nil {
				c.path, c.body = c.late()
			}
			t.Run(c.name, func(t *testing.T) {
				before, beforeMessages, beforeAudit := stored(), messages(), 0
				if c.action != "" {
					beforeAudit = audited(c.person, c.action)
				}
				got, body := call(t, c.person, c.method, c.path, c.body, c.header...)
				if got != c.want {
					t.Fatalf("%d, want %d: %v", got, c.want, body)
				}
				if c.want >= 400 {
					e, _ := body["error"].(map[string]any)
					if e == nil || str2(e["code"]) == "" || str2(e["message"]) == "" {
						t.Errorf("not the error shape: %v", body)
					}
					if c.field != "" {
						var named []string
						for _, f := range list(e["fields"]) {
							named = append(named, str2(f.(map[string]any)["field"]))
						}
						if !slices.Contains(named, c.field) {
							t.Errorf("the error names %v, want %q: %v", named, c.field, e)
						}
					}
				}
				if n := stored() - before; (n == 1) != c.stores || n > 1 {
					t.Errorf("%d rows stored", n)
				}
				if n := messages() - beforeMessages; c.want >= 400 && n != 0 {
					t.Errorf("a refusal wrote %d messages", n)
				}
				if c.action != "" {
					if n := audited(c.person, c.action) - beforeAudit; n != 1 {
						t.Errorf("%d audit rows %s, want 1", n, c.action)
					}
				}
				if c.check != nil {
					c.check(t, body)
				}
			})
		}

		// Paging: the second page of one is the second case of the whole list.
		_, all := call(t, w.daniel, "GET", "/api/v1/ehc/cases?limit=500", "")
		_, page := call(t, w.daniel, "GET", "/api/v1/ehc/cases?limit=1&offset=1", "")
		if len(list(all["cases"])) < 2 || len(list(page["cases"])) != 1 || page["total"] != all["total"] {
			t.Fatalf("paging: %d of %v, then %d of %v", len(list(all["cases"])), all["total"], len(list(page["cases"])), page["total"])
		}
		if a, b := list(all["cases"])[1].(map[string]any)["case_id"], list(page["cases"])[0].(map[string]any)["case_id"]; a != b {
			t.Errorf("offset 1 is case %v, want %v", b, a)
		}
	})
}

func list(v any) []any { l, _ := v.([]any); return l }

// routeNamed checks that an error's type field says to use the route ending so.
func routeNamed(suffix string) func(t *testing.T, got map[string]any) {
	return func(t *testing.T, got map[string]any) {
		t.Helper()
		e, _ := got["error"].(map[string]any)
		for _, f := range list(e["fields"]) {
			if m := f.(map[string]any); m["field"] == "type" && strings.Contains(str2(m["message"]), "use POST /api/v1/children/") &&
				strings.Contains(str2(m["message"]), suffix) {
				return
			}
		}
		t.Errorf("the error does not name the route …%s: %v", suffix, e)
	}
}

func str2(v any) string { s, _ := v.(string); return s }

// A failing database under /api/v1 is a JSON 500 with the reference only;
// the cause goes to the log.
func TestAPIFailingDatabaseSaysNothingButAReference(t *testing.T) {
	s := newSite(t)
	s.db.Close()
	w := s.get(t, "/api/v1/ehc/cases", "Cookie", "joinedup="+secret.New()) // well formed, so looked up
	var body apiErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != http.StatusInternalServerError || body.Error == nil {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if body.Error.Code != "internal" || !strings.Contains(body.Error.Message, w.Header().Get("X-Request-Id")) || strings.Contains(w.Body.String(), "closed") {
		t.Errorf("the answer %s, with reference %s", w.Body, w.Header().Get("X-Request-Id"))
	}
	if !strings.Contains(s.logs.String(), "database is closed") {
		t.Errorf("the cause is not logged:\n%s", s.logs.String())
	}
}
