package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"joinedup/internal/date"
	"joinedup/internal/db"
	"joinedup/internal/demo"
)

// offerWorld is the tiny demo served for the Local Offer's access tests
// (moderation, comments, taxonomies, import), with the two people those
// pages are for: Rachel Evans, a SENCO who provides her school's entries
// (offer.provide), and Marcus Reid, the Local Offer editor.
type offerWorld struct {
	h              http.Handler
	d              *db.DB
	rachel, marcus string
}

// offerServer loads the tiny demo into d, for a fixed day since none of
// these pages counts to today, and serves it.
func offerServer(t *testing.T, d *db.DB) offerWorld {
	t.Helper()
	if _, err := demo.Generate(context.Background(), d, demo.Options{Scale: demo.Tiny, Seed: 1, Today: date.Of(2026, 11, 22)}); err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{DB: d, Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	w := offerWorld{h: h, d: d}
	w.rachel, w.marcus = demoPersona(t, d, "Rachel Evans"), demoPersona(t, d, "Marcus Reid")
	return w
}

// one is the single value q reads.
func one(t *testing.T, d *db.DB, q string, args ...any) string {
	t.Helper()
	var s string
	if err := d.QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// demoPersona is the id of the demo person called name.
func demoPersona(t *testing.T, d *db.DB, name string) string {
	t.Helper()
	for _, p := range demo.Personas() {
		if p.Name == name {
			return one(t, d, "SELECT id FROM people WHERE email = $1", p.Email)
		}
	}
	t.Fatalf("no persona %s", name)
	return ""
}

// offerCase is one request and the status it should get; who is a person's
// id, or "" for nobody signed in.
type offerCase struct {
	who, method, path string
	form              url.Values
	want              int
}

// check makes each request as its person and reports every status that is
// not the one wanted, naming the person by what they are to the Local Offer.
func (w offerWorld) check(t *testing.T, cases []offerCase) {
	t.Helper()
	for _, c := range cases {
		if got := request(t, w.h, w.d, c.method, c.path, c.who, c.form); got != c.want {
			t.Errorf("%s %s as %s: %d, want %d", c.method, c.path, w.name(c.who), got, c.want)
		}
	}
}

func (w offerWorld) name(who string) string {
	switch who {
	case "":
		return "nobody signed in"
	case w.rachel:
		return "the provider"
	case w.marcus:
		return "the editor"
	}
	return "person " + who
}

// withField is form with field k set to v, form itself untouched: a good
// form with one thing wrong.
func withField(form url.Values, k, v string) url.Values {
	f := url.Values{}
	for key, vs := range form {
		f[key] = vs
	}
	f.Set(k, v)
	return f
}
