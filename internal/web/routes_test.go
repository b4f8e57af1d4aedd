package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// Every route declares the permission it needs: access control will enforce
// what the table says, so a route with none must not get in.
func TestEveryRouteDeclaresAPermission(t *testing.T) {
	for _, rt := range Routes() {
		if rt.Permission == "" {
			t.Errorf("route %q declares no permission", rt.Pattern)
		}
	}
	if err := checkRoutes(table); err != nil {
		t.Error(err)
	}
}

// The check itself must catch what it claims to, or the test above proves nothing.
func TestCheckRoutesRefusesABadTable(t *testing.T) {
	h := (*server).home
	for _, tc := range []struct {
		name  string
		table []Route
		want  string
	}{
		{"no permission", []Route{{"GET /x", "", "X", h}}, "declares no permission"},
		{"unknown permission", []Route{{"GET /x", "everyone", "X", h}}, "unknown permission"},
		{"no method", []Route{{"/x", PermPublic, "X", h}}, "must start with a method"},
		{"listed twice", []Route{{"GET /x", PermPublic, "X", h}, {"GET /x", PermPublic, "X", h}}, "listed twice"},
		{"no handler", []Route{{"GET /x", PermPublic, "X", nil}}, "no handler"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkRoutes(tc.table)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

func TestRoutePath(t *testing.T) {
	for pattern, want := range map[string]string{
		"GET /{$}": "/", "GET /family": "/family", "GET /static/{hash}/{name}": "", "POST /family/ask": "/family/ask",
	} {
		if got := (Route{Pattern: pattern}).Path(); got != want {
			t.Errorf("%s: Path %q, want %q", pattern, got, want)
		}
	}
}

// Every page in the table answers, on an empty database and on one with a
// partnership, with its title from the table as <title> and h1.
func TestEveryPageAnswers(t *testing.T) {
	var pages []Route
	for _, rt := range Routes() {
		if rt.IsPage() {
			pages = append(pages, rt)
		}
	}
	if len(pages) < 7 {
		t.Fatalf("only %d pages in the route table", len(pages))
	}
	h1 := regexp.MustCompile(`(?s)<h1 class="(?:govuk-heading-[a-z]+|govuk-panel__title)">\s*(.*?)\s*</h1>`) // a heading, or a confirmation panel's title
	title := regexp.MustCompile(`<title>(.*?)</title>`)
	for _, setup := range []string{"empty database", "with a partnership"} {
		t.Run(setup, func(t *testing.T) {
			s := newSite(t)
			if setup != "empty database" {
				s.addPartnership(t)
			}
			for _, rt := range pages {
				if rt.Path() == "" {
					continue // a record page: the access matrix test visits it with a real id
				}
				w := s.get(t, rt.Path())
				if rt.Permission != PermPublic {
					// Nobody is signed in: every page behind a permission sends them to sign in, and back after.
					if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || loc != "/sign-in?next="+rt.Path() {
						t.Errorf("GET %s signed out: %d to %q, want 303 to the sign-in page", rt.Path(), w.Code, loc)
					}
					continue
				}
				if w.Code != http.StatusOK {
					t.Errorf("GET %s: %d", rt.Path(), w.Code)
					continue
				}
				if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("GET %s: Content-Type %q", rt.Path(), ct)
				}
				body := w.Body.String()
				esc := strings.ReplaceAll(rt.Title, "'", "&#39;")
				if m := h1.FindStringSubmatch(body); m == nil || m[1] != esc {
					t.Errorf("GET %s: h1 %v, want %q", rt.Path(), m, rt.Title)
				}
				if m := title.FindStringSubmatch(body); m == nil || !strings.HasPrefix(m[1], esc+" - joinedup") {
					t.Errorf("GET %s: title %v, want it to start %q", rt.Path(), m, rt.Title)
				}
				for _, must := range []string{`<html lang="en-GB"`, `class="govuk-skip-link"`, `class="govuk-generic-header"`, `class="govuk-phase-banner"`, `id="main-content"`, `class="govuk-footer"`} {
					if !strings.Contains(body, must) {
						t.Errorf("GET %s: no %s", rt.Path(), must)
					}
				}
				if setup != "empty database" && !strings.Contains(body, "Testshire Local Area Partnership") {
					t.Errorf("GET %s: the partnership's name is not shown", rt.Path())
				}
			}
		})
	}
}
