package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/apperr"
	"joinedup/internal/casework"
	"joinedup/internal/date"
	"joinedup/internal/ehc"
)

// The JSON API (issue 4, point 8): the EHC work the pages do, under /api/v1,
// for the same signed-in people with the same session cookie, the same
// permissions (the route table) and the same audit (casework writes it).
// Every answer under /api/v1 is JSON, errors included, in one shape: an
// apperr.Error inside {"error": ...}, as the pages and the CLI word it.

const (
	apiPrefix = "/api/v1/"
	// apiBodyLimit is the most a request body may hold: an event is a few hundred bytes.
	apiBodyLimit = 64 << 10
	// apiPageDefault and apiPageMax are the caseload's page sizes.
	apiPageDefault, apiPageMax = 100, 500
)

// Error codes for what only HTTP can get wrong; the rest are apperr's.
const (
	codeUnauthenticated  apperr.Code = "unauthenticated"
	codeMethodNotAllowed apperr.Code = "method_not_allowed"
	codeTooLarge         apperr.Code = "too_large"
	codeMediaType        apperr.Code = "unsupported_media_type"
	codeMalformed        apperr.Code = "malformed"
)

// isAPI reports whether a request is for the JSON API, whose errors are JSON.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, apiPrefix) || r.URL.Path == strings.TrimSuffix(apiPrefix, "/")
}

// apiErrorBody is the one shape of every API error.
type apiErrorBody struct {
	Error *apperr.Error `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Encoding")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// apiError answers with status and e.
func apiError(w http.ResponseWriter, status int, e *apperr.Error) {
	writeJSON(w, status, apiErrorBody{e})
}

// apiFail answers with err: its apperr code and message, or for anything
// else a 500 that says nothing but the reference to quote.
func (s *server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code == apperr.Internal {
		s.logger.ErrorContext(r.Context(), "request failed", "request_id", requestID(r.Context()), "route", r.Pattern, "error", err)
		apiError(w, http.StatusInternalServerError, &apperr.Error{Code: apperr.Internal,
			Message: "there is a problem with the service; quote reference " + requestID(r.Context())})
		return
	}
	apiError(w, apperr.HTTPStatus(err), e)
}

// apiUnmatched answers an /api/v1 address no route matches: 404, or 405
// with the Allow header when the address exists for other methods.
func (s *server) apiUnmatched(mux *http.ServeMux, w http.ResponseWriter, r *http.Request) {
	rec := &statusOnly{header: http.Header{}}
	mux.ServeHTTP(rec, r)
	if rec.code == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.header.Get("Allow"))
		apiError(w, http.StatusMethodNotAllowed, apperr.Errorf(codeMethodNotAllowed, "%s is not allowed here; allowed: %s", r.Method, rec.header.Get("Allow")))
		return
	}
	apiError(w, http.StatusNotFound, apperr.Errorf(apperr.NotFound, "there is no such address in the API"))
}

// statusOnly keeps the status and headers the mux would send, and drops its text.
type statusOnly struct {
	header http.Header
	code   int
}

func (w *statusOnly) Header() http.Header         { return w.header }
func (w *statusOnly) WriteHeader(code int)        { w.code = code }
func (w *statusOnly) Write(b []byte) (int, error) { return len(b), nil }

// denyCrossOrigin answers a cross-origin state-changing request refused by
// crossOrigin (middleware.go): JSON under /api/v1, as the default otherwise.
func denyCrossOrigin(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) {
		apiError(w, http.StatusForbidden, apperr.Errorf(apperr.Forbidden, "cross-origin requests that change things are refused"))
		return
	}
	http.Error(w, "cross-origin request refused", http.StatusForbidden)
}

// apiSignIn is the 401 for a request to a protected API route without a live session.
func apiSignIn(w http.ResponseWriter) {
	apiError(w, http.StatusUnauthorized, apperr.Errorf(codeUnauthenticated, "sign in first: send the session cookie"))
}

// readObject reads a JSON object body of at most apiBodyLimit bytes, sent
// as application/json (which a cross-site form cannot send).
func readObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, int, *apperr.Error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, http.StatusUnsupportedMediaType, apperr.Errorf(codeMediaType, "send the body as Content-Type: application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, apiBodyLimit))
	var obj map[string]json.RawMessage
	err = dec.Decode(&obj)
	if err == nil && obj == nil {
		err = errors.New("null is not an object")
	}
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("there is more after the object")
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, http.StatusRequestEntityTooLarge, apperr.Errorf(codeTooLarge, "the body is larger than %d bytes", apiBodyLimit)
	case err != nil:
		return nil, http.StatusBadRequest, apperr.Errorf(codeMalformed, "the body is not one JSON object: %v", err)
	}
	return obj, 0, nil
}

// apiEventFields are the fields an event may have besides its type's own.
var apiEventFields = []string{"type", "channel", "note"}

// eventInput turns a JSON event into casework's input. The fields are the
// clock's (`joinedup clock`'s events) plus channel and note; a field the
// type does not have is refused by name rather than ignored. Whether the
// values make sense is casework's to say, after it has checked access.
func eventInput(obj map[string]json.RawMessage) (casework.Input, error) {
	var bad apperr.Fields
	str := func(name string) string {
		v, ok := obj[name]
		var s string
		if ok && string(v) != "null" && json.Unmarshal(v, &s) != nil {
			bad.Add(name, "must be a string")
		}
		return s
	}
	in := casework.Input{Type: str("type"), Channel: str("channel"), Note: str("note")}
	allowed := map[string]ehc.FieldInfo{}
	t, known := ehc.ParseType(in.Type)
	for _, typ := range ehc.Types() {
		if !known || typ == t {
			for _, f := range typ.Fields() {
				allowed[f.Name] = f
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if _, ok := allowed[k]; !ok && !slices.Contains(apiEventFields, k) {
			what := "events"
			if known {
				what = in.Type + " events"
			}
			bad.Add(k, fmt.Sprintf("%s have no such field", what))
		}
	}
	for name, f := range allowed {
		s := str(name)
		switch {
		case s == "":
		case f.Date:
			d, err := date.Parse(s)
			if err != nil {
				bad.Add(name, err.Error())
			}
			switch name {
			case "date", "from":
				in.Date = d
			case "to":
				in.To = d
			case "received":
				in.Received = d
			}
		case name == "contributor":
			in.Contributor = s
		case f.Codes != nil:
			in.Code = s
		}
	}
	slices.SortFunc(bad, func(a, b apperr.Field) int { return strings.Compare(a.Name, b.Name) })
	return in, bad.Err("the event")
}

// The API's answers. Dates are YYYY-MM-DD; a deadline is the clock's own
// JSON (as `joinedup clock` prints it).

type apiCaseload struct {
	Cases  []apiCaseRow `json:"cases"`
	Total  int          `json:"total"` // every case that matches, before paging
	Offset int          `json:"offset"`
	Limit  int          `json:"limit"`
	View   string       `json:"view"` // mine or team
	Today  date.Date    `json:"today"`
}

type apiCaseRow struct {
	CaseID        string        `json:"case_id"`
	ChildID       string        `json:"child_id"`
	ChildName     string        `json:"child_name"`
	Stage         string        `json:"stage"`
	StageWords    string        `json:"stage_words"`
	Coordinator   *apiPerson    `json:"coordinator"` // null when nobody is allocated
	Next          *ehc.Deadline `json:"next"`        // null when nothing is open
	OpenDeadlines int           `json:"open_deadlines"`
	State         apiState      `json:"state"`
}

// apiState is a case's red, amber or green state, with its words.
type apiState struct {
	Colour string `json:"colour"`
	Words  string `json:"words"`
}

type apiPerson struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type apiContact struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

type apiCase struct {
	Child  apiPerson    `json:"child"`
	Case   *apiCaseBody `json:"case"` // null when the child has no EHC case
	Today  date.Date    `json:"today"`
	Access string       `json:"access"` // why the reader may see it, as audited
}

type apiCaseBody struct {
	ID          string         `json:"id"`
	Team        string         `json:"team"`
	Opened      date.Date      `json:"opened"`
	Stage       string         `json:"stage"`
	StageWords  string         `json:"stage_words"`
	Coordinator *apiContact    `json:"coordinator"` // null when nobody is allocated
	State       apiState       `json:"state"`
	Deadlines   []ehc.Deadline `json:"deadlines"`
	Open        []ehc.Deadline `json:"open"` // not yet done, soonest first: what happens next
	Events      []apiEvent     `json:"events"`
}

type apiEvents struct {
	Events []apiEvent `json:"events"`
}

// apiEvent is a recorded event in the shape it is sent in, with what the
// record adds.
type apiEvent struct {
	ID          string    `json:"id"`
	Seq         int       `json:"seq"`
	Type        string    `json:"type"`
	Date        date.Date `json:"date,omitzero"`
	From        date.Date `json:"from,omitzero"`
	To          date.Date `json:"to,omitzero"`
	Received    date.Date `json:"received,omitzero"`
	Source      string    `json:"source,omitempty"`
	Outcome     string    `json:"outcome,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	Kind        string    `json:"kind,omitempty"`
	Contributor string    `json:"contributor,omitempty"`
	Channel     string    `json:"channel,omitempty"`
	Note        string    `json:"note,omitempty"`
	RecordedBy  string    `json:"recorded_by,omitempty"` // staff only
	RecordedAt  time.Time `json:"recorded_at"`
}

func toAPIEvent(e casework.Event) apiEvent {
	out := apiEvent{ID: e.ID, Seq: e.Seq, Type: e.Type.String(), To: e.To, Received: e.Received, Contributor: e.Contributor,
		Channel: e.Channel, Note: e.Note, RecordedBy: e.RecordedBy, RecordedAt: e.RecordedAt.UTC()}
	if e.Type == ehc.Exception {
		out.From = e.Date
	} else {
		out.Date = e.Date
	}
	for _, f := range e.Type.Fields() {
		if f.Codes == nil {
			continue
		}
		switch f.Name {
		case "source":
			out.Source = e.Code
		case "outcome":
			out.Outcome = e.Code
		case "reason":
			out.Reason = e.Code
		case "kind":
			out.Kind = e.Code
		}
	}
	return out
}

func toAPIEvents(es []casework.Event) []apiEvent {
	out := make([]apiEvent, 0, len(es))
	for _, e := range es {
		out = append(out, toAPIEvent(e))
	}
	return out
}

func toAPICase(c casework.Case) apiCase {
	out := apiCase{Child: apiPerson{c.ChildID, c.ChildName}, Today: c.Today, Access: c.Access}
	if !c.Exists() {
		return out
	}
	body := &apiCaseBody{ID: c.ID, Team: c.Team, Opened: c.Opened, Stage: c.Stage, StageWords: casework.StageWords[c.Stage],
		State: apiState(casework.StateOf(c.Open(), c.Today)), Deadlines: nonNil(c.Deadlines), Open: nonNil(c.Open()), Events: toAPIEvents(c.Events)}
	if c.Coordinator != "" {
		body.Coordinator = &apiContact{c.Coordinator, c.CoordinatorEmail, c.CoordinatorPhone}
	}
	out.Case = body
	return out
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// caseloadQuery reads the caseload's query: view (mine, team), due (week),
// coordinator (a person id, in the team view), limit and offset.
func caseloadQuery(a access.Actor, q map[string][]string) (f casework.Filter, view string, limit, offset int, err error) {
	var bad apperr.Fields
	get := func(name string) string {
		if v := q[name]; len(v) > 0 {
			if len(v) > 1 {
				bad.Add(name, "give it once")
			}
			return v[0]
		}
		return ""
	}
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if !slices.Contains([]string{"view", "due", "coordinator", "limit", "offset"}, k) {
			bad.Add(k, "is not a filter of the caseload (view, due, coordinator, limit, offset)")
		}
	}
	scope, _ := a.Can(access.CaseView)
	manager := scope != access.ScopeOwn
	switch v := get("view"); {
	case v == "" && manager, v == "team" && manager:
		f.Team = true
	case v == "team":
		bad.Add("view", "your role shows only the cases you coordinate: use view=mine")
	case v == "" || v == "mine":
	default:
		bad.Add("view", "must be mine or team")
	}
	switch due := get("due"); due {
	case "":
	case "week":
		f.DueThisWeek = true
	default:
		bad.Add("due", "must be week, or left out")
	}
	if f.Coordinator = get("coordinator"); f.Coordinator != "" && !f.Team {
		bad.Add("coordinator", "chooses a coordinator in the team view only")
	}
	number := func(name string, def, lo, hi int) int {
		s := get(name)
		if s == "" {
			return def
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			bad.Add(name, fmt.Sprintf("must be a whole number from %d to %d", lo, hi))
		}
		return n
	}
	limit = number("limit", apiPageDefault, 1, apiPageMax)
	offset = number("offset", 0, 0, 1_000_000)
	view = "mine"
	if f.Team {
		view = "team"
	}
	return f, view, limit, offset, bad.Err("the caseload's query")
}

// apiEHCCases is the caseload: GET /api/v1/ehc/cases.
func (s *server) apiEHCCases(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	f, view, limit, offset, err := caseloadQuery(a, r.URL.Query())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	f.Offset = offset
	rows, total, err := casework.Caseload(r.Context(), s.db, a, f, limit)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiCaseload{Cases: []apiCaseRow{}, Total: total, Offset: offset, Limit: limit, View: view, Today: todayOf()}
	for _, row := range rows {
		c := apiCaseRow{CaseID: row.CaseID, ChildID: row.ChildID, ChildName: row.ChildName, Stage: row.Stage,
			StageWords: casework.StageWords[row.Stage], OpenDeadlines: row.Open, State: apiState(row.State)}
		if row.Coordinator != "" {
			c.Coordinator = &apiPerson{row.CoordinatorID, row.Coordinator}
		}
		if !row.Next.Due.IsZero() {
			next := row.Next
			c.Next = &next
		}
		out.Cases = append(out.Cases, c)
	}
	writeJSON(w, http.StatusOK, out)
}

// apiEHCCase is one child's case with every deadline, for staff.
func (s *server) apiEHCCase(w http.ResponseWriter, r *http.Request) {
	s.apiCaseFor(w, r, access.CaseView, func(c casework.Case) any { return toAPICase(c) })
}

// apiEHCEvents is a child's case's events, by date.
func (s *server) apiEHCEvents(w http.ResponseWriter, r *http.Request) {
	s.apiCaseFor(w, r, access.CaseView, func(c casework.Case) any { return apiEvents{toAPIEvents(c.Events)} })
}

// apiFamilyEHC is the family's view of their child's case: where it stands,
// what happens next and by when, and who their coordinator is.
func (s *server) apiFamilyEHC(w http.ResponseWriter, r *http.Request) {
	s.apiCaseFor(w, r, access.FamilyView, func(c casework.Case) any { return toAPICase(c) })
}

func (s *server) apiCaseFor(w http.ResponseWriter, r *http.Request, p access.Permission, answer func(casework.Case) any) {
	a, _ := actorOf(r.Context())
	c, err := casework.Get(r.Context(), s.db, a, r.PathValue("id"), p)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, answer(c))
}

// apiAddEHCEvent records an event: 201 with the event as stored, or the
// fields that are wrong and nothing stored. The plan's own events are
// refused naming the route that records them (planActionFields).
func (s *server) apiAddEHCEvent(w http.ResponseWriter, r *http.Request) {
	a, _ := actorOf(r.Context())
	obj, status, e := readObject(w, r)
	if e != nil {
		apiError(w, status, e)
		return
	}
	in, err := eventInput(obj)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	ev, err := casework.Add(r.Context(), s.db, a, r.PathValue("id"), in)
	planActionFields(invalidFields(err), in.Type, r.PathValue("id"), true) // says so in err's own fields
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toAPIEvent(ev))
}
