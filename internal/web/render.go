package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"joinedup/internal/access"
	"joinedup/internal/account"
	"joinedup/internal/apperr"
	"joinedup/internal/offer/edits"
	"joinedup/internal/people"
)

//go:embed templates
var templateFiles embed.FS

// layout is the base every page shares, and components the pieces several
// pages use; each other file in templates/ is one page that defines "content"
// and is parsed on top of a copy of those two.
const (
	layout     = "layout.html"
	components = "components.html"
)

// Page templates that are not in the route table.
const (
	notFoundPage    = "not-found.html"
	serverErrorPage = "server-error.html"
)

// parseTemplates returns every page, each joined to the layout, keyed by file name.
func parseTemplates(a *assets) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"asset": a.url,
		"count": count,
		"searchBox": func(label, query string) struct{ Label, Query string } {
			return struct{ Label, Query string }{label, query}
		},
		"day":         func(t time.Time) string { return t.Format("2 January 2006") },
		"when":        func(t time.Time) string { return t.Local().Format("2 January 2006 at 3:04pm") },
		"provision":   provisionWords,
		"words":       func(s string) string { return strings.ReplaceAll(s, "_", " ") },
		"fieldError":  fieldError,
		"input":       newInput,
		"minPassword": func() int { return account.MinPasswordLen },
		"navItem": func(v view, section, href, text string) navItem {
			return navItem{Href: href, Text: text, Current: v.Current == href, Active: v.Section == section}
		},
	}
	maps.Copy(funcs, ehcFuncs)
	maps.Copy(funcs, offerFuncs)
	maps.Copy(funcs, waitsFuncs)
	funcs["editStatus"] = editStatus
	funcs["reviewMonths"] = func() int { return edits.ReviewEvery }
	maps.Copy(funcs, adviceFuncs)
	base, err := template.New(layout).Funcs(funcs).ParseFS(templateFiles, "templates/"+layout, "templates/"+components)
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, p := range names {
		name := strings.TrimPrefix(p, "templates/")
		if name == layout || name == components {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFiles, p)
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// count writes a whole number the way people read it: 7,012.
func count(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// navItem is one link in the service navigation: Current on its own page,
// Active anywhere in its section.
type navItem struct {
	Href, Text      string
	Current, Active bool
}

// view is what every page template gets: what the layout needs and the page's own data.
type view struct {
	Title          string
	Partnership    people.Partnership
	HasPartnership bool   // false on a database with no partnership set up yet
	Section        string // which service navigation item is current: offer, family or staff
	Current        string // the path of this page, to mark its navigation link
	RequestID      string
	Version        string
	Demo           bool // serving invented data: the banner says so
	SignedIn       bool
	Actor          access.Actor // who is signed in, when SignedIn
	Page           any
}

// view starts a page's data: its title from the route table and the
// partnership for the header (read until one is set up, then kept).
func (s *server) view(r *http.Request, page any) (view, error) {
	title := s.titles[r.Pattern]
	if post, ok := strings.CutPrefix(r.Pattern, "POST "); ok && title == "" {
		title = s.titles["GET "+post] // a form shown again with its errors
	}
	v := s.bareView(r, title, page)
	if p := s.partnership.Load(); p != nil {
		v.Partnership, v.HasPartnership = *p, true
		return v, nil
	}
	p, err := s.people.ThePartnership(r.Context())
	switch {
	case err == nil:
		s.partnership.Store(&p)
		v.Partnership, v.HasPartnership = p, true
	case apperr.CodeOf(err) != apperr.NotFound:
		return v, fmt.Errorf("reading the partnership: %w", err)
	}
	return v, nil
}

// bareView is a view without the database, for the error pages: a flood of
// 404s should not reach the database, and a 500 may be the database's fault.
func (s *server) bareView(r *http.Request, title string, page any) view {
	v := view{Title: title, Current: r.URL.Path, RequestID: requestID(r.Context()), Version: s.version, Demo: s.demo, Page: page, Section: "offer"}
	v.Actor, v.SignedIn = actorOf(r.Context())
	for _, p := range privatePrefixes {
		if r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/") {
			v.Section = strings.TrimPrefix(p, "/")
		}
	}
	return v
}

// render writes a page. It renders to memory first, so a template failure
// becomes the error page rather than half a page with a 200.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	var buf bytes.Buffer
	err := fmt.Errorf("no template %s", name)
	if t, ok := s.pages[name]; ok {
		err = t.ExecuteTemplate(&buf, layout, v)
	}
	if err != nil {
		if name == serverErrorPage { // the last resort must not recurse
			s.logger.ErrorContext(r.Context(), "cannot render the error page", "error", err)
			http.Error(w, "Sorry, there is a problem with the service. Try again later.", http.StatusInternalServerError)
			return
		}
		s.serverError(w, r, fmt.Errorf("rendering %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// page renders a route's page with the common view, or the error page.
func (s *server) page(w http.ResponseWriter, r *http.Request, name string, data any) {
	v, err := s.view(r, data)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, name, v)
}

// renderForm shows a form page with the person's answers: 200 when errs is
// empty, else 422 with "Error: " before the title (GOV.UK's error pattern).
func (s *server) renderForm(w http.ResponseWriter, r *http.Request, name string, page any, errs []apperr.Field) {
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.renderFormStatus(w, r, status, name, page, errs)
}

// renderFormStatus is renderForm with a status of the caller's choosing, for
// refusals that are not about the answers (403 locked, 429 too many).
func (s *server) renderFormStatus(w http.ResponseWriter, r *http.Request, status int, name string, page any, errs []apperr.Field) {
	v, err := s.view(r, page)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(errs) > 0 {
		v.Title = "Error: " + v.Title
	}
	s.render(w, r, status, name, v)
}

// notFound is the friendly 404 page.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) {
		s.apiFail(w, r, apperr.Errorf(apperr.NotFound, "there is no such record"))
		return
	}
	v := s.bareView(r, "Page not found", nil)
	v.Section = "" // a missing page is in no section
	s.render(w, r, http.StatusNotFound, notFoundPage, v)
}

// serverError logs err with the request ID and shows a page that says
// nothing about it, only the ID to quote.
func (s *server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) {
		s.apiFail(w, r, err)
		return
	}
	s.logger.ErrorContext(r.Context(), "request failed", "request_id", requestID(r.Context()), "route", r.Pattern, "error", err)
	w.Header().Del("Content-Encoding")
	v := s.bareView(r, "Sorry, there is a problem with the service", nil)
	v.Section = ""
	s.render(w, r, http.StatusInternalServerError, serverErrorPage, v)
}

// provisionWords says a child's SEN provision in words.
func provisionWords(p string) string {
	switch p {
	case people.EHCPlan:
		return "EHC plan"
	case people.SENSupport:
		return "SEN support"
	}
	return "No special educational provision recorded"
}

// input is what the "input" component draws: one text input.
type input struct {
	Name, Label, Hint, Type, Autocomplete, Value, Error string
}

func newInput(errs []apperr.Field, name, label, hint, typ, autocomplete, value string) input {
	return input{name, label, hint, typ, autocomplete, value, fieldError(errs, name)}
}

// fieldError is the message for a form field, or "".
func fieldError(errs []apperr.Field, name string) string {
	for _, e := range errs {
		if e.Name == name {
			return e.Message
		}
	}
	return ""
}
