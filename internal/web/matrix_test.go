package web

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/db/dbtest"
	"joinedup/internal/demo"
	"joinedup/internal/session"
)

// A state is an actor in a relationship with a child: who makes the request
// and which child's record the {id} in the address names.
type state struct {
	name  string
	actor string // person id; "" is nobody signed in
	child string
}

// TestAccessMatrix runs every route in the table as every kind of actor in
// every relationship state the access model knows, and checks the status
// each must get: 200 (or the page's own success), 303 to sign in, 403, 404.
// Every successful read of a child's record must have written an audit row.
// The expectations are written out by hand from the rules (access.go), not
// computed from Decide, so this test can disagree with the code.
func TestAccessMatrix(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, w := matrixServer(t, d)
		states := []state{
			{"anonymous", "", w.leo},
			{"allocated coordinator", w.amira, w.leo},
			{"coordinator, no relationship", w.amira, w.stranger},
			{"manager, owning team", w.daniel, w.leo},
			{"therapist, referral accepted", w.tom, w.leo},
			{"therapist, referral revoked", w.tom, w.revoked},
			{"therapist, consent withdrawn", w.tom, w.withdrawn},
			{"coordinator, break-glass", w.amira, w.glass},
			{"disabled account", w.disabled, w.disabledChild},
			{"parent of the child", w.sarah, w.leo},
			{"parent, another child", w.sarah, w.stranger},
			{"young person, own record", w.kai, w.kaiChild},
			{"young person, another child", w.kai, w.leo},
		}
		// want[route][state] is the expected status; missing states take the route's default.
		type expect struct {
			def   int
			state map[string]int
		}
		staffRecord := map[string]int{"anonymous": 303, "allocated coordinator": 200, "coordinator, no relationship": 404,
			"manager, owning team": 200, "therapist, referral accepted": 200, "therapist, referral revoked": 404,
			"therapist, consent withdrawn": 404, "coordinator, break-glass": 200, "disabled account": 303}
		familyRecord := map[string]int{"anonymous": 303, "disabled account": 303, "parent of the child": 200,
			"parent, another child": 404, "young person, own record": 200, "young person, another child": 404}
		family := map[string]int{"anonymous": 303, "disabled account": 303, "parent of the child": 200, "parent, another child": 200,
			"young person, own record": 200, "young person, another child": 200}
		staffWithCaseload := map[string]int{"anonymous": 303, "disabled account": 303, "allocated coordinator": 200,
			"coordinator, no relationship": 200, "manager, owning team": 200, "therapist, referral accepted": 200,
			"therapist, referral revoked": 200, "therapist, consent withdrawn": 200, "coordinator, break-glass": 200}
		signedIn := func(ok int) map[string]int { return map[string]int{"anonymous": 303, "disabled account": 303, "": ok} }
		post := func(ok, staffOnly int) map[string]int {
			m := map[string]int{"anonymous": 403, "disabled account": 403}
			for _, s := range states {
				if _, set := m[s.name]; !set {
					m[s.name] = ok
				}
			}
			return m
		}
		breakGlassPost := post(422, 0) // an empty form: refused with what is missing
		for _, s := range []string{"parent of the child", "parent, another child", "young person, own record", "young person, another child"} {
			breakGlassPost[s] = 403
		}
		want := map[string]expect{
			"GET /{$}":                            {200, nil},
			"GET /services":                       {200, nil},
			"GET /while-you-wait":                 {200, nil},
			"GET /family":                         {200, nil},
			"GET /staff":                          {200, nil},
			"GET /accessibility":                  {200, nil},
			"GET /privacy":                        {200, nil},
			"GET /healthz":                        {200, nil},
			"GET /readyz":                         {200, nil},
			"GET /static/{hash}/{name}":           {200, nil},
			"GET /sign-in":                        {200, nil},
			"POST /sign-in/demo":                  {303, nil},
			"POST /sign-in/family":                {422, nil}, // an empty form: refused with what is missing
			"POST /sign-in/staff/{provider}":      {404, nil}, // no identity provider is configured here
			"GET /sign-in/staff/callback":         {404, nil},
			"GET /account/invitation":             {200, nil},
			"POST /account/invitation":            {422, nil}, // no link: refused, nothing made
			"GET /account/verify":                 {200, nil},
			"POST /account/verify":                {422, nil},
			"GET /account/reset":                  {200, nil},
			"POST /account/reset":                 {422, nil},
			"GET /account/link-sent":              {200, nil},
			"POST /sign-out":                      {0, post(303, 0)},
			"GET /account/sessions":               {200, signedIn(200)},
			"POST /account/sessions/end-all":      {0, post(303, 0)},
			"GET /account/password":               {200, signedIn(200)},
			"POST /account/password":              {0, post(422, 0)}, // an empty form: refused with what is missing
			"GET /staff/caseload":                 {403, staffWithCaseload},
			"GET /staff/children/{id}":            {403, staffRecord},
			"GET /staff/children/{id}/access-log": {403, map[string]int{"anonymous": 303, "disabled account": 303, "manager, owning team": 200}},
			"GET /staff/children/{id}/reassign":   {403, map[string]int{"anonymous": 303, "disabled account": 303, "manager, owning team": 200}},
			"POST /staff/children/{id}/reassign":  {403, map[string]int{"manager, owning team": 422}}, // an empty form: refused with what is missing
			// An empty form: refused naming the person to invite, where the record is in reach for a change;
			// break-glass is view only, and the record is no secret to whoever opened it.
			"POST /staff/children/{id}/invite": {403, map[string]int{"allocated coordinator": 422, "manager, owning team": 422,
				"coordinator, no relationship": 404, "coordinator, break-glass": 403}},
			"GET /staff/break-glass":               {403, staffWithCaseload},
			"POST /staff/break-glass":              {0, breakGlassPost},
			"GET /family/children":                 {403, family},
			"GET /family/children/{id}":            {403, familyRecord},
			"GET /family/children/{id}/access-log": {403, familyRecord},
			// The EHC process: the caseload is every member of staff's; a case is read like the record, and
			// changed only where the relationship allows a change (break-glass is view only). An empty
			// form is refused naming what is missing, once the child is known to be in reach.
			"GET /staff/ehc":                       {403, staffWithCaseload},
			"GET /staff/children/{id}/ehc":         {403, staffRecord},
			"GET /staff/children/{id}/ehc/record":  {403, map[string]int{"anonymous": 303, "disabled account": 303, "allocated coordinator": 200, "manager, owning team": 200, "coordinator, no relationship": 404}},
			"POST /staff/children/{id}/ehc/record": {403, map[string]int{"allocated coordinator": 422, "manager, owning team": 422, "coordinator, no relationship": 404}},
			"GET /family/children/{id}/ehc":        {403, familyRecord},
			// Online requests, decision letters, mediation and appeal (ehc_flow.go). Asking needs only a view of
			// the child (or, for families, their own child); an empty form is refused naming what is missing.
			// {lid} is a letter of Leo's (matrix_ehcflow_test.go): for any other child it is missing.
			"GET /staff/children/{id}/ehc/request":              {403, staffRecord},
			"POST /staff/children/{id}/ehc/request":             {403, map[string]int{"allocated coordinator": 422, "manager, owning team": 422, "therapist, referral accepted": 422, "coordinator, break-glass": 422, "coordinator, no relationship": 404, "therapist, referral revoked": 404, "therapist, consent withdrawn": 404}},
			"GET /staff/ehc/requests":                           {403, map[string]int{"anonymous": 303, "disabled account": 303, "allocated coordinator": 200, "coordinator, no relationship": 200, "manager, owning team": 200, "coordinator, break-glass": 200}},
			"POST /staff/children/{id}/ehc/requests/accept":     {403, map[string]int{"allocated coordinator": 422, "manager, owning team": 422, "coordinator, no relationship": 404}},
			"GET /staff/children/{id}/ehc/letter":               {403, map[string]int{"anonymous": 303, "disabled account": 303, "allocated coordinator": 200, "manager, owning team": 200, "coordinator, no relationship": 404}},
			"POST /staff/children/{id}/ehc/letter":              {403, map[string]int{"allocated coordinator": 422, "manager, owning team": 422, "coordinator, no relationship": 404}},
			"GET /staff/children/{id}/ehc/letters/{lid}":        {403, map[string]int{"anonymous": 303, "disabled account": 303, "allocated coordinator": 200, "manager, owning team": 200, "therapist, referral accepted": 200, "coordinator, no relationship": 404, "therapist, referral revoked": 404, "therapist, consent withdrawn": 404, "coordinator, break-glass": 404}},
			"POST /staff/children/{id}/ehc/letters/{lid}/steps": {403, map[string]int{"allocated coordinator": 422, "manager, owning team": 422, "coordinator, no relationship": 404}},
			"GET /family/children/{id}/ehc/request":             {403, familyRecord},
			"POST /family/children/{id}/ehc/request":            {403, map[string]int{"parent of the child": 422, "parent, another child": 404, "young person, own record": 422, "young person, another child": 404}},
			"GET /family/children/{id}/ehc/letters/{lid}":       {403, map[string]int{"anonymous": 303, "disabled account": 303, "parent of the child": 200, "parent, another child": 404, "young person, own record": 404, "young person, another child": 404}},
			// The letters as PDF (letter_pdf.go): exactly as the HTML letters.
			"GET /staff/children/{id}/ehc/letters/{lid}/letter.pdf":  {403, map[string]int{"anonymous": 303, "disabled account": 303, "allocated coordinator": 200, "manager, owning team": 200, "therapist, referral accepted": 200, "coordinator, no relationship": 404, "therapist, referral revoked": 404, "therapist, consent withdrawn": 404, "coordinator, break-glass": 404}},
			"GET /family/children/{id}/ehc/letters/{lid}/letter.pdf": {403, map[string]int{"anonymous": 303, "disabled account": 303, "parent of the child": 200, "parent, another child": 404, "young person, own record": 404, "young person, another child": 404}},
			// Subject access requests: managers only; the POST names each state's child and downloads the archive.
			"GET /staff/sar":  {403, map[string]int{"anonymous": 303, "disabled account": 303, "manager, owning team": 200}},
			"POST /staff/sar": {403, map[string]int{"manager, owning team": 200}},

			// Transfers, safeguarding shares and alerts: only the manager holds case.reassign and
			// audit.view, and nobody here safeguarding.share. {tid} is a fresh pending transfer of
			// Leo proposed by Daniel, {aid} a fresh break-glass alert of his council (matrix_transfer_test.go).
			"GET /staff/children/{id}/transfer":            {403, map[string]int{"anonymous": 303, "disabled account": 303, "manager, owning team": 200}},
			"POST /staff/children/{id}/transfer":           {403, map[string]int{"manager, owning team": 422}}, // an empty form
			"GET /staff/transfers":                         {403, map[string]int{"anonymous": 303, "disabled account": 303, "manager, owning team": 200}},
			"GET /staff/transfers/{tid}":                   {403, map[string]int{"anonymous": 303, "disabled account": 303, "manager, owning team": 200}},
			"POST /staff/transfers/{tid}":                  {403, map[string]int{"manager, owning team": 422}}, // neither accept nor reject
			"POST /staff/transfers/{tid}/revoke":           {403, map[string]int{"manager, owning team": 303}},
			"GET /staff/children/{id}/safeguarding-share":  {403, map[string]int{"anonymous": 303, "disabled account": 303}},
			"POST /staff/children/{id}/safeguarding-share": {403, nil},
			"GET /staff/alerts":                            {403, map[string]int{"anonymous": 303, "disabled account": 303, "manager, owning team": 200}},
			"POST /staff/alerts/{aid}/reviewed":            {403, map[string]int{"manager, owning team": 303}},
		}
		for pattern, e := range waitsMatrix(staffRecord, familyRecord) {
			want[pattern] = expect{e.def, e.state}
		}
		for pattern, status := range orukMatrix {
			want[pattern] = expect{status, nil}
		}
		for pattern, status := range offerMatrix {
			want[pattern] = expect{status, nil}
		}
		for pattern, states := range apiMatrix {
			want[pattern] = expect{0, states}
		}
		for pattern, states := range moderationMatrix {
			want[pattern] = expect{0, states}
		}
		for pattern, states := range adviceMatrix {
			want[pattern] = expect{states[""], states}
		}
		for pattern, states := range commentsMatrix {
			want[pattern] = expect{0, states}
		}
		for pattern, states := range earlyYearsMatrix {
			want[pattern] = expect{states[""], states}
		}
		for pattern, states := range taxonomyMatrix {
			want[pattern] = expect{0, states}
		}
		for pattern, states := range planMatrix {
			want[pattern] = expect{states[""], states}
		}
		for pattern, states := range importMatrix {
			want[pattern] = expect{0, states}
		}
		assetURL, _ := url.Parse((&site{}).assetURL(t, "app.css"))
		for _, rt := range Routes() {
			exp, ok := want[rt.Pattern]
			if !ok {
				t.Errorf("%s is in the route table but not in the access matrix: add its expectations", rt.Pattern)
				continue
			}
			method, pattern, _ := strings.Cut(rt.Pattern, " ")
			for _, st := range states {
				status, ok := exp.state[st.name]
				if !ok {
					status = exp.def
					if s, ok := exp.state[""]; ok {
						status = s
					}
				}
				path := strings.TrimSuffix(pattern, "{$}")
				path = strings.ReplaceAll(path, "{id}", st.child)
				if strings.Contains(path, "{hash}") {
					path = assetURL.Path
				}
				path = w.fresh(t, d, path)
				path = w.leoLetter(t, d, path)
				path = w.freshAdvice(t, d, path)
				path = w.freshEarlyYears(t, d, path)
				path = planPath(path)
				if _, ok := orukMatrix[rt.Pattern]; ok {
					path = orukPath(t, d, pattern)
				}
				if _, ok := offerMatrix[rt.Pattern]; ok {
					path = offerPath(t, d, pattern)
				}
				form := url.Values{}
				if rt.Pattern == "POST /sign-in/demo" {
					form.Set("persona", demo.Personas()[0].Email)
				}
				if rt.Pattern == "POST /staff/sar" {
					form.Set("subject", st.child)
					form.Set("reason", "SAR-2026-0001, letter from the family")
				}
				before := auditRows(t, d, st.actor, st.child)
				got := request(t, h, d, method, path, st.actor, form)
				if got != status {
					t.Errorf("%s as %s: %d, want %d", rt.Pattern, st.name, got, status)
					continue
				}
				_, directory := offerMatrix[rt.Pattern]
				if _, open := orukMatrix[rt.Pattern]; got == 200 && !open && !directory &&
					(strings.Contains(pattern, "{id}") || strings.Contains(pattern, "{tid}") || rt.Pattern == "POST /staff/sar") { // {tid} is Leo's transfer
					if after := auditRows(t, d, st.actor, st.child); after != before+1 {
						t.Errorf("%s as %s: %d audit rows written, want 1", rt.Pattern, st.name, after-before)
					}
				}
			}
		}
	})
}

type matrixPeople struct {
	amira, daniel, tom, sarah, kai, disabled                          string
	leo, stranger, revoked, withdrawn, glass, kaiChild, disabledChild string
}

// matrixServer loads the tiny demo into d, with each relationship state set up, and serves it.
func matrixServer(t *testing.T, d *db.DB) (http.Handler, matrixPeople) {
	t.Helper()
	// The pages count waits and deadlines to the server's today, so the demo is made for the same day.
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Today(db.Now())}); err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{DB: d, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	return h, matrixWorld(t, d)
}

// matrixWorld finds the demo people and sets up each relationship state.
func matrixWorld(t *testing.T, d *db.DB) matrixPeople {
	t.Helper()
	ctx := context.Background()
	one := func(q string, args ...any) string {
		t.Helper()
		var s string
		if err := d.QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s
	}
	persona := func(name string) string {
		for _, p := range demo.Personas() {
			if p.Name == name {
				return one("SELECT id FROM people WHERE email = $1", p.Email)
			}
		}
		t.Fatalf("no persona %s", name)
		return ""
	}
	var w matrixPeople
	w.amira, w.daniel, w.tom, w.sarah, w.kai = persona("Amira Hussain"), persona("Daniel Okafor"), persona("Tom Nguyen"), persona("Sarah Bennett"), persona("Kai Thompson")
	w.leo = one("SELECT id FROM children WHERE given_name = 'Leo' AND family_name = 'Bennett'")
	w.kaiChild = one("SELECT id FROM children WHERE person_id = $1", w.kai)
	salt := one("SELECT organisation_id FROM people WHERE id = $1", w.tom)
	// Children on SEN support with a parent holding parental responsibility and no link to Amira or the therapy team.
	rows, err := d.Query(`SELECT c.id, fl.person_id FROM children c JOIN family_links fl ON fl.child_id = c.id AND fl.parental_responsibility = $1
		WHERE c.sen_provision = 'sen_support' AND NOT EXISTS (SELECT 1 FROM care_team ct WHERE ct.child_id = c.id
		AND (ct.person_id = $2 OR ct.organisation_id = $3)) AND c.id <> $4 ORDER BY c.id LIMIT 4`, true, w.amira, salt, w.leo)
	if err != nil {
		t.Fatal(err)
	}
	var kids, parents []string
	for rows.Next() {
		var c, p string
		rows.Scan(&c, &p)
		kids, parents = append(kids, c), append(parents, p)
	}
	rows.Close()
	if len(kids) < 4 {
		t.Fatalf("only %d suitable children in the tiny demo", len(kids))
	}
	w.stranger, w.revoked, w.withdrawn, w.glass = kids[0], kids[1], kids[2], kids[3]
	// A coordinator allocated to a child, whose account is then disabled.
	w.disabled = one(`SELECT ct.person_id FROM care_team ct JOIN role_grants g ON g.person_id = ct.person_id AND g.role = 'ehcp_coordinator'
		WHERE ct.reason = 'allocated' AND ct.person_id <> $1 ORDER BY ct.id LIMIT 1`, w.amira)
	w.disabledChild = one("SELECT child_id FROM care_team WHERE person_id = $1 AND reason = 'allocated' ORDER BY id LIMIT 1", w.disabled)

	now := db.Now().Add(-time.Minute)
	amira, err := access.LoadActor(ctx, d, w.amira)
	if err != nil {
		t.Fatal(err)
	}
	err = d.Transact(ctx, func(tx *sql.Tx) error {
		l, err := access.AddLink(ctx, tx, access.Link{ChildID: w.revoked, OrganisationID: salt, Reason: access.Referral,
			Purpose: "speech and language therapy advice", GrantedBy: w.amira, StartsAt: now.Add(-time.Hour)})
		if err != nil {
			return err
		}
		if err := access.EndLink(ctx, tx, l.ID, now); err != nil {
			return err
		}
		c, err := access.RecordConsent(ctx, tx, access.Consent{ChildID: w.withdrawn, GivenBy: parents[2], OrganisationID: salt,
			Information: []string{"health"}, Purpose: "advice", Evidence: "signed form", GivenAt: now.Add(-time.Hour)}, w.amira)
		if err != nil {
			return err
		}
		if err := access.WithdrawConsent(ctx, tx, c.ID, parents[2], now); err != nil {
			return err
		}
		_, err = access.BreakGlassAccess(ctx, tx, amira, w.glass, "carer phoned in crisis out of hours", now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := session.Disable(ctx, d, w.disabled); err != nil {
		t.Fatal(err)
	}
	return w
}

// request sends one request as person (a fresh session each time, so
// sign-out routes cannot spoil the next), and returns the status.
func request(t *testing.T, h http.Handler, d *db.DB, method, path, person string, form url.Values) int {
	t.Helper()
	body, contentType := form.Encode(), "application/x-www-form-urlencoded"
	if strings.HasPrefix(path, apiPrefix) { // the JSON API takes JSON
		body, contentType = "{}", "application/json"
	}
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if method == http.MethodPost {
		r.Header.Set("Content-Type", contentType)
	}
	if person != "" {
		secret, _, err := session.Create(context.Background(), d, person, "test", "matrix", session.StaffTimeouts)
		if err != nil {
			t.Fatal(err)
		}
		r.AddCookie(&http.Cookie{Name: "joinedup", Value: secret})
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code
}

func auditRows(t *testing.T, d *db.DB, actor, child string) int {
	t.Helper()
	return dbtest.Count(t, d, "SELECT COUNT(*) FROM audit_events WHERE actor_id = $1 AND child_id = $2", actor, child)
}

// Over HTTPS the session cookie is __Host-, Secure, HttpOnly and SameSite=Lax; HSTS is sent.
func TestSecureCookies(t *testing.T) {
	d := dbtest.SQLite(t)
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{DB: d, Demo: true, Secure: true})
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"persona": {demo.Personas()[0].Email}}
	r := httptest.NewRequest("POST", "https://joinedup.example/sign-in/demo", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	c := w.Result().Cookies()
	if w.Code != http.StatusSeeOther || len(c) != 1 {
		t.Fatalf("sign-in: %d with cookies %v", w.Code, c)
	}
	if c[0].Name != "__Host-joinedup" || !c[0].Secure || !c[0].HttpOnly || c[0].SameSite != http.SameSiteLaxMode || c[0].Path != "/" || c[0].Domain != "" {
		t.Errorf("session cookie %+v", c[0])
	}
	if len(c[0].Value) != session.SecretLen {
		t.Errorf("cookie value of %d characters", len(c[0].Value))
	}
	if w.Header().Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS over HTTPS")
	}
}
